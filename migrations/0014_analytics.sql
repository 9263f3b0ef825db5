-- Analytics (crates/api/src/store/analytics.rs): two summaries kept in the same
-- transaction as the write that changes them, by statement-level triggers over the
-- statement's transition tables (set-based: one upsert per statement, whether it wrote
-- one row or an import batch of thousands), and the portfolio snapshot the dpd_aging
-- job records each day.
--
--   daily_money     what the ledger moved through cash and commission, per day of
--                   posting (the agency's calendar), collector and payment method;
--   account_totals  the portfolio per collector, status and aging anchor: accounts,
--                   balance, placed, accounts ever paid and their days to first payment;
--   portfolio_snapshots  account_totals as of each day the dpd_aging job runs, by
--                   aging bucket: the stock figures of past dates.
--
-- Each summary's definition over the raw rows is a view (daily_money_ledger,
-- account_totals_accounts); `rebuild_analytics(agency)` rewrites a summary from it, and
-- the data_quality job and a test compare the two.

COMMENT ON COLUMN journal_entries.collector_id IS
    'The collector the entry is credited to: a commission''s, and the account''s collector on the money a payment, an application or a refund moved';

-- The first day money was put on the account (a payment or applied unapplied money),
-- and the days from its placement to that day, both in the agency's calendar of that
-- moment (so a later change of time zone moves neither).
ALTER TABLE accounts ADD COLUMN first_paid_on date;
ALTER TABLE accounts ADD COLUMN days_to_first_payment integer;
ALTER TABLE accounts ADD CONSTRAINT accounts_first_payment_check
    CHECK ((first_paid_on IS NULL) = (days_to_first_payment IS NULL));

------------------------------------------------------------------------------
-- daily_money.
CREATE TABLE daily_money (
    agency_id    uuid NOT NULL REFERENCES agencies (id),
    day          date NOT NULL,
    -- The entry's collector: the account's collector when the money was posted (a
    -- refund carries its payment's); NULL for unapplied money.
    collector_id uuid,
    method       payment_method,
    -- Money-in entries: `payment` and `unapplied`.
    payments     bigint NOT NULL,
    -- Cash clearing debits (money in) and credits (refunds out).
    received     numeric(19, 4) NOT NULL,
    refunded     numeric(19, 4) NOT NULL,
    -- Commission expense, debits minus credits.
    commission   numeric(19, 4) NOT NULL,
    CONSTRAINT daily_money_key UNIQUE NULLS NOT DISTINCT (agency_id, day, collector_id, method)
);

CREATE VIEW daily_money_ledger WITH (security_invoker = true) AS
    SELECT e.agency_id, (e.posted_at AT TIME ZONE ag.time_zone)::date AS day,
           e.collector_id AS collector_id, p.method,
           count(*) FILTER (WHERE l.ledger_account = 'cash_clearing' AND e.kind IN ('payment', 'unapplied'))
               AS payments,
           coalesce(sum(l.debit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0) AS received,
           coalesce(sum(l.credit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0) AS refunded,
           coalesce(sum(l.debit - l.credit) FILTER (WHERE l.ledger_account = 'commission_expense'), 0) AS commission
    FROM journal_lines l
    JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
    JOIN agencies ag ON ag.id = e.agency_id
    LEFT JOIN payments p ON p.agency_id = e.agency_id AND p.id = e.payment_id
    WHERE l.ledger_account IN ('cash_clearing', 'commission_expense')
    GROUP BY 1, 2, 3, 4;

-- The lines of a statement, added to daily_money (the view's definition over them),
-- and the first payment day of the accounts they paid. Rows are upserted in key
-- order, so two transactions meet their summary rows in the same order (no deadlock).
CREATE FUNCTION daily_money_add() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    -- The day is the agency's: hold its time zone until commit, so a change of zone
    -- (which re-days the whole summary, below) comes wholly before or after this.
    PERFORM 1 FROM agencies
    WHERE id IN (SELECT agency_id FROM new_lines WHERE ledger_account IN ('cash_clearing', 'commission_expense'))
    ORDER BY id FOR SHARE;
    INSERT INTO daily_money AS d (agency_id, day, collector_id, method, payments, received, refunded, commission)
    SELECT e.agency_id, (e.posted_at AT TIME ZONE ag.time_zone)::date,
           e.collector_id, p.method,
           count(*) FILTER (WHERE l.ledger_account = 'cash_clearing' AND e.kind IN ('payment', 'unapplied')),
           coalesce(sum(l.debit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0),
           coalesce(sum(l.credit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0),
           coalesce(sum(l.debit - l.credit) FILTER (WHERE l.ledger_account = 'commission_expense'), 0)
    FROM new_lines l
    JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
    JOIN agencies ag ON ag.id = e.agency_id
    LEFT JOIN payments p ON p.agency_id = e.agency_id AND p.id = e.payment_id
    WHERE l.ledger_account IN ('cash_clearing', 'commission_expense')
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT daily_money_key DO UPDATE
        SET payments = d.payments + EXCLUDED.payments, received = d.received + EXCLUDED.received,
            refunded = d.refunded + EXCLUDED.refunded, commission = d.commission + EXCLUDED.commission;

    UPDATE accounts a
    SET first_paid_on = f.day, days_to_first_payment = f.day - (a.created_at AT TIME ZONE f.time_zone)::date
    FROM (SELECT e.agency_id, e.account_id, ag.time_zone, min((e.posted_at AT TIME ZONE ag.time_zone)::date) AS day
          FROM new_lines l
          JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
          JOIN agencies ag ON ag.id = e.agency_id
          WHERE l.ledger_account = 'receivable' AND l.credit > 0 AND e.kind IN ('payment', 'application')
          GROUP BY 1, 2, 3) f
    WHERE a.agency_id = f.agency_id AND a.id = f.account_id AND a.first_paid_on IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER journal_lines_daily_money AFTER INSERT ON journal_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION daily_money_add();

------------------------------------------------------------------------------
-- account_totals.
CREATE TABLE account_totals (
    agency_id             uuid NOT NULL REFERENCES agencies (id),
    collector_id          uuid,
    status                account_status NOT NULL,
    aging_anchor          date NOT NULL,
    accounts              bigint NOT NULL,
    balance               numeric(19, 4) NOT NULL,
    placed                numeric(19, 4) NOT NULL,
    paid_accounts         bigint NOT NULL,
    -- Over the paid accounts: first payment day minus placement day.
    days_to_first_payment bigint NOT NULL,
    CONSTRAINT account_totals_key UNIQUE NULLS NOT DISTINCT (agency_id, collector_id, status, aging_anchor)
);

-- An account's contribution to its account_totals row; `sign` -1 takes it away.
CREATE FUNCTION account_totals_row(sign integer, agency_id uuid, collector_id uuid, status account_status,
                                   aging_anchor date, current_balance numeric, original_balance numeric,
                                   days_to_first_payment integer)
RETURNS account_totals LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ROW(agency_id, collector_id, status, aging_anchor, sign, sign * current_balance, sign * original_balance,
               sign * (days_to_first_payment IS NOT NULL)::int, sign * coalesce(days_to_first_payment, 0))::account_totals
$$;

CREATE VIEW account_totals_accounts WITH (security_invoker = true) AS
    SELECT (t).agency_id, (t).collector_id, (t).status, (t).aging_anchor, sum((t).accounts)::bigint AS accounts,
           sum((t).balance) AS balance, sum((t).placed) AS placed, sum((t).paid_accounts)::bigint AS paid_accounts,
           sum((t).days_to_first_payment)::bigint AS days_to_first_payment
    FROM (SELECT account_totals_row(1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                    a.original_balance, a.days_to_first_payment) AS t
          FROM accounts a) x
    GROUP BY 1, 2, 3, 4;

-- Contributions added to account_totals, in key order (no deadlock between two
-- writers); a key whose figures did not move (a note, a touched `updated_at`) writes
-- nothing.
CREATE FUNCTION account_totals_add(changes account_totals[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO account_totals AS s
    SELECT agency_id, collector_id, status, aging_anchor, sum(accounts), sum(balance), sum(placed),
           sum(paid_accounts), sum(days_to_first_payment)
    FROM unnest(changes)
    GROUP BY 1, 2, 3, 4
    HAVING sum(accounts) <> 0 OR sum(balance) <> 0 OR sum(placed) <> 0 OR sum(paid_accounts) <> 0
        OR sum(days_to_first_payment) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT account_totals_key DO UPDATE
        SET accounts = s.accounts + EXCLUDED.accounts, balance = s.balance + EXCLUDED.balance,
            placed = s.placed + EXCLUDED.placed, paid_accounts = s.paid_accounts + EXCLUDED.paid_accounts,
            days_to_first_payment = s.days_to_first_payment + EXCLUDED.days_to_first_payment
$$;

-- One trigger per event: a transition table exists only for its own event.
CREATE FUNCTION account_totals_inserted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT account_totals_row(1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                  a.original_balance, a.days_to_first_payment)
        FROM new_rows a));
    RETURN NULL;
END $$;
CREATE FUNCTION account_totals_updated() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT account_totals_row(1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                  a.original_balance, a.days_to_first_payment)
        FROM new_rows a
        UNION ALL
        SELECT account_totals_row(-1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                  a.original_balance, a.days_to_first_payment)
        FROM old_rows a));
    RETURN NULL;
END $$;
CREATE FUNCTION account_totals_deleted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT account_totals_row(-1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                  a.original_balance, a.days_to_first_payment)
        FROM old_rows a));
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_totals_inserted AFTER INSERT ON accounts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_totals_inserted();
CREATE TRIGGER accounts_totals_updated AFTER UPDATE ON accounts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_totals_updated();
CREATE TRIGGER accounts_totals_deleted AFTER DELETE ON accounts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_totals_deleted();

------------------------------------------------------------------------------
-- portfolio_snapshots: account_totals on a day, by aging bucket (days past due from
-- the anchor to that day), written by the dpd_aging job's live run.
CREATE TABLE portfolio_snapshots (
    agency_id             uuid NOT NULL REFERENCES agencies (id),
    as_of_date            date NOT NULL,
    collector_id          uuid,
    status                account_status NOT NULL,
    bucket                text NOT NULL,
    accounts              bigint NOT NULL,
    balance               numeric(19, 4) NOT NULL,
    placed                numeric(19, 4) NOT NULL,
    paid_accounts         bigint NOT NULL,
    days_to_first_payment bigint NOT NULL,
    CONSTRAINT portfolio_snapshots_key UNIQUE NULLS NOT DISTINCT (agency_id, as_of_date, collector_id, status, bucket)
);

------------------------------------------------------------------------------
-- Rewrites an agency's summaries from their views (after a bulk load that bypassed
-- the triggers, e.g. `make bench`; or to repair what the data_quality job reported).
CREATE FUNCTION rebuild_analytics(agency uuid) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    DELETE FROM daily_money WHERE agency_id = agency;
    INSERT INTO daily_money SELECT * FROM daily_money_ledger WHERE agency_id = agency;
    DELETE FROM account_totals WHERE agency_id = agency;
    INSERT INTO account_totals SELECT * FROM account_totals_accounts WHERE agency_id = agency;
$$;

-- Money is dayed in the agency's time zone: when it changes, its days are counted
-- again in the new one, in the same transaction.
CREATE FUNCTION agencies_time_zone_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rebuild_analytics(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER agencies_time_zone_rebuild AFTER UPDATE OF time_zone ON agencies
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION agencies_time_zone_moved();

-- What became of an installment as of `today`: the domain's `InstallmentOutcome::of`
-- (crates/domain/src/analytics.rs) restated, and a test evaluates both over the cases.
-- `paid_on`: the day of the allocation that completed it.
CREATE FUNCTION installment_outcome(amount numeric, paid numeric, due_date date, paid_on date, today date,
                                    grace_days integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN paid >= amount THEN CASE WHEN paid_on <= due_date + grace_days THEN 'on_time' ELSE 'late' END
                WHEN today - due_date > grace_days THEN 'missed'
                ELSE 'open' END
$$;

-- The reports' other reads: a collector's work by day, installments by due date and
-- the payments into each, a day's journal (reconciliation).
CREATE INDEX account_events_actor_idx ON account_events (agency_id, actor_id, occurred_at)
    INCLUDE (account_id) WHERE kind IN ('note', 'status_change');
CREATE INDEX plan_installments_due_idx ON plan_installments (agency_id, due_date);
CREATE INDEX plan_allocations_installment_idx ON plan_allocations (agency_id, plan_id, seq);
-- The journal is append-only and written in time order: a BRIN range index finds a
-- day's entries for almost nothing on each insert (imports write thousands a second).
CREATE INDEX journal_entries_posted_idx ON journal_entries USING brin (posted_at);
CREATE INDEX processor_events_received_idx ON processor_events (agency_id, received_at);

-- Summaries are written by the triggers (as their owner) and read by the app.
GRANT SELECT ON daily_money, account_totals, daily_money_ledger, account_totals_accounts TO debtflow_app;
GRANT SELECT, INSERT, DELETE ON portfolio_snapshots TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['daily_money', 'account_totals', 'portfolio_snapshots'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;

-- Accounts placed and paid before this migration.
UPDATE accounts a
SET first_paid_on = f.day, days_to_first_payment = f.day - (a.created_at AT TIME ZONE f.time_zone)::date
FROM (SELECT e.agency_id, e.account_id, ag.time_zone, min((e.posted_at AT TIME ZONE ag.time_zone)::date) AS day
      FROM journal_lines l
      JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
      JOIN agencies ag ON ag.id = e.agency_id
      WHERE l.ledger_account = 'receivable' AND l.credit > 0 AND e.kind IN ('payment', 'application')
      GROUP BY 1, 2, 3) f
WHERE a.agency_id = f.agency_id AND a.id = f.account_id;
SELECT rebuild_analytics(id) FROM agencies;
