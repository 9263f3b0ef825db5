//! debtor_reminders: each unpaid installment of an active plan gets a reminder to the
//! debtor `reminder_days_before` days before it falls due (agency setting, 3) and on
//! the 3rd and 7th days it is late (`debtflow_domain::reminder`), by e-mail or text
//! from the agency's template ([`crate::services::reminders`]). Each reminder is its
//! own transaction — recorded as a contact attempt the guardrails judge, or as blocked
//! with the rule — then handed to the [`Messenger`] and marked sent or failed. The
//! unique (installment, kind) makes a re-run send nothing twice; a reminder the
//! guardrails refused is not tried again (the next kind's day comes).

use super::{JobError, Tally};
use crate::{
    db::{self, Scope},
    messages::Messenger,
    services::reminders::{self, Reminded},
    store,
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::reminder;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(
    db: &PgPool,
    messenger: &Messenger,
    agency_id: Uuid,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let settings = store::agencies::settings(&mut tx, agency_id).await?;
    let agency = store::agencies::get(&mut tx, None, agency_id).await?.map(|a| a.name).unwrap_or_default();
    // At most 60 (the setting's range): no wrap.
    let days_before = settings.reminder_days_before;
    let due = store::debtor_reminders::due(&mut tx, agency_id, as_of, days_before as i32).await?;
    let templates = reminders::templates(&mut tx, agency_id).await?;
    tx.commit().await?;

    let mut tally = Tally { records_scanned: due.len() as i64, ..Tally::default() };
    for installment in &due {
        let Some(kind) = reminder::kind(installment.due_date, as_of, days_before) else { continue };
        let Some((_, template, _)) = templates.iter().find(|(k, ..)| *k == kind) else { continue };
        let reminded = async {
            let mut tx = db::begin(db, Scope::Platform).await?;
            let reminded =
                reminders::remind(&mut tx, agency_id, &agency, installment, kind, template, as_of, now).await?;
            tx.commit().await?;
            Ok::<_, JobError>(reminded)
        };
        match reminded.await {
            Ok(Reminded::Queued(message)) => {
                let error = messenger.send(&message).await.err();
                let mut tx = db::begin(db, Scope::Platform).await?;
                store::debtor_reminders::delivered(&mut tx, agency_id, message.id, error.as_deref()).await?;
                tx.commit().await?;
                match error {
                    None => tally.notifications_sent += 1,
                    Some(_) => tally.notifications_failed += 1,
                }
                tally.records_updated += 1;
            }
            Ok(Reminded::Blocked { .. }) => tally.records_updated += 1,
            Ok(Reminded::Nothing) => {}
            Err(err) => tally.failed(format!("plan {} installment {}", installment.plan_id, installment.seq + 1), &err),
        }
    }
    Ok(tally)
}
