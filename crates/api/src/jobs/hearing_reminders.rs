//! hearing_reminders: the manager who drafted a legal case and the account's collector
//! hear of each hearing without an outcome from today to `hearing_reminder_days` days
//! ahead (agency setting, default 3; `debtflow_domain::remedial::legal::reminder_window`),
//! once per hearing and person — so a re-run, or a replay of any date, sends nothing twice.

use super::{JobError, Tally};
use crate::{db, store, store::notifications::NewNotification};
use chrono::NaiveDate;
use debtflow_domain::{notification::NotificationKind, remedial::legal};
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let days = store::agencies::settings(&mut tx, agency_id).await?.hearing_reminder_days;
    let window = legal::reminder_window(as_of, days);
    let hearings = store::legal_cases::upcoming(&mut tx, agency_id, *window.start(), *window.end()).await?;
    let mut sent = 0;
    for h in &hearings {
        let mut recipients = vec![h.created_by];
        recipients.extend(h.collector_id.filter(|c| *c != h.created_by));
        let title = format!("Hearing on {} at {}", h.starts_on, h.local_time);
        let case = h.case_number.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
        let body = format!("{}{case} ({}): {} at {}.", h.court, h.external_ref, h.purpose, h.venue);
        for recipient in recipients {
            let key = format!("hearing:{}:reminder:{recipient}", h.id);
            let notification = NewNotification {
                agency_id,
                recipient_id: recipient,
                kind: NotificationKind::HearingReminder,
                title: &title,
                body: &body,
                entity_type: Some("account"),
                entity_id: Some(h.account_id.to_string()),
                idempotency_key: &key,
            };
            sent += i64::from(store::notifications::insert(&mut tx, &notification).await?);
        }
    }
    tx.commit().await?;
    Ok(Tally { records_scanned: hearings.len() as i64, notifications_sent: sent, ..Tally::default() })
}
