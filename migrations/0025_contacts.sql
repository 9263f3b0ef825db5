-- Contact attempts with debtors, and what blocks a channel (debtflow_domain::contact).
--
-- An attempt is written once and never changed: the history the Regulation F
-- guardrails count (7 calls in 7 days, 7 quiet days after a conversation) must be the
-- one the collector saw. Blocks are set and cleared (cleared_at), never deleted.

CREATE TYPE contact_channel AS ENUM ('call', 'sms', 'email', 'letter', 'visit');
CREATE TYPE contact_direction AS ENUM ('outbound', 'inbound');
CREATE TYPE contact_outcome AS ENUM (
    'no_answer', 'left_message', 'wrong_number', 'refused', 'right_party_contact',
    'promise_to_pay', 'dispute', 'callback_requested'
);
CREATE TYPE contact_flag AS ENUM (
    'debtor_request', 'cease_and_desist', 'attorney_represented', 'dispute_unverified',
    'bankruptcy', 'deceased'
);

CREATE TABLE contact_attempts (
    agency_id   uuid NOT NULL,
    id          uuid NOT NULL,
    account_id  uuid NOT NULL,
    channel     contact_channel NOT NULL,
    direction   contact_direction NOT NULL,
    outcome     contact_outcome NOT NULL,
    -- The phone number, email address or postal address used, as the collector wrote it.
    used        text CHECK (length(used) <= 500),
    notes       text CHECK (length(notes) <= 5000),
    occurred_at timestamptz NOT NULL,
    -- `null`: the system (a reminder job).
    recorded_by uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id)
);
-- The account's history, newest first: the list, and the guardrails' window.
CREATE INDEX contact_attempts_account_idx ON contact_attempts (agency_id, account_id, occurred_at DESC, id DESC);

CREATE TABLE contact_blocks (
    agency_id  uuid NOT NULL,
    id         uuid NOT NULL,
    debtor_id  uuid NOT NULL,
    flag       contact_flag NOT NULL,
    -- `null`: every channel.
    channel    contact_channel,
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    set_by     uuid NOT NULL REFERENCES users (id),
    set_at     timestamptz NOT NULL,
    cleared_by uuid REFERENCES users (id),
    cleared_at timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, debtor_id) REFERENCES debtors (agency_id, id)
);
CREATE INDEX contact_blocks_debtor_idx ON contact_blocks (agency_id, debtor_id) WHERE cleared_at IS NULL;

-- An attempt is on the account's timeline.
ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause',
                    'unapplied', 'imported', 'import_update', 'contact'));

-- The debtor's own time zone (IANA), for the calling hours; `null`: the agency's.
ALTER TABLE debtors ADD COLUMN time_zone text;

GRANT SELECT, INSERT ON contact_attempts TO debtflow_app;
GRANT SELECT, INSERT, UPDATE ON contact_blocks TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contact_attempts', 'contact_blocks'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()))', t);
    END LOOP;
END $$;
