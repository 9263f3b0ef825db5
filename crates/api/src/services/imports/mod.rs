//! Imports' use cases inside one transaction: accepting a file as a queued import
//! ([`start`]), applying one batch of its rows ([`batch`]), finishing it
//! ([`finish`]), and the agencies' column mappings ([`mappings`]). Reading the file and
//! driving the batches is `crate::imports`.

pub mod batch;
pub mod mappings;
pub mod sftp_source;
pub mod start;

pub use batch::{apply, Batch, ReadRow};
pub use start::{finish, start, StartImport};
