//! The plan form: a generated schedule or one entered by hand, previewed live with the
//! domain's rules; it proposes a plan, or saves the draft it was opened on.

use super::{
    super::{Done, DoneNote},
    frequency_label, manual_preview, preview,
};
use crate::{
    api::{self, Account, Plan, Problem},
    components::{FieldError, FormError},
    format::{self, money},
    session::use_session,
    submit::Submission,
};
use chrono::Days;
use debtflow_domain::plan::Frequency;
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::json;

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
        let first_due = draft.installments.first().map(|i| i.due_date.to_string()).unwrap_or_default();
        let rows = draft.installments.iter().map(|i| (i.due_date.to_string(), i.amount.to_string())).collect();
        PlanStart {
            total: draft.total.to_string(),
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
pub(super) fn PlanForm(account: Account, draft: Option<Plan>, reload: Callback<()>) -> impl IntoView {
    let start = draft.as_ref().map(PlanStart::of).unwrap_or_else(|| PlanStart {
        total: account.current_balance.to_string(),
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
        None => vec![new_row(first_due.get_untracked(), account.current_balance.to_string())],
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
    let account_id = account.id;
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
        let (id, draft_id) = (account_id, draft_id);
        done.set(None);
        submission.run(
            move |key| async move {
                match draft_id {
                    Some(draft) => api::edit_plan(draft, &body).await,
                    None => api::propose_plan(id, &body, &key).await,
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
                                            {format!("{} — {}", i.due_date, money(&i.amount.amount(), &currency))}
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
                                            // As typed: the amount may be what is wrong.
                                            let a = a.parse().map(|a| money(&a, &currency)).unwrap_or(a);
                                            view! { <li>{format!("{d} — {a}")}</li> }
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
