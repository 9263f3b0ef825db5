//! The JSON of DebtFlow's API, as Rust types: what the API answers, built by the API
//! (`debtflow-api`, which adds the OpenAPI schemas with the `openapi` feature) and read
//! by the SPA (`debtflow-frontend`, in wasm), so the two cannot drift apart. Ids are
//! [`uuid::Uuid`], dates [`chrono::NaiveDate`], instants `DateTime<Utc>`, amounts
//! [`rust_decimal::Decimal`] written as decimal strings, statuses the domain's enums.
//!
//! One module per area of the API; the types only, no behaviour and no IO. Requests
//! stay with the API's handlers, which validate them (`validator`); the operators'
//! answers (`/health`, the mail outbox) stay there too, as no client of ours reads them.

pub mod accounts;
pub mod agencies;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod documents;
pub mod imports;
pub mod jobs;
pub mod ledger;
pub mod notifications;
pub mod page;
pub mod payments;
pub mod plans;
pub mod remedial;
pub mod reports;
pub mod settings;
pub mod users;

pub use page::Page;
