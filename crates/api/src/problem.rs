//! Errors at the HTTP edge: one [`ApiError`], written once as RFC 9457
//! `application/problem+json`.
//!
//! Every error response of the API — from a handler, an extractor, the router or a
//! middleware — leaves through [`ApiError`] (or [`normalize`] for the few the
//! framework writes itself), so clients parse one shape. The `type` of each kind is a
//! stable URN (`urn:debtflow:problem:<code>`); `errors` maps a field (JSON pointer-ish
//! dotted path) to its messages for validation failures. A 5xx logs its cause chain
//! and returns an opaque detail: no stack trace, no SQL.

use crate::{
    services::{Refusal, ServiceError},
    store::StoreError,
};
use actix_web::{
    dev::ServiceResponse,
    http::{header, StatusCode},
    middleware::ErrorHandlerResponse,
    HttpResponse, ResponseError,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Field name → messages, for validation failures.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// An RFC 9457 problem details object.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:debtflow:problem:validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "The request body has invalid fields.",
    "errors": {"amount": ["must be greater than zero"]}
}))]
pub struct Problem {
    /// Stable identifier of the kind of problem: `urn:debtflow:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// Per-field messages, for validation problems only: the field's dotted path →
    /// what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(inline)]
    pub errors: Option<FieldErrors>,
    /// For a refused account transition: the statuses it may move to from here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_transitions: Option<Vec<String>>,
    /// For `wrong-status`, `account-takes-no-payments`, `account-takes-no-fees`: the
    /// status the entity is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// For `wrong-status`: the statuses the step needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_statuses: Option<Vec<String>>,
    /// For `duplicate-reference` and `plan-already-active`: the entity that holds what
    /// was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<uuid::Uuid>,
    /// For a contact attempt a guardrail blocks (`calling-hours`, `call-frequency`,
    /// `call-after-conversation`): the first instant it is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every way a request can fail, each with its status and problem type.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{detail}")]
    Validation { detail: String, errors: FieldErrors },
    /// The body is not of the media type the endpoint reads (named).
    #[error("the body must be {0}")]
    UnsupportedMediaType(&'static str),
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("your role may not do this")]
    Forbidden,
    /// Signed in with a temporary password: `POST /auth/password` first.
    #[error("you signed in with a temporary password; change it with POST /auth/password first")]
    PasswordChangeRequired,
    #[error("no such resource")]
    NotFound,
    /// A business rule refused the request (409), with its own problem type.
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("too many failed logins; the account is locked for {retry_after_secs} s")]
    Locked { retry_after_secs: u64 },
    #[error("method not allowed on this resource")]
    MethodNotAllowed,
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The database could not answer now (a lock or statement timeout, a deadlock, no
    /// free connection, a restart): nothing was written, and a retry may succeed.
    #[error("the database could not answer now; nothing was written, retry in a moment")]
    Busy(#[source] sqlx::Error),
    /// A server the request needed (an agency's SFTP server) failed; the detail says how.
    #[error("{0}")]
    BadGateway(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A validation failure on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let detail = format!("`{field}` is invalid.");
        ApiError::Validation { detail, errors: BTreeMap::from([(field, vec![message.into()])]) }
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(err))
    }

    /// The stable code of this kind of problem (the last part of its `type`).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Validation { .. } => "validation",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::PasswordChangeRequired => "password-change-required",
            ApiError::NotFound => "not-found",
            ApiError::Refused(refusal) => refusal.code(),
            ApiError::Locked { .. } => "locked",
            ApiError::MethodNotAllowed => "method-not-allowed",
            ApiError::RateLimited { .. } => "rate-limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Busy(_) => "busy",
            ApiError::BadGateway(_) => "bad-gateway",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "Bad request",
            ApiError::Validation { .. } => "Validation failed",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::Unauthorized(_) => "Unauthorized",
            ApiError::Forbidden => "Forbidden",
            ApiError::PasswordChangeRequired => "Password change required",
            ApiError::NotFound => "Not found",
            ApiError::Refused(Refusal::InvalidTransition { .. }) => "Transition not allowed",
            ApiError::Refused(Refusal::ContactBlocked { .. }) => "Contact not allowed now",
            ApiError::Refused(_) => "Refused by a business rule",
            ApiError::Locked { .. } => "Locked",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Busy(_) => "Busy",
            ApiError::BadGateway(_) => "Bad gateway",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    pub fn to_problem(&self) -> Problem {
        let detail = match self {
            // Never leak the cause of a 5xx; it is logged instead.
            ApiError::Internal(_) => "An unexpected error occurred. It has been logged.".to_owned(),
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Validation { errors, .. } => Some(errors.clone()),
            _ => None,
        };
        let mut problem = Problem {
            kind: format!("urn:debtflow:problem:{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            allowed_transitions: None,
            current_status: None,
            allowed_statuses: None,
            existing_id: None,
            allowed_at: None,
        };
        if let ApiError::Refused(refusal) = self {
            match refusal {
                Refusal::WrongStatus { current, allowed, .. } => {
                    problem.current_status = Some(current.clone());
                    problem.allowed_statuses = Some(allowed.clone());
                }
                Refusal::InvalidTransition { from, allowed, .. } => {
                    problem.current_status = Some(from.to_string());
                    problem.allowed_transitions = Some(allowed.iter().map(ToString::to_string).collect());
                }
                Refusal::AccountTakesNoPayments { status } | Refusal::AccountTakesNoFees { status } => {
                    problem.current_status = Some(status.to_string());
                }
                Refusal::DuplicateReference { existing, .. } | Refusal::PlanAlreadyActive { existing } => {
                    problem.existing_id = *existing;
                }
                Refusal::DuplicateImport { existing } | Refusal::WriteOffOpen { existing } => {
                    problem.existing_id = Some(*existing)
                }
                Refusal::DuplicateAccountReference { .. }
                | Refusal::CollectorAtLimit { .. }
                | Refusal::UsernameTaken { .. }
                | Refusal::DuplicateLicence
                | Refusal::RequestInProgress
                | Refusal::PollInProgress
                | Refusal::LastAgencyAdmin
                | Refusal::HoldsAccounts { .. }
                | Refusal::OwnPassword
                | Refusal::ValidationNoticeSent { .. }
                | Refusal::WriteOffBalanceChanged { .. } => {}
                Refusal::ContactBlocked { allowed_at, .. } => problem.allowed_at = *allowed_at,
            }
        }
        problem
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Refused(_) => StatusCode::CONFLICT,
            ApiError::Locked { .. } => StatusCode::LOCKED,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error.cause_chain = %cause_chain(cause.as_ref()), "request failed");
            }
            ApiError::Busy(cause) => tracing::warn!(error.cause_chain = %cause_chain(cause), "database busy"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::RateLimited { retry_after_secs } | ApiError::Locked { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::Busy(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(self.to_problem())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Revoked => ApiError::Unauthorized("the access token has been revoked"),
            StoreError::Busy(cause) => ApiError::Busy(cause),
            other @ (StoreError::Duplicate { .. } | StoreError::Violation { .. } | StoreError::Unexpected(_)) => {
                ApiError::internal(other)
            }
        }
    }
}

/// An entry our own code built does not balance, or an amount left its currency: a bug.
impl From<debtflow_domain::ledger::LedgerError> for ApiError {
    fn from(err: debtflow_domain::ledger::LedgerError) -> Self {
        ApiError::internal(err)
    }
}

impl From<debtflow_domain::MoneyError> for ApiError {
    fn from(err: debtflow_domain::MoneyError) -> Self {
        ApiError::internal(err)
    }
}

/// A use case's failure, as the client sees it.
impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Invalid { field, message } => ApiError::field(field, message),
            ServiceError::Refused(refusal) => ApiError::Refused(refusal),
            ServiceError::Store(err) => err.into(),
            invariant @ ServiceError::Invariant(_) => ApiError::internal(invariant),
        }
    }
}

/// `validator` failures, flattened to dotted field paths.
impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = FieldErrors::new();
        flatten_validation("", &errors, &mut fields);
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        let detail = format!("Invalid fields: {}.", names.join(", "));
        ApiError::Validation { detail, errors: fields }
    }
}

fn flatten_validation(prefix: &str, errors: &validator::ValidationErrors, out: &mut FieldErrors) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            Kind::Field(list) => out
                .entry(path)
                .or_default()
                .extend(list.iter().map(|e| e.message.as_ref().map_or_else(|| sentence(e), ToString::to_string))),
            Kind::Struct(inner) => flatten_validation(&path, inner, out),
            Kind::List(items) => {
                for (i, inner) in items {
                    flatten_validation(&format!("{path}.{i}"), inner, out);
                }
            }
        }
    }
}

/// A validation rule without a message of its own, said as a sentence about the bound
/// the value broke (`length` with `min = 1` on "" is "must not be empty", not "length").
fn sentence(e: &validator::ValidationError) -> String {
    let number = |name: &str| e.params.get(name).and_then(serde_json::Value::as_f64);
    let shown = |name: &str| e.params.get(name).map(|v| v.to_string()).unwrap_or_default();
    let value = e.params.get("value");
    match e.code.as_ref() {
        "length" => {
            // A list's length counts its items, a text's its characters.
            let (len, unit) = match value {
                Some(serde_json::Value::Array(items)) => (Some(items.len() as f64), "items"),
                v => (v.and_then(|v| v.as_str()).map(|s| s.chars().count() as f64), "characters"),
            };
            match (len, number("min"), number("max"), number("equal")) {
                (_, _, _, Some(_)) => format!("must be exactly {} {unit}", shown("equal")),
                (Some(len), Some(min), _, _) if len < min && min <= 1.0 => "must not be empty".into(),
                (Some(len), Some(min), _, _) if len < min => format!("must be at least {} {unit}", shown("min")),
                (_, _, Some(_), _) => format!("must be at most {} {unit}", shown("max")),
                _ => format!("must be at least {} {unit}", shown("min")),
            }
        }
        "range" => {
            let v = value.and_then(serde_json::Value::as_f64);
            match (v, number("min"), number("max")) {
                (Some(v), Some(min), _) if v < min => format!("must be at least {}", shown("min")),
                (Some(v), _, Some(max)) if v > max => format!("must be at most {}", shown("max")),
                (_, Some(_), Some(_)) => format!("must be from {} to {}", shown("min"), shown("max")),
                (_, Some(_), None) => format!("must be at least {}", shown("min")),
                _ => format!("must be at most {}", shown("max")),
            }
        }
        "email" => "must be an email address".into(),
        "url" => "must be a URL".into(),
        "required" => "is required".into(),
        _ => "is not valid".into(),
    }
}

fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

/// Rewrites an error response that the framework produced itself (an unmatched
/// method, a panic turned 500) into problem+json; responses that already are
/// problem+json pass untouched. Installed as the default `ErrorHandlers` handler.
/// A 405 problem whose `Allow` lists `methods` (RFC 9110: a 405 says what is allowed).
pub fn method_not_allowed(methods: &[&str]) -> HttpResponse {
    let mut response = ApiError::MethodNotAllowed.error_response();
    if let Ok(allow) = header::HeaderValue::from_str(&methods.join(", ")) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

pub fn normalize<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let replacement = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound.error_response(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed.error_response(),
        _ => {
            if status.is_server_error() {
                tracing::error!(%status, "the framework answered with a server error");
            }
            let reason = status.canonical_reason().unwrap_or("Error");
            HttpResponse::build(status).content_type(PROBLEM_JSON).json(Problem {
                kind: format!("urn:debtflow:problem:http-{}", status.as_u16()),
                title: reason.to_owned(),
                status: status.as_u16(),
                detail: reason.to_owned(),
                errors: None,
                allowed_transitions: None,
                current_status: None,
                allowed_statuses: None,
                existing_id: None,
                allowed_at: None,
            })
        }
    };
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, replacement).map_into_right_body()))
}

/// Reusable OpenAPI responses for the errors most endpoints share.
pub mod responses {
    use super::Problem;
    use utoipa::ToResponse;

    /// Missing, invalid, expired or revoked access token.
    #[derive(ToResponse)]
    #[response(
        description = "Missing, invalid, expired or revoked access token",
        content_type = "application/problem+json"
    )]
    pub struct Unauthorized(#[allow(dead_code)] Problem);

    /// The caller's role may not perform the operation.
    #[derive(ToResponse)]
    #[response(
        description = "The caller's role may not do this (`forbidden`), or the caller signed in with a temporary password and must change it first (`password-change-required`)",
        content_type = "application/problem+json"
    )]
    pub struct Forbidden(#[allow(dead_code)] Problem);

    /// No such resource in the caller's agency.
    #[derive(ToResponse)]
    #[response(description = "No such resource in the caller's agency", content_type = "application/problem+json")]
    pub struct NotFound(#[allow(dead_code)] Problem);

    /// A field or parameter is invalid; `errors` names it.
    #[derive(ToResponse)]
    #[response(
        description = "Invalid field or parameter; `errors` names it",
        content_type = "application/problem+json"
    )]
    pub struct Invalid(#[allow(dead_code)] Problem);

    /// Malformed JSON, or a bad request.
    #[derive(ToResponse)]
    #[response(description = "Malformed JSON or request", content_type = "application/problem+json")]
    pub struct BadRequest(#[allow(dead_code)] Problem);

    /// A business rule refuses the request in the current state; the problem's `type`
    /// says which (see the README's "Problem types").
    #[derive(ToResponse)]
    #[response(
        description = "Refused by a business rule; `type` names it (`urn:debtflow:problem:wrong-status`, …)",
        content_type = "application/problem+json"
    )]
    pub struct Conflict(#[allow(dead_code)] Problem);

    /// Too many requests; see `Retry-After`.
    #[derive(ToResponse)]
    #[response(
        description = "Too many requests; retry after `Retry-After` seconds",
        content_type = "application/problem+json"
    )]
    pub struct TooManyRequests(#[allow(dead_code)] Problem);

    /// The database could not answer in time; nothing was written.
    #[derive(ToResponse)]
    #[response(
        description = "The database could not answer now (a lock or statement timeout, no free connection, a \
                       restart); nothing was written: retry after `Retry-After` seconds",
        content_type = "application/problem+json"
    )]
    pub struct Busy(#[allow(dead_code)] Problem);

    /// The body is larger than the endpoint accepts.
    #[derive(ToResponse)]
    #[response(description = "The body is larger than the limit", content_type = "application/problem+json")]
    pub struct PayloadTooLarge(#[allow(dead_code)] Problem);

    /// A server the request needed failed.
    #[derive(ToResponse)]
    #[response(
        description = "A server the request needed (the agency's SFTP server) failed; `detail` says how",
        content_type = "application/problem+json"
    )]
    pub struct BadGateway(#[allow(dead_code)] Problem);

    /// The body is not of the media type the endpoint reads.
    #[derive(ToResponse)]
    #[response(description = "Wrong Content-Type for this endpoint", content_type = "application/problem+json")]
    pub struct UnsupportedMediaType(#[allow(dead_code)] Problem);
}

#[cfg(test)]
mod tests {
    use super::sentence;
    use validator::ValidationError;

    fn error(code: &'static str, params: &[(&'static str, serde_json::Value)]) -> ValidationError {
        let mut e = ValidationError::new(code);
        for (k, v) in params {
            e.add_param((*k).into(), v);
        }
        e
    }

    #[test]
    fn a_rule_is_said_as_the_bound_the_value_broke() {
        use serde_json::json;
        let length = |value: &str| error("length", &[("min", json!(1)), ("max", json!(5)), ("value", json!(value))]);
        assert_eq!(sentence(&length("")), "must not be empty");
        assert_eq!(sentence(&length("toolong")), "must be at most 5 characters");
        let at_least = error("length", &[("min", json!(8)), ("value", json!("short"))]);
        assert_eq!(sentence(&at_least), "must be at least 8 characters");
        let list = error("length", &[("max", json!(2)), ("value", json!(["a", "b", "c"]))]);
        assert_eq!(sentence(&list), "must be at most 2 items");
        let range = |v: i64| error("range", &[("min", json!(0)), ("max", json!(3)), ("value", json!(v))]);
        assert_eq!(sentence(&range(7)), "must be at most 3");
        assert_eq!(sentence(&range(-1)), "must be at least 0");
        assert_eq!(sentence(&error("email", &[])), "must be an email address");
        assert_eq!(sentence(&error("custom_thing", &[])), "is not valid");
    }
}
