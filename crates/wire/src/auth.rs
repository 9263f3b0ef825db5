//! The caller: tokens and `/auth/me`.

use crate::agencies::Agency;
use debtflow_domain::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The caller signed in with a temporary password an admin issued: until they
    /// change it (`POST /auth/password`, then refresh the tokens), every route but
    /// `/auth/me`, `/auth/password` and `/auth/logout` answers 403
    /// `password-change-required`.
    pub password_change_required: bool,
    /// The caller's agency; `null` for platform admins.
    pub agency: Option<Agency>,
    /// The agency's business date now, in its time zone (`null` for platform admins):
    /// the date a client proposes for a payment made today. The device's own date may
    /// be a day ahead or behind, and a payment dated after the agency's today is refused.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, example = "2026-03-10"))]
    pub today: Option<chrono::NaiveDate>,
    /// The server's rules that change what the caller's actions do.
    pub policy: Policy,
}

/// The rules in force for the caller a client shows before acting, so that what it
/// announces is what the server will do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Policy {
    /// A payment dated more than this many days before the agency's today waits for a
    /// manager's approval (`pending_approval`) and posts nothing until approved: the
    /// agency's setting `payment_approval_after_days`, or the server's default when it
    /// chose none.
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub payment_approval_after_days: u32,
    /// The server's default window (`PAYMENT_APPROVAL_AFTER_DAYS`), in force for every
    /// agency that chose none.
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub default_payment_approval_after_days: u32,
}

/// The tokens a login or refresh returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer …`.
    pub access: String,
    /// Opaque; send it to `/auth/token/refresh` for a new pair. Single use.
    pub refresh: String,
    pub token_type: TokenType,
    /// Seconds until `access` expires.
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: i64,
}

/// How to send the access token: as a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TokenType {
    Bearer,
}
