//! Running an import: the one pipeline behind uploads, SFTP files, the CLI and
//! `seed-demo`.
//!
//! A runner takes the import's advisory lock (a second runner, on any machine, leaves it
//! alone), fetches the stored file, reads its header (a layout the mapping cannot read
//! fails the import as a whole, before any row), counts its rows, then streams them:
//! a blocking thread parses and validates rows into numbered batches, the async side
//! applies up to `IMPORT_PARALLEL` batches at once, each in its own transaction
//! ([`services::imports::apply`]) that also records its batch number and moves the
//! import's counts. A killed runner leaves the import `running` with its committed
//! batches recorded; the lock dies with its connection, and the next runner skips
//! exactly those batches, so no row is applied twice and no account is placed twice.

use super::{
    csv_file::{self, FileError, Layout},
    storage::{Storage, StorageError},
};
use crate::{
    audit::Actor,
    clock::Clock,
    crypto::FieldCipher,
    db::{self, Scope},
    services::{
        self,
        imports::{Batch, StartImport},
        ServiceError,
    },
    store::{self, imports::ImportRow, StoreError},
};
use debtflow_domain::{
    import::{ImportSource, Mapping},
    Currency,
};
use sqlx::PgPool;
use std::{collections::HashSet, sync::Arc};
use uuid::Uuid;

/// What a runner needs, shared by the API's worker, the CLI and the seed.
#[derive(Clone)]
pub struct Importer {
    pub db: PgPool,
    pub storage: Storage,
    pub cipher: Arc<FieldCipher>,
    pub clock: Clock,
    /// Rows per transaction (`IMPORT_BATCH_ROWS`) of the imports it starts.
    pub batch_rows: usize,
    /// Batch transactions in flight (`IMPORT_PARALLEL`).
    pub parallel: usize,
    /// The largest file taken (`IMPORT_MAX_BYTES`).
    pub max_bytes: u64,
    /// Woken when an import is queued, so the worker starts it at once.
    pub wake: Arc<tokio::sync::Notify>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another runner holds the import.
    #[error("the import is being run by another process")]
    Busy,
    #[error("no such import")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("the file reader stopped unexpectedly")]
    Reader,
}

impl From<sqlx::Error> for RunError {
    fn from(e: sqlx::Error) -> Self {
        RunError::Service(StoreError::from(e).into())
    }
}

impl Importer {
    pub fn new(config: &crate::config::Config, db: PgPool, clock: Clock) -> Result<Importer, StorageError> {
        Ok(Importer {
            db,
            storage: Storage::from_url(&config.imports.storage)?,
            cipher: Arc::new(FieldCipher::new(&config.data_encryption_key.0)),
            clock,
            batch_rows: config.imports.batch_rows,
            parallel: config.imports.parallel,
            max_bytes: config.imports.max_bytes,
            wake: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// Runs (or resumes) the import to its end; `progress` sees it after each batch.
    /// An import already finished is returned as it is.
    pub async fn run(
        &self,
        agency_id: Uuid,
        import_id: Uuid,
        progress: &mut (dyn FnMut(&ImportRow) + Send),
    ) -> Result<ImportRow, RunError> {
        let mut lock = self.db.acquire().await?;
        if !store::imports::try_lock(&mut lock, import_id).await? {
            return Err(RunError::Busy);
        }
        let result = self.run_locked(agency_id, import_id, progress).await;
        store::imports::unlock(&mut lock, import_id).await?;
        if let Ok(done) = &result {
            progress(done);
        }
        result
    }

    async fn run_locked(
        &self,
        agency_id: Uuid,
        import_id: Uuid,
        progress: &mut (dyn FnMut(&ImportRow) + Send),
    ) -> Result<ImportRow, RunError> {
        let now = self.clock.now();
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        let mut import = store::imports::get(&mut tx, agency_id, import_id).await?.ok_or(RunError::NotFound)?;
        if import.status.is_finished() {
            return Ok(import);
        }
        let actor = actor_of(&mut tx, &import).await?;
        let mapping = match &import.mapping_name {
            Some(name) => store::imports::mapping(&mut tx, agency_id, name).await?.map(|m| m.mapping()),
            None => Some(Mapping::default()),
        };
        let agency = store::agencies::get(&mut tx, Some(agency_id), agency_id).await?.ok_or(RunError::NotFound)?;
        let currency = Currency::parse(&agency.currency).map_err(ServiceError::from)?;
        let today = store::agencies::today(&mut tx, agency_id, now).await?;
        tx.commit().await?;

        let Some(mapping) = mapping else {
            let message = format!("the mapping `{}` was deleted", import.mapping_name.as_deref().unwrap_or_default());
            return self.fail(&actor, &import, &message).await;
        };
        let file = match self.storage.fetch(&import.storage_key).await {
            Ok(file) => file,
            // Retrying cannot bring it back: the import ends, saying so.
            Err(StorageError::Store(object_store::Error::NotFound { .. })) => {
                return self.fail(&actor, &import, "the stored file is missing; upload it again").await;
            }
            Err(e) => return Err(e.into()),
        };
        let path = file.to_path_buf();
        let read = tokio::task::spawn_blocking(move || {
            let layout = Layout::of(&path, &mapping)?;
            let total = csv_file::count_rows(&path, &layout)?;
            Ok::<_, FileError>((layout, total))
        })
        .await
        .map_err(|_| RunError::Reader)?;
        let (layout, total) = match read {
            Ok(read) => read,
            Err(e) => return self.fail(&actor, &import, &e.to_string()).await,
        };
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        store::imports::start(&mut tx, agency_id, import_id, total as i64, now).await?;
        tx.commit().await?;
        import.total_rows = Some(total as i64);
        import.status = debtflow_domain::import::ImportStatus::Running;
        progress(&import);

        let committed: HashSet<i32> = {
            let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
            let done = store::imports::committed_batches(&mut tx, agency_id, import_id).await?;
            tx.commit().await?;
            done.into_iter().collect()
        };
        let (sender, mut batches) = tokio::sync::mpsc::channel::<Result<Batch, FileError>>(self.parallel);
        let (path, batch_rows) = (file.to_path_buf(), import.batch_rows.max(1) as u64);
        let reader = tokio::task::spawn_blocking(move || {
            let number = |index: u64| i32::try_from(index / batch_rows).unwrap_or(i32::MAX);
            let rows = match csv_file::rows(&path, layout, |i| !committed.contains(&number(i)), currency, today) {
                Ok(rows) => rows,
                Err(e) => return drop(sender.blocking_send(Err(e))),
            };
            let mut batch = Batch { no: 0, rows: Vec::new() };
            for (index, row) in rows.enumerate() {
                let row = match row {
                    Ok(row) => row,
                    Err(e) => return drop(sender.blocking_send(Err(e))),
                };
                let no = number(index as u64);
                if no != batch.no
                    && !batch.rows.is_empty()
                    && sender.blocking_send(Ok(std::mem::take(&mut batch))).is_err()
                {
                    return;
                }
                batch.no = no;
                batch.rows.extend(row);
            }
            if !batch.rows.is_empty() {
                let _ = sender.blocking_send(Ok(batch));
            }
        });
        // Up to `parallel` batch transactions at once: each is a backend busy on its own
        // core. Their commits may come in any order; each records its batch number.
        let mut in_flight = tokio::task::JoinSet::new();
        let shared = Arc::new((actor.clone(), import.clone()));
        loop {
            let next = if in_flight.len() < self.parallel { batches.recv().await } else { None };
            match next {
                Some(Ok(batch)) => {
                    let (db, cipher, shared) = (self.db.clone(), self.cipher.clone(), shared.clone());
                    in_flight.spawn(async move {
                        let (actor, import) = &*shared;
                        let mut tx = db::begin(&db, Scope::Agency(import.agency_id)).await?;
                        let counts = services::imports::apply(&mut tx, actor, import, currency, batch, &cipher).await?;
                        tx.commit().await?;
                        Ok::<_, RunError>(counts)
                    });
                }
                Some(Err(e)) => {
                    in_flight.shutdown().await;
                    return self.fail(&actor, &import, &e.to_string()).await;
                }
                None => {
                    let Some(joined) = in_flight.join_next().await else { break };
                    let counts = joined.map_err(|_| RunError::Reader)??;
                    import.add(counts);
                    progress(&import);
                }
            }
        }
        reader.await.map_err(|_| RunError::Reader)?;
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        let done = services::imports::finish(&mut tx, &actor, &import, None, self.clock.now()).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn fail(&self, actor: &Actor, import: &ImportRow, message: &str) -> Result<ImportRow, RunError> {
        let mut tx = db::begin(&self.db, Scope::Agency(import.agency_id)).await?;
        let done = services::imports::finish(&mut tx, actor, import, Some(message), self.clock.now()).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Imports the local file at `path` for the actor's agency and waits for the end:
    /// the command line's and the seed's way in. An unfinished import of the very same
    /// file (a run that was killed) is resumed rather than started again.
    pub async fn import_file(
        &self,
        actor: &Actor,
        file: LocalFile<'_>,
        progress: &mut (dyn FnMut(&ImportRow) + Send),
    ) -> Result<ImportRow, RunError> {
        let agency_id = actor.agency_id.ok_or(RunError::NotFound)?;
        let (sha256, size) = hash(file.path)?;
        let mut tx = db::begin(&self.db, Scope::Agency(agency_id)).await?;
        if let Some(unfinished) = store::imports::unfinished_of(&mut tx, agency_id, &sha256).await? {
            tx.commit().await?;
            return self.run(agency_id, unfinished.id, progress).await;
        }
        let id = Uuid::now_v7();
        let key = Storage::key(agency_id, id);
        let cmd = StartImport {
            id,
            source: file.source,
            file_name: file.name.to_owned(),
            sha256,
            size_bytes: size,
            storage_key: key.clone(),
            mapping: file.mapping.map(str::to_owned),
            force: file.force,
            batch_rows: self.batch_rows as u32,
        };
        let import = services::imports::start(&mut tx, actor, cmd, self.clock.now()).await?;
        self.storage.put(&key, file.path).await?;
        tx.commit().await?;
        self.run(agency_id, import.id, progress).await
    }

    /// Runs every unfinished import no other runner holds, oldest first, until none is
    /// left; returns how many it ran.
    pub async fn run_pending(&self) -> usize {
        let mut ran = 0;
        loop {
            let pending = match self.unfinished().await {
                Ok(pending) => pending,
                Err(e) => {
                    tracing::error!(error = %e, "imports: could not list unfinished imports");
                    return ran;
                }
            };
            let mut progressed = false;
            for import in pending {
                match self.run(import.agency_id, import.id, &mut |_| {}).await {
                    Ok(done) => {
                        ran += 1;
                        progressed = true;
                        tracing::info!(import_id = %done.id, status = %done.status, processed = done.processed,
                                       failed = done.failed, "import finished");
                    }
                    Err(RunError::Busy) => {}
                    Err(e) => tracing::error!(import_id = %import.id, error = %e, "import stopped; it resumes later"),
                }
            }
            if !progressed {
                return ran;
            }
        }
    }

    async fn unfinished(&self) -> Result<Vec<ImportRow>, sqlx::Error> {
        let mut tx = db::begin(&self.db, Scope::Platform).await?;
        let pending = store::imports::unfinished(&mut tx, None).await?;
        tx.commit().await?;
        Ok(pending)
    }
}

/// The background worker of `debtflow serve`: runs what is queued when woken, and looks
/// every few seconds for imports queued on other replicas or left running by a runner
/// that died, and for SFTP inboxes due a poll; it ends with the server that owns the
/// importer.
pub fn spawn_worker(importer: std::sync::Weak<Importer>) {
    tokio::spawn(async move {
        while let Some(importer) = importer.upgrade() {
            importer.run_pending().await;
            importer.poll_due().await;
            let wake = importer.wake.clone();
            drop(importer);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), wake.notified()).await;
        }
    });
}

/// A file on this machine to import.
#[derive(Debug, Clone, Copy)]
pub struct LocalFile<'a> {
    pub path: &'a std::path::Path,
    /// The name recorded (the path's file name, usually).
    pub name: &'a str,
    pub source: ImportSource,
    pub mapping: Option<&'a str>,
    pub force: bool,
}

/// The file's SHA-256 and size.
fn hash(path: &std::path::Path) -> Result<([u8; 32], u64), StorageError> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)?;
    Ok((hasher.finalize().into(), size))
}

/// Who the import acts as: the user who sent it, or the system (SFTP, CLI).
async fn actor_of(tx: &mut sqlx::PgConnection, import: &ImportRow) -> Result<Actor, sqlx::Error> {
    let role = match import.created_by {
        Some(id) => store::users::get(tx, Some(import.agency_id), id).await?.map(|u| u.role),
        None => None,
    };
    Ok(Actor { user_id: import.created_by, role, agency_id: Some(import.agency_id), context: Default::default() })
}
