use super::Agency;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::PageSize,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store,
};
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListAgencies {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The caller's agency; every agency for platform admins.
#[utoipa::path(
    tag = "agencies",
    operation_id = "listAgencies",
    security(("bearer" = [])),
    params(ListAgencies),
    responses(
        (status = 200, description = "A page of agencies", body = Page<Agency>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/agencies")]
pub async fn list(user: AuthUser, query: Query<ListAgencies>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAgencies)?;
    let query = query.into_inner()?;
    let limit = pagination::limit(query.limit);
    let after = match &query.cursor {
        Some(c) => Some(
            pagination::decode("agencies", c, 1)?[0]
                .parse()
                .map_err(|_| ApiError::field("cursor", "is not a cursor of this list"))?,
        ),
        None => None,
    };
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::agencies::list(&mut tx, user.agency_id, after, limit + 1).await?;
    tx.commit().await?;
    let page = crate::pagination::page(rows, limit, "agencies", |r| vec![r.id.to_string()], Agency::from);
    Ok(HttpResponse::Ok().json(page))
}
