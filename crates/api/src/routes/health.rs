//! `/health` (the process is up) and `/health/ready` (it can serve: the database
//! answers and its schema is current; it also says whether the read replica answers).
//! Outside `/api/v1`, unauthenticated, not rate limited: load balancers and
//! orchestrators poll them.

use crate::{
    db,
    problem::ApiError,
    store::read_pool::{ReadPool, ReplicaHealth},
};
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

/// What `/health/ready` found: ready, and the state of the read replica.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    /// `ok`: the primary database answers and every migration is applied (otherwise
    /// the answer is a 503).
    #[schema(example = "ok")]
    pub database: &'static str,
    pub read_replica: ReplicaState,
}

/// The read replica (`DATABASE_READ_URL`). Its being down does not make the process
/// unready: the reads it would serve go to the primary meanwhile.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaState {
    /// It answers; the worklist, dashboards and reports read from it.
    Ok,
    /// It does not answer; those reads go to the primary.
    Down,
    /// None is configured; every read goes to the primary.
    NotConfigured,
}

impl From<ReplicaHealth> for ReplicaState {
    fn from(health: ReplicaHealth) -> Self {
        match health {
            ReplicaHealth::Up => ReplicaState::Ok,
            ReplicaHealth::Down => ReplicaState::Down,
            ReplicaHealth::NotConfigured => ReplicaState::NotConfigured,
        }
    }
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
///
/// The read replica (`DATABASE_READ_URL`), if one is configured, is probed and
/// reported; down, it does not make the process unready: its reads go to the primary.
#[utoipa::path(
    tag = "operations",
    operation_id = "checkReadiness",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Database down or migrations pending", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<PgPool>, reads: web::Data<ReadPool>) -> Result<HttpResponse, ApiError> {
    match db::readiness(&db).await {
        Ok(db::Readiness::Ready) => Ok(HttpResponse::Ok().json(Readiness {
            status: "ready",
            version: env!("CARGO_PKG_VERSION"),
            database: "ok",
            read_replica: reads.replica_health().await.into(),
        })),
        Ok(db::Readiness::MigrationsPending(versions)) => {
            Err(ApiError::Unavailable(format!("migrations not applied: {versions:?}")))
        }
        Err(err) => {
            tracing::warn!(error = %err, "readiness: database unreachable");
            Err(ApiError::Unavailable("the database is unreachable".into()))
        }
    }
}
