//! The [`Mailer`]: one [`Mailer::tick`] writes the outbox (immediate mail, then due
//! digests) and sends what is due. See the module above for the pipeline and why two
//! replicas never send the same mail.

use super::{
    compose::{self, Composed, Item},
    MailError, LEASE, SMTP_TIMEOUT,
};
use crate::{
    clock::Clock,
    config::{MailConfig, SmtpTls},
    db::{self, Scope},
    store::{
        self,
        mail::{Claimed, NewDelivery, Outcome, Unmailed},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    mail::{after_failure, AfterFailure},
    notification::{self, digest_slot},
};
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sqlx::PgPool;
use uuid::Uuid;

/// Immediate notifications written to the outbox per transaction.
const ENQUEUE_BATCH: i64 = 200;

/// Mails sent per tick at most; the rest wait for the next tick.
const SEND_PER_TICK: usize = 500;

/// Writes and sends the mail of notifications.
#[derive(Clone)]
pub struct Mailer {
    pub db: PgPool,
    pub transport: AsyncSmtpTransport<Tokio1Executor>,
    pub clock: Clock,
    pub from: Mailbox,
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Immediate mails written to the outbox.
    pub immediate: usize,
    /// Digests written to the outbox.
    pub digests: usize,
    /// Mails the SMTP server took.
    pub sent: usize,
    /// Attempts that failed (to be retried, or given up).
    pub failed: usize,
}

impl Mailer {
    /// A mailer on `config`'s SMTP server (nothing connects until a mail is sent).
    pub fn new(config: &MailConfig, db: PgPool, clock: Clock) -> Result<Mailer, MailError> {
        type Transport = AsyncSmtpTransport<Tokio1Executor>;
        let builder = match config.tls {
            SmtpTls::StartTls => Transport::starttls_relay(&config.host)?,
            SmtpTls::Tls => Transport::relay(&config.host)?,
            SmtpTls::None => Transport::builder_dangerous(&config.host),
        };
        let mut builder = builder.port(config.port).timeout(Some(SMTP_TIMEOUT));
        if let Some((username, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(username.clone(), password.expose().to_owned()));
        }
        Ok(Mailer { db, transport: builder.build(), clock, from: config.from.clone() })
    }

    /// Writes the outbox and sends what is due at `now`. An SMTP failure is recorded
    /// on its mail, not returned; a database failure ends the tick (the next one
    /// resumes: every step is idempotent).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, MailError> {
        let immediate = self.enqueue_immediate(now).await?;
        let digests = self.enqueue_digests(now).await?;
        let (sent, failed) = self.send_due(now).await?;
        Ok(TickReport { immediate, digests, sent, failed })
    }

    /// One mail per `immediately` notification not mailed yet.
    async fn enqueue_immediate(&self, now: DateTime<Utc>) -> Result<usize, MailError> {
        let mut written = 0;
        loop {
            let mut tx = db::begin(&self.db, Scope::Platform).await?;
            let batch = store::mail::lock_immediate(&mut tx, ENQUEUE_BATCH).await?;
            for n in &batch {
                let Composed { subject, body } = compose::immediate(&item(n));
                let delivery = NewDelivery {
                    agency_id: n.agency_id,
                    id: Uuid::now_v7(),
                    recipient_id: n.recipient_id,
                    to_address: n.to_address.trim(),
                    delivery: notification::EmailDelivery::Immediately,
                    slot: None,
                    subject: &subject,
                    body: &body,
                    notifications: &[n.id],
                };
                written += usize::from(store::mail::enqueue(&mut tx, &delivery, now).await?);
            }
            tx.commit().await?;
            if (batch.len() as i64) < ENQUEUE_BATCH {
                return Ok(written);
            }
        }
    }

    /// One mail per recipient and digest whose slot is due with notifications written
    /// before it.
    async fn enqueue_digests(&self, now: DateTime<Utc>) -> Result<usize, MailError> {
        let waiting = {
            let mut tx = db::begin(&self.db, Scope::Platform).await?;
            let waiting = store::mail::digests_waiting(&mut tx, now).await?;
            tx.commit().await?;
            waiting
        };
        let mut written = 0;
        for w in waiting {
            // The slot reached on the agency's wall clock; nothing to do before the
            // oldest waiting notification's first slot.
            let Some(slot) = digest_slot(w.delivery, w.local_now) else { continue };
            if w.oldest >= slot {
                continue;
            }
            let mut tx = db::begin(&self.db, Scope::Agency(w.agency_id)).await?;
            store::mail::lock_digests_of(&mut tx, w.recipient_id).await?;
            let held = store::mail::lock_digest(&mut tx, w.recipient_id, w.delivery, slot).await?;
            let items: Vec<Item> = held.iter().map(item).collect();
            let Some(Composed { subject, body }) = compose::digest(w.delivery, slot, &items) else {
                tx.rollback().await?;
                continue;
            };
            let ids: Vec<Uuid> = held.iter().map(|n| n.id).collect();
            let delivery = NewDelivery {
                agency_id: w.agency_id,
                id: Uuid::now_v7(),
                recipient_id: w.recipient_id,
                to_address: w.to_address.trim(),
                delivery: w.delivery,
                slot: Some(slot),
                subject: &subject,
                body: &body,
                notifications: &ids,
            };
            written += usize::from(store::mail::enqueue(&mut tx, &delivery, now).await?);
            tx.commit().await?;
        }
        Ok(written)
    }

    /// Sends the due mails one by one: claim (a committed lease), send with nothing
    /// held open, record. Returns (sent, failed attempts).
    async fn send_due(&self, now: DateTime<Utc>) -> Result<(usize, usize), MailError> {
        let (mut sent, mut failed) = (0, 0);
        for _ in 0..SEND_PER_TICK {
            let claimed = {
                let mut tx = db::begin(&self.db, Scope::Platform).await?;
                let claimed = store::mail::claim_due(&mut tx, now, now + LEASE).await?;
                tx.commit().await?;
                match claimed {
                    Some(claimed) => claimed,
                    None => break,
                }
            };
            let error = self.send(&claimed, now).await.err();
            let outcome = match &error {
                None => Outcome::Sent,
                Some(Undeliverable::Address(error)) => Outcome::Failed { error },
                Some(Undeliverable::Smtp(error)) => match after_failure(claimed.attempts) {
                    AfterFailure::RetryIn(wait) => Outcome::Retry { error, at: now + wait },
                    AfterFailure::GiveUp => Outcome::Failed { error },
                },
            };
            if let Some(error) = &error {
                tracing::warn!(delivery = %claimed.id, agency_id = %claimed.agency_id, attempt = claimed.attempts,
                               error = error.message(), "a mail was not sent");
            }
            let mut tx = db::begin(&self.db, Scope::Platform).await?;
            let recorded = store::mail::record(&mut tx, &claimed, outcome, now).await?;
            tx.commit().await?;
            if !recorded {
                tracing::warn!(delivery = %claimed.id, "a mail's lease ran out before its outcome was recorded");
            }
            match outcome {
                Outcome::Sent => sent += 1,
                Outcome::Retry { .. } | Outcome::Failed { .. } => failed += 1,
            }
        }
        Ok((sent, failed))
    }

    /// One SMTP conversation for the claimed mail.
    async fn send(&self, mail: &Claimed, now: DateTime<Utc>) -> Result<(), Undeliverable> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e| Undeliverable::Address(format!("the address `{}` is invalid: {e}", mail.to_address)))?;
        let domain = self.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", mail.id)))
            .date(now.into())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| Undeliverable::Address(format!("the message cannot be built: {e}")))?;
        self.transport.send(message).await.map(drop).map_err(|e| Undeliverable::Smtp(smtp_error(&e)))
    }
}

/// Why an attempt failed.
#[derive(Debug)]
enum Undeliverable {
    /// No attempt can succeed: the mail fails at once.
    Address(String),
    /// The server refused it or could not be reached: worth another try.
    Smtp(String),
}

impl Undeliverable {
    fn message(&self) -> &str {
        match self {
            Undeliverable::Address(m) | Undeliverable::Smtp(m) => m,
        }
    }
}

/// An SMTP error with its causes (lettre's own text stops at the outermost one).
fn smtp_error(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// A notification as a mail shows it.
fn item(n: &Unmailed) -> Item {
    let link = notification::link(n.kind, n.entity_type.as_deref().zip(n.entity_id.as_deref()));
    Item { kind: n.kind, title: n.title.clone(), body: n.body.clone(), link, written: n.written }
}
