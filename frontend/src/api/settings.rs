//! The settings screen's calls: the agency (its profile, and its settings as the
//! domain's own `AgencySettings`), the job kill switches with who changed each last,
//! the agency's SFTP import source (which never carries a secret), and the wording of
//! the reminders debtors get.

use super::{get, patch, put, send, ApiResult, Problem};
use debtflow_domain::reminder::ReminderKind;
pub use debtflow_wire::{
    agencies::Agency,
    imports::SftpSource,
    settings::{JobSwitches, ReminderTemplate, SwitchChange},
};
use gloo_net::http::Method;
use serde_json::{json, Value};
use uuid::Uuid;

pub async fn agency(id: Uuid) -> ApiResult<Agency> {
    get(&format!("/agencies/{id}")).await
}

/// `PATCH /agencies/{id}` with `body` (profile fields and/or `settings`).
pub async fn update_agency(id: Uuid, body: &Value) -> ApiResult<Agency> {
    patch(&format!("/agencies/{id}"), body).await
}

pub async fn switches() -> ApiResult<JobSwitches> {
    get("/settings").await
}

/// Turns the switch `key` (`reminders_enabled` …) on or off.
pub async fn set_switch(key: &str, on: bool) -> ApiResult<JobSwitches> {
    patch("/settings", &json!({ key: on })).await
}

/// The agency's SFTP source (`None`: it has none).
pub async fn sftp() -> ApiResult<Option<SftpSource>> {
    match send(Method::GET, "/imports/sftp", None, None).await {
        Ok(resp) => resp.json().await.map(Some).map_err(Problem::decode),
        Err(p) if p.status == 404 => Ok(None),
        Err(p) => Err(p),
    }
}

pub async fn put_sftp(body: &Value) -> ApiResult<SftpSource> {
    put("/imports/sftp", body).await
}

/// The agency's reminder templates, one per kind (its own wording or the default).
pub async fn reminder_templates() -> ApiResult<Vec<ReminderTemplate>> {
    get("/reminder-templates").await
}

/// Sets the agency's wording of `kind`; answered with every template.
pub async fn put_reminder_template(kind: ReminderKind, subject: &str, body: &str) -> ApiResult<Vec<ReminderTemplate>> {
    put(&format!("/reminder-templates/{kind}"), &json!({ "subject": subject, "body": body })).await
}

/// Back to the default wording of `kind`; answered with every template.
pub async fn reset_reminder_template(kind: ReminderKind) -> ApiResult<Vec<ReminderTemplate>> {
    let path = format!("/reminder-templates/{kind}");
    send(Method::DELETE, &path, None, None).await?.json().await.map_err(Problem::decode)
}
