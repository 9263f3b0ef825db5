//! Reminders to debtors of their installments (`debtflow_domain::reminder`): each one
//! recorded as an outbound contact attempt through the contact use case — so the
//! Regulation F guardrails and the blocks on the debtor judge it like any collector's
//! message — and written once per installment and kind. The agencies' templates.

use super::{
    accounts::contacts::{self, RecordContact},
    ServiceError,
};
use crate::{
    audit::{self, Actor, Change, RequestContext},
    messages::Message,
    store::{
        self,
        debtor_reminders::{Due, Fate, NewReminder},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    contact::{Channel, Direction, Outcome},
    reminder::{Fields, ReminderKind, Template},
    Currency,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// What became of one installment's reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminded {
    /// Recorded; the message to hand to the sender.
    Queued(Message),
    /// A guardrail or block refused it (`rule`); recorded, not sent.
    Blocked { rule: &'static str },
    /// Sent already, or the debtor has no address or number.
    Nothing,
}

/// Writes the `kind` reminder of the installment `due` (the system acting), filled from
/// `template`, as of `as_of` at the instant `now`.
#[allow(clippy::too_many_arguments)]
pub async fn remind(
    tx: &mut PgConnection,
    agency_id: Uuid,
    agency: &str,
    due: &Due,
    kind: ReminderKind,
    template: &Template,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Reminded, ServiceError> {
    let actor = Actor::anonymous(RequestContext::default());
    if store::debtor_reminders::exists(tx, agency_id, due.plan_id, due.seq, kind).await? {
        return Ok(Reminded::Nothing);
    }
    let (channel, to) = match (&due.email, &due.phone) {
        (Some(email), _) => (Channel::Email, email.clone()),
        (None, Some(phone)) => (Channel::Sms, phone.clone()),
        (None, None) => return Ok(Reminded::Nothing),
    };
    let currency = Currency::parse(&due.currency).map_err(ServiceError::invariant)?;
    let amount = format!("{} {}", currency.shown(due.owed), currency);
    let fields = Fields {
        debtor_name: &due.debtor_name,
        amount: &amount,
        due_date: due.due_date,
        account: &due.external_ref,
        agency,
    };
    let (subject, body) = template.render(fields);
    let reminder = NewReminder {
        agency_id,
        account_id: due.account_id,
        plan_id: due.plan_id,
        seq: due.seq,
        kind,
        as_of,
        channel,
        to_address: &to,
        subject: &subject,
        body: &body,
        created_at: now,
    };
    let attempt = RecordContact {
        account_id: due.account_id,
        channel,
        direction: Direction::Outbound,
        outcome: Outcome::Sent,
        used: Some(to.clone()),
        notes: Some(format!("Reminder ({kind}): {subject}")),
        occurred_at: None,
    };
    let contact = match contacts::record(tx, &actor, attempt, now).await {
        Ok(contact) => contact,
        Err(ServiceError::Refused(refusal)) => {
            let rule = refusal.code();
            contacts::record_blocked(tx, &actor, due.account_id, channel, Direction::Outbound, &refusal).await?;
            store::debtor_reminders::insert(tx, &reminder, Fate::Blocked { rule }).await?;
            return Ok(Reminded::Blocked { rule });
        }
        Err(e) => return Err(e),
    };
    let Some(id) = store::debtor_reminders::insert(tx, &reminder, Fate::Queued { contact_id: contact.id }).await?
    else {
        return Ok(Reminded::Nothing);
    };
    Ok(Reminded::Queued(Message { id, channel, to, subject, body }))
}

/// Each kind's template for the agency: its own, else the default.
pub async fn templates(
    tx: &mut PgConnection,
    agency_id: Uuid,
) -> Result<Vec<(ReminderKind, Template, bool)>, ServiceError> {
    let own = store::debtor_reminders::templates(tx, agency_id).await?;
    Ok(ReminderKind::ALL
        .iter()
        .map(|kind| match own.iter().find(|(k, _)| k == kind) {
            Some((_, template)) => (*kind, template.clone(), true),
            None => (*kind, kind.default_template(), false),
        })
        .collect())
}

/// Sets the agency's template for `kind` (`None`: back to the default); audited.
pub async fn set_template(
    tx: &mut PgConnection,
    actor: &Actor,
    agency_id: Uuid,
    kind: ReminderKind,
    template: Option<Template>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let by = actor.user_id.ok_or_else(|| ServiceError::invariant("templates are set by a person"))?;
    let before = templates(tx, agency_id).await?.into_iter().find(|(k, ..)| *k == kind);
    match &template {
        Some(template) => {
            template.check().map_err(|e| ServiceError::invalid(e.field, e.message))?;
            store::debtor_reminders::set_template(tx, agency_id, kind, template, by, now).await?;
        }
        None => {
            store::debtor_reminders::reset_template(tx, agency_id, kind).await?;
        }
    }
    let shown = |t: Option<&Template>| t.map(|t| serde_json::json!({ "subject": t.subject, "body": t.body }));
    let change = Change::updated(
        "agency.reminder_template",
        "agency",
        agency_id,
        &serde_json::json!({ "kind": kind, "template": shown(before.as_ref().filter(|b| b.2).map(|b| &b.1)) }),
        &serde_json::json!({ "kind": kind, "template": shown(template.as_ref()) }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    Ok(())
}
