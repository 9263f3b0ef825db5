-- Login throttling that cannot be turned against a user (auth::session): failures are
-- counted per (username, client) pair, which this index reads; a username-wide lock
-- needs many more failures, and its owner is told by a notification that cannot be
-- hidden and is mailed at once.
CREATE INDEX login_failures_pair_idx ON login_failures (username, ip, failed_at);

INSERT INTO notification_kinds (kind, mandatory, default_in_app, default_email)
VALUES ('login_locked', true, true, 'immediately');
