//! Legal cases (`debtflow_domain::remedial::legal`): drafted, filed, heard, judged and
//! closed by a manager; their hearings scheduled and their outcomes recorded.

use super::{account_of, audit_step, today};
use crate::{
    audit::Actor,
    services::{error::Entity, Refusal, ServiceError},
    store::{
        self,
        legal_cases::{CaseRow, HearingRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    remedial::{
        legal::{self, CaseOutcome, CaseStep, LegalCaseStatus},
        Lifecycle,
    },
    AccountStatus,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A case with its hearings, earliest first.
#[derive(Debug, Clone)]
pub struct Case {
    pub row: CaseRow,
    pub hearings: Vec<HearingRow>,
}

/// The particulars of a case, drafted or edited. Blank optional texts are none.
#[derive(Debug, Clone, Default)]
pub struct Particulars {
    pub court: Option<String>,
    pub case_number: Option<String>,
    pub counsel: Option<String>,
    pub amount_claimed: Option<Decimal>,
    pub notes: Option<String>,
}

/// Drafts a case on an open account.
pub async fn draft(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    p: Particulars,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let by = super::person(actor)?;
    let account = account_of(tx, actor, account_id, now).await?;
    if !account.status.is_open() {
        let open = AccountStatus::ALL.into_iter().filter(|s| s.is_open());
        return Err(Refusal::wrong_status(Entity::Account, account.status, "a legal case", open).into());
    }
    let mut row = CaseRow {
        agency_id: account.agency_id,
        id: Uuid::now_v7(),
        account_id: account.id,
        status: LegalCaseStatus::Draft,
        court: String::new(),
        case_number: None,
        counsel: None,
        amount_claimed: Decimal::ZERO,
        currency: account.currency.clone(),
        filed_on: None,
        judgment_on: None,
        outcome: None,
        closed_on: None,
        next_hearing_at: None,
        notes: None,
        created_by: by,
        created_by_name: None,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    apply(&mut row, p, true)?;
    let row = store::legal_cases::insert(tx, &row).await?;
    let data =
        json!({ "step": "drafted", "case_id": row.id, "court": row.court, "amount_claimed": row.amount_claimed });
    super::timeline(tx, actor, row.agency_id, row.account_id, "legal", row.notes.as_deref(), data).await?;
    audit_step(tx, actor, "legal_case.create", "legal_case", row.id, None, &row).await?;
    Ok(Case { row, hearings: Vec::new() })
}

/// Writes the particulars given into `row`, checked: a court (not blank) and an amount
/// claimed greater than zero in the account's currency. `new`: every required field given.
fn apply(row: &mut CaseRow, p: Particulars, new: bool) -> Result<(), ServiceError> {
    let text = |t: String| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    match p.court.map(text) {
        Some(Some(court)) => row.court = court,
        Some(None) => return Err(ServiceError::invalid("court", "must not be blank")),
        None if new => return Err(ServiceError::invalid("court", "is required")),
        None => {}
    }
    if let Some(number) = p.case_number {
        row.case_number = text(number);
    }
    if let Some(counsel) = p.counsel {
        row.counsel = text(counsel);
    }
    if let Some(notes) = p.notes {
        row.notes = text(notes);
    }
    match p.amount_claimed {
        Some(amount) => {
            let currency = debtflow_domain::Currency::parse(&row.currency).map_err(ServiceError::invariant)?;
            let money = debtflow_domain::Money::new(amount, currency)
                .map_err(|e| ServiceError::invalid("amount_claimed", e))?;
            if !money.is_positive() {
                return Err(ServiceError::invalid("amount_claimed", "must be greater than zero"));
            }
            row.amount_claimed = money.amount();
        }
        None if new => return Err(ServiceError::invalid("amount_claimed", "is required")),
        None => {}
    }
    Ok(())
}

/// The case with its hearings, if the caller reaches its account.
pub async fn get(tx: &mut PgConnection, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<Case, ServiceError> {
    let row = load(tx, actor, id, now, false).await?;
    let hearings = store::legal_cases::hearings(tx, row.agency_id, &[row.id]).await?;
    Ok(Case { row, hearings })
}

/// The account's cases, the newest first, with their hearings.
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Case>, ServiceError> {
    let account = account_of(tx, actor, account_id, now).await?;
    let rows = store::legal_cases::for_account(tx, account.agency_id, account.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut hearings = store::legal_cases::hearings(tx, account.agency_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest) = hearings.drain(..).partition(|h| h.case_id == row.id);
            hearings = rest;
            Case { row, hearings: mine }
        })
        .collect())
}

/// The case, within the caller's reach; locked if `lock`.
async fn load(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
    lock: bool,
) -> Result<CaseRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let row = store::legal_cases::get(tx, agency_id, id, lock).await?.ok_or(ServiceError::NotFound)?;
    account_of(tx, actor, row.account_id, now).await?;
    Ok(row)
}

/// Takes `step` on the case, or refuses it from where the case is.
fn take(row: &mut CaseRow, step: CaseStep, now: DateTime<Utc>) -> Result<(), ServiceError> {
    row.status = row.status.step(step).map_err(|e| Refusal::step(Entity::LegalCase, e))?;
    row.updated_at = now;
    Ok(())
}

/// Saves a step taken: the row, the timeline (`legal`, with `step`) and the audit trail.
async fn save(
    tx: &mut PgConnection,
    actor: &Actor,
    action: &'static str,
    before: &CaseRow,
    row: CaseRow,
    step: &str,
    body: Option<&str>,
) -> Result<Case, ServiceError> {
    store::legal_cases::save(tx, &row).await?;
    let data = json!({
        "step": step, "case_id": row.id, "court": row.court, "case_number": row.case_number, "status": row.status,
        "outcome": row.outcome,
    });
    super::timeline(tx, actor, row.agency_id, row.account_id, "legal", body, data).await?;
    audit_step(tx, actor, action, "legal_case", row.id, Some(before), &row).await?;
    let hearings = store::legal_cases::hearings(tx, row.agency_id, &[row.id]).await?;
    Ok(Case { row, hearings })
}

/// Changes a draft's particulars.
pub async fn edit(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    p: Particulars,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::Edit, now)?;
    apply(&mut row, p, false)?;
    save(tx, actor, "legal_case.update", &before, row, "edited", None).await
}

/// Deletes a draft (kept, hidden).
pub async fn delete(tx: &mut PgConnection, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::Delete, now)?;
    row.deleted_at = Some(now);
    save(tx, actor, "legal_case.delete", &before, row, "deleted", None).await?;
    Ok(())
}

/// Files the draft: its court and case number (given now or before) and the day filed.
pub async fn file(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    p: Particulars,
    filed_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::File, now)?;
    apply(&mut row, p, false)?;
    let number = row.case_number.clone().unwrap_or_default();
    legal::check_filing(&row.court, &number, filed_on, today(tx, row.agency_id, now).await?)?;
    if store::legal_cases::number_taken(tx, row.agency_id, row.id, &row.court, &number).await? {
        return Err(ServiceError::invalid("case_number", "another case of the agency has it in this court"));
    }
    row.filed_on = Some(filed_on);
    save(tx, actor, "legal_case.file", &before, row, "filed", None).await
}

/// Records the court's judgment.
pub async fn judge(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    outcome: CaseOutcome,
    judgment_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::Judge, now)?;
    let filed_on = row.filed_on.ok_or_else(|| ServiceError::invariant("a filed case has its filing date"))?;
    legal::check_judgment(outcome, judgment_on, filed_on, today(tx, row.agency_id, now).await?)?;
    (row.outcome, row.judgment_on) = (Some(outcome), Some(judgment_on));
    save(tx, actor, "legal_case.judge", &before, row, "judged", None).await
}

/// Closes the case: with its judgment, or with how it ended before one.
pub async fn close(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    outcome: Option<CaseOutcome>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::Close, now)?;
    let judgment = before.outcome.filter(|o| o.is_judgment());
    row.outcome = Some(legal::closing_outcome(before.status, judgment, outcome)?);
    row.closed_on = Some(today(tx, row.agency_id, now).await?);
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    save(tx, actor, "legal_case.close", &before, row, "closed", note).await
}

/// A hearing to schedule.
#[derive(Debug, Clone)]
pub struct NewHearing {
    pub starts_at: DateTime<Utc>,
    pub venue: String,
    pub purpose: String,
}

/// Schedules a hearing of a filed case; the first puts the case in hearing.
pub async fn schedule_hearing(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    h: NewHearing,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let by = super::person(actor)?;
    let before = load(tx, actor, id, now, true).await?;
    let mut row = before.clone();
    take(&mut row, CaseStep::Hear, now)?;
    let (venue, purpose) = (h.venue.trim().to_owned(), h.purpose.trim().to_owned());
    if venue.is_empty() {
        return Err(ServiceError::invalid("venue", "must not be blank"));
    }
    if purpose.is_empty() {
        return Err(ServiceError::invalid("purpose", "must not be blank"));
    }
    let filed_on = row.filed_on.ok_or_else(|| ServiceError::invariant("a filed case has its filing date"))?;
    legal::check_hearing(today(tx, row.agency_id, h.starts_at).await?, filed_on)?;
    let hearing = HearingRow {
        id: Uuid::now_v7(),
        case_id: row.id,
        starts_at: h.starts_at,
        venue,
        purpose,
        outcome: None,
        next_step: None,
        scheduled_by: by,
        scheduled_at: now,
        recorded_by: None,
        recorded_at: None,
    };
    store::legal_cases::insert_hearing(tx, row.agency_id, &hearing).await?;
    let data = json!({
        "step": "hearing_scheduled", "case_id": row.id, "hearing_id": hearing.id, "starts_at": hearing.starts_at,
        "venue": hearing.venue, "purpose": hearing.purpose,
    });
    super::timeline(tx, actor, row.agency_id, row.account_id, "legal", None, data).await?;
    audit_step(tx, actor, "hearing.schedule", "hearing", hearing.id, None, &hearing).await?;
    if row.status != before.status {
        store::legal_cases::save(tx, &row).await?;
        audit_step(tx, actor, "legal_case.update", "legal_case", row.id, Some(&before), &row).await?;
    }
    let hearings = store::legal_cases::hearings(tx, row.agency_id, &[row.id]).await?;
    Ok(Case { row, hearings })
}

/// Records what came of a hearing that took place, and the next step.
pub async fn record_outcome(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    hearing_id: Uuid,
    outcome: &str,
    next_step: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Case, ServiceError> {
    let by = super::person(actor)?;
    let mut row = load(tx, actor, id, now, true).await?;
    take(&mut row, CaseStep::RecordOutcome, now)?;
    let before =
        store::legal_cases::lock_hearing(tx, row.agency_id, row.id, hearing_id).await?.ok_or(ServiceError::NotFound)?;
    legal::check_outcome(before.starts_at, before.outcome.is_some(), now)?;
    let outcome = outcome.trim();
    if outcome.is_empty() {
        return Err(ServiceError::invalid("outcome", "must not be blank"));
    }
    let hearing = HearingRow {
        outcome: Some(outcome.to_owned()),
        next_step: next_step.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        recorded_by: Some(by),
        recorded_at: Some(now),
        ..before.clone()
    };
    store::legal_cases::record_outcome(tx, row.agency_id, &hearing).await?;
    let data = json!({
        "step": "hearing_held", "case_id": row.id, "hearing_id": hearing.id, "starts_at": hearing.starts_at,
        "next_step": hearing.next_step,
    });
    super::timeline(tx, actor, row.agency_id, row.account_id, "legal", Some(outcome), data).await?;
    audit_step(tx, actor, "hearing.outcome", "hearing", hearing.id, Some(&before), &hearing).await?;
    let hearings = store::legal_cases::hearings(tx, row.agency_id, &[row.id]).await?;
    Ok(Case { row, hearings })
}
