-- Remedial recovery (debtflow_domain::remedial, seed 000): legal cases and their
-- hearings, recovery actions and their milestones, write-off requests decided by the
-- board, and versioned documents on any of them. The lifecycles are the domain's;
-- the checks here restate what each status implies, and triggers keep what is final
-- final (as the ledger's are).

CREATE TYPE legal_case_status AS ENUM ('draft', 'filed', 'in_hearing', 'judgment', 'closed');
CREATE TYPE case_outcome AS ENUM ('judgment_for_creditor', 'judgment_for_debtor', 'settled', 'withdrawn', 'dismissed');
CREATE TYPE recovery_kind AS ENUM ('foreclosure', 'dacion_en_pago', 'repossession', 'garnishment');
CREATE TYPE recovery_status AS ENUM ('initiated', 'in_progress', 'completed', 'cancelled');
CREATE TYPE write_off_status AS ENUM ('draft', 'recommended', 'approved', 'rejected');

CREATE TABLE legal_cases (
    agency_id       uuid NOT NULL,
    id              uuid NOT NULL,
    account_id      uuid NOT NULL,
    status          legal_case_status NOT NULL DEFAULT 'draft',
    court           text NOT NULL CHECK (length(court) <= 200),
    case_number     text CHECK (length(case_number) BETWEEN 1 AND 100),
    counsel         text CHECK (length(counsel) <= 200),
    amount_claimed  numeric(19, 4) NOT NULL CHECK (amount_claimed > 0),
    filed_on        date,
    judgment_on     date,
    outcome         case_outcome,
    closed_on       date,
    -- Rolled up by the next_hearing_rollup job.
    next_hearing_at timestamptz,
    notes           text CHECK (length(notes) <= 2000),
    created_by      uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK ((status = 'draft') = (filed_on IS NULL)),
    CHECK (status = 'draft' OR (case_number IS NOT NULL AND length(btrim(court)) > 0)),
    CHECK ((judgment_on IS NOT NULL) = (outcome IN ('judgment_for_creditor', 'judgment_for_debtor'))),
    CHECK (status <> 'judgment' OR judgment_on IS NOT NULL),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL AND outcome IS NOT NULL)),
    CHECK (deleted_at IS NULL OR status = 'draft')
);
CREATE INDEX legal_cases_account_idx ON legal_cases (agency_id, account_id, created_at DESC);
-- A filed case's number is the court's: once per court (a draft's is tentative).
CREATE UNIQUE INDEX legal_cases_number_key ON legal_cases (agency_id, court, case_number) WHERE status <> 'draft';
-- The accounts in legal, and the roll-up's scan.
CREATE INDEX legal_cases_active_idx ON legal_cases (agency_id, account_id)
    WHERE status IN ('filed', 'in_hearing', 'judgment');

CREATE TABLE hearings (
    agency_id    uuid NOT NULL,
    id           uuid NOT NULL,
    case_id      uuid NOT NULL,
    starts_at    timestamptz NOT NULL,
    venue        text NOT NULL CHECK (length(btrim(venue)) BETWEEN 1 AND 200),
    purpose      text NOT NULL CHECK (length(btrim(purpose)) BETWEEN 1 AND 500),
    outcome      text CHECK (length(btrim(outcome)) BETWEEN 1 AND 2000),
    next_step    text CHECK (length(next_step) <= 1000),
    scheduled_by uuid NOT NULL REFERENCES users (id),
    scheduled_at timestamptz NOT NULL,
    recorded_by  uuid REFERENCES users (id),
    recorded_at  timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, case_id) REFERENCES legal_cases (agency_id, id),
    CHECK ((outcome IS NULL) = (recorded_at IS NULL AND recorded_by IS NULL)),
    CHECK (next_step IS NULL OR outcome IS NOT NULL)
);
CREATE INDEX hearings_case_idx ON hearings (agency_id, case_id, starts_at);
CREATE INDEX hearings_upcoming_idx ON hearings (agency_id, starts_at) WHERE outcome IS NULL;

CREATE TABLE recovery_actions (
    agency_id     uuid NOT NULL,
    id            uuid NOT NULL,
    account_id    uuid NOT NULL,
    kind          recovery_kind NOT NULL,
    status        recovery_status NOT NULL DEFAULT 'initiated',
    initiated_on  date NOT NULL,
    notes         text CHECK (length(notes) <= 2000),
    initiated_by  uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    ended_on      date,
    cancel_reason text CHECK (length(btrim(cancel_reason)) BETWEEN 1 AND 1000),
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK ((status IN ('completed', 'cancelled')) = (ended_on IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL))
);
CREATE INDEX recovery_actions_account_idx ON recovery_actions (agency_id, account_id, created_at DESC);

CREATE TABLE recovery_milestones (
    agency_id     uuid NOT NULL,
    id            uuid NOT NULL,
    action_id     uuid NOT NULL,
    position      smallint NOT NULL CHECK (position BETWEEN 1 AND 12),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    target_on     date NOT NULL,
    done_on       date,
    done_by       uuid REFERENCES users (id),
    -- The first date the milestone_overdue_scan found it overdue.
    overdue_since date,
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, action_id, position),
    FOREIGN KEY (agency_id, action_id) REFERENCES recovery_actions (agency_id, id),
    CHECK ((done_on IS NULL) = (done_by IS NULL))
);
CREATE UNIQUE INDEX recovery_milestones_name_key ON recovery_milestones (agency_id, action_id, lower(btrim(name)));
CREATE INDEX recovery_milestones_open_idx ON recovery_milestones (agency_id, target_on) WHERE done_on IS NULL;

CREATE TABLE write_off_requests (
    agency_id      uuid NOT NULL,
    id             uuid NOT NULL,
    account_id     uuid NOT NULL,
    status         write_off_status NOT NULL DEFAULT 'draft',
    amount         numeric(19, 4) NOT NULL CHECK (amount > 0),
    reason         text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
    created_by     uuid NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    recommended_by uuid REFERENCES users (id),
    recommended_at timestamptz,
    decided_by     uuid REFERENCES users (id),
    decided_at     timestamptz,
    -- The agency's business date of the decision (the analytics' period).
    decided_on     date,
    minutes        text CHECK (length(btrim(minutes)) BETWEEN 1 AND 4000),
    -- The write_off entry an approval posted.
    entry_id       uuid,
    deleted_at     timestamptz,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    FOREIGN KEY (agency_id, entry_id) REFERENCES journal_entries (agency_id, id),
    CHECK ((status = 'draft') = (recommended_at IS NULL AND recommended_by IS NULL)),
    CHECK ((status IN ('approved', 'rejected'))
           = (decided_at IS NOT NULL AND decided_by IS NOT NULL AND decided_on IS NOT NULL AND minutes IS NOT NULL)),
    CHECK ((status = 'approved') = (entry_id IS NOT NULL)),
    CHECK (decided_by IS NULL OR decided_by <> recommended_by),
    CHECK (deleted_at IS NULL OR status = 'draft')
);
CREATE INDEX write_off_requests_account_idx ON write_off_requests (agency_id, account_id, created_at DESC);
-- One open request per account.
CREATE UNIQUE INDEX write_off_requests_open_key ON write_off_requests (agency_id, account_id)
    WHERE status IN ('draft', 'recommended') AND deleted_at IS NULL;
CREATE INDEX write_off_requests_queue_idx ON write_off_requests (agency_id, recommended_at) WHERE status = 'recommended';
CREATE INDEX write_off_requests_decided_idx ON write_off_requests (agency_id, decided_on) WHERE status = 'approved';

-- What a document is attached to: the account itself, or one of its plans, legal
-- cases, recovery actions or write-off requests. Every version is kept.
CREATE TABLE documents (
    agency_id      uuid NOT NULL,
    id             uuid NOT NULL,
    account_id     uuid NOT NULL,
    subject_type   text NOT NULL CHECK (subject_type IN ('account', 'plan', 'legal_case', 'recovery_action', 'write_off')),
    subject_id     uuid NOT NULL,
    title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    latest_version integer NOT NULL DEFAULT 1 CHECK (latest_version >= 1),
    created_by     uuid NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, account_id) REFERENCES accounts (agency_id, id),
    CHECK (subject_type <> 'account' OR subject_id = account_id)
);
CREATE INDEX documents_account_idx ON documents (agency_id, account_id, created_at DESC);
CREATE INDEX documents_subject_idx ON documents (agency_id, subject_type, subject_id);

CREATE TABLE document_versions (
    agency_id     uuid NOT NULL,
    document_id   uuid NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    document_type text NOT NULL,
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    storage_key   text NOT NULL,
    uploaded_by   uuid NOT NULL REFERENCES users (id),
    uploaded_at   timestamptz NOT NULL,
    PRIMARY KEY (agency_id, document_id, version),
    FOREIGN KEY (agency_id, document_id) REFERENCES documents (agency_id, id)
);

-- Final is final: a closed case, a hearing with its outcome, an ended action, a
-- decided write-off and every document version are never changed or deleted; nothing
-- here is deleted (drafts are hidden with deleted_at).
CREATE FUNCTION reject_final_remedial_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE final boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    final := CASE TG_TABLE_NAME
        WHEN 'legal_cases' THEN OLD.status::text = 'closed'
        WHEN 'recovery_actions' THEN OLD.status::text IN ('completed', 'cancelled')
        WHEN 'write_off_requests' THEN OLD.status::text IN ('approved', 'rejected')
        WHEN 'document_versions' THEN true
        ELSE false END;
    IF final THEN
        RAISE EXCEPTION '% %: it is final and immutable', TG_TABLE_NAME, OLD
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION reject_recorded_hearing_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.outcome IS NOT NULL THEN
        RAISE EXCEPTION 'hearing % has its outcome: it is immutable and no hearing is deleted', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER legal_cases_final BEFORE UPDATE OR DELETE ON legal_cases
    FOR EACH ROW EXECUTE FUNCTION reject_final_remedial_change();
CREATE TRIGGER recovery_actions_final BEFORE UPDATE OR DELETE ON recovery_actions
    FOR EACH ROW EXECUTE FUNCTION reject_final_remedial_change();
CREATE TRIGGER write_off_requests_final BEFORE UPDATE OR DELETE ON write_off_requests
    FOR EACH ROW EXECUTE FUNCTION reject_final_remedial_change();
CREATE TRIGGER document_versions_final BEFORE UPDATE OR DELETE ON document_versions
    FOR EACH ROW EXECUTE FUNCTION reject_final_remedial_change();
CREATE TRIGGER hearings_final BEFORE UPDATE OR DELETE ON hearings
    FOR EACH ROW EXECUTE FUNCTION reject_recorded_hearing_change();

GRANT SELECT, INSERT, UPDATE ON legal_cases, hearings, recovery_actions, recovery_milestones, write_off_requests,
    documents TO debtflow_app;
GRANT SELECT, INSERT ON document_versions TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['legal_cases', 'hearings', 'recovery_actions', 'recovery_milestones',
                             'write_off_requests', 'documents', 'document_versions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = (SELECT app_agency()) OR (SELECT app_platform()))', t);
    END LOOP;
END $$;

INSERT INTO notification_kinds (kind, mandatory, default_in_app, default_email) VALUES
    ('hearing_reminder', false, true, 'off'),
    ('milestone_overdue', false, true, 'off'),
    ('write_off_pending_decision', false, true, 'daily_digest'),
    ('write_off_decided', false, true, 'off');

ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause',
                    'unapplied', 'imported', 'import_update', 'contact', 'promise', 'legal', 'recovery', 'write_off',
                    'document'));
