//! The only place with SQL: one module per aggregate.

pub mod agencies;
pub mod users;
