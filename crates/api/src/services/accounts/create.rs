//! Opening an account (`POST /accounts`): the debtor, the account in the agency's
//! currency with status NEW, and the opening entry that raises its balance to the
//! original balance (the balance moves only through the ledger).

use super::{snapshot, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{Refusal, ServiceError},
    store::{
        self,
        accounts::{AccountRow, NewAccount as NewAccountRow, NewDebtor as NewDebtorRow, Reach},
        ledger::Links,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    ledger::{Entry, EntryKind},
    Currency, Money, Priority,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;

/// The debtor of a new account.
#[derive(Debug, Clone, Default)]
pub struct NewDebtor {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// The last four digits of the SSN, encrypted (`crate::crypto::FieldCipher`).
    pub ssn_last4_enc: Option<Vec<u8>>,
    pub external_ref: Option<String>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub external_ref: String,
    /// In the agency's currency.
    pub original_balance: Decimal,
    pub creditor: String,
    pub original_creditor: Option<String>,
    pub delinquency_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub priority: Priority,
    pub debtor: NewDebtor,
}

/// Opens the account; returns it as read back.
///
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: NewAccount,
    now: DateTime<Utc>,
) -> Result<AccountRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let agency = store::agencies::get(tx, Some(agency_id), agency_id).await?.ok_or(ServiceError::NotFound)?;
    let currency = Currency::parse(&agency.currency)?;
    let balance =
        Money::new(cmd.original_balance, currency).map_err(|e| ServiceError::invalid("original_balance", e))?;
    if !balance.is_positive() {
        return Err(ServiceError::invalid("original_balance", "must be greater than zero"));
    }
    let today = store::agencies::today(tx, agency_id, now).await?;
    debtflow_domain::account::check_delinquency_date(cmd.delinquency_date, today)
        .map_err(|m| ServiceError::invalid("delinquency_date", m))?;
    let d = &cmd.debtor;
    let row = NewAccountRow {
        agency_id,
        external_ref: cmd.external_ref.trim(),
        creditor: cmd.creditor.trim(),
        original_creditor: cmd.original_creditor.as_deref(),
        original_balance: balance.amount(),
        currency: currency.code(),
        priority: cmd.priority,
        delinquency_date: cmd.delinquency_date,
        due_date: cmd.due_date,
        debtor: NewDebtorRow {
            full_name: d.full_name.trim(),
            phone: d.phone.as_deref(),
            email: d.email.as_deref(),
            address: d.address.as_deref(),
            date_of_birth: d.date_of_birth,
            ssn_last4_enc: d.ssn_last4_enc.clone(),
            external_ref: d.external_ref.as_deref(),
        },
    };
    let id = store::accounts::insert(tx, &row)
        .await?
        .ok_or_else(|| Refusal::DuplicateAccountReference { external_ref: row.external_ref.to_owned() })?;
    let opening = Entry::of(EntryKind::Opening, balance)?;
    store::ledger::post(tx, agency_id, id, &opening, Links::default()).await?;
    let reach = Reach { agency_id: Some(agency_id), collector_id: None };
    let account = store::accounts::get(tx, reach, id, now).await?.ok_or(ServiceError::NotFound)?;
    timeline(tx, actor, agency_id, id, "created", None, serde_json::json!({})).await?;
    audit::record(tx, actor, Change::created("account.create", "account", id, snapshot(&account))).await?;
    Ok(account)
}
