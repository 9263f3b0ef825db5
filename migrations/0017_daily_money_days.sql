-- daily_money rolled up per day and method for the days that are over.
--
-- daily_money has a row per (agency, day, collector, method): an agency-wide year of
-- daily trends summed 5,824 of them at the bench (16 collectors), and their count
-- grows with the collectors. `daily_money_days` holds the same money per (agency, day,
-- method) for every day on or before the agency's `daily_money_rolled.through`, which
-- the dpd_aging job's live run moves to the agency's yesterday each day
-- (`roll_daily_money`). The agency-wide readers (store::analytics::money) sum the
-- roll-up through that day and daily_money after it: a year is ~365 rows per method
-- whatever the number of collectors.
--
-- Not written by every payment: a row per agency, day and method would be a hot row
-- that every payment of the agency waits on. A posting still lands in daily_money
-- alone; only one dated on or before `through` (a backdated posting, a test's clock,
-- a time zone moved west) also adds to the roll-up, in its own transaction
-- (`daily_money_add`). A change of time zone rewrites the roll-up with daily_money
-- (`rebuild_analytics`).
--
-- Concurrency. `roll_daily_money` first takes the agency's row FOR NO KEY UPDATE,
-- which conflicts with the FOR SHARE every posting takes in `daily_money_add` before
-- it writes (and holds until its commit), and not with the FOR KEY SHARE of foreign
-- key checks. So the roll waits for the postings in flight, sums daily_money once
-- they have committed (each statement of these functions reads what has committed
-- before it: the app runs at READ COMMITTED), and the postings that come after it
-- read its `through`. The roll writes in the same key order as the postings.
--
-- Proof: `daily_money_days_differences(agency)` compares the roll-up with daily_money
-- grouped by day and method through `through` (daily_money itself is compared with
-- the ledger); the data_quality job reports each difference.

CREATE TABLE daily_money_days (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    day        date NOT NULL,
    method     payment_method,
    payments   bigint NOT NULL,
    received   numeric(19, 4) NOT NULL,
    refunded   numeric(19, 4) NOT NULL,
    commission numeric(19, 4) NOT NULL,
    CONSTRAINT daily_money_days_key UNIQUE NULLS NOT DISTINCT (agency_id, day, method)
);

-- The last day of an agency rolled up into daily_money_days (no row: none). Job state
-- kept apart from `agencies`, whose row the API reads and writes.
CREATE TABLE daily_money_rolled (
    agency_id uuid PRIMARY KEY REFERENCES agencies (id),
    through   date NOT NULL
);

-- Adds daily_money's days after the agency's previous `through` and up to `through` to
-- daily_money_days, and records `through` (never moved backwards); returns how many
-- roll-up rows it wrote.
CREATE FUNCTION roll_daily_money(agency uuid, through date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    previous date;
    written bigint;
BEGIN
    PERFORM 1 FROM agencies WHERE id = agency FOR NO KEY UPDATE;
    SELECT r.through INTO previous FROM daily_money_rolled r WHERE r.agency_id = agency;
    IF previous >= roll_daily_money.through THEN
        RETURN 0;
    END IF;
    INSERT INTO daily_money_days AS s (agency_id, day, method, payments, received, refunded, commission)
    SELECT d.agency_id, d.day, d.method, sum(d.payments), sum(d.received), sum(d.refunded), sum(d.commission)
    FROM daily_money d
    WHERE d.agency_id = agency AND d.day <= roll_daily_money.through AND (previous IS NULL OR d.day > previous)
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT daily_money_days_key DO UPDATE
        SET payments = s.payments + EXCLUDED.payments, received = s.received + EXCLUDED.received,
            refunded = s.refunded + EXCLUDED.refunded, commission = s.commission + EXCLUDED.commission;
    GET DIAGNOSTICS written = ROW_COUNT;
    INSERT INTO daily_money_rolled AS r (agency_id, through) VALUES (agency, roll_daily_money.through)
    ON CONFLICT (agency_id) DO UPDATE SET through = EXCLUDED.through;
    RETURN written;
END $$;

-- As in 0014, and the statement's money on days already rolled up added to the
-- roll-up too. The statement's rows are summed once; daily_money's rows are upserted
-- before the roll-up's, each in key order, so two postings meet them in the same
-- order (no deadlock).
CREATE OR REPLACE FUNCTION daily_money_add() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    moved daily_money[];
BEGIN
    -- The day is the agency's: hold its time zone until commit, so a change of zone
    -- (which re-days the whole summary, 0014) comes wholly before or after this; and
    -- hold off a roll-up (roll_daily_money) until this commits.
    PERFORM 1 FROM agencies
    WHERE id IN (SELECT agency_id FROM new_lines WHERE ledger_account IN ('cash_clearing', 'commission_expense'))
    ORDER BY id FOR SHARE;
    moved := ARRAY(
        SELECT ROW(e.agency_id, (e.posted_at AT TIME ZONE ag.time_zone)::date, e.collector_id, p.method,
                   count(*) FILTER (WHERE l.ledger_account = 'cash_clearing' AND e.kind IN ('payment', 'unapplied')),
                   coalesce(sum(l.debit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0),
                   coalesce(sum(l.credit) FILTER (WHERE l.ledger_account = 'cash_clearing'), 0),
                   coalesce(sum(l.debit - l.credit) FILTER (WHERE l.ledger_account = 'commission_expense'), 0)
               )::daily_money
        FROM new_lines l
        JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
        JOIN agencies ag ON ag.id = e.agency_id
        LEFT JOIN payments p ON p.agency_id = e.agency_id AND p.id = e.payment_id
        WHERE l.ledger_account IN ('cash_clearing', 'commission_expense')
        GROUP BY e.agency_id, (e.posted_at AT TIME ZONE ag.time_zone)::date, e.collector_id, p.method);
    INSERT INTO daily_money AS d (agency_id, day, collector_id, method, payments, received, refunded, commission)
    SELECT * FROM unnest(moved)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT daily_money_key DO UPDATE
        SET payments = d.payments + EXCLUDED.payments, received = d.received + EXCLUDED.received,
            refunded = d.refunded + EXCLUDED.refunded, commission = d.commission + EXCLUDED.commission;
    INSERT INTO daily_money_days AS s (agency_id, day, method, payments, received, refunded, commission)
    SELECT m.agency_id, m.day, m.method, sum(m.payments), sum(m.received), sum(m.refunded), sum(m.commission)
    FROM unnest(moved) m
    JOIN daily_money_rolled r ON r.agency_id = m.agency_id AND m.day <= r.through
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT daily_money_days_key DO UPDATE
        SET payments = s.payments + EXCLUDED.payments, received = s.received + EXCLUDED.received,
            refunded = s.refunded + EXCLUDED.refunded, commission = s.commission + EXCLUDED.commission;

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

-- As in 0014, and the roll-up rewritten through the agency's `through` from the
-- rewritten daily_money (so a change of time zone re-days it too).
CREATE OR REPLACE FUNCTION rebuild_analytics(agency uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    DELETE FROM daily_money WHERE agency_id = agency;
    INSERT INTO daily_money SELECT * FROM daily_money_ledger WHERE agency_id = agency;
    DELETE FROM daily_money_days WHERE agency_id = agency;
    INSERT INTO daily_money_days (agency_id, day, method, payments, received, refunded, commission)
    SELECT agency_id, day, method, sum(payments), sum(received), sum(refunded), sum(commission)
    FROM daily_money
    WHERE agency_id = agency AND day <= (SELECT r.through FROM daily_money_rolled r WHERE r.agency_id = agency)
    GROUP BY 1, 2, 3;
    DELETE FROM account_totals WHERE agency_id = agency;
    INSERT INTO account_totals SELECT * FROM account_totals_accounts WHERE agency_id = agency;
$$;

-- Where the agency's roll-up differs from daily_money grouped by day and method through
-- its `through`: per day and method, the roll-up's figures minus daily_money's. No
-- row: the roll-up is exact (a roll-up row after `through` is a difference too).
CREATE FUNCTION daily_money_days_differences(agency uuid)
RETURNS TABLE (day date, method payment_method, payments numeric, received numeric, refunded numeric,
               commission numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT day, method, sum(sign * payments), sum(sign * received), sum(sign * refunded), sum(sign * commission)
    FROM (SELECT 1 AS sign, day, method, payments, received, refunded, commission
          FROM daily_money_days WHERE agency_id = agency
          UNION ALL
          SELECT -1, day, method, payments, received, refunded, commission
          FROM daily_money
          WHERE agency_id = agency
            AND day <= (SELECT r.through FROM daily_money_rolled r WHERE r.agency_id = agency)) both_sides
    GROUP BY 1, 2
    HAVING (sum(sign * payments), sum(sign * received), sum(sign * refunded), sum(sign * commission))
           <> (0, 0, 0, 0)
$$;
GRANT EXECUTE ON FUNCTION daily_money_days_differences(uuid) TO debtflow_app;

-- Written by the functions above (as their owner), read by the app.
REVOKE INSERT, UPDATE, DELETE ON daily_money_days, daily_money_rolled FROM debtflow_app;
GRANT SELECT ON daily_money_days, daily_money_rolled TO debtflow_app;
ALTER TABLE daily_money_days ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON daily_money_days USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
ALTER TABLE daily_money_rolled ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON daily_money_rolled USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
