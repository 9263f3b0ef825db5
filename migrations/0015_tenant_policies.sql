-- The tenant policies, checked once per statement instead of once per row.
--
-- As 0002–0014 wrote them, `agency_id = app_agency() OR app_platform()` inlined both
-- functions into every row's filter: each row read two settings and parsed a uuid
-- (half the 10 ms the live portfolio spent grouping account_totals' 11,655 rows).
-- Written as sub-selects, PostgreSQL evaluates each once per statement (an InitPlan)
-- and compares every row with its result. The same rows are visible: the functions are
-- stable within a statement. Tables added later write their policy the same way
-- (tests/http/tenancy.rs checks every policy).
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_policies
             WHERE schemaname = current_schema() AND policyname = 'tenant' AND tablename NOT IN ('agencies', 'job_runs')
    LOOP
        EXECUTE format('ALTER POLICY tenant ON %I USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()))', t);
    END LOOP;
END $$;
ALTER POLICY tenant ON agencies USING (id = (SELECT app_agency()) OR (SELECT app_platform()));
ALTER POLICY tenant ON job_runs
    USING (agency_id IS NULL OR agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
