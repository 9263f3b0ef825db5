-- Money: the double-entry ledger, payments, fees, idempotency keys and processor
-- events. The rules are the domain crate's (crates/domain/src/{ledger,payment,fee}.rs);
-- the database is the last wall: entries balance, the ledger and posted payments
-- cannot be changed, references are unique.

CREATE TYPE ledger_account AS ENUM
    ('receivable', 'placement', 'cash_clearing', 'fee_income', 'commission_expense', 'commission_payable', 'write_off');
CREATE TYPE entry_kind AS ENUM
    ('opening', 'payment', 'refund', 'fee', 'fee_waiver', 'commission', 'commission_reversal');
CREATE TYPE payment_method AS ENUM ('card', 'bank_transfer', 'check', 'cash');
CREATE TYPE payment_status AS ENUM
    ('pending', 'pending_approval', 'completed', 'failed', 'rejected', 'refunded', 'partially_refunded');
CREATE TYPE fee_kind AS ENUM ('collection', 'late', 'legal');
CREATE TYPE fee_status AS ENUM ('waiting', 'paid', 'waived');

------------------------------------------------------------------------------
-- The journal. Every entry concerns one collection account; its receivable lines are
-- that account's balance (accounts.current_balance, updated in the same transaction).
CREATE TABLE journal_entries (
    agency_id    uuid NOT NULL REFERENCES agencies (id),
    id           uuid NOT NULL,
    account_id   uuid NOT NULL,
    kind         entry_kind NOT NULL,
    posted_at    timestamptz NOT NULL DEFAULT now(),
    -- The entry this one reverses (a refund reverses a payment, a waiver a fee …).
    reverses     uuid,
    payment_id   uuid,
    fee_id       uuid,
    -- Commission entries: the collector they are for.
    collector_id uuid REFERENCES users (id),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    FOREIGN KEY (agency_id, reverses) REFERENCES journal_entries (agency_id, id)
);
CREATE INDEX journal_entries_account_idx ON journal_entries (agency_id, account_id, posted_at DESC, id DESC);
CREATE INDEX journal_entries_payment_idx ON journal_entries (agency_id, payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX journal_entries_collector_idx ON journal_entries (agency_id, collector_id, posted_at)
    WHERE collector_id IS NOT NULL;

CREATE TABLE journal_lines (
    agency_id      uuid NOT NULL,
    entry_id       uuid NOT NULL,
    line_no        smallint NOT NULL,
    ledger_account ledger_account NOT NULL,
    debit          numeric(19, 4) NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit         numeric(19, 4) NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CONSTRAINT journal_lines_one_side CHECK ((debit > 0) <> (credit > 0)),
    PRIMARY KEY (agency_id, entry_id, line_no),
    FOREIGN KEY (agency_id, entry_id) REFERENCES journal_entries (agency_id, id)
);

-- Debits equal credits, at least two lines: checked at commit, once an entry's lines
-- are all written, for the entry and for every line added (so no line can be slipped
-- into an old entry either).
CREATE FUNCTION assert_entry_balanced(agency uuid, entry uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    debits numeric;
    credits numeric;
    lines integer;
BEGIN
    SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0), count(*) INTO debits, credits, lines
    FROM journal_lines WHERE agency_id = agency AND entry_id = entry;
    IF lines < 2 OR debits <> credits THEN
        RAISE EXCEPTION 'journal entry % does not balance: % lines, debits %, credits %', entry, lines, debits, credits
            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entry_balanced';
    END IF;
END $$;
CREATE FUNCTION check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM assert_entry_balanced(NEW.agency_id, NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION check_line_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM assert_entry_balanced(NEW.agency_id, NEW.entry_id);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_line_balanced();

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

-- Accounts placed before the ledger existed: their opening entries.
INSERT INTO journal_entries (agency_id, id, account_id, kind, posted_at)
    SELECT agency_id, id, id, 'opening', created_at FROM accounts;
INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
    SELECT agency_id, id, 1, 'receivable'::ledger_account, original_balance, 0 FROM accounts
    UNION ALL
    SELECT agency_id, id, 2, 'placement'::ledger_account, 0, original_balance FROM accounts;

------------------------------------------------------------------------------
-- Payments.
CREATE TABLE payments (
    agency_id       uuid NOT NULL REFERENCES agencies (id),
    id              uuid NOT NULL,
    account_id      uuid NOT NULL,
    amount          numeric(19, 4) NOT NULL CHECK (amount > 0),
    currency        char(3) NOT NULL,
    method          payment_method NOT NULL,
    status          payment_status NOT NULL,
    paid_on         date NOT NULL,
    -- The bank's UTR or the processor's id; unique within the agency.
    reference       text CHECK (length(btrim(reference)) BETWEEN 1 AND 255),
    refunded_amount numeric(19, 4) NOT NULL DEFAULT 0 CHECK (refunded_amount BETWEEN 0 AND amount),
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    recorded_by     uuid REFERENCES users (id),
    -- The collector of the account when the payment posted (their commission).
    collector_id    uuid REFERENCES users (id),
    -- Approval or rejection of a backdated payment.
    decided_by      uuid REFERENCES users (id),
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
CREATE UNIQUE INDEX payments_reference_key ON payments (agency_id, reference) WHERE reference IS NOT NULL;
-- The processor's webhook names a payment by its processor id alone.
CREATE INDEX payments_processor_ref_idx ON payments (reference) WHERE method = 'card';
CREATE INDEX payments_list_idx ON payments (agency_id, created_at DESC, id DESC);
CREATE INDEX payments_account_idx ON payments (agency_id, account_id, created_at DESC, id DESC);
CREATE INDEX payments_pending_idx ON payments (agency_id, account_id) WHERE status IN ('pending', 'pending_approval');

-- A posted payment is immutable: only its refund bookkeeping moves, forward; a
-- failed, rejected or fully refunded one does not change at all; none is deleted.
CREATE FUNCTION guard_payment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status IN ('failed', 'rejected', 'refunded')
       OR (OLD.status IN ('completed', 'partially_refunded') AND (
              NEW.status NOT IN ('completed', 'partially_refunded', 'refunded')
           OR (NEW.account_id, NEW.amount, NEW.currency, NEW.method, NEW.paid_on, NEW.reference, NEW.metadata,
               NEW.recorded_by, NEW.collector_id, NEW.decided_by, NEW.decided_at, NEW.created_at)
              IS DISTINCT FROM
              (OLD.account_id, OLD.amount, OLD.currency, OLD.method, OLD.paid_on, OLD.reference, OLD.metadata,
               OLD.recorded_by, OLD.collector_id, OLD.decided_by, OLD.decided_at, OLD.created_at)
           OR NEW.refunded_amount < OLD.refunded_amount)) THEN
        RAISE EXCEPTION 'payment % is %: it cannot be changed that way', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payments_immutable BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION guard_payment_change();

------------------------------------------------------------------------------
-- Fees. What a fee still owes is amount − paid − waived.
CREATE TABLE fees (
    agency_id     uuid NOT NULL REFERENCES agencies (id),
    id            uuid NOT NULL,
    account_id    uuid NOT NULL,
    kind          fee_kind NOT NULL,
    amount        numeric(19, 4) NOT NULL CHECK (amount > 0),
    paid_amount   numeric(19, 4) NOT NULL DEFAULT 0 CHECK (paid_amount >= 0),
    waived_amount numeric(19, 4) NOT NULL DEFAULT 0 CHECK (waived_amount >= 0),
    status        fee_status NOT NULL DEFAULT 'waiting',
    reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    assessed_by   uuid NOT NULL REFERENCES users (id),
    waived_by     uuid REFERENCES users (id),
    waive_reason  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK (paid_amount + waived_amount <= amount),
    CHECK ((status = 'waiting') = (paid_amount + waived_amount < amount))
);
CREATE INDEX fees_account_idx ON fees (agency_id, account_id, created_at, id);
CREATE TRIGGER fees_no_delete BEFORE DELETE ON fees FOR EACH ROW EXECUTE FUNCTION reject_change();

-- Which part of the balance each payment paid, and what refunds gave back (negative
-- amounts): append-only. `fee_id` NULL is the principal; `position` is the part's
-- place in the payment's allocation, which refunds unwind from the end.
CREATE TABLE payment_allocations (
    agency_id  uuid NOT NULL,
    payment_id uuid NOT NULL,
    position   smallint NOT NULL,
    fee_id     uuid,
    amount     numeric(19, 4) NOT NULL CHECK (amount <> 0),
    entry_id   uuid NOT NULL,
    FOREIGN KEY (agency_id, payment_id) REFERENCES payments (agency_id, id),
    FOREIGN KEY (agency_id, fee_id) REFERENCES fees (agency_id, id),
    FOREIGN KEY (agency_id, entry_id) REFERENCES journal_entries (agency_id, id)
);
CREATE INDEX payment_allocations_payment_idx ON payment_allocations (agency_id, payment_id);
CREATE TRIGGER payment_allocations_append_only BEFORE UPDATE OR DELETE ON payment_allocations
    FOR EACH ROW EXECUTE FUNCTION reject_change();

------------------------------------------------------------------------------
-- Idempotency keys (IETF httpapi Idempotency-Key draft; Stripe's behaviour). The key
-- row, the business rows and the saved response commit in one transaction.
CREATE TABLE idempotency_keys (
    agency_id   uuid NOT NULL REFERENCES agencies (id),
    user_id     uuid NOT NULL REFERENCES users (id),
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, path and canonical JSON body.
    fingerprint bytea NOT NULL,
    status      smallint,
    body        bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Claims a key in the caller's transaction, in one round trip. `fresh`: the key is
-- ours until commit. `done`: an earlier request committed its response (returned).
-- `in_flight`: another transaction holds the key and did not finish within `wait_ms`.
-- A key older than `ttl` is forgotten and claimed afresh.
CREATE FUNCTION claim_idempotency_key(p_agency uuid, p_user uuid, p_key text, p_fingerprint bytea,
                                      wait_ms integer, ttl interval)
RETURNS TABLE (outcome text, fingerprint bytea, status smallint, body bytea)
LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('lock_timeout');
    claimed integer;
BEGIN
    PERFORM set_config('lock_timeout', wait_ms || 'ms', true);
    BEGIN
        DELETE FROM idempotency_keys k
        WHERE k.agency_id = p_agency AND k.user_id = p_user AND k.key = p_key AND k.created_at < now() - ttl;
        INSERT INTO idempotency_keys (agency_id, user_id, key, fingerprint)
        VALUES (p_agency, p_user, p_key, p_fingerprint)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS claimed = ROW_COUNT;
    EXCEPTION WHEN lock_not_available THEN
        PERFORM set_config('lock_timeout', previous, true);
        RETURN QUERY SELECT 'in_flight', NULL::bytea, NULL::smallint, NULL::bytea;
        RETURN;
    END;
    PERFORM set_config('lock_timeout', previous, true);
    IF claimed = 1 THEN
        RETURN QUERY SELECT 'fresh', NULL::bytea, NULL::smallint, NULL::bytea;
    ELSE
        RETURN QUERY SELECT 'done', k.fingerprint, k.status, k.body FROM idempotency_keys k
                     WHERE k.agency_id = p_agency AND k.user_id = p_user AND k.key = p_key;
    END IF;
END $$;

------------------------------------------------------------------------------
-- Events received from the payment processor: each handled once.
CREATE TABLE processor_events (
    event_id    text PRIMARY KEY,
    kind        text NOT NULL,
    agency_id   uuid REFERENCES agencies (id),
    payment_id  uuid,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- When money settled an account: the status it was settled from, to which a refund
-- returns it.
ALTER TABLE accounts ADD COLUMN settled_from account_status;

------------------------------------------------------------------------------
-- The timeline shows money too.
ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee'));

GRANT SELECT, INSERT ON journal_entries, journal_lines, payment_allocations, processor_events TO debtflow_app;
GRANT SELECT, INSERT, UPDATE ON payments, fees TO debtflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['journal_entries', 'journal_lines', 'payments', 'fees', 'payment_allocations',
                             'idempotency_keys', 'processor_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;
