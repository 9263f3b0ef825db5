//! DebtFlow's API: the actix-web application and what the `debtflow` command runs.
//!
//! A request goes route (`routes`: parse, authorise with the role table, open the
//! transaction) → one use case of `services` (HTTP-free: a function of the
//! transaction, who acts, a command and the clock's instant, returning a typed error) →
//! domain rules (`debtflow_domain`) → `store` (the only SQL; a leaf that depends on
//! sqlx and the domain only) → JSON. Errors leave through `problem::ApiError` as
//! problem+json, each business rule with its own problem type. `scripts/module-cycles.py`
//! keeps the module graph free of cycles.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod edge;
pub mod export;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod letters;
pub mod live;
pub mod mail;
pub mod memory;
pub mod messages;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod reports;
pub mod routes;
pub mod seed;
pub mod services;
pub mod signature;
pub mod spa;
pub mod startup;
pub mod store;
pub use store::db;
pub mod telemetry;
pub mod webhooks;
