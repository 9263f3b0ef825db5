//! Access tokens (JWT, HS256 only, 15 minutes) and refresh tokens (opaque, 256 random
//! bits, stored only as their SHA-256).
//!
//! Verification pins the algorithm to HS256 — `none`, RS/ES and any other algorithm
//! are refused — and checks signature, expiry, issuer and audience. The claims carry
//! the user, agency, role, token version and session, which the extractor then checks
//! against the database, so deactivation and logout take effect at once.

use crate::config::Config;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use debtflow_domain::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use uuid::Uuid;

const ISSUER: &str = "debtflow";
const AUDIENCE: &str = "debtflow-api";

/// What an access token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's agency; `None` for platform admins.
    pub agency: Option<Uuid>,
    pub role: Role,
    /// The user's token version when issued; bumping it revokes the token.
    pub ver: i32,
    /// The session (refresh-token family) the token belongs to.
    pub sid: Uuid,
    /// The user signed in with a temporary password: until they change it, the token
    /// opens nothing but `/auth/me`, `/auth/password` and `/auth/logout`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pcr: bool,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Why a token was refused. Each is a 401; the detail tells clients whether to refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is invalid")]
    Invalid,
}

/// Keys and lifetimes, built once from the configuration.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

impl TokenKeys {
    pub fn new(config: &Config) -> Self {
        let secret = config.jwt_secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_secs: config.access_token_ttl_secs,
            refresh_ttl_secs: config.refresh_token_ttl_secs,
        }
    }

    /// Claims for `user` in `session`, valid from `now` for the access lifetime.
    pub fn claims(&self, user: &super::Principal, session: Uuid, now: DateTime<Utc>) -> Claims {
        Claims {
            sub: user.id,
            agency: user.agency_id,
            role: user.role,
            ver: user.token_version,
            sid: session,
            pcr: user.password_change_required,
            iat: now.timestamp(),
            exp: now.timestamp() + self.access_ttl_secs,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        }
    }

    pub fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing with a byte key cannot fail")
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|data| data.claims).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            }
        })
    }
}

/// A new refresh token and the hash under which it is stored.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    let hash = refresh_token_hash(&token);
    (token, hash)
}

pub fn refresh_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Principal;

    fn keys(secret: &str) -> TokenKeys {
        let config = Config::from_lookup(|k| (k == "JWT_SECRET").then(|| secret.to_owned())).unwrap();
        TokenKeys::new(&config)
    }

    fn principal() -> Principal {
        Principal {
            id: Uuid::now_v7(),
            agency_id: Some(Uuid::now_v7()),
            role: Role::Collector,
            token_version: 3,
            password_change_required: false,
        }
    }

    #[test]
    fn a_signed_token_verifies_to_its_claims() {
        let keys = keys(&"k".repeat(32));
        let claims = keys.claims(&principal(), Uuid::now_v7(), Utc::now());
        assert_eq!(keys.verify(&keys.sign(&claims)), Ok(claims));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_refused() {
        let keys = keys(&"k".repeat(32));
        let expired = keys.claims(&principal(), Uuid::now_v7(), Utc::now() - chrono::Duration::hours(1));
        assert_eq!(keys.verify(&keys.sign(&expired)), Err(TokenError::Expired));

        let token = keys.sign(&keys.claims(&principal(), Uuid::now_v7(), Utc::now()));
        let mut tampered = token.clone();
        tampered.insert(tampered.len() - 3, 'x');
        assert_eq!(keys.verify(&tampered), Err(TokenError::Invalid));

        let other = self::keys(&"o".repeat(32));
        assert_eq!(other.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_a, refresh_token_hash(&a));
        assert_eq!(hash_a.len(), 32);
    }
}
