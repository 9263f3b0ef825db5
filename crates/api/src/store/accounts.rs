//! Accounts and their debtors.

use super::db::Planning;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use debtflow_domain::{agency::AgencySettings, us_zone, AccountStatus, Priority, Role};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// An account with its debtor, and the agency's business date today.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub external_ref: String,
    pub creditor: String,
    pub original_creditor: Option<String>,
    pub original_balance: Decimal,
    pub current_balance: Decimal,
    pub currency: String,
    pub status: AccountStatus,
    #[sqlx(try_from = "i16")]
    pub priority: Priority,
    pub delinquency_date: NaiveDate,
    /// The delinquency date moved forward by the days spent disputed or paused: days
    /// past due count from it (migrations/0008).
    pub aging_anchor: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub collector_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub debtor_id: Uuid,
    pub debtor_full_name: String,
    pub debtor_phone: Option<String>,
    pub debtor_email: Option<String>,
    pub debtor_address: Option<String>,
    pub debtor_date_of_birth: Option<NaiveDate>,
    pub debtor_ssn_last4_enc: Option<Vec<u8>>,
    pub debtor_external_ref: Option<String>,
    /// Their own time zone, else their address's.
    pub debtor_time_zone: Option<String>,
    /// The oldest unpaid installment's due date, of the active plan: filled in for a
    /// page at once by [`fill_next_installment_due`].
    pub next_installment_due: Option<NaiveDate>,
    /// `next_call_at` as PostgreSQL writes it (`infinity` included): the contactable
    /// sort's cursor value.
    pub next_call_key: String,
    /// Today in the agency's time zone: days past due are counted to it.
    pub today: NaiveDate,
}

/// The account columns up to the agency's today, which the clock's instant (bound
/// next) gives; then [`SELECT_TAIL`].
const SELECT_HEAD: &str = "
    SELECT a.agency_id, a.id, a.external_ref, a.creditor, a.original_creditor, a.original_balance,
           a.current_balance, a.currency::text AS currency, a.status, a.priority,
           a.delinquency_date, a.aging_anchor, a.due_date, a.collector_id, a.created_at, a.updated_at,
           d.id AS debtor_id, d.full_name AS debtor_full_name, d.phone AS debtor_phone,
           d.email AS debtor_email, d.address AS debtor_address,
           d.date_of_birth AS debtor_date_of_birth, d.ssn_last4_enc AS debtor_ssn_last4_enc,
           d.external_ref AS debtor_external_ref,
           coalesce(d.time_zone, d.address_time_zone) AS debtor_time_zone,
           NULL::date AS next_installment_due, a.next_call_at::text AS next_call_key,
           (";

const SELECT_TAIL: &str = "::timestamptz AT TIME ZONE ag.time_zone)::date AS today
    FROM accounts a
    JOIN debtors d ON d.agency_id = a.agency_id AND d.id = a.debtor_id
    JOIN agencies ag ON ag.id = a.agency_id";

pub struct NewDebtor<'a> {
    pub full_name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub address: Option<&'a str>,
    pub date_of_birth: Option<NaiveDate>,
    pub ssn_last4_enc: Option<Vec<u8>>,
    pub external_ref: Option<&'a str>,
}

pub struct NewAccount<'a> {
    pub agency_id: Uuid,
    pub external_ref: &'a str,
    pub creditor: &'a str,
    pub original_creditor: Option<&'a str>,
    pub original_balance: Decimal,
    pub currency: &'a str,
    pub priority: Priority,
    pub delinquency_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub debtor: NewDebtor<'a>,
}

/// Creates the debtor and the account; `None` if the agency has the external
/// reference already (the unique constraint decides, so concurrent creations cannot
/// both pass; the caller rolls back the debtor).
/// The balance starts at zero: the caller posts the opening entry, which raises it
/// to the original balance (the balance moves only through the ledger).
pub async fn insert(tx: &mut PgConnection, new: &NewAccount<'_>) -> Result<Option<Uuid>, sqlx::Error> {
    let (debtor_id, account_id) = (Uuid::now_v7(), Uuid::now_v7());
    let d = &new.debtor;
    sqlx::query(
        "INSERT INTO debtors (agency_id, id, full_name, phone, email, address, date_of_birth, ssn_last4_enc,
                              external_ref, address_time_zone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.agency_id)
    .bind(debtor_id)
    .bind(d.full_name)
    .bind(d.phone)
    .bind(d.email)
    .bind(d.address)
    .bind(d.date_of_birth)
    .bind(d.ssn_last4_enc.as_deref())
    .bind(d.external_ref)
    .bind(address_zone(d.address))
    .execute(&mut *tx)
    .await?;
    note_zones(tx, new.agency_id, &[address_zone(d.address)]).await?;
    sqlx::query_scalar(
        "INSERT INTO accounts (agency_id, id, debtor_id, external_ref, creditor, original_creditor,
                               original_balance, current_balance, currency, priority, delinquency_date, due_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11)
         ON CONFLICT ON CONSTRAINT accounts_external_ref_key DO NOTHING
         RETURNING id",
    )
    .bind(new.agency_id)
    .bind(account_id)
    .bind(debtor_id)
    .bind(new.external_ref)
    .bind(new.creditor)
    .bind(new.original_creditor)
    .bind(new.original_balance)
    .bind(new.currency)
    .bind(i16::from(new.priority))
    .bind(new.delinquency_date)
    .bind(new.due_date)
    .fetch_optional(&mut *tx)
    .await
}

/// Which accounts a caller may reach.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reach {
    /// The caller's agency; `None` for platform admins.
    pub agency_id: Option<Uuid>,
    /// Collectors reach only the accounts assigned to them.
    pub collector_id: Option<Uuid>,
}

impl Reach {
    /// The accounts a user of `role` in `agency_id` reaches: a collector, their own.
    pub fn of(agency_id: Option<Uuid>, user_id: Uuid, role: Role) -> Self {
        Reach { agency_id, collector_id: (role == Role::Collector).then_some(user_id) }
    }
}

/// Account `a` is `$1` and within the reach bound as `$2` (its agency) and `$3` (its
/// collector): the one way the store finds an account a caller may touch.
pub(super) const IN_REACH: &str =
    "a.id = $1 AND ($2::uuid IS NULL OR a.agency_id = $2) AND ($3::uuid IS NULL OR a.collector_id = $3)";

/// The account, if within `reach`.
pub async fn get(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<AccountRow>, sqlx::Error> {
    select_one(tx, reach, id, now, "").await
}

/// The agency of the account, if within `reach`: whether a caller may read what hangs
/// off it (its timeline), by its primary key alone.
pub async fn reachable(tx: &mut PgConnection, reach: Reach, id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT a.agency_id FROM accounts a WHERE {IN_REACH}"))
        .bind(id)
        .bind(reach.agency_id)
        .bind(reach.collector_id)
        .fetch_optional(tx)
        .await
}

/// An account as its detail shows it, read in one statement: the row, its next
/// installment due, its collector's name and its open dispute.
#[derive(Debug, sqlx::FromRow)]
pub struct DetailRow {
    #[sqlx(flatten)]
    pub account: AccountRow,
    pub next_due: Option<NaiveDate>,
    pub collector_name: Option<String>,
    pub dispute_id: Option<Uuid>,
    pub dispute_reason: Option<String>,
    pub dispute_opened_by: Option<Uuid>,
    pub dispute_opened_at: Option<DateTime<Utc>>,
}

impl DetailRow {
    /// The account (its next installment due filled in), its collector's id and name,
    /// and its open dispute.
    pub fn into_parts(self) -> (AccountRow, Option<(Uuid, String)>, Option<super::disputes::DisputeRow>) {
        let dispute = match (self.dispute_id, self.dispute_reason, self.dispute_opened_by, self.dispute_opened_at) {
            (Some(id), Some(reason), Some(opened_by), Some(opened_at)) => {
                Some(super::disputes::DisputeRow { id, reason, opened_by, opened_at })
            }
            _ => None,
        };
        let collector = self.account.collector_id.zip(self.collector_name);
        (AccountRow { next_installment_due: self.next_due, ..self.account }, collector, dispute)
    }
}

/// The account's [`DetailRow`], if within `reach`.
pub async fn detail(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DetailRow>, sqlx::Error> {
    let sql = format!(
        "SELECT x.*,
                (SELECT min(i.due_date) FROM plans p
                 JOIN plan_installments i ON i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
                 WHERE p.agency_id = x.agency_id AND p.account_id = x.id AND p.status = 'active') AS next_due,
                (SELECT u.full_name FROM users u WHERE u.id = x.collector_id AND u.agency_id = x.agency_id)
                    AS collector_name,
                o.id AS dispute_id, o.reason AS dispute_reason, o.opened_by AS dispute_opened_by,
                o.opened_at AS dispute_opened_at
         FROM ({SELECT_HEAD}$4{SELECT_TAIL} WHERE {IN_REACH}) x
         LEFT JOIN disputes o ON o.agency_id = x.agency_id AND o.account_id = x.id AND o.resolved_at IS NULL"
    );
    sqlx::query_as(&sql).bind(id).bind(reach.agency_id).bind(reach.collector_id).bind(now).fetch_optional(tx).await
}

/// The account, if within `reach`, locked until the transaction ends.
pub async fn lock(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<AccountRow>, sqlx::Error> {
    select_one(tx, reach, id, now, "FOR UPDATE OF a").await
}

async fn select_one(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
    locking: &'static str,
) -> Result<Option<AccountRow>, sqlx::Error> {
    let sql = format!("{SELECT_HEAD}$4{SELECT_TAIL} WHERE {IN_REACH} {locking}");
    sqlx::query_as(&sql).bind(id).bind(reach.agency_id).bind(reach.collector_id).bind(now).fetch_optional(tx).await
}

pub async fn set_status(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: AccountStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET status = $3, updated_at = now() WHERE agency_id = $1 AND id = $2")
        .bind(agency_id)
        .bind(id)
        .bind(status)
        .execute(tx)
        .await
        .map(drop)
}

/// The fields a PATCH may change; `None` leaves one as it is.
#[derive(Debug, Default)]
pub struct AccountChanges<'a> {
    pub priority: Option<Priority>,
    pub due_date: Option<NaiveDate>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub address: Option<&'a str>,
    /// An IANA zone the caller checked.
    pub time_zone: Option<&'a str>,
}

/// Notes the zones of the agency's debtors just written (`debtor_zones`).
pub async fn note_zones(tx: &mut PgConnection, agency_id: Uuid, zones: &[Option<&str>]) -> Result<(), sqlx::Error> {
    let zones: Vec<&str> = zones.iter().flatten().copied().collect();
    if zones.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO debtor_zones (agency_id, zone) SELECT DISTINCT $1, z FROM unnest($2::text[]) z
         ON CONFLICT DO NOTHING",
    )
    .bind(agency_id)
    .bind(zones)
    .execute(tx)
    .await?;
    Ok(())
}

/// Whether the local time at `now` is in `[earliest, latest)` in the agency's zone or in
/// any zone its debtors are in: if not, no account of the agency is callable.
pub async fn some_zone_in_hours(
    tx: &mut PgConnection,
    agency_id: Uuid,
    now: DateTime<Utc>,
    (earliest, latest): (NaiveTime, NaiveTime),
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT FROM (SELECT time_zone AS zone FROM agencies WHERE id = $1
                          UNION SELECT zone FROM debtor_zones WHERE agency_id = $1) z
             WHERE ($2::timestamptz AT TIME ZONE z.zone)::time >= $3 AND ($2::timestamptz AT TIME ZONE z.zone)::time < $4)",
    )
    .bind(agency_id)
    .bind(now)
    .bind(earliest)
    .bind(latest)
    .fetch_one(tx)
    .await
}

/// The time zone a debtor's address gives (`debtflow_domain::us_zone`), stored with
/// every write of the address.
pub fn address_zone(address: Option<&str>) -> Option<&'static str> {
    address.and_then(us_zone::zone_from_address)
}

pub async fn update(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    debtor_id: Uuid,
    c: &AccountChanges<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET priority = coalesce($3, priority), due_date = coalesce($4, due_date), updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(c.priority.map(i16::from))
    .bind(c.due_date)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE debtors SET phone = coalesce($3, phone), email = coalesce($4, email),
                            address = coalesce($5, address), time_zone = coalesce($6, time_zone),
                            address_time_zone = CASE WHEN $5 IS NULL THEN address_time_zone ELSE $7 END,
                            updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(debtor_id)
    .bind(c.phone)
    .bind(c.email)
    .bind(c.address)
    .bind(c.time_zone)
    .bind(address_zone(c.address))
    .execute(&mut *tx)
    .await?;
    note_zones(tx, agency_id, &[c.time_zone, address_zone(c.address)]).await
}

/// Gives the account to `collector` and sets its status.
pub async fn assign(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    collector: Uuid,
    status: AccountStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET collector_id = $3, status = $4, updated_at = now()
         WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(collector)
    .bind(status)
    .execute(tx)
    .await
    .map(drop)
}

/// What assignment needs to know of an account it moves.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignableRow {
    pub id: Uuid,
    pub status: AccountStatus,
    pub collector_id: Option<Uuid>,
    pub current_balance: Decimal,
}

/// The agency's accounts among `ids`, locked in id order (so concurrent assignments
/// cannot deadlock) until the transaction ends.
pub async fn lock_many(
    tx: &mut PgConnection,
    agency_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<AssignableRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, status, collector_id, current_balance FROM accounts
         WHERE agency_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE",
    )
    .bind(agency_id)
    .bind(ids)
    .fetch_all(tx)
    .await
}

/// How many accounts a collector holds in the given statuses.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Holding {
    pub collector_id: Uuid,
    pub accounts: i64,
}

/// How many of the agency's accounts in `statuses` each of `collectors` holds (a
/// collector holding none is left out). Read after locking the collectors, it counts
/// every assignment that committed before.
pub async fn held_by(
    tx: &mut PgConnection,
    agency_id: Uuid,
    collectors: &[Uuid],
    statuses: &[AccountStatus],
) -> Result<Vec<Holding>, sqlx::Error> {
    sqlx::query_as(
        "SELECT collector_id, count(*) AS accounts FROM accounts
         WHERE agency_id = $1 AND collector_id = ANY($2) AND status = ANY($3)
         GROUP BY collector_id",
    )
    .bind(agency_id)
    .bind(collectors)
    .bind(statuses)
    .fetch_all(tx)
    .await
}

/// What the worklist sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Balance,
    Priority,
    /// Days past due, i.e. the delinquency date in the opposite direction.
    DaysPastDue,
    /// When the call rules next allow a call (`next_call_at`): callable accounts first
    /// in ascending order, blocked ones last.
    Contactable,
}

/// Which way the worklist runs along its sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// A keyset position: the last row's sort value (as text) and id.
#[derive(Debug, Clone)]
pub struct After {
    pub value: String,
    pub id: Uuid,
}

/// The worklist's filters; every one optional.
#[derive(Debug, Default, Clone)]
pub struct Worklist {
    pub reach: Reach,
    pub statuses: Vec<AccountStatus>,
    pub priorities: Vec<Priority>,
    pub balance_min: Option<Decimal>,
    pub balance_max: Option<Decimal>,
    /// Delinquency dates in `[from, to]` (the buckets, turned into dates).
    pub delinquent_between: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
    pub collector_id: Option<Uuid>,
    /// Only accounts no collector holds.
    pub unassigned_only: bool,
    /// Only accounts with an open follow-up of this user due at this instant.
    pub follow_up_due_for: Option<(Uuid, DateTime<Utc>)>,
    /// Only the accounts this import placed.
    pub import_id: Option<Uuid>,
    /// A debtor's name (the most similar, ranked) or an exact reference, phone or
    /// email ([`push_search`]).
    pub search: Option<String>,
    /// Only the accounts whose debtor may be called now.
    pub contactable: Option<Contactable>,
}

impl Worklist {
    /// Whether a filter besides the search and the caller's reach (and collector, which
    /// the search applies itself) narrows the accounts. Every field is named, so a new
    /// filter cannot be forgotten here.
    fn narrows(&self) -> bool {
        let Worklist {
            reach: _,
            collector_id: _,
            search: _,
            statuses,
            priorities,
            balance_min,
            balance_max,
            delinquent_between,
            unassigned_only,
            follow_up_due_for,
            import_id,
            contactable,
        } = self;
        !statuses.is_empty()
            || !priorities.is_empty()
            || balance_min.is_some()
            || balance_max.is_some()
            || !delinquent_between.is_empty()
            || *unassigned_only
            || follow_up_due_for.is_some()
            || import_id.is_some()
            || contactable.is_some()
    }
}

/// What makes an account callable at `now`: a status in which collection goes on
/// ([`AccountStatus::COLLECTING`]), no block on calls and the call rules' wait over
/// (`next_call_at`, see `debtflow_domain::contact::next_call`), and, with `hours`, the
/// debtor's wall clock (their zone, their address's, else the agency's) inside them.
#[derive(Debug, Clone, Copy)]
pub struct Contactable {
    pub now: DateTime<Utc>,
    /// `[earliest, latest)` local time, where the agency keeps to calling hours.
    pub hours: Option<(NaiveTime, NaiveTime)>,
    /// `false` when no zone of the agency's is inside the hours ([`some_zone_in_hours`]):
    /// nothing is callable, and the accounts are not walked to find that out.
    pub some_zone_in_hours: bool,
}

/// A page of the worklist, ordered by `sort` then id. Without a search, every sort key
/// has an index to walk: open the transaction with [`worklist_planning`]'s planning.
pub async fn worklist(
    tx: &mut PgConnection,
    w: &Worklist,
    sort: SortKey,
    direction: Direction,
    after: Option<&After>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<AccountRow>, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::<sqlx::Postgres>::new(SELECT_HEAD);
    q.push_bind(now).push(SELECT_TAIL);
    // A page of the best debtors is enough unless other filters then narrow them.
    let page = limit.min(SEARCH_CAP);
    push_search(&mut q, w, if w.narrows() { SEARCH_CAP } else { page });
    push_filters(&mut q, w);
    if w.search.is_some() {
        // The best matches first; a search is one page.
        q.push(" ORDER BY s.score DESC, a.id LIMIT ").push_bind(page);
        return q.build_query_as().fetch_all(tx).await;
    }
    // DPD descending is the aging anchor ascending.
    let descending = direction == Direction::Descending;
    let (column, cast, ascending) = match sort {
        SortKey::Created => ("a.created_at", "timestamptz", !descending),
        SortKey::Balance => ("a.current_balance", "numeric", !descending),
        SortKey::Priority => ("a.priority", "smallint", !descending),
        SortKey::DaysPastDue => ("a.aging_anchor", "date", descending),
        SortKey::Contactable => ("a.next_call_at", "timestamptz", !descending),
    };
    let (cmp, dir) = if ascending { (">", "ASC") } else { ("<", "DESC") };
    if let Some(after) = after {
        q.push(format_args!(" AND ({column}, a.id) {cmp} (")).push_bind(after.value.clone());
        q.push(format_args!("::{cast}, ")).push_bind(after.id).push(")");
    }
    q.push(format_args!(" ORDER BY {column} {dir}, a.id {dir} LIMIT ")).push_bind(limit);
    q.build_query_as().fetch_all(tx).await
}

/// How a worklist page is best planned: along its sort key's index, unless a `search`
/// narrows the rows first (they are then sorted by score).
pub fn worklist_planning(search: Option<&str>) -> Planning {
    if search.is_some() {
        Planning::Costed
    } else {
        Planning::IndexOrder
    }
}

/// The most accounts a search selects: the largest page.
pub const SEARCH_CAP: i64 = 200;

/// With a search, joins `accounts a` to the accounts it finds as `s`: every account
/// whose reference, or whose debtor's phone, email (any case) or reference, is exactly
/// it (`s.score` 2) — and only when there is none, the accounts of the `debtors` (at
/// most [`SEARCH_CAP`]) debtors whose names best answer it (`search_debtors`, migration
/// 0035, within the caller's collector when there is one; `s.score` 1 for a name
/// holding every word, else its similarity, 0.3–1). An exact match answers alone: the
/// caller read out a reference or a number. The other filters then narrow these.
fn push_search(q: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>, w: &Worklist, debtors: i64) {
    let Some(search) = &w.search else { return };
    let collector = w.reach.collector_id.or(w.collector_id);
    q.push(" JOIN (WITH exact AS MATERIALIZED (SELECT r.agency_id, r.id AS account_id FROM accounts r");
    q.push(" WHERE r.external_ref = ").push_bind(search.clone());
    if let Some(agency) = w.reach.agency_id {
        q.push(" AND r.agency_id = ").push_bind(agency);
    }
    q.push(" UNION SELECT r.agency_id, r.id FROM debtors e");
    q.push(" JOIN accounts r ON r.agency_id = e.agency_id AND r.debtor_id = e.id WHERE (e.phone = ");
    q.push_bind(search.clone()).push(" OR lower(e.email) = lower(").push_bind(search.clone());
    q.push(") OR e.external_ref = ").push_bind(search.clone()).push(")");
    if let Some(agency) = w.reach.agency_id {
        q.push(" AND e.agency_id = ").push_bind(agency);
    }
    q.push(") SELECT agency_id, account_id, 2::real AS score FROM exact");
    q.push(" UNION ALL SELECT m.agency_id, m.id, n.score FROM search_debtors(").push_bind(search.clone());
    q.push(", ").push_bind(debtors as i32).push(", ").push_bind(collector);
    q.push("::uuid) n JOIN accounts m ON m.agency_id = n.agency_id AND m.debtor_id = n.id");
    q.push(" WHERE NOT EXISTS (SELECT FROM exact)) s ON s.agency_id = a.agency_id AND s.account_id = a.id");
}

/// Appends the worklist's `WHERE` clause (the search is [`push_search`]'s join).
fn push_filters(q: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>, w: &Worklist) {
    q.push(" WHERE true");
    if let Some(agency) = w.reach.agency_id {
        q.push(" AND a.agency_id = ").push_bind(agency);
    }
    if let Some(collector) = w.reach.collector_id {
        q.push(" AND a.collector_id = ").push_bind(collector);
    }
    if !w.statuses.is_empty() {
        let names: Vec<&str> = w.statuses.iter().map(|s| s.as_str()).collect();
        q.push(" AND a.status = ANY(").push_bind(names).push("::account_status[])");
    }
    if !w.priorities.is_empty() {
        let priorities: Vec<i16> = w.priorities.iter().map(|p| i16::from(*p)).collect();
        q.push(" AND a.priority = ANY(").push_bind(priorities).push(")");
    }
    if let Some(min) = w.balance_min {
        q.push(" AND a.current_balance >= ").push_bind(min);
    }
    if let Some(max) = w.balance_max {
        q.push(" AND a.current_balance <= ").push_bind(max);
    }
    if !w.delinquent_between.is_empty() {
        q.push(" AND (false");
        for (from, to) in &w.delinquent_between {
            q.push(" OR (true");
            if let Some(from) = from {
                q.push(" AND a.aging_anchor >= ").push_bind(*from);
            }
            if let Some(to) = to {
                q.push(" AND a.aging_anchor <= ").push_bind(*to);
            }
            q.push(")");
        }
        q.push(")");
    }
    if let Some(collector) = w.collector_id {
        q.push(" AND a.collector_id = ").push_bind(collector);
    }
    if w.unassigned_only {
        q.push(" AND a.collector_id IS NULL");
    }
    if let Some(import) = w.import_id {
        q.push(" AND a.import_id = ").push_bind(import);
    }
    if let Some((author, now)) = w.follow_up_due_for {
        q.push(" AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.agency_id = a.agency_id AND f.account_id = a.id");
        q.push(" AND f.done_at IS NULL AND f.author_id = ").push_bind(author);
        q.push(" AND f.remind_at <= ").push_bind(now).push(")");
    }
    if let Some(c) = w.contactable {
        if !c.some_zone_in_hours {
            q.push(" AND false");
        }
        q.push(" AND a.status = ANY(").push_bind(AccountStatus::COLLECTING.to_vec()).push(")");
        q.push(" AND a.next_call_at <= ").push_bind(c.now);
        if let Some((earliest, latest)) = c.hours {
            q.push(" AND EXISTS (SELECT FROM debtors cd JOIN agencies cg ON cg.id = cd.agency_id,");
            q.push(" LATERAL (SELECT (").push_bind(c.now);
            q.push(
                "::timestamptz AT TIME ZONE coalesce(cd.time_zone, cd.address_time_zone, cg.time_zone))::time AS t) l",
            );
            q.push(" WHERE cd.agency_id = a.agency_id AND cd.id = a.debtor_id");
            q.push(" AND l.t >= ").push_bind(earliest).push(" AND l.t < ").push_bind(latest).push(")");
        }
    }
}

/// How many accounts match `w`.
pub async fn count(tx: &mut PgConnection, w: &Worklist) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::<sqlx::Postgres>::new("SELECT count(*) FROM accounts a");
    push_search(&mut q, w, SEARCH_CAP);
    push_filters(&mut q, w);
    q.build_query_scalar().fetch_one(tx).await
}

/// The ids of the accounts matching `w`, at most `limit`.
pub async fn matching_ids(tx: &mut PgConnection, w: &Worklist, limit: i64) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut q = sqlx::QueryBuilder::<sqlx::Postgres>::new("SELECT a.id FROM accounts a");
    push_search(&mut q, w, SEARCH_CAP);
    push_filters(&mut q, w);
    q.push(" ORDER BY a.id LIMIT ").push_bind(limit);
    q.build_query_scalar().fetch_all(tx).await
}

/// The sort value of `row` as a cursor holds it.
pub fn sort_value(row: &AccountRow, sort: SortKey) -> String {
    match sort {
        SortKey::Created => row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        SortKey::Balance => row.current_balance.to_string(),
        SortKey::Priority => row.priority.to_string(),
        SortKey::DaysPastDue => row.aging_anchor.to_string(),
        SortKey::Contactable => row.next_call_key.clone(),
    }
}

/// What the money use cases need of an account, locked until the transaction ends.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MoneyRow {
    pub agency_id: Uuid,
    pub id: Uuid,
    pub status: AccountStatus,
    pub current_balance: Decimal,
    pub currency: String,
    pub collector_id: Option<Uuid>,
    /// The collector's share of each completed payment.
    pub commission_rate: Option<Decimal>,
    /// The agency's settings (its allocation order, its approval window).
    pub settings: sqlx::types::Json<AgencySettings>,
    /// The status a SETTLED account was settled from.
    pub settled_from: Option<AccountStatus>,
    /// The agency's business date at the clock's `now`.
    pub today: NaiveDate,
}

/// The account within `reach`, locked, with the agency's today at `now`.
pub async fn lock_money(
    tx: &mut PgConnection,
    reach: Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<MoneyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT a.agency_id, a.id, a.status, a.current_balance, a.currency::text AS currency,
                a.collector_id, u.commission_rate,
                ag.settings,
                a.settled_from, ($4::timestamptz AT TIME ZONE ag.time_zone)::date AS today
         FROM accounts a
         JOIN agencies ag ON ag.id = a.agency_id
         LEFT JOIN users u ON u.id = a.collector_id
         WHERE {IN_REACH}
         FOR UPDATE OF a"
    ))
    .bind(id)
    .bind(reach.agency_id)
    .bind(reach.collector_id)
    .bind(now)
    .fetch_optional(tx)
    .await
}

/// Saves the status money moved the account to, and the status it was settled from
/// (`None` unless SETTLED).
pub async fn set_money_status(
    tx: &mut PgConnection,
    agency_id: Uuid,
    id: Uuid,
    status: AccountStatus,
    settled_from: Option<AccountStatus>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET status = $3, settled_from = $4, updated_at = now() WHERE agency_id = $1 AND id = $2",
    )
    .bind(agency_id)
    .bind(id)
    .bind(status)
    .bind(settled_from)
    .execute(tx)
    .await
    .map(drop)
}

/// A delinquency pause: the account does not age from `starts_on` to `ends_on`.
pub struct NewPause<'a> {
    pub agency_id: Uuid,
    pub account_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reason: &'a str,
    pub created_by: Uuid,
}

/// Records a delinquency pause; returns its id.
pub async fn add_pause(tx: &mut PgConnection, pause: &NewPause<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO delinquency_pauses (agency_id, id, account_id, starts_on, ends_on, reason, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(pause.agency_id)
    .bind(id)
    .bind(pause.account_id)
    .bind(pause.starts_on)
    .bind(pause.ends_on)
    .bind(pause.reason)
    .bind(pause.created_by)
    .execute(tx)
    .await?;
    Ok(id)
}

/// Fills in the accounts' next installment due, in one query for all of them (a
/// subquery per row cost the worklist a quarter of its throughput).
pub async fn fill_next_installment_due(tx: &mut PgConnection, rows: &mut [AccountRow]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let agencies: Vec<Uuid> = rows.iter().map(|r| r.agency_id).collect();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let dues: Vec<(Uuid, NaiveDate)> = sqlx::query_as(
        "SELECT p.account_id, min(i.due_date)
         FROM unnest($1::uuid[], $2::uuid[]) AS x(agency_id, account_id)
         JOIN plans p ON p.agency_id = x.agency_id AND p.account_id = x.account_id AND p.status = 'active'
         JOIN plan_installments i ON i.agency_id = p.agency_id AND i.plan_id = p.id AND i.paid_amount < i.amount
         GROUP BY p.account_id",
    )
    .bind(&agencies)
    .bind(&ids)
    .fetch_all(tx)
    .await?;
    for row in rows.iter_mut() {
        row.next_installment_due = dues.iter().find(|(id, _)| *id == row.id).map(|(_, due)| *due);
    }
    Ok(())
}
