-- The worklist of one import's accounts (`GET /accounts?import=…`, the link an import's
-- result gives), newest first like the worklist's default sort, by index.
CREATE INDEX accounts_import_created_idx ON accounts (agency_id, import_id, created_at, id)
    WHERE import_id IS NOT NULL;
