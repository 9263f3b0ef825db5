//! The analytics and reports: each use case reads the figures of one agency (or of
//! one of its collectors, [`Scope`]) and lays them out as a report of
//! [`crate::reports`]. Reads only; the rules (periods, intervals, ratios, installment
//! outcomes) are the domain's `analytics`.
//!
//! Stock figures (accounts, balances) are the portfolio on a day: live when the day is
//! the agency's today or later, otherwise as the dpd_aging job recorded it that day
//! ([`store::analytics::portfolio_snapshot`]); flows (money, work, defaults) are summed
//! over the period.

use super::ServiceError;
use crate::{
    reports::{
        aging::{AgingReport, AgingRow, AgingSource},
        collectors::{CollectorFigures, CollectorTotals, CollectorsReport},
        compliance::{Compliance, ComplianceBy, ComplianceRow, Installments},
        dashboard::{BucketFigure, Dashboard, Figures, Portfolio, StatusFigure},
        reconciliation::{LedgerLine, MethodLine, Reconciliation, VarianceLine},
        trends::{Money, TrendBucket, Trends},
        CollectorRef,
    },
    store::{
        self,
        analytics::{MoneyBy, MoneyRow, PortfolioRow},
        compliance::Due,
    },
};
use chrono::NaiveDate;
use debtflow_domain::{
    analytics::{self, Interval, Period},
    payment::PaymentMethod,
    promise, AccountStatus, Bucket, Currency,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Whose figures, and the agency's calendar and currency.
#[derive(Debug, Clone)]
pub struct Scope {
    pub agency_id: Uuid,
    pub agency_name: String,
    pub currency: Currency,
    /// The agency's business date now.
    pub today: NaiveDate,
    /// One collector's figures only (a collector always sees only their own).
    pub collector: Option<CollectorRef>,
}

impl Scope {
    /// The scope of `agency_id` at `now`, for `collector_id` if given: a collector of
    /// the agency, or a 422 naming `collector_id`.
    pub async fn of(
        tx: &mut PgConnection,
        agency_id: Uuid,
        collector_id: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Scope, ServiceError> {
        let agency = store::agencies::get(tx, Some(agency_id), agency_id).await?.ok_or(ServiceError::NotFound)?;
        let currency = Currency::parse(&agency.currency).map_err(ServiceError::invariant)?;
        let today = store::agencies::today(tx, agency_id, now).await?;
        let collector = match collector_id {
            None => None,
            Some(id) => {
                let found = store::analytics::collectors(tx, agency_id, Some(id)).await?;
                let c = found
                    .into_iter()
                    .next()
                    .ok_or_else(|| ServiceError::invalid("collector_id", "is not a collector of the agency"))?;
                Some(CollectorRef { id: c.id, name: c.full_name })
            }
        };
        Ok(Scope { agency_id, agency_name: agency.name, currency, today, collector })
    }

    fn collector_id(&self) -> Option<Uuid> {
        self.collector.as_ref().map(|c| c.id)
    }

    /// The portfolio on `day` (live from today on), `None` when nothing was recorded.
    async fn portfolio(
        &self,
        tx: &mut PgConnection,
        day: NaiveDate,
    ) -> Result<Option<Vec<PortfolioRow>>, ServiceError> {
        if day >= self.today {
            Ok(Some(store::analytics::portfolio_live(tx, self.agency_id, self.collector_id(), self.today).await?))
        } else {
            Ok(store::analytics::portfolio_snapshot(tx, self.agency_id, self.collector_id(), day).await?)
        }
    }

    async fn money(&self, tx: &mut PgConnection, period: Period, by: MoneyBy) -> Result<Vec<MoneyRow>, ServiceError> {
        Ok(store::analytics::money(tx, self.agency_id, self.collector_id(), period.from(), period.to(), by).await?)
    }

    /// `date` if a report may look back at it: from [`analytics::EARLIEST`] to today; a
    /// 422 naming `field` otherwise.
    fn past_day(&self, field: &str, date: NaiveDate) -> Result<NaiveDate, ServiceError> {
        let date = analytics::day(date).map_err(|why| ServiceError::invalid(field, why))?;
        if date > self.today {
            return Err(ServiceError::invalid(field, format!("must not be after today ({})", self.today)));
        }
        Ok(date)
    }

    fn shown(&self, amount: Decimal) -> Decimal {
        self.currency.shown(amount)
    }
}

/// A bucket's name as the SQL `aging_bucket` writes it.
fn bucket(name: &str) -> Result<Bucket, ServiceError> {
    name.parse().map_err(|_| ServiceError::invariant(format!("unknown aging bucket {name}")))
}

/// The dashboard for `period`, beside the previous period of equal length.
pub async fn dashboard(tx: &mut PgConnection, scope: &Scope, period: Period) -> Result<Dashboard, ServiceError> {
    let previous = period.previous();
    let current_figures = figures(tx, scope, period).await?;
    let previous_figures = figures(tx, scope, previous).await?;
    let plans = store::analytics::active_plans(tx, scope.agency_id, scope.collector_id(), scope.today).await?;
    let (payments_waiting, plans_waiting) =
        store::analytics::awaiting_approval(tx, scope.agency_id, scope.collector_id()).await?;
    let accounts_in_legal = store::legal_cases::accounts_in_legal(tx, scope.agency_id, scope.collector_id()).await?;
    Ok(Dashboard {
        period,
        previous_period: previous,
        collector: scope.collector.clone(),
        current: current_figures,
        previous: previous_figures,
        plans_on_track: plans.on_track,
        plans_late: plans.late,
        payments_awaiting_approval: payments_waiting,
        plans_awaiting_approval: plans_waiting,
        accounts_in_legal,
    })
}

async fn figures(tx: &mut PgConnection, scope: &Scope, period: Period) -> Result<Figures, ServiceError> {
    let money = total(&scope.money(tx, period, MoneyBy::default()).await?, scope);
    let portfolio = scope.portfolio(tx, period.to()).await?.map(|rows| portfolio(&rows, scope)).transpose()?;
    let defaulted =
        store::analytics::plans_defaulted(tx, scope.agency_id, scope.collector_id(), period.from(), period.to())
            .await?;
    let (write_offs, written_off) =
        store::write_offs::written_off(tx, scope.agency_id, scope.collector_id(), period.from(), period.to()).await?;
    let recovery_rate =
        portfolio.as_ref().and_then(|p| analytics::recovery_rate(money.collected, p.balance_to_recover));
    Ok(Figures {
        collected: money.collected,
        received: money.received,
        refunded: money.refunded,
        payments: money.payments,
        plans_defaulted: defaulted,
        write_offs,
        written_off: scope.shown(written_off),
        portfolio,
        recovery_rate,
    })
}

/// Money rows summed.
fn total<'a>(rows: impl IntoIterator<Item = &'a MoneyRow>, scope: &Scope) -> Money {
    let mut m = Money::default();
    for r in rows {
        m.payments += r.payments;
        m.received += r.received;
        m.refunded += r.refunded;
    }
    Money {
        payments: m.payments,
        received: scope.shown(m.received),
        refunded: scope.shown(m.refunded),
        collected: scope.shown(m.received - m.refunded),
    }
}

fn portfolio(rows: &[PortfolioRow], scope: &Scope) -> Result<Portfolio, ServiceError> {
    let mut by_status: Vec<StatusFigure> =
        AccountStatus::ALL.iter().map(|&status| StatusFigure { status, accounts: 0, balance: Decimal::ZERO }).collect();
    let mut by_bucket: Vec<BucketFigure> =
        Bucket::ALL.iter().map(|&bucket| BucketFigure { bucket, accounts: 0, balance: Decimal::ZERO }).collect();
    for r in rows {
        if let Some(s) = by_status.iter_mut().find(|s| s.status == r.status) {
            s.accounts += r.accounts;
            s.balance += r.balance;
        }
        if r.status.is_open() {
            let b = bucket(&r.bucket)?;
            if let Some(f) = by_bucket.iter_mut().find(|f| f.bucket == b) {
                f.accounts += r.accounts;
                f.balance += r.balance;
            }
        }
    }
    let open = by_status.iter().filter(|s| s.status.is_open());
    let (active_accounts, balance) = open.fold((0, Decimal::ZERO), |(n, b), s| (n + s.accounts, b + s.balance));
    by_status.iter_mut().for_each(|s| s.balance = scope.shown(s.balance));
    by_bucket.iter_mut().for_each(|b| b.balance = scope.shown(b.balance));
    Ok(Portfolio { active_accounts, balance_to_recover: scope.shown(balance), by_status, by_bucket })
}

/// Each collector's figures for `period` (only the scope's collector when it has one).
pub async fn collectors(
    tx: &mut PgConnection,
    scope: &Scope,
    period: Period,
) -> Result<CollectorsReport, ServiceError> {
    let collectors = store::analytics::collectors(tx, scope.agency_id, scope.collector_id()).await?;
    let ids: Vec<Uuid> = collectors.iter().map(|c| c.id).collect();
    let worked: HashMap<Uuid, i64> =
        store::analytics::worked(tx, scope.agency_id, &ids, period.from(), period.to()).await?.into_iter().collect();
    let promises = store::analytics::promises_decided(tx, scope.agency_id, &ids, period.from(), period.to()).await?;
    let money = scope.money(tx, period, MoneyBy { collector: true, ..MoneyBy::default() }).await?;
    let portfolio = scope.portfolio(tx, period.to()).await?;

    let figures_of = |only: &dyn Fn(Option<Uuid>) -> bool, worked: i64| {
        let kept: i64 = promises.iter().filter(|p| only(Some(p.0))).map(|p| p.1).sum();
        let broken: i64 = promises.iter().filter(|p| only(Some(p.0))).map(|p| p.2).sum();
        let money_rows = money.iter().filter(|r| only(r.collector_id));
        let commission: Decimal = money.iter().filter(|r| only(r.collector_id)).map(|r| r.commission).sum();
        let cash = total(money_rows, scope);
        let mut f = CollectorTotals {
            worked,
            collected: cash.collected,
            commission: scope.shown(commission),
            promises_kept: kept,
            promises_broken: broken,
            promise_kept_rate: promise::kept_rate(kept.unsigned_abs(), broken.unsigned_abs()),
            ..CollectorTotals::default()
        };
        if let Some(rows) = &portfolio {
            let mine: Vec<&PortfolioRow> = rows.iter().filter(|r| only(r.collector_id)).collect();
            let assigned: i64 = mine.iter().map(|r| r.accounts).sum();
            let paid: i64 = mine.iter().map(|r| r.paid_accounts).sum();
            let days: i64 = mine.iter().map(|r| r.days_to_first_payment).sum();
            let open: Decimal = mine.iter().filter(|r| r.status.is_open()).map(|r| r.balance).sum();
            f.assigned = Some(assigned);
            f.on_plan = Some(mine.iter().filter(|r| r.status == AccountStatus::PaymentPlan).map(|r| r.accounts).sum());
            f.recovery_rate = analytics::recovery_rate(cash.collected, open);
            f.conversion = analytics::ratio(Decimal::from(paid), Decimal::from(assigned));
            f.average_days_to_first_payment = analytics::average(Decimal::from(days), paid);
        }
        f
    };

    let rows = collectors
        .iter()
        .map(|c| CollectorFigures {
            collector: CollectorRef { id: c.id, name: c.full_name.clone() },
            is_active: c.is_active,
            figures: figures_of(&|id| id == Some(c.id), worked.get(&c.id).copied().unwrap_or(0)),
        })
        .collect();
    let all_worked = worked.values().sum();
    let totals = figures_of(&|id| id.is_some_and(|id| ids.contains(&id)), all_worked);
    Ok(CollectorsReport { period, collector: scope.collector.clone(), collectors: rows, totals })
}

/// Money per `interval` over `period` (per method too with `by_method`), every bucket
/// present.
pub async fn trends(
    tx: &mut PgConnection,
    scope: &Scope,
    period: Period,
    interval: Interval,
    by_method: bool,
) -> Result<Trends, ServiceError> {
    let rows = scope.money(tx, period, MoneyBy { day: true, method: by_method, ..MoneyBy::default() }).await?;
    let methods: Vec<Option<PaymentMethod>> = if by_method {
        let mut methods: Vec<Option<PaymentMethod>> = PaymentMethod::ALL.iter().copied().map(Some).collect();
        // Cash that named no payment shows only where there is some.
        if rows.iter().any(|r| r.method.is_none()) {
            methods.push(None);
        }
        methods
    } else {
        vec![None]
    };
    let mut grouped: HashMap<(NaiveDate, Option<PaymentMethod>), Vec<&MoneyRow>> = HashMap::new();
    for r in &rows {
        let Some(day) = r.day else { continue };
        let method = if by_method { r.method } else { None };
        grouped.entry((interval.start(day), method)).or_default().push(r);
    }
    let mut buckets = Vec::new();
    for start in interval.buckets(period) {
        for &method in &methods {
            let money = total(grouped.get(&(start, method)).into_iter().flatten().copied(), scope);
            buckets.push(TrendBucket { start, method, money });
        }
    }
    Ok(Trends { period, interval, collector: scope.collector.clone(), by_method, buckets, totals: total(&rows, scope) })
}

/// Active accounts of one collector (or none) in one bucket.
struct Aged {
    collector_id: Option<Uuid>,
    bucket: Bucket,
    accounts: i64,
    balance: Decimal,
}

/// Active accounts per aging bucket on `as_of` (per collector too with
/// `by_collector`): live today, from the daily record for a past day, which must
/// exist (a 422 naming `as_of` otherwise).
pub async fn aging(
    tx: &mut PgConnection,
    scope: &Scope,
    as_of: NaiveDate,
    by_collector: bool,
) -> Result<AgingReport, ServiceError> {
    let as_of = scope.past_day("as_of", as_of)?;
    let source = if as_of == scope.today { AgingSource::Live } else { AgingSource::Snapshot };
    let rows = scope.portfolio(tx, as_of).await?.ok_or_else(|| {
        ServiceError::invalid("as_of", format!("the daily aging job recorded no portfolio on {as_of}"))
    })?;
    let names = collector_names(tx, scope).await?;
    let aged = rows
        .iter()
        .filter(|r| r.status.is_open())
        .map(|r| {
            Ok(Aged {
                collector_id: r.collector_id,
                bucket: bucket(&r.bucket)?,
                accounts: r.accounts,
                balance: r.balance,
            })
        })
        .collect::<Result<Vec<Aged>, ServiceError>>()?;
    let mut groups: Vec<Option<Uuid>> =
        if by_collector { aged.iter().map(|a| a.collector_id).collect() } else { vec![None] };
    groups.sort_by_key(|id| (id.is_none(), id.and_then(|id| names.get(&id).cloned()), *id));
    groups.dedup();
    let row = |group: Option<Uuid>, bucket: Bucket, only: &dyn Fn(&Aged) -> bool| {
        let (accounts, balance) = aged
            .iter()
            .filter(|a| a.bucket == bucket && only(a))
            .fold((0, Decimal::ZERO), |(n, b), a| (n + a.accounts, b + a.balance));
        let collector =
            group.map(|id| CollectorRef { id, name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()) });
        AgingRow { collector, bucket, accounts, balance: scope.shown(balance) }
    };
    let out = groups
        .iter()
        .flat_map(|&group| Bucket::ALL.map(|b| row(group, b, &|a| !by_collector || a.collector_id == group)))
        .collect();
    let totals = Bucket::ALL.iter().map(|&b| row(None, b, &|_| true)).collect();
    Ok(AgingReport { as_of, source, collector: scope.collector.clone(), by_collector, rows: out, totals })
}

/// Repayment compliance over `period`: every collector's rows, or a page of plans
/// (`limit` after the plan `after`); the totals are always the whole period's.
pub async fn compliance(
    tx: &mut PgConnection,
    scope: &Scope,
    period: Period,
    by: ComplianceBy,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Compliance, ServiceError> {
    let due = due(scope, period);
    let mut per_collector = store::compliance::by_collector(tx, due).await?;
    let sum = |f: fn(&store::compliance::ComplianceRow) -> i64| per_collector.iter().map(f).sum::<i64>();
    let totals = Installments {
        due: sum(|r| r.due),
        on_time: sum(|r| r.on_time),
        late: sum(|r| r.late),
        missed: sum(|r| r.missed),
        open: sum(|r| r.open),
        amount_due: scope.shown(per_collector.iter().map(|r| r.amount_due).sum()),
        amount_paid: scope.shown(per_collector.iter().map(|r| r.amount_paid).sum()),
        on_time_rate: analytics::ratio(
            Decimal::from(sum(|r| r.on_time)),
            Decimal::from(sum(|r| r.due) - sum(|r| r.open)),
        ),
    };
    let names = collector_names(tx, scope).await?;
    let (rows, next_cursor) = match by {
        ComplianceBy::Collector => {
            per_collector
                .sort_by_key(|r| (r.collector_id.is_none(), r.collector_id.and_then(|id| names.get(&id).cloned())));
            (per_collector.iter().map(|r| compliance_row(r, &names, scope)).collect(), None)
        }
        ComplianceBy::Plan => {
            let mut page = compliance_plans(tx, scope, period, after, limit + 1).await?;
            let more = page.len() as i64 > limit;
            page.truncate(usize::try_from(limit).unwrap_or(0));
            let next = page.last().and_then(|r| r.plan_id).filter(|_| more);
            (page, next.map(|id| crate::pagination::encode("repayment-compliance", &[id.to_string()])))
        }
    };
    Ok(Compliance { period, collector: scope.collector.clone(), by, rows, totals, next_cursor })
}

/// `limit` plans' compliance after the plan `after`, by plan id.
pub async fn compliance_plans(
    tx: &mut PgConnection,
    scope: &Scope,
    period: Period,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<ComplianceRow>, ServiceError> {
    let rows = store::compliance::by_plan(tx, due(scope, period), after, limit).await?;
    let names = collector_names(tx, scope).await?;
    Ok(rows.iter().map(|r| compliance_row(r, &names, scope)).collect())
}

fn due(scope: &Scope, period: Period) -> Due {
    Due {
        agency_id: scope.agency_id,
        collector_id: scope.collector_id(),
        from: period.from(),
        to: period.to(),
        today: scope.today,
    }
}

async fn collector_names(tx: &mut PgConnection, scope: &Scope) -> Result<HashMap<Uuid, String>, ServiceError> {
    let collectors = store::analytics::collectors(tx, scope.agency_id, None).await?;
    Ok(collectors.into_iter().map(|c| (c.id, c.full_name)).collect())
}

fn compliance_row(r: &store::compliance::ComplianceRow, names: &HashMap<Uuid, String>, scope: &Scope) -> ComplianceRow {
    ComplianceRow {
        collector: r
            .collector_id
            .map(|id| CollectorRef { id, name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()) }),
        plan_id: r.plan_id,
        account_id: r.account_id,
        account_ref: r.external_ref.clone(),
        installments: installments(r, scope),
    }
}

fn installments(r: &store::compliance::ComplianceRow, scope: &Scope) -> Installments {
    Installments {
        due: r.due,
        on_time: r.on_time,
        late: r.late,
        missed: r.missed,
        open: r.open,
        amount_due: scope.shown(r.amount_due),
        amount_paid: scope.shown(r.amount_paid),
        on_time_rate: analytics::ratio(Decimal::from(r.on_time), Decimal::from(r.due - r.open)),
    }
}

/// The reconciliation of business day `day` (not after today).
pub async fn reconciliation(
    tx: &mut PgConnection,
    scope: &Scope,
    day: NaiveDate,
) -> Result<Reconciliation, ServiceError> {
    let day = scope.past_day("date", day)?;
    let methods = store::reconciliation::methods(tx, scope.agency_id, day).await?;
    let ledger = store::reconciliation::ledger(tx, scope.agency_id, day).await?;
    let variances = store::reconciliation::variances(tx, scope.agency_id, day).await?;
    let cash_in = scope.shown(methods.iter().map(|m| m.received).sum());
    let cash_out = scope.shown(methods.iter().map(|m| m.refunded).sum());
    Ok(Reconciliation {
        date: day,
        reconciled: variances.is_empty(),
        methods: methods
            .into_iter()
            .map(|m| MethodLine {
                method: m.method,
                payments: m.payments,
                received: scope.shown(m.received),
                refunded: scope.shown(m.refunded),
            })
            .collect(),
        ledger: ledger
            .into_iter()
            .map(|l| LedgerLine {
                ledger_account: l.ledger_account,
                debit: scope.shown(l.debit),
                credit: scope.shown(l.credit),
            })
            .collect(),
        variances: variances
            .into_iter()
            .map(|v| VarianceLine {
                check: v.check_name,
                payment_id: v.payment_id,
                entry_id: v.entry_id,
                reference: v.reference,
                method: v.method,
                expected: scope.shown(v.expected),
                actual: scope.shown(v.actual),
                detail: v.detail,
            })
            .collect(),
        cash_in,
        cash_out,
    })
}
