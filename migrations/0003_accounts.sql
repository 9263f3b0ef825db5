-- Debtors, their collection accounts, the account timeline and disputes.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE account_status AS ENUM
    ('new', 'assigned', 'in_contact', 'negotiating', 'payment_plan', 'settled', 'closed', 'disputed');

CREATE TABLE debtors (
    agency_id     uuid NOT NULL REFERENCES agencies (id),
    id            uuid NOT NULL,
    full_name     text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    phone         text,
    email         text,
    address       text,
    date_of_birth date,
    -- AES-256-GCM: 12-byte nonce || ciphertext of the last four SSN digits.
    ssn_last4_enc bytea,
    external_ref  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id)
);
CREATE INDEX debtors_name_trgm_idx ON debtors USING gin (full_name gin_trgm_ops);

CREATE TABLE accounts (
    agency_id         uuid NOT NULL REFERENCES agencies (id),
    id                uuid NOT NULL,
    debtor_id         uuid NOT NULL,
    external_ref      text NOT NULL CHECK (length(btrim(external_ref)) BETWEEN 1 AND 100),
    creditor          text NOT NULL CHECK (length(btrim(creditor)) BETWEEN 1 AND 200),
    original_creditor text,
    original_balance  numeric(19, 4) NOT NULL CHECK (original_balance > 0),
    -- Changes only through ledger postings (the money issue).
    current_balance   numeric(19, 4) NOT NULL CHECK (current_balance >= 0),
    currency          char(3) NOT NULL,
    status            account_status NOT NULL DEFAULT 'new',
    priority          smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
    delinquency_date  date NOT NULL,
    due_date          date,
    collector_id      uuid REFERENCES users (id),
    -- Days past due and the bucket are not stored: they follow from the delinquency
    -- date and today, and are computed on read (worklist filters turn buckets into
    -- delinquency-date ranges).
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id),
    CONSTRAINT accounts_external_ref_key UNIQUE (agency_id, external_ref),
    FOREIGN KEY (agency_id, debtor_id) REFERENCES debtors (agency_id, id)
);
-- The worklist: one index per sort key (keyset pagination on (key, id)), for the
-- agency's view and for a collector's own accounts.
CREATE INDEX accounts_worklist_created_idx ON accounts (agency_id, created_at, id);
CREATE INDEX accounts_worklist_balance_idx ON accounts (agency_id, current_balance, id);
CREATE INDEX accounts_worklist_priority_idx ON accounts (agency_id, priority, id);
CREATE INDEX accounts_worklist_delinquency_idx ON accounts (agency_id, delinquency_date, id);
CREATE INDEX accounts_collector_created_idx ON accounts (agency_id, collector_id, created_at, id);
CREATE INDEX accounts_collector_delinquency_idx ON accounts (agency_id, collector_id, delinquency_date, id);
CREATE INDEX accounts_agency_status_idx ON accounts (agency_id, status);
CREATE INDEX accounts_debtor_idx ON accounts (agency_id, debtor_id);

-- The timeline: everything that happened to an account, newest first.
CREATE TABLE account_events (
    agency_id   uuid NOT NULL REFERENCES agencies (id),
    id          uuid NOT NULL,
    account_id  uuid NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL CHECK (kind IN ('created', 'note', 'status_change', 'assignment')),
    actor_id    uuid REFERENCES users (id),
    body        text,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
CREATE INDEX account_events_timeline_idx ON account_events (agency_id, account_id, occurred_at DESC, id DESC);
CREATE TRIGGER account_events_append_only BEFORE UPDATE OR DELETE ON account_events
    FOR EACH ROW EXECUTE FUNCTION reject_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON debtors, accounts, account_events TO debtflow_app;
ALTER TABLE debtors ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON debtors USING (agency_id = app_agency() OR app_platform());
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON accounts USING (agency_id = app_agency() OR app_platform());
ALTER TABLE account_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON account_events USING (agency_id = app_agency() OR app_platform());

-- Disputes: opened when an account enters DISPUTED, resolved when it leaves.
-- A resolved dispute is immutable; none is ever deleted.
CREATE TABLE disputes (
    agency_id       uuid NOT NULL REFERENCES agencies (id),
    id              uuid NOT NULL,
    account_id      uuid NOT NULL,
    reason          text NOT NULL,
    opened_by       uuid NOT NULL REFERENCES users (id),
    opened_at       timestamptz NOT NULL DEFAULT now(),
    -- The status the account left DISPUTED for, and why.
    outcome         account_status CHECK (outcome IN ('in_contact', 'negotiating', 'closed')),
    resolution      text,
    resolved_by     uuid REFERENCES users (id),
    resolved_at     timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK ((resolved_at IS NULL) = (outcome IS NULL) AND (resolved_at IS NULL) = (resolved_by IS NULL))
);
CREATE UNIQUE INDEX disputes_one_open_per_account ON disputes (agency_id, account_id) WHERE resolved_at IS NULL;

CREATE FUNCTION reject_resolved_dispute_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'a resolved dispute is immutable and no dispute is deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER disputes_immutable BEFORE UPDATE OR DELETE ON disputes
    FOR EACH ROW EXECUTE FUNCTION reject_resolved_dispute_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON disputes TO debtflow_app;
ALTER TABLE disputes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON disputes USING (agency_id = app_agency() OR app_platform());

-- Debtor name search. Under row-level security PostgreSQL evaluates only leakproof
-- operators before the policy, so the trigram and ILIKE operators could not use the
-- trigram index; this function runs the search as its owner, restricted to the
-- transaction's own scope (app_agency() / app_platform(), never an argument), so the
-- index serves it and the second wall holds. Every word must match a word of the
-- name (trigram word similarity), or the whole query must be a substring of it.
CREATE FUNCTION matching_debtors(words text[], pattern text) RETURNS TABLE (agency_id uuid, id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
    every_word text := 'true';
BEGIN
    FOR i IN 1 .. coalesce(array_length(words, 1), 0) LOOP
        every_word := every_word || format(' AND $1[%s] <%% d.full_name', i);
    END LOOP;
    RETURN QUERY EXECUTE format(
        'SELECT d.agency_id, d.id FROM debtors d WHERE (d.agency_id = app_agency() OR app_platform()) AND ((%s) OR d.full_name ILIKE $2)',
        every_word)
    USING words, pattern;
END $$;
