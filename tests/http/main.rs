//! Black-box HTTP tests: the real server on a random port, a fresh database each.

mod accounts;
mod assignment;
mod audit;
mod auth;
mod collectors;
mod docs;
mod edge;
mod health;
mod import_cli;
mod imports;
mod job_rules;
mod jobs;
mod matrix;
mod metrics;
mod payments;
mod plans;
mod problems;
mod reliability;
mod scheduler;
mod seed;
mod sftp;
mod shutdown;
mod spa;
mod tenancy;
mod unapplied;
mod worklist;
