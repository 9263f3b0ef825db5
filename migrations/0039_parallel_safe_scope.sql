-- The tenant scope's two functions (0002) only read the transaction's `app.agency_id`,
-- which PostgreSQL hands to every parallel worker of a query: they are parallel safe.
-- Left at the default, PARALLEL UNSAFE, they kept every query under row-level security
-- — every query of the application — from a parallel plan: the data_quality job's
-- scans of a ledger of millions of lines ran on one core. Requests still run on one
-- core each; they say so when they open (crates/api/src/store/db.rs, request_settings).
ALTER FUNCTION app_agency() PARALLEL SAFE;
ALTER FUNCTION app_platform() PARALLEL SAFE;
