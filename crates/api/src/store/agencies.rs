//! Agencies, the tenants.

use debtflow_domain::Currency;
use sqlx::PgExecutor;
use uuid::Uuid;

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
