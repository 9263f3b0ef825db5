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
use debtflow_domain::{
    plan::{self, Terms},
    Currency, Money,
};
pub use debtflow_wire::plans::{Plan, PlanInstallment};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The plan of `row` with its schedule, each installment's status as of the agency's today.
fn plan(row: PlanRow, installments: Vec<InstallmentRow>) -> Result<Plan, ApiError> {
    let currency = Currency::parse(&row.currency).map_err(ApiError::internal)?;
    let money = |d: Decimal| Money::new(d, currency).map_err(ApiError::internal);
    let terms = terms_of(&row);
    let mut items = Vec::with_capacity(installments.len());
    let (mut paid, mut remaining) = (Decimal::ZERO, Decimal::ZERO);
    for i in installments {
        let status = plan::installment_status(money(i.amount)?, money(i.paid_amount)?, i.due_date, row.today, terms);
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
            plan(r, schedule)
        })
        .collect()
}

/// One plan with its schedule.
pub async fn view(tx: &mut PgConnection, row: PlanRow) -> Result<Plan, ApiError> {
    views(tx, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}
