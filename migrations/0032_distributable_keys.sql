-- The schema distributable by agency (Citus) without redesign: every tenant-owned
-- table's primary key, unique constraints and unique indexes include agency_id, and
-- every foreign key between tenant-owned tables is composite, agency_id matched to
-- agency_id. tests/http/catalog.rs reads the catalog and holds every table to it.
--
-- The tables, by where they would live in Citus:
-- * tenant-owned (agency_id NOT NULL; `create_distributed_table(t, 'agency_id')`,
--   colocated): every other table.
-- * reference (small, on every node; foreign keys to them need no agency_id):
--   agencies, notification_kinds, and users. Users are read by username at login
--   before any agency is known, usernames are unique across the platform, and platform
--   admins belong to no agency (agency_id NULL): none of that is possible in a table
--   distributed by agency, and staff are few beside what they work on.
-- * platform (local to the coordinator, never referenced by a tenant-owned table):
--   _sqlx_migrations; auth_sessions, refresh_tokens and login_failures (identity
--   plumbing reached through a user or a typed username); audit_logs (platform rows
--   have no agency); job_runs (platform-wide runs have no agency, and the scheduler
--   reads every agency's runs each minute) and data_quality_findings (rows of a run,
--   tied to it by a foreign key).
--
-- Before this migration all but four tenant-owned tables already kept to the rule
-- (their foreign keys to users point at a reference table); the four follow, each
-- with its reason. No index becomes redundant: each new key replaces the old one.
--
-- On a large database: CREATE INDEX blocks writes to its table while it builds; ADD
-- PRIMARY KEY and SET NOT NULL take an ACCESS EXCLUSIVE lock while they build or scan.
-- notification_preferences and processor_events are small. For notifications and
-- mail_deliveries, a production run may first build the two new indexes by hand with
-- CREATE UNIQUE INDEX CONCURRENTLY under the names below (and check they are valid:
-- pg_index.indisvalid); this file then skips the builds (IF NOT EXISTS) and only swaps
-- the names, which is instant.

------------------------------------------------------------------------------
-- A user's notification preferences: keyed by agency, user and kind (was user and
-- kind), and read that way where a notification is written.
ALTER TABLE notification_preferences
    DROP CONSTRAINT notification_preferences_pkey,
    ADD CONSTRAINT notification_preferences_pkey PRIMARY KEY (agency_id, user_id, kind);

CREATE OR REPLACE FUNCTION notification_apply_preference() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k notification_kinds;
    p notification_preferences;
BEGIN
    SELECT * INTO k FROM notification_kinds WHERE kind = NEW.kind;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key refuses it
    END IF;
    SELECT * INTO p FROM notification_preferences
    WHERE agency_id = NEW.agency_id AND user_id = NEW.recipient_id AND kind = NEW.kind;
    NEW.in_app := k.mandatory OR coalesce(p.in_app, k.default_in_app);
    NEW.email := coalesce(p.email, k.default_email);
    NEW.seq := NULL;
    RETURN NEW;
END $$;

------------------------------------------------------------------------------
-- The delivery order. `seq` comes from one sequence, so it is unique across agencies
-- by construction; the index states it per agency, which a distributed table can
-- enforce. seq stays its first column: the dispatcher and the streams' fan-out read
-- every agency's notifications in seq order (store::notifications::dispatched_between,
-- last_dispatched).
CREATE UNIQUE INDEX IF NOT EXISTS notifications_seq_agency_idx ON notifications (seq, agency_id);
DROP INDEX notifications_seq_idx;
ALTER INDEX notifications_seq_agency_idx RENAME TO notifications_seq_idx;

------------------------------------------------------------------------------
-- One digest per recipient, kind of digest and slot: within the recipient's agency.
CREATE UNIQUE INDEX IF NOT EXISTS mail_deliveries_digest_agency_idx
    ON mail_deliveries (agency_id, recipient_id, delivery, slot) WHERE slot IS NOT NULL;
DROP INDEX mail_deliveries_digest_idx;
ALTER INDEX mail_deliveries_digest_agency_idx RENAME TO mail_deliveries_digest_idx;

------------------------------------------------------------------------------
-- Events of the card processor: each is recorded with the payment it names, so with
-- that payment's agency (store::payments::record_processor_event has always written
-- one; a NULL here fails the migration rather than guessing). An event names one
-- payment, so it is handled once per agency exactly when it is handled once.
ALTER TABLE processor_events
    ALTER COLUMN agency_id SET NOT NULL,
    DROP CONSTRAINT processor_events_pkey,
    ADD CONSTRAINT processor_events_pkey PRIMARY KEY (agency_id, event_id);
