//! The account a money use case works on: locked for the transaction, with its
//! [`Book`] (the balance, which only ledger entries move, and the status moves money
//! causes), and the one way those are written — the journal entry, the saved status,
//! the timeline event and the audit record together.

use super::{webhooks, ServiceError};
use crate::{
    audit::{self, Actor, Change},
    store::{
        self,
        account_events::NewEvent,
        accounts::{MoneyRow, Reach},
        ledger::Links,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    account::{
        book::{Book, Move},
        Cause,
    },
    agency::AgencySettings,
    ledger::Entry,
    AccountStatus, Currency, Money,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// An account locked for a money use case.
#[derive(Debug)]
pub struct LockedAccount {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub currency: Currency,
    pub collector_id: Option<Uuid>,
    /// The collector's share of each completed payment.
    pub commission_rate: Option<Decimal>,
    /// The agency's settings: which part of the balance a payment pays first, the
    /// approval window of backdated payments.
    pub settings: AgencySettings,
    /// The agency's business date at the clock's instant.
    pub today: NaiveDate,
    /// The clock's instant the account was locked at: when what the use case does happens.
    pub now: DateTime<Utc>,
    pub book: Book,
}

impl LockedAccount {
    /// Locks the account within `reach`; `None` when there is none.
    pub async fn lock(
        tx: &mut PgConnection,
        reach: Reach,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, ServiceError> {
        let Some(row) = store::accounts::lock_money(tx, reach, id, now).await? else { return Ok(None) };
        Self::of(row, now).map(Some)
    }

    /// The account as `row` holds it, locked at `now`.
    pub(crate) fn of(row: MoneyRow, now: DateTime<Utc>) -> Result<Self, ServiceError> {
        let currency = Currency::parse(&row.currency).map_err(ServiceError::invariant)?;
        let balance = Money::new(row.current_balance, currency)?;
        Ok(LockedAccount {
            agency_id: row.agency_id,
            id: row.id,
            currency,
            collector_id: row.collector_id,
            commission_rate: row.commission_rate,
            settings: row.settings.0,
            today: row.today,
            now,
            book: Book::new(row.status, balance, row.settled_from),
        })
    }

    pub fn status(&self) -> AccountStatus {
        self.book.status()
    }

    /// An amount of the account's currency read from the database.
    pub fn money(&self, amount: Decimal) -> Result<Money, ServiceError> {
        Ok(Money::new(amount, self.currency)?)
    }

    /// An amount of the account's currency given by the client in `field`.
    pub fn amount(&self, field: &'static str, amount: Decimal) -> Result<Money, ServiceError> {
        Money::new(amount, self.currency).map_err(|e| ServiceError::invalid(field, e))
    }

    /// Appends `entry` to the account's journal and moves its book; the entry's id.
    pub async fn post(&mut self, tx: &mut PgConnection, entry: &Entry, links: Links) -> Result<Uuid, ServiceError> {
        let id = store::ledger::post(tx, self.agency_id, self.id, entry, links).await?;
        self.book.post(entry)?;
        Ok(id)
    }

    /// Moves the account for `cause` (a plan activated or ended).
    pub async fn transition(
        &mut self,
        tx: &mut PgConnection,
        actor: &Actor,
        to: AccountStatus,
        cause: Cause,
        why: &str,
    ) -> Result<(), ServiceError> {
        let moved = self.book.transition(to, cause).map_err(ServiceError::invariant)?;
        self.save(tx, actor, moved, why).await
    }

    /// SETTLED once nothing is owed.
    pub async fn settle_if_paid(&mut self, tx: &mut PgConnection, actor: &Actor) -> Result<(), ServiceError> {
        match self.book.settle_if_paid() {
            Some(moved) => self.save(tx, actor, moved, "the balance reached zero").await,
            None => Ok(()),
        }
    }

    /// Back to the status it was settled from, once a refund made it owe again.
    pub async fn reopen_if_owed(&mut self, tx: &mut PgConnection, actor: &Actor) -> Result<(), ServiceError> {
        match self.book.reopen_if_owed() {
            Some(moved) => self.save(tx, actor, moved, "a refund reopened the balance").await,
            None => Ok(()),
        }
    }

    /// Saves a status move, on the timeline and in the audit trail.
    async fn save(&self, tx: &mut PgConnection, actor: &Actor, moved: Move, why: &str) -> Result<(), ServiceError> {
        let settled_from = self.book.settled_from();
        store::accounts::set_money_status(tx, self.agency_id, self.id, moved.to, settled_from).await?;
        self.event(tx, actor, "status_change", Some(why), json!({ "from": moved.from, "to": moved.to })).await?;
        let change = Change::updated(
            "account.transition",
            "account",
            self.id,
            &json!({ "status": moved.from }),
            &json!({ "status": moved.to, "reason": why }),
        );
        audit::record(tx, actor, change.in_agency(Some(self.agency_id))).await?;
        webhooks::status_changed(tx, self.agency_id, self.id, (moved.from, moved.to), why, self.now).await
    }

    /// An event on the account's timeline.
    pub async fn event(
        &self,
        tx: &mut PgConnection,
        actor: &Actor,
        kind: &'static str,
        body: Option<&str>,
        data: serde_json::Value,
    ) -> Result<(), ServiceError> {
        let event =
            NewEvent { agency_id: self.agency_id, account_id: self.id, kind, actor_id: actor.user_id, body, data };
        store::account_events::insert(tx, &event).await?;
        Ok(())
    }
}
