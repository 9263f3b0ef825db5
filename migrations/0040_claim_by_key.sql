-- The claim of an Idempotency-Key (0005) finds its key through the primary key, whatever
-- the table looked like when the connection first planned it. It forgot an expired key
-- with a DELETE, and PostgreSQL keeps a connection's plan of a function's statements: a
-- plan made while idempotency_keys was a page or two scanned the whole table, and went
-- on scanning it as the table grew, until the next ANALYZE. In `make bench` (a fresh
-- database, payments from their first) every payment's claim read 600 pages, and the
-- payments at c = 1 ran at half their rate. An INSERT's ON CONFLICT always goes
-- through the key's unique index: a new key is inserted, an expired one is taken over
-- in place (its fingerprint and answer cleared, its age restarted), one in force is
-- left alone and answered from, one another transaction holds is waited for.
CREATE OR REPLACE FUNCTION claim_idempotency_key(p_agency uuid, p_user uuid, p_key text, p_fingerprint bytea,
                                                 wait_ms integer, ttl interval)
RETURNS TABLE (outcome text, fingerprint bytea, status smallint, body bytea)
LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('lock_timeout');
    claimed integer;
BEGIN
    PERFORM set_config('lock_timeout', wait_ms || 'ms', true);
    BEGIN
        INSERT INTO idempotency_keys AS k (agency_id, user_id, key, fingerprint)
        VALUES (p_agency, p_user, p_key, p_fingerprint)
        ON CONFLICT (agency_id, user_id, key) DO UPDATE
            SET fingerprint = excluded.fingerprint, status = NULL, body = NULL, created_at = now()
            WHERE k.created_at < now() - ttl;
        GET DIAGNOSTICS claimed = ROW_COUNT;
    EXCEPTION WHEN lock_not_available THEN
        PERFORM set_config('lock_timeout', previous, true);
        RETURN QUERY SELECT 'in_flight', NULL::bytea, NULL::smallint, NULL::bytea;
        RETURN;
    END;
    PERFORM set_config('lock_timeout', previous, true);
    IF claimed = 1 THEN
        RETURN QUERY SELECT 'fresh', NULL::bytea, NULL::smallint, NULL::bytea;
    ELSE
        -- Planned on each use (a replay is rare): the table's size now decides.
        RETURN QUERY EXECUTE
            'SELECT ''done'', k.fingerprint, k.status, k.body FROM idempotency_keys k
             WHERE k.agency_id = $1 AND k.user_id = $2 AND k.key = $3'
            USING p_agency, p_user, p_key;
    END IF;
END $$;
