//! What went wrong with a request: an RFC 9457 problem from the API, or a failure to
//! reach it (status 0), with what forms need to show it.

use serde::Deserialize;
use std::collections::BTreeMap;

/// An RFC 9457 problem, or a failure to reach the API (status 0).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Problem {
    /// `urn:debtflow:problem:<code>` (empty when the server could not be reached).
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    /// For a contact attempt a guardrail refused: when it becomes allowed.
    #[serde(default)]
    pub allowed_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn network(e: impl std::fmt::Display) -> Self {
        Problem {
            status: 0,
            title: "The server cannot be reached".into(),
            detail: format!("Check your connection and try again ({e})."),
            ..Default::default()
        }
    }

    pub(crate) fn decode(e: impl std::fmt::Display) -> Self {
        Problem {
            status: 0,
            title: "Unexpected answer from the server".into(),
            detail: e.to_string(),
            ..Default::default()
        }
    }

    /// A field refused in the browser, before anything was sent (the same rule the
    /// server applies, from the domain crate).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Problem {
            status: 422,
            title: "Check the field marked".into(),
            errors: Some(BTreeMap::from([(field.to_owned(), vec![message.into()])])),
            ..Default::default()
        }
    }

    /// The amount typed in `field`, in the app's own format (`1,250.00`), as the API
    /// takes it (`1250.00`); or the problem to show beside the field.
    pub fn amount(field: &str, text: &str, currency: &str) -> Result<rust_decimal::Decimal, Problem> {
        let currency =
            debtflow_domain::Currency::parse(currency).map_err(|e| Problem::invalid(field, e.to_string()))?;
        debtflow_domain::Money::typed(text, currency)
            .map(|m| m.amount())
            .map_err(|e| Problem::invalid(field, e.to_string()))
    }

    pub fn session_expired() -> Self {
        Problem {
            status: 401,
            title: "Your session has ended".into(),
            detail: "Please log in again.".into(),
            ..Default::default()
        }
    }

    /// The messages about one field, if the problem names it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.errors.as_ref()?.get(name).map(|m| m.join(" "))
    }

    /// Whether the problem names fields (shown beside them, not again atop the form).
    pub fn names_fields(&self) -> bool {
        self.errors.as_ref().is_some_and(|e| !e.is_empty())
    }

    /// One line for the top of a form.
    pub fn message(&self) -> String {
        if self.detail.is_empty() || self.detail == self.title {
            self.title.clone()
        } else {
            format!("{}: {}", self.title, self.detail)
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;
