//! `/notifications`: the caller's own notifications, and marking one read. The
//! notification centre, preferences, digests and push come later on the same table.

use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::PageSize,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{
        self,
        notifications::{NotificationRow, Which},
    },
};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    /// e.g. `account_assigned`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// What it is about (`account` + id), when it is about one thing.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Notification {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListNotifications {
    /// Only the unread ones.
    pub unread: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The caller's notifications, newest first.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(ListNotifications),
    responses(
        (status = 200, description = "A page of notifications", body = Page<Notification>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/notifications")]
pub async fn list(
    user: AuthUser,
    query: Query<ListNotifications>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let q = query.0;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("notifications", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let which = if q.unread.unwrap_or(false) { Which::Unread } else { Which::All };
    let rows = store::notifications::list(&mut tx, user.id, which, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &NotificationRow| pagination::time_key(r.created_at, r.id);
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, "notifications", key, Notification::from)))
}

/// Mark one of the caller's notifications read (a second call changes nothing).
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 200, description = "The notification, read", body = Notification),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn read(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = store::notifications::mark_read(&mut tx, user.id, *id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Notification::from(row)))
}
