//! The HTTP edge: what every request passes through before and after its handler —
//! request ids and access logs, metrics, rate limits, path normalization, the JSON
//! body extractor and the error-body normalization of `crate::problem`.

pub mod json;
pub mod metrics;
pub mod path;
pub mod query;
pub mod rate_limit;
pub mod request_id;
