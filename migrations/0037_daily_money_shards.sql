-- daily_money spread over eight rows per key, so that the payments of one collector
-- in flight at once do not queue on one row.
--
-- Every posting adds to the daily_money row of its (agency, day, collector, method)
-- and holds that row until it commits. At the bench (8 payments in flight, on the
-- accounts of 4 collectors) the payments spent about 40% of their time waiting for
-- each other (`Lock: transactionid`), and the same SQL committed 1.8 times as many
-- with this trigger off. A posting now adds to one of eight shards of the key, chosen
-- by its account (`daily_money_shard`): two payments of one collector meet on a row
-- once in eight, and two statements in key order still meet their rows in one order
-- (no deadlock). A posting without an account (none today) takes shard 0.
--
-- Every reader sums a key's shards: the reports and the roll-up group by the key
-- already; the comparison with the ledger reads `daily_money_summed`. A rebuild
-- (rebuild_analytics) writes shard 0.

CREATE FUNCTION daily_money_shard(account_id uuid) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN coalesce(uuid_hash(account_id) & 7, 0);

ALTER TABLE daily_money ADD COLUMN shard smallint NOT NULL DEFAULT 0 CHECK (shard BETWEEN 0 AND 7);
ALTER TABLE daily_money DROP CONSTRAINT daily_money_key;
ALTER TABLE daily_money
    ADD CONSTRAINT daily_money_key UNIQUE NULLS NOT DISTINCT (agency_id, day, collector_id, method, shard);

-- What the summary says per key, its shards summed: compared with its definition,
-- daily_money_ledger, row for row.
CREATE VIEW daily_money_summed WITH (security_invoker = true) AS
    SELECT agency_id, day, collector_id, method, sum(payments)::bigint AS payments, sum(received) AS received,
           sum(refunded) AS refunded, sum(commission) AS commission
    FROM daily_money
    GROUP BY 1, 2, 3, 4;
GRANT SELECT ON daily_money_summed TO debtflow_app;

-- As in 0017, each statement's money added to its accounts' shards.
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
                   coalesce(sum(l.debit - l.credit) FILTER (WHERE l.ledger_account = 'commission_expense'), 0),
                   daily_money_shard(e.account_id)
               )::daily_money
        FROM new_lines l
        JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
        JOIN agencies ag ON ag.id = e.agency_id
        LEFT JOIN payments p ON p.agency_id = e.agency_id AND p.id = e.payment_id
        WHERE l.ledger_account IN ('cash_clearing', 'commission_expense')
        GROUP BY e.agency_id, (e.posted_at AT TIME ZONE ag.time_zone)::date, e.collector_id, p.method,
                 daily_money_shard(e.account_id));
    INSERT INTO daily_money AS d (agency_id, day, collector_id, method, payments, received, refunded, commission, shard)
    SELECT * FROM unnest(moved)
    ORDER BY 1, 2, 3, 4, 9
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
