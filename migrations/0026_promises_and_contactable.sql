-- Promises to pay (debtflow_domain::promise), when an account may next be called (the
-- worklist's contactable filter and sort), and the time zone a debtor's address gives.

CREATE TYPE promise_status AS ENUM ('pending', 'kept', 'broken', 'cancelled');

-- A promise: an amount by a date. Promises made together share a series. The daily
-- promise_evaluation job decides pending ones (kept or broken, evaluated_on its date);
-- a person may cancel a pending one. A decided promise never changes again.
CREATE TABLE promises (
    agency_id     uuid NOT NULL,
    id            uuid NOT NULL,
    account_id    uuid NOT NULL,
    series_id     uuid NOT NULL,
    amount        numeric(19, 4) NOT NULL CHECK (amount > 0),
    due_on        date NOT NULL,
    -- The agency's business date when it was made: payments from then on count.
    made_on       date NOT NULL CHECK (made_on <= due_on),
    status        promise_status NOT NULL DEFAULT 'pending',
    -- The attempt in which the debtor made it, if recorded.
    contact_id    uuid,
    note          text CHECK (length(note) <= 1000),
    made_by       uuid NOT NULL REFERENCES users (id),
    made_at       timestamptz NOT NULL,
    kept_on       date,
    evaluated_on  date,
    cancelled_by  uuid REFERENCES users (id),
    cancelled_at  timestamptz,
    cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 1000),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    FOREIGN KEY (agency_id, contact_id) REFERENCES contact_attempts (agency_id, id),
    CHECK ((status = 'kept') = (kept_on IS NOT NULL)),
    CHECK ((status IN ('kept', 'broken')) = (evaluated_on IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL AND cancelled_by IS NOT NULL AND cancel_reason IS NOT NULL))
);
CREATE INDEX promises_account_idx ON promises (agency_id, account_id, due_on, made_at);
-- The job's scan, and the analytics' per-collector rate by deadline.
CREATE INDEX promises_pending_idx ON promises (agency_id, account_id) WHERE status = 'pending';
CREATE INDEX promises_decided_idx ON promises (agency_id, evaluated_on) WHERE status IN ('kept', 'broken');

CREATE FUNCTION reject_decided_promise_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'promise % is %: it is immutable and no promise is deleted', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER promises_immutable BEFORE UPDATE OR DELETE ON promises
    FOR EACH ROW EXECUTE FUNCTION reject_decided_promise_change();

GRANT SELECT, INSERT, UPDATE ON promises TO debtflow_app;
ALTER TABLE promises ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON promises USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));

INSERT INTO notification_kinds (kind, mandatory, default_in_app, default_email)
VALUES ('promise_broken', false, true, 'off');

ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause',
                    'unapplied', 'imported', 'import_update', 'contact', 'promise'));

-- The earliest instant the account's debtor may be called as far as the blocks and the
-- call rules go (debtflow_domain::contact::next_call): '-infinity' with no history,
-- 'infinity' while a block stops calls. Written with every attempt and block change.
ALTER TABLE accounts ADD COLUMN next_call_at timestamptz NOT NULL DEFAULT '-infinity';
CREATE INDEX accounts_worklist_contactable_idx ON accounts (agency_id, next_call_at, id);

-- The accounts contacted before this column: the blocks, then the two call rules,
-- restated once here (later writes come from the domain).
UPDATE accounts a SET next_call_at = 'infinity'
WHERE EXISTS (SELECT 1 FROM contact_blocks b
              WHERE b.agency_id = a.agency_id AND b.debtor_id = a.debtor_id AND b.cleared_at IS NULL
                AND (b.channel IS NULL OR b.channel = 'call'
                     OR b.flag IN ('cease_and_desist', 'bankruptcy', 'deceased')));
WITH calls AS (
    SELECT agency_id, account_id, occurred_at, direction, outcome,
           row_number() OVER (PARTITION BY agency_id, account_id, direction ORDER BY occurred_at DESC) AS recent
    FROM contact_attempts WHERE channel = 'call'),
waits AS (
    SELECT agency_id, account_id,
           greatest(max(occurred_at) FILTER (WHERE outcome IN ('refused', 'right_party_contact', 'promise_to_pay',
                                                                'dispute', 'callback_requested')),
                    max(occurred_at) FILTER (WHERE direction = 'outbound' AND recent = 7)) + interval '7 days' AS until
    FROM calls GROUP BY agency_id, account_id)
UPDATE accounts a SET next_call_at = w.until
FROM waits w
WHERE a.agency_id = w.agency_id AND a.id = w.account_id AND w.until IS NOT NULL AND a.next_call_at <> 'infinity';

-- The zone the debtor's address gives (debtflow_domain::us_zone), written with the
-- address; the debtor's own `time_zone` wins over it, the agency's is the last resort.
ALTER TABLE debtors ADD COLUMN address_time_zone text;

-- Every zone an agency's debtors are in, besides the agency's own (written with each
-- debtor zone, never pruned): when none is inside calling hours, the contactable
-- worklist is empty without walking the accounts.
CREATE TABLE debtor_zones (
    agency_id uuid NOT NULL REFERENCES agencies (id),
    zone      text NOT NULL,
    PRIMARY KEY (agency_id, zone)
);
GRANT SELECT, INSERT ON debtor_zones TO debtflow_app;
ALTER TABLE debtor_zones ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON debtor_zones USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
INSERT INTO debtor_zones (agency_id, zone)
SELECT DISTINCT agency_id, time_zone FROM debtors WHERE time_zone IS NOT NULL;
