use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::query::Query,
    pagination,
    problem::{responses, ApiError},
    routes::amount,
    store::{self, ledger::EntryRow},
};
use actix_web::{get, web, HttpResponse};
pub use debtflow_wire::ledger::{JournalEntry, JournalLine, Ledger};
use sqlx::PgPool;
use uuid::Uuid;

/// The account's double-entry ledger, newest entry first.
#[utoipa::path(
    tag = "accounts",
    operation_id = "getAccountLedger",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id"), pagination::PageQuery),
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
    query: Query<pagination::PageQuery>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadMoney)?;
    let query = query.into_inner()?;
    let limit = pagination::limit(query.limit);
    let before = pagination::decode_time("ledger", query.cursor.as_deref())?;
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
