-- account_totals' old aging anchors folded into one.
--
-- An anchor 91 days or more before the agency's today is in the 90+ bucket on every
-- later day, so the portfolio needs no more of it than its collector and status. The
-- dpd_aging job's live run folds such rows into one per collector and status, kept
-- under the anchor FOLDED (0001-01-01): at a million accounts, 11,655 rows become
-- about 2,700, and the live portfolio reads a quarter as many. Writes between two runs
-- add to their accounts' own anchors as before (a folded account's change is a row
-- under its own anchor beside the folded one, until the next run): every reader sums
-- the rows of a bucket, and an anchor bucketed 90+ is the same figure wherever it sits.
-- Past days are read from portfolio_snapshots, never from these rows.
--
-- Compared with the accounts (the data_quality job, tests), both sides are folded
-- through the same day (`folded_anchor`), which must be on or after every fold's.

CREATE FUNCTION folded_anchor(anchor date, through date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN anchor <= through THEN DATE '0001-01-01' ELSE anchor END
$$;

-- Folds the agency's rows anchored on or before `through`; returns how many rows went.
-- The rows are locked in key order first, the order the triggers' writes take them in
-- (account_totals_add), so a fold never deadlocks with a payment; the folded rows'
-- own key is written only here.
CREATE FUNCTION fold_account_totals(agency uuid, through date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE folded bigint;
BEGIN
    PERFORM 1 FROM account_totals
    WHERE agency_id = agency AND aging_anchor <= through AND aging_anchor <> DATE '0001-01-01'
    ORDER BY agency_id, collector_id, status, aging_anchor
    FOR UPDATE;
    WITH gone AS (
        DELETE FROM account_totals
        WHERE agency_id = agency AND aging_anchor <= through AND aging_anchor <> DATE '0001-01-01'
        RETURNING *),
    added AS (
        SELECT account_totals_add(ARRAY(
            SELECT ROW(agency_id, collector_id, status, DATE '0001-01-01', accounts, balance, placed, paid_accounts,
                       days_to_first_payment)::account_totals
            FROM gone)))
    SELECT (SELECT count(*) FROM gone) INTO folded FROM added;
    RETURN folded;
END $$;

-- Where the agency's account_totals differs from its definition over the accounts
-- (account_totals_accounts), both folded through `through`: per key, the summary's
-- figures minus the accounts'. No row: the summary is exact.
CREATE FUNCTION account_totals_differences(agency uuid, through date)
RETURNS TABLE (collector_id uuid, status account_status, aging_anchor date, accounts numeric, balance numeric,
               placed numeric, paid_accounts numeric, days_to_first_payment numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT collector_id, status, folded_anchor(aging_anchor, through), sum(sign * accounts), sum(sign * balance),
           sum(sign * placed), sum(sign * paid_accounts), sum(sign * days_to_first_payment)
    FROM (SELECT 1 AS sign, * FROM account_totals WHERE agency_id = agency
          UNION ALL
          SELECT -1, * FROM account_totals_accounts WHERE agency_id = agency) both_sides
    GROUP BY 1, 2, 3
    HAVING (sum(sign * accounts), sum(sign * balance), sum(sign * placed), sum(sign * paid_accounts),
            sum(sign * days_to_first_payment)) <> (0, 0, 0, 0, 0)
$$;
GRANT EXECUTE ON FUNCTION account_totals_differences(uuid, date) TO debtflow_app;
