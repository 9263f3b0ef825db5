-- The latest run of each job, agency and date (`GET /jobs/runs?latest=true`, the SPA's
-- job runs screen): runs in the order that query reads them — the newest date first,
-- then job and agency (platform-wide runs under the nil uuid), the latest run of each
-- first — so DISTINCT ON keeps the first row of each group straight off the index and a
-- page reads only its own dates.
CREATE INDEX job_runs_latest_idx ON job_runs
    (as_of_date DESC, job, (coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid)), started_at DESC, id DESC);
