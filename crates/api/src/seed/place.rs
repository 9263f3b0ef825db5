//! Placing a file of accounts in an agency: through the import pipeline, as a creditor's
//! file would come in (`crate::imports`), so the demo's accounts carry an import, its
//! counts and its audit trail like any other.

use super::SeedError;
use crate::{
    audit::Actor,
    imports::{Importer, LocalFile},
};
use debtflow_domain::import::{ImportSource, ImportStatus};
use std::io::Write;

/// Imports `csv` (named `file_name`) for the actor's agency and waits for the end; a
/// row refused is a mistake in the bundled file, so anything but a clean import fails
/// the seed. The file's dates are rebased to the day, so its hash differs from day to
/// day: it is forced, the seed having decided already that the agency lacks it.
pub async fn place(importer: &Importer, actor: &Actor, file_name: &str, csv: &[u8]) -> Result<(), SeedError> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| SeedError::Import(e.to_string()))?;
    file.write_all(csv).map_err(|e| SeedError::Import(e.to_string()))?;
    let local = LocalFile { path: file.path(), name: file_name, source: ImportSource::Cli, mapping: None, force: true };
    let done = importer.import_file(actor, local, &mut |_| {}).await.map_err(|e| SeedError::Import(e.to_string()))?;
    if done.status != ImportStatus::Completed {
        let why = done.error.unwrap_or_else(|| format!("{} rows refused", done.failed));
        return Err(SeedError::Import(format!("{file_name}: {}: {why}", done.status)));
    }
    Ok(())
}
