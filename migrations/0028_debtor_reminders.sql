-- Reminders to debtors of their installments (debtflow_domain::reminder): the
-- agencies' templates, and each reminder written once per installment and kind (the
-- unique key makes a re-run of the day, or of any day, send nothing twice).

CREATE TYPE reminder_kind AS ENUM ('upcoming', 'late_three', 'late_seven');

CREATE TABLE reminder_templates (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    kind       reminder_kind NOT NULL,
    subject    text NOT NULL CHECK (length(btrim(subject)) BETWEEN 1 AND 200),
    body       text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 2000),
    updated_by uuid NOT NULL REFERENCES users (id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, kind)
);

-- queued: recorded as a contact attempt and handed to the sender; sent or failed:
-- what the sender said; blocked: a guardrail or a block refused it (`rule`).
CREATE TABLE debtor_reminders (
    agency_id  uuid NOT NULL,
    id         uuid NOT NULL,
    account_id uuid NOT NULL,
    plan_id    uuid NOT NULL,
    seq        smallint NOT NULL,
    kind       reminder_kind NOT NULL,
    as_of      date NOT NULL,
    channel    contact_channel NOT NULL CHECK (channel IN ('email', 'sms')),
    to_address text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    status     text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'blocked')),
    rule       text,
    error      text,
    contact_id uuid,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, plan_id, seq, kind),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    FOREIGN KEY (agency_id, contact_id) REFERENCES contact_attempts (agency_id, id),
    CHECK ((status = 'blocked') = (rule IS NOT NULL)),
    CHECK ((status = 'blocked') = (contact_id IS NULL))
);
CREATE INDEX debtor_reminders_account_idx ON debtor_reminders (agency_id, account_id, created_at DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON reminder_templates TO debtflow_app;
GRANT SELECT, INSERT, UPDATE ON debtor_reminders TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['reminder_templates', 'debtor_reminders'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()))', t);
    END LOOP;
END $$;
