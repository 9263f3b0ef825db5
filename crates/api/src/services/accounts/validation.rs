//! The validation notice of Regulation F (§ 1006.34; `debtflow_domain::validation`):
//! sent once per account as a letter — recorded as an outbound letter attempt, so a
//! block on the debtor's letters refuses it — with the itemisation as of that day and
//! the end of the validation period, both kept so the letter prints again as sent.
//!
//! The itemisation date is the account's delinquency date (the debt as placed: its
//! original balance); no interest is charged by DebtFlow; fees are those assessed, net
//! of waivers; the payments and credits are what makes the figures meet today's balance.
//! A dispute within the period blocks contact until it is resolved
//! ([`super::transition`]).

use super::{
    contacts::{self, RecordContact},
    person, reach,
};
use crate::{
    audit::{self, Actor, Change},
    services::{error::Entity, Refusal, ServiceError},
    store::{
        self,
        accounts::AccountRow,
        agencies::AgencyRow,
        validation_notices::{NewNotice, NoticeRow},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::{
    contact::{Channel, Direction, Outcome},
    validation::{self, Itemization},
    AccountStatus,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// Sends the account's validation notice today (the agency's), or says why not; the
/// notice, with the account's currency.
pub async fn send(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(NoticeRow, String), ServiceError> {
    let by = person(actor)?;
    let account = store::accounts::lock(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let agency_id = account.agency_id;
    if let Some(sent) = store::validation_notices::get(tx, agency_id, account.id).await? {
        return Err(Refusal::ValidationNoticeSent { sent_on: sent.sent_on }.into());
    }
    let may_send = account.status == AccountStatus::New || AccountStatus::COLLECTING.contains(&account.status);
    if !may_send {
        let allowed = std::iter::once(AccountStatus::New).chain(AccountStatus::COLLECTING);
        return Err(Refusal::wrong_status(Entity::Account, account.status, "a validation notice", allowed).into());
    }
    let today = store::agencies::today(tx, agency_id, now).await?;
    let period_ends_on = validation::period_end(today);
    let fees = store::validation_notices::fees_charged(tx, agency_id, account.id).await?;
    let itemization = Itemization::new(
        account.delinquency_date,
        account.original_balance,
        Decimal::ZERO,
        fees,
        account.current_balance,
    );
    let letter = RecordContact {
        account_id: account.id,
        channel: Channel::Letter,
        direction: Direction::Outbound,
        outcome: Outcome::Sent,
        used: account.debtor_address.clone(),
        notes: Some(format!("Validation notice; the validation period ends on {period_ends_on}.")),
        occurred_at: None,
    };
    let contact = contacts::record(tx, actor, letter, now).await?;
    let notice = NewNotice {
        agency_id,
        account_id: account.id,
        sent_on: today,
        period_ends_on,
        contact_id: contact.id,
        itemization,
        sent_by: by,
        created_at: now,
    };
    let row = store::validation_notices::insert(tx, &notice).await?;
    let change = Change::created(
        "account.validation_notice",
        "account",
        account.id,
        serde_json::json!({
            "sent_on": row.sent_on, "period_ends_on": row.period_ends_on, "contact_id": row.contact_id,
            "itemization": itemization,
        }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    Ok((row, account.currency))
}

/// The account's notice as sent, with the account and its agency (for the letter).
pub async fn get(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(NoticeRow, AccountRow, AgencyRow), ServiceError> {
    let account = store::accounts::get(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let notice =
        store::validation_notices::get(tx, account.agency_id, account.id).await?.ok_or(ServiceError::NotFound)?;
    let agency = store::agencies::get(tx, None, account.agency_id).await?.ok_or(ServiceError::NotFound)?;
    Ok((notice, account, agency))
}
