//! The task each `serve` process runs: it listens to PostgreSQL, dispatches committed
//! notifications and hands what was dispatched to this process's streams.

use super::{Hub, LiveEvent};
use crate::{db, store};
use sqlx::{
    postgres::{PgListener, PgNotification},
    PgPool,
};
use std::{
    sync::{Arc, Weak},
    time::Duration,
};
use uuid::Uuid;

/// How often a process dispatches and fans out without being woken.
pub const SWEEP: Duration = Duration::from_secs(2);

const WRITTEN: &str = "notifications_written";
const DISPATCHED: &str = "notifications_dispatched";
pub const IMPORT_PROGRESS: &str = "import_progress";

/// Runs for as long as `hub` lives (the server that owns it).
pub fn spawn(db: PgPool, hub: Weak<Hub>) {
    tokio::spawn(async move {
        while hub.strong_count() > 0 && !db.is_closed() {
            if let Err(err) = listen(&db, &hub).await {
                tracing::warn!(error = %err, "live notifications: the listener failed; starting again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    });
}

async fn listen(db: &PgPool, hub: &Weak<Hub>) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(db).await?;
    listener.listen_all([WRITTEN, DISPATCHED, IMPORT_PROGRESS]).await?;
    let mut seen = {
        let mut tx = db::begin(db, db::Scope::Platform).await?;
        let last = store::notifications::last_dispatched(&mut tx).await?;
        tx.commit().await?;
        last
    };
    let mut sweep = tokio::time::interval(SWEEP);
    let mut acted = tokio::time::Instant::now() - GATHER;
    loop {
        let Some(hub) = hub.upgrade() else { return Ok(()) };
        tokio::select! {
            message = listener.try_recv() => {
                // `None`: the connection was lost (and is re-made on the next call); what
                // it missed is caught up now.
                let Some(first) = message? else {
                    seen = catch_up(db, &hub, seen).await?;
                    continue;
                };
                // A burst of commits (a payment each) is one dispatch, not one each: take
                // every message already arrived, and those arriving until GATHER after the
                // last time this acted, before acting; or a backlog would queue new events
                // behind thousands of dispatches.
                let mut wake = Wake::default();
                wake.add(&hub, first);
                let until = acted + GATHER;
                while wake.messages < DRAIN_AT_MOST {
                    match tokio::time::timeout_at(until, listener.try_recv()).await {
                        Ok(Ok(Some(next))) => wake.add(&hub, next),
                        Ok(Ok(None)) => {
                            wake.lost = true;
                            break;
                        }
                        Ok(Err(err)) => return Err(err),
                        Err(_) => break, // nothing more has arrived
                    }
                }
                if wake.lost {
                    seen = catch_up(db, &hub, seen).await?;
                    continue;
                }
                acted = tokio::time::Instant::now();
                if wake.written {
                    dispatch(db).await?;
                }
                if let Some(to) = wake.dispatched {
                    seen = fan_out(db, &hub, seen, to).await?;
                }
            }
            _ = sweep.tick() => seen = catch_up(db, &hub, seen).await?,
        }
    }
}

/// Notifications read per fan-out query.
const FAN_OUT_PAGE: i64 = 2_000;

/// How soon after it last acted a wake acts again, taking the messages that arrive
/// meanwhile with it. Every payment's commit wakes every process: acting on each, a
/// steady stream of payments cost a dispatch (four statements and a fan-out) each; now
/// at most one per GATHER. A wake after a quiet spell acts at once.
const GATHER: Duration = Duration::from_millis(10);

/// The most messages taken in one go before acting on them.
const DRAIN_AT_MOST: usize = 10_000;

/// What a batch of notifications from PostgreSQL asks for.
#[derive(Default)]
struct Wake {
    messages: usize,
    written: bool,
    /// The last place announced.
    dispatched: Option<i64>,
    /// The connection was lost meanwhile.
    lost: bool,
}

impl Wake {
    fn add(&mut self, hub: &Hub, n: PgNotification) {
        self.messages += 1;
        match n.channel() {
            WRITTEN => self.written = true,
            DISPATCHED => self.dispatched = self.dispatched.max(n.payload().parse().ok()),
            _ => publish_progress(hub, n.payload()),
        }
    }
}

async fn dispatch(db: &PgPool) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db::begin(db, db::Scope::Platform).await?;
    let last = store::notifications::dispatch(&mut tx).await?;
    tx.commit().await?;
    Ok(last)
}

async fn catch_up(db: &PgPool, hub: &Hub, seen: i64) -> Result<i64, sqlx::Error> {
    dispatch(db).await?;
    let mut tx = db::begin(db, db::Scope::Platform).await?;
    let last = store::notifications::last_dispatched(&mut tx).await?;
    tx.commit().await?;
    fan_out(db, hub, seen, last).await
}

/// Hands the notifications dispatched in `(seen, to]` to their recipients' streams;
/// returns the new `seen`.
async fn fan_out(db: &PgPool, hub: &Hub, seen: i64, to: i64) -> Result<i64, sqlx::Error> {
    if to <= seen {
        return Ok(seen);
    }
    let mut from = seen;
    // Page by page, so a job notifying a hundred thousand people holds one page.
    while hub.streams() > 0 && from < to {
        let mut tx = db::begin(db, db::Scope::Platform).await?;
        let rows = store::notifications::dispatched_between(&mut tx, from, to, FAN_OUT_PAGE).await?;
        tx.commit().await?;
        let full = rows.len() == FAN_OUT_PAGE as usize;
        for row in rows {
            from = row.seq.unwrap_or(from);
            let recipient = row.recipient_id;
            hub.publish(recipient, &LiveEvent::Notification(Arc::new(row)));
        }
        if !full {
            break;
        }
    }
    Ok(to)
}

/// `<uploader> <import>` from an import's committed batch → the uploader's streams.
fn publish_progress(hub: &Hub, payload: &str) {
    let mut ids = payload.split(' ').map(str::parse::<Uuid>);
    if let (Some(Ok(recipient)), Some(Ok(import))) = (ids.next(), ids.next()) {
        hub.publish(recipient, &LiveEvent::ImportProgress(import));
    }
}
