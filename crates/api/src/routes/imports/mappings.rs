//! `/imports/mappings`: the agency's named column mappings — a creditor's header →
//! our field — so their layout imports without editing the file.

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    db,
    edge::json::Json,
    problem::{responses, ApiError},
    services::imports::mappings as service,
    store::{self, imports::MappingRow},
};
use actix_web::{delete, get, put, web, HttpResponse};
use debtflow_domain::import::{DateFormat, Field, Mapping};
pub use debtflow_wire::imports::{Mappings, NamedMapping};
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use validator::Validate;

impl From<MappingRow> for NamedMapping {
    fn from(row: MappingRow) -> Self {
        NamedMapping { mapping: row.mapping(), name: row.name, updated_by: row.updated_by, updated_at: row.updated_at }
    }
}

/// A mapping's content.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingBody {
    /// Their header (matched without regard to case or surrounding spaces) → one of our
    /// fields, or `null` to ignore the column.
    #[schema(value_type = Object, example = json!({"Acct No": "external_ref", "Client": "creditor", "Notes": null}))]
    pub columns: BTreeMap<String, Option<Field>>,
    /// `iso` (YYYY-MM-DD, default), `us` (MM/DD/YYYY) or `eu` (DD/MM/YYYY).
    pub date_format: Option<DateFormat>,
}

/// The agency's mappings, by name.
#[utoipa::path(
    tag = "imports",
    operation_id = "listImportMappings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every mapping of the agency", body = Mappings),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
    )
)]
#[get("/imports/mappings")]
pub async fn list(user: AuthUser, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadImports)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let rows = store::imports::mappings(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(Mappings { items: rows.into_iter().map(NamedMapping::from).collect() }))
}

/// Create or replace the mapping `name`: `{"columns": {"Acct No": "external_ref",
/// "Notes": null}, "date_format": "us"}`. A header maps to one of the fields of the
/// README's CSV format, or to `null` to ignore the column.
#[utoipa::path(
    tag = "imports",
    operation_id = "setImportMapping",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The mapping's name")),
    request_body = MappingBody,
    responses(
        (status = 200, description = "The mapping as stored", body = NamedMapping),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[put("/imports/mappings/{name}")]
pub async fn put(
    user: AuthUser,
    name: web::Path<String>,
    body: Json<MappingBody>,
    db: web::Data<PgPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ImportAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    let body = body.into_inner()?;
    let mapping = Mapping { columns: body.columns, date_format: body.date_format.unwrap_or(DateFormat::Iso) };
    let row = service::put(&mut tx, &Actor::from(&user), &name, mapping, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(NamedMapping::from(row)))
}

/// Delete the mapping `name` (imports that used it keep its name).
#[utoipa::path(
    tag = "imports",
    operation_id = "deleteImportMapping",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The mapping's name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[delete("/imports/mappings/{name}")]
pub async fn delete(user: AuthUser, name: web::Path<String>, db: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ImportAccounts)?;
    let mut tx = db::begin(&db, user.scope()).await?;
    service::delete(&mut tx, &Actor::from(&user), &name).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
