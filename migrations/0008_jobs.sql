-- The daily jobs (crates/api/src/jobs/): their runs, their kill switches, aging that
-- stops while an account is disputed or paused, bucket history, data-quality findings.

------------------------------------------------------------------------------
-- Aging. An account's days past due are counted from its aging anchor: the
-- delinquency date pushed forward by every day it spent disputed or in a delinquency
-- pause. The dpd_aging job recomputes anchors from that history (so a replay of any
-- date gives the same answer); the worklist sorts and filters by the anchor, indexed.
ALTER TABLE accounts ADD COLUMN aging_anchor date;
UPDATE accounts SET aging_anchor = delinquency_date;
ALTER TABLE accounts ALTER COLUMN aging_anchor SET NOT NULL;
CREATE FUNCTION default_aging_anchor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.aging_anchor := coalesce(NEW.aging_anchor, NEW.delinquency_date);
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_aging_anchor BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION default_aging_anchor();
DROP INDEX accounts_worklist_delinquency_idx;
DROP INDEX accounts_collector_delinquency_idx;
CREATE INDEX accounts_worklist_aging_idx ON accounts (agency_id, aging_anchor, id);
CREATE INDEX accounts_collector_aging_idx ON accounts (agency_id, collector_id, aging_anchor, id);
CREATE INDEX disputes_account_idx ON disputes (agency_id, account_id);

-- A manager stops an account aging for a while (a hardship, a deceased debtor's estate).
CREATE TABLE delinquency_pauses (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    id         uuid NOT NULL,
    account_id uuid NOT NULL,
    starts_on  date NOT NULL,
    -- The last day paused.
    ends_on    date NOT NULL CHECK (ends_on >= starts_on),
    reason     text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
CREATE INDEX delinquency_pauses_account_idx ON delinquency_pauses (agency_id, account_id);

-- Every move of an account between aging buckets, by date.
CREATE TABLE aging_history (
    agency_id   uuid NOT NULL,
    account_id  uuid NOT NULL,
    as_of_date  date NOT NULL,
    from_bucket text NOT NULL,
    to_bucket   text NOT NULL,
    PRIMARY KEY (agency_id, account_id, as_of_date),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
CREATE INDEX aging_history_date_idx ON aging_history (agency_id, as_of_date);

------------------------------------------------------------------------------
-- Runs. One row per job, agency (NULL for platform-wide jobs) and date run; at most
-- one success per job, agency and date unless forced.
CREATE TABLE job_runs (
    id                   uuid PRIMARY KEY,
    job                  text NOT NULL,
    agency_id            uuid REFERENCES agencies (id),
    as_of_date           date NOT NULL,
    status               text NOT NULL CHECK (status IN
                             ('running', 'succeeded', 'partial', 'failed', 'skipped_lock', 'skipped_done', 'disabled')),
    forced               boolean NOT NULL DEFAULT false,
    started_at           timestamptz NOT NULL DEFAULT now(),
    finished_at          timestamptz,
    records_scanned      bigint NOT NULL DEFAULT 0,
    records_updated      bigint NOT NULL DEFAULT 0,
    notifications_sent   bigint NOT NULL DEFAULT 0,
    notifications_failed bigint NOT NULL DEFAULT 0,
    errors_count         bigint NOT NULL DEFAULT 0,
    findings             bigint NOT NULL DEFAULT 0,
    error_summary        text,
    host                 text NOT NULL,
    pid                  integer NOT NULL
);
CREATE UNIQUE INDEX job_runs_one_success ON job_runs (job, coalesce(agency_id, '00000000-0000-0000-0000-000000000000'), as_of_date)
    WHERE status = 'succeeded' AND NOT forced;
CREATE INDEX job_runs_recent_idx ON job_runs (started_at DESC, id DESC);

-- What the data_quality job found: one row per problem.
CREATE TABLE data_quality_findings (
    run_id      uuid NOT NULL REFERENCES job_runs (id),
    agency_id   uuid REFERENCES agencies (id),
    check_name  text NOT NULL,
    entity_type text NOT NULL,
    entity_id   text NOT NULL,
    detail      text NOT NULL
);
CREATE INDEX data_quality_findings_run_idx ON data_quality_findings (run_id);

------------------------------------------------------------------------------
-- Kill switches, per agency, read at every run.
CREATE TABLE job_settings (
    agency_id          uuid PRIMARY KEY REFERENCES agencies (id),
    jobs_enabled       boolean NOT NULL DEFAULT true,
    reminders_enabled  boolean NOT NULL DEFAULT true,
    escalation_enabled boolean NOT NULL DEFAULT true,
    defaults_enabled   boolean NOT NULL DEFAULT true,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT ON delinquency_pauses, aging_history TO debtflow_app;
GRANT SELECT, INSERT, UPDATE ON job_settings TO debtflow_app;
GRANT SELECT ON job_runs TO debtflow_app;
GRANT SELECT, INSERT ON data_quality_findings TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['delinquency_pauses', 'aging_history', 'job_settings', 'data_quality_findings'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;
ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause'));
ALTER TABLE job_runs ENABLE ROW LEVEL SECURITY;
-- Platform-wide runs (no agency) are visible to every agency: they carry no tenant data.
CREATE POLICY tenant ON job_runs USING (agency_id IS NULL OR agency_id = app_agency() OR app_platform());
