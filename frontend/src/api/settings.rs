//! The settings screen's calls and wire types: the agency (its profile, and its
//! settings as the domain's own `AgencySettings`), the job kill switches with who
//! changed each last, and the agency's SFTP import source (which never carries a
//! secret).
//!
//! Answers are read as JSON values and picked field by field: a typed decoder per
//! answer cost the wasm every first visit downloads some 3 KB each.

use super::{enc, send, ApiResult, Problem};
use debtflow_domain::agency::AgencySettings;
use gloo_net::http::Method;
use serde_json::{json, Value};

async fn call(method: Method, path: &str, body: Option<&Value>) -> ApiResult<Value> {
    send(method, path, body, None).await?.json().await.map_err(Problem::decode)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn number(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or_default()
}

/// The agency as `GET /agencies/{id}` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AgencyProfile {
    pub id: String,
    pub name: String,
    pub licence_number: String,
    /// Fixed once the agency exists.
    pub currency: String,
    pub time_zone: String,
    pub settings: AgencySettings,
}

impl AgencyProfile {
    fn of(v: Value) -> ApiResult<Self> {
        let settings =
            serde_json::from_value(v.get("settings").cloned().unwrap_or_default()).map_err(Problem::decode)?;
        Ok(AgencyProfile {
            id: text(&v, "id"),
            name: text(&v, "name"),
            licence_number: text(&v, "licence_number"),
            currency: text(&v, "currency"),
            time_zone: text(&v, "time_zone"),
            settings,
        })
    }
}

pub async fn agency(id: &str) -> ApiResult<AgencyProfile> {
    AgencyProfile::of(call(Method::GET, &format!("/agencies/{}", enc(id)), None).await?)
}

/// `PATCH /agencies/{id}` with `body` (profile fields and/or `settings`).
pub async fn update_agency(id: &str, body: &Value) -> ApiResult<AgencyProfile> {
    AgencyProfile::of(call(Method::PATCH, &format!("/agencies/{}", enc(id)), Some(body)).await?)
}

/// Who turned a switch to its current value, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchChange {
    pub changed_by: String,
    pub changed_by_name: String,
    pub changed_at: String,
}

/// The agency's kill switches (`GET /settings`), read by name (`reminders_enabled` …).
#[derive(Clone, Debug, PartialEq)]
pub struct JobSwitches(pub Value);

impl JobSwitches {
    pub fn is_on(&self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(true)
    }

    /// The switch's last change (`None`: never changed).
    pub fn last_change(&self, key: &str) -> Option<SwitchChange> {
        let c = self.0.get("last_changed")?.get(key).filter(|c| c.is_object())?;
        Some(SwitchChange {
            changed_by: text(c, "changed_by"),
            changed_by_name: text(c, "changed_by_name"),
            changed_at: text(c, "changed_at"),
        })
    }
}

pub async fn switches() -> ApiResult<JobSwitches> {
    call(Method::GET, "/settings", None).await.map(JobSwitches)
}

/// Turns the switch `key` (`reminders_enabled` …) on or off.
pub async fn set_switch(key: &str, on: bool) -> ApiResult<JobSwitches> {
    call(Method::PATCH, "/settings", Some(&json!({ key: on }))).await.map(JobSwitches)
}

/// The agency's SFTP source, without its secrets.
#[derive(Clone, Debug, PartialEq)]
pub struct SftpSource {
    pub host: String,
    pub port: i64,
    pub username: String,
    /// `password` or `private_key`.
    pub auth: String,
    pub host_key: Option<String>,
    pub inbox_dir: String,
    pub processed_dir: String,
    pub poll_minutes: i64,
    pub mapping: Option<String>,
    pub enabled: bool,
    pub last_polled_at: Option<String>,
    pub last_error: Option<String>,
}

impl SftpSource {
    fn of(v: Value) -> Self {
        SftpSource {
            host: text(&v, "host"),
            port: number(&v, "port"),
            username: text(&v, "username"),
            auth: text(&v, "auth"),
            host_key: opt_text(&v, "host_key"),
            inbox_dir: text(&v, "inbox_dir"),
            processed_dir: text(&v, "processed_dir"),
            poll_minutes: number(&v, "poll_minutes"),
            mapping: opt_text(&v, "mapping"),
            enabled: v.get("enabled").and_then(Value::as_bool).unwrap_or_default(),
            last_polled_at: opt_text(&v, "last_polled_at"),
            last_error: opt_text(&v, "last_error"),
        }
    }
}

/// The agency's SFTP source (`None`: it has none).
pub async fn sftp() -> ApiResult<Option<SftpSource>> {
    match call(Method::GET, "/imports/sftp", None).await {
        Ok(source) => Ok(Some(SftpSource::of(source))),
        Err(p) if p.status == 404 => Ok(None),
        Err(p) => Err(p),
    }
}

pub async fn put_sftp(body: &Value) -> ApiResult<SftpSource> {
    call(Method::PUT, "/imports/sftp", Some(body)).await.map(SftpSource::of)
}
