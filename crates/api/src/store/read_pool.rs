//! Where a read that may lag behind the writes is served: the streaming replica
//! (`DATABASE_READ_URL`) while it answers, the primary otherwise.
//!
//! [`ReadPool::begin`] is the one place that chooses. These reads, and only these, go
//! through it:
//!
//! - the worklist, `GET /accounts` and `GET /accounts/count`;
//! - the dashboards and reports, JSON, CSV and PDF alike: `GET /analytics/dashboard`,
//!   `/analytics/collectors`, `/analytics/payments/trends`, `/analytics/aging-report`,
//!   `/reports/repayment-compliance` and `/reports/reconciliation`.
//!
//! They are safe to serve a few milliseconds — or, behind a struggling replica, seconds
//! — late: each summarises or lists many accounts as of a moment, and none is how a
//! caller confirms their own write. A write answers with what it wrote, and the reads
//! that follow one (an account's detail, its ledger, timeline and notes, a payment, a
//! plan, the audit trail and the other CSV exports, `/auth/me`) and every write stay on
//! the primary pool, as do the jobs. The access check of a caller's token is also the
//! primary's ([`db::check_access`]): a signed-out or deactivated user is refused at
//! once, and a session that has only just been opened is found, whatever the replica
//! has replayed so far.
//!
//! The fallback is a small circuit breaker, with no background loop. While the replica
//! serves, reads open there; the first that cannot (a connection refused or lost, no
//! connection free within [`ACQUIRE_TIMEOUT`], the database missing) marks it down and
//! opens on the primary instead, and so does every read for the next [`RETRY_AFTER`].
//! After that, the next read starts one probe (`SELECT 1`) beside itself and still goes
//! to the primary; the probe puts the replica back in service when it answers. So a
//! dead replica costs one read one acquire timeout, then nothing. `/health/ready` probes
//! live ([`ReadPool::replica_health`]) and updates the same state. A replica failing in
//! the middle of a read fails that read (503, the client may retry); the next one
//! finds it down. How far behind the replica is, is not measured: a streaming replica
//! that answers is milliseconds behind, and nothing here needs to be current.
//!
//! Every transaction opened here is read-only, on the primary too
//! ([`db::begin_read_only`]): a write slipping into one of these reads fails in every
//! test, not only against a hot standby.

use super::db::{self, Planning, Scope};
use sqlx::PgPool;
use std::{
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

/// How the replica's connections are named in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "debtflow-read";

/// How long a read waits for a replica connection before it goes to the primary: short,
/// as a replica that is down (a refused connection is retried until then) or
/// overloaded should cost a read little.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// How long the replica stays out of service after a failure before it is probed.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// The pools reads may come from: the replica's, one per process and shared by every
/// HTTP worker, and the primary's, each worker's own ([`ReadPool::on`]).
#[derive(Clone)]
pub struct ReadPool {
    primary: PgPool,
    replica: Option<Arc<Replica>>,
}

/// What `/health/ready` reports of the replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicaHealth {
    /// No `DATABASE_READ_URL`: every read goes to the primary.
    NotConfigured,
    /// It answers; the reads above go to it.
    Up,
    /// It does not answer; the reads above go to the primary.
    Down,
}

struct Replica {
    pool: PgPool,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Serving,
    Down { since: Instant },
    Probing,
}

impl ReadPool {
    /// Reads from `primary` only.
    pub fn primary_only(primary: PgPool) -> Self {
        ReadPool { primary, replica: None }
    }

    /// Reads from the replica at `url` when it answers, else from `primary`. Connects on
    /// first use, so a replica that is down does not stop the process from starting.
    pub fn with_replica(
        primary: PgPool,
        url: &str,
        max_connections: u32,
        statement_timeout_ms: u64,
    ) -> Result<Self, sqlx::Error> {
        // Unlike the primary's (`db::ping_when_idle`), a replica connection is pinged on
        // every acquire, sqlx's default: a replica that went away is found there, and the
        // read falls back to the primary instead of failing.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(db::connect_options(url, APPLICATION_NAME, statement_timeout_ms)?);
        let replica = Replica { pool, state: Mutex::new(State::Serving) };
        Ok(ReadPool { primary, replica: Some(Arc::new(replica)) })
    }

    /// The same replica (its pool and its state), with `primary` for the reads that go
    /// there: an HTTP worker's own pool (`store::worker_pools`).
    pub fn on(&self, primary: PgPool) -> Self {
        ReadPool { primary, replica: self.replica.clone() }
    }

    /// Begins a read-only transaction of `scope` on the replica if it serves, else on
    /// the primary (see the module's documentation for which reads may call this).
    pub async fn begin(
        &self,
        scope: Scope,
        planning: Planning,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        let Some(replica) = self.replica.as_ref().filter(|replica| replica.serves()) else {
            return db::begin_read_only(&self.primary, scope, planning).await;
        };
        let scope = match scope {
            Scope::Caller(caller) => {
                db::check_access(&self.primary, caller).await?;
                caller.agency_id.map_or(Scope::Platform, Scope::Agency)
            }
            other => other,
        };
        match db::begin_read_only(&replica.pool, scope, planning).await {
            Ok(tx) => Ok(tx),
            Err(err) => {
                replica.failed(&err);
                db::begin_read_only(&self.primary, scope, planning).await
            }
        }
    }

    /// Whether the replica answers now (a live probe, which also puts it back in
    /// service or takes it out), for `/health/ready`.
    pub async fn replica_health(&self) -> ReplicaHealth {
        match &self.replica {
            None => ReplicaHealth::NotConfigured,
            Some(replica) if replica.probe().await => ReplicaHealth::Up,
            Some(_) => ReplicaHealth::Down,
        }
    }
}

impl Replica {
    /// Whether reads go here now; starts a probe when a down replica is due one.
    fn serves(self: &Arc<Self>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            State::Serving => true,
            State::Probing => false,
            State::Down { since } => {
                if since.elapsed() >= RETRY_AFTER {
                    *state = State::Probing;
                    let replica = Arc::clone(self);
                    tokio::spawn(async move { replica.probe().await });
                }
                false
            }
        }
    }

    fn failed(&self, err: &sqlx::Error) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*state, State::Serving) {
            tracing::warn!(error = %err, "read replica down: reads go to the primary");
        }
        *state = State::Down { since: Instant::now() };
    }

    /// `SELECT 1` on the replica; records what it found.
    async fn probe(&self) -> bool {
        let answer = tokio::time::timeout(ACQUIRE_TIMEOUT * 2, sqlx::query("SELECT 1").execute(&self.pool)).await;
        match answer {
            Ok(Ok(_)) => {
                let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                if !matches!(*state, State::Serving) {
                    tracing::info!("read replica answers again: reads go to it");
                }
                *state = State::Serving;
                true
            }
            Ok(Err(err)) => {
                self.failed(&err);
                false
            }
            Err(_) => {
                self.failed(&sqlx::Error::PoolTimedOut);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port nothing listens on (bound, then released).
    fn closed_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_replica_that_does_not_answer_is_down_within_the_timeout_and_takes_no_reads() {
        let nowhere = format!("postgres://debtflow@127.0.0.1:{}/debtflow", closed_port());
        let primary = sqlx::postgres::PgPoolOptions::new().connect_lazy(&nowhere).unwrap();
        let reads = ReadPool::with_replica(primary.clone(), &nowhere, 2, 1000).unwrap();
        let replica = reads.replica.clone().unwrap();
        assert!(replica.serves(), "in service until it fails");

        let started = Instant::now();
        assert_eq!(reads.replica_health().await, ReplicaHealth::Down);

        assert!(started.elapsed() < ACQUIRE_TIMEOUT * 2, "{:?}", started.elapsed());
        assert!(!replica.serves(), "reads go to the primary until a probe finds it back");
        assert_eq!(ReadPool::primary_only(primary).replica_health().await, ReplicaHealth::NotConfigured);
    }
}
