//! Accepting a file as an import, and ending one (and telling whom it concerns).
//!
//! The same file (by SHA-256) twice for an agency is refused while an earlier import
//! of it stands (did not fail), unless the caller forces it: a creditor's file sent
//! twice by mistake would otherwise be imported twice (as updates, but still).

use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, Refusal, ServiceError},
    store::{
        self,
        imports::{ImportRow, NewImport},
        notifications::NewNotification,
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    import::{ImportSource, ImportStatus},
    permission::Operation,
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A file kept in storage, to be imported for the actor's agency.
#[derive(Debug, Clone)]
pub struct StartImport {
    pub id: Uuid,
    pub source: ImportSource,
    pub file_name: String,
    pub sha256: [u8; 32],
    pub size_bytes: u64,
    pub storage_key: String,
    /// The agency's mapping to read the header with (none: canonical headers).
    pub mapping: Option<String>,
    pub force: bool,
    /// Rows per transaction, fixed for the import's life (resuming counts on it).
    pub batch_rows: u32,
}

/// Queues the import.
pub async fn start(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: StartImport,
    now: DateTime<Utc>,
) -> Result<ImportRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let file_name = cmd.file_name.trim();
    if file_name.is_empty() || file_name.chars().count() > 255 {
        return Err(ServiceError::invalid("file", "the file needs a name of 1 to 255 characters"));
    }
    if let Some(name) = &cmd.mapping {
        super::mappings::require(tx, agency_id, name).await?;
    }
    if !cmd.force {
        if let Some(earlier) = store::imports::same_file(tx, agency_id, &cmd.sha256).await? {
            return Err(Refusal::DuplicateImport { existing: earlier.id }.into());
        }
    }
    let import = store::imports::insert(
        tx,
        &NewImport {
            agency_id,
            id: cmd.id,
            source: cmd.source,
            file_name,
            sha256: &cmd.sha256,
            size_bytes: i64::try_from(cmd.size_bytes).unwrap_or(i64::MAX),
            storage_key: &cmd.storage_key,
            mapping_name: cmd.mapping.as_deref(),
            forced: cmd.force,
            batch_rows: i32::try_from(cmd.batch_rows).unwrap_or(i32::MAX).max(1),
            created_by: actor.user_id,
            created_at: now,
        },
    )
    .await?;
    let after = json!({
        "file_name": import.file_name, "sha256": hex::encode(&import.sha256), "size_bytes": import.size_bytes,
        "source": import.source, "mapping": import.mapping_name, "forced": import.forced,
    });
    audit::record(tx, actor, Change::created("import.create", "import", import.id, after)).await?;
    Ok(import)
}

/// Ends the import: completed (with errors when rows failed), or failed with the
/// file's problem.
pub async fn finish(
    tx: &mut PgConnection,
    actor: &Actor,
    import: &ImportRow,
    failure: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ImportRow, ServiceError> {
    let status = match failure {
        Some(_) => ImportStatus::Failed,
        None => ImportStatus::finished(import.failed.unsigned_abs()),
    };
    let done = store::imports::finish(tx, import.agency_id, import.id, status, failure, now).await?;
    let after = json!({
        "status": done.status, "error": done.error, "total_rows": done.total_rows, "processed": done.processed,
        "created": done.created, "updated": done.updated, "skipped": done.skipped, "failed": done.failed,
    });
    audit::record(
        tx,
        actor,
        Change::created("import.finish", "import", done.id, after).in_agency(Some(done.agency_id)),
    )
    .await?;
    notify(tx, &done).await?;
    webhooks::import_finished(tx, &done, now).await?;
    Ok(done)
}

/// Tells whoever sent the file that its import ended — or, for files from SFTP and the
/// command line, everyone who may import (the role table's deciders) — once.
async fn notify(tx: &mut PgConnection, done: &ImportRow) -> Result<(), ServiceError> {
    let recipients = match done.created_by {
        Some(user) => vec![user],
        None => {
            let roles: Vec<_> = Operation::ImportAccounts.deciders().collect();
            store::users::active_with_roles(tx, done.agency_id, &roles).await?
        }
    };
    let title = match done.status {
        ImportStatus::Completed => format!("Import of {} completed", done.file_name),
        ImportStatus::CompletedWithErrors => {
            format!("Import of {} completed with {} row errors", done.file_name, done.failed)
        }
        _ => format!("Import of {} failed", done.file_name),
    };
    let body = match &done.error {
        Some(error) => error.clone(),
        None => format!(
            "{} rows: {} created, {} updated, {} unchanged, {} refused.",
            done.processed, done.created, done.updated, done.skipped, done.failed
        ),
    };
    for recipient in recipients {
        let key = format!("import_finished:{}:{recipient}", done.id);
        let notification = NewNotification {
            agency_id: done.agency_id,
            recipient_id: recipient,
            kind: NotificationKind::ImportFinished,
            title: &title,
            body: &body,
            entity_type: Some("import"),
            entity_id: Some(done.id.to_string()),
            idempotency_key: &key,
        };
        store::notifications::insert(tx, &notification).await?;
    }
    Ok(())
}
