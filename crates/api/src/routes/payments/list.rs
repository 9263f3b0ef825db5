use super::Payment;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::{self, Page, PageSize},
    problem::{responses, ApiError},
    store::{self, payments::PaymentRow},
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PaymentQuery {
    /// Only this account's payments.
    pub account_id: Option<Uuid>,
    pub status: Option<PaymentStatus>,
    pub method: Option<PaymentMethod>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The agency's payments, newest first (a collector's: on their own accounts).
#[utoipa::path(
    tag = "payments",
    security(("bearer" = [])),
    params(PaymentQuery),
    responses(
        (status = 200, description = "A page of payments, newest first", body = Page<Payment>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/payments")]
pub async fn list(user: AuthUser, query: Query<PaymentQuery>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let q = query.0;
    let limit = pagination::limit(q.limit);
    let before = pagination::decode_time("payments", q.cursor.as_deref())?;
    let filter = store::payments::Filter { account_id: q.account_id, status: q.status, method: q.method };
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::payments::list(&mut tx, user.reach(), &filter, before, limit + 1).await?;
    tx.commit().await?;
    let key = |r: &PaymentRow| pagination::time_key(r.created_at, r.id);
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, "payments", key, Payment::from)))
}
