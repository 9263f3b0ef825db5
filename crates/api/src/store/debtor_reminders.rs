//! Reminders to debtors and the agencies' templates (migrations/0028).

use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    contact::Channel,
    plan::PlanStatus,
    reminder::{ReminderKind, Template, LATE_DAYS},
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// An unpaid installment of an active plan that may be reminded of on the day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    pub account_id: Uuid,
    pub plan_id: Uuid,
    pub seq: i16,
    pub due_date: NaiveDate,
    pub owed: Decimal,
    pub currency: String,
    pub external_ref: String,
    pub debtor_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The installments due `days_before` days after `as_of`, or late by one of
/// [`LATE_DAYS`] on it, still unpaid, of the agency's active plans.
pub async fn due(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    days_before: i32,
) -> Result<Vec<Due>, sqlx::Error> {
    let late: Vec<i32> = LATE_DAYS.iter().map(|d| *d as i32).collect();
    sqlx::query_as(
        "SELECT a.id AS account_id, i.plan_id, i.seq, i.due_date, i.amount - i.paid_amount AS owed,
                a.currency::text AS currency, a.external_ref, d.full_name AS debtor_name, d.email, d.phone
         FROM plan_installments i
         JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id AND p.status = $4
         JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
         JOIN debtors d ON d.agency_id = a.agency_id AND d.id = a.debtor_id
         WHERE i.agency_id = $1 AND i.paid_amount < i.amount
           AND (i.due_date = $2 + $3 OR i.due_date = ANY(SELECT $2 - l FROM unnest($5::int[]) l))
         ORDER BY i.due_date, i.plan_id, i.seq",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(days_before)
    .bind(PlanStatus::Active)
    .bind(late)
    .fetch_all(tx)
    .await
}

/// A reminder to write.
pub struct NewReminder<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub plan_id: Uuid,
    pub seq: i16,
    pub kind: ReminderKind,
    pub as_of: NaiveDate,
    pub channel: Channel,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub created_at: DateTime<Utc>,
}

/// What became of a reminder.
pub enum Fate<'a> {
    Queued { contact_id: Uuid },
    Blocked { rule: &'a str },
}

/// Writes the reminder with its fate; `None` when the installment had this kind of
/// reminder already (nothing written).
pub async fn insert(tx: &mut PgConnection, r: &NewReminder<'_>, fate: Fate<'_>) -> Result<Option<Uuid>, sqlx::Error> {
    let (status, contact_id, rule) = match fate {
        Fate::Queued { contact_id } => ("queued", Some(contact_id), None),
        Fate::Blocked { rule } => ("blocked", None, Some(rule)),
    };
    sqlx::query_scalar(
        "INSERT INTO debtor_reminders (agency_id, id, account_id, plan_id, seq, kind, as_of, channel, to_address,
                                       subject, body, status, rule, contact_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (agency_id, plan_id, seq, kind) DO NOTHING RETURNING id",
    )
    .bind(r.agency_id)
    .bind(Uuid::now_v7())
    .bind(r.account_id)
    .bind(r.plan_id)
    .bind(r.seq)
    .bind(r.kind)
    .bind(r.as_of)
    .bind(r.channel)
    .bind(r.to_address)
    .bind(r.subject)
    .bind(r.body)
    .bind(status)
    .bind(rule)
    .bind(contact_id)
    .bind(r.created_at)
    .fetch_optional(tx)
    .await
}

/// Whether the installment had this kind of reminder already.
pub async fn exists(
    tx: &mut PgConnection,
    agency_id: Uuid,
    plan_id: Uuid,
    seq: i16,
    kind: ReminderKind,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM debtor_reminders WHERE agency_id = $1 AND plan_id = $2 AND seq = $3 AND kind = $4)",
    )
    .bind(agency_id)
    .bind(plan_id)
    .bind(seq)
    .bind(kind)
    .fetch_one(tx)
    .await
}

/// Records what the sender said of a queued reminder (`error`: why it failed).
pub async fn delivered(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE debtor_reminders SET status = CASE WHEN $3::text IS NULL THEN 'sent' ELSE 'failed' END, error = $3
         WHERE agency_id = $1 AND id = $2 AND status = 'queued'",
    )
    .bind(agency_id)
    .bind(id)
    .bind(error)
    .execute(tx)
    .await?;
    Ok(())
}

/// The agency's own templates.
pub async fn templates(tx: &mut PgConnection, agency_id: Uuid) -> Result<Vec<(ReminderKind, Template)>, sqlx::Error> {
    let rows: Vec<(ReminderKind, String, String)> =
        sqlx::query_as("SELECT kind, subject, body FROM reminder_templates WHERE agency_id = $1 ORDER BY kind")
            .bind(agency_id)
            .fetch_all(tx)
            .await?;
    Ok(rows.into_iter().map(|(kind, subject, body)| (kind, Template { subject, body })).collect())
}

/// Sets the agency's template for `kind`.
pub async fn set_template(
    tx: &mut PgConnection,
    agency_id: Uuid,
    kind: ReminderKind,
    template: &Template,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO reminder_templates (agency_id, kind, subject, body, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (agency_id, kind) DO UPDATE SET subject = $3, body = $4, updated_by = $5, updated_at = $6",
    )
    .bind(agency_id)
    .bind(kind)
    .bind(&template.subject)
    .bind(&template.body)
    .bind(by)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(())
}

/// Drops the agency's template for `kind` (the default applies again); whether it had one.
pub async fn reset_template(tx: &mut PgConnection, agency_id: Uuid, kind: ReminderKind) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM reminder_templates WHERE agency_id = $1 AND kind = $2")
        .bind(agency_id)
        .bind(kind)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
