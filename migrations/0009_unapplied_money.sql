-- Money that arrives is never turned away: money in hand for an account that cannot
-- take it (not yet assigned, settled, closed, or owing less than the amount) is
-- posted to a suspense ledger account as an `unapplied` payment, waiting in a
-- manager's queue to be applied to an account or refunded (crates/domain/src/payment).
-- And a settlement plan's write-off is tied to its plan, so a refund that unpays the
-- plan reverses it.

ALTER TYPE ledger_account ADD VALUE 'suspense';
ALTER TYPE entry_kind ADD VALUE 'write_off_reversal';
ALTER TYPE entry_kind ADD VALUE 'unapplied';
ALTER TYPE entry_kind ADD VALUE 'application';
ALTER TYPE entry_kind ADD VALUE 'unapplied_refund';
ALTER TYPE payment_status ADD VALUE 'unapplied';

-- The plan an entry concerns (a settlement's write-off and its reversal).
ALTER TABLE journal_entries ADD COLUMN plan_id uuid;
ALTER TABLE journal_entries ADD FOREIGN KEY (agency_id, plan_id) REFERENCES plans (agency_id, id);
CREATE INDEX journal_entries_plan_idx ON journal_entries (agency_id, plan_id) WHERE plan_id IS NOT NULL;

-- A posted payment is immutable: only its refund bookkeeping moves, forward. Unapplied
-- money may still be placed — on its account or another (`account_id`), with the
-- collector its commission goes to — or refunded; nothing else of it changes. A
-- failed, rejected or fully refunded payment does not change at all; none is deleted.
CREATE OR REPLACE FUNCTION guard_payment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status IN ('failed', 'rejected', 'refunded')
       OR (OLD.status IN ('completed', 'partially_refunded') AND (
              NEW.status NOT IN ('completed', 'partially_refunded', 'refunded')
           OR (NEW.account_id, NEW.amount, NEW.currency, NEW.method, NEW.paid_on, NEW.reference, NEW.metadata,
               NEW.recorded_by, NEW.collector_id, NEW.decided_by, NEW.decided_at, NEW.created_at)
              IS DISTINCT FROM
              (OLD.account_id, OLD.amount, OLD.currency, OLD.method, OLD.paid_on, OLD.reference, OLD.metadata,
               OLD.recorded_by, OLD.collector_id, OLD.decided_by, OLD.decided_at, OLD.created_at)
           OR NEW.refunded_amount < OLD.refunded_amount))
       OR (OLD.status = 'unapplied' AND (
              NEW.status::text NOT IN ('unapplied', 'completed', 'refunded')
           OR (NEW.amount, NEW.currency, NEW.method, NEW.paid_on, NEW.reference, NEW.metadata, NEW.recorded_by,
               NEW.created_at)
              IS DISTINCT FROM
              (OLD.amount, OLD.currency, OLD.method, OLD.paid_on, OLD.reference, OLD.metadata, OLD.recorded_by,
               OLD.created_at)
           OR NEW.refunded_amount < OLD.refunded_amount)) THEN
        RAISE EXCEPTION 'payment % is %: it cannot be changed that way', OLD.id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause',
                    'unapplied'));
