//! `/api-keys`: the keys outside systems call the API with (`services::api_keys`).
//! An agency admin creates one with a name, its scopes and an optional expiry, and
//! is shown its secret once; lists show its prefix and last use; revoking it stops it
//! at once.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::api_keys::{self as service, NewApiKey},
    store::api_keys::ApiKeyRow,
};
use actix_web::{get, post, web, HttpResponse};
use debtflow_domain::api_key::Scope;
use debtflow_domain::date::Timestamp;
pub use debtflow_wire::api_keys::{ApiKey, CreatedApiKey};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;
use validator::Validate;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(list).service(revoke);
}

/// Their OpenAPI paths, nested under `/api/v1`.
#[derive(OpenApi)]
#[openapi(paths(create, list, revoke), components(schemas(NewKey, ApiKey, CreatedApiKey, Scope)))]
pub struct Api;

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            prefix: r.shown,
            scopes: r.scopes.iter().filter_map(|s| s.parse().ok()).collect(),
            expires_at: r.expires_at,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            revoked_by: r.revoked_by,
            revoked_by_name: r.revoked_by_name,
            service_user_id: r.user_id,
        }
    }
}

/// The rules are the domain's (`api_key::check_name`, `check_scopes`), checked by the use case.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// What the key is for, as lists and the audit trail will call it (1–100 characters).
    #[schema(example = "Creditor placements", min_length = 1, max_length = 100)]
    pub name: String,
    /// What the key may do: at least one scope, none twice.
    #[schema(example = json!(["accounts:write", "payments:read"]), min_items = 1)]
    pub scopes: Vec<Scope>,
    /// When the key stops working: in the future, within 10 years; omitted, it works until revoked.
    pub expires_at: Option<Timestamp>,
}

/// Create an API key (an agency admin's). The answer holds its secret — send it as
/// `Authorization: Bearer <secret>` — and is the only one that ever will: keep it.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "createApiKey",
    security(("bearer" = [])),
    request_body = NewKey,
    responses(
        (status = 201, description = "The key, with its secret", body = CreatedApiKey),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[post("/api-keys")]
pub async fn create(
    user: AuthUser,
    body: Json<NewKey>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageApiKeys)?;
    let b = body.into_inner()?;
    let new = NewApiKey { name: &b.name, scopes: &b.scopes, expires_at: b.expires_at.map(Into::into) };
    let mut tx = db::begin(&db, user.scope()).await?;
    let (row, secret) = service::create(&mut tx, &Actor::from(&user), new, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedApiKey { key: row.into(), secret }))
}

/// The agency's API keys, the newest first, revoked ones included (never their secrets).
#[utoipa::path(
    tag = "api-keys",
    operation_id = "listApiKeys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys", body = Vec<ApiKey>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/api-keys")]
pub async fn list(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageApiKeys)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = service::list(&mut tx, &Actor::from(&user)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ApiKey::from).collect::<Vec<_>>()))
}

/// Revoke an API key: the next request with it is a 401, on every server. Revoking a
/// revoked key changes nothing.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "revokeApiKey",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "API key id")),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKey),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageApiKeys)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::revoke(&mut tx, &Actor::from(&user), *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(ApiKey::from(row)))
}
