//! The account's payment plan: the current plan and its schedule (submitted from
//! here while a draft), and the form that proposes one — or edits the draft, so a second
//! proposal never hides beside the first. The live preview applies the domain's rules.
//! The form is [`form`].

mod form;

use crate::{
    api::{self, Account, Plan},
    components::{confirm, Empty, FormError},
    format::{self, money},
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    permission::Operation,
    plan::{generate, manual, Frequency, Installment, PlanStatus},
    Currency, Money,
};
use form::PlanForm;
use leptos::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The live preview of a generated plan, with the same rules the API applies.
pub fn preview(
    total: &str,
    currency: &str,
    count: &str,
    frequency: &str,
    first_due: &str,
) -> Result<Vec<Installment>, (&'static str, String)> {
    let currency = Currency::parse(currency).map_err(|e| ("total", e.to_string()))?;
    let amount =
        Decimal::from_str(total.trim()).map_err(|_| ("total", "must be an amount, e.g. 1200.00".to_string()))?;
    let total = Money::new(amount, currency).map_err(|e| ("total", e.to_string()))?;
    let count: usize = count.trim().parse().map_err(|_| ("installments", "must be a whole number".to_string()))?;
    let frequency = Frequency::from_str(frequency).map_err(|e| ("frequency", e))?;
    let first = crate::format::date(first_due).ok_or(("first_due_date", "must be a date".into()))?;
    generate(total, count, frequency, first).map_err(|e| (e.field(), e.to_string()))
}

/// The live check of a schedule entered by hand (`(due_date, amount)` rows), with the
/// same rules the API applies.
pub fn manual_preview(
    total: &str,
    currency: &str,
    rows: &[(String, String)],
) -> Result<Vec<Installment>, (&'static str, String)> {
    let currency = Currency::parse(currency).map_err(|e| ("total", e.to_string()))?;
    let amount =
        Decimal::from_str(total.trim()).map_err(|_| ("total", "must be an amount, e.g. 1200.00".to_string()))?;
    let total = Money::new(amount, currency).map_err(|e| ("total", e.to_string()))?;
    let mut schedule = Vec::with_capacity(rows.len());
    for (n, (due, amount)) in rows.iter().enumerate() {
        let row = n + 1;
        let due_date =
            crate::format::date(due).ok_or_else(|| ("schedule", format!("row {row}: the due date must be a date")))?;
        let value = Decimal::from_str(amount.trim())
            .map_err(|_| ("schedule", format!("row {row}: the amount must be an amount, e.g. 100.00")))?;
        let amount = Money::new(value, currency).map_err(|e| ("schedule", format!("row {row}: {e}")))?;
        schedule.push(Installment { due_date, amount });
    }
    manual(total, schedule).map_err(|e| (e.field(), e.to_string()))
}

/// How a plan's frequency is offered.
pub(super) fn frequency_label(f: Frequency) -> &'static str {
    match f {
        Frequency::Weekly => "Weekly",
        Frequency::Biweekly => "Every two weeks",
        Frequency::Monthly => "Monthly",
    }
}

/// The plan tab: the current plan (active, else waiting for approval, else the newest
/// draft), then what may be done next — change the draft, or propose a plan when there
/// is none; nothing while one waits for a manager or is running.
#[component]
pub(super) fn PlanTab(account: Account, plan: Option<Plan>, reload: Callback<()>) -> impl IntoView {
    let proposer = use_session().can(Operation::ProposePlan);
    let status = plan.as_ref().map(|p| p.status);
    let form = match status {
        Some(PlanStatus::Draft) => proposer.then(|| view! { <PlanForm account=account draft=plan.clone() reload=reload /> }.into_any()),
        Some(PlanStatus::PendingApproval) => Some(
            view! { <p class="muted" data-testid="plan-next">"A manager decides on this plan; a new one can be proposed if it is rejected."</p> }.into_any(),
        ),
        Some(PlanStatus::Active) => None,
        _ => (proposer && account.status.takes_payments())
            .then(|| view! { <PlanForm account=account draft=None reload=reload /> }.into_any()),
    };
    view! {
        <section class="card" aria-labelledby="plan-h" data-testid="plan">
            <h2 id="plan-h">"Payment plan"</h2>
            {match plan {
                Some(p) => view! { <PlanView plan=p proposer=proposer reload=reload /> }.into_any(),
                None => view! { <Empty text="No payment plan." /> }.into_any(),
            }}
        </section>
        {form}
    }
}

#[component]
fn PlanView(plan: Plan, proposer: bool, reload: Callback<()>) -> impl IntoView {
    // One submission for both buttons: one of them at a time (only sending uses the key).
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let plan_id = plan.id;
    let submit = move |_| {
        let id = plan_id;
        submission.run(move |key| async move { api::submit_plan(id, &key).await }, move |_| reload.run(()));
    };
    let draft_id = plan.id;
    let discard = move |_| {
        if pending.get_untracked() || !confirm("Delete this draft plan? It was never sent for approval.") {
            return;
        }
        let id = draft_id;
        submission.run(move |_| async move { api::delete_plan(id).await }, move |()| reload.run(()));
    };
    let cur = plan.currency.clone();
    let rows = plan
        .installments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td data-label="#">{i.number}</td>
                    <td data-label="Due">{i.due_date.to_string()}</td>
                    <td class="num" data-label="Amount">{money(&i.amount, &cur)}</td>
                    <td class="num" data-label="Paid">{money(&i.paid, &cur)}</td>
                    <td data-label="Status">{format::label(i.status.as_str())}</td>
                </tr>
            }
        })
        .collect_view();
    let is_draft = plan.status == PlanStatus::Draft;
    view! {
        <p>
            <span class=format!("badge plan-{}", plan.status) data-testid="plan-status">
                {format::label(plan.status.as_str())}
            </span>
            {format!(
                " Total {} · paid {} · remaining {}{}{}",
                money(&plan.total, &plan.currency),
                money(&plan.paid, &plan.currency),
                money(&plan.remaining, &plan.currency),
                plan.frequency.map(|f| format!(" · {f}")).unwrap_or_default(),
                if plan.settlement { " · settlement" } else { "" },
            )}
        </p>
        <div class="table-wrap">
            <table class="cards" data-testid="schedule">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"Due"</th>
                        <th>"Amount"</th>
                        <th>"Paid"</th>
                        <th>"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(proposer && is_draft)
            .then(|| {
                view! {
                    <div class="actions">
                        <button class="primary" on:click=submit disabled=move || pending.get() data-testid="submit-plan">
                            "Submit for approval"
                        </button>
                        <button on:click=discard disabled=move || pending.get() data-testid="delete-draft">
                            "Delete the draft"
                        </button>
                    </div>
                }
            })}
        <FormError problem=problem />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_generates_the_domain_schedule() {
        let s = preview("1000.00", "USD", "3", "monthly", "2026-01-31").unwrap();
        let dates: Vec<String> = s.iter().map(|i| i.due_date.to_string()).collect();
        assert_eq!(dates, ["2026-01-31", "2026-02-28", "2026-03-31"]);
        let amounts: Vec<String> = s.iter().map(|i| i.amount.amount().to_string()).collect();
        assert_eq!(amounts, ["333.33", "333.33", "333.34"]);
    }

    #[test]
    fn preview_names_the_field_at_fault() {
        assert_eq!(preview("abc", "USD", "3", "weekly", "2026-01-01").unwrap_err().0, "total");
        assert_eq!(preview("100", "USD", "0", "weekly", "2026-01-01").unwrap_err().0, "installments");
        assert_eq!(preview("100", "USD", "x", "weekly", "2026-01-01").unwrap_err().0, "installments");
        assert_eq!(preview("100", "USD", "2", "weekly", "").unwrap_err().0, "first_due_date");
        assert_eq!(preview("100.001", "USD", "2", "weekly", "2026-01-01").unwrap_err().0, "total");
    }

    #[test]
    fn manual_preview_checks_the_sum_and_the_rows() {
        let rows = |r: &[(&str, &str)]| r.iter().map(|(d, a)| (d.to_string(), a.to_string())).collect::<Vec<_>>();
        let ok = manual_preview("300.00", "USD", &rows(&[("2026-01-10", "100.00"), ("2026-02-10", "200")])).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].amount.amount().to_string(), "200.00");
        let short = manual_preview("300.00", "USD", &rows(&[("2026-01-10", "100.00")])).unwrap_err();
        assert_eq!(short.0, "total");
        assert!(short.1.contains("sum"), "{}", short.1);
        assert_eq!(
            manual_preview("300", "USD", &rows(&[("2026-02-10", "100"), ("2026-01-10", "200")])).unwrap_err().0,
            "schedule"
        );
        assert_eq!(manual_preview("300", "USD", &rows(&[("", "300")])).unwrap_err().0, "schedule");
        assert_eq!(manual_preview("300", "USD", &rows(&[("2026-01-10", "x")])).unwrap_err().0, "schedule");
        assert_eq!(manual_preview("300", "USD", &rows(&[])).unwrap_err().0, "installments");
    }
}
