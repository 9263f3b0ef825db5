//! Placing a file of accounts in an agency: the one place the seed depends on how
//! accounts get in.
//!
//! For now each row of the CSV (the import format: a header row, then
//! `external_ref,creditor,original_creditor,original_balance,currency,delinquency_date,
//! due_date,priority,debtor_name,phone,email,address,date_of_birth,ssn_last4`) is opened
//! with `services::accounts::create`, as `POST /accounts` does, and a row whose external
//! reference the agency has already is skipped. The import pipeline takes this body
//! over; the rest of the seed looks the accounts up by external reference afterwards.

use super::SeedError;
use crate::{
    audit::Actor,
    crypto::FieldCipher,
    db::{self, Scope},
    services::{
        accounts::create::{create, NewAccount, NewDebtor},
        Refusal, ServiceError,
    },
    store,
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::Priority;
use rust_decimal::Decimal;
use sqlx::{Connection, PgPool};
use std::{collections::HashMap, str::FromStr};
use uuid::Uuid;

/// Places the accounts of `csv` (named `file_name`) in the agency as `actor`, at `now`:
/// all of them or, on an error, none.
pub async fn place(
    db: &PgPool,
    agency_id: Uuid,
    actor: &Actor,
    file_name: &str,
    csv: &[u8],
    cipher: &FieldCipher,
    now: DateTime<Utc>,
) -> Result<(), SeedError> {
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    let currency = store::agencies::get(&mut tx, Some(agency_id), agency_id)
        .await?
        .ok_or_else(|| SeedError::Missing(format!("agency {agency_id}")))?
        .currency;
    let mut reader = csv::ReaderBuilder::new().from_reader(csv);
    let columns: HashMap<String, usize> = reader
        .headers()
        .map_err(|e| SeedError::Csv(e, file_name.to_owned()))?
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim().to_owned(), i))
        .collect();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SeedError::Csv(e, file_name.to_owned()))?;
        let row = Row { columns: &columns, record: &record };
        let invalid = |(field, message): (&'static str, String)| SeedError::Row {
            file: file_name.to_owned(),
            line: n as u64 + 2,
            field,
            message,
        };
        let account = row.account(&currency, cipher).map_err(invalid)?;
        let external_ref = account.external_ref.clone();
        // A savepoint: a row refused as a duplicate leaves nothing behind.
        let mut savepoint = tx.begin().await?;
        match create(&mut savepoint, actor, account, now).await {
            Ok(_) => savepoint.commit().await?,
            Err(ServiceError::Refused(Refusal::DuplicateAccountReference { .. })) => savepoint.rollback().await?,
            Err(source) => return Err(SeedError::Step { step: "placing the account", external_ref, source }),
        }
    }
    tx.commit().await?;
    Ok(())
}

type Invalid = (&'static str, String);

/// One row of the file.
struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed value of `field`, `None` when absent or blank.
    fn get(&self, field: &str) -> Option<&str> {
        let value = self.columns.get(field).and_then(|i| self.record.get(*i))?.trim();
        (!value.is_empty()).then_some(value)
    }

    fn required(&self, field: &'static str) -> Result<&str, Invalid> {
        self.get(field).ok_or((field, "is required".to_owned()))
    }

    fn date(&self, field: &'static str) -> Result<Option<NaiveDate>, Invalid> {
        self.get(field)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| (field, format!("`{v}` is not a YYYY-MM-DD date")))
            })
            .transpose()
    }

    fn text(&self, field: &str) -> Option<String> {
        self.get(field).map(str::to_owned)
    }

    fn account(&self, agency_currency: &str, cipher: &FieldCipher) -> Result<NewAccount, Invalid> {
        if let Some(currency) = self.get("currency").filter(|c| !c.eq_ignore_ascii_case(agency_currency)) {
            return Err(("currency", format!("`{currency}` is not the agency's currency ({agency_currency})")));
        }
        let balance = self.required("original_balance")?;
        let original_balance = Decimal::from_str(balance)
            .ok()
            .filter(|_| balance.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .ok_or(("original_balance", format!("`{balance}` is not an amount like 1234.56")))?;
        let priority = match self.get("priority") {
            Some(p) => Priority::from_str(p).map_err(|e| ("priority", e.to_string()))?,
            None => Priority::default(),
        };
        let ssn_last4 = match self.get("ssn_last4") {
            Some(s) if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) => Some(cipher.encrypt(s)),
            Some(_) => return Err(("ssn_last4", "must be four digits".to_owned())),
            None => None,
        };
        Ok(NewAccount {
            external_ref: self.required("external_ref")?.to_owned(),
            original_balance,
            creditor: self.required("creditor")?.to_owned(),
            original_creditor: self.text("original_creditor"),
            delinquency_date: self.date("delinquency_date")?.ok_or(("delinquency_date", "is required".to_owned()))?,
            due_date: self.date("due_date")?,
            priority,
            debtor: NewDebtor {
                full_name: self.required("debtor_name")?.to_owned(),
                phone: self.text("phone"),
                email: self.text("email"),
                address: self.text("address"),
                date_of_birth: self.date("date_of_birth")?,
                ssn_last4_enc: ssn_last4,
                external_ref: None,
            },
        })
    }
}
