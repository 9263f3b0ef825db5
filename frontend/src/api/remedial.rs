//! Remedial recovery's calls: an account's legal cases and their hearings, its
//! recovery actions and their milestones, its write-off requests, and the board's
//! queue of recommended write-offs and its decisions (sent with an `Idempotency-Key`).
//! The wire types are the API's own (`debtflow_wire::remedial`).

use super::{delete, get, patch, post, send, ApiResult, Problem};
pub use debtflow_wire::remedial::{Hearing, LegalCase, Milestone, RecoveryAction, WriteOff};
use gloo_net::http::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

/// A POST without a body, answered with the record as it is now.
async fn post_empty<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    send(Method::POST, path, None, None).await?.json().await.map_err(Problem::decode)
}

// ----- legal cases ------------------------------------------------------------------

/// The account's legal cases, each with its hearings.
pub async fn legal_cases(account_id: Uuid) -> ApiResult<Vec<LegalCase>> {
    get(&format!("/accounts/{account_id}/legal-cases")).await
}

/// `POST /accounts/{id}/legal-cases`: a draft (`court`, `amount_claimed`, and optionally
/// `case_number`, `counsel`, `notes`).
pub async fn draft_case(account_id: Uuid, body: &Value) -> ApiResult<LegalCase> {
    post(&format!("/accounts/{account_id}/legal-cases"), body, None).await
}

/// Changes a draft's particulars (the keys given; an empty string clears an optional one).
pub async fn edit_case(case_id: Uuid, body: &Value) -> ApiResult<LegalCase> {
    patch(&format!("/legal-cases/{case_id}"), body).await
}

/// Deletes a draft.
pub async fn delete_case(case_id: Uuid) -> ApiResult<()> {
    delete(&format!("/legal-cases/{case_id}")).await
}

/// A step of a case: `file`, `judgment`, `close` or `hearings` (a hearing scheduled),
/// answered with the case as it is now.
pub async fn case_step(case_id: Uuid, step: &str, body: &Value) -> ApiResult<LegalCase> {
    post(&format!("/legal-cases/{case_id}/{step}"), body, None).await
}

/// Records what a hearing that took place decided (`outcome`, `next_step`).
pub async fn hearing_outcome(case_id: Uuid, hearing_id: Uuid, body: &Value) -> ApiResult<LegalCase> {
    post(&format!("/legal-cases/{case_id}/hearings/{hearing_id}/outcome"), body, None).await
}

// ----- recovery actions -------------------------------------------------------------

/// The account's recovery actions, each with its milestones in order.
pub async fn recovery_actions(account_id: Uuid) -> ApiResult<Vec<RecoveryAction>> {
    get(&format!("/accounts/{account_id}/recovery-actions")).await
}

/// `POST /accounts/{id}/recovery-actions`: `kind`, `milestones` (`name`, `target_on`
/// each) and `notes`.
pub async fn initiate(account_id: Uuid, body: &Value) -> ApiResult<RecoveryAction> {
    post(&format!("/accounts/{account_id}/recovery-actions"), body, None).await
}

/// Adds milestones to an open action.
pub async fn add_milestones(action_id: Uuid, body: &Value) -> ApiResult<RecoveryAction> {
    post(&format!("/recovery-actions/{action_id}/milestones"), body, None).await
}

/// Marks a milestone done on `done_on` (ISO date).
pub async fn milestone_done(action_id: Uuid, milestone_id: Uuid, done_on: &str) -> ApiResult<RecoveryAction> {
    let path = format!("/recovery-actions/{action_id}/milestones/{milestone_id}/done");
    post(&path, &json!({ "done_on": done_on }), None).await
}

/// Completes an action whose every milestone is done.
pub async fn complete_action(action_id: Uuid) -> ApiResult<RecoveryAction> {
    post_empty(&format!("/recovery-actions/{action_id}/complete")).await
}

/// Cancels an open action, with the reason.
pub async fn cancel_action(action_id: Uuid, reason: &str) -> ApiResult<RecoveryAction> {
    post(&format!("/recovery-actions/{action_id}/cancel"), &json!({ "reason": reason }), None).await
}

// ----- write-offs ---------------------------------------------------------------------

/// The account's write-off requests, the newest first.
pub async fn write_offs(account_id: Uuid) -> ApiResult<Vec<WriteOff>> {
    get(&format!("/accounts/{account_id}/write-offs")).await
}

/// `POST /accounts/{id}/write-offs`: a draft for the whole balance (`amount`, `reason`).
pub async fn request_write_off(account_id: Uuid, body: &Value) -> ApiResult<WriteOff> {
    post(&format!("/accounts/{account_id}/write-offs"), body, None).await
}

/// Changes a draft's amount or reason.
pub async fn edit_write_off(id: Uuid, body: &Value) -> ApiResult<WriteOff> {
    patch(&format!("/write-offs/{id}"), body).await
}

/// Deletes a draft.
pub async fn delete_write_off(id: Uuid) -> ApiResult<()> {
    delete(&format!("/write-offs/{id}")).await
}

/// Recommends a draft to the board.
pub async fn recommend_write_off(id: Uuid) -> ApiResult<WriteOff> {
    post_empty(&format!("/write-offs/{id}/recommend")).await
}

/// The board's queue: the agency's recommended write-offs.
pub async fn recommended_write_offs() -> ApiResult<Vec<WriteOff>> {
    get("/write-offs?status=recommended").await
}

/// How many write-offs wait for the board (the navigation's count): the queue counted,
/// not decoded.
pub async fn count_recommended() -> ApiResult<i64> {
    get::<Vec<serde::de::IgnoredAny>>("/write-offs?status=recommended").await.map(|q| q.len() as i64)
}

/// The board's decision (`approve` or `reject`) with its minutes, under `key`.
pub async fn decide_write_off(id: Uuid, decision: &str, minutes: &str, key: &str) -> ApiResult<WriteOff> {
    post(&format!("/write-offs/{id}/{decision}"), &json!({ "minutes": minutes }), Some(key)).await
}
