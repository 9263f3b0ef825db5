//! Payment plans: `/accounts/{id}/plans` to propose and list, `/plans` for the rest of
//! their life — edit or delete a draft, submit, approve, reject, cancel. Every POST
//! carries an Idempotency-Key. Each use case is a function of
//! [`crate::services::plans`]; the rules are `debtflow_domain::plan`'s.

pub mod create;
pub mod get;
pub mod lifecycle;
pub mod list;

use crate::{
    problem::ApiError,
    routes::amount,
    store::{
        self,
        plans::{InstallmentRow, PlanRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::{
    plan::{self, Frequency, InstallmentStatus, PlanStatus, Terms},
    Currency, Money,
};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A plan with its schedule, as of today in the agency's time zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub id: Uuid,
    pub account_id: Uuid,
    pub status: PlanStatus,
    #[schema(value_type = String, example = "900.00")]
    pub total: Decimal,
    pub currency: String,
    /// `null` for a schedule entered by hand.
    pub frequency: Option<Frequency>,
    pub grace_days: u32,
    pub default_threshold_days: u32,
    /// Approved below the balance: the rest is written off when the plan completes.
    pub settlement: bool,
    #[schema(value_type = String, example = "300.00")]
    pub paid: Decimal,
    #[schema(value_type = String, example = "600.00")]
    pub remaining: Decimal,
    pub note: Option<String>,
    pub created_by: Uuid,
    /// Who proposed it, by name: what a manager deciding on it reads.
    pub created_by_name: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub installments: Vec<PlanInstallment>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanInstallment {
    /// 1-based position in the schedule.
    pub number: u32,
    pub due_date: NaiveDate,
    #[schema(value_type = String, example = "300.00")]
    pub amount: Decimal,
    #[schema(value_type = String, example = "300.00")]
    pub paid: Decimal,
    #[schema(value_type = String, example = "0.00")]
    pub remaining: Decimal,
    pub status: InstallmentStatus,
}

impl Plan {
    fn of(row: PlanRow, installments: Vec<InstallmentRow>) -> Result<Self, ApiError> {
        let currency = Currency::parse(&row.currency).map_err(ApiError::internal)?;
        let money = |d: Decimal| Money::new(d, currency).map_err(ApiError::internal);
        let terms = terms_of(&row);
        let mut items = Vec::with_capacity(installments.len());
        let (mut paid, mut remaining) = (Decimal::ZERO, Decimal::ZERO);
        for i in installments {
            let status =
                plan::installment_status(money(i.amount)?, money(i.paid_amount)?, i.due_date, row.today, terms);
            paid += i.paid_amount;
            remaining += i.amount - i.paid_amount;
            items.push(PlanInstallment {
                number: i.seq as u32 + 1,
                due_date: i.due_date,
                amount: amount(i.amount, &row.currency),
                paid: amount(i.paid_amount, &row.currency),
                remaining: amount(i.amount - i.paid_amount, &row.currency),
                status,
            });
        }
        Ok(Plan {
            id: row.id,
            account_id: row.account_id,
            status: row.status,
            total: amount(row.total, &row.currency),
            frequency: row.frequency,
            grace_days: terms.grace_days,
            default_threshold_days: terms.default_threshold_days,
            settlement: row.settlement,
            paid: amount(paid, &row.currency),
            remaining: amount(remaining, &row.currency),
            note: row.note,
            created_by: row.created_by,
            created_by_name: row.created_by_name,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            ended_at: row.ended_at,
            end_reason: row.end_reason,
            created_at: row.created_at,
            currency: row.currency,
            installments: items,
        })
    }
}

pub fn terms_of(row: &PlanRow) -> Terms {
    Terms {
        grace_days: u32::try_from(row.grace_days).unwrap_or(0),
        default_threshold_days: u32::try_from(row.default_threshold_days).unwrap_or(1),
    }
}

/// The plans of `rows` with their schedules, in the same order.
pub async fn views(tx: &mut PgConnection, rows: Vec<PlanRow>) -> Result<Vec<Plan>, ApiError> {
    let Some(agency_id) = rows.first().map(|r| r.agency_id) else { return Ok(Vec::new()) };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut schedules: HashMap<Uuid, Vec<InstallmentRow>> = HashMap::new();
    for row in store::plans::installments(tx, agency_id, &ids).await? {
        schedules.entry(row.plan_id).or_default().push(row);
    }
    rows.into_iter()
        .map(|r| {
            let schedule = schedules.remove(&r.id).unwrap_or_default();
            Plan::of(r, schedule)
        })
        .collect()
}

/// One plan with its schedule.
pub async fn view(tx: &mut PgConnection, row: PlanRow) -> Result<Plan, ApiError> {
    views(tx, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}
