use super::Account;
use crate::{
    auth::{policy::Operation, AuthUser},
    clock::Clock,
    crypto::FieldCipher,
    edge::query::Query,
    pagination::PageSize,
    pagination::{self, Page},
    problem::{responses, ApiError},
    store::{
        self,
        accounts::{After, Contactable, Direction, SortKey, Worklist},
        db::Planning,
        read_pool::ReadPool,
    },
};
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::decimal::PlainDecimal;
use debtflow_domain::{contact::REGULATION_F, AccountStatus, Bucket, Priority, Role};
pub use debtflow_wire::accounts::AccountCount;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;
use utoipa::IntoParams;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct WorklistQuery {
    /// Statuses, comma-separated (`new,assigned`; upper-case accepted).
    #[param(
        pattern = r"^((new|assigned|in_contact|negotiating|payment_plan|settled|closed|disputed)(,(new|assigned|in_contact|negotiating|payment_plan|settled|closed|disputed))*)?$"
    )]
    pub status: Option<String>,
    /// Priorities, comma-separated (`2,3`).
    #[param(pattern = r"^([0-3](,[0-3])*)?$")]
    pub priority: Option<String>,
    /// Smallest current balance, a decimal string.
    pub balance_min: Option<PlainDecimal>,
    /// Largest current balance, a decimal string.
    pub balance_max: Option<PlainDecimal>,
    /// Aging buckets, comma-separated (`31-60,90+`).
    #[param(pattern = r"^((0-30|31-60|61-90|90\+)(,(0-30|31-60|61-90|90\+))*)?$")]
    pub bucket: Option<String>,
    /// A collector's id, `me`, or `none` (unassigned). Collectors always see only
    /// their own accounts.
    #[param(pattern = r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|me|none)$")]
    pub collector: Option<String>,
    /// `due`: only the accounts with a follow-up reminder of mine that is due (set on a
    /// note; done once I write another note on the account).
    #[param(pattern = r"^due$")]
    pub follow_up: Option<String>,
    /// An import's id: only the accounts that import placed.
    #[param(pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub import: Option<String>,
    /// A debtor's name, or exactly an account's or debtor's reference, a phone or an
    /// email. An exact reference, phone or email answers alone; else the names holding
    /// every word of it ("smith john" finds "John Smith"); else the names whose words are
    /// like its words, likest first ("smiht" finds "Smith", "smi" finds "Smithson"). At
    /// most one page (`sort`, `order` and `cursor` do not apply; the other filters do).
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// `true`: only the accounts whose debtor may be called now — collection going on
    /// (not disputed, settled or closed), no block on calls, the Regulation F waits
    /// over and, where the agency keeps to them, inside the debtor's calling hours.
    pub contactable_now: Option<bool>,
    /// `created` (default), `balance`, `priority`, `days_past_due` or `contactable`
    /// (when the call rules next allow a call; callable first in the default `asc`).
    #[param(pattern = r"^(created|balance|priority|days_past_due|contactable)$")]
    pub sort: Option<String>,
    /// `desc` (the default, but `asc` for `contactable`) or `asc`.
    #[param(pattern = r"^(asc|desc)$")]
    pub order: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<PageSize>,
    /// `next_cursor` of the previous page (of the same sort and order).
    pub cursor: Option<String>,
}

/// Parses each item, naming `field` on a bad one.
pub(super) fn parse_each<T: FromStr>(
    items: impl IntoIterator<Item = impl AsRef<str>>,
    field: &str,
) -> Result<Vec<T>, ApiError> {
    items
        .into_iter()
        .map(|item| item.as_ref().trim().to_owned())
        .filter(|item| !item.is_empty())
        .map(|item| item.parse().map_err(|_| ApiError::field(field, format!("`{item}` is not a valid value"))))
        .collect()
}

/// The items of a comma-separated parameter.
fn commas(raw: &Option<String>) -> impl Iterator<Item = &str> {
    raw.as_deref().into_iter().flat_map(|s| s.split(','))
}

/// The worklist: the agency's accounts (a collector's own), filtered, sorted and
/// keyset-paginated. Days past due and buckets are computed in the agency's time zone.
#[utoipa::path(
    tag = "accounts",
    operation_id = "listAccounts",
    security(("bearer" = [])),
    params(WorklistQuery),
    responses(
        (status = 200, description = "A page of accounts", body = Page<Account>),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts")]
pub async fn list(
    user: AuthUser,
    query: Query<WorklistQuery>,
    reads: web::Data<ReadPool>,
    cipher: web::Data<FieldCipher>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let q = query.into_inner()?;
    let (sort, direction) = ordering(&q)?;
    let list_name = format!("accounts:{}:{direction:?}", q.sort.as_deref().unwrap_or("created"));
    let after = q.cursor.as_deref().map(|c| cursor(&list_name, c, sort)).transpose()?;
    let limit = pagination::limit(q.limit);
    let filters = Filters::parse(&user, q)?;

    let now = clock.now();
    // On the read replica when there is one: a list may lag a write (`store::read_pool`).
    let planning = store::accounts::worklist_planning(filters.search.as_deref());
    let mut tx = reads.begin(user.scope(), planning).await?;
    let worklist = filters.worklist(&mut tx, &user, now).await?;
    // One row more than the page tells whether there is a next one; a search is one page.
    let fetch = if worklist.search.is_some() { limit } else { limit + 1 };
    let mut rows = store::accounts::worklist(&mut tx, &worklist, sort, direction, after.as_ref(), fetch, now).await?;
    store::accounts::fill_next_installment_due(&mut tx, &mut rows).await?;
    tx.commit().await?;
    let key = |r: &store::accounts::AccountRow| vec![store::accounts::sort_value(r, sort), r.id.to_string()];
    Ok(HttpResponse::Ok()
        .json(crate::pagination::page(rows, limit, &list_name, key, |r| crate::routes::accounts::account(r, &cipher))))
}

/// The sort key and direction a worklist query asks for.
fn ordering(q: &WorklistQuery) -> Result<(SortKey, Direction), ApiError> {
    let sort = match q.sort.as_deref().unwrap_or("created") {
        "created" => SortKey::Created,
        "balance" => SortKey::Balance,
        "priority" => SortKey::Priority,
        "days_past_due" => SortKey::DaysPastDue,
        "contactable" => SortKey::Contactable,
        _ => return Err(ApiError::field("sort", "must be created, balance, priority, days_past_due or contactable")),
    };
    let default_order = if sort == SortKey::Contactable { "asc" } else { "desc" };
    let direction = match q.order.as_deref().unwrap_or(default_order) {
        "desc" => Direction::Descending,
        "asc" => Direction::Ascending,
        _ => return Err(ApiError::field("order", "must be asc or desc")),
    };
    Ok((sort, direction))
}

/// The number of accounts the worklist's filters select — the same parameters as
/// `GET /accounts`, checked alike, of which `sort`, `order`, `limit` and `cursor` do
/// not change the count. Asked apart
/// from the list, so a page of the worklist never waits for a count of a million rows.
#[utoipa::path(
    tag = "accounts",
    operation_id = "countAccounts",
    security(("bearer" = [])),
    params(WorklistQuery),
    responses(
        (status = 200, description = "The number of accounts selected", body = AccountCount),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/accounts/count")]
pub async fn count(
    user: AuthUser,
    query: Query<WorklistQuery>,
    reads: web::Data<ReadPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadAccounts)?;
    let query = query.into_inner()?;
    ordering(&query)?;
    let filters = Filters::parse(&user, query)?;
    let now = clock.now();
    let mut tx = reads.begin(user.scope(), Planning::Costed).await?;
    let worklist = filters.worklist(&mut tx, &user, now).await?;
    let total = store::accounts::count(&mut tx, &worklist).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(AccountCount { total }))
}

/// The worklist's filters, parsed from the query and checked.
struct Filters {
    statuses: Vec<AccountStatus>,
    priorities: Vec<Priority>,
    buckets: Vec<Bucket>,
    balance_min: Option<Decimal>,
    balance_max: Option<Decimal>,
    collector_id: Option<Uuid>,
    unassigned_only: bool,
    follow_up_due: bool,
    import_id: Option<Uuid>,
    search: Option<String>,
    contactable_now: bool,
}

impl Filters {
    fn parse(user: &AuthUser, q: WorklistQuery) -> Result<Self, ApiError> {
        let (collector_id, unassigned_only) = match q.collector.as_deref() {
            None => (None, false),
            Some("me") => (Some(user.id), false),
            Some("none") => (None, true),
            Some(id) => {
                let id =
                    Uuid::parse_str(id).map_err(|_| ApiError::field("collector", "must be a UUID, `me` or `none`"))?;
                (Some(id), false)
            }
        };
        let follow_up_due = match q.follow_up.as_deref() {
            None => false,
            Some("due") => true,
            Some(_) => return Err(ApiError::field("follow_up", "must be `due`")),
        };
        let import_id = q
            .import
            .as_deref()
            .map(|id| {
                Uuid::parse_str(id.trim()).map_err(|_| ApiError::field("import", "must be an import's id (a UUID)"))
            })
            .transpose()?;
        Ok(Filters {
            statuses: parse_each(commas(&q.status), "status")?,
            priorities: parse_each(commas(&q.priority), "priority")?,
            buckets: parse_each(commas(&q.bucket), "bucket")?,
            balance_min: q.balance_min.map(Decimal::from),
            balance_max: q.balance_max.map(Decimal::from),
            // Collectors see only their own accounts whatever they ask.
            collector_id: if user.role == Role::Collector { None } else { collector_id },
            unassigned_only,
            follow_up_due,
            import_id,
            search: q.q.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
            contactable_now: q.contactable_now.unwrap_or(false),
        })
    }

    /// The store's filter. Buckets are date ranges relative to today in the agency's
    /// time zone; platform admins span time zones, so theirs use the UTC date. Calling
    /// hours apply where the agency keeps to the guardrails, and for platform admins
    /// (across agencies) always.
    async fn worklist(
        self,
        tx: &mut sqlx::PgConnection,
        user: &AuthUser,
        now: DateTime<Utc>,
    ) -> Result<Worklist, ApiError> {
        let today = match user.agency_id {
            Some(agency) if !self.buckets.is_empty() => store::agencies::today(tx, agency, now).await?,
            _ => now.date_naive(),
        };
        let contactable = match user.agency_id {
            _ if !self.contactable_now => None,
            Some(agency) => {
                let (settings, currency) = store::agencies::contact_settings(tx, agency).await?;
                let hours = settings.guards_contacts(currency).then_some(REGULATION_F.hours());
                let some_zone_in_hours = match hours {
                    Some(hours) => store::accounts::some_zone_in_hours(tx, agency, now, hours).await?,
                    None => true,
                };
                Some(Contactable { now, hours, some_zone_in_hours })
            }
            None => Some(Contactable { now, hours: Some(REGULATION_F.hours()), some_zone_in_hours: true }),
        };
        Ok(Worklist {
            reach: user.reach(),
            statuses: self.statuses,
            priorities: self.priorities,
            balance_min: self.balance_min,
            balance_max: self.balance_max,
            delinquent_between: self.buckets.iter().map(|b| b.anchors(today)).collect(),
            collector_id: self.collector_id,
            unassigned_only: self.unassigned_only,
            follow_up_due_for: self.follow_up_due.then_some((user.id, now)),
            import_id: self.import_id,
            search: self.search,
            contactable,
        })
    }
}

/// A cursor of this sort and order, checked so the database never sees a bad value.
fn cursor(list_name: &str, raw: &str, sort: SortKey) -> Result<After, ApiError> {
    let key = pagination::decode(list_name, raw, 2)?;
    let bad = || ApiError::field("cursor", "is not a cursor of this list");
    let valid = match sort {
        SortKey::Created => key[0].parse::<chrono::DateTime<Utc>>().is_ok(),
        SortKey::Balance => key[0].parse::<Decimal>().is_ok(),
        SortKey::Priority => key[0].parse::<i16>().is_ok(),
        SortKey::DaysPastDue => key[0].parse::<NaiveDate>().is_ok(),
        SortKey::Contactable => {
            matches!(key[0].as_str(), "infinity" | "-infinity")
                || chrono::DateTime::parse_from_str(&key[0], "%Y-%m-%d %H:%M:%S%.f%#z").is_ok()
        }
    };
    if !valid {
        return Err(bad());
    }
    Ok(After { value: key[0].clone(), id: key[1].parse().map_err(|_| bad())? })
}
