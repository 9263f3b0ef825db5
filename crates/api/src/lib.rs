//! DebtFlow's API: the actix-web application and what the `debtflow` command runs.
//!
//! A request goes route (`routes`) → extractors (`edge`, `auth`) → a service function
//! that owns the transaction → domain rules (`debtflow_domain`) → `store` (the only
//! SQL) → JSON. Errors leave through `problem::ApiError` as problem+json.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod edge;
pub mod idempotency;
pub mod jobs;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod routes;
pub mod seed;
pub mod services;
pub mod spa;
pub mod startup;
pub mod store;
pub use store::db;
pub mod telemetry;
