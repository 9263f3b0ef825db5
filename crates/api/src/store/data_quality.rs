//! Data-quality checks (the data_quality job): each problem found in an agency is a
//! `data_quality_findings` row of the run — a report, not a failure. The checks: every
//! account's balance equals its receivable lines; every journal entry has two lines
//! or more and balances; no active plan sits on a closed account; every posted
//! payment (`PaymentStatus::is_posted`) has its entry; the analytics summaries
//! (`daily_money` with its shards summed, `account_totals`, migrations/0014, 0037)
//! equal their definitions over the raw rows (`account_totals` with both sides' old
//! anchors folded through `folded_through`, migrations/0016), and daily_money's per-day
//! roll-up (`daily_money_days`, migrations/0017) equals daily_money.

use chrono::NaiveDate;
use debtflow_domain::{
    ledger::{EntryKind, LedgerAccount},
    payment::PaymentStatus,
    plan::PlanStatus,
    AccountStatus,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// What a check run counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Checked {
    /// Accounts and journal entries looked at.
    pub scanned: i64,
    /// Problems found (one finding each).
    pub findings: i64,
}

/// Runs every check over the agency and writes a finding of `run_id` per problem.
pub async fn check(
    tx: &mut PgConnection,
    agency_id: Uuid,
    folded_through: Option<NaiveDate>,
    run_id: Uuid,
) -> Result<Checked, sqlx::Error> {
    let posted: Vec<PaymentStatus> = PaymentStatus::ALL.iter().copied().filter(|s| s.is_posted()).collect();
    // The checks read millions of rows: they run as a query PostgreSQL may spread over
    // parallel workers (CREATE TABLE AS may; a statement that inserts may not), and
    // their findings are written from its result.
    sqlx::query(
        "CREATE TEMP TABLE data_quality_found ON COMMIT DROP AS
         WITH receivable AS (
             SELECT e.account_id, sum(l.debit - l.credit) AS total
             FROM journal_lines l JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
             WHERE l.agency_id = $1 AND l.ledger_account = $2 GROUP BY e.account_id),
         balances AS (
             SELECT 'balance_matches_ledger' AS check_name, 'account' AS entity_type, a.id::text AS entity_id,
                    format('balance %s, receivable lines %s', a.current_balance, coalesce(r.total, 0)) AS detail
             FROM accounts a LEFT JOIN receivable r ON r.account_id = a.id
             WHERE a.agency_id = $1 AND a.current_balance <> coalesce(r.total, 0)),
         entries AS (
             SELECT 'entry_balances', 'journal_entry', l.entry_id::text,
                    format('%s lines, debits %s, credits %s', count(*), sum(l.debit), sum(l.credit))
             FROM journal_lines l WHERE l.agency_id = $1
             GROUP BY l.entry_id HAVING count(*) < 2 OR sum(l.debit) <> sum(l.credit)
             UNION ALL
             SELECT 'entry_balances', 'journal_entry', e.id::text, 'no lines'
             FROM journal_entries e
             WHERE e.agency_id = $1
               AND NOT EXISTS (SELECT 1 FROM journal_lines l WHERE l.agency_id = e.agency_id AND l.entry_id = e.id)),
         plans AS (
             SELECT 'no_active_plan_on_closed_account', 'plan', p.id::text, format('account %s is closed', p.account_id)
             FROM plans p JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
             WHERE p.agency_id = $1 AND p.status = $3 AND a.status = $4),
         payments AS (
             SELECT 'posted_payment_has_entry', 'payment', p.id::text, format('%s payment without its entry', p.status)
             FROM payments p
             WHERE p.agency_id = $1 AND p.status = ANY($5)
               AND NOT EXISTS (SELECT 1 FROM journal_entries e
                               WHERE e.agency_id = p.agency_id AND e.payment_id = p.id AND e.kind = ANY($6))),
         money_kept AS (SELECT * FROM daily_money_summed WHERE agency_id = $1),
         money_raw AS (SELECT * FROM daily_money_ledger WHERE agency_id = $1),
         summaries AS (
             SELECT 'summary_matches_rows', 'daily_money', concat_ws(' ', day, collector_id, method),
                    row_to_json(d)::text
             FROM (SELECT 'summary' AS side, * FROM (SELECT * FROM money_kept EXCEPT SELECT * FROM money_raw) x
                   UNION ALL
                   SELECT 'ledger', * FROM (SELECT * FROM money_raw EXCEPT SELECT * FROM money_kept) y) d
             UNION ALL
             SELECT 'summary_matches_rows', 'account_totals', concat_ws(' ', collector_id, status, aging_anchor),
                    'summary minus accounts: ' || row_to_json(t)::text
             FROM account_totals_differences($1, $7) t
             UNION ALL
             SELECT 'summary_matches_rows', 'daily_money_days', concat_ws(' ', day, method),
                    'roll-up minus daily_money: ' || row_to_json(r)::text
             FROM daily_money_days_differences($1) r)
         SELECT * FROM balances UNION ALL SELECT * FROM entries UNION ALL SELECT * FROM plans
         UNION ALL SELECT * FROM payments UNION ALL SELECT * FROM summaries",
    )
    .bind(agency_id)
    .bind(LedgerAccount::Receivable)
    .bind(PlanStatus::Active)
    .bind(AccountStatus::Closed)
    .bind(&posted)
    // The entries that take a payment's money in: onto its account, or into suspense.
    .bind([EntryKind::Payment, EntryKind::Application, EntryKind::Unapplied])
    .bind(folded_through)
    .execute(&mut *tx)
    .await?;
    sqlx::query_as(
        "WITH found AS (
             INSERT INTO data_quality_findings (run_id, agency_id, check_name, entity_type, entity_id, detail)
             SELECT $2, $1, * FROM data_quality_found
             RETURNING 1)
         SELECT (SELECT count(*) FROM accounts WHERE agency_id = $1)
                + (SELECT count(*) FROM journal_entries WHERE agency_id = $1) AS scanned,
                (SELECT count(*) FROM found) AS findings",
    )
    .bind(agency_id)
    .bind(run_id)
    .fetch_one(tx)
    .await
}
