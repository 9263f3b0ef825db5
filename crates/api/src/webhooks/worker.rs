//! The senders inside each `debtflow serve` process: woken by `NOTIFY
//! webhook_deliveries` when a transaction made deliveries due, and every
//! `WEBHOOKS_POLL_MS` besides (retries come due with no one to tell; a lost listener
//! misses wake-ups), for as long as the server that owns them lives.

use super::{
    events::WebhookEvent,
    sender::{Answer, Sender},
    Webhooks,
};
use crate::{
    db::{self, Scope},
    live::Hub,
    signature,
    store::{
        self,
        webhooks::{Attempt, Claimed, Outcome, CHANNEL},
    },
};
use debtflow_domain::webhook::{after_failure, AfterFailure};
use sqlx::postgres::PgListener;
use std::{sync::Weak, time::Duration};
use tokio::task::JoinSet;

/// Deliveries one process sends at once: a slow receiver holds one of them, not all.
pub const CONCURRENCY: usize = 8;

/// Runs the senders until the server that owns `server` is gone or the pool closes.
/// Requests in flight then are left to end (their leases cover them if they do not).
pub fn spawn(webhooks: Webhooks, server: Weak<Hub>) {
    tokio::spawn(async move {
        let mut sending = JoinSet::new();
        while server.strong_count() > 0 && !webhooks.db.is_closed() {
            if let Err(error) = webhooks.run(&server, &mut sending).await {
                tracing::warn!(%error, "webhooks: the listener failed; starting again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        sending.detach_all();
    });
}

/// Notifications taken at most in one go before looking for due deliveries.
const DRAIN_AT_MOST: usize = 10_000;

impl Webhooks {
    /// Listens and sends until the server is gone; an error of the listener ends it.
    async fn run(&self, server: &Weak<Hub>, sending: &mut JoinSet<()>) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.db).await?;
        listener.listen(CHANNEL).await?;
        let mut poll = tokio::time::interval(self.poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if server.strong_count() == 0 || self.db.is_closed() {
                return Ok(());
            }
            while sending.len() < CONCURRENCY {
                match self.claim().await {
                    Ok(Some(claimed)) => {
                        let webhooks = self.clone();
                        sending.spawn(async move { webhooks.deliver(claimed).await });
                    }
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(%error, "webhooks: could not claim a delivery");
                        break;
                    }
                }
            }
            tokio::select! {
                // A request ended: its slot is free.
                Some(_) = sending.join_next(), if !sending.is_empty() => {}
                message = listener.try_recv() => {
                    // `None`: the connection was lost (and is re-made on the next call);
                    // the claims above catch up on what it missed. A burst of commits is
                    // one wake-up.
                    if message?.is_some() {
                        for _ in 0..DRAIN_AT_MOST {
                            match tokio::time::timeout(Duration::ZERO, listener.try_recv()).await {
                                Ok(Ok(Some(_))) => continue,
                                Ok(Err(error)) => return Err(error),
                                Ok(Ok(None)) | Err(_) => break,
                            }
                        }
                    }
                }
                _ = poll.tick() => {}
            }
        }
    }

    /// Claims the delivery due longest, with its lease committed.
    async fn claim(&self) -> Result<Option<Claimed>, sqlx::Error> {
        let now = self.clock.now();
        let mut tx = db::begin(&self.db, Scope::Platform).await?;
        let claimed = store::webhooks::claim_due(&mut tx, now, now + self.lease).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    /// One attempt of the claimed delivery: sign, POST with nothing held open, record.
    async fn deliver(&self, claimed: Claimed) {
        let attempted_at = self.clock.now();
        let started = std::time::Instant::now();
        let answer = self.send(&claimed, attempted_at).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let error = answer.error();
        let outcome = if answer.succeeded() {
            Outcome::Succeeded
        } else {
            let attempt = u32::try_from(claimed.attempts - claimed.window_attempts).unwrap_or(1);
            match after_failure(claimed.window_starts_at, attempt, self.clock.now()) {
                AfterFailure::RetryAt(at) => Outcome::Retry { at },
                AfterFailure::GiveUp => Outcome::Failed,
            }
        };
        if let Some(error) = &error {
            tracing::info!(delivery = %claimed.id, agency_id = %claimed.agency_id, attempt = claimed.attempts,
                           ?outcome, error, "a webhook was not delivered");
        }
        let attempt = Attempt { attempted_at, status_code: answer.status_code(), error: error.as_deref(), duration_ms };
        match self.record(&claimed, &attempt, outcome).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(delivery = %claimed.id, "a webhook's outcome came after its lease or a change"),
            Err(error) => tracing::error!(delivery = %claimed.id, %error, "a webhook's outcome could not be recorded"),
        }
    }

    /// The signed request of the claimed delivery.
    async fn send(&self, claimed: &Claimed, now: chrono::DateTime<chrono::Utc>) -> Answer {
        let mut secrets = Vec::with_capacity(2);
        for stored in std::iter::once(&claimed.secret_enc).chain(&claimed.previous_secret_enc) {
            match self.cipher.decrypt(stored) {
                Some(secret) => secrets.push(secret),
                None => {
                    return Answer::NoAnswer(
                        "the signing secret cannot be read (was DATA_ENCRYPTION_KEY changed?)".into(),
                    )
                }
            }
        }
        let event = WebhookEvent {
            id: claimed.event_id,
            event_type: claimed.event_type,
            created_at: claimed.event_created_at,
            agency_id: claimed.agency_id,
            data: claimed.payload.clone(),
        };
        let body = match serde_json::to_vec(&event) {
            Ok(body) => body,
            Err(error) => return Answer::NoAnswer(format!("the event cannot be written: {error}")),
        };
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let signature = signature::header(&secrets, now.timestamp(), &body);
        Sender::send(&self.sender, &claimed.url, (claimed.event_id, claimed.event_type), &signature, body).await
    }

    async fn record(&self, claimed: &Claimed, attempt: &Attempt<'_>, outcome: Outcome) -> Result<bool, sqlx::Error> {
        let mut tx = db::begin(&self.db, Scope::Platform).await?;
        let recorded = store::webhooks::record(&mut tx, claimed, attempt, outcome).await?;
        tx.commit().await?;
        Ok(recorded)
    }
}
