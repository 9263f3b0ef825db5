//! The account's payment plan: the current plan and its schedule (submitted from
//! here while a draft), and the form that proposes one — or edits the draft, so a second
//! proposal never hides beside the first. The live preview applies the domain's rules.

use super::{Done, DoneNote};
use crate::{
    api::{self, Account, Plan, Problem},
    components::{confirm, Empty, FieldError, FormError},
    format::{self, money},
    session::use_session,
    submit::Submission,
};
use chrono::Days;
use debtflow_domain::{
    permission::Operation,
    plan::{generate, manual, Frequency, Installment, PlanStatus},
    Currency, Money,
};
use leptos::{ev::SubmitEvent, prelude::*};
use rust_decimal::Decimal;
use serde_json::json;
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
fn frequency_label(f: Frequency) -> &'static str {
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
    let plan_id = plan.id.clone();
    let submit = move |_| {
        let id = plan_id.clone();
        submission.run(move |key| async move { api::submit_plan(&id, &key).await }, move |_| reload.run(()));
    };
    let draft_id = plan.id.clone();
    let discard = move |_| {
        if pending.get_untracked() || !confirm("Delete this draft plan? It was never sent for approval.") {
            return;
        }
        let id = draft_id.clone();
        submission.run(move |_| async move { api::delete_plan(&id).await }, move |()| reload.run(()));
    };
    let cur = plan.currency.clone();
    let rows = plan
        .installments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td data-label="#">{i.number}</td>
                    <td data-label="Due">{i.due_date.clone()}</td>
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

/// What the plan form starts from: a new plan's defaults, or a draft's terms.
struct PlanStart {
    total: String,
    count: String,
    frequency: Frequency,
    first_due: String,
    /// A schedule entered by hand: `(due date, amount)` rows.
    rows: Option<Vec<(String, String)>>,
}

impl PlanStart {
    /// A draft's terms: generated ones as count, frequency and first date; any other
    /// schedule row by row.
    fn of(draft: &Plan) -> PlanStart {
        let first_due = draft.installments.first().map(|i| i.due_date.clone()).unwrap_or_default();
        let rows = draft.installments.iter().map(|i| (i.due_date.clone(), i.amount.clone())).collect();
        PlanStart {
            total: draft.total.clone(),
            count: draft.installments.len().to_string(),
            frequency: draft.frequency.unwrap_or(Frequency::Monthly),
            first_due,
            rows: draft.frequency.is_none().then_some(rows),
        }
    }
}

/// One row of a schedule entered by hand.
#[derive(Clone, Copy)]
struct ManualRow {
    key: u32,
    due: RwSignal<String>,
    amount: RwSignal<String>,
}

/// Proposes a plan, or with `draft` changes that draft's terms (filled in as they are).
#[component]
fn PlanForm(account: Account, draft: Option<Plan>, reload: Callback<()>) -> impl IntoView {
    let start = draft.as_ref().map(PlanStart::of).unwrap_or_else(|| PlanStart {
        total: account.current_balance.clone(),
        count: "6".into(),
        frequency: Frequency::Monthly,
        first_due: use_session().today().checked_add_days(Days::new(7)).unwrap_or_default().to_string(),
        rows: None,
    });
    let total = RwSignal::new(start.total);
    let count = RwSignal::new(start.count);
    let frequency = RwSignal::new(start.frequency.as_str().to_string());
    let first_due = RwSignal::new(start.first_due);
    // "generated" (count, frequency, first due date) or "manual" (rows by hand).
    let by_hand = RwSignal::new(start.rows.is_some());
    let draft_id = draft.map(|d| d.id);
    let editing = draft_id.is_some();
    let done = Done::of("plan-form");
    let next_key = StoredValue::new(1u32);
    let new_row = move |due: String, amount: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        ManualRow { key, due: RwSignal::new(due), amount: RwSignal::new(amount) }
    };
    let rows = RwSignal::new(match start.rows {
        Some(rows) => rows.into_iter().map(|(due, amount)| new_row(due, amount)).collect(),
        None => vec![new_row(first_due.get_untracked(), account.current_balance.clone())],
    });
    let add_row = move |_| {
        let last = rows.with_untracked(|r| r.last().map(|r| r.due.get_untracked()));
        let due = last
            .and_then(|d| crate::format::date(&d))
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        rows.update(|r| r.push(new_row(due, String::new())));
    };
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let currency = account.currency.clone();
    let cur2 = currency.clone();
    let manual_rows =
        move || rows.with(|r| r.iter().map(|r| (r.due.get(), r.amount.get())).collect::<Vec<(String, String)>>());
    let schedule = Memo::new(move |_| {
        if by_hand.get() {
            manual_preview(&total.get(), &cur2, &manual_rows())
        } else {
            preview(&total.get(), &cur2, &count.get(), &frequency.get(), &first_due.get())
        }
    });
    let account_id = account.id.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if let Err((field, msg)) = schedule.get_untracked() {
            return submission.refuse(Problem {
                status: 422,
                title: "Check the plan".into(),
                detail: format!("{field}: {msg}"),
                errors: Some([(field.to_string(), vec![msg])].into_iter().collect()),
                ..Default::default()
            });
        }
        let body = if by_hand.get_untracked() {
            let schedule: Vec<_> = rows.with_untracked(|r| {
                r.iter()
                    .map(|r| json!({ "due_date": r.due.get_untracked().trim(), "amount": r.amount.get_untracked().trim() }))
                    .collect()
            });
            json!({ "total": total.get_untracked().trim(), "schedule": schedule })
        } else {
            json!({
                "total": total.get_untracked().trim(),
                "installments": count.get_untracked().trim().parse::<u32>().unwrap_or(0),
                "frequency": frequency.get_untracked(),
                "first_due_date": first_due.get_untracked(),
            })
        };
        let (id, draft_id) = (account_id.clone(), draft_id.clone());
        done.set(None);
        submission.run(
            move |key| async move {
                match draft_id {
                    Some(draft) => api::edit_plan(&draft, &body).await,
                    None => api::propose_plan(&id, &body, &key).await,
                }
            },
            move |_| {
                done.set(Some(if editing { "The draft is saved." } else { "Plan proposed as a draft." }.into()));
                reload.run(());
            },
        );
    };
    view! {
        <form class="card" on:submit=submit data-testid="plan-form">
            <h2>{if editing { "Change the draft plan" } else { "Propose a payment plan" }}</h2>
            <label for="plan-total">{format!("Total ({currency})")}</label>
            <input id="plan-total" name="total" inputmode="decimal" required bind:value=total />
            <FieldError problem=problem field="total" />
            <fieldset class="mode" data-testid="plan-mode">
                <legend>"Schedule"</legend>
                <label>
                    <input
                        type="radio"
                        name="plan-mode"
                        value="generated"
                        prop:checked=move || !by_hand.get()
                        on:change=move |_| by_hand.set(false)
                    />
                    " Generated"
                </label>
                <label>
                    <input
                        type="radio"
                        name="plan-mode"
                        value="manual"
                        data-testid="plan-by-hand"
                        prop:checked=move || by_hand.get()
                        on:change=move |_| by_hand.set(true)
                    />
                    " By hand"
                </label>
            </fieldset>
            <Show
                when=move || by_hand.get()
                fallback=move || {
                    view! {
                        <label for="plan-count">"Installments"</label>
                        <input
                            id="plan-count"
                            name="installments"
                            type="number"
                            min="1"
                            max="120"
                            required
                            bind:value=count
                        />
                        <FieldError problem=problem field="installments" />
                        <label for="plan-frequency">"Frequency"</label>
                        <select id="plan-frequency" name="frequency" bind:value=frequency>
                            {Frequency::ALL
                                .iter()
                                .map(|f| view! { <option value=f.as_str()>{frequency_label(*f)}</option> })
                                .collect_view()}
                        </select>
                        <label for="plan-first">"First due date"</label>
                        <input id="plan-first" name="first_due_date" type="date" required bind:value=first_due />
                        <FieldError problem=problem field="first_due_date" />
                    }
                }
            >
                <table class="manual" data-testid="manual-schedule">
                    <colgroup>
                        <col class="n" />
                        <col />
                        <col />
                        <col class="x" />
                    </colgroup>
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>"Due date"</th>
                            <th>"Amount"</th>
                            <th>
                                <span class="sr-only">"Remove"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            <tr data-testid="manual-row">
                                <td>{move || rows.with(|r| r.iter().position(|x| x.key == row.key).unwrap_or(0) + 1)}</td>
                                <td>
                                    <input type="date" aria-label="Due date" required bind:value=row.due />
                                </td>
                                <td>
                                    <input inputmode="decimal" aria-label="Amount" size="10" required bind:value=row.amount />
                                </td>
                                <td>
                                    <button
                                        type="button"
                                        class="link"
                                        data-testid="remove-row"
                                        aria-label="Remove this installment"
                                        disabled=move || rows.with(|r| r.len() <= 1)
                                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))
                                    >
                                        "×"
                                    </button>
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <button type="button" on:click=add_row data-testid="add-row">
                    "Add installment"
                </button>
                <FieldError problem=problem field="schedule" />
            </Show>
            <FormError problem=problem />
            <div class="preview" aria-live="polite" data-testid="plan-preview">
                {move || {
                    let currency = currency.clone();
                    match schedule.get() {
                        Ok(items) => {
                            let n = items.len();
                            let shown = items
                                .iter()
                                .take(12)
                                .map(|i| {
                                    view! {
                                        <li>
                                            {format!("{} — {}", i.due_date, money(&i.amount.amount().to_string(), &currency))}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! {
                                <p>{format!("{n} installment(s):")}</p>
                                <ol>{shown}</ol>
                                {(n > 12).then(|| view! { <p class="muted">{format!("… and {} more", n - 12)}</p> })}
                                {by_hand
                                    .get()
                                    .then(|| {
                                        view! {
                                            <p class="ok" data-testid="schedule-sums">
                                                "The installments sum to the total."
                                            </p>
                                        }
                                    })}
                            }
                                .into_any()
                        }
                        Err((field, msg)) => {
                            let entered = by_hand
                                .get()
                                .then(|| {
                                    manual_rows()
                                        .into_iter()
                                        .map(|(d, a)| {
                                            let d = if d.is_empty() { "(no date)".to_string() } else { d };
                                            view! { <li>{format!("{d} — {}", money(&a, &currency))}</li> }
                                        })
                                        .collect_view()
                                });
                            view! {
                                {entered.map(|rows| view! { <ol>{rows}</ol> })}
                                <p class="field-error" data-testid="preview-error">
                                    {format!("{}: {msg}", format::label(field))}
                                </p>
                            }
                                .into_any()
                        }
                    }
                }}
            </div>
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="plan-propose">
                {if editing { "Save the draft" } else { "Propose plan" }}
            </button>
            <DoneNote done=done testid="plan-done" />
        </form>
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
