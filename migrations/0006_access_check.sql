-- The check of an access token, run by the API in the same round trip that opens a
-- request's transaction (crates/api/src/db.rs): the user is active, with the token's
-- role, agency and version, and the token's session is live. It runs before the
-- transaction switches to debtflow_app, so no row-level security applies to it.
CREATE FUNCTION app_check_access(p_user uuid, p_session uuid, p_version integer, p_role user_role, p_agency uuid)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM 1 FROM users u
    WHERE u.id = p_user AND u.is_active AND u.token_version = p_version AND u.role = p_role
      AND u.agency_id IS NOT DISTINCT FROM p_agency
      AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = p_session AND s.user_id = u.id AND s.revoked_at IS NULL);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the access token has been revoked' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
END $$;
