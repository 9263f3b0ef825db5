-- Typed agency settings, and who changed each job kill switch last.
--
-- Agency settings were free jsonb, patched with any keys; DebtFlow now reads them as one
-- typed struct (`debtflow_domain::agency::AgencySettings`) and refuses unknown keys and
-- values out of range. Here every stored object is normalised to that struct: the keys
-- DebtFlow reads keep their values when valid (a number, or a string of digits, within
-- the setting's range), take the default otherwise, and every other key is dropped. An
-- agency whose object lost a key or a value that way gets an audit row
-- (`agency.settings_normalised`, no actor) with the object before and after, so nothing
-- is lost without a trace.

CREATE FUNCTION migration_0022_days(s jsonb, key text, lo int, hi int, fallback int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN (s ->> key) ~ '^[0-9]{1,6}$' AND (s ->> key)::int BETWEEN lo AND hi
                THEN (s ->> key)::int ELSE fallback END
$$;

CREATE TEMPORARY TABLE normalised_settings ON COMMIT DROP AS
SELECT id, settings AS before,
       jsonb_build_object(
           'payment_allocation',
               CASE WHEN settings ->> 'payment_allocation' IN ('principal_first', 'fees_first')
                    THEN settings ->> 'payment_allocation' ELSE 'principal_first' END,
           'payment_approval_after_days',
               to_jsonb(migration_0022_days(settings, 'payment_approval_after_days', 0, 365, NULL)),
           -- Fewer than the threshold, as every plan's own terms must be.
           'plan_grace_days',
               least(migration_0022_days(settings, 'plan_grace_days', 0, 364, 3),
                     migration_0022_days(settings, 'plan_default_threshold_days', 1, 365, 30) - 1),
           'plan_default_threshold_days', migration_0022_days(settings, 'plan_default_threshold_days', 1, 365, 30),
           'reminder_days_before', migration_0022_days(settings, 'reminder_days_before', 0, 60, 3),
           'stale_after_days', migration_0022_days(settings, 'stale_after_days', 1, 365, 14)
       ) AS after
FROM agencies;

INSERT INTO audit_logs (id, agency_id, action, entity_type, entity_id, before, after)
SELECT gen_random_uuid(), id, 'agency.settings_normalised', 'agency', id::text, before, after
FROM normalised_settings
WHERE NOT after @> before;

UPDATE agencies a SET settings = n.after FROM normalised_settings n WHERE n.id = a.id;

DROP FUNCTION migration_0022_days(jsonb, text, int, int, int);

-- The last wall behind the typed struct: an object of bounded size.
ALTER TABLE agencies ADD CONSTRAINT agencies_settings_size CHECK (octet_length(settings::text) <= 2048);

-- Who turned each kill switch to its current value, and when (NULL: never changed
-- since the agency began). Written by `PATCH /settings` with the audit row; filled
-- here from the audit trail's `settings.update` rows, which name only the switches
-- each one changed.
ALTER TABLE job_settings
    ADD COLUMN jobs_enabled_by uuid REFERENCES users (id),
    ADD COLUMN jobs_enabled_at timestamptz,
    ADD COLUMN reminders_enabled_by uuid REFERENCES users (id),
    ADD COLUMN reminders_enabled_at timestamptz,
    ADD COLUMN escalation_enabled_by uuid REFERENCES users (id),
    ADD COLUMN escalation_enabled_at timestamptz,
    ADD COLUMN defaults_enabled_by uuid REFERENCES users (id),
    ADD COLUMN defaults_enabled_at timestamptz,
    ADD CONSTRAINT job_settings_changes_paired CHECK (
        (jobs_enabled_by IS NULL) = (jobs_enabled_at IS NULL)
        AND (reminders_enabled_by IS NULL) = (reminders_enabled_at IS NULL)
        AND (escalation_enabled_by IS NULL) = (escalation_enabled_at IS NULL)
        AND (defaults_enabled_by IS NULL) = (defaults_enabled_at IS NULL));

DO $$
DECLARE switch text;
BEGIN
    FOREACH switch IN ARRAY ARRAY['jobs_enabled', 'reminders_enabled', 'escalation_enabled', 'defaults_enabled'] LOOP
        EXECUTE format(
            'UPDATE job_settings s SET %1$I = last.actor_id, %2$I = last.occurred_at
             FROM (SELECT DISTINCT ON (agency_id) agency_id, actor_id, occurred_at
                   FROM audit_logs
                   WHERE action = ''settings.update'' AND entity_type = ''job_settings'' AND after ? %3$L
                     AND actor_id IS NOT NULL
                   ORDER BY agency_id, occurred_at DESC, id DESC) last
             WHERE last.agency_id = s.agency_id
               AND EXISTS (SELECT 1 FROM users u WHERE u.id = last.actor_id)',
            switch || '_by', switch || '_at', switch);
    END LOOP;
END $$;
