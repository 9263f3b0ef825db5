//! Black-box HTTP tests: the real server on a random port, a fresh database each.

mod docs;
mod edge;
mod health;
mod metrics;
mod seed;
mod spa;
