//! `/payments`: recording payments, approving backdated ones, refunds, applying
//! unapplied money, and the card processor's webhook. Every request that moves money
//! carries an Idempotency-Key ([`crate::idempotency`]); each handler parses, checks the
//! role table and calls one use case of [`crate::services::payments`].

pub mod apply;
pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod refund;
pub mod webhook;

pub use debtflow_wire::payments::Payment;
