-- Notifications: one table every service writes to, in the same transaction as the
-- event it describes (shared/DESIGN.md "Notifications"). The idempotency key makes a
-- re-run (a job, a retried request) notify nobody twice.
CREATE TABLE notifications (
    agency_id       uuid NOT NULL REFERENCES agencies (id),
    id              uuid NOT NULL,
    recipient_id    uuid NOT NULL REFERENCES users (id),
    kind            text NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    entity_type     text,
    entity_id       text,
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz,
    PRIMARY KEY (agency_id, id),
    CONSTRAINT notifications_idempotency_key UNIQUE (agency_id, idempotency_key)
);
CREATE INDEX notifications_recipient_idx ON notifications (agency_id, recipient_id, created_at DESC, id DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON notifications TO debtflow_app;
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON notifications USING (agency_id = app_agency() OR app_platform());

-- Open accounts per collector, for account limits and the worklist's "mine".
CREATE INDEX accounts_open_by_collector_idx ON accounts (agency_id, collector_id)
    WHERE status NOT IN ('settled', 'closed');
