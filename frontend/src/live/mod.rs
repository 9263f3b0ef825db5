//! The live stream of the signed-in user's notifications (`GET
//! /notifications/stream`, server-sent events) and what it feeds: the unread count,
//! the notifications that arrived while the user works (the toasts), and the latest
//! progress of each import the user started.
//!
//! The stream needs the bearer token, which `EventSource` cannot send, so it is read
//! with `fetch` and a `ReadableStream` reader, and parsed by [`sse::Parser`]. After a
//! drop it reconnects with `Last-Event-ID` (the server first sends what was missed),
//! waiting longer after each failed try; after `token_expired` it reconnects with a
//! fresh token (from [`crate::api::access_token`]); a refused token goes through the
//! API client's refresh, and `revoked` ends the session the way every call does
//! ([`crate::api::session_lost`]). It runs while a user is signed in ([`Live::follow`]).

pub mod sse;

use crate::{
    api::{self, imports::Import, notifications::Notification},
    session::Session,
};
use gloo_net::http::RequestBuilder;
use leptos::prelude::*;
use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const STREAM: &str = "/api/v1/notifications/stream";
/// Toasts shown at once; an older one goes when a newer one comes.
const MAX_TOASTS: usize = 3;
/// The longest wait between two tries to reconnect.
const MAX_BACKOFF_MS: u32 = 30_000;

thread_local! {
    /// Bumped to stop the running stream: a task of an older generation ends.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static ABORT: RefCell<Option<web_sys::AbortController>> = const { RefCell::new(None) };
    /// The last event received: where the stream resumes, also after the session
    /// dialog (forgotten on logout).
    static LAST_ID: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What the stream feeds, shared by the bell, the toasts, the notification page and
/// the imports screen (context of the whole app).
#[derive(Clone, Copy)]
pub struct Live {
    /// The user's unread notifications (`None` until known).
    pub unread: RwSignal<Option<i64>>,
    /// Notifications that arrived live and are not dismissed yet, oldest first.
    pub toasts: RwSignal<Vec<Notification>>,
    /// How many notifications arrived live (lists read it to reload).
    pub received: RwSignal<u64>,
    /// The latest `import_progress` of each import, by id.
    pub imports: RwSignal<HashMap<Uuid, Import>>,
    /// Whether a stream is open now (else the imports screen polls).
    pub connected: RwSignal<bool>,
    /// The unread count asked last: an older answer arriving late is ignored.
    count_asked: StoredValue<u64>,
}

impl Live {
    pub fn new() -> Self {
        Live {
            unread: RwSignal::new(None),
            toasts: RwSignal::new(Vec::new()),
            received: RwSignal::new(0),
            imports: RwSignal::new(HashMap::new()),
            connected: RwSignal::new(false),
            count_asked: StoredValue::new(0),
        }
    }

    /// Runs the stream while a user is signed in and the session holds; stops it on
    /// logout (forgetting what it fed) and while the session dialog is up.
    pub fn follow(self, session: Session) {
        Effect::new(move |_| {
            let signed_in = session.user.with(|u| u.is_some());
            let lost = session.lost.get();
            // A temporary password opens no stream until it is changed.
            if signed_in && !lost && !session.must_change_password() {
                self.start();
            } else {
                self.stop();
                if !signed_in {
                    LAST_ID.with(|l| *l.borrow_mut() = None);
                    self.unread.set(None);
                    self.toasts.set(Vec::new());
                    self.imports.set(HashMap::new());
                }
            }
        });
    }

    fn start(self) {
        if RUNNING.get() {
            return;
        }
        RUNNING.set(true);
        let generation = GENERATION.get();
        leptos::task::spawn_local(run(self, generation));
    }

    fn stop(self) {
        GENERATION.set(GENERATION.get() + 1);
        RUNNING.set(false);
        if let Some(controller) = ABORT.with(|a| a.borrow_mut().take()) {
            controller.abort();
        }
        self.connected.set(false);
    }

    /// Asks the API for the unread count (after a change the stream does not tell).
    pub fn refresh_count(self) {
        let asked = self.count_asked.get_value() + 1;
        self.count_asked.set_value(asked);
        leptos::task::spawn_local(async move {
            if let Ok(n) = api::notifications::unread_count().await {
                if self.count_asked.get_value() == asked {
                    self.unread.set(Some(n));
                }
            }
        });
    }

    /// The count as an answer of the API gave it (mark read, read all, a list).
    pub fn set_count(self, n: i64) {
        self.count_asked.update_value(|a| *a += 1);
        self.unread.set(Some(n));
    }

    fn arrived(self, n: Notification) {
        if n.is_unread() {
            self.unread.update(|c| *c = c.map(|c| c + 1));
        }
        self.toasts.update(|t| {
            t.push(n);
            let extra = t.len().saturating_sub(MAX_TOASTS);
            t.drain(..extra);
        });
        self.received.update(|r| *r += 1);
        // The increment shows at once; the count is then read back, to be exact.
        self.refresh_count();
    }

    pub fn dismiss(self, id: Uuid) {
        self.toasts.update(|t| t.retain(|n| n.id != id));
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

fn current(generation: u64) -> bool {
    GENERATION.get() == generation
}

/// How one connection ended.
#[derive(Debug, PartialEq)]
enum End {
    /// Closed, dropped or refused: try again after a while. `delivered`: it had
    /// delivered something, so the wait starts over.
    Dropped { delivered: bool },
    /// The server said the access token expired: reconnect with a fresh one.
    TokenExpired,
    /// 401: the token was refused.
    Unauthorized,
    /// The session ended on the server.
    Revoked,
}

/// The wait before try number `failures` (1, 2, …) to reconnect: the server's
/// `retry` doubled each time, at most [`MAX_BACKOFF_MS`].
pub fn backoff_ms(retry_ms: u32, failures: u32) -> u32 {
    let factor = 1u32.checked_shl(failures.saturating_sub(1).min(16)).unwrap_or(u32::MAX);
    retry_ms.max(250).saturating_mul(factor).min(MAX_BACKOFF_MS)
}

async fn run(live: Live, generation: u64) {
    let mut last_id = LAST_ID.with(|l| l.borrow().clone());
    let mut retry_ms = 2_000;
    let mut failures = 0u32;
    while current(generation) {
        let Some(token) = api::access_token().await else {
            if current(generation) {
                api::session_lost();
            }
            break;
        };
        if !current(generation) {
            break;
        }
        let end = connect(live, generation, &token, &mut last_id, &mut retry_ms).await;
        if !current(generation) {
            break;
        }
        live.connected.set(false);
        match end {
            End::Revoked => {
                api::session_lost();
                break;
            }
            End::TokenExpired => {
                failures = 0;
                continue;
            }
            End::Unauthorized => {
                // Through the API client: it refreshes the token, or ends the session.
                let _ = api::notifications::unread_count().await;
                failures += 1;
            }
            End::Dropped { delivered: true } => failures = 1,
            End::Dropped { delivered: false } => failures += 1,
        }
        if current(generation) {
            sleep(backoff_ms(retry_ms, failures)).await;
        }
    }
    if current(generation) {
        RUNNING.set(false);
    }
}

/// One connection: until it ends, or the stream is stopped.
async fn connect(live: Live, generation: u64, token: &str, last_id: &mut Option<String>, retry_ms: &mut u32) -> End {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let mut req = RequestBuilder::new(STREAM)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "text/event-stream")
        .abort_signal(signal.as_ref());
    if let Some(id) = last_id.as_deref() {
        req = req.header("Last-Event-ID", id);
    }
    ABORT.with(|a| *a.borrow_mut() = controller);
    let resp = match req.send().await {
        Ok(resp) => resp,
        Err(_) => return End::Dropped { delivered: false },
    };
    match resp.status() {
        200 => {}
        401 => return End::Unauthorized,
        // A resume point the server does not know: start afresh.
        422 => {
            *last_id = None;
            LAST_ID.with(|l| *l.borrow_mut() = None);
            return End::Dropped { delivered: false };
        }
        _ => return End::Dropped { delivered: false },
    }
    let Some(reader) = resp.body().and_then(|b| b.get_reader().dyn_into::<web_sys::ReadableStreamDefaultReader>().ok())
    else {
        return End::Dropped { delivered: false };
    };
    live.connected.set(true);
    live.refresh_count();
    let mut parser = sse::Parser::new();
    let mut delivered = false;
    loop {
        let Ok(chunk) = JsFuture::from(reader.read()).await else {
            return End::Dropped { delivered };
        };
        if !current(generation) {
            let _ = reader.cancel();
            return End::Dropped { delivered };
        }
        let chunk: web_sys::ReadableStreamReadResult = chunk.unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return End::Dropped { delivered };
        }
        let bytes = js_sys::Uint8Array::new(&chunk.get_value()).to_vec();
        for event in parser.push(&bytes) {
            delivered = true;
            if let Some(id) = parser.last_id() {
                *last_id = Some(id.to_owned());
                LAST_ID.with(|l| l.borrow_mut().clone_from(last_id));
            }
            match event.name.as_str() {
                "notification" => {
                    if let Ok(n) = serde_json::from_str::<Notification>(&event.data) {
                        live.arrived(n);
                    }
                }
                "import_progress" => {
                    if let Ok(import) = serde_json::from_str::<Import>(&event.data) {
                        live.imports.update(|m| {
                            m.insert(import.id, import);
                        });
                    }
                }
                "token_expired" => return End::TokenExpired,
                "revoked" => return End::Revoked,
                _ => {}
            }
        }
        if let Some(ms) = parser.retry_ms {
            *retry_ms = ms;
        }
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn reconnecting_waits_longer_after_each_failure_up_to_thirty_seconds() {
        assert_eq!(backoff_ms(2_000, 1), 2_000);
        assert_eq!(backoff_ms(2_000, 2), 4_000);
        assert_eq!(backoff_ms(2_000, 3), 8_000);
        assert_eq!(backoff_ms(2_000, 5), 30_000);
        assert_eq!(backoff_ms(2_000, 200), 30_000, "no overflow");
        assert_eq!(backoff_ms(0, 1), 250, "a retry of 0 does not spin");
        assert_eq!(backoff_ms(2_000, 0), 2_000);
    }
}
