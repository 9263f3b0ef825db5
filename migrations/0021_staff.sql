-- Staff of every role: a temporary password issued by an admin (at creation or by a
-- reset) must be changed before the user may do anything else; a reset ends the
-- user's sessions, with its reason on record.
ALTER TABLE users ADD COLUMN password_change_required boolean NOT NULL DEFAULT false;

ALTER TABLE auth_sessions DROP CONSTRAINT auth_sessions_revoked_reason_check;
ALTER TABLE auth_sessions ADD CONSTRAINT auth_sessions_revoked_reason_check
    CHECK (revoked_reason IN ('logout', 'reuse_detected', 'deactivated', 'password_changed',
                              'password_reset', 'role_changed'));
