//! The secrets of API keys, and the check of a request that presents one.
//!
//! A secret is `dfk_live_` and 256 random bits in hex; it is stored only as its
//! SHA-256 (a secret with that much entropy needs no slow hash) and looked up by it.
//! A request with a key costs one statement before its transaction opens — the key's
//! agency and scopes decide the rest — so a revoked or expired key stops working at
//! once, on every replica. The per-token rate limit applies to a key as to any bearer.

use super::{AuthUser, KeyGrant, RequestContext};
use crate::{problem::ApiError, store};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    api_key::{Scope, SECRET_PREFIX, SHOWN_LENGTH},
    Role,
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// Whether a bearer credential is an API key (not an access token).
pub fn is_key(bearer: &str) -> bool {
    bearer.starts_with(SECRET_PREFIX)
}

/// A new secret: the secret itself (shown once), the part of it lists show, and the
/// hash it is stored under.
pub struct NewSecret {
    pub secret: String,
    pub shown: String,
    pub hash: Vec<u8>,
}

pub fn new_secret() -> NewSecret {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(bytes));
    NewSecret { shown: secret[..SHOWN_LENGTH].to_owned(), hash: hash(&secret), secret }
}

fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The caller a live key makes of a request, or the 401 that says why not.
pub async fn authenticate(
    db: &PgPool,
    secret: &str,
    now: DateTime<Utc>,
    context: RequestContext,
) -> Result<AuthUser, ApiError> {
    let key = store::api_keys::present(db, &hash(secret), now)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::Unauthorized("the API key is invalid"))?;
    if key.revoked {
        return Err(ApiError::Unauthorized("the API key has been revoked"));
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::Unauthorized("the API key has expired"));
    }
    let scopes = key.scopes.iter().filter_map(|s| s.parse::<Scope>().ok()).collect();
    Ok(AuthUser {
        id: key.user_id,
        agency_id: Some(key.agency_id),
        role: Role::Service,
        session_id: key.id,
        token_version: 0,
        // A live stream opened with a key ends when the key expires (else in a day).
        expires_at: key.expires_at.unwrap_or(now + chrono::Duration::days(1)).timestamp(),
        context,
        key: Some(KeyGrant { id: key.id, scopes }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_stored_as_their_hash() {
        let a = new_secret();
        let b = new_secret();
        assert!(is_key(&a.secret));
        assert_eq!(a.secret.len(), SECRET_PREFIX.len() + 64);
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(&a.shown));
        assert_eq!(a.shown.len(), SHOWN_LENGTH);
        assert_eq!(a.hash, hash(&a.secret));
        assert_eq!(a.hash.len(), 32);
    }

    #[test]
    fn access_tokens_are_not_keys() {
        assert!(!is_key("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
        assert!(!is_key("dfk_test_abc"));
    }
}
