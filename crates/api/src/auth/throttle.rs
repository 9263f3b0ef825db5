//! Login throttling that cannot be turned against a user (OWASP's authentication
//! cheat sheet; seed 004). Failed logins live in the database, so the limits hold
//! across replicas, and are counted three ways within `LOGIN_WINDOW_SECS` (15 min):
//!
//! - **One username from one client** (`LOGIN_CLIENT_THRESHOLD`, 5): past it, that
//!   client waits 30 s after its latest failure, twice as long after each further one,
//!   at most the window (429). A guesser at one address slows to a crawl; the owner,
//!   elsewhere, signs in as usual.
//! - **One username from everywhere** (`LOGIN_LOCKOUT_THRESHOLD`, 50): a guess spread
//!   over many clients locks the username for everyone (423) until its failures leave
//!   the window or an admin unlocks it (`POST /users/{id}/unlock`). The failure that
//!   locks it tells the owner (`login_locked`: always in the app, mailed at once) and
//!   is audited (`auth.locked`).
//! - **One client, whatever the usernames** (`LOGIN_IP_THRESHOLD`, 100): credential
//!   stuffing from one address (429), high enough for an office behind one NAT.
//!
//! Each refusal carries `Retry-After`. Unknown usernames are counted alike, so no answer
//! tells which usernames exist. A successful login forgives the username's failures.

use super::RequestContext;
use crate::{
    audit::{self, Actor, Change},
    config::Config,
    problem::ApiError,
    store::{self, login_failures, notifications::NewNotification, users::Standing},
};
use debtflow_domain::notification::NotificationKind;
use sqlx::PgConnection;

/// The first wait of a client past its threshold; each further failure doubles it.
const FIRST_DELAY_SECS: i64 = 30;

/// The login limits, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub client_threshold: u32,
    pub lockout_threshold: u32,
    pub ip_threshold: u32,
    pub window_secs: i64,
}

impl LoginLimits {
    pub fn new(config: &Config) -> Self {
        LoginLimits {
            client_threshold: config.login_client_threshold,
            lockout_threshold: config.login_lockout_threshold,
            ip_threshold: config.login_ip_threshold,
            window_secs: config.login_window_secs,
        }
    }
}

/// How long a client waits after its latest failure for a username, having failed
/// `failures` times within the window: not at all below the threshold, then 30 s,
/// doubled by each further failure, at most the window.
pub fn client_delay_secs(failures: i64, threshold: u32, window_secs: i64) -> Option<i64> {
    let over = failures - i64::from(threshold);
    (over >= 0).then(|| FIRST_DELAY_SECS.saturating_mul(1 << over.min(32)).min(window_secs))
}

/// Refuses a login attempt the limits hold back, before any password is checked.
pub async fn check(
    tx: &mut PgConnection,
    limits: LoginLimits,
    username: &str,
    context: &RequestContext,
) -> Result<(), ApiError> {
    if let Some(ip) = context.ip {
        if let Some(wait) = login_failures::ip_wait(tx, ip, limits.ip_threshold, limits.window_secs).await? {
            return Err(ApiError::RateLimited { retry_after_secs: wait });
        }
    }
    if let Some(wait) =
        login_failures::username_wait(tx, username, limits.lockout_threshold, limits.window_secs).await?
    {
        return Err(ApiError::Locked { retry_after_secs: wait });
    }
    if let Some(ip) = context.ip {
        let (failures, since_last) = login_failures::of_pair(tx, username, ip, limits.window_secs).await?;
        let delay = client_delay_secs(failures, limits.client_threshold, limits.window_secs);
        if let Some(left) = delay.map(|d| d as f64 - since_last).filter(|left| *left > 0.0) {
            return Err(ApiError::RateLimited { retry_after_secs: left.ceil() as u64 });
        }
    }
    Ok(())
}

/// Records a failed login of `username` (its owner `user`, when it exists) and, when
/// this failure locks the username, tells the owner and audits it.
pub async fn failed(
    tx: &mut PgConnection,
    limits: LoginLimits,
    username: &str,
    user: Option<&Standing>,
    context: &RequestContext,
) -> Result<(), ApiError> {
    login_failures::record(tx, username, context.ip).await?;
    let failures = login_failures::of_username(tx, username, limits.window_secs).await?;
    let Some(owner) = user.filter(|_| failures >= i64::from(limits.lockout_threshold)) else {
        return Ok(());
    };
    let change = Change::created(
        "auth.locked",
        "user",
        owner.id,
        serde_json::json!({ "username": username, "failures": failures, "window_secs": limits.window_secs }),
    );
    audit::record(tx, &Actor::anonymous(context.clone()), change.in_agency(owner.agency_id)).await?;
    // Platform admins have no agency, hence no notification centre: the audit row.
    if let Some(agency_id) = owner.agency_id {
        let minutes = limits.window_secs / 60;
        let body = format!(
            "{failures} failed logins within {minutes} minutes locked your username {username}: nobody can sign \
             in with it until they are {minutes} minutes old, or until an agency admin unlocks it. If they \
             were not you, tell your agency admin."
        );
        // One notification per lock, even if concurrent failures both see it engaged.
        let key = format!("login_locked:{}:{}", owner.id, chrono::Utc::now().timestamp() / limits.window_secs.max(1));
        let notification = NewNotification {
            agency_id,
            recipient_id: owner.id,
            kind: NotificationKind::LoginLocked,
            title: "Your username is locked",
            body: &body,
            entity_type: Some("user"),
            entity_id: Some(owner.id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_waits_longer_after_each_failure_past_its_threshold_up_to_the_window() {
        let delays: Vec<_> = (3..=12).map(|n| client_delay_secs(n, 5, 900)).collect();
        assert_eq!(
            delays,
            [None, None, Some(30), Some(60), Some(120), Some(240), Some(480), Some(900), Some(900), Some(900)]
        );
        assert_eq!(client_delay_secs(1_000_000, 5, 900), Some(900), "no overflow");
    }
}
