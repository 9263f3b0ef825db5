//! The jobs' bookkeeping (runs, locks, kill switches) and their set-based SQL
//! (migrations/0008). Platform-wide work runs on the pool's own role; tenant rows are
//! reached through `db::begin(Scope::Platform)` transactions by the callers.

use crate::jobs::RunReport;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Takes the job's session-level advisory lock on `conn`, if free.
pub async fn try_lock(conn: &mut PgConnection, job: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext('debtflow:job:' || $1))").bind(job).fetch_one(conn).await
}

pub async fn unlock(conn: &mut PgConnection, job: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_unlock(hashtext('debtflow:job:' || $1))").bind(job).execute(conn).await.map(drop)
}

/// Where a job runs: each agency (or `only`) with its today, or once, platform-wide,
/// with today in UTC.
pub async fn targets(
    db: &PgPool,
    per_agency: bool,
    only: Option<Uuid>,
) -> Result<Vec<(Option<Uuid>, NaiveDate)>, sqlx::Error> {
    if !per_agency {
        let today: NaiveDate = sqlx::query_scalar("SELECT (now() AT TIME ZONE 'UTC')::date").fetch_one(db).await?;
        return Ok(vec![(None, today)]);
    }
    let rows: Vec<(Uuid, NaiveDate)> = sqlx::query_as(
        "SELECT id, (now() AT TIME ZONE time_zone)::date FROM agencies
         WHERE $1::uuid IS NULL OR id = $1 ORDER BY id",
    )
    .bind(only)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, today)| (Some(id), today)).collect())
}

/// Whether the job already succeeded for the agency and date.
pub async fn succeeded(db: &PgPool, job: &str, agency_id: Option<Uuid>, as_of: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = $1 AND agency_id IS NOT DISTINCT FROM $2
                        AND as_of_date = $3 AND status = 'succeeded')",
    )
    .bind(job)
    .bind(agency_id)
    .bind(as_of)
    .fetch_one(db)
    .await
}

/// Records a run that did not start (skipped or disabled), as it ended.
pub async fn record(db: &PgPool, r: &RunReport, forced: bool, host: &str, pid: i32) -> Result<(), sqlx::Error> {
    insert(db, r, r.status.as_str(), forced, host, pid).await?;
    finish(db, r).await
}

/// Records a run as started (`running`).
pub async fn start(db: &PgPool, r: &RunReport, forced: bool, host: &str, pid: i32) -> Result<(), sqlx::Error> {
    insert(db, r, "running", forced, host, pid).await
}

async fn insert(
    db: &PgPool,
    r: &RunReport,
    status: &str,
    forced: bool,
    host: &str,
    pid: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_runs (id, job, agency_id, as_of_date, status, forced, host, pid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.run_id)
    .bind(r.job.name())
    .bind(r.agency_id)
    .bind(r.as_of_date)
    .bind(status)
    .bind(forced)
    .bind(host)
    .bind(pid)
    .execute(db)
    .await
    .map(drop)
}

/// Writes the run's outcome and counts.
pub async fn finish(db: &PgPool, r: &RunReport) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE job_runs SET status = $2, finished_at = now(), records_scanned = $3, records_updated = $4,
                notifications_sent = $5, notifications_failed = $6, errors_count = $7, findings = $8,
                error_summary = $9
         WHERE id = $1",
    )
    .bind(r.run_id)
    .bind(r.status.as_str())
    .bind(r.tally.records_scanned)
    .bind(r.tally.records_updated)
    .bind(r.tally.notifications_sent)
    .bind(r.tally.notifications_failed)
    .bind(r.tally.errors_count)
    .bind(r.tally.findings)
    .bind(r.tally.error_summary.as_deref())
    .execute(db)
    .await
    .map(drop)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunRow {
    pub id: Uuid,
    pub job: String,
    pub agency_id: Option<Uuid>,
    pub as_of_date: NaiveDate,
    pub status: String,
    pub forced: bool,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records_scanned: i64,
    pub records_updated: i64,
    pub notifications_sent: i64,
    pub notifications_failed: i64,
    pub errors_count: i64,
    pub findings: i64,
    pub error_summary: Option<String>,
    pub host: String,
    pub pid: i32,
}

/// Runs visible in the transaction's scope (the agency's and the platform's), newest
/// first.
pub async fn runs(
    tx: &mut PgConnection,
    job: Option<&str>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<RunRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, job, agency_id, as_of_date, status, forced, started_at, finished_at, records_scanned,
                records_updated, notifications_sent, notifications_failed, errors_count, findings, error_summary,
                host, pid
         FROM job_runs
         WHERE ($1::text IS NULL OR job = $1) AND ($2::timestamptz IS NULL OR (started_at, id) < ($2, $3))
         ORDER BY started_at DESC, id DESC LIMIT $4",
    )
    .bind(job)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit)
    .fetch_all(tx)
    .await
}

/// The agency's kill switches (all on when never set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Switches {
    pub jobs_enabled: bool,
    pub reminders_enabled: bool,
    pub escalation_enabled: bool,
    pub defaults_enabled: bool,
}

pub async fn switches(conn: &mut PgConnection, agency_id: Uuid) -> Result<Switches, sqlx::Error> {
    let found: Option<Switches> = sqlx::query_as(
        "SELECT jobs_enabled, reminders_enabled, escalation_enabled, defaults_enabled
         FROM job_settings WHERE agency_id = $1",
    )
    .bind(agency_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.unwrap_or(Switches {
        jobs_enabled: true,
        reminders_enabled: true,
        escalation_enabled: true,
        defaults_enabled: true,
    }))
}

pub async fn set_switches(tx: &mut PgConnection, agency_id: Uuid, s: &Switches) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_settings (agency_id, jobs_enabled, reminders_enabled, escalation_enabled, defaults_enabled)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id) DO UPDATE SET jobs_enabled = $2, reminders_enabled = $3, escalation_enabled = $4,
                                               defaults_enabled = $5, updated_at = now()",
    )
    .bind(agency_id)
    .bind(s.jobs_enabled)
    .bind(s.reminders_enabled)
    .bind(s.escalation_enabled)
    .bind(s.defaults_enabled)
    .execute(tx)
    .await
    .map(drop)
}

/// An agency setting that is a number of days, or `default`.
pub async fn days_setting(
    tx: &mut PgConnection,
    agency_id: Uuid,
    name: &str,
    default: i32,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT coalesce((settings ->> $2)::int, $3) FROM agencies WHERE id = $1")
        .bind(agency_id)
        .bind(name)
        .bind(default)
        .fetch_one(tx)
        .await
}

/// dpd_aging for one agency and date, set-based: each open account's aging anchor
/// (its delinquency date pushed forward by the days it spent disputed or paused, from
/// the disputes' and pauses' own dates — so any date can be replayed), the bucket
/// moves between the day before and this day (recorded once per account and date),
/// and, when `update_anchors` (the live run), the anchors the worklist reads.
/// Returns (accounts scanned, bucket moves recorded, anchors updated). The bucket
/// bounds are `Bucket::of`'s (crates/domain/src/account/aging.rs).
pub async fn age(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    update_anchors: bool,
) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH ag AS (SELECT time_zone FROM agencies WHERE id = $1),
         spans AS (
             SELECT d.account_id, daterange((d.opened_at AT TIME ZONE ag.time_zone)::date,
                                            coalesce((d.resolved_at AT TIME ZONE ag.time_zone)::date, $2 + 1)) AS r
             FROM disputes d, ag WHERE d.agency_id = $1
             UNION ALL
             SELECT p.account_id, daterange(p.starts_on, p.ends_on + 1) FROM delinquency_pauses p WHERE p.agency_id = $1),
         frozen AS (SELECT account_id, range_agg(r) AS days FROM spans GROUP BY account_id),
         aged AS (
             SELECT a.id, a.aging_anchor AS old_anchor,
                    a.delinquency_date + coalesce((
                        SELECT sum(upper(x) - lower(x))::int
                        FROM unnest(f.days * datemultirange(daterange(a.delinquency_date, $2 + 1))) AS x), 0) AS anchor,
                    coalesce(f.days @> $2, false) AS frozen_today
             FROM accounts a LEFT JOIN frozen f ON f.account_id = a.id
             WHERE a.agency_id = $1 AND a.status NOT IN ('settled', 'closed')),
         dpd AS (
             SELECT id, old_anchor, anchor, greatest($2 - anchor, 0) AS today,
                    greatest($2 - anchor - 1 + frozen_today::int, 0) AS yesterday
             FROM aged),
         buckets AS (
             SELECT id, old_anchor, anchor,
                    CASE WHEN today <= 30 THEN '0-30' WHEN today <= 60 THEN '31-60' WHEN today <= 90 THEN '61-90'
                         ELSE '90+' END AS now_bucket,
                    CASE WHEN yesterday <= 30 THEN '0-30' WHEN yesterday <= 60 THEN '31-60'
                         WHEN yesterday <= 90 THEN '61-90' ELSE '90+' END AS before_bucket
             FROM dpd),
         moves AS (
             INSERT INTO aging_history (agency_id, account_id, as_of_date, from_bucket, to_bucket)
             SELECT $1, id, $2, before_bucket, now_bucket FROM buckets WHERE before_bucket <> now_bucket
             ON CONFLICT DO NOTHING RETURNING 1),
         anchors AS (
             UPDATE accounts a SET aging_anchor = b.anchor
             FROM buckets b WHERE $3 AND a.agency_id = $1 AND a.id = b.id AND b.old_anchor <> b.anchor
             RETURNING 1)
         SELECT (SELECT count(*) FROM buckets), (SELECT count(*) FROM moves), (SELECT count(*) FROM anchors)",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(update_anchors)
    .fetch_one(tx)
    .await
}

/// installment_reminders: a notification to the collector (or, without one, the
/// managers) of each unpaid installment of an active plan due `days_before` days after
/// `as_of`; once per installment. Returns (installments found, notifications sent).
pub async fn remind_installments(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    days_before: i32,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH due AS (
             SELECT i.plan_id, i.seq, i.due_date, i.amount - i.paid_amount AS owed, a.id AS account_id, a.collector_id
             FROM plan_installments i
             JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id AND p.status = 'active'
             JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
             WHERE i.agency_id = $1 AND i.due_date = $2 + $3 AND i.paid_amount < i.amount),
         recipients AS (
             SELECT d.*, coalesce(d.collector_id, m.id) AS recipient FROM due d
             LEFT JOIN users m ON d.collector_id IS NULL AND m.agency_id = $1 AND m.role = 'manager' AND m.is_active),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), recipient, 'installment_due', 'Installment due soon',
                    format('Installment %s (%s) is due on %s.', seq + 1, trim_scale(owed), due_date),
                    'plan', plan_id::text, format('installment:%s:%s:reminder:%s', plan_id, seq, recipient)
             FROM recipients WHERE recipient IS NOT NULL
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM sent)",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(days_before)
    .fetch_one(tx)
    .await
}

/// overdue_default_scan, first half: a notification to the collector of each unpaid
/// installment of an active plan that is late on `as_of` (past due plus grace); once
/// per installment. Returns (late installments, notifications sent).
pub async fn flag_late_installments(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH late AS (
             SELECT i.plan_id, i.seq, i.due_date, a.collector_id
             FROM plan_installments i
             JOIN plans p ON p.agency_id = i.agency_id AND p.id = i.plan_id AND p.status = 'active'
             JOIN accounts a ON a.agency_id = p.agency_id AND a.id = p.account_id
             WHERE i.agency_id = $1 AND i.paid_amount < i.amount AND $2 > i.due_date + p.grace_days),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), collector_id, 'installment_late', 'Installment late',
                    format('Installment %s, due on %s, is late.', seq + 1, due_date), 'plan', plan_id::text,
                    format('installment:%s:%s:late', plan_id, seq)
             FROM late WHERE collector_id IS NOT NULL
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM late), (SELECT count(*) FROM sent)",
    )
    .bind(agency_id)
    .bind(as_of)
    .fetch_one(tx)
    .await
}

/// stale_account_escalation: the agency's worked accounts with no timeline event for
/// `days` days before `as_of`, and one digest notification per manager for the date.
/// Returns (accounts scanned, stale accounts, notifications sent).
pub async fn escalate_stale(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    days: i32,
) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH open AS (
             SELECT a.id FROM accounts a
             WHERE a.agency_id = $1 AND a.status IN ('assigned', 'in_contact', 'negotiating', 'payment_plan', 'disputed')),
         stale AS (
             SELECT o.id FROM open o
             WHERE NOT EXISTS (SELECT 1 FROM account_events e
                               WHERE e.agency_id = $1 AND e.account_id = o.id
                                 AND e.occurred_at >= ($2 - $3)::timestamp AT TIME ZONE
                                     (SELECT time_zone FROM agencies WHERE id = $1))),
         counted AS (SELECT count(*) AS n FROM stale),
         sent AS (
             INSERT INTO notifications (agency_id, id, recipient_id, kind, title, body, entity_type, entity_id,
                                        idempotency_key)
             SELECT $1, gen_random_uuid(), m.id, 'stale_accounts', 'Accounts without activity',
                    format('%s accounts have had no activity for %s days.', c.n, $3), NULL, NULL,
                    format('stale:%s:%s', $2, m.id)
             FROM users m, counted c
             WHERE m.agency_id = $1 AND m.role = 'manager' AND m.is_active AND c.n > 0
             ON CONFLICT (agency_id, idempotency_key) DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM open), (SELECT n FROM counted), (SELECT count(*) FROM sent)",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(days)
    .fetch_one(tx)
    .await
}

/// data_quality: writes a finding per problem found in the agency and returns
/// (records scanned, findings).
pub async fn check_quality(tx: &mut PgConnection, agency_id: Uuid, run_id: Uuid) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH receivable AS (
             SELECT e.account_id, sum(l.debit - l.credit) AS total
             FROM journal_lines l JOIN journal_entries e ON e.agency_id = l.agency_id AND e.id = l.entry_id
             WHERE l.agency_id = $1 AND l.ledger_account = 'receivable' GROUP BY e.account_id),
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
             WHERE p.agency_id = $1 AND p.status = 'active' AND a.status = 'closed'),
         payments AS (
             SELECT 'posted_payment_has_entry', 'payment', p.id::text, format('%s payment without its entry', p.status)
             FROM payments p
             WHERE p.agency_id = $1 AND p.status IN ('completed', 'partially_refunded', 'refunded')
               AND NOT EXISTS (SELECT 1 FROM journal_entries e
                               WHERE e.agency_id = p.agency_id AND e.payment_id = p.id AND e.kind = 'payment')),
         found AS (
             INSERT INTO data_quality_findings (run_id, agency_id, check_name, entity_type, entity_id, detail)
             SELECT $2, $1, * FROM (SELECT * FROM balances UNION ALL SELECT * FROM entries
                                    UNION ALL SELECT * FROM plans UNION ALL SELECT * FROM payments) f
             RETURNING 1)
         SELECT (SELECT count(*) FROM accounts WHERE agency_id = $1)
                + (SELECT count(*) FROM journal_entries WHERE agency_id = $1),
                (SELECT count(*) FROM found)",
    )
    .bind(agency_id)
    .bind(run_id)
    .fetch_one(tx)
    .await
}

/// idempotency_purge: deletes keys older than `ttl_secs`; returns how many.
pub async fn purge_idempotency_keys(db: &PgPool, ttl_secs: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1) RETURNING 1)
         SELECT (SELECT count(*) FROM idempotency_keys), (SELECT count(*) FROM gone)",
    )
    .bind(ttl_secs as f64)
    .fetch_one(db)
    .await
}

/// Creates the audit trail's partition of the month starting `month` unless it exists;
/// `true` when created.
pub async fn ensure_audit_partition(db: &PgPool, month: NaiveDate) -> Result<bool, sqlx::Error> {
    let name = format!("audit_logs_{}", month.format("%Y_%m"));
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL").bind(&name).fetch_one(db).await?;
    if exists {
        return Ok(false);
    }
    let next = month + chrono::Months::new(1);
    // Names and bounds are dates formatted here, never request text.
    sqlx::query(&format!("CREATE TABLE {name} PARTITION OF audit_logs FOR VALUES FROM ('{month}') TO ('{next}')"))
        .execute(db)
        .await?;
    Ok(true)
}

/// Detaches the audit trail's monthly partitions of months before `cutoff`; returns
/// how many.
pub async fn detach_audit_partitions_before(db: &PgPool, cutoff: NaiveDate) -> Result<i64, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_logs'::regclass AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$'
           AND to_date(substr(c.relname, 12), 'YYYY_MM') < $1
         ORDER BY 1",
    )
    .bind(cutoff)
    .fetch_all(db)
    .await?;
    for name in &names {
        sqlx::query(&format!("ALTER TABLE audit_logs DETACH PARTITION {name}")).execute(db).await?;
    }
    Ok(names.len() as i64)
}

/// Deletes failed logins older than the login window; returns how many.
pub async fn purge_login_failures(db: &PgPool, window_secs: i64) -> Result<i64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => $1)")
        .bind(window_secs as f64)
        .execute(db)
        .await?;
    Ok(done.rows_affected() as i64)
}
