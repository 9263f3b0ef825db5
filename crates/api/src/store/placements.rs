//! Accounts placed and updated by imports, a batch at a time: one statement per step
//! for the whole batch (arrays bound once), so a 1,000-row batch costs a handful of
//! round trips rather than thousands. Existing rows are found by `id = ANY(…)` rather
//! than by joining the batch: a bulk load outgrows the table's statistics, and a join
//! planned on stale ones can scan the table once per row.

use super::{
    accounts::{address_zone, note_zones},
    ledger::Postings,
};
use chrono::NaiveDate;
use debtflow_domain::ledger::Entry;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// An account of the agency whose external reference a batch names, with what an
/// import may change of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Existing {
    pub external_ref: String,
    pub account_id: Uuid,
    pub debtor_id: Uuid,
    pub import_id: Option<Uuid>,
    #[sqlx(flatten)]
    pub fields: Fields,
}

pub async fn existing(tx: &mut PgConnection, agency_id: Uuid, refs: &[&str]) -> Result<Vec<Existing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.external_ref, a.id AS account_id, a.debtor_id, a.import_id, a.creditor, a.original_creditor,
                a.due_date, a.priority, d.full_name, d.phone, d.email, d.address, d.date_of_birth, d.ssn_last4_enc
         FROM accounts a JOIN debtors d ON d.agency_id = a.agency_id AND d.id = a.debtor_id
         WHERE a.agency_id = $1 AND a.external_ref = ANY($2)",
    )
    .bind(agency_id)
    .bind(refs)
    .fetch_all(tx)
    .await
}

/// The debtor and account fields of a placement, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Fields {
    pub creditor: String,
    pub original_creditor: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub priority: i16,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub ssn_last4_enc: Option<Vec<u8>>,
}

/// A new account (status NEW) and the entry that opens its balance.
#[derive(Debug, Clone)]
pub struct New {
    pub account_id: Uuid,
    pub debtor_id: Uuid,
    pub external_ref: String,
    pub original_balance: Decimal,
    pub delinquency_date: NaiveDate,
    pub fields: Fields,
    pub opening: Entry,
}

/// Inserts the debtors, the accounts and their opening entries in one statement; each
/// account's balance is its opening entry's receivable change, written with the entry
/// (the bulk form of `ledger::post`). Returns the ids of the accounts inserted (an
/// external reference placed meanwhile by someone else is left out, with its debtor and
/// entry).
pub async fn insert(
    tx: &mut PgConnection,
    agency_id: Uuid,
    import_id: Uuid,
    currency: &str,
    rows: &[New],
) -> Result<Vec<Uuid>, sqlx::Error> {
    let col = |f: fn(&New) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
    let postings = Postings::of(rows.iter().map(|r| (r.account_id, &r.opening)));
    let zones: Vec<Option<&str>> = rows.iter().map(|r| address_zone(r.fields.address.as_deref())).collect();
    let placed = sqlx::query_scalar(
        "WITH input AS (
             SELECT * FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::numeric[],
                                  $10::smallint[], $11::date[], $12::date[], $13::text[], $14::text[], $15::text[],
                                  $16::text[], $17::date[], $18::bytea[], $28::text[])
                 AS x(account_id, debtor_id, external_ref, creditor, original_creditor, original_balance, priority,
                      delinquency_date, due_date, full_name, phone, email, address, date_of_birth, ssn_last4_enc,
                      address_time_zone)),
         placed AS (
             INSERT INTO accounts (agency_id, id, debtor_id, external_ref, creditor, original_creditor,
                                   original_balance, current_balance, currency, priority, delinquency_date,
                                   due_date, import_id)
             SELECT $1, account_id, debtor_id, external_ref, creditor, original_creditor, original_balance,
                    opening, $3, priority, delinquency_date, due_date, $2
             FROM input JOIN unnest($4::uuid[], $19::numeric[]) AS o(id, opening) ON o.id = input.account_id
             ON CONFLICT ON CONSTRAINT accounts_external_ref_key DO NOTHING
             RETURNING id),
         debtors AS (
             INSERT INTO debtors (agency_id, id, full_name, phone, email, address, date_of_birth, ssn_last4_enc,
                                  address_time_zone)
             SELECT $1, i.debtor_id, i.full_name, i.phone, i.email, i.address, i.date_of_birth, i.ssn_last4_enc,
                    i.address_time_zone
             FROM input i JOIN placed p ON p.id = i.account_id),
         entries AS (
             INSERT INTO journal_entries (agency_id, id, account_id, kind)
             SELECT $1, e.id, e.account_id, e.kind
             FROM unnest($20::uuid[], $21::uuid[], $22::entry_kind[]) AS e(id, account_id, kind)
             JOIN placed p ON p.id = e.account_id
             RETURNING id),
         lines AS (
             INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
             SELECT $1, l.entry_id, l.no, l.account, l.debit, l.credit
             FROM unnest($23::uuid[], $24::smallint[], $25::ledger_account[], $26::numeric[], $27::numeric[])
                 AS l(entry_id, no, account, debit, credit)
             JOIN entries e ON e.id = l.entry_id)
         SELECT id FROM placed",
    )
    .bind(agency_id)
    .bind(import_id)
    .bind(currency)
    .bind(rows.iter().map(|r| r.account_id).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.debtor_id).collect::<Vec<_>>())
    .bind(col(|r| Some(&r.external_ref)))
    .bind(col(|r| Some(&r.fields.creditor)))
    .bind(col(|r| r.fields.original_creditor.as_deref()))
    .bind(rows.iter().map(|r| r.original_balance).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.fields.priority).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.delinquency_date).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.fields.due_date).collect::<Vec<_>>())
    .bind(col(|r| Some(&r.fields.full_name)))
    .bind(col(|r| r.fields.phone.as_deref()))
    .bind(col(|r| r.fields.email.as_deref()))
    .bind(col(|r| r.fields.address.as_deref()))
    .bind(rows.iter().map(|r| r.fields.date_of_birth).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.fields.ssn_last4_enc.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.opening.receivable_change()).collect::<Vec<_>>())
    .bind(&postings.ids)
    .bind(&postings.accounts)
    .bind(&postings.kinds)
    .bind(&postings.line_entry)
    .bind(&postings.line_no)
    .bind(&postings.line_account)
    .bind(&postings.debit)
    .bind(&postings.credit)
    .bind(&zones)
    .fetch_all(&mut *tx)
    .await?;
    note_zones(tx, agency_id, &zones).await?;
    Ok(placed)
}

/// New values for existing accounts and their debtors.
#[derive(Debug, Clone)]
pub struct Update {
    pub account_id: Uuid,
    pub debtor_id: Uuid,
    pub fields: Fields,
}

pub async fn update(tx: &mut PgConnection, agency_id: Uuid, rows: &[Update]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let col = |f: fn(&Update) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
    let zones: Vec<Option<&str>> = rows.iter().map(|r| address_zone(r.fields.address.as_deref())).collect();
    sqlx::query(
        "UPDATE accounts SET creditor = ($3::text[])[array_position($2, id)],
                             original_creditor = ($4::text[])[array_position($2, id)],
                             due_date = ($5::date[])[array_position($2, id)],
                             priority = ($6::smallint[])[array_position($2, id)], updated_at = now()
         WHERE agency_id = $1 AND id = ANY($2::uuid[])",
    )
    .bind(agency_id)
    .bind(rows.iter().map(|r| r.account_id).collect::<Vec<_>>())
    .bind(col(|r| Some(&r.fields.creditor)))
    .bind(col(|r| r.fields.original_creditor.as_deref()))
    .bind(rows.iter().map(|r| r.fields.due_date).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.fields.priority).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE debtors SET full_name = ($3::text[])[array_position($2, id)],
                            phone = ($4::text[])[array_position($2, id)],
                            email = ($5::text[])[array_position($2, id)],
                            address = ($6::text[])[array_position($2, id)],
                            date_of_birth = ($7::date[])[array_position($2, id)],
                            ssn_last4_enc = ($8::bytea[])[array_position($2, id)],
                            address_time_zone = ($9::text[])[array_position($2, id)], updated_at = now()
         WHERE agency_id = $1 AND id = ANY($2::uuid[])",
    )
    .bind(agency_id)
    .bind(rows.iter().map(|r| r.debtor_id).collect::<Vec<_>>())
    .bind(col(|r| Some(&r.fields.full_name)))
    .bind(col(|r| r.fields.phone.as_deref()))
    .bind(col(|r| r.fields.email.as_deref()))
    .bind(col(|r| r.fields.address.as_deref()))
    .bind(rows.iter().map(|r| r.fields.date_of_birth).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.fields.ssn_last4_enc.clone()).collect::<Vec<_>>())
    .bind(&zones)
    .execute(&mut *tx)
    .await?;
    note_zones(tx, agency_id, &zones).await
}
