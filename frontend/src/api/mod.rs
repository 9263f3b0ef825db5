//! The typed client of the public REST API (`/api/v1`). Only this module touches the
//! tokens: it adds the bearer header, refreshes the access token before it expires (in
//! the background and on a 401), and tells the session when it cannot. The calls and
//! wire types of the accounts' work live here; each other area has its submodule, built
//! on [`get`], [`post`] and [`send`].
//!
//! - [`problem`]: what went wrong;
//! - [`remedial`] and [`documents`]: legal cases, recovery actions, write-offs and the
//!   documents on an account;
//! - [`tokens`]: the token store and its refresh;
//! - [`types`]: the wire types of the accounts' work.

use debtflow_domain::{fee::FeeKind, payment::PaymentStatus, plan::PlanStatus, AccountStatus};
use gloo_net::http::{Method, RequestBuilder, Response};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod documents;
pub mod imports;
pub mod jobs;
pub mod notifications;
mod problem;
pub mod remedial;
pub mod settings;
pub mod staff;
mod tokens;
mod types;
pub mod webhooks;

pub use problem::{ApiResult, Problem};
pub(crate) use tokens::{access_token, session_lost};
pub use tokens::{has_session, on_session_lost};
use tokens::{now_ms, refresh, set_tokens, store_pair, TokenPair};
pub use types::*;

pub(crate) const BASE: &str = "/api/v1";

// ----- requests -----------------------------------------------------------------------

async fn problem_of(resp: Response) -> Problem {
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after").and_then(|v| v.trim().parse().ok());
    let text = resp.text().await.unwrap_or_default();
    let mut p: Problem = serde_json::from_str(&text).unwrap_or_else(|_| Problem {
        title: format!("The server answered {status}"),
        detail: if status >= 500 { "Please try again in a moment.".into() } else { String::new() },
        ..Default::default()
    });
    p.status = status;
    p.retry_after = retry_after;
    p
}

/// A request's body: JSON, or a form the browser encodes as `multipart/form-data`.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    None,
    Json(&'a Value),
    Form(&'a web_sys::FormData),
}

async fn send_once(method: Method, path: &str, body: Body<'_>, idem: Option<&str>) -> ApiResult<Response> {
    let Some(token) = access_token().await else {
        session_lost();
        return Err(Problem::session_expired());
    };
    let mut req = RequestBuilder::new(&format!("{BASE}{path}"))
        .method(method)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json");
    if let Some(key) = idem {
        req = req.header("Idempotency-Key", key);
    }
    let req = match body {
        Body::Json(b) => req.json(b).map_err(Problem::decode)?,
        // No Content-Type of ours: the browser writes it, with the boundary.
        Body::Form(form) => req.body(form.clone()).map_err(Problem::decode)?,
        Body::None => req.build().map_err(Problem::decode)?,
    };
    req.send().await.map_err(Problem::network)
}

pub(crate) async fn send(method: Method, path: &str, body: Option<&Value>, idem: Option<&str>) -> ApiResult<Response> {
    send_body(method, path, body.map_or(Body::None, Body::Json), idem).await
}

/// [`send`] with any [`Body`]: the bearer token, one refresh and retry on a 401, the
/// session ended when that fails; a non-2xx answer as its problem.
pub(crate) async fn send_body(method: Method, path: &str, body: Body<'_>, idem: Option<&str>) -> ApiResult<Response> {
    let mut resp = send_once(method.clone(), path, body, idem).await?;
    if resp.status() == 401 {
        // The access token was refused (expired early, or revoked): one refresh, one retry.
        if !refresh().await {
            session_lost();
            return Err(Problem::session_expired());
        }
        resp = send_once(method, path, body, idem).await?;
        if resp.status() == 401 {
            session_lost();
            return Err(Problem::session_expired());
        }
    }
    if resp.ok() {
        Ok(resp)
    } else {
        Err(problem_of(resp).await)
    }
}

pub(crate) async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    send(Method::GET, path, None, None).await?.json().await.map_err(Problem::decode)
}

pub(crate) async fn post<T: DeserializeOwned>(path: &str, body: &Value, idem: Option<&str>) -> ApiResult<T> {
    send(Method::POST, path, Some(body), idem).await?.json().await.map_err(Problem::decode)
}

/// A PATCH, answered with the changed resource.
pub(crate) async fn patch<T: DeserializeOwned>(path: &str, body: &Value) -> ApiResult<T> {
    send(Method::PATCH, path, Some(body), None).await?.json().await.map_err(Problem::decode)
}

/// A PUT, answered with the stored resource.
pub(crate) async fn put<T: DeserializeOwned>(path: &str, body: &Value) -> ApiResult<T> {
    send(Method::PUT, path, Some(body), None).await?.json().await.map_err(Problem::decode)
}

/// A DELETE, answered with no content.
pub(crate) async fn delete(path: &str) -> ApiResult<()> {
    send(Method::DELETE, path, None, None).await.map(|_| ())
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    crate::format::url_encode(s)
}

/// A fresh random Idempotency-Key (128 bits, hex).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut bytes);
    }
    if bytes == [0u8; 16] {
        let seed = (js_sys::Math::random() * 1e15) as u64 ^ now_ms() as u64;
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ----- endpoints --------------------------------------------------------------------------

/// Logs in; 401, 423 (with Retry-After), 429 and network failures come back as problems.
pub async fn login(username: &str, password: &str) -> ApiResult<Me> {
    let req = RequestBuilder::new(&format!("{BASE}/auth/token"))
        .method(Method::POST)
        .json(&json!({ "username": username, "password": password }))
        .map_err(Problem::decode)?;
    let resp = req.send().await.map_err(Problem::network)?;
    if !resp.ok() {
        return Err(problem_of(resp).await);
    }
    let pair: TokenPair = resp.json().await.map_err(Problem::decode)?;
    store_pair(pair);
    me().await
}

pub async fn me() -> ApiResult<Me> {
    get("/auth/me").await
}

/// Changes the caller's password, then takes fresh tokens: the ones issued at a login
/// with a temporary password open nothing else. Returns the caller as they are now.
pub async fn change_password(current: &str, new: &str) -> ApiResult<Me> {
    let body = json!({ "current_password": current, "new_password": new });
    send(Method::POST, "/auth/password", Some(&body), None).await?;
    if !refresh().await {
        session_lost();
        return Err(Problem::session_expired());
    }
    me().await
}

pub async fn logout() {
    if has_session() {
        let _ = send(Method::POST, "/auth/logout", Some(&json!({})), None).await;
    }
    set_tokens(None);
}

/// `POST /accounts`: a debtor and their account (not idempotent by key: a second
/// account with the same reference is refused 409).
pub async fn create_account(body: &Value) -> ApiResult<Account> {
    post("/accounts", body, None).await
}

/// A list's query string for one page: `filters` (a query string, maybe empty), then the
/// page size and the cursor of the page (empty: the first).
pub fn paged(filters: &str, limit: u32, cursor: &str) -> String {
    let mut q = if filters.is_empty() { format!("limit={limit}") } else { format!("{filters}&limit={limit}") };
    if !cursor.is_empty() {
        q.push_str(&format!("&cursor={}", enc(cursor)));
    }
    q
}

/// The path of a list's CSV download: `path` (`/payments`) with its `filters` (a query
/// string, maybe empty) and `format=csv`.
pub fn csv_path(path: &str, filters: &str) -> String {
    if filters.is_empty() {
        format!("{path}?format=csv")
    } else {
        format!("{path}?{filters}&format=csv")
    }
}

/// What a list answers with `format=csv` (`path` from [`csv_path`]).
pub async fn csv(path: &str) -> ApiResult<String> {
    send(Method::GET, path, None, None).await?.text().await.map_err(Problem::decode)
}

/// The agency's payments, newest recorded first; `query` is the filters and paging.
pub async fn payments(query: &str) -> ApiResult<Page<Payment>> {
    get(&format!("/payments?{query}")).await
}

pub async fn accounts(query: &str) -> ApiResult<Page<Account>> {
    get(&format!("/accounts?{query}")).await
}

/// How many accounts the worklist's filters select (`query`: the filters alone).
pub async fn count_accounts(query: &str) -> ApiResult<i64> {
    get::<AccountCount>(&format!("/accounts/count?{query}")).await.map(|c| c.total)
}

pub async fn account(id: Uuid) -> ApiResult<AccountDetail> {
    get(&format!("/accounts/{}", id)).await
}

pub async fn timeline(id: Uuid) -> ApiResult<Page<TimelineEvent>> {
    get(&format!("/accounts/{}/timeline?limit=100", id)).await
}

pub async fn ledger(id: Uuid) -> ApiResult<Ledger> {
    get(&format!("/accounts/{}/ledger?limit=100", id)).await
}

pub async fn collectors() -> ApiResult<Page<User>> {
    get("/collectors?limit=200").await
}

/// `PATCH /accounts/{id}`: contact data, priority, due date (only the fields given).
pub async fn update_account(id: Uuid, body: &Value) -> ApiResult<AccountDetail> {
    patch(&format!("/accounts/{}", id), body).await
}

/// `POST /accounts/{id}/pauses`: the account does not age from `starts_on` to `ends_on`.
pub async fn pause_aging(id: Uuid, body: &Value) -> ApiResult<Value> {
    post(&format!("/accounts/{}/pauses", id), body, None).await
}

/// `POST /accounts/{id}/contacts`: an attempt to reach the debtor, which the
/// Regulation F guardrails may refuse (409, `allowed_at`).
pub async fn record_contact(id: Uuid, body: &Value) -> ApiResult<ContactAttempt> {
    post(&format!("/accounts/{id}/contacts"), body, None).await
}

/// The account's latest contact attempts, newest first.
pub async fn contacts(id: Uuid) -> ApiResult<Page<ContactAttempt>> {
    get(&format!("/accounts/{id}/contacts?limit=10")).await
}

/// The account's promises to pay, the latest due first.
pub async fn promises(id: Uuid) -> ApiResult<Vec<Promise>> {
    get(&format!("/accounts/{id}/promises")).await
}

/// `POST /accounts/{id}/promises`: a promise to pay, or a short series of them
/// (`items`: amount and due date each), answered with them, pending.
pub async fn make_promises(id: Uuid, body: &Value) -> ApiResult<Vec<Promise>> {
    post(&format!("/accounts/{id}/promises"), body, None).await
}

/// Cancels a pending promise, with the reason.
pub async fn cancel_promise(id: Uuid, promise_id: Uuid, reason: &str) -> ApiResult<Promise> {
    post(&format!("/accounts/{id}/promises/{promise_id}/cancel"), &json!({ "reason": reason }), None).await
}

/// The blocks on the account's debtor: those in force first, then the cleared ones.
pub async fn contact_blocks(id: Uuid) -> ApiResult<Vec<ContactBlock>> {
    get(&format!("/accounts/{id}/contact-blocks")).await
}

/// `POST /accounts/{id}/contact-blocks`: `flag`, `channel` (null: every channel) and
/// `reason`; answered with the block, in force.
pub async fn set_contact_block(id: Uuid, body: &Value) -> ApiResult<ContactBlock> {
    post(&format!("/accounts/{id}/contact-blocks"), body, None).await
}

/// Clears a block in force: the channel opens again.
pub async fn clear_contact_block(id: Uuid, block_id: Uuid) -> ApiResult<ContactBlock> {
    let path = format!("/accounts/{id}/contact-blocks/{block_id}/clear");
    send(Method::POST, &path, None, None).await?.json().await.map_err(Problem::decode)
}

/// The account's validation notice as sent (`None`: not sent yet).
pub async fn validation_notice(id: Uuid) -> ApiResult<Option<ValidationNotice>> {
    match send(Method::GET, &format!("/accounts/{id}/validation-notice"), None, None).await {
        Ok(resp) => resp.json().await.map(Some).map_err(Problem::decode),
        Err(p) if p.status == 404 => Ok(None),
        Err(p) => Err(p),
    }
}

/// Sends the validation notice today; refused 409 when it was sent already
/// (`validation-notice-sent`) or a block stops letters (`contact-flag`).
pub async fn send_validation_notice(id: Uuid) -> ApiResult<ValidationNotice> {
    let path = format!("/accounts/{id}/validation-notice");
    send(Method::POST, &path, None, None).await?.json().await.map_err(Problem::decode)
}

/// The validation notice letter as sent: the PDF's bytes.
pub async fn validation_letter(id: Uuid) -> ApiResult<Vec<u8>> {
    let path = format!("/accounts/{id}/validation-notice/letter");
    send(Method::GET, &path, None, None).await?.binary().await.map_err(Problem::decode)
}

pub async fn add_note(id: Uuid, body: &str) -> ApiResult<TimelineEvent> {
    post(&format!("/accounts/{}/notes", id), &json!({ "body": body }), None).await
}

pub async fn transition(id: Uuid, to: AccountStatus, reason: &str) -> ApiResult<AccountDetail> {
    post(&format!("/accounts/{}/transition", id), &json!({ "to": to, "reason": reason }), None).await
}

pub async fn record_payment(body: &Value, key: &str) -> ApiResult<Payment> {
    post("/payments", body, Some(key)).await
}

pub async fn propose_plan(account_id: Uuid, body: &Value, key: &str) -> ApiResult<Plan> {
    post(&format!("/accounts/{}/plans", account_id), body, Some(key)).await
}

/// Changes a draft's terms (the same body as a proposal).
pub async fn edit_plan(plan_id: Uuid, body: &Value) -> ApiResult<Plan> {
    patch(&format!("/plans/{}", plan_id), body).await
}

/// Deletes a draft.
pub async fn delete_plan(plan_id: Uuid) -> ApiResult<()> {
    delete(&format!("/plans/{}", plan_id)).await
}

pub async fn submit_plan(plan_id: Uuid, key: &str) -> ApiResult<Plan> {
    post(&format!("/plans/{}/submit", plan_id), &json!({}), Some(key)).await
}

pub async fn bulk_assign(account_ids: Vec<Uuid>, collector_id: Uuid) -> ApiResult<Value> {
    post("/accounts/assign", &json!({ "account_ids": account_ids, "collector_ids": [collector_id] }), None).await
}

pub async fn pending_plans() -> ApiResult<Page<Plan>> {
    get(&format!("/plans?status={}&limit=200", PlanStatus::PendingApproval)).await
}

pub async fn pending_approvals() -> ApiResult<PendingApprovals> {
    get("/approvals/pending").await
}

pub async fn pending_payments() -> ApiResult<Page<Payment>> {
    get(&format!("/payments?status={}&limit=200", PaymentStatus::PendingApproval)).await
}

/// `what` is `plans` or `payments`, `decision` `approve` or `reject`.
pub async fn decide(what: &str, id: Uuid, decision: &str, reason: &str, key: &str) -> ApiResult<Value> {
    let body = if reason.trim().is_empty() { json!({}) } else { json!({ "reason": reason.trim() }) };
    post(&format!("/{what}/{}/{decision}", id), &body, Some(key)).await
}

pub async fn payments_of(account_id: Uuid) -> ApiResult<Page<Payment>> {
    get(&format!("/payments?account_id={}&limit=200", account_id)).await
}

pub async fn refund(payment_id: Uuid, amount: Decimal, reason: &str, key: &str) -> ApiResult<Payment> {
    post(&format!("/payments/{}/refund", payment_id), &json!({ "amount": amount, "reason": reason }), Some(key)).await
}

pub async fn fees(account_id: Uuid) -> ApiResult<Vec<Fee>> {
    get(&format!("/accounts/{}/fees", account_id)).await
}

pub async fn assess_fee(account_id: Uuid, kind: FeeKind, amount: Decimal, reason: &str, key: &str) -> ApiResult<Fee> {
    let body = json!({ "kind": kind, "amount": amount, "reason": reason });
    post(&format!("/accounts/{}/fees", account_id), &body, Some(key)).await
}

pub async fn waive_fee(account_id: Uuid, fee_id: Uuid, reason: &str, key: &str) -> ApiResult<Fee> {
    let path = format!("/accounts/{}/fees/{}/waive", account_id, fee_id);
    post(&path, &json!({ "reason": reason }), Some(key)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_carry_their_filters_size_and_cursor() {
        assert_eq!(super::paged("", 50, ""), "limit=50");
        assert_eq!(super::paged("status=completed", 20, "a b"), "status=completed&limit=20&cursor=a%20b");
        assert_eq!(super::csv_path("/payments", ""), "/payments?format=csv");
        assert_eq!(super::csv_path("/audit-logs", "action=x"), "/audit-logs?action=x&format=csv");
    }
}
