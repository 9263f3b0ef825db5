-- The daily jobs' rules in SQL, stated once each: the aging bucket of a number of days
-- past due (the domain's `Bucket::of`, crates/domain/src/account/aging.rs; a test
-- evaluates both over a range of days), and the index the scheduler's retry policy
-- reads a day's runs through.

-- The aging bucket of `days` past due: 0-30, 31-60, 61-90, 90+. Inlined by the
-- planner (one SQL expression, immutable), so set-based queries pay nothing for it.
CREATE FUNCTION aging_bucket(days integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN days <= 30 THEN '0-30' WHEN days <= 60 THEN '31-60' WHEN days <= 90 THEN '61-90' ELSE '90+' END
$$;

-- Every run of a date, per job and agency: what the scheduler reads each minute to
-- decide whether a job runs, waits for its retry, or rests until tomorrow.
CREATE INDEX job_runs_day_idx ON job_runs (as_of_date, job, agency_id);
