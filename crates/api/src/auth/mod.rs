//! Authentication and authorization.
//!
//! - `password`: argon2id hashes and the password policy;
//! - `token`: access (JWT) and refresh tokens;
//! - `session`: login, refresh rotation with reuse detection, logout;
//! - `policy`: the routes of each operation of the role table, for the README (the
//!   table itself is the domain's `permission`, shared with the SPA);
//! - `api_key`: the secrets of API keys, and how a request presenting one is checked;
//! - here: [`AuthUser`], the extractor every protected handler takes — a person with
//!   an access token, or a system with an API key — with the accounts it reaches and
//!   the role-table (or key-scope) check.

pub mod api_key;
pub mod password;
pub mod policy;
pub mod session;
pub mod throttle;
pub mod token;

use crate::{
    audit::Actor,
    db::{Caller, Scope},
    problem::ApiError,
    store::accounts::Reach,
};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use debtflow_domain::{api_key::Scope as KeyScope, Role};
use futures_util::future::LocalBoxFuture;
use policy::Operation;
use token::{TokenError, TokenKeys};
use uuid::Uuid;

pub use crate::audit::RequestContext;

/// A user as tokens describe them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub role: Role,
    pub token_version: i32,
    /// Signed in with a temporary password, not changed yet.
    pub password_change_required: bool,
}

impl Actor {
    pub fn of(principal: &Principal, context: RequestContext) -> Self {
        Actor { user_id: Some(principal.id), role: Some(principal.role), agency_id: principal.agency_id, context }
    }
}

impl From<&AuthUser> for Actor {
    fn from(user: &AuthUser) -> Self {
        Actor {
            user_id: Some(user.id),
            role: Some(user.role),
            agency_id: user.agency_id,
            context: user.context.clone(),
        }
    }
}

/// The authenticated caller: a valid access token. That its user is active, its token
/// version current and its session live is checked by the database as the request's
/// transaction opens ([`AuthUser::scope`], `db::begin`), in the same round trip; a
/// stale token is a 401 there. Every protected handler opens one before it answers
/// anything but a refusal by the role matrix.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub agency_id: Option<Uuid>,
    pub role: Role,
    pub session_id: Uuid,
    pub token_version: i32,
    /// When the access token expires (seconds since the epoch): a live stream ends then.
    pub expires_at: i64,
    pub context: RequestContext,
    /// The API key a system called with; `None` for a person's access token.
    pub key: Option<KeyGrant>,
}

/// An API key found live as the request arrived, and what its scopes let it do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    pub id: Uuid,
    pub scopes: Vec<KeyScope>,
}

impl AuthUser {
    /// The rows this caller may see (their agency's, or all for platform admins),
    /// with their token to check.
    pub fn scope(&self) -> Scope {
        // A key was checked live by the extractor; it has no session to check again.
        if let (Some(_), Some(agency)) = (&self.key, self.agency_id) {
            return Scope::Agency(agency);
        }
        Scope::Caller(Caller {
            user_id: self.id,
            session_id: self.session_id,
            token_version: self.token_version,
            role: self.role,
            agency_id: self.agency_id,
        })
    }

    /// The accounts this caller reaches: their agency's (every agency's for platform
    /// admins), and for a collector only the ones assigned to them.
    pub fn reach(&self) -> Reach {
        Reach::of(self.agency_id, self.id, self.role)
    }

    /// 403 unless the role matrix lets this caller's role do `operation` — for an API
    /// key, unless one of its scopes grants it.
    pub fn require(&self, operation: Operation) -> Result<(), ApiError> {
        let allowed = match &self.key {
            Some(key) => debtflow_domain::api_key::allows(&key.scopes, operation),
            None => policy::allows(self.role, operation),
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// What a user who signed in with a temporary password may do before changing it:
/// see who they are, change it, sign out.
const OPEN_BEFORE_PASSWORD_CHANGE: [&str; 3] = ["/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/logout"];

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = crate::edge::bearer(req).map(str::to_owned);
        let keys = req.app_data::<web::Data<TokenKeys>>().cloned();
        let context = RequestContext::of(req);
        let path = req.path().to_owned();
        if token.as_deref().is_some_and(api_key::is_key) {
            let db = req.app_data::<web::Data<sqlx::PgPool>>().cloned();
            let clock = req.app_data::<web::Data<crate::clock::Clock>>().cloned();
            return Box::pin(async move {
                let (Some(secret), Some(db), Some(clock)) = (token, db, clock) else {
                    return Err(ApiError::internal(std::io::Error::other(
                        "the pool or clock is missing from app data",
                    )));
                };
                api_key::authenticate(&db, &secret, clock.now(), context).await
            });
        }
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthorized("a bearer access token is required"))?;
            let keys =
                keys.ok_or_else(|| ApiError::internal(std::io::Error::other("token keys missing from app data")))?;
            let claims = keys.verify(&token).map_err(|e| match e {
                TokenError::Expired => ApiError::Unauthorized("the access token has expired"),
                TokenError::Invalid => ApiError::Unauthorized("the access token is invalid"),
            })?;
            if claims.pcr && !OPEN_BEFORE_PASSWORD_CHANGE.contains(&path.as_str()) {
                return Err(ApiError::PasswordChangeRequired);
            }
            Ok(AuthUser {
                id: claims.sub,
                agency_id: claims.agency,
                role: claims.role,
                session_id: claims.sid,
                token_version: claims.ver,
                expires_at: claims.exp,
                context,
                key: None,
            })
        })
    }
}
