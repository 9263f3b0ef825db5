use crate::{
    auth::{policy::Operation, AuthUser},
    edge::query::Query,
    pagination::Page,
    pagination::PageSize,
    problem::{responses, ApiError},
    routes::users::{list::page_of_users, User},
    store::users::UserFilter,
};
use actix_web::{get, web, HttpResponse};
use debtflow_domain::Role;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListCollectors {
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The agency's collectors, by username.
#[utoipa::path(
    tag = "collectors",
    operation_id = "listCollectors",
    security(("bearer" = [])),
    params(ListCollectors),
    responses(
        (status = 200, description = "A page of collectors", body = Page<User>),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/collectors")]
pub async fn list(
    user: AuthUser,
    query: Query<ListCollectors>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadCollectors)?;
    let query = query.into_inner()?;
    let page: Page<User> = page_of_users(
        &user,
        &db,
        UserFilter { role: Some(Role::Collector), ..UserFilter::default() },
        query.limit,
        query.cursor.as_deref(),
        "collectors",
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}
