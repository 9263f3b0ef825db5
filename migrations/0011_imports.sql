-- Placement imports: the files, their runs' progress and row errors, the agencies'
-- column mappings, and the accounts each import placed.

CREATE TYPE import_status AS ENUM ('queued', 'running', 'completed', 'completed_with_errors', 'failed');
CREATE TYPE import_source AS ENUM ('upload', 'sftp', 'cli');

CREATE TABLE imports (
    agency_id     uuid NOT NULL REFERENCES agencies (id),
    id            uuid NOT NULL,
    source        import_source NOT NULL,
    file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    -- Where the raw file is kept (the object store's key).
    storage_key   text NOT NULL,
    mapping_name  text,
    -- The same file a second time was asked for on purpose.
    forced        boolean NOT NULL DEFAULT false,
    -- Rows per batch: batch n holds data rows n*batch_rows .. (n+1)*batch_rows - 1.
    batch_rows    integer NOT NULL CHECK (batch_rows > 0),
    status        import_status NOT NULL DEFAULT 'queued',
    -- Data rows in the file (known once the run has counted them).
    total_rows    bigint,
    -- Rows committed so far (the sum of the committed batches').
    processed     bigint NOT NULL DEFAULT 0,
    created       bigint NOT NULL DEFAULT 0,
    updated       bigint NOT NULL DEFAULT 0,
    skipped       bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    -- Why a failed import failed (the file as a whole: no header, not UTF-8 …).
    error         text,
    created_by    uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    PRIMARY KEY (agency_id, id),
    CHECK (processed = created + updated + skipped + failed),
    CHECK ((status IN ('completed', 'completed_with_errors', 'failed')) = (finished_at IS NOT NULL))
);
CREATE INDEX imports_history_idx ON imports (agency_id, created_at DESC, id DESC);
-- The duplicate-file rule and resuming find an agency's imports of a file by hash.
CREATE INDEX imports_sha_idx ON imports (agency_id, sha256);
CREATE INDEX imports_unfinished_idx ON imports (created_at) WHERE status IN ('queued', 'running');

-- The batches committed: written in each batch's transaction, so a resumed run skips
-- exactly these, and a batch can never be applied twice.
CREATE TABLE import_batches (
    agency_id uuid NOT NULL,
    import_id uuid NOT NULL,
    batch_no  integer NOT NULL,
    PRIMARY KEY (agency_id, import_id, batch_no),
    FOREIGN KEY (agency_id, import_id) REFERENCES imports (agency_id, id)
);

CREATE TABLE import_errors (
    agency_id uuid NOT NULL,
    import_id uuid NOT NULL,
    -- The file's line of the row's start (the header is line 1); 0 for the header.
    row_no    bigint NOT NULL,
    seq       smallint NOT NULL,
    -- The field (or the file's own header when no field applies).
    column_name text,
    value     text NOT NULL,
    message   text NOT NULL,
    PRIMARY KEY (agency_id, import_id, row_no, seq),
    FOREIGN KEY (agency_id, import_id) REFERENCES imports (agency_id, id)
);

CREATE TABLE import_mappings (
    agency_id  uuid NOT NULL REFERENCES agencies (id),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- {"their header": "our_field" | null}
    columns    jsonb NOT NULL,
    date_format text NOT NULL DEFAULT 'iso' CHECK (date_format IN ('iso', 'us', 'eu')),
    updated_by uuid REFERENCES users (id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, name)
);

-- The import that placed an account (none for accounts opened one by one).
ALTER TABLE accounts ADD COLUMN import_id uuid;
ALTER TABLE accounts ADD CONSTRAINT accounts_import_fkey
    FOREIGN KEY (agency_id, import_id) REFERENCES imports (agency_id, id);

ALTER TABLE account_events DROP CONSTRAINT account_events_kind_check;
ALTER TABLE account_events ADD CONSTRAINT account_events_kind_check
    CHECK (kind IN ('created', 'note', 'status_change', 'assignment', 'payment', 'refund', 'fee', 'plan', 'pause',
                    'unapplied', 'imported', 'import_update'));

GRANT SELECT, INSERT, UPDATE ON imports TO debtflow_app;
GRANT SELECT, INSERT ON import_errors, import_batches TO debtflow_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON import_mappings TO debtflow_app;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['imports', 'import_batches', 'import_errors', 'import_mappings'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (agency_id = app_agency() OR app_platform())', t);
    END LOOP;
END $$;

-- Each agency's SFTP server, polled for new placement files. Secrets are encrypted
-- with the data key (AES-256-GCM, like SSN digits); the host key is pinned on the first
-- connection unless given.
CREATE TABLE sftp_sources (
    agency_id       uuid PRIMARY KEY REFERENCES agencies (id),
    host            text NOT NULL CHECK (length(btrim(host)) BETWEEN 1 AND 255),
    port            integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    username        text NOT NULL CHECK (length(btrim(username)) BETWEEN 1 AND 100),
    password_enc    bytea,
    private_key_enc bytea,
    passphrase_enc  bytea,
    host_key        text,
    inbox_dir       text NOT NULL,
    processed_dir   text NOT NULL,
    poll_minutes    integer NOT NULL CHECK (poll_minutes BETWEEN 1 AND 1440),
    mapping_name    text,
    enabled         boolean NOT NULL DEFAULT true,
    last_polled_at  timestamptz,
    last_error      text,
    updated_by      uuid REFERENCES users (id),
    updated_at      timestamptz NOT NULL,
    CHECK ((password_enc IS NULL) <> (private_key_enc IS NULL))
);
GRANT SELECT, INSERT, UPDATE ON sftp_sources TO debtflow_app;
ALTER TABLE sftp_sources ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON sftp_sources USING (agency_id = app_agency() OR app_platform());
