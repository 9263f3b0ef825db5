use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::query::Query,
    pagination::{self, PageSize},
    problem::{responses, ApiError},
    routes::amount,
    store::{self, ledger::EntryRow},
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::ledger::{JournalEntry, JournalLine, Ledger};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The account's double-entry ledger, newest entry first.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), LedgerQuery),
    responses(
        (status = 200, description = "The balance and a page of entries", body = Ledger),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/{id}/ledger")]
pub async fn ledger(
    user: AuthUser,
    id: web::Path<Uuid>,
    query: Query<LedgerQuery>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let limit = pagination::limit(query.0.limit);
    let before = pagination::decode_time("ledger", query.0.cursor.as_deref())?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let account = store::accounts::get(&mut tx, user.reach(), *id, clock.now()).await?.ok_or(ApiError::NotFound)?;
    let rows = store::ledger::list(&mut tx, account.agency_id, account.id, before, limit + 1).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split(rows, limit, "ledger", |r| pagination::time_key(r.posted_at, r.id));
    let currency = account.currency.as_str();
    let items = rows.into_iter().map(|r| entry(r, currency)).collect();
    Ok(HttpResponse::Ok().json(Ledger { balance: amount(account.current_balance, currency), items, next_cursor }))
}

fn entry(r: EntryRow, currency: &str) -> JournalEntry {
    let lines = r
        .lines
        .0
        .into_iter()
        .map(|l| JournalLine {
            ledger_account: l.ledger_account,
            debit: amount(l.debit, currency),
            credit: amount(l.credit, currency),
        })
        .collect();
    JournalEntry { entry_id: r.id, kind: r.kind, posted_at: r.posted_at, reverses: r.reverses, lines }
}
