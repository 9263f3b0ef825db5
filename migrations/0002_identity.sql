-- Identity: sessions with rotating refresh tokens, login throttling, the audit trail,
-- and row-level security on tenant tables.

------------------------------------------------------------------------------
-- Sessions and refresh tokens.
--
-- A login opens a session; each refresh rotates its refresh token (the old one is
-- marked used). Presenting a used token again is reuse: the whole session is revoked.
-- Access tokens name their session, so a revoked session stops them at once.
CREATE TABLE auth_sessions (
    id             uuid PRIMARY KEY,
    user_id        uuid NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'reuse_detected', 'deactivated'))
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES auth_sessions (id),
    -- SHA-256 of the token: the token itself is never stored.
    token_hash bytea NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed logins, by the username typed (whether or not it exists) and the client IP.
CREATE TABLE login_failures (
    username  text NOT NULL,
    ip        inet,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

------------------------------------------------------------------------------
-- The audit trail: append-only, partitioned by month.
--
-- Retention is 24 months: a partition per month; the jobs issue's maintenance job
-- creates the coming months and detaches partitions older than 24 months. Until then
-- this migration creates the partitions of 2026-2028, and the default partition
-- catches anything outside them, so no write can fail for want of a partition.
CREATE TABLE audit_logs (
    id           uuid NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    agency_id    uuid,
    actor_id     uuid,
    actor_role   user_role,
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    text NOT NULL,
    before       jsonb,
    after        jsonb,
    ip           inet,
    request_id   text,
    PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);

DO $$
DECLARE month date := date '2026-01-01';
BEGIN
    WHILE month < date '2029-01-01' LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)',
            'audit_logs_' || to_char(month, 'YYYY_MM'), month, month + interval '1 month');
        month := month + interval '1 month';
    END LOOP;
END $$;
CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

CREATE INDEX audit_logs_agency_time_idx ON audit_logs (agency_id, occurred_at DESC, id DESC);
CREATE INDEX audit_logs_agency_entity_idx ON audit_logs (agency_id, entity_type, entity_id, occurred_at DESC);
CREATE INDEX audit_logs_agency_actor_idx ON audit_logs (agency_id, actor_id, occurred_at DESC);

CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();

------------------------------------------------------------------------------
-- Row-level security: the second wall behind the application's own scoping.
--
-- The application runs each transaction as the role `debtflow_app` with the setting
-- `app.agency_id` set to the caller's agency (or `*` for platform-wide work such as
-- login and platform admins). Rows of other agencies are invisible; without the
-- setting, nothing is visible. (Rows without an agency — platform admins, failed
-- logins of unknown names — are visible only platform-wide.) Sessions, refresh
-- tokens and login failures are identity plumbing reached only through a user.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'debtflow_app') THEN
        CREATE ROLE debtflow_app NOLOGIN;
    END IF;
    EXECUTE format('GRANT debtflow_app TO %I', current_user);
END $$;

GRANT USAGE ON SCHEMA public TO debtflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO debtflow_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO debtflow_app;

-- The caller's agency (NULL when platform-wide or unset), and whether the transaction
-- is platform-wide. `agency_id = app_agency()` is an equality the planner estimates
-- and indexes like any other.
CREATE FUNCTION app_agency() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(nullif(current_setting('app.agency_id', true), ''), '*')::uuid
$$;
CREATE FUNCTION app_platform() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('app.agency_id', true), '') = '*'
$$;

ALTER TABLE agencies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON agencies USING (id = app_agency() OR app_platform());
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON users USING (agency_id = app_agency() OR app_platform());
ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON audit_logs USING (agency_id = app_agency() OR app_platform());
