//! Outbound webhooks: events written to an outbox by the transaction of the change,
//! delivered signed to the agencies' endpoints by every `debtflow serve` process.
//!
//! 1. **Emission.** A use case that makes a change an integrator may want to hear of
//!    (`services::webhooks`: a payment completed or refunded, an account's status or
//!    collector changed, a plan approved or defaulted, an import finished) writes the
//!    event in its own transaction, with one delivery per active endpoint of the agency
//!    subscribed to the type, in one statement (`store::webhooks::emit`). A rollback
//!    takes the event with it; a commit wakes the senders (`NOTIFY webhook_deliveries`).
//!    An agency without a subscribed endpoint writes nothing.
//! 2. **Sending** ([`worker`]). Each process claims due deliveries one at a time in a
//!    short transaction (`FOR UPDATE SKIP LOCKED`, so two processes claim different
//!    rows) that counts the attempt and leases the delivery ([`Webhooks::lease`]: well
//!    past the request timeout), and commits. The POST runs with no transaction and no
//!    lock open, up to [`worker::CONCURRENCY`] at once per process. The attempt is then
//!    recorded, and the delivery's outcome written only if it is still at the claimed
//!    attempt. A process that dies mid-request leaves the delivery due again when its
//!    lease ends, so a delivery is made once — except when a receiver took the request
//!    and the process died before recording it: then it is sent again with the same
//!    event id, which receivers use to ignore copies (at-least-once, idempotent by id).
//! 3. **Outcome.** A 2xx answer succeeds. Anything else — another status, a redirect,
//!    no answer within `WEBHOOKS_TIMEOUT_SECS` — is retried on the domain's schedule
//!    (`debtflow_domain::webhook::after_failure`: 30 s doubling to an hour, for a day),
//!    then the delivery is `failed`. A replay puts it back to pending, with a new day.
//!
//! Each request carries `DebtFlow-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<body>")>` — [`crate::signature`], the scheme DebtFlow accepts from its card
//! processor — plus `DebtFlow-Event-Id` and `DebtFlow-Event-Type`; the body is a
//! [`events::WebhookEvent`]. For a day after a secret is rotated the header carries a
//! second `v1`, made with the former secret.

pub mod events;
pub mod sender;
pub mod worker;

use crate::{clock::Clock, config::Config, crypto::FieldCipher};
use sender::Sender;
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};

/// What the senders of one process share.
#[derive(Clone)]
pub struct Webhooks {
    pub db: PgPool,
    pub clock: Clock,
    sender: Sender,
    cipher: Arc<FieldCipher>,
    /// How often to look for due deliveries without being woken.
    poll: Duration,
    /// How long a claimed delivery is left to its sender.
    lease: chrono::TimeDelta,
}

impl Webhooks {
    pub fn new(config: &Config, db: PgPool, clock: Clock) -> Result<Self, reqwest::Error> {
        let settings = &config.webhooks;
        // The request's timeout, twice, and half a minute to record the outcome.
        let lease = settings.timeout.saturating_mul(2).saturating_add(Duration::from_secs(30));
        let lease = chrono::TimeDelta::from_std(lease).unwrap_or(chrono::TimeDelta::days(1));
        Ok(Webhooks {
            db,
            clock,
            sender: Sender::new(settings)?,
            cipher: Arc::new(FieldCipher::new(&config.data_encryption_key.0)),
            poll: settings.poll,
            lease,
        })
    }

    /// How long a claimed delivery is left to its sender before another may take it.
    pub fn lease(&self) -> chrono::TimeDelta {
        self.lease
    }
}
