//! Each HTTP worker's own pool of connections to the primary.
//!
//! actix runs every HTTP worker on a single-threaded runtime of its own, and a
//! connection's socket is driven by the runtime that opened it. From one pool shared by
//! the process, a request often got a connection that the other worker had opened, or
//! the process's own runtime (the jobs, the webhook deliveries, the live fan-out): each
//! reply from PostgreSQL then woke that other thread first, and it woke the request's —
//! two wake-ups a round trip instead of one, on every statement. So each worker opens a
//! pool of its own on first use, its share of `DATABASE_MAX_CONNECTIONS`; the background
//! work keeps the process's pool, whose connections only its runtime uses. Measured on
//! the bench's payments (README, *Benchmarks*): the server's thread switches a payment
//! from 25 to 16.5 at concurrency 1 and from 18 to 8.5 at 8, a sixth more payments a
//! second.

use sqlx::PgPool;
use std::sync::{Mutex, PoisonError};

/// The process's pool, and the pools its HTTP workers opened from it.
pub struct WorkerPools {
    process: PgPool,
    per_worker: u32,
    opened: Mutex<Vec<PgPool>>,
}

/// Connections open and, of them, idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub open: u32,
    pub idle: u32,
}

impl WorkerPools {
    /// `connections` shared out evenly among `workers` (rounded up, at least one each).
    pub fn new(process: PgPool, connections: u32, workers: usize) -> Self {
        let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
        let per_worker = connections.div_ceil(workers).max(1);
        WorkerPools { process, per_worker, opened: Mutex::new(Vec::new()) }
    }

    /// A pool for the calling worker, as the process's is (its connection options, how
    /// it checks a connection, its timeouts) but with the worker's share of connections.
    /// Called on the worker's thread: its connections are opened there, on first use.
    /// (A worker whose thread died, which actix replaces, leaves its pool here, counted
    /// in [`WorkerPools::usage`]; handlers' panics are caught before they kill one.)
    pub fn open(&self) -> PgPool {
        let options = self.process.options().clone().max_connections(self.per_worker);
        let pool = options.connect_lazy_with((*self.process.connect_options()).clone());
        self.opened.lock().unwrap_or_else(PoisonError::into_inner).push(pool.clone());
        pool
    }

    /// What the process's pool and every worker's hold now.
    pub fn usage(&self) -> Usage {
        let opened = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        std::iter::once(&self.process).chain(opened.iter()).fold(Usage::default(), |sum, pool| Usage {
            open: sum.open + pool.size(),
            idle: sum.idle + u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(max: u32) -> PgPool {
        sqlx::postgres::PgPoolOptions::new().max_connections(max).connect_lazy("postgres://nowhere/db").unwrap()
    }

    #[tokio::test]
    async fn the_connections_are_shared_out_among_the_workers_rounded_up() {
        for (connections, workers, each) in [(8, 2, 4), (10, 4, 3), (1, 2, 1), (3, 1, 3), (5, 0, 5)] {
            let pools = WorkerPools::new(process(20), connections, workers);
            let pool = pools.open();
            assert_eq!(pool.options().get_max_connections(), each, "{connections} among {workers}");
            assert_eq!(pool.options().get_acquire_timeout(), pools.process.options().get_acquire_timeout());
        }
    }
}
