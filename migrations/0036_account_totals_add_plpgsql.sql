-- account_totals_add as PL/pgSQL: a SQL function that runs as its owner is never
-- inlined, and PostgreSQL parsed and planned its INSERT afresh on every call (about a
-- tenth of the database's time in a payment); PL/pgSQL keeps the plan for the session.
-- Same statement, same key order (no deadlock between two writers).
CREATE OR REPLACE FUNCTION account_totals_add(changes account_totals[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    INSERT INTO account_totals AS s
    SELECT c.agency_id, c.collector_id, c.status, c.aging_anchor, sum(c.accounts), sum(c.balance), sum(c.placed),
           sum(c.paid_accounts), sum(c.days_to_first_payment)
    FROM unnest(changes) c
    GROUP BY 1, 2, 3, 4
    HAVING sum(c.accounts) <> 0 OR sum(c.balance) <> 0 OR sum(c.placed) <> 0 OR sum(c.paid_accounts) <> 0
        OR sum(c.days_to_first_payment) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT account_totals_key DO UPDATE
        SET accounts = s.accounts + EXCLUDED.accounts, balance = s.balance + EXCLUDED.balance,
            placed = s.placed + EXCLUDED.placed, paid_accounts = s.paid_accounts + EXCLUDED.paid_accounts,
            days_to_first_payment = s.days_to_first_payment + EXCLUDED.days_to_first_payment;
END $$;
