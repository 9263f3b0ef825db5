//! `/imports`: placement files uploaded (or fetched from SFTP) and imported in the
//! background, their progress and row errors, and the agencies' column mappings.

pub mod create;
pub mod errors;
pub mod get;
pub mod mappings;
pub mod sftp;

use crate::store::imports::ImportRow;
pub use debtflow_wire::imports::Import;

impl From<ImportRow> for Import {
    fn from(r: ImportRow) -> Self {
        Import {
            id: r.id,
            status: r.status,
            source: r.source,
            file_name: r.file_name,
            sha256: hex::encode(&r.sha256),
            size_bytes: r.size_bytes,
            mapping: r.mapping_name,
            forced: r.forced,
            total_rows: r.total_rows,
            processed: r.processed,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            failed: r.failed,
            error: r.error,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}
