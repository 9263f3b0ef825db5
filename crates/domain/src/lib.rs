//! DebtFlow's domain: the business rules, free of IO.
//!
//! Nothing here talks to a database, a network or a clock: functions take `today`
//! or `now` as arguments. The crate builds for `wasm32-unknown-unknown`, so the SPA
//! uses the very same rules the API enforces (`make test` checks that build).

pub mod account;
pub mod agency;
pub mod analytics;
pub mod api_key;
pub mod audit;
pub mod contact;
pub mod date;
pub mod decimal;
pub mod document;
pub mod fee;
pub mod import;
pub mod job;
pub mod ledger;
pub mod mail;
pub mod money;
mod names;
pub mod notification;
pub mod payment;
pub mod permission;
pub mod plan;
pub mod promise;
pub mod remedial;
pub mod reminder;
pub mod role;
pub mod staff;
pub mod us_zone;
pub mod validation;
pub mod webhook;

pub use account::{AccountStatus, Bucket, Priority};
pub use money::{Currency, Money, MoneyError, TypedAmountError};
pub use role::Role;
