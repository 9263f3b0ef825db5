//! Agencies, the tenants.

use chrono::{DateTime, Utc};
use debtflow_domain::{agency::AgencySettings, Currency};
use sqlx::{types::Json, PgConnection, PgExecutor};
use uuid::Uuid;

const COLUMNS: &str =
    "id, name, licence_number, currency::text AS currency, time_zone, settings, is_active, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgencyRow {
    pub id: Uuid,
    pub name: String,
    pub licence_number: String,
    pub currency: String,
    pub time_zone: String,
    /// Read leniently: a key left out takes its default (migrations/0022 normalised
    /// every stored object).
    pub settings: Json<AgencySettings>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewAgency<'a> {
    pub name: &'a str,
    pub licence_number: &'a str,
    pub currency: Currency,
    pub time_zone: &'a str,
}

/// Creates the agency unless one with its licence number exists; returns its id.
pub async fn ensure(db: impl PgExecutor<'_>, agency: &NewAgency<'_>) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar(
        "WITH inserted AS (
             INSERT INTO agencies (id, name, licence_number, currency, time_zone)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (licence_number) DO NOTHING
             RETURNING id)
         SELECT id FROM inserted
         UNION ALL SELECT id FROM agencies WHERE licence_number = $3
         LIMIT 1",
    )
    .bind(Uuid::now_v7())
    .bind(agency.name)
    .bind(agency.licence_number)
    .bind(agency.currency.code())
    .bind(agency.time_zone)
    .fetch_one(db)
    .await
}

/// `only`: the caller's agency, or `None` for every agency (platform admins).
pub async fn get(tx: &mut PgConnection, only: Option<Uuid>, id: Uuid) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agencies WHERE id = $1 AND ($2::uuid IS NULL OR id = $2)"))
        .bind(id)
        .bind(only)
        .fetch_optional(tx)
        .await
}

/// The agency `id` (within `only`, as [`get`]), locked until the transaction ends: its
/// settings are changed from what is read here. (`NO KEY`: rows that reference the
/// agency are still written meanwhile.)
pub async fn lock(tx: &mut PgConnection, only: Option<Uuid>, id: Uuid) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM agencies WHERE id = $1 AND ($2::uuid IS NULL OR id = $2) FOR NO KEY UPDATE"
    ))
    .bind(id)
    .bind(only)
    .fetch_optional(tx)
    .await
}

/// The agency's settings, for the jobs and services that follow them.
pub async fn settings(tx: &mut PgConnection, id: Uuid) -> Result<AgencySettings, sqlx::Error> {
    let settings: Json<AgencySettings> =
        sqlx::query_scalar("SELECT settings FROM agencies WHERE id = $1").bind(id).fetch_one(tx).await?;
    Ok(settings.0)
}

/// The agency's settings and the currency it keeps its books in (which decides
/// whether the contact guardrails apply by default).
pub async fn contact_settings(tx: &mut PgConnection, id: Uuid) -> Result<(AgencySettings, Currency), sqlx::Error> {
    let (settings, currency): (Json<AgencySettings>, String) =
        sqlx::query_as("SELECT settings, currency::text FROM agencies WHERE id = $1").bind(id).fetch_one(tx).await?;
    let currency = Currency::parse(&currency).map_err(|e| sqlx::Error::Decode(e.into()))?;
    Ok((settings.0, currency))
}

/// The agency called `name` (case-insensitive), for the command line.
pub async fn by_name(tx: &mut PgConnection, name: &str) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agencies WHERE lower(name) = lower($1)"))
        .bind(name.trim())
        .fetch_optional(tx)
        .await
}

/// A page ordered by id (UUID v7: creation order), after `after`.
pub async fn list(
    tx: &mut PgConnection,
    only: Option<Uuid>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM agencies
         WHERE ($1::uuid IS NULL OR id = $1) AND ($2::uuid IS NULL OR id > $2)
         ORDER BY id LIMIT $3"
    ))
    .bind(only)
    .bind(after)
    .bind(limit)
    .fetch_all(tx)
    .await
}

#[derive(Debug, Default)]
pub struct AgencyChanges<'a> {
    pub name: Option<&'a str>,
    pub licence_number: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    /// The whole settings, replacing the stored ones (the service merges a patch).
    pub settings: Option<&'a AgencySettings>,
}

/// Applies `changes`.
pub async fn update(
    tx: &mut PgConnection,
    id: Uuid,
    changes: &AgencyChanges<'_>,
) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "UPDATE agencies SET
             name = coalesce($2, name),
             licence_number = coalesce($3, licence_number),
             time_zone = coalesce($4, time_zone),
             settings = coalesce($5, settings),
             updated_at = now()
         WHERE id = $1
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(changes.name)
    .bind(changes.licence_number)
    .bind(changes.time_zone)
    .bind(changes.settings.map(Json))
    .fetch_optional(tx)
    .await
}

/// Whether PostgreSQL knows the IANA time zone `name`.
pub async fn time_zone_exists(tx: &mut PgConnection, name: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)").bind(name).fetch_one(tx).await
}

/// The agency's business date at the clock's instant `now`.
pub async fn today(
    tx: &mut PgConnection,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::NaiveDate, sqlx::Error> {
    sqlx::query_scalar("SELECT ($2::timestamptz AT TIME ZONE time_zone)::date FROM agencies WHERE id = $1")
        .bind(id)
        .bind(now)
        .fetch_one(tx)
        .await
}

/// The instant the agency's business date `day` begins (midnight in its time zone).
pub async fn start_of(
    tx: &mut PgConnection,
    id: Uuid,
    day: chrono::NaiveDate,
) -> Result<chrono::DateTime<chrono::Utc>, sqlx::Error> {
    sqlx::query_scalar("SELECT $2::date::timestamp AT TIME ZONE time_zone FROM agencies WHERE id = $1")
        .bind(id)
        .bind(day)
        .fetch_one(tx)
        .await
}

/// Creates the agency; `None` when another has its licence number (nothing changes).
pub async fn insert(tx: &mut PgConnection, agency: &NewAgency<'_>) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "INSERT INTO agencies (id, name, licence_number, currency, time_zone)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (licence_number) DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(agency.name)
    .bind(agency.licence_number)
    .bind(agency.currency.code())
    .bind(agency.time_zone)
    .fetch_optional(tx)
    .await
}

/// Opens or closes the agency's seat; the row as it is after.
pub async fn set_active(tx: &mut PgConnection, id: Uuid, active: bool) -> Result<Option<AgencyRow>, sqlx::Error> {
    sqlx::query_as(&format!("UPDATE agencies SET is_active = $2, updated_at = now() WHERE id = $1 RETURNING {COLUMNS}"))
        .bind(id)
        .bind(active)
        .fetch_optional(tx)
        .await
}
