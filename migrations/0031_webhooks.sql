-- Outbound webhooks (debtflow_domain::webhook, crates/api/src/webhooks): the endpoints
-- an agency registers, the events written for them by the transaction of the change
-- (the outbox), one delivery per event and subscribed endpoint, and every attempt.
--
-- An event is written only when some endpoint of its agency subscribes to its type, in
-- the same statement as its deliveries (store::webhooks::emit): an agency without
-- endpoints pays one index probe per event. The senders of every `debtflow serve`
-- claim due deliveries with FOR UPDATE SKIP LOCKED and a lease (locked_until) that they
-- commit before the HTTP call, so no transaction stays open during it and the lease of
-- a killed sender runs out.

CREATE TYPE webhook_event_type AS ENUM ('payment.completed', 'payment.refunded', 'account.status_changed',
                                        'account.assigned', 'plan.approved', 'plan.defaulted', 'import.finished');
CREATE TYPE webhook_delivery_status AS ENUM ('pending', 'succeeded', 'failed');

-- UUID v7 (time-ordered) ids for rows written set-wise, like the application's
-- Uuid::now_v7(): the instant's milliseconds in the first 48 bits, then random bits.
CREATE FUNCTION webhook_uuid_v7(at timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                          PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
                                          FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;

CREATE TABLE webhook_endpoints (
    agency_id           uuid NOT NULL REFERENCES agencies (id),
    id                  uuid NOT NULL,
    url                 text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    description         text CHECK (length(btrim(description)) BETWEEN 1 AND 200),
    event_types         webhook_event_type[] NOT NULL CHECK (cardinality(event_types) >= 1),
    -- The signing secret, AES-256-GCM with DATA_ENCRYPTION_KEY (crypto::FieldCipher),
    -- as the SFTP passwords are; shown once, when made.
    secret_enc          bytea NOT NULL,
    -- After a rotation the former secret also signs, until it expires.
    previous_secret_enc bytea,
    previous_expires_at timestamptz,
    active              boolean NOT NULL DEFAULT true,
    created_by          uuid NOT NULL REFERENCES users (id),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz,
    PRIMARY KEY (agency_id, id),
    CHECK ((previous_secret_enc IS NULL) = (previous_expires_at IS NULL)),
    CHECK (deleted_at IS NULL OR NOT active)
);
-- The endpoints an event goes to: looked up by every emitting transaction.
CREATE INDEX webhook_endpoints_active_idx ON webhook_endpoints (agency_id) WHERE active;
CREATE INDEX webhook_endpoints_list_idx ON webhook_endpoints (agency_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;

-- The outbox: what happened, as the receivers are sent it (`data`, built from the
-- public DTOs: no SSN, no secret). Written only when someone subscribes.
CREATE TABLE webhook_events (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    id         uuid NOT NULL,
    type       webhook_event_type NOT NULL,
    payload    jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, id)
);

CREATE TABLE webhook_deliveries (
    agency_id        uuid NOT NULL,
    id               uuid NOT NULL,
    event_id         uuid NOT NULL,
    endpoint_id      uuid NOT NULL,
    status           webhook_delivery_status NOT NULL DEFAULT 'pending',
    -- Attempts started, over the delivery's whole life.
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- The retry window (debtflow_domain::webhook::after_failure): it opens at the first
    -- attempt, and again at the first attempt after a replay (the claim sets it when
    -- attempts = window_attempts); `window_attempts` were made before it.
    window_starts_at timestamptz NOT NULL,
    window_attempts  integer NOT NULL DEFAULT 0 CHECK (window_attempts BETWEEN 0 AND attempts),
    next_attempt_at  timestamptz NOT NULL,
    -- The lease of the sender that claimed it; past it, another may.
    locked_until     timestamptz,
    last_status_code smallint,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, event_id, endpoint_id),
    FOREIGN KEY (agency_id, event_id) REFERENCES webhook_events (agency_id, id),
    FOREIGN KEY (agency_id, endpoint_id) REFERENCES webhook_endpoints (agency_id, id),
    CHECK ((status = 'succeeded') = (delivered_at IS NOT NULL))
);
-- The senders' claim: the pending deliveries due first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- An endpoint's deliveries, newest first (all, or of a status).
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (agency_id, endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_status_idx
    ON webhook_deliveries (agency_id, endpoint_id, status, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    agency_id    uuid NOT NULL,
    id           uuid NOT NULL,
    delivery_id  uuid NOT NULL,
    -- The delivery's attempt it was (1, 2, …).
    number       integer NOT NULL CHECK (number >= 1),
    attempted_at timestamptz NOT NULL,
    -- The receiver's HTTP status; none when no answer came (refused, timed out …).
    status_code  smallint CHECK (status_code BETWEEN 100 AND 599),
    error        text CHECK (length(error) <= 1000),
    duration_ms  integer NOT NULL CHECK (duration_ms >= 0),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, delivery_id) REFERENCES webhook_deliveries (agency_id, id),
    CHECK (status_code IS NOT NULL OR error IS NOT NULL)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (agency_id, delivery_id, number);

-- Events and attempts are history: never changed or deleted.
CREATE FUNCTION reject_webhook_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER webhook_events_final BEFORE UPDATE OR DELETE ON webhook_events
    FOR EACH ROW EXECUTE FUNCTION reject_webhook_history_change();
CREATE TRIGGER webhook_attempts_final BEFORE UPDATE OR DELETE ON webhook_attempts
    FOR EACH ROW EXECUTE FUNCTION reject_webhook_history_change();

GRANT SELECT, INSERT, UPDATE ON webhook_endpoints, webhook_deliveries TO debtflow_app;
GRANT SELECT, INSERT ON webhook_events, webhook_attempts TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()))', t);
    END LOOP;
END $$;
