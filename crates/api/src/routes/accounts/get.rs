use super::{AccountDetail, CollectorRef, OpenDispute};
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use sqlx::PgPool;
use uuid::Uuid;

/// The account with its debtor and the statuses a person may move it to.
#[utoipa::path(
    tag = "accounts",
    operation_id = "getAccount",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountDetail),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/accounts/{id}")]
pub async fn get(
    user: AuthUser,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let detail = detail(&mut tx, &user, *id, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// The account detail as `user` may see it: the account, its collector, its open
/// dispute, its current plan and the statuses a person may move it to.
pub async fn detail(
    tx: &mut sqlx::PgConnection,
    user: &AuthUser,
    id: Uuid,
    cipher: &FieldCipher,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<AccountDetail, ApiError> {
    let (row, collector, dispute) =
        store::accounts::detail(tx, user.reach(), id, now).await?.ok_or(ApiError::NotFound)?.into_parts();
    let agency_id = row.agency_id;
    let collector = collector.map(|(id, full_name)| CollectorRef { id, full_name });
    let dispute =
        dispute.map(|d| OpenDispute { id: d.id, reason: d.reason, opened_by: d.opened_by, opened_at: d.opened_at });
    let plan = match store::plans::current(tx, agency_id, id, now).await? {
        Some(plan) => Some(crate::routes::plans::view(tx, plan).await?),
        None => None,
    };
    let account = crate::routes::accounts::account(row, cipher);
    let allowed_transitions = account.status.allowed_transitions();
    Ok(AccountDetail { account, collector, dispute, plan, allowed_transitions })
}
