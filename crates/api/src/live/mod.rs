//! Live delivery: what the notification centre pushes to open streams, across every
//! `debtflow serve` process.
//!
//! A notification is written by the transaction of its event (the outbox). When that
//! commits, a trigger's `NOTIFY notifications_written` wakes the [`fanout`] task of
//! every process; each runs the dispatcher ([`crate::store::notifications::dispatch`]),
//! which — one at a time, under a transaction lock — gives the committed rows their
//! place in the delivery order (`seq`) and announces the last place with `NOTIFY
//! notifications_dispatched`. Every process then reads the rows it has not seen and
//! hands each to the open streams of its recipient ([`hub`]). A stream's event id is
//! the place, so a client that reconnects with `Last-Event-ID` is sent exactly what it
//! missed: places are given in commit order, so nothing can appear behind an id it
//! has seen. A sweep every [`fanout::SWEEP`] catches anything a lost connection missed.
//!
//! Import progress rides the same streams (`NOTIFY import_progress` from each
//! committed batch) but is not kept: a client that reconnects reads the import.

pub mod fanout;
pub mod hub;
pub mod sse;

pub use hub::{Hub, LiveEvent};
