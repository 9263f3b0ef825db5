-- The claim of an Idempotency-Key that travels with BEGIN (idempotency::begin_then):
-- one statement that succeeds only when the key is fresh, so the request's first
-- message can claim it and go on, and that says otherwise by its error code — `DFI01`
-- the key is not fresh (done, or used for another request: the claim is then made
-- again on its own to answer what it found), `DFI02` another request holds it past the
-- wait (a 409 at once). Nothing of the message is left when it fails.
CREATE FUNCTION claim_fresh_idempotency_key(p_agency uuid, p_user uuid, p_key text, p_fingerprint bytea,
                                            wait_ms integer, ttl interval)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    found text;
BEGIN
    SELECT c.outcome INTO found FROM claim_idempotency_key(p_agency, p_user, p_key, p_fingerprint, wait_ms, ttl) c;
    IF found = 'in_flight' THEN
        RAISE EXCEPTION 'the Idempotency-Key is held by another request' USING ERRCODE = 'DFI02';
    ELSIF found IS DISTINCT FROM 'fresh' THEN
        RAISE EXCEPTION 'the Idempotency-Key is not fresh' USING ERRCODE = 'DFI01';
    END IF;
END $$;
