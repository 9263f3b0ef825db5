//! `/imports/sftp` (the agency's SFTP source: where creditors drop placement files) and
//! `POST /imports/trigger` (poll it now).

use crate::{
    audit::Actor,
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    db,
    edge::json::Json,
    imports::{poll::PollError, Importer},
    problem::{responses, ApiError},
    services::imports::sftp_source::{self as service, SftpSettings},
    store::{self, sftp_sources::SourceRow},
};
use actix_web::{get, post, put, web, HttpResponse};
pub use debtflow_wire::imports::{PollReport, SftpSource};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

impl From<SourceRow> for SftpSource {
    fn from(s: SourceRow) -> Self {
        SftpSource {
            auth: service::auth_kind(&s),
            host: s.host,
            port: s.port,
            username: s.username,
            host_key: s.host_key,
            inbox_dir: s.inbox_dir,
            processed_dir: s.processed_dir,
            poll_minutes: s.poll_minutes,
            mapping: s.mapping_name,
            enabled: s.enabled,
            last_polled_at: s.last_polled_at,
            last_error: s.last_error,
            updated_at: s.updated_at,
        }
    }
}

/// Set the source. Give `password` or `private_key` (OpenSSH format) the first time;
/// afterwards leave both out to keep the stored secret.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutSftpSource {
    #[schema(example = "sftp.firstbank.example")]
    pub host: String,
    /// Default 22.
    #[schema(minimum = 1, maximum = 65535)]
    pub port: Option<u16>,
    pub username: String,
    pub password: Option<String>,
    pub private_key: Option<String>,
    pub passphrase: Option<String>,
    /// The server's public key line to pin ("ssh-ed25519 AAAA…"); left out, the first
    /// poll pins the key it sees.
    pub host_key: Option<String>,
    #[schema(example = "inbox")]
    pub inbox_dir: String,
    #[schema(example = "processed")]
    pub processed_dir: String,
    /// Minutes between scheduled polls, 1–1440 (default 15).
    pub poll_minutes: Option<u32>,
    pub mapping: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// The agency's SFTP source.
#[utoipa::path(
    tag = "imports",
    operation_id = "getSftpSource",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The source, without its secrets", body = SftpSource),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
    )
)]
#[get("/imports/sftp")]
pub async fn get(user: AuthUser, importer: web::Data<Importer>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadImports)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let mut tx = db::begin(&importer.db, user.scope()).await?;
    let source = store::sftp_sources::get(&mut tx, agency_id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(SftpSource::from(source)))
}

/// Create or replace the agency's SFTP source.
#[utoipa::path(
    tag = "imports",
    operation_id = "setSftpSource",
    security(("bearer" = [])),
    request_body = PutSftpSource,
    responses(
        (status = 200, description = "The source as stored, without its secrets", body = SftpSource),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 422, response = responses::Invalid),
    )
)]
#[put("/imports/sftp")]
pub async fn put(
    user: AuthUser,
    body: Json<PutSftpSource>,
    importer: web::Data<Importer>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ManageSettings)?;
    let b = body.into_inner()?;
    let cmd = SftpSettings {
        host: b.host,
        port: b.port.unwrap_or(22),
        username: b.username,
        password: b.password,
        private_key: b.private_key,
        passphrase: b.passphrase,
        host_key: b.host_key,
        inbox_dir: b.inbox_dir,
        processed_dir: b.processed_dir,
        poll_minutes: b.poll_minutes.unwrap_or(15),
        mapping: b.mapping,
        enabled: b.enabled.unwrap_or(true),
    };
    let mut tx = db::begin(&importer.db, user.scope()).await?;
    let source = service::put(&mut tx, &Actor::from(&user), cmd, &cipher, clock.now()).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(SftpSource::from(source)))
}

/// Poll the agency's SFTP inbox now: new files are imported (the answer waits for them)
/// and moved to the processed folder. A server that cannot be reached is a 502 whose
/// detail says why (also kept as the source's `last_error`).
#[utoipa::path(
    tag = "imports",
    operation_id = "pollSftpSource",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files found and what became of them", body = PollReport),
        (status = 401, response = responses::Unauthorized),
        (status = 403, response = responses::Forbidden),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 502, response = responses::BadGateway),
    )
)]
#[post("/imports/trigger")]
pub async fn trigger(user: AuthUser, importer: web::Data<Importer>) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ImportAccounts)?;
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    match importer.poll_sftp(agency_id).await {
        Ok(files) => Ok(HttpResponse::Ok().json(PollReport { files })),
        Err(PollError::NotConfigured) => Err(ApiError::NotFound),
        Err(PollError::Busy) => Err(ApiError::Refused(crate::services::Refusal::PollInProgress)),
        Err(PollError::Sftp(e)) => Err(ApiError::BadGateway(e.to_string())),
        Err(PollError::Run(e)) => Err(ApiError::internal(e)),
    }
}
