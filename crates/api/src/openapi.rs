//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes.
//! Served at `/api/v1/schema`, browsed at `/api/v1/docs/`, printed by
//! `debtflow openapi` into `openapi/openapi.json` (a test fails when they differ).

use crate::{edge, problem::Problem, routes};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DebtFlow API",
        description = "Debt collection for agencies: accounts, worklists, payment plans, \
                       payments on a double-entry ledger, and an audit trail.\n\n\
                       Errors are RFC 9457 `application/problem+json` documents.",
        license(name = "Proprietary"),
    ),
    paths(routes::health::live, routes::health::ready, edge::metrics::exposition),
    components(schemas(Problem, routes::health::Health)),
    tags((name = "operations", description = "Health probes and metrics")),
)]
pub struct ApiDoc;

/// The document as pretty JSON, as committed in `openapi/openapi.json`.
pub fn json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}
