//! `/notifications`: the caller's notification centre — the list with its unread
//! count, marking read, deleting, the preferences of each kind, and the live stream.
//! Every route reaches the caller's own notifications only: another user's id is 404.

pub mod preferences;
pub mod stream;

use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::query::Query,
    pagination::PageSize,
    pagination::{self},
    problem::{responses, ApiError},
    services::notifications as service,
    store::{
        self,
        notifications::{NotificationRow, Which},
    },
};
use actix_web::{delete, get, post, web, HttpResponse};
use debtflow_domain::notification::{self};
pub use debtflow_wire::notifications::{MarkedRead, Notification, NotificationPage, UnreadCount};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

impl From<&NotificationRow> for Notification {
    fn from(r: &NotificationRow) -> Self {
        let link = notification::link(r.kind, r.entity_type.as_deref().zip(r.entity_id.as_deref()));
        Notification {
            id: r.id,
            kind: r.kind,
            title: r.title.clone(),
            body: r.body.clone(),
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            link,
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

/// The caller's notifications, newest first, with their unread count.
#[utoipa::path(
    tag = "notifications",
    operation_id = "listNotifications",
    security(("bearer" = [])),
    params(ListNotifications),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
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
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("notifications", q.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let which = if q.unread.unwrap_or(false) { Which::Unread } else { Which::All };
    let rows = store::notifications::list(&mut tx, user.id, which, before, limit + 1).await?;
    let count = store::notifications::unread_count(&mut tx, user.id).await?;
    tx.commit().await?;
    let key = |r: &NotificationRow| pagination::time_key(r.created_at, r.id);
    let page = crate::pagination::page(rows, limit, "notifications", key, |r| Notification::from(&r));
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: page.items,
        next_cursor: page.next_cursor,
        unread_count: count,
    }))
}

/// How many of the caller's notifications are unread.
#[utoipa::path(
    tag = "notifications",
    operation_id = "countUnreadNotifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unread count", body = UnreadCount),
        (status = 401, response = responses::Unauthorized),
    )
)]
#[get("/notifications/unread-count")]
pub async fn unread(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let count = store::notifications::unread_count(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread_count: count }))
}

/// Mark one of the caller's notifications read (a second call changes nothing).
#[utoipa::path(
    tag = "notifications",
    operation_id = "markNotificationRead",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 200, description = "The notification, read", body = Notification),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn read(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let row = service::read(&mut tx, user.id, *id, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Notification::from(&row)))
}

/// Mark every unread notification of the caller read.
#[utoipa::path(
    tag = "notifications",
    operation_id = "markAllNotificationsRead",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many were marked", body = MarkedRead),
        (status = 401, response = responses::Unauthorized),
    )
)]
#[post("/notifications/read-all")]
pub async fn read_all(
    user: AuthUser,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let marked = service::read_all(&mut tx, user.id, clock.now()).await?;
    let count = store::notifications::unread_count(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked, unread_count: count }))
}

/// Delete one of the caller's notifications.
#[utoipa::path(
    tag = "notifications",
    operation_id = "deleteNotification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    )
)]
#[delete("/notifications/{id}")]
pub async fn remove(user: AuthUser, id: web::Path<Uuid>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    service::delete(&mut tx, user.id, *id).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
