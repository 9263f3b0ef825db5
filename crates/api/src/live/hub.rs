//! The process's live subscribers: each open stream registers its user here, and the
//! fan-out publishes to every stream of a user. A subscriber's buffer is capped: one
//! that falls [`BUFFER`] events behind is dropped, its stream closes, and its client
//! resumes from its last event id (so a slow client never holds memory unbounded, and
//! misses nothing).

use crate::store::notifications::NotificationRow;
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Events a stream may fall behind by before it is closed.
pub const BUFFER: usize = 256;

/// What a stream carries.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A notification shown in the app, in delivery order.
    Notification(Arc<NotificationRow>),
    /// An import of the user committed a batch (the id; not kept: a reconnecting
    /// client reads the import itself).
    ImportProgress(Uuid),
}

/// Each user's open streams, by subscription id.
type Streams = HashMap<Uuid, Vec<(u64, mpsc::Sender<LiveEvent>)>>;

#[derive(Debug, Default)]
pub struct Hub {
    next_id: AtomicU64,
    subscribers: Mutex<Streams>,
}

/// A registration; dropping it unsubscribes.
pub struct Subscription {
    hub: Arc<Hub>,
    user: Uuid,
    id: u64,
    pub events: mpsc::Receiver<LiveEvent>,
}

impl Hub {
    pub fn subscribe(self: &Arc<Self>, user: Uuid) -> Subscription {
        let (tx, events) = mpsc::channel(BUFFER);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().entry(user).or_default().push((id, tx));
        Subscription { hub: Arc::clone(self), user, id, events }
    }

    /// Hands `event` to every stream of `user`; a stream whose buffer is full, or
    /// that has gone, is dropped.
    pub fn publish(&self, user: Uuid, event: &LiveEvent) {
        let mut subscribers = self.lock();
        if let Some(streams) = subscribers.get_mut(&user) {
            streams.retain(|(_, tx)| tx.try_send(event.clone()).is_ok());
            if streams.is_empty() {
                subscribers.remove(&user);
            }
        }
    }

    /// Ends every open stream (the process is stopping): each client reconnects, to
    /// another replica, from its last event id.
    pub fn close_all(&self) {
        self.lock().clear();
    }

    /// Open streams in this process.
    pub fn streams(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Streams> {
        self.subscribers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut subscribers = self.hub.lock();
        if let Some(streams) = subscribers.get_mut(&self.user) {
            streams.retain(|(id, _)| *id != self.id);
            if streams.is_empty() {
                subscribers.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress() -> LiveEvent {
        LiveEvent::ImportProgress(Uuid::now_v7())
    }

    #[tokio::test]
    async fn a_user_s_streams_each_get_the_event_and_others_do_not() {
        let hub = Arc::new(Hub::default());
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let mut a1 = hub.subscribe(alice);
        let mut a2 = hub.subscribe(alice);
        let mut b = hub.subscribe(bob);
        hub.publish(alice, &progress());
        assert!(matches!(a1.events.try_recv(), Ok(LiveEvent::ImportProgress(_))));
        assert!(matches!(a2.events.try_recv(), Ok(LiveEvent::ImportProgress(_))));
        assert!(b.events.try_recv().is_err());
        drop(a1);
        assert_eq!(hub.streams(), 2);
        hub.close_all();
        assert!(a2.events.recv().await.is_none() && b.events.recv().await.is_none(), "ended");
    }

    #[tokio::test]
    async fn a_stream_that_falls_a_buffer_behind_is_closed() {
        let hub = Arc::new(Hub::default());
        let user = Uuid::now_v7();
        let mut slow = hub.subscribe(user);
        for _ in 0..=BUFFER {
            hub.publish(user, &progress());
        }
        assert_eq!(hub.streams(), 0, "dropped on the event that did not fit");
        let mut received = 0;
        while slow.events.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, BUFFER, "what fitted is delivered, then the stream ends");
    }
}
