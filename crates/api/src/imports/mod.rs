//! Getting placements in from CSV files: reading them ([`csv_file`]), keeping them
//! ([`storage`]), fetching them from an agency's SFTP server ([`sftp`], [`poll`]), and running
//! imports ([`run`]); the per-transaction use cases are `services::imports`.

pub mod csv_file;
pub mod poll;
pub mod run;
pub mod sftp;
pub mod storage;

pub use run::{Importer, LocalFile, RunError};
pub use storage::Storage;
