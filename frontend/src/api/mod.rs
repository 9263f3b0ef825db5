//! The typed client of the public REST API (`/api/v1`). Only this module touches the
//! tokens: it adds the bearer header, refreshes the access token before it expires (in
//! the background and on a 401), and tells the session when it cannot. The calls and
//! wire types of the accounts' work live here; each other area has its submodule, built
//! on [`get`], [`post`] and [`send`].

use debtflow_domain::{
    fee::{FeeKind, FeeStatus},
    ledger::{EntryKind, LedgerAccount},
    payment::{PaymentMethod, PaymentStatus},
    plan::{Frequency, InstallmentStatus, PlanStatus},
    AccountStatus, Bucket, Role,
};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::{set_timeout_with_handle, TimeoutHandle};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{json, Value};
use std::{cell::RefCell, collections::BTreeMap, rc::Rc, time::Duration};

pub mod analytics;
pub mod imports;
pub mod notifications;
pub mod settings;

const BASE: &str = "/api/v1";
const STORAGE_KEY: &str = "debtflow.session";
/// Refresh this long before the access token expires.
const REFRESH_AHEAD_MS: f64 = 60_000.0;

/// An RFC 9457 problem, or a failure to reach the API (status 0).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn network(e: impl std::fmt::Display) -> Self {
        Problem {
            status: 0,
            title: "The server cannot be reached".into(),
            detail: format!("Check your connection and try again ({e})."),
            ..Default::default()
        }
    }

    pub(crate) fn decode(e: impl std::fmt::Display) -> Self {
        Problem {
            status: 0,
            title: "Unexpected answer from the server".into(),
            detail: e.to_string(),
            ..Default::default()
        }
    }

    /// A field refused in the browser, before anything was sent (the same rule the
    /// server applies, from the domain crate).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Problem {
            status: 422,
            title: "Check the field marked".into(),
            errors: Some(BTreeMap::from([(field.to_owned(), vec![message.into()])])),
            ..Default::default()
        }
    }

    /// The amount typed in `field`, in the app's own format (`1,250.00`), as the API
    /// takes it (`1250.00`); or the problem to show beside the field.
    pub fn amount(field: &str, text: &str, currency: &str) -> Result<String, Problem> {
        let currency =
            debtflow_domain::Currency::parse(currency).map_err(|e| Problem::invalid(field, e.to_string()))?;
        debtflow_domain::Money::typed(text, currency)
            .map(|m| m.amount().to_string())
            .map_err(|e| Problem::invalid(field, e.to_string()))
    }

    pub fn session_expired() -> Self {
        Problem {
            status: 401,
            title: "Your session has ended".into(),
            detail: "Please log in again.".into(),
            ..Default::default()
        }
    }

    /// The messages about one field, if the problem names it.
    pub fn field(&self, name: &str) -> Option<String> {
        self.errors.as_ref()?.get(name).map(|m| m.join(" "))
    }

    /// Whether the problem names fields (shown beside them, not again atop the form).
    pub fn names_fields(&self) -> bool {
        self.errors.as_ref().is_some_and(|e| !e.is_empty())
    }

    /// One line for the top of a form.
    pub fn message(&self) -> String {
        if self.detail.is_empty() || self.detail == self.title {
            self.title.clone()
        } else {
            format!("{}: {}", self.title, self.detail)
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;

// ----- wire types -------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, Deserialize)]
struct TokenPair {
    access: String,
    refresh: String,
    expires_in: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Tokens {
    access: String,
    refresh: String,
    /// Milliseconds since the epoch.
    expires_at: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub agency: Option<Agency>,
    /// The agency's business date when `/auth/me` answered.
    pub today: Option<String>,
    pub policy: Policy,
}

/// The server's configured rules, so the SPA announces what the server will do.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Policy {
    /// A payment dated more than this many days back waits for a manager's approval.
    pub payment_approval_after_days: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Debtor {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<String>,
    pub ssn_last4: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Account {
    pub id: String,
    pub external_ref: String,
    pub status: AccountStatus,
    pub priority: i16,
    pub original_balance: String,
    pub current_balance: String,
    pub currency: String,
    pub days_past_due: i32,
    pub bucket: Bucket,
    pub delinquency_date: String,
    pub creditor: String,
    pub debtor: Debtor,
    pub collector_id: Option<String>,
    /// The due date of the oldest unpaid installment of the active plan.
    #[serde(default)]
    pub next_installment_due: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CollectorRef {
    pub id: String,
    pub full_name: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AccountDetail {
    #[serde(flatten)]
    pub account: Account,
    pub allowed_transitions: Vec<AccountStatus>,
    pub collector: Option<CollectorRef>,
    pub dispute: Option<Value>,
    pub plan: Option<Plan>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PlanInstallment {
    pub number: i32,
    pub due_date: String,
    pub amount: String,
    pub paid: String,
    pub remaining: String,
    pub status: InstallmentStatus,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Plan {
    pub id: String,
    pub account_id: String,
    pub status: PlanStatus,
    pub total: String,
    pub currency: String,
    pub frequency: Option<Frequency>,
    pub settlement: bool,
    pub paid: String,
    pub remaining: String,
    pub installments: Vec<PlanInstallment>,
    /// Who proposed it, by name.
    #[serde(default)]
    pub created_by_name: Option<String>,
    #[serde(default)]
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TimelineEvent {
    pub id: String,
    pub occurred_at: String,
    pub kind: String,
    /// Who did it (`None`: the system).
    #[serde(default)]
    pub actor_name: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub data: Value,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JournalLine {
    pub ledger_account: LedgerAccount,
    pub debit: String,
    pub credit: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JournalEntry {
    pub entry_id: String,
    pub kind: EntryKind,
    pub posted_at: String,
    pub lines: Vec<JournalLine>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Ledger {
    pub balance: String,
    pub items: Vec<JournalEntry>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Payment {
    pub id: String,
    pub account_id: String,
    pub amount: String,
    pub currency: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub paid_on: String,
    pub reference: Option<String>,
    #[serde(default)]
    pub refunded_amount: Option<String>,
    /// Who recorded it, by name (`None`: the system or a processor).
    #[serde(default)]
    pub recorded_by_name: Option<String>,
    #[serde(default)]
    pub created_at: String,
}

/// How many plans and backdated payments wait for a manager.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct PendingApprovals {
    pub plans: i64,
    pub payments: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Fee {
    pub id: String,
    pub kind: FeeKind,
    pub amount: String,
    pub paid_amount: String,
    pub waived_amount: String,
    pub status: FeeStatus,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    pub id: String,
    pub full_name: String,
    pub is_active: bool,
}

// ----- the token store ----------------------------------------------------------------

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

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn set_tokens(tokens: Option<Tokens>) {
    if let Some(s) = storage() {
        let _ = match &tokens {
            Some(t) => s.set_item(STORAGE_KEY, &serde_json::to_string(t).unwrap_or_default()),
            None => s.remove_item(STORAGE_KEY),
        };
    }
    TOKENS.with(|t| *t.borrow_mut() = tokens);
    schedule_refresh();
}

fn store_pair(pair: TokenPair) {
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
async fn refresh() -> bool {
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

pub async fn logout() {
    if has_session() {
        let _ = send(Method::POST, "/auth/logout", Some(&json!({})), None).await;
    }
    set_tokens(None);
}

pub async fn accounts(query: &str) -> ApiResult<Page<Account>> {
    get(&format!("/accounts?{query}")).await
}

pub async fn account(id: &str) -> ApiResult<AccountDetail> {
    get(&format!("/accounts/{}", enc(id))).await
}

pub async fn timeline(id: &str) -> ApiResult<Page<TimelineEvent>> {
    get(&format!("/accounts/{}/timeline?limit=100", enc(id))).await
}

pub async fn ledger(id: &str) -> ApiResult<Ledger> {
    get(&format!("/accounts/{}/ledger?limit=100", enc(id))).await
}

pub async fn collectors() -> ApiResult<Page<User>> {
    get("/collectors?limit=200").await
}

pub async fn add_note(id: &str, body: &str) -> ApiResult<TimelineEvent> {
    post(&format!("/accounts/{}/notes", enc(id)), &json!({ "body": body }), None).await
}

pub async fn transition(id: &str, to: AccountStatus, reason: &str) -> ApiResult<AccountDetail> {
    post(&format!("/accounts/{}/transition", enc(id)), &json!({ "to": to, "reason": reason }), None).await
}

pub async fn record_payment(body: &Value, key: &str) -> ApiResult<Payment> {
    post("/payments", body, Some(key)).await
}

pub async fn propose_plan(account_id: &str, body: &Value, key: &str) -> ApiResult<Plan> {
    post(&format!("/accounts/{}/plans", enc(account_id)), body, Some(key)).await
}

/// Changes a draft's terms (the same body as a proposal).
pub async fn edit_plan(plan_id: &str, body: &Value) -> ApiResult<Plan> {
    patch(&format!("/plans/{}", enc(plan_id)), body).await
}

/// Deletes a draft.
pub async fn delete_plan(plan_id: &str) -> ApiResult<()> {
    delete(&format!("/plans/{}", enc(plan_id))).await
}

pub async fn submit_plan(plan_id: &str, key: &str) -> ApiResult<Plan> {
    post(&format!("/plans/{}/submit", enc(plan_id)), &json!({}), Some(key)).await
}

pub async fn bulk_assign(account_ids: Vec<String>, collector_id: &str) -> ApiResult<Value> {
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
pub async fn decide(what: &str, id: &str, decision: &str, reason: &str, key: &str) -> ApiResult<Value> {
    let body = if reason.trim().is_empty() { json!({}) } else { json!({ "reason": reason.trim() }) };
    post(&format!("/{what}/{}/{decision}", enc(id)), &body, Some(key)).await
}

pub async fn payments_of(account_id: &str) -> ApiResult<Page<Payment>> {
    get(&format!("/payments?account_id={}&limit=200", enc(account_id))).await
}

pub async fn refund(payment_id: &str, amount: &str, reason: &str, key: &str) -> ApiResult<Payment> {
    post(&format!("/payments/{}/refund", enc(payment_id)), &json!({ "amount": amount, "reason": reason }), Some(key))
        .await
}

pub async fn fees(account_id: &str) -> ApiResult<Vec<Fee>> {
    get(&format!("/accounts/{}/fees", enc(account_id))).await
}

pub async fn assess_fee(account_id: &str, kind: FeeKind, amount: &str, reason: &str, key: &str) -> ApiResult<Fee> {
    let body = json!({ "kind": kind, "amount": amount, "reason": reason });
    post(&format!("/accounts/{}/fees", enc(account_id)), &body, Some(key)).await
}

pub async fn waive_fee(account_id: &str, fee_id: &str, reason: &str, key: &str) -> ApiResult<Fee> {
    let path = format!("/accounts/{}/fees/{}/waive", enc(account_id), enc(fee_id));
    post(&path, &json!({ "reason": reason }), Some(key)).await
}
