//! `GET /mail/deliveries`: every mail written for the agency's notifications — sent,
//! waiting for its next attempt, or given up — newest first.

use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{self, mail::DeliveryRow},
};
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use debtflow_domain::{mail::MailStatus, notification::EmailDelivery};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// One mail: an immediate notification or a digest.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailDelivery {
    pub id: Uuid,
    pub agency_id: Uuid,
    /// The user it was written for.
    pub recipient_id: Uuid,
    /// Their address when it was written.
    pub to_address: String,
    /// `immediately`, or the digest it is.
    pub delivery: EmailDelivery,
    /// A digest's slot on the agency's wall clock (07:00 of its day, or of its Monday).
    #[schema(value_type = Option<String>, example = "2026-11-24T07:00:00")]
    pub slot: Option<NaiveDateTime>,
    pub subject: String,
    /// The plain-text body as sent.
    pub body: String,
    /// How many notifications it carries.
    pub notifications: i32,
    pub status: MailStatus,
    /// Attempts so far; a `pending` mail with attempts is being retried.
    pub attempts: i32,
    /// When a `pending` mail is tried next.
    pub next_attempt_at: DateTime<Utc>,
    /// The SMTP server's (or connection's) error of the last failed attempt.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for MailDelivery {
    fn from(r: DeliveryRow) -> Self {
        MailDelivery {
            id: r.id,
            agency_id: r.agency_id,
            recipient_id: r.recipient_id,
            to_address: r.to_address,
            delivery: r.delivery,
            slot: r.slot,
            subject: r.subject,
            body: r.body,
            notifications: r.notifications,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    pub status: Option<MailStatus>,
    /// Only the mails of this user (their id).
    pub recipient: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The agency's sent-mail log, newest first (platform admins: every agency's).
#[utoipa::path(
    tag = "mail",
    operation_id = "listMailDeliveries",
    security(("bearer" = [])),
    params(DeliveryQuery),
    responses(
        (status = 200, description = "A page of mails, newest first", body = Page<MailDelivery>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/mail/deliveries")]
pub async fn list(
    user: AuthUser,
    query: Query<DeliveryQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMailLog)?;
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("mail-deliveries", q.cursor.as_deref())?;
    let filter =
        store::mail::LogFilter { agency_id: user.agency_id, status: q.status, recipient_id: q.recipient, before };
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::mail::list(&mut tx, &filter, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &DeliveryRow| pagination::time_key(r.created_at, r.id);
    Ok(HttpResponse::Ok().json(crate::pagination::page(rows, limit, "mail-deliveries", key, MailDelivery::from)))
}
