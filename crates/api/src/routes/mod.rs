//! HTTP handlers, one module per resource. Routes are wired in `crate::startup`.

pub mod health;
