-- An agency a platform admin deactivated (its contract ended): its users cannot sign
-- in, every token of theirs stops at once (the access check below), and its daily jobs
-- stop. Its rows stay, for the audit trail and the retention periods.
ALTER TABLE agencies ADD COLUMN is_active boolean NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION app_check_access(p_user uuid, p_session uuid, p_version integer, p_role user_role, p_agency uuid)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM 1 FROM users u
    WHERE u.id = p_user AND u.is_active AND u.token_version = p_version AND u.role = p_role
      AND u.agency_id IS NOT DISTINCT FROM p_agency
      AND (u.agency_id IS NULL OR EXISTS (SELECT 1 FROM agencies a WHERE a.id = u.agency_id AND a.is_active))
      AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = p_session AND s.user_id = u.id AND s.revoked_at IS NULL);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the access token has been revoked' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
END $$;
