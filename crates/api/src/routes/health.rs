//! `/health` (the process is up) and `/health/ready` (it can serve: the database
//! answers and its schema is current). Outside `/api/v1`, unauthenticated, not rate
//! limited: load balancers and orchestrators poll them.

use crate::{db, problem::ApiError};
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the process is up; `ready` when it can serve requests.
    #[schema(example = "ready")]
    pub status: &'static str,
    #[schema(example = "0.1.0")]
    pub version: &'static str,
}

/// Liveness: the process is up. Touches nothing else.
#[utoipa::path(
    tag = "operations",
    operation_id = "checkLiveness",
    security(()),
    responses(
        (status = 200, description = "The process is up", body = Health),
    )
)]
#[get("/health")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

/// Readiness: the database is reachable and every migration is applied.
#[utoipa::path(
    tag = "operations",
    operation_id = "checkReadiness",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Database down or migrations pending", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    match db::readiness(&db).await {
        Ok(db::Readiness::Ready) => {
            Ok(HttpResponse::Ok().json(Health { status: "ready", version: env!("CARGO_PKG_VERSION") }))
        }
        Ok(db::Readiness::MigrationsPending(versions)) => {
            Err(ApiError::Unavailable(format!("migrations not applied: {versions:?}")))
        }
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            Err(ApiError::Unavailable("the database is unreachable".into()))
        }
    }
}
