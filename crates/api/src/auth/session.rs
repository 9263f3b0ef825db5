//! Sessions: login, refresh-token rotation with reuse detection, logout, and a
//! password change, which ends the user's other sessions.
//!
//! A login opens a session and returns an access token and a refresh token. Each
//! refresh marks the presented refresh token used and issues a new pair in the same
//! session. A used refresh token presented again means it was copied: the whole
//! session is revoked, and every access token of it stops working at once (the
//! extractor checks the session). Logout revokes the session.
//!
//! Logins are throttled by [`super::throttle`]. A wrong username and a wrong password
//! get the same answer in the same time.

use super::{
    password,
    throttle::{self, LoginLimits},
    token::TokenKeys,
    Principal, RequestContext,
};
use crate::{
    audit::{self, Actor, Change},
    db::{self, Scope},
    problem::ApiError,
    store::{login_failures, sessions, users},
};
use chrono::{Duration, Utc};
pub use debtflow_wire::auth::{TokenPair, TokenType};
use sqlx::PgPool;
use uuid::Uuid;

const BAD_CREDENTIALS: &str = "invalid username or password";
const BAD_REFRESH: &str = "the refresh token is invalid, expired or already used";

pub async fn login(
    db: &PgPool,
    keys: &TokenKeys,
    limits: LoginLimits,
    username: &str,
    password: &str,
    context: RequestContext,
) -> Result<TokenPair, ApiError> {
    let username = username.trim().to_lowercase();
    let mut tx = db::begin(db, Scope::Platform).await?;
    throttle::check(&mut tx, limits, &username, &context).await?;

    let user = users::find_for_login(&mut tx, &username).await?;
    let hash = user.as_ref().map_or_else(|| password::decoy_hash().to_owned(), |u| u.password_hash.clone());
    let verified = password::verify_off_thread(password, hash).await;
    let user = match user {
        Some(user) if verified && user.standing.is_active => user.standing,
        other => {
            throttle::failed(&mut tx, limits, &username, other.as_ref().map(|u| &u.standing), &context).await?;
            // The attempt is on the user's agency's trail; unknown names, on the platform's.
            let (entity_id, agency) = match &other {
                Some(u) => (u.standing.id.to_string(), u.standing.agency_id),
                None => (username.clone(), None),
            };
            let change =
                Change::created("auth.login_failed", "user", entity_id, serde_json::json!({ "username": username }));
            audit::record(&mut tx, &Actor::anonymous(context), change.in_agency(agency)).await?;
            tx.commit().await?;
            return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
        }
    };
    login_failures::clear(&mut tx, &username).await?;
    let pair = open_session(&mut tx, keys, &principal(&user), &context).await?;
    tx.commit().await?;
    Ok(pair)
}

/// What the user's tokens claim.
fn principal(user: &users::Standing) -> Principal {
    Principal {
        id: user.id,
        agency_id: user.agency_id,
        role: user.role,
        token_version: user.token_version,
        password_change_required: user.password_change_required,
    }
}

async fn open_session(
    tx: &mut sqlx::PgConnection,
    keys: &TokenKeys,
    principal: &Principal,
    context: &RequestContext,
) -> Result<TokenPair, ApiError> {
    let now = Utc::now();
    let session = Uuid::now_v7();
    let (refresh, hash) = super::token::new_refresh_token();
    sessions::open(&mut *tx, session, principal.id, &hash, now + Duration::seconds(keys.refresh_ttl_secs)).await?;
    audit::record(
        &mut *tx,
        &Actor::of(principal, context.clone()),
        Change::created("auth.login", "session", session, serde_json::json!({ "user_id": principal.id })),
    )
    .await?;
    Ok(pair(keys, principal, session, refresh, now))
}

fn pair(
    keys: &TokenKeys,
    principal: &Principal,
    session: Uuid,
    refresh: String,
    now: chrono::DateTime<Utc>,
) -> TokenPair {
    TokenPair {
        access: keys.sign(&keys.claims(principal, session, now)),
        refresh,
        token_type: TokenType::Bearer,
        expires_in: keys.access_ttl_secs,
    }
}

pub async fn refresh(
    db: &PgPool,
    keys: &TokenKeys,
    presented: &str,
    context: RequestContext,
) -> Result<TokenPair, ApiError> {
    let mut tx = db::begin(db, Scope::Platform).await?;
    let hash = super::token::refresh_token_hash(presented);
    let Some(token) = sessions::find_refresh_for_update(&mut tx, &hash).await? else {
        return Err(ApiError::Unauthorized(BAD_REFRESH));
    };
    let Some(user) = users::standing(&mut tx, token.user_id).await? else {
        return Err(ApiError::Unauthorized(BAD_REFRESH));
    };
    let (principal, active) = (principal(&user), user.is_active);
    let actor = Actor::of(&principal, context);
    if token.used_at.is_some() && token.session_revoked_at.is_none() {
        // A rotated token came back: someone holds a copy. End the session for both.
        sessions::revoke(&mut tx, token.session_id, "reuse_detected").await?;
        let change = Change::revoked("auth.refresh_reuse", token.session_id, "reuse_detected");
        audit::record(&mut tx, &actor, change).await?;
        tx.commit().await?;
        return Err(ApiError::Unauthorized(BAD_REFRESH));
    }
    let now = Utc::now();
    if !active || token.used_at.is_some() || token.session_revoked_at.is_some() || token.expires_at <= now {
        return Err(ApiError::Unauthorized(BAD_REFRESH));
    }
    let (refresh, new_hash) = super::token::new_refresh_token();
    sessions::rotate(&mut tx, token.id, token.session_id, &new_hash, now + Duration::seconds(keys.refresh_ttl_secs))
        .await?;
    let change =
        Change::created("auth.refresh", "session", token.session_id, serde_json::json!({ "rotated": token.id }));
    audit::record(&mut tx, &actor, change).await?;
    tx.commit().await?;
    Ok(pair(keys, &principal, token.session_id, refresh, now))
}

/// Ends the caller's session: its refresh tokens and access tokens stop working.
/// Changes the user's password: the current one must match, the new one meet the
/// policy and differ; every other session of the user is revoked in the same
/// transaction, and the change audited (without either password).
pub async fn change_password(db: &PgPool, user: &super::AuthUser, current: &str, new: &str) -> Result<(), ApiError> {
    password::check_policy(new).map_err(|m| ApiError::field("new_password", m))?;
    if current == new {
        return Err(ApiError::field("new_password", "must differ from the current password"));
    }
    let mut tx = db::begin(db, user.scope()).await?;
    let phc =
        users::password_hash_for_update(&mut tx, user.id).await?.ok_or(ApiError::Unauthorized(BAD_CREDENTIALS))?;
    if !password::verify_off_thread(current, phc).await {
        return Err(ApiError::field("current_password", "is not your current password"));
    }
    let hash = password::hash_off_thread(new).await.map_err(ApiError::internal)?;
    users::set_password(&mut tx, user.id, &hash, false).await?;
    let ended = sessions::revoke_others(&mut tx, user.id, user.session_id, "password_changed").await?;
    let change =
        Change::created("auth.password_changed", "user", user.id, serde_json::json!({ "sessions_ended": ended }));
    audit::record(&mut tx, &Actor::from(user), change).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn logout(db: &PgPool, user: &super::AuthUser) -> Result<(), ApiError> {
    let mut tx = db::begin(db, user.scope()).await?;
    sessions::revoke(&mut tx, user.session_id, "logout").await?;
    audit::record(&mut tx, &Actor::from(user), Change::revoked("auth.logout", user.session_id, "logout")).await?;
    tx.commit().await?;
    Ok(())
}
