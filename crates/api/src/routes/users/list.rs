use super::User;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    edge::query::Query,
    pagination::PageSize,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{self, users::UserFilter},
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::Role;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListUsers {
    /// Only users of this role.
    pub role: Option<Role>,
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
    /// Part of the username, full name or email, any case.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Users of the caller's agency (platform admins: all), by username, filtered by role,
/// seat and text.
#[utoipa::path(
    tag = "users",
    operation_id = "listUsers",
    security(("bearer" = [])),
    params(ListUsers),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/users")]
pub async fn list(user: AuthUser, query: Query<ListUsers>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadUsers)?;
    let ListUsers { role, active, q, limit, cursor } = query.into_inner()?;
    let filter = UserFilter { role, active, text: q.as_deref() };
    let page = page_of_users(&user, &db, filter, limit, cursor.as_deref(), "users").await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A page of the caller's agency's users that `filter` lets through, by username;
/// shared with `/collectors`, whose cursors are their own.
pub async fn page_of_users(
    user: &AuthUser,
    db: &PgPool,
    filter: UserFilter<'_>,
    limit: Option<PageSize>,
    cursor: Option<&str>,
    list_name: &str,
) -> Result<Page<User>, ApiError> {
    let limit = pagination::limit(limit);
    let after = cursor.map(|c| pagination::decode(list_name, c, 1)).transpose()?.map(|mut k| k.remove(0));
    let mut tx = db::begin(db, user.scope()).await?;
    let rows = store::users::list(&mut tx, user.agency_id, filter, after.as_deref(), limit + 1).await?;
    tx.commit().await?;
    Ok(crate::pagination::page(rows, limit, list_name, |r| vec![r.username.clone()], User::from))
}
