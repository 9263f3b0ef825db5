//! Setting an agency's SFTP source: where its creditors drop placement files. Secrets
//! are encrypted before they are stored and never read back through the API; a PUT
//! without a new secret keeps the stored one. Pointing the source at another host
//! forgets the pinned host key (the next poll pins the new server's).

use crate::{
    audit::{self, Actor, Change},
    crypto::FieldCipher,
    services::ServiceError,
    store::{self, sftp_sources::SourceRow},
};
use chrono::{DateTime, Utc};
use debtflow_wire::imports::SftpAuth;
use serde_json::json;
use sqlx::PgConnection;

/// What an agency admin sends.
#[derive(Debug, Clone)]
pub struct SftpSettings {
    pub host: String,
    pub port: u16,
    pub username: String,
    /// Exactly one of a password or a private key, unless one is stored already.
    pub password: Option<String>,
    pub private_key: Option<String>,
    pub passphrase: Option<String>,
    /// Pin the server's key now ("ssh-ed25519 AAAA…"); otherwise the first poll pins it.
    pub host_key: Option<String>,
    pub inbox_dir: String,
    pub processed_dir: String,
    pub poll_minutes: u32,
    pub mapping: Option<String>,
    pub enabled: bool,
}

pub async fn put(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: SftpSettings,
    cipher: &FieldCipher,
    now: DateTime<Utc>,
) -> Result<SourceRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let text = |field: &'static str, value: &str, max: usize| -> Result<String, ServiceError> {
        let value = value.trim();
        if value.is_empty() || value.chars().count() > max {
            return Err(ServiceError::invalid(field, format!("must be 1 to {max} characters")));
        }
        Ok(value.to_owned())
    };
    let host = text("host", &cmd.host, 255)?;
    if host.contains(char::is_whitespace) || host.contains('/') {
        return Err(ServiceError::invalid("host", "must be a host name or address"));
    }
    if cmd.port == 0 {
        return Err(ServiceError::invalid("port", "must be between 1 and 65535"));
    }
    if !(1..=1440).contains(&cmd.poll_minutes) {
        return Err(ServiceError::invalid("poll_minutes", "must be between 1 and 1440"));
    }
    if let Some(name) = &cmd.mapping {
        super::mappings::require(tx, agency_id, name).await?;
    }
    let before = store::sftp_sources::get(tx, agency_id).await?;
    let encrypt = |s: &Option<String>| s.as_deref().filter(|s| !s.trim().is_empty()).map(|s| cipher.encrypt(s));
    let (password_enc, private_key_enc, passphrase_enc) =
        match (encrypt(&cmd.password), encrypt(&cmd.private_key), &before) {
            (Some(_), Some(_), _) => {
                return Err(ServiceError::invalid("password", "give a password or a private_key, not both"))
            }
            (Some(p), None, _) => (Some(p), None, None),
            (None, Some(k), _) => (None, Some(k), encrypt(&cmd.passphrase)),
            (None, None, Some(b)) => (b.password_enc.clone(), b.private_key_enc.clone(), b.passphrase_enc.clone()),
            (None, None, None) => {
                return Err(ServiceError::invalid("password", "a password or a private_key is required"))
            }
        };
    let same_server = before.as_ref().is_some_and(|b| b.host == host && b.port == i32::from(cmd.port));
    let host_key = match cmd.host_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => Some(key.to_owned()),
        None if same_server => before.as_ref().and_then(|b| b.host_key.clone()),
        None => None,
    };
    let row = SourceRow {
        agency_id,
        host,
        port: i32::from(cmd.port),
        username: text("username", &cmd.username, 100)?,
        password_enc,
        private_key_enc,
        passphrase_enc,
        host_key,
        inbox_dir: text("inbox_dir", &cmd.inbox_dir, 500)?,
        processed_dir: text("processed_dir", &cmd.processed_dir, 500)?,
        poll_minutes: cmd.poll_minutes as i32,
        mapping_name: cmd.mapping,
        enabled: cmd.enabled,
        last_polled_at: None,
        last_error: None,
        updated_by: actor.user_id,
        updated_at: now,
    };
    let saved = store::sftp_sources::put(tx, &row).await?;
    let after = snapshot(&saved);
    let change = match before {
        Some(b) => Change::updated("sftp_source.update", "sftp_source", agency_id, &snapshot(&b), &after),
        None => Change::created("sftp_source.create", "sftp_source", agency_id, after),
    };
    audit::record(tx, actor, change).await?;
    Ok(saved)
}

/// The audit trail's view: never a secret, only which kind is set.
fn snapshot(s: &SourceRow) -> serde_json::Value {
    json!({
        "host": s.host, "port": s.port, "username": s.username, "auth": auth_kind(s), "host_key": s.host_key,
        "inbox_dir": s.inbox_dir, "processed_dir": s.processed_dir, "poll_minutes": s.poll_minutes,
        "mapping": s.mapping_name, "enabled": s.enabled,
    })
}

/// `password` or `private_key`.
pub fn auth_kind(s: &SourceRow) -> SftpAuth {
    if s.private_key_enc.is_some() {
        SftpAuth::PrivateKey
    } else {
        SftpAuth::Password
    }
}
