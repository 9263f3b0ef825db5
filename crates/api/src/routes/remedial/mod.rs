//! Remedial recovery (`services::remedial`): legal cases and hearings, recovery actions
//! and milestones, write-off requests and the board's decision, and documents.

pub mod documents;
pub mod legal_cases;
pub mod recovery_actions;
pub mod write_offs;

use actix_web::web::ServiceConfig;
use utoipa::OpenApi;

/// The remedial routes under `/api/v1`.
pub fn configure(cfg: &mut ServiceConfig) {
    legal_cases::configure(cfg);
    recovery_actions::configure(cfg);
    write_offs::configure(cfg);
    documents::configure(cfg);
}

/// Their OpenAPI paths but the documents' (`documents::Api`), nested under `/api/v1`.
#[derive(OpenApi)]
#[openapi(paths(
    legal_cases::list,
    legal_cases::create,
    legal_cases::get,
    legal_cases::update,
    legal_cases::remove,
    legal_cases::file,
    legal_cases::judgment,
    legal_cases::close,
    legal_cases::schedule_hearing,
    legal_cases::hearing_outcome,
    recovery_actions::list,
    recovery_actions::create,
    recovery_actions::get,
    recovery_actions::add_milestones,
    recovery_actions::done,
    recovery_actions::complete,
    recovery_actions::cancel,
    write_offs::for_account,
    write_offs::create,
    write_offs::list,
    write_offs::get,
    write_offs::update,
    write_offs::remove,
    write_offs::recommend,
    write_offs::approve,
    write_offs::reject,
))]
pub struct Api;
