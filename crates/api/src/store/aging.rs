//! Aging (the dpd_aging job): every open account's aging anchor and bucket as of a
//! date, and the bucket moves of `aging_history`, in one set-based statement per
//! agency. The bucket is the SQL function `aging_bucket(days)` (migrations/0010), the
//! domain's `Bucket::of` restated, and a test evaluates both over a range of days.

use chrono::NaiveDate;
use debtflow_domain::AccountStatus;
use sqlx::PgConnection;
use uuid::Uuid;

/// Accounts that no longer age.
const ENDED: [AccountStatus; 2] = [AccountStatus::Settled, AccountStatus::Closed];

/// Whether a run moves the anchors the worklist reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchors {
    /// The live run (the agency's today or later): the anchors move.
    Move,
    /// A replay of a past date: only that date's bucket moves are recorded.
    Keep,
}

/// What an aging run counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Aged {
    /// Open accounts.
    pub scanned: i64,
    /// Bucket moves recorded (once per account and date).
    pub moves: i64,
    /// Anchors moved.
    pub anchors: i64,
}

/// Ages the agency's open accounts as of `as_of`: each one's aging anchor (its
/// delinquency date pushed forward by the days it spent disputed or paused, from the
/// disputes' and pauses' own dates — so any date can be replayed), the bucket moves
/// between the day before and this day, and, with [`Anchors::Move`], the anchors.
pub async fn age(
    tx: &mut PgConnection,
    agency_id: Uuid,
    as_of: NaiveDate,
    anchors: Anchors,
) -> Result<Aged, sqlx::Error> {
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
             WHERE a.agency_id = $1 AND a.status <> ALL($4)),
         dpd AS (
             SELECT id, old_anchor, anchor, greatest($2 - anchor, 0) AS today,
                    greatest($2 - anchor - 1 + frozen_today::int, 0) AS yesterday
             FROM aged),
         buckets AS (
             SELECT id, old_anchor, anchor, aging_bucket(today) AS now_bucket, aging_bucket(yesterday) AS before_bucket
             FROM dpd),
         moves AS (
             INSERT INTO aging_history (agency_id, account_id, as_of_date, from_bucket, to_bucket)
             SELECT $1, id, $2, before_bucket, now_bucket FROM buckets WHERE before_bucket <> now_bucket
             ON CONFLICT DO NOTHING RETURNING 1),
         anchors AS (
             UPDATE accounts a SET aging_anchor = b.anchor
             FROM buckets b WHERE $3 AND a.agency_id = $1 AND a.id = b.id AND b.old_anchor <> b.anchor
             RETURNING 1)
         SELECT (SELECT count(*) FROM buckets) AS scanned, (SELECT count(*) FROM moves) AS moves,
                (SELECT count(*) FROM anchors) AS anchors",
    )
    .bind(agency_id)
    .bind(as_of)
    .bind(anchors == Anchors::Move)
    .bind(&ENDED[..])
    .fetch_one(tx)
    .await
}
