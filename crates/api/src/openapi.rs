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
        problem::responses::Busy,
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
        license(name = "Proprietary", identifier = "LicenseRef-DebtFlow-Proprietary"),
    ),
    // The paths are absolute (`/api/v1/…`, `/health`, `/metrics`): a client joins them to
    // the address it serves this document from.
    servers((url = "/", description = "This server; every path starts at its root")),
    nest(
        (path = "/api/v1", api = V1),
        (path = "/api/v1", api = routes::remedial::Api),
        (path = "/api/v1", api = routes::remedial::documents::Api),
        (path = "/api/v1", api = routes::api_keys::Api),
        (path = "/api/v1", api = routes::webhooks::Api),
    ),
    paths(routes::health::live, routes::health::ready, edge::metrics::exposition),
    components(schemas(problem::Problem, routes::health::Health, crate::export::Format, crate::idempotency::HeaderValue)),
    modifiers(&SecuritySchemes, &EveryApiResponse, &ProblemTypes, &PageItemsByReference, &Conventions),
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
        (name = "api-keys", description = "API keys for outside systems: scopes, expiry, revocation; the secret shown once"),
        (name = "webhooks", description = "Outbound webhooks: the agency's endpoints, signed deliveries of its events (DebtFlow-Signature, the processor webhook's scheme), their attempts and replays"),
        (name = "analytics", description = "Dashboards and reports — collector performance, payment trends, aging, repayment compliance, the daily reconciliation — as JSON, CSV or PDF"),
        (name = "operations", description = "Health probes and metrics"),
    ),
)]
pub struct ApiDoc;

/// The schemes operations name in their `security`: `bearer`, what every operation but
/// the public ones asks for (those say `security(())`: login, refresh, the health
/// probes, the processor's webhook, which is signed instead), and `metrics`, the
/// scraper's token of `/metrics`. Each operation states its own; Redocly's
/// `security-defined` rule (`make lint`) fails on one that does not.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "metrics",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`METRICS_TOKEN`, the scraper's token (required in production; a deployment without \
                         one leaves `/metrics` open)",
                    ))
                    .build(),
            ),
        );
    }
}

/// What every `/api/v1` operation can also answer, added here once instead of on each
/// handler: 400 (a path holding `%00`, on every path), 429 (the rate limits of `edge`),
/// 503 (a busy database, `ApiError::Busy`) and 500; with a body, 413 and 415 (`edge::json`); with a body, a query or a UUID in
/// its path, 422 (a field of the wrong shape, a path parameter that is no UUID).
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
                // The probes and `/metrics`: only the path check of `edge::path` applies.
                for operation in [&mut item.get].into_iter().flatten() {
                    let responses = &mut operation.responses.responses;
                    responses.entry("400".into()).or_insert_with(|| RefOr::Ref(Ref::from_response_name("BadRequest")));
                }
                continue;
            }
            for operation in
                [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete].into_iter().flatten()
            {
                let mut also = vec![("400", "BadRequest"), ("429", "TooManyRequests"), ("503", "Busy")];
                if operation.request_body.is_some() {
                    also.extend([("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType")]);
                }
                let parameters = || operation.parameters.iter().flatten();
                let in_query = |p: &utoipa::openapi::path::Parameter| {
                    matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                };
                if operation.request_body.is_some() || parameters().any(is_uuid_in_path) || parameters().any(in_query) {
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

/// `Page<T>`'s items as a `$ref` to `T`'s schema. utoipa writes a generic's argument
/// inline, which leaves `T`'s own schema unused and gives a generated client an
/// anonymous type for the items of each page; the reference is made only where the
/// inline schema is `T`'s, exactly.
struct PageItemsByReference;

impl Modify for PageItemsByReference {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            schema::{ArrayItems, Schema},
            Ref, RefOr,
        };
        let Some(components) = openapi.components.as_mut() else { return };
        let named = components.schemas.clone();
        for (name, schema) in components.schemas.iter_mut() {
            let Some(item) = name.strip_prefix("Page_") else { continue };
            let Some(component) = named.get(item) else { continue };
            let RefOr::T(Schema::Object(page)) = schema else { continue };
            let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") else { continue };
            let ArrayItems::RefOrSchema(inline) = &items.items else { continue };
            if serde_json::to_value(inline.as_ref()).ok() == serde_json::to_value(component).ok() {
                items.items = ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(item))));
            }
        }
    }
}

/// What the edge adds to the API's answers, where integrators look for it: the
/// `Retry-After` and `RateLimit-*` fields of a 429 (`edge::rate_limit`); the `ETag`,
/// `If-None-Match` and 304 of every JSON read (`edge::etag`); and, in the document's
/// description, those with CORS and compression.
struct Conventions;

const CONVENTIONS: &str = "\n\n**Rate limits.** Every `/api/v1` answer carries `RateLimit-Limit` (requests a \
    minute), `RateLimit-Remaining` (how many more may be sent at once) and `RateLimit-Reset` (seconds until the \
    allowance is whole again), of the tighter of the caller's two allowances: per client IP and per bearer token. \
    Over it: 429 with `Retry-After` (seconds).\n\n\
    **Conditional reads.** A JSON read (`GET`) answers with a strong `ETag`; send it back in `If-None-Match` \
    to get 304 Not Modified, without a body, while the resource is unchanged.\n\n\
    **Compression.** With `Accept-Encoding: br` or `gzip`, JSON, CSV and text answers come compressed \
    (`Content-Encoding`; the `ETag` then ends in `-br` or `-gzip`); the event stream never is.\n\n\
    **CORS.** Browsers may call the API from the origins a deployment lists in `CORS_ALLOWED_ORIGINS` \
    (none by default).";

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            header::{Header, HeaderBuilder},
            path::{ParameterBuilder, ParameterIn},
            schema::{ObjectBuilder, Type},
            Ref, RefOr, Required, ResponseBuilder,
        };
        let header = |kind: Type, description: &str| -> Header {
            let schema = match kind {
                Type::Integer => ObjectBuilder::new().schema_type(kind).minimum(Some(0)),
                _ => ObjectBuilder::new().schema_type(kind),
            };
            HeaderBuilder::new().schema(schema).description(Some(description)).build()
        };
        let etag = || {
            header(
                Type::String,
                "The version of the answer: a hash of its JSON (`\"…-gzip\"` or `\"…-br\"` compressed)",
            )
        };

        let components = openapi.components.get_or_insert_with(Default::default);
        if let Some(RefOr::T(busy)) = components.responses.get_mut("Busy") {
            busy.headers.insert("Retry-After".into(), header(Type::Integer, "Seconds to wait before retrying"));
        }
        if let Some(RefOr::T(limited)) = components.responses.get_mut("TooManyRequests") {
            for (name, description) in [
                ("Retry-After", "Seconds to wait before the next request"),
                ("RateLimit-Limit", "Requests a minute of the tighter of the caller's allowances (per IP, per token)"),
                (
                    "RateLimit-Remaining",
                    "Requests that may still be sent at once: 0 when the rate limit refused this one",
                ),
                ("RateLimit-Reset", "Seconds until that allowance is whole again"),
            ] {
                limited.headers.insert(name.into(), header(Type::Integer, description));
            }
        }
        components.responses.insert(
            "NotModified".into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("Not modified: the copy `If-None-Match` names is current (no body)")
                    .header("ETag", etag())
                    .build(),
            ),
        );

        for (path, item) in openapi.paths.paths.iter_mut() {
            let Some(read) = item.get.as_mut().filter(|_| path.starts_with("/api/v1/")) else { continue };
            let Some(RefOr::T(ok)) = read.responses.responses.get_mut("200") else { continue };
            if !ok.content.contains_key("application/json") {
                continue;
            }
            ok.headers.insert("ETag".into(), etag());
            read.parameters.get_or_insert_with(Vec::new).push(
                ParameterBuilder::new()
                    .name("If-None-Match")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some("The `ETag` of the caller's copy: 304 without a body while it is current"))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            );
            read.responses.responses.insert("304".into(), RefOr::Ref(Ref::from_response_name("NotModified")));
        }
        if let Some(description) = openapi.info.description.as_mut() {
            description.push_str(CONVENTIONS);
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
/// A path the document names word for word is that route, not an `{id}` of another
/// (`/accounts/assign` is not the account `assign`): the routes matching with the most
/// literal segments win.
pub fn allowed(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let literal = |route: &Route| route.segments.iter().filter(|r| !r.starts_with('{')).count();
    let matching: Vec<&Route> = ROUTES
        .iter()
        .filter(|route| {
            route.segments.len() == segments.len()
                && route.segments.iter().zip(&segments).all(|(r, s)| r == s || (r.starts_with('{') && !s.is_empty()))
        })
        .collect();
    let most_literal = matching.iter().map(|route| literal(route)).max().unwrap_or(0);
    let mut methods: Vec<&'static str> = matching
        .into_iter()
        .filter(|route| literal(route) == most_literal)
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
        // `assign` is a path of its own, not an `{id}` of another.
        assert_eq!(allowed("/api/v1/accounts/assign"), ["POST"]);
        assert_eq!(allowed("/api/v1/notifications/read-all"), ["POST"]);
        assert_eq!(allowed("/api/v1/accounts/0194e3c2-0000-7000-8000-000000000000"), ["GET", "PATCH"]);
        assert!(allowed("/api/v1/nothing-here").is_empty());
        assert!(allowed("/api/v1/accounts//timeline").is_empty());
    }
}

#[cfg(test)]
mod contract_tests {
    use super::*;

    /// Generated clients name their methods after the operation ids, and send a token
    /// where `security` asks for one.
    #[test]
    fn every_operation_has_a_unique_camel_case_id_and_states_its_security() {
        let doc: serde_json::Value = serde_json::from_str(&json()).unwrap();
        let mut ids = std::collections::BTreeSet::new();
        let mut public = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let what = format!("{} {path}", method.to_uppercase());
                let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{what}: no operationId"));
                let camel =
                    id.starts_with(|c: char| c.is_ascii_lowercase()) && id.chars().all(|c| c.is_ascii_alphanumeric());
                assert!(camel, "{what}: `{id}` is not camelCase");
                assert!(ids.insert(id.to_owned()), "{what}: `{id}` names another operation too");
                let security = operation["security"].as_array().unwrap_or_else(|| panic!("{what}: states no security"));
                if security.iter().any(|requirement| requirement.as_object().is_some_and(|r| r.is_empty())) {
                    public.push(what);
                }
            }
        }
        assert_eq!(
            public,
            [
                "POST /api/v1/auth/token",
                "POST /api/v1/auth/token/refresh",
                "POST /api/v1/payments/webhook/stripe",
                "GET /health",
                "GET /health/ready",
            ],
            "the operations open to anyone"
        );
    }

    #[test]
    fn json_reads_document_their_etag_and_304() {
        let doc: serde_json::Value = serde_json::from_str(&json()).unwrap();
        for path in ["/api/v1/accounts/{id}", "/api/v1/payments/{id}", "/api/v1/accounts"] {
            let read = &doc["paths"][path]["get"];
            assert!(read["responses"]["200"]["headers"]["ETag"].is_object(), "{path}: the ETag");
            assert_eq!(read["responses"]["304"]["$ref"], "#/components/responses/NotModified", "{path}");
            let names: Vec<&str> =
                read["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
            assert!(names.contains(&"If-None-Match"), "{path}: {names:?}");
        }
        let stream = &doc["paths"]["/api/v1/notifications/stream"]["get"]["responses"];
        assert!(stream["304"].is_null(), "the event stream has no ETag");
        let limited = &doc["components"]["responses"]["TooManyRequests"]["headers"];
        for name in ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
            assert!(limited[name].is_object(), "the 429 documents {name}");
        }
    }
}
