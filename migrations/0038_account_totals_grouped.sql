-- account_totals' triggers sum a statement's accounts per key before they pass them on.
--
-- They passed account_totals_add an array of one element per account the statement
-- wrote, which it then grouped. Loading 10,000,000 accounts in one COPY (`make bench`
-- at 10 M) failed on it: the array exceeded PostgreSQL's 1 GB limit, and before that
-- it cost a gigabyte of memory. Grouped first, it holds one element per collector,
-- status and aging anchor of the statement, however many accounts it wrote.

CREATE OR REPLACE FUNCTION account_totals_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT ROW(c.agency_id, c.collector_id, c.status, c.aging_anchor, sum(c.accounts), sum(c.balance),
                   sum(c.placed), sum(c.paid_accounts), sum(c.days_to_first_payment))::account_totals
        FROM new_rows a,
             account_totals_row(1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                a.original_balance, a.days_to_first_payment) c
        GROUP BY c.agency_id, c.collector_id, c.status, c.aging_anchor));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION account_totals_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT ROW(c.agency_id, c.collector_id, c.status, c.aging_anchor, sum(c.accounts), sum(c.balance),
                   sum(c.placed), sum(c.paid_accounts), sum(c.days_to_first_payment))::account_totals
        FROM (SELECT c.* FROM new_rows a,
                     account_totals_row(1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                        a.original_balance, a.days_to_first_payment) c
              UNION ALL
              SELECT c.* FROM old_rows a,
                     account_totals_row(-1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                        a.original_balance, a.days_to_first_payment) c) c
        GROUP BY c.agency_id, c.collector_id, c.status, c.aging_anchor));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION account_totals_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM account_totals_add(ARRAY(
        SELECT ROW(c.agency_id, c.collector_id, c.status, c.aging_anchor, sum(c.accounts), sum(c.balance),
                   sum(c.placed), sum(c.paid_accounts), sum(c.days_to_first_payment))::account_totals
        FROM old_rows a,
             account_totals_row(-1, a.agency_id, a.collector_id, a.status, a.aging_anchor, a.current_balance,
                                a.original_balance, a.days_to_first_payment) c
        GROUP BY c.agency_id, c.collector_id, c.status, c.aging_anchor));
    RETURN NULL;
END $$;
