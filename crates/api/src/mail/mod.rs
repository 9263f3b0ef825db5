//! Mail for the notification centre: notifications their recipients want by e-mail,
//! sent over SMTP (`SMTP_HOST` and friends, off by default), with a sent-mail log.
//!
//! The pipeline is an outbox. A notification is written, with the event it describes,
//! carrying its recipient's e-mail preference (`notifications.email`, set by a trigger).
//! The event never waits for mail and never fails because of it: everything below
//! happens later, in [`Mailer::tick`], which `debtflow serve` runs every
//! `MAIL_POLL_SECS` ([`worker::spawn_worker`]):
//!
//! 1. **Immediate mail.** Each `immediately` notification not yet in a mail, whose
//!    recipient is active and has an address, becomes one `mail_deliveries` row, and
//!    the notification is marked `mailed_in` that row — in one transaction, so a
//!    crash writes both or neither, and a second tick finds nothing left to do.
//! 2. **Digests.** For each recipient with `daily_digest` / `weekly_digest`
//!    notifications waiting, the latest slot reached on the agency's wall clock
//!    (`notification::digest_slot`: 07:00 daily, Monday 07:00 weekly) is due if some
//!    of them were written before it: one delivery for (recipient, delivery, slot)
//!    holds them all ([`compose::digest`]), and they are marked `mailed_in` it. The
//!    unique index on (recipient, delivery, slot) makes a second digest of a slot
//!    impossible; what is written after the slot waits for the next one.
//! 3. **Sending.** Each pending delivery due (`next_attempt_at <= now`) is claimed,
//!    sent, and its outcome recorded: `sent` with `sent_at`, or one more failed
//!    attempt with `last_error`, retried 1 minute later, doubling up to an hour
//!    (`debtflow_domain::mail::after_failure`); after 8 attempts it is `failed`.
//!
//! **Several replicas.** Every replica runs the mailer; none sends a mail another is
//! sending. Writing the outbox locks the notifications it reads (`FOR UPDATE SKIP
//! LOCKED` for immediate mail; a per-recipient transaction lock for digests) and
//! re-checks `mailed_in`, so a notification is put in one mail only. Sending uses a
//! lease rather than a lock held across the SMTP call: a short transaction claims one
//! due delivery (`FOR UPDATE SKIP LOCKED`, so two replicas claim different rows), counts
//! the attempt and moves its `next_attempt_at` [`LEASE`] ahead, then commits; the SMTP
//! call runs with no transaction and no lock open; the outcome is written only if the
//! row is still at the claimed attempt. The lease outlasts the SMTP timeout
//! ([`SMTP_TIMEOUT`]), so no other replica can take a mail while it is being sent; a
//! replica that dies mid-send leaves the mail due again when its lease ends. (A
//! replica-wide advisory lock per tick would also be safe, but it would hold a pooled
//! connection through every SMTP call and let one slow server stall all mail.) The
//! one case SMTP cannot rule out — the server took the mail and the replica died
//! before recording it — sends it again; the Message-ID is the delivery's id, so the
//! receiving side can tell the copy.

pub mod compose;
pub mod mailer;
pub mod worker;

pub use mailer::{Mailer, TickReport};

use std::time::Duration;

/// The longest an SMTP conversation may take before it counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a claimed delivery is left to its sender: well past [`SMTP_TIMEOUT`].
pub const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Why the mailer could not be built or could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP settings cannot make a transport (say, a host that is no TLS name).
    #[error("the SMTP settings are unusable: {0}")]
    Transport(#[from] lettre::transport::smtp::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
