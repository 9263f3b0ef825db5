//! Work that runs by date rather than by request. The jobs issue adds the runner
//! (advisory lock, `job_runs`, the `debtflow job run` command, kill switches); each
//! job here is a function of the pool and the business date it runs for, idempotent
//! per date.

pub mod plan_defaults;
