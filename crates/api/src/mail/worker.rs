//! The mailer inside `debtflow serve`: a tick every `MAIL_POLL_SECS`, on the server's
//! clock, until the server's pool closes. Started only when mail is configured.

use super::Mailer;
use std::time::Duration;

/// Runs `mailer.tick(clock.now())` every `every`, the first one `every` after the start.
/// A failed tick is logged and the next one tries again.
pub fn spawn_worker(mailer: Mailer, every: Duration) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !mailer.db.is_closed() {
            interval.tick().await;
            match mailer.tick(mailer.clock.now()).await {
                Ok(report) if report != Default::default() => tracing::info!(?report, "mail"),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "the mailer's tick failed"),
            }
        }
    });
}
