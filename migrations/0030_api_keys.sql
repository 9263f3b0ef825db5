-- API keys (debtflow_domain::api_key): an outside system acts in an agency's name as
-- the service account of its key. The secret is shown once and kept only as its
-- SHA-256 (256 random bits need no slow hash); `shown` is its first characters, to
-- recognise it in lists and logs. A key is revoked, never deleted or changed: the
-- audit trail names its service account for as long as the trail is kept.

ALTER TYPE user_role ADD VALUE 'service';

CREATE TABLE api_keys (
    agency_id    uuid NOT NULL REFERENCES agencies (id),
    id           uuid NOT NULL,
    -- The service account the key acts as (role `service`, no password).
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    shown        text NOT NULL CHECK (shown ~ '^dfk_live_[0-9a-f]{8}$'),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    scopes       text[] NOT NULL CHECK (
        cardinality(scopes) >= 1
        AND scopes <@ ARRAY['accounts:read', 'accounts:write', 'payments:read', 'payments:write',
                            'imports:write', 'webhooks:manage']
    ),
    expires_at   timestamptz,
    created_by   uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   uuid REFERENCES users (id),
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, user_id),
    UNIQUE (agency_id, secret_hash),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
-- Every request with a key finds it by its hash, before its agency is known.
CREATE INDEX api_keys_secret_idx ON api_keys (secret_hash);

-- Only its last use moves, and a live key may be revoked once.
CREATE FUNCTION reject_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.agency_id, NEW.id, NEW.user_id, NEW.name, NEW.shown, NEW.secret_hash, NEW.scopes, NEW.expires_at,
           NEW.created_by, NEW.created_at)
          IS DISTINCT FROM
          (OLD.agency_id, OLD.id, OLD.user_id, OLD.name, OLD.shown, OLD.secret_hash, OLD.scopes, OLD.expires_at,
           OLD.created_by, OLD.created_at)
       OR (OLD.revoked_at IS NOT NULL AND (NEW.revoked_at, NEW.revoked_by) IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by))
    THEN
        RAISE EXCEPTION 'an API key is revoked, never changed or deleted' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER api_keys_final BEFORE UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION reject_api_key_change();

GRANT SELECT, INSERT, UPDATE ON api_keys TO debtflow_app;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON api_keys USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()));
