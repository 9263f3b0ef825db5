//! milestone_overdue_scan: milestones of open recovery actions past their target date
//! and not done (`debtflow_domain::remedial::recovery::is_overdue`) are flagged overdue
//! as of the date — once: a flagged milestone is not flagged again — on the account's
//! timeline and in the audit trail, and the manager who initiated the action is told.

use super::{JobError, Tally};
use crate::{
    audit::{self, Actor, Change, RequestContext},
    db, store,
    store::{account_events::NewEvent, notifications::NewNotification},
};
use chrono::NaiveDate;
use debtflow_domain::{notification::NotificationKind, remedial::recovery};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let found = store::recovery_actions::unflagged_overdue(&mut tx, agency_id, as_of).await?;
    let actor = Actor::anonymous(RequestContext::default());
    let mut tally = Tally { records_scanned: found.len() as i64, ..Tally::default() };
    for m in found.iter().filter(|m| recovery::is_overdue(m.target_on, None, as_of)) {
        if !store::recovery_actions::flag_overdue(&mut tx, agency_id, m.id, as_of).await? {
            continue;
        }
        tally.records_updated += 1;
        let data = json!({
            "step": "milestone_overdue", "action_id": m.action_id, "kind": m.kind, "milestone": m.name,
            "target_on": m.target_on,
        });
        let event =
            NewEvent { agency_id, account_id: m.account_id, kind: "recovery", actor_id: None, body: None, data };
        store::account_events::insert(&mut tx, &event).await?;
        let change = Change::updated(
            "recovery_milestone.overdue",
            "recovery_milestone",
            m.id,
            &json!({ "overdue_since": null }),
            &json!({ "overdue_since": as_of, "action_id": m.action_id, "target_on": m.target_on }),
        );
        audit::record(&mut tx, &actor, change.in_agency(Some(agency_id))).await?;
        let key = format!("milestone:{}:overdue", m.id);
        let title = format!("Recovery milestone overdue: {}", m.name);
        let body = format!("{} ({}) was due on {}.", m.name, m.external_ref, m.target_on);
        let notification = NewNotification {
            agency_id,
            recipient_id: m.initiated_by,
            kind: NotificationKind::MilestoneOverdue,
            title: &title,
            body: &body,
            entity_type: Some("account"),
            entity_id: Some(m.account_id.to_string()),
            idempotency_key: &key,
        };
        tally.notifications_sent += i64::from(store::notifications::insert(&mut tx, &notification).await?);
    }
    tx.commit().await?;
    Ok(tally)
}
