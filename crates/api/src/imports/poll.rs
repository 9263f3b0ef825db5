//! Polling an agency's SFTP inbox: every new `.csv` is downloaded, imported through the
//! same pipeline as an upload (source `sftp`), and moved to the processed folder only
//! after its import committed and finished.
//!
//! A poller dying between the two leaves the file in the inbox; the next poll finds it
//! imported already (same SHA-256) and only moves it, or resumes its unfinished import
//! first. A file modified in the last [`SETTLING`] may still be arriving and waits for
//! the next poll. One poller per agency at a time, across replicas (an advisory lock).

use super::{
    run::{Importer, LocalFile, RunError},
    sftp::{SftpAuth, SftpConfig, SftpError, SftpInbox},
};
use crate::{
    audit::Actor,
    db::{self, Scope},
    services::{Refusal, ServiceError},
    store::{self, sftp_sources::SourceRow},
};
use chrono::{DateTime, Utc};
use debtflow_domain::import::ImportSource;
pub use debtflow_wire::imports::{PollOutcome, PolledFile};
use std::io::Write;
use uuid::Uuid;

/// How long a file must have been left alone before it is taken.
pub const SETTLING: chrono::Duration = chrono::Duration::seconds(30);

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("the agency has no SFTP source")]
    NotConfigured,
    #[error("another process is polling this agency's SFTP inbox")]
    Busy,
    #[error(transparent)]
    Sftp(#[from] SftpError),
    #[error(transparent)]
    Run(#[from] RunError),
}

impl From<sqlx::Error> for PollError {
    fn from(e: sqlx::Error) -> Self {
        PollError::Run(e.into())
    }
}

impl Importer {
    /// Polls the agency's inbox now.
    pub async fn poll_sftp(&self, agency_id: Uuid) -> Result<Vec<PolledFile>, PollError> {
        let mut lock = self.db.acquire().await?;
        if !store::sftp_sources::try_lock(&mut lock, agency_id).await? {
            return Err(PollError::Busy);
        }
        let result = self.poll_locked(agency_id).await;
        store::sftp_sources::unlock(&mut lock, agency_id).await?;
        result
    }

    /// Polls every agency whose poll is due; the import worker calls it.
    pub async fn poll_due(&self) {
        let due = async {
            let mut tx = db::begin(&self.db, Scope::Platform).await?;
            let due = store::sftp_sources::due(&mut tx, self.clock.now()).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(due)
        };
        let due = match due.await {
            Ok(due) => due,
            Err(e) => return tracing::error!(error = %e, "sftp: could not list the sources due"),
        };
        for source in due {
            match self.poll_sftp(source.agency_id).await {
                Ok(files) => tracing::info!(agency_id = %source.agency_id, files = files.len(), "sftp polled"),
                Err(PollError::Busy) => {}
                Err(e) => tracing::warn!(agency_id = %source.agency_id, error = %e, "sftp poll failed"),
            }
        }
    }

    async fn poll_locked(&self, agency_id: Uuid) -> Result<Vec<PolledFile>, PollError> {
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        let source = store::sftp_sources::get(&mut tx, agency_id).await?.ok_or(PollError::NotConfigured)?;
        tx.commit().await?;
        let started = self.clock.now();
        let result = self.poll_source(&source, started).await;
        let (error, host_key) = match &result {
            Ok((_, key)) => (None, Some(key.as_str())),
            Err(e) => (Some(e.to_string()), None),
        };
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        store::sftp_sources::polled(&mut tx, agency_id, started, error.as_deref(), host_key).await?;
        tx.commit().await?;
        result.map(|(files, _)| files)
    }

    async fn poll_source(
        &self,
        source: &SourceRow,
        now: DateTime<Utc>,
    ) -> Result<(Vec<PolledFile>, String), PollError> {
        let config = self.sftp_config(source)?;
        let mut inbox = SftpInbox::connect(&config).await?;
        let host_key = inbox.host_key().to_owned();
        let actor = Actor { user_id: None, role: None, agency_id: Some(source.agency_id), context: Default::default() };
        let mut files = Vec::new();
        for remote in inbox.list_csv().await? {
            let mut polled = PolledFile {
                name: remote.name.clone(),
                outcome: PollOutcome::Failed,
                import_id: None,
                moved_to: None,
                error: None,
            };
            if remote.modified.is_some_and(|m| now - m < SETTLING) {
                polled.outcome = PollOutcome::Settling;
                files.push(polled);
                continue;
            }
            match self.take(&mut inbox, &actor, source, &remote.name, now).await {
                Ok((outcome, import_id, moved_to)) => {
                    (polled.outcome, polled.import_id, polled.moved_to) = (outcome, import_id, moved_to);
                }
                Err(e) => polled.error = Some(e.to_string()),
            }
            files.push(polled);
        }
        inbox.close().await;
        Ok((files, host_key))
    }

    /// Imports one remote file and moves it once its import finished.
    async fn take(
        &self,
        inbox: &mut SftpInbox,
        actor: &Actor,
        source: &SourceRow,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(PollOutcome, Option<Uuid>, Option<String>), PollError> {
        let bytes = inbox.download(name, self.max_bytes).await?;
        let mut temp = tempfile::NamedTempFile::new().map_err(|e| RunError::Storage(e.into()))?;
        temp.write_all(&bytes).map_err(|e| RunError::Storage(e.into()))?;
        drop(bytes);
        let file = LocalFile {
            path: temp.path(),
            name,
            source: ImportSource::Sftp,
            mapping: source.mapping_name.as_deref(),
            force: false,
        };
        let (outcome, import_id) = match self.import_file(actor, file, &mut |_| {}).await {
            Ok(done) => (PollOutcome::Imported, done.id),
            Err(RunError::Service(ServiceError::Refused(Refusal::DuplicateImport { existing }))) => {
                (PollOutcome::AlreadyImported, existing)
            }
            Err(RunError::Busy) => return Ok((PollOutcome::InProgress, None, None)),
            Err(e) => return Err(e.into()),
        };
        let moved_to = inbox.move_to_processed(name, now).await?;
        Ok((outcome, Some(import_id), Some(moved_to)))
    }

    fn sftp_config(&self, s: &SourceRow) -> Result<SftpConfig, PollError> {
        let secret = |enc: &Option<Vec<u8>>| enc.as_deref().and_then(|b| self.cipher.decrypt(b));
        let auth = match (secret(&s.private_key_enc), secret(&s.password_enc)) {
            (Some(pem), _) => SftpAuth::PrivateKey { pem, passphrase: secret(&s.passphrase_enc) },
            (None, Some(password)) => SftpAuth::Password(password),
            (None, None) => return Err(PollError::NotConfigured),
        };
        Ok(SftpConfig {
            host: s.host.clone(),
            port: u16::try_from(s.port).unwrap_or(22),
            username: s.username.clone(),
            auth,
            inbox_dir: s.inbox_dir.clone(),
            processed_dir: s.processed_dir.clone(),
            host_key: s.host_key.clone(),
        })
    }
}
