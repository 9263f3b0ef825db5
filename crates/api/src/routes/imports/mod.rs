//! `/imports`: placement files uploaded (or fetched from SFTP) and imported in the
//! background, their progress and row errors, and the agencies' column mappings.

pub mod create;
pub mod errors;
pub mod get;
pub mod mappings;
pub mod sftp;

pub use debtflow_wire::imports::Import;
