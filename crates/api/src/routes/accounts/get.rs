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
    let mut row = store::accounts::get(tx, user.reach(), id, now).await?.ok_or(ApiError::NotFound)?;
    store::accounts::fill_next_installment_due(tx, std::slice::from_mut(&mut row)).await?;
    let agency_id = row.agency_id;
    let collector = match row.collector_id {
        Some(collector) => store::users::get(tx, Some(agency_id), collector)
            .await?
            .map(|u| CollectorRef { id: u.id, full_name: u.full_name }),
        None => None,
    };
    let dispute = store::disputes::open_one(tx, agency_id, id).await?.map(|d| OpenDispute {
        id: d.id,
        reason: d.reason,
        opened_by: d.opened_by,
        opened_at: d.opened_at,
    });
    let plan = match store::plans::current(tx, agency_id, id, now).await? {
        Some(plan) => Some(crate::routes::plans::view(tx, plan).await?),
        None => None,
    };
    let account = crate::routes::accounts::account(row, cipher);
    let allowed_transitions = account.status.allowed_transitions();
    Ok(AccountDetail { account, collector, dispute, plan, allowed_transitions })
}
