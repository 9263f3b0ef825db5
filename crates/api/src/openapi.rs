//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` attributes.
//! Served at `/api/v1/schema`, browsed at `/api/v1/docs/`, printed by
//! `debtflow openapi` into `openapi/openapi.json` (a test fails when they differ).

use crate::{edge, problem, routes};
use std::sync::LazyLock;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

/// The routes under `/api/v1`, nested below.
#[derive(OpenApi)]
#[openapi(
    paths(
        routes::auth::token::create,
        routes::auth::refresh::create,
        routes::auth::logout::create,
        routes::auth::me::get,
        routes::auth::password::change,
        routes::agencies::list::list,
        routes::agencies::create::create,
        routes::agencies::get::get,
        routes::agencies::seat::deactivate,
        routes::agencies::seat::reactivate,
        routes::agencies::update::update,
        routes::collectors::list::list,
        routes::collectors::get::get,
        routes::collectors::create::create,
        routes::collectors::update::update,
        routes::users::list::list,
        routes::users::create::create,
        routes::users::get::get,
        routes::users::update::update,
        routes::users::password_reset::reset,
        routes::users::unlock::unlock,
        routes::audit_logs::list::list,
        routes::accounts::create::create,
        routes::accounts::list::list,
        routes::accounts::list::count,
        routes::accounts::get::get,
        routes::accounts::update::update,
        routes::accounts::transition::transition,
        routes::accounts::notes::create,
        routes::accounts::notes::add_note,
        routes::accounts::contacts::create,
        routes::accounts::contacts::list,
        routes::accounts::contacts::block,
        routes::accounts::contacts::clear,
        routes::accounts::contacts::blocks,
        routes::accounts::promises::create,
        routes::accounts::promises::list,
        routes::accounts::promises::cancel,
        routes::accounts::validation::send,
        routes::accounts::validation::get,
        routes::accounts::validation::letter,
        routes::reminder_templates::list,
        routes::reminder_templates::set,
        routes::reminder_templates::reset,
        routes::accounts::timeline::timeline,
        routes::accounts::assign::assign_one,
        routes::accounts::assign::assign_many,
        routes::accounts::ledger::ledger,
        routes::accounts::fees::create,
        routes::accounts::fees::list,
        routes::accounts::fees::waive,
        routes::collectors::commission::commission,
        routes::payments::create::create,
        routes::payments::list::list,
        routes::payments::get::get,
        routes::payments::decide::approve,
        routes::payments::decide::reject,
        routes::payments::refund::refund,
        routes::payments::apply::apply,
        routes::payments::webhook::stripe,
        routes::plans::create::create,
        routes::plans::get::for_account,
        routes::plans::list::list,
        routes::plans::get::get,
        routes::plans::create::update,
        routes::plans::lifecycle::remove,
        routes::plans::lifecycle::submit,
        routes::plans::lifecycle::approve,
        routes::plans::lifecycle::reject,
        routes::plans::lifecycle::cancel,
        routes::approvals::pending,
        routes::accounts::pauses::create,
        routes::imports::create::create,
        routes::imports::get::list,
        routes::imports::get::get,
        routes::imports::errors::list,
        routes::imports::mappings::list,
        routes::imports::mappings::put,
        routes::imports::mappings::delete,
        routes::imports::sftp::get,
        routes::imports::sftp::put,
        routes::imports::sftp::trigger,
        routes::mail::deliveries::list,
        routes::jobs::runs,
        routes::jobs::run,
        routes::settings::get,
        routes::settings::update,
        routes::notifications::list,
        routes::notifications::unread,
        routes::notifications::read,
        routes::notifications::read_all,
        routes::notifications::remove,
        routes::notifications::preferences::get,
        routes::notifications::preferences::put,
        routes::notifications::stream::stream,
        routes::analytics::dashboard::dashboard,
        routes::analytics::collectors::collectors,
        routes::analytics::trends::trends,
        routes::analytics::aging::aging,
        routes::analytics::compliance::compliance,
        routes::analytics::reconciliation::reconciliation,
    ),
    components(responses(
        problem::responses::Unauthorized,
        problem::responses::Forbidden,
        problem::responses::NotFound,
        problem::responses::Invalid,
        problem::responses::BadRequest,
        problem::responses::Conflict,
        problem::responses::TooManyRequests,
        problem::responses::PayloadTooLarge,
        problem::responses::UnsupportedMediaType,
        problem::responses::BadGateway,
    ))
)]
struct V1;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "DebtFlow API",
        description = "Debt collection for agencies: accounts, worklists, payment plans, \
                       payments on a double-entry ledger, and an audit trail.\n\n\
                       Authenticate with `POST /api/v1/auth/token`, then send \
                       `Authorization: Bearer <access>`. Errors are RFC 9457 \
                       `application/problem+json` documents. Lists are keyset-paginated: \
                       `?limit=&cursor=` → `{\"items\": [...], \"next_cursor\": ...}`.",
        license(name = "Proprietary"),
    ),
    nest(
        (path = "/api/v1", api = V1),
        (path = "/api/v1", api = routes::remedial::Api),
        (path = "/api/v1", api = routes::remedial::documents::Api),
    ),
    paths(routes::health::live, routes::health::ready, edge::metrics::exposition),
    components(schemas(problem::Problem, routes::health::Health)),
    modifiers(&BearerAuth, &EveryApiResponse, &ProblemTypes),
    tags(
        (name = "auth", description = "Login, token refresh with rotation, logout"),
        (name = "agencies", description = "The tenants"),
        (name = "collectors", description = "Collectors: commission rate, account limit, deactivation"),
        (name = "users", description = "Every user of the agency"),
        (name = "audit", description = "The append-only audit trail"),
        (name = "accounts", description = "Debtors' accounts: lifecycle, assignment, notes, timeline"),
        (name = "payments", description = "Payments on the double-entry ledger: idempotent recording, approval of backdated payments, refunds, the processor webhook"),
        (name = "plans", description = "Payment plans (compromise agreements): schedules, approval, installments paid by payments"),
        (name = "imports", description = "Placement files: CSV upload, background import with progress, row errors, column mappings"),
        (name = "jobs", description = "The daily jobs: their runs, running one now, the kill switches"),
        (name = "notifications", description = "The caller's notifications"),
        (name = "mail", description = "The sent-mail log: notifications mailed at once and digests, with their delivery attempts"),
        (name = "remedial", description = "Remedial recovery: legal cases and hearings, recovery actions and their milestones, write-offs decided by the board, versioned documents"),
        (name = "analytics", description = "Dashboards and reports — collector performance, payment trends, aging, repayment compliance, the daily reconciliation — as JSON, CSV or PDF"),
        (name = "operations", description = "Health probes and metrics"),
    ),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// What every `/api/v1` operation can also answer, added here once instead of on each
/// handler: 400 (a path holding `%00`), 429 (the rate limits of `edge`) and 500; with
/// a body, 413 and 415 (`edge::json`); with a UUID in its path, 422 when it is not one
/// (the `PathConfig` of `startup`).
struct EveryApiResponse;

impl Modify for EveryApiResponse {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
        let internal = ResponseBuilder::new()
            .description("Unexpected error; the detail is opaque and the cause is logged with the request id")
            .content(
                "application/problem+json",
                utoipa::openapi::ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            for operation in
                [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete].into_iter().flatten()
            {
                let mut also = vec![("400", "BadRequest"), ("429", "TooManyRequests")];
                if operation.request_body.is_some() {
                    also.extend([("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType")]);
                }
                if operation.parameters.iter().flatten().any(is_uuid_in_path) {
                    also.push(("422", "Invalid"));
                }
                let responses = &mut operation.responses.responses;
                for (status, response) in also {
                    responses.entry(status.into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
                }
                responses.entry("500".into()).or_insert_with(|| RefOr::T(internal.clone()));
            }
        }
    }
}

fn is_uuid_in_path(parameter: &utoipa::openapi::path::Parameter) -> bool {
    use utoipa::openapi::{
        path::ParameterIn,
        schema::{KnownFormat, Schema, SchemaFormat},
        RefOr,
    };
    let uuid = match &parameter.schema {
        Some(RefOr::T(Schema::Object(object))) => {
            matches!(object.format, Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        }
        _ => false,
    };
    parameter.parameter_in == ParameterIn::Path && uuid
}

/// The `type` of a 409 names the business rule that refused the request: the list of
/// them, on the `Problem` schema's `type`, so integrators can match on them.
struct ProblemTypes;

impl Modify for ProblemTypes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{schema::Schema, RefOr};
        let Some(RefOr::T(Schema::Object(problem))) =
            openapi.components.as_mut().and_then(|c| c.schemas.get_mut("Problem"))
        else {
            return;
        };
        if let Some(RefOr::T(Schema::Object(kind))) = problem.properties.get_mut("type") {
            let mut description = kind.description.clone().unwrap_or_default();
            description.push_str("\n\nThe business rules a 409 names:\n");
            for (code, what) in crate::services::Refusal::CODES {
                description.push_str(&format!("\n- `urn:debtflow:problem:{code}`: {what}"));
            }
            kind.description = Some(description);
        }
    }
}

/// A path of the document, cut at its slashes (`{id}`: any one segment), and its methods.
struct Route {
    segments: Vec<String>,
    methods: Vec<&'static str>,
}

static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    ApiDoc::openapi()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                ("DELETE", item.delete.is_some()),
                ("GET", item.get.is_some()),
                ("PATCH", item.patch.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
            ];
            Route {
                segments: path.split('/').map(str::to_owned).collect(),
                methods: methods.iter().filter(|(_, has)| *has).map(|(m, _)| *m).collect(),
            }
        })
        .collect()
});

/// The methods the API takes at `path`, in alphabetical order (none: not the API's).
pub fn allowed(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut methods: Vec<&'static str> = ROUTES
        .iter()
        .filter(|route| {
            route.segments.len() == segments.len()
                && route.segments.iter().zip(&segments).all(|(r, s)| r == s || (r.starts_with('{') && !s.is_empty()))
        })
        .flat_map(|route| route.methods.iter().copied())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// The document as pretty JSON, as committed in `openapi/openapi.json`.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes")
}

#[cfg(test)]
mod allowed_tests {
    use super::*;

    #[test]
    fn the_methods_of_a_path_come_from_the_document() {
        assert_eq!(allowed("/api/v1/accounts"), ["GET", "POST"]);
        assert_eq!(allowed("/api/v1/accounts/"), ["GET", "POST"]);
        assert_eq!(allowed("/api/v1/payments/0194e3c2-0000-7000-8000-000000000000"), ["GET"]);
        // `assign` is a path of its own and an `{id}` of another.
        assert_eq!(allowed("/api/v1/accounts/assign"), ["GET", "PATCH", "POST"]);
        assert!(allowed("/api/v1/nothing-here").is_empty());
        assert!(allowed("/api/v1/accounts//timeline").is_empty());
    }
}
