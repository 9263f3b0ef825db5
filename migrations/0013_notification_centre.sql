-- The notification centre: the kinds and their defaults, each user's preferences
-- (applied as a notification is written), the order the live stream delivers in, the
-- mail sent, and follow-up reminders on notes.

CREATE TYPE email_delivery AS ENUM ('immediately', 'daily_digest', 'weekly_digest', 'off');

-- Every kind with its default preference: the domain's `NotificationKind` (a test
-- ties the two). Mandatory kinds are always shown in the app.
CREATE TABLE notification_kinds (
    kind           text PRIMARY KEY,
    mandatory      boolean NOT NULL,
    default_in_app boolean NOT NULL,
    default_email  email_delivery NOT NULL
);
INSERT INTO notification_kinds (kind, mandatory, default_in_app, default_email) VALUES
    ('payment_received', false, true, 'off'),
    ('payment_pending_approval', false, true, 'daily_digest'),
    ('payment_unapplied', false, true, 'daily_digest'),
    ('plan_pending_approval', false, true, 'daily_digest'),
    ('plan_approved', false, true, 'off'),
    ('plan_rejected', false, true, 'off'),
    ('installment_due', false, true, 'off'),
    ('installment_late', false, true, 'off'),
    ('plan_defaulted', false, true, 'off'),
    ('account_assigned', false, true, 'off'),
    ('follow_up_due', false, true, 'off'),
    ('import_finished', false, true, 'off'),
    ('stale_accounts', false, true, 'daily_digest'),
    ('job_failed', true, true, 'immediately'),
    ('data_quality_findings', true, true, 'immediately');

-- A user's choice for a kind; no row means the kind's default.
CREATE TABLE notification_preferences (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    kind       text NOT NULL REFERENCES notification_kinds (kind),
    in_app     boolean NOT NULL,
    email      email_delivery NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- in_app and email: the recipient's preference when the notification was written.
-- seq: the delivery order, given by the dispatcher once the writing transaction has
-- committed (NULL until then); the live stream's event ids and its resume point.
-- mailed_in: the mail that carried it.
ALTER TABLE notifications
    ADD COLUMN in_app boolean NOT NULL DEFAULT true,
    ADD COLUMN email email_delivery NOT NULL DEFAULT 'off',
    ADD COLUMN seq bigint,
    ADD COLUMN mailed_in uuid,
    ADD CONSTRAINT notifications_kind_fkey FOREIGN KEY (kind) REFERENCES notification_kinds (kind);

CREATE SEQUENCE notification_seq AS bigint;
WITH ordered AS (SELECT agency_id, id, row_number() OVER (ORDER BY created_at, id) AS n FROM notifications)
UPDATE notifications n SET seq = o.n FROM ordered o WHERE n.agency_id = o.agency_id AND n.id = o.id;
SELECT setval('notification_seq', coalesce((SELECT max(seq) FROM notifications), 0) + 1, false);

CREATE UNIQUE INDEX notifications_seq_idx ON notifications (seq);
CREATE INDEX notifications_undispatched_idx ON notifications (created_at) WHERE seq IS NULL;
CREATE INDEX notifications_stream_idx ON notifications (agency_id, recipient_id, seq) WHERE in_app;
CREATE INDEX notifications_unread_idx ON notifications (agency_id, recipient_id) WHERE in_app AND read_at IS NULL;
CREATE INDEX notifications_unmailed_idx ON notifications (agency_id, recipient_id, created_at)
    WHERE email <> 'off' AND mailed_in IS NULL;

-- The recipient's preference, read as the row is written: one place for every path
-- that notifies (services, jobs' set-based statements).
CREATE FUNCTION notification_apply_preference() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k notification_kinds;
    p notification_preferences;
BEGIN
    SELECT * INTO k FROM notification_kinds WHERE kind = NEW.kind;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key refuses it
    END IF;
    SELECT * INTO p FROM notification_preferences WHERE user_id = NEW.recipient_id AND kind = NEW.kind;
    NEW.in_app := k.mandatory OR coalesce(p.in_app, k.default_in_app);
    NEW.email := coalesce(p.email, k.default_email);
    NEW.seq := NULL;
    RETURN NEW;
END $$;
CREATE TRIGGER notifications_apply_preference BEFORE INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_apply_preference();

-- Wakes the dispatchers once per writing statement, when its transaction commits.
CREATE FUNCTION notifications_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('notifications_written', '');
    RETURN NULL;
END $$;
CREATE TRIGGER notifications_written AFTER INSERT ON notifications
    FOR EACH STATEMENT EXECUTE FUNCTION notifications_written();

-- Mail: one row per message (an immediate notification, or a digest of a slot), kept
-- as the sent-mail log. A failed attempt is retried at next_attempt_at; after the
-- last attempt the mail is `failed`. A sender claims a pending mail by moving its
-- next_attempt_at past the SMTP call (a lease; see crates/api/src/mail).
CREATE TYPE mail_status AS ENUM ('pending', 'sent', 'failed');
CREATE TABLE mail_deliveries (
    agency_id       uuid NOT NULL REFERENCES agencies (id),
    id              uuid NOT NULL,
    recipient_id    uuid NOT NULL REFERENCES users (id),
    to_address      text NOT NULL,
    delivery        email_delivery NOT NULL CHECK (delivery <> 'off'),
    -- A digest's slot on the agency's wall clock (07:00 of its day or Monday).
    slot            timestamp,
    subject         text NOT NULL,
    body            text NOT NULL,
    notifications   integer NOT NULL CHECK (notifications > 0),
    status          mail_status NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (agency_id, id),
    CHECK ((delivery = 'immediately') = (slot IS NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE UNIQUE INDEX mail_deliveries_digest_idx ON mail_deliveries (recipient_id, delivery, slot) WHERE slot IS NOT NULL;
CREATE INDEX mail_deliveries_pending_idx ON mail_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_deliveries_log_idx ON mail_deliveries (agency_id, created_at DESC, id DESC);
CREATE INDEX mail_deliveries_recipient_idx ON mail_deliveries (agency_id, recipient_id, created_at DESC, id DESC);

-- A note's reminder to its author: fired once at remind_at (a follow_up_due
-- notification), then due on the author's worklist until they write on the account again.
CREATE TABLE follow_ups (
    agency_id  uuid NOT NULL,
    -- The note's timeline event.
    id         uuid NOT NULL,
    account_id uuid NOT NULL,
    author_id  uuid NOT NULL REFERENCES users (id),
    remind_at  timestamptz NOT NULL,
    fired_at   timestamptz,
    done_at    timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
CREATE INDEX follow_ups_unfired_idx ON follow_ups (remind_at) WHERE fired_at IS NULL;
CREATE INDEX follow_ups_open_idx ON follow_ups (agency_id, account_id, author_id) WHERE done_at IS NULL;

GRANT SELECT ON notification_kinds TO debtflow_app;
GRANT USAGE ON SEQUENCE notification_seq TO debtflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences TO debtflow_app;
GRANT SELECT, INSERT, UPDATE ON mail_deliveries, follow_ups TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['notification_preferences', 'mail_deliveries', 'follow_ups'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;
