//! The token store: the access and refresh tokens (kept in the tab's session storage),
//! refreshed in the background shortly before the access token expires and on a 401,
//! one refresh at a time; the app is told when the session cannot go on.

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::{cell::RefCell, rc::Rc, time::Duration};

use super::BASE;
pub(super) use debtflow_wire::auth::TokenPair;
const STORAGE_KEY: &str = "debtflow.session";
/// Refresh this long before the access token expires.
const REFRESH_AHEAD_MS: f64 = 60_000.0;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Tokens {
    access: String,
    refresh: String,
    /// Milliseconds since the epoch.
    expires_at: f64,
}

thread_local! {
    static TOKENS: RefCell<Option<Tokens>> = RefCell::new(load_tokens());
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, bool>>>> = const { RefCell::new(None) };
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static ON_SESSION_LOST: RefCell<Option<Rc<dyn Fn()>>> = RefCell::new(None);
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn load_tokens() -> Option<Tokens> {
    let raw = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}

pub(super) fn set_tokens(tokens: Option<Tokens>) {
    if let Some(s) = storage() {
        let _ = match &tokens {
            Some(t) => s.set_item(STORAGE_KEY, &serde_json::to_string(t).unwrap_or_default()),
            None => s.remove_item(STORAGE_KEY),
        };
    }
    TOKENS.with(|t| *t.borrow_mut() = tokens);
    schedule_refresh();
}

pub(super) fn store_pair(pair: TokenPair) {
    set_tokens(Some(Tokens {
        access: pair.access,
        refresh: pair.refresh,
        expires_at: now_ms() + pair.expires_in as f64 * 1000.0,
    }));
}

/// Whether tokens are held (the user may still have to be checked with `me`).
pub fn has_session() -> bool {
    TOKENS.with(|t| t.borrow().is_some())
}

/// Registers what to do when the session cannot be refreshed (back to login).
pub fn on_session_lost(f: impl Fn() + 'static) {
    ON_SESSION_LOST.with(|c| *c.borrow_mut() = Some(Rc::new(f)));
}

/// The session is over (refresh refused, or revoked): forget the tokens, tell the app.
pub(crate) fn session_lost() {
    set_tokens(None);
    if let Some(f) = ON_SESSION_LOST.with(|c| c.borrow().clone()) {
        f();
    }
}

/// Arms the background refresh shortly before the access token expires.
fn schedule_refresh() {
    TIMER.with(|t| {
        if let Some(h) = t.borrow_mut().take() {
            h.clear();
        }
    });
    let Some(expires_at) = TOKENS.with(|t| t.borrow().as_ref().map(|t| t.expires_at)) else { return };
    let wait = (expires_at - REFRESH_AHEAD_MS - now_ms()).max(1_000.0);
    let handle = set_timeout_with_handle(
        || {
            leptos::task::spawn_local(async {
                if !refresh().await {
                    session_lost();
                }
            })
        },
        Duration::from_millis(wait as u64),
    );
    if let Ok(h) = handle {
        TIMER.with(|t| *t.borrow_mut() = Some(h));
    }
}

/// Spends the refresh token for a new pair; one refresh at a time (a refresh token
/// presented twice revokes the session).
pub(super) async fn refresh() -> bool {
    let existing = REFRESHING.with(|r| r.borrow().clone());
    let fut = match existing {
        Some(f) => f,
        None => {
            let f = do_refresh().boxed_local().shared();
            REFRESHING.with(|r| *r.borrow_mut() = Some(f.clone()));
            f
        }
    };
    let ok = fut.await;
    REFRESHING.with(|r| *r.borrow_mut() = None);
    ok
}

async fn do_refresh() -> bool {
    let Some(refresh) = TOKENS.with(|t| t.borrow().as_ref().map(|t| t.refresh.clone())) else { return false };
    let Ok(req) = RequestBuilder::new(&format!("{BASE}/auth/token/refresh"))
        .method(Method::POST)
        .json(&json!({ "refresh": refresh }))
    else {
        return false;
    };
    match req.send().await {
        Ok(resp) if resp.ok() => match resp.json::<TokenPair>().await {
            Ok(pair) => {
                store_pair(pair);
                true
            }
            Err(_) => false,
        },
        _ => false,
    }
}

/// A valid access token, refreshed first when it is about to expire (`None`: there is
/// no session, or it could not be refreshed). For the calls that cannot go through
/// [`send`]: the live stream ([`crate::live`]).
pub(crate) async fn access_token() -> Option<String> {
    let (access, expires_at) = TOKENS.with(|t| t.borrow().as_ref().map(|t| (t.access.clone(), t.expires_at)))?;
    if expires_at - now_ms() > 10_000.0 {
        return Some(access);
    }
    if refresh().await {
        TOKENS.with(|t| t.borrow().as_ref().map(|t| t.access.clone()))
    } else {
        None
    }
}
