//! The journal (migrations/0005): entries and their lines, append-only.

use chrono::{DateTime, Utc};
use debtflow_domain::ledger::{Entry, EntryKind, LedgerAccount, Side};
use rust_decimal::Decimal;
use sqlx::{types::Json, PgConnection};
use uuid::Uuid;

/// What an entry is about, besides its account.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    pub reverses: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub fee_id: Option<Uuid>,
    pub collector_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
}

/// Appends `entry` to the account's journal and moves the account's balance by the
/// entry's receivable change, in one statement. Returns the entry's id.
pub async fn post(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    entry: &Entry,
    links: Links,
) -> Result<Uuid, sqlx::Error> {
    let p = Postings::of([(account_id, entry)]);
    sqlx::query(
        "WITH e AS (
             INSERT INTO journal_entries (agency_id, id, account_id, kind, reverses, payment_id, fee_id, collector_id,
                                          plan_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $14)
             RETURNING agency_id, id),
         l AS (
             INSERT INTO journal_lines (agency_id, entry_id, line_no, ledger_account, debit, credit)
             SELECT e.agency_id, e.id, x.no, x.account, x.debit, x.credit
             FROM e, unnest($9::smallint[], $10::ledger_account[], $11::numeric[], $12::numeric[])
                     AS x(no, account, debit, credit))
         UPDATE accounts SET current_balance = current_balance + $13, updated_at = now()
         WHERE agency_id = $1 AND id = $3 AND $13 <> 0",
    )
    .bind(agency_id)
    .bind(p.ids[0])
    .bind(account_id)
    .bind(entry.kind())
    .bind(links.reverses)
    .bind(links.payment_id)
    .bind(links.fee_id)
    .bind(links.collector_id)
    .bind(&p.line_no)
    .bind(&p.line_account)
    .bind(&p.debit)
    .bind(&p.credit)
    .bind(entry.receivable_change())
    .bind(links.plan_id)
    .execute(tx)
    .await?;
    Ok(p.ids[0])
}

/// Entries of many accounts as the arrays one statement binds: the entries
/// (`ids`, `accounts`, `kinds`) and their lines (`line_entry` …): what [`post`] binds for
/// one entry, and `store::placements` for the opening entries of a batch of accounts.
#[derive(Debug, Default)]
pub struct Postings {
    pub ids: Vec<Uuid>,
    pub accounts: Vec<Uuid>,
    pub kinds: Vec<EntryKind>,
    pub line_entry: Vec<Uuid>,
    pub line_no: Vec<i16>,
    pub line_account: Vec<LedgerAccount>,
    pub debit: Vec<Decimal>,
    pub credit: Vec<Decimal>,
}

impl Postings {
    pub fn of<'e>(entries: impl IntoIterator<Item = (Uuid, &'e Entry)>) -> Postings {
        let mut p = Postings::default();
        for (account, entry) in entries {
            let id = Uuid::now_v7();
            p.ids.push(id);
            p.accounts.push(account);
            p.kinds.push(entry.kind());
            for (no, line) in entry.lines().iter().enumerate() {
                p.line_entry.push(id);
                p.line_no.push(no as i16 + 1);
                p.line_account.push(line.account);
                let (debit, credit) = match line.side {
                    Side::Debit => (line.amount.amount(), Decimal::ZERO),
                    Side::Credit => (Decimal::ZERO, line.amount.amount()),
                };
                p.debit.push(debit);
                p.credit.push(credit);
            }
        }
        p
    }
}

/// The entries a payment made: the one that put it on its account (`payment`, or
/// `application` for unapplied money applied), the one that put it in suspense
/// (`unapplied`), and its commission so far.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct PaymentEntries {
    pub payment_entry: Option<Uuid>,
    pub unapplied_entry: Option<Uuid>,
    pub commission_entry: Option<Uuid>,
    pub commission_collector: Option<Uuid>,
    pub commission: Decimal,
}

pub async fn payment_entries(
    tx: &mut PgConnection,
    agency_id: Uuid,
    payment_id: Uuid,
) -> Result<PaymentEntries, sqlx::Error> {
    sqlx::query_as(
        "SELECT (array_agg(e.id) FILTER (WHERE e.kind IN ('payment', 'application')))[1] AS payment_entry,
                (array_agg(e.id) FILTER (WHERE e.kind = 'unapplied'))[1] AS unapplied_entry,
                (array_agg(e.id) FILTER (WHERE e.kind = 'commission'))[1] AS commission_entry,
                (array_agg(e.collector_id) FILTER (WHERE e.kind = 'commission'))[1] AS commission_collector,
                coalesce(sum(l.debit) FILTER (WHERE e.kind = 'commission' AND l.ledger_account = 'commission_expense'), 0)
                    AS commission
         FROM journal_entries e JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
         WHERE e.agency_id = $1 AND e.payment_id = $2",
    )
    .bind(agency_id)
    .bind(payment_id)
    .fetch_one(tx)
    .await
}

/// What a plan's settlement discount wrote off and no reversal has given back yet.
pub async fn plan_write_off(tx: &mut PgConnection, agency_id: Uuid, plan_id: Uuid) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_entries e
         JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id AND l.ledger_account = $3
         WHERE e.agency_id = $1 AND e.plan_id = $2",
    )
    .bind(agency_id)
    .bind(plan_id)
    .bind(LedgerAccount::WriteOff)
    .fetch_one(tx)
    .await
}

/// The entry that assessed a fee.
pub async fn fee_entry(tx: &mut PgConnection, agency_id: Uuid, fee_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM journal_entries WHERE agency_id = $1 AND fee_id = $2 AND kind = 'fee'")
        .bind(agency_id)
        .bind(fee_id)
        .fetch_optional(tx)
        .await
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct LineRow {
    pub ledger_account: LedgerAccount,
    pub debit: Decimal,
    pub credit: Decimal,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub id: Uuid,
    pub kind: EntryKind,
    pub posted_at: DateTime<Utc>,
    pub reverses: Option<Uuid>,
    pub lines: Json<Vec<LineRow>>,
}

/// An account's entries with their lines, newest first, older than `before`.
pub async fn list(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.kind, e.posted_at, e.reverses,
                (SELECT json_agg(json_build_object('ledger_account', l.ledger_account, 'debit', l.debit,
                                                   'credit', l.credit) ORDER BY l.line_no)
                 FROM journal_lines l WHERE l.agency_id = e.agency_id AND l.entry_id = e.id) AS lines
         FROM journal_entries e
         WHERE e.agency_id = $1 AND e.account_id = $2
           AND ($3::timestamptz IS NULL OR (e.posted_at, e.id) < ($3, $4))
         ORDER BY e.posted_at DESC, e.id DESC LIMIT $5",
    )
    .bind(agency_id)
    .bind(account_id)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// The sum of an account's receivable lines (what its balance must equal).
pub async fn receivable(tx: &mut PgConnection, agency_id: Uuid, account_id: Uuid) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_entries e
         JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
         WHERE e.agency_id = $1 AND e.account_id = $2 AND l.ledger_account = 'receivable'",
    )
    .bind(agency_id)
    .bind(account_id)
    .fetch_one(tx)
    .await
}

/// A collector's commission posted between two instants: (earned, reversed, payments).
pub async fn commission(
    tx: &mut PgConnection,
    agency_id: Uuid,
    collector_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Decimal, Decimal, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT coalesce(sum(l.debit) FILTER (WHERE e.kind = 'commission'), 0),
                coalesce(sum(l.credit) FILTER (WHERE e.kind = 'commission_reversal'), 0),
                count(DISTINCT e.payment_id) FILTER (WHERE e.kind = 'commission')
         FROM journal_entries e
         JOIN journal_lines l ON l.agency_id = e.agency_id AND l.entry_id = e.id
                             AND l.ledger_account = 'commission_expense'
         WHERE e.agency_id = $1 AND e.collector_id = $2 AND e.posted_at >= $3 AND e.posted_at < $4",
    )
    .bind(agency_id)
    .bind(collector_id)
    .bind(from)
    .bind(to)
    .fetch_one(tx)
    .await
}
