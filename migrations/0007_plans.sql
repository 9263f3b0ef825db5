-- Payment plans (compromise agreements) and their installments. The rules are the
-- domain crate's (crates/domain/src/plan.rs); here: at most one active plan per
-- account, an approved plan's terms frozen, every plan payment kept.

ALTER TYPE entry_kind ADD VALUE 'write_off';
CREATE TYPE plan_status AS ENUM ('draft', 'pending_approval', 'active', 'completed', 'defaulted', 'cancelled');
CREATE TYPE plan_frequency AS ENUM ('weekly', 'biweekly', 'monthly');

CREATE TABLE plans (
    agency_id              uuid NOT NULL REFERENCES agencies (id),
    id                     uuid NOT NULL,
    account_id             uuid NOT NULL,
    status                 plan_status NOT NULL DEFAULT 'draft',
    total                  numeric(19, 4) NOT NULL CHECK (total > 0),
    -- NULL: a schedule entered by hand.
    frequency              plan_frequency,
    grace_days             integer NOT NULL CHECK (grace_days >= 0),
    default_threshold_days integer NOT NULL CHECK (default_threshold_days > grace_days),
    -- Approved below the balance: the rest is written off when the plan completes.
    settlement             boolean NOT NULL DEFAULT false,
    note                   text,
    created_by             uuid NOT NULL REFERENCES users (id),
    decided_by             uuid REFERENCES users (id),
    decided_at             timestamptz,
    ended_at               timestamptz,
    end_reason             text,
    -- A draft deleted by its author: kept, hidden.
    deleted_at             timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK (deleted_at IS NULL OR status = 'draft')
);
CREATE UNIQUE INDEX plans_one_active_per_account ON plans (agency_id, account_id) WHERE status = 'active';
CREATE INDEX plans_account_idx ON plans (agency_id, account_id, created_at DESC, id DESC);
CREATE INDEX plans_status_idx ON plans (agency_id, status, created_at DESC, id DESC);

CREATE TABLE plan_installments (
    agency_id   uuid NOT NULL,
    plan_id     uuid NOT NULL,
    seq         smallint NOT NULL CHECK (seq >= 0),
    due_date    date NOT NULL,
    amount      numeric(19, 4) NOT NULL CHECK (amount > 0),
    paid_amount numeric(19, 4) NOT NULL DEFAULT 0 CHECK (paid_amount >= 0 AND paid_amount <= amount),
    PRIMARY KEY (agency_id, plan_id, seq),
    FOREIGN KEY (agency_id, plan_id) REFERENCES plans (agency_id, id)
);
CREATE INDEX plan_installments_open_due_idx ON plan_installments (agency_id, due_date) WHERE paid_amount < amount;

-- What each payment paid into a plan's installments, and what refunds took back
-- (negative): append-only.
CREATE TABLE plan_allocations (
    agency_id  uuid NOT NULL,
    plan_id    uuid NOT NULL,
    seq        smallint NOT NULL,
    payment_id uuid NOT NULL,
    amount     numeric(19, 4) NOT NULL CHECK (amount <> 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (agency_id, plan_id, seq) REFERENCES plan_installments (agency_id, plan_id, seq),
    FOREIGN KEY (agency_id, payment_id) REFERENCES payments (agency_id, id)
);
CREATE INDEX plan_allocations_payment_idx ON plan_allocations (agency_id, payment_id);
CREATE TRIGGER plan_allocations_append_only BEFORE UPDATE OR DELETE ON plan_allocations
    FOR EACH ROW EXECUTE FUNCTION reject_change();

-- Once approved, a plan's terms are frozen: only its status (forward), its end and
-- its installments' payments move. No plan or installment is deleted.
CREATE FUNCTION guard_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'plans are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status NOT IN ('draft', 'pending_approval')
       AND (NEW.account_id, NEW.total, NEW.frequency, NEW.grace_days, NEW.default_threshold_days, NEW.settlement,
            NEW.created_by, NEW.decided_by, NEW.decided_at, NEW.created_at, NEW.deleted_at)
           IS DISTINCT FROM
           (OLD.account_id, OLD.total, OLD.frequency, OLD.grace_days, OLD.default_threshold_days, OLD.settlement,
            OLD.created_by, OLD.decided_by, OLD.decided_at, OLD.created_at, OLD.deleted_at) THEN
        RAISE EXCEPTION 'plan % is %: its terms are frozen', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER plans_frozen BEFORE UPDATE OR DELETE ON plans FOR EACH ROW EXECUTE FUNCTION guard_plan_change();

CREATE FUNCTION guard_installment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (NEW.plan_id, NEW.seq, NEW.due_date, NEW.amount) IS DISTINCT FROM
                           (OLD.plan_id, OLD.seq, OLD.due_date, OLD.amount) THEN
        IF EXISTS (SELECT 1 FROM plans p WHERE p.agency_id = OLD.agency_id AND p.id = OLD.plan_id
                                           AND p.status NOT IN ('draft', 'pending_approval')) THEN
            RAISE EXCEPTION 'the schedule of an approved plan is frozen' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER plan_installments_frozen BEFORE UPDATE OR DELETE ON plan_installments
    FOR EACH ROW EXECUTE FUNCTION guard_installment_change();

ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan'));

GRANT SELECT, INSERT, UPDATE ON plans TO debtflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON plan_installments TO debtflow_app;
GRANT SELECT, INSERT ON plan_allocations TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['plans', 'plan_installments', 'plan_allocations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;
