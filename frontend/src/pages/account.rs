//! One account: summary, debtor, plan and schedule, timeline, ledger, and the actions
//! the user's role allows (note, status change, payment, plan proposal and submission).

use crate::{
    api::{self, Account, AccountDetail, Fee, Payment, Plan, Problem},
    components::{
        confirm, invalid, Empty, ErrorBox, FieldError, FormError, Loading, NotFound, PageHeading, StatusBadge,
    },
    format::{self, money},
    session::use_session,
};
use chrono::{Days, NaiveDate};
use debtflow_domain::{
    fee::{FeeKind, FeeStatus},
    payment::{self, PaymentMethod, PaymentStatus},
    permission::Operation,
    plan::{generate, manual, Frequency, Installment, PlanStatus},
    AccountStatus, Currency, Money,
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};
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
    let first =
        NaiveDate::parse_from_str(first_due, "%Y-%m-%d").map_err(|_| ("first_due_date", "must be a date".into()))?;
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
        let due_date = NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d")
            .map_err(|_| ("schedule", format!("row {row}: the due date must be a date")))?;
        let value = Decimal::from_str(amount.trim())
            .map_err(|_| ("schedule", format!("row {row}: the amount must be an amount, e.g. 100.00")))?;
        let amount = Money::new(value, currency).map_err(|e| ("schedule", format!("row {row}: {e}")))?;
        schedule.push(Installment { due_date, amount });
    }
    manual(total, schedule).map_err(|e| (e.field(), e.to_string()))
}

/// Whether a payment dated `paid_on` waits for a manager's approval on `today`, given
/// the server's approval window (`/auth/me`'s policy): the rule of
/// `debtflow_domain::payment::intake`, told before the form is sent (a test ties them).
pub fn waits_for_approval(paid_on: &str, today: NaiveDate, approval_after_days: u32) -> bool {
    paid_on.parse().is_ok_and(|paid_on| payment::needs_approval(paid_on, today, approval_after_days))
}

/// The hint under the payment date once it is further back than the window.
pub fn backdated_notice(approval_after_days: u32) -> String {
    let days = match approval_after_days {
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    };
    format!("Dated more than {days} back: this payment will wait for a manager's approval.")
}

/// The payment methods offered, the most common first.
const METHODS: [PaymentMethod; 4] =
    [PaymentMethod::BankTransfer, PaymentMethod::Check, PaymentMethod::Cash, PaymentMethod::Card];

/// How a plan's frequency is offered.
fn frequency_label(f: Frequency) -> &'static str {
    match f {
        Frequency::Weekly => "Weekly",
        Frequency::Biweekly => "Every two weeks",
        Frequency::Monthly => "Monthly",
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.get();
        let id = id.get();
        async move { api::account(&id).await }
    });
    let reload = Callback::new(move |()| version.update(|v| *v += 1));
    // What the last action did; kept here so it outlives the reload of the detail.
    let flash = RwSignal::new(None::<(String, String)>);
    provide_context(Flash(flash));
    Effect::new(move |_| {
        id.track();
        flash.set(None);
    });

    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                detail
                    .get()
                    .map(|r| match r {
                        Err(p) if p.status == 404 || p.status == 422 => view! { <NotFound what="account" /> }.into_any(),
                        Err(p) => view! { <ErrorBox problem=p retry=move |_| detail.refetch() /> }.into_any(),
                        Ok(d) => view! { <AccountView detail=d version=version reload=reload /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// The outcome of the last action on the page and the place of the form that did it,
/// where it is shown: beside the button the user just pressed, not atop a long page.
#[derive(Clone, Copy)]
struct Flash(RwSignal<Option<(String, String)>>);

/// One form's handle on the page's [`Flash`].
#[derive(Clone, Copy)]
struct Done {
    flash: RwSignal<Option<(String, String)>>,
    place: StoredValue<String>,
}

impl Done {
    fn of(place: impl Into<String>) -> Done {
        Done { flash: expect_context::<Flash>().0, place: StoredValue::new(place.into()) }
    }

    /// Says `message` beside this form (`None`: clears whatever was said).
    fn set(&self, message: Option<String>) {
        self.flash.set(message.map(|m| (self.place.get_value(), m)));
    }
}

/// What the form's last action did, beside it.
#[component]
fn DoneNote(done: Done, testid: &'static str) -> impl IntoView {
    move || {
        done.flash
            .get()
            .filter(|(place, _)| done.place.with_value(|p| p == place))
            .map(|(_, m)| view! { <p class="ok notice" role="status" data-testid=testid>{m}</p> })
    }
}

#[component]
fn AccountView(detail: AccountDetail, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let a = detail.account.clone();
    let id = a.id.clone();
    let noter = session.can(Operation::AddNote);
    let mover = session.can(Operation::WorkAccount);
    let proposer = session.can(Operation::ProposePlan);
    let takes_payments = a.status.takes_payments();
    let payer = takes_payments && session.can(Operation::RecordPayment);
    let refunder = session.can(Operation::RefundPayment);
    let fee_manager = session.can(Operation::ManageFees);
    let collector = detail.collector.as_ref().map(|c| c.full_name.clone()).unwrap_or_else(|| "Unassigned".into());
    let ssn = a.debtor.ssn_last4.clone().map(|s| if s.starts_with('*') { s } else { format!("***-**-{s}") });
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    let plan = detail.plan.clone();
    let transitions = detail.allowed_transitions.clone();
    let reference = format!(" {}", a.external_ref);

    view! {
        <article class="account" data-testid="account">
            <p>
                <A href="/accounts">"← Worklist"</A>
            </p>
            <PageHeading text=a.debtor.full_name.clone()>
                <small class="muted">{reference}</small>
            </PageHeading>
            <div class="grid">
                <section class="card" aria-labelledby="summary-h">
                    <h2 id="summary-h">"Summary"</h2>
                    <dl>
                        <dt>"Status"</dt>
                        <dd data-testid="account-status">
                            <StatusBadge status=a.status />
                        </dd>
                        <dt>"Current balance"</dt>
                        <dd data-testid="current-balance" class="big">
                            {money(&a.current_balance, &a.currency)}
                        </dd>
                        <dt>"Original balance"</dt>
                        <dd>{money(&a.original_balance, &a.currency)}</dd>
                        <dt>"Priority"</dt>
                        <dd>{format::priority(a.priority)}</dd>
                        <dt>"Days past due"</dt>
                        <dd>{a.days_past_due}</dd>
                        <dt>"Bucket"</dt>
                        <dd>{a.bucket.as_str()}</dd>
                        <dt>"Collector"</dt>
                        <dd>{collector}</dd>
                        <dt>"Creditor"</dt>
                        <dd>{a.creditor.clone()}</dd>
                        <dt>"Delinquent since"</dt>
                        <dd>{a.delinquency_date.clone()}</dd>
                        <dt>"Next installment due"</dt>
                        <dd data-testid="next-installment-due">
                            {a.next_installment_due.clone().unwrap_or_else(|| "—".into())}
                        </dd>
                    </dl>
                    {detail
                        .dispute
                        .as_ref()
                        .map(|d| {
                            let reason = d.get("reason").and_then(|r| r.as_str()).unwrap_or("").to_string();
                            view! { <p class="notice">{format!("Open dispute: {reason}")}</p> }
                        })}
                </section>
                <section class="card" aria-labelledby="debtor-h">
                    <h2 id="debtor-h">"Debtor"</h2>
                    <dl>
                        <dt>"Name"</dt>
                        <dd>{a.debtor.full_name.clone()}</dd>
                        <dt>"Phone"</dt>
                        <dd>{opt(&a.debtor.phone)}</dd>
                        <dt>"Email"</dt>
                        <dd>{opt(&a.debtor.email)}</dd>
                        <dt>"Address"</dt>
                        <dd>{opt(&a.debtor.address)}</dd>
                        <dt>"Date of birth"</dt>
                        <dd>{opt(&a.debtor.date_of_birth)}</dd>
                        <dt>"SSN"</dt>
                        <dd data-testid="ssn">{opt(&ssn)}</dd>
                    </dl>
                </section>
            </div>

            <section class="card" aria-labelledby="plan-h" data-testid="plan">
                <h2 id="plan-h">"Payment plan"</h2>
                {match plan {
                    Some(p) => view! { <PlanView plan=p proposer=proposer reload=reload /> }.into_any(),
                    None => view! { <Empty text="No payment plan." /> }.into_any(),
                }}
            </section>

            <div class="grid">
                <Show when=move || noter>
                    <NoteForm id=id.clone() reload=reload />
                </Show>
                {(mover && !transitions.is_empty())
                    .then(|| view! { <TransitionForm id=a.id.clone() allowed=transitions.clone() reload=reload /> })}
                {payer.then(|| view! { <PaymentForm account=a.clone() reload=reload /> })}
                {(proposer && takes_payments).then(|| view! { <PlanForm account=a.clone() reload=reload /> })}
            </div>

            {(refunder || fee_manager)
                .then(|| {
                    view! {
                        <div class="grid">
                            {refunder.then(|| view! { <PaymentsCard account=a.clone() version=version reload=reload /> })}
                            {fee_manager.then(|| view! { <FeesCard account=a.clone() version=version reload=reload /> })}
                        </div>
                    }
                })}

            <div class="grid">
                <Timeline id=a.id.clone() version=version />
                <LedgerView id=a.id.clone() currency=a.currency.clone() version=version />
            </div>
        </article>
    }
}

#[component]
fn PlanView(plan: Plan, proposer: bool, reload: Callback<()>) -> impl IntoView {
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let plan_id = plan.id.clone();
    // One key per submission, reused if it has to be retried.
    let key = StoredValue::new(api::new_idempotency_key());
    let submit = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        problem.set(None);
        let id = plan_id.clone();
        let key = key.get_value();
        leptos::task::spawn_local(async move {
            let r = api::submit_plan(&id, &key).await;
            pending.set(false);
            match r {
                Ok(_) => reload.run(()),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let cur = plan.currency.clone();
    let rows = plan
        .installments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{i.number}</td>
                    <td>{i.due_date.clone()}</td>
                    <td class="num">{money(&i.amount, &cur)}</td>
                    <td class="num">{money(&i.paid, &cur)}</td>
                    <td>{format::label(i.status.as_str())}</td>
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
            <table data-testid="schedule">
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
                    <button class="primary" on:click=submit disabled=move || pending.get() data-testid="submit-plan">
                        "Submit for approval"
                    </button>
                }
            })}
        <FormError problem=problem />
    }
}

#[component]
fn NoteForm(id: String, reload: Callback<()>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        problem.set(None);
        let (id, text) = (id.clone(), body.get_untracked());
        leptos::task::spawn_local(async move {
            let r = api::add_note(&id, text.trim()).await;
            pending.set(false);
            match r {
                Ok(_) => {
                    body.set(String::new());
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="note-form">
            <h2>"Add a note"</h2>
            <label for="note-body">"Note"</label>
            <textarea
                id="note-body"
                name="body"
                rows="3"
                required
                aria-invalid=invalid(problem, "body")
                aria-describedby="note-body-error"
                bind:value=body
            ></textarea>
            <FieldError problem=problem field="body" input="note-body" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get()>
                "Add note"
            </button>
        </form>
    }
}

/// What a move does that the user should confirm first; `None`: an ordinary move.
fn move_consequence(to: AccountStatus) -> Option<&'static str> {
    match to {
        AccountStatus::Disputed => {
            Some("Collection stops and the days past due stop counting until the dispute is resolved.")
        }
        AccountStatus::Closed => Some("A closed account takes no more work or payments."),
        _ => None,
    }
}

#[component]
fn TransitionForm(id: String, allowed: Vec<AccountStatus>, reload: Callback<()>) -> impl IntoView {
    // Nothing chosen until the user chooses: the first allowed move may be a risky one.
    let to = RwSignal::new(None::<AccountStatus>);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(t) = to.get_untracked() else {
            return problem.set(Some(Problem::invalid("to", "Choose the new status.")));
        };
        if let Some(consequence) = move_consequence(t) {
            if !confirm(&format!("Move this account to {}? {consequence}", format::label(t.as_str()))) {
                return;
            }
        }
        pending.set(true);
        problem.set(None);
        let (id, r) = (id.clone(), reason.get_untracked());
        leptos::task::spawn_local(async move {
            let result = api::transition(&id, t, r.trim()).await;
            pending.set(false);
            match result {
                Ok(_) => reload.run(()),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="transition-form">
            <h2>"Change status"</h2>
            <label for="transition-to">"New status"</label>
            <select
                id="transition-to"
                name="to"
                aria-invalid=invalid(problem, "to")
                aria-describedby="transition-to-error"
                prop:value=move || to.get().map(AccountStatus::as_str).unwrap_or_default()
                on:change=move |ev| to.set(event_target_value(&ev).parse::<AccountStatus>().ok())
            >
                <option value="">"Choose…"</option>
                {allowed
                    .iter()
                    .map(|s| view! { <option value=s.as_str()>{format::label(s.as_str())}</option> })
                    .collect_view()}
            </select>
            <FieldError problem=problem field="to" input="transition-to" />
            <label for="transition-reason">"Reason"</label>
            <input id="transition-reason" name="reason" required bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get()>
                "Change status"
            </button>
        </form>
    }
}

#[component]
fn PaymentForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(METHODS[0]);
    let paid_on = RwSignal::new(session.today().to_string());
    let reference = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let done = Done::of("payment");
    let pending = RwSignal::new(false);
    // One key per submission, kept across retries until the payment is recorded.
    let key = RwSignal::new(None::<String>);
    let window = move || session.payment_approval_after_days();
    let backdated = move || window().is_some_and(|days| waits_for_approval(&paid_on.get(), session.today(), days));
    let account_id = account.id.clone();
    let currency = account.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let typed = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(typed) => typed,
            Err(p) => return problem.set(Some(p)),
        };
        pending.set(true);
        problem.set(None);
        let k = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(k.clone()));
        let reference_text = reference.get_untracked();
        let body = json!({
            "account_id": account_id,
            "amount": typed,
            "method": method.get_untracked(),
            "paid_on": paid_on.get_untracked(),
            "reference": if reference_text.trim().is_empty() { None } else { Some(reference_text.trim().to_string()) },
        });
        let currency = currency.clone();
        leptos::task::spawn_local(async move {
            let r = api::record_payment(&body, &k).await;
            pending.set(false);
            match r {
                Ok(p) => {
                    key.set(None);
                    amount.set(String::new());
                    reference.set(String::new());
                    done.set(Some(if p.status == PaymentStatus::PendingApproval {
                        format!(
                            "Payment of {} recorded: it waits for a manager's approval.",
                            money(&p.amount, &currency)
                        )
                    } else {
                        format!(
                            "Payment of {} recorded ({}).",
                            money(&p.amount, &currency),
                            format::label(p.status.as_str())
                        )
                    }));
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="payment-form">
            <h2>"Record a payment"</h2>
            <label for="pay-amount">{format!("Amount ({})", account.currency)}</label>
            <input
                id="pay-amount"
                name="amount"
                inputmode="decimal"
                placeholder="1,250.00"
                required
                aria-invalid=invalid(problem, "amount")
                aria-describedby="pay-amount-error"
                bind:value=amount
            />
            <FieldError problem=problem field="amount" input="pay-amount" />
            <label for="pay-method">"Method"</label>
            <select
                id="pay-method"
                name="method"
                prop:value=move || method.get().as_str()
                on:change=move |ev| {
                    if let Ok(m) = event_target_value(&ev).parse() {
                        method.set(m)
                    }
                }
            >
                {METHODS.map(|m| view! { <option value=m.as_str()>{format::label(m.as_str())}</option> })}
            </select>
            <FieldError problem=problem field="method" />
            <label for="pay-date">"Paid on"</label>
            <input id="pay-date" name="paid_on" type="date" required bind:value=paid_on />
            <FieldError problem=problem field="paid_on" />
            <Show when=backdated>
                <p class="notice" data-testid="backdated-notice">
                    {move || window().map(backdated_notice)}
                </p>
            </Show>
            <label for="pay-ref">"Reference (optional)"</label>
            <input id="pay-ref" name="reference" bind:value=reference />
            <FieldError problem=problem field="reference" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="pay-submit">
                {move || if pending.get() { "Recording…" } else { "Record payment" }}
            </button>
            <DoneNote done=done testid="payment-done" />
        </form>
    }
}

/// One row of a schedule entered by hand.
#[derive(Clone, Copy)]
struct ManualRow {
    key: u32,
    due: RwSignal<String>,
    amount: RwSignal<String>,
}

#[component]
fn PlanForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let total = RwSignal::new(account.current_balance.clone());
    let count = RwSignal::new("6".to_string());
    let frequency = RwSignal::new(Frequency::Monthly.as_str().to_string());
    let first_due = RwSignal::new(use_session().today().checked_add_days(Days::new(7)).unwrap_or_default().to_string());
    // "generated" (count, frequency, first due date) or "manual" (rows by hand).
    let by_hand = RwSignal::new(false);
    let next_key = StoredValue::new(1u32);
    let new_row = move |due: String, amount: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        ManualRow { key, due: RwSignal::new(due), amount: RwSignal::new(amount) }
    };
    let rows = RwSignal::new(vec![new_row(first_due.get_untracked(), account.current_balance.clone())]);
    let add_row = move |_| {
        let last = rows.with_untracked(|r| r.last().map(|r| r.due.get_untracked()));
        let due = last
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        rows.update(|r| r.push(new_row(due, String::new())));
    };
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let key = RwSignal::new(None::<String>);
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
            problem.set(Some(Problem {
                status: 422,
                title: "Check the plan".into(),
                detail: format!("{field}: {msg}"),
                errors: Some([(field.to_string(), vec![msg])].into_iter().collect()),
                ..Default::default()
            }));
            return;
        }
        pending.set(true);
        problem.set(None);
        let k = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(k.clone()));
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
        let id = account_id.clone();
        leptos::task::spawn_local(async move {
            let r = api::propose_plan(&id, &body, &k).await;
            pending.set(false);
            match r {
                Ok(_) => {
                    key.set(None);
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    // The mode changes what is sent: a new submission, a new key.
    Effect::new(move |_| {
        by_hand.track();
        key.set(None);
    });
    view! {
        <form class="card" on:submit=submit data-testid="plan-form">
            <h2>"Propose a payment plan"</h2>
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
                "Propose plan"
            </button>
        </form>
    }
}

#[component]
fn PaymentsCard(account: Account, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let id = account.id.clone();
    let payments = LocalResource::new(move || {
        version.get();
        let id = id.clone();
        async move { api::payments_of(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="payments-h" data-testid="payments">
            <h2 id="payments-h">"Payments"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    payments
                        .get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| payments.refetch() /> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <Empty text="No payments." /> }.into_any(),
                            Ok(page) => {
                                view! {
                                    <ul class="payments">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|p| view! { <PaymentItem payment=p reload=reload /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn PaymentItem(payment: Payment, reload: Callback<()>) -> impl IntoView {
    // The payment lifecycle's refund moves.
    let refundable = payment.status.is_refundable();
    let cur = payment.currency.clone();
    let refunded = payment.refunded_amount.clone().filter(|r| Decimal::from_str(r).is_ok_and(|d| !d.is_zero()));
    view! {
        <li data-testid="payment" data-payment=payment.id.clone()>
            <span>
                {format!("{} · {} · {} ", payment.paid_on, money(&payment.amount, &cur), format::label(payment.method.as_str()))}
            </span>
            <span class="badge" data-testid="payment-status">
                {format::label(payment.status.as_str())}
            </span>
            {refunded
                .map(|r| view! { <span class="muted" data-testid="refunded">{format!(" refunded {}", money(&r, &cur))}</span> })}
            {refundable.then(|| view! { <RefundForm payment=payment.clone() reload=reload /> })}
        </li>
    }
}

#[component]
fn RefundForm(payment: Payment, reload: Callback<()>) -> impl IntoView {
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let done = Done::of(format!("refund-{}", payment.id));
    // One key per submission, kept across retries until the refund is recorded.
    let key = RwSignal::new(None::<String>);
    let id = payment.id.clone();
    let currency = payment.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let a = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(a) => a,
            Err(p) => return problem.set(Some(p)),
        };
        let question = format!("Refund {} to the debtor? The refund is posted at once.", money(&a, &currency));
        if !confirm(&question) {
            return;
        }
        pending.set(true);
        problem.set(None);
        let k = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(k.clone()));
        let (id, r, currency) = (id.clone(), reason.get_untracked(), currency.clone());
        leptos::task::spawn_local(async move {
            let result = api::refund(&id, &a, r.trim(), &k).await;
            pending.set(false);
            match result {
                Ok(p) => {
                    key.set(None);
                    done.set(Some(format!(
                        "Refund of {} recorded ({}).",
                        money(&a, &currency),
                        format::label(p.status.as_str())
                    )));
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let amount_id = format!("refund-amount-{}", payment.id);
    let reason_id = format!("refund-reason-{}", payment.id);
    view! {
        <form class="inline" on:submit=submit data-testid="refund-form">
            <label for=amount_id.clone()>{format!("Refund ({})", payment.currency)}</label>
            <input id=amount_id name="amount" inputmode="decimal" size="8" required bind:value=amount />
            <FieldError problem=problem field="amount" />
            <label for=reason_id.clone()>"Reason"</label>
            <input id=reason_id name="reason" required bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" disabled=move || pending.get() data-testid="refund-submit">
                {move || if pending.get() { "Refunding…" } else { "Refund" }}
            </button>
            <DoneNote done=done testid="refund-done" />
        </form>
    }
}

#[component]
fn FeesCard(account: Account, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let id = account.id.clone();
    let fees = LocalResource::new(move || {
        version.get();
        let id = id.clone();
        async move { api::fees(&id).await }
    });
    let account_id = account.id.clone();
    let currency = account.currency.clone();
    view! {
        <section class="card" aria-labelledby="fees-h" data-testid="fees">
            <h2 id="fees-h">"Fees"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let (account_id, currency) = (account_id.clone(), currency.clone());
                    fees.get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| fees.refetch() /> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <Empty text="No fees." /> }.into_any(),
                            Ok(list) => {
                                view! {
                                    <ul class="fees">
                                        {list
                                            .into_iter()
                                            .map(|f| {
                                                view! {
                                                    <FeeItem
                                                        account_id=account_id.clone()
                                                        currency=currency.clone()
                                                        fee=f
                                                        reload=reload
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
            <FeeForm account=account.clone() reload=reload />
        </section>
    }
}

#[component]
fn FeeItem(account_id: String, currency: String, fee: Fee, reload: Callback<()>) -> impl IntoView {
    let cur = currency;
    let waiting = fee.status == FeeStatus::Waiting;
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let done = Done::of(format!("fee-{}", fee.id));
    let key = RwSignal::new(None::<String>);
    let fee_id = fee.id.clone();
    let waive = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        problem.set(None);
        done.set(None);
        let k = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(k.clone()));
        let (aid, fid, r) = (account_id.clone(), fee_id.clone(), reason.get_untracked());
        leptos::task::spawn_local(async move {
            let result = api::waive_fee(&aid, &fid, r.trim(), &k).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    key.set(None);
                    done.set(Some("Fee waived.".into()));
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let reason_id = format!("waive-reason-{}", fee.id);
    let waived = Decimal::from_str(&fee.waived_amount).is_ok_and(|d| !d.is_zero());
    view! {
        <li data-testid="fee" data-fee=fee.id.clone()>
            <span>
                {format!(
                    "{} fee {} · paid {}{} ",
                    format::label(fee.kind.as_str()),
                    money(&fee.amount, &cur),
                    money(&fee.paid_amount, &cur),
                    if waived { format!(" · waived {}", money(&fee.waived_amount, &cur)) } else { String::new() },
                )}
            </span>
            <span class="badge" data-testid="fee-status">
                {format::label(fee.status.as_str())}
            </span>
            {(!fee.reason.is_empty()).then(|| view! { <span class="muted">{format!(" {}", fee.reason)}</span> })}
            {waiting
                .then(|| {
                    view! {
                        <form class="inline" on:submit=waive data-testid="waive-form">
                            <label for=reason_id.clone()>"Waive, reason"</label>
                            <input id=reason_id name="reason" required bind:value=reason />
                            <FieldError problem=problem field="reason" />
                            <FormError problem=problem />
                            <button type="submit" disabled=move || pending.get() data-testid="waive-submit">
                                "Waive"
                            </button>
                            <DoneNote done=done testid="waive-done" />
                        </form>
                    }
                })}
        </li>
    }
}

#[component]
fn FeeForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let kind = RwSignal::new(FeeKind::Collection);
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let pending = RwSignal::new(false);
    let done = Done::of("fee");
    let key = RwSignal::new(None::<String>);
    let account_id = account.id.clone();
    let currency = account.currency.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let a = match Problem::amount("amount", &amount.get_untracked(), &currency) {
            Ok(a) => a,
            Err(p) => return problem.set(Some(p)),
        };
        pending.set(true);
        problem.set(None);
        let k = key.get_untracked().unwrap_or_else(api::new_idempotency_key);
        key.set(Some(k.clone()));
        let (id, kd, r) = (account_id.clone(), kind.get_untracked(), reason.get_untracked());
        let currency = currency.clone();
        leptos::task::spawn_local(async move {
            let result = api::assess_fee(&id, kd, &a, r.trim(), &k).await;
            pending.set(false);
            match result {
                Ok(f) => {
                    key.set(None);
                    done.set(Some(format!(
                        "{} fee of {} assessed.",
                        format::label(f.kind.as_str()),
                        money(&f.amount, &currency)
                    )));
                    reload.run(());
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <form on:submit=submit data-testid="fee-form">
            <h3>"Assess a fee"</h3>
            <label for="fee-kind">"Kind"</label>
            <select
                id="fee-kind"
                name="kind"
                prop:value=move || kind.get().as_str()
                on:change=move |ev| {
                    if let Ok(k) = event_target_value(&ev).parse() {
                        kind.set(k)
                    }
                }
            >
                {FeeKind::ALL
                    .iter()
                    .map(|k| view! { <option value=k.as_str()>{format::label(k.as_str())}</option> })
                    .collect_view()}
            </select>
            <FieldError problem=problem field="kind" />
            <label for="fee-amount">{format!("Amount ({})", account.currency)}</label>
            <input id="fee-amount" name="amount" inputmode="decimal" required bind:value=amount />
            <FieldError problem=problem field="amount" />
            <label for="fee-reason">"Reason"</label>
            <input id="fee-reason" name="reason" required bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FieldError problem=problem field="Idempotency-Key" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="fee-submit">
                "Assess fee"
            </button>
            <DoneNote done=done testid="fee-done" />
        </form>
    }
}

#[component]
fn Timeline(id: String, version: RwSignal<u32>) -> impl IntoView {
    let events = LocalResource::new(move || {
        version.get();
        let id = id.clone();
        async move { api::timeline(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">"Timeline"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    events
                        .get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| events.refetch() /> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <Empty text="Nothing yet." /> }.into_any(),
                            Ok(page) => {
                                view! {
                                    <ol class="timeline" data-testid="timeline">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|e| {
                                                let summary = event_summary(&e.kind, &e.data);
                                                let headline = event_headline(&e.kind, &e.data, e.actor_name.as_deref());
                                                view! {
                                                    <li data-kind=e.kind.clone()>
                                                        <time>{format::datetime(&e.occurred_at)}</time>
                                                        <strong>{headline}</strong>
                                                        {summary.map(|s| view! { <span>{format!(" {s}")}</span> })}
                                                        {e.body.map(|b| view! { <p class="body">{b}</p> })}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

/// What happened and who did it: "Plan proposed by Sarah Mitchell", "Status changed by
/// James Carter", "Created" (by the system).
pub fn event_headline(kind: &str, data: &serde_json::Value, actor: Option<&str>) -> String {
    let action = data.get("action").and_then(|v| v.as_str());
    let what = match (kind, action) {
        ("plan", Some(action)) => format!("Plan {}", format::label(action).to_lowercase()),
        ("status_change", _) => "Status changed".into(),
        ("assignment", _) => "Assigned".into(),
        _ => format::label(kind),
    };
    match actor {
        Some(who) => format!("{what} by {who}"),
        None => what,
    }
}

/// A short line for a timeline event's details.
pub fn event_summary(kind: &str, data: &serde_json::Value) -> Option<String> {
    let s = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match kind {
        "status_change" => Some(format!("{} → {}", format::label(&s("from")?), format::label(&s("to")?))),
        _ => match (s("amount"), s("status")) {
            (Some(a), Some(st)) => Some(format!("{a} ({})", format::label(&st))),
            (Some(a), None) => Some(a),
            _ => None,
        },
    }
}

#[component]
fn LedgerView(id: String, currency: String, version: RwSignal<u32>) -> impl IntoView {
    let ledger = LocalResource::new(move || {
        version.get();
        let id = id.clone();
        async move { api::ledger(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="ledger-h">
            <h2 id="ledger-h">"Ledger"</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let currency = currency.clone();
                    ledger
                        .get()
                        .map(|r| match r {
                            Err(p) => view! { <ErrorBox problem=p retry=move |_| ledger.refetch() /> }.into_any(),
                            Ok(l) if l.items.is_empty() => view! { <Empty text="No entries." /> }.into_any(),
                            Ok(l) => {
                                let rows = l
                                    .items
                                    .iter()
                                    .flat_map(|e| {
                                        e.lines
                                            .iter()
                                            .map(|line| {
                                                view! {
                                                    <tr>
                                                        <td>{format::datetime(&e.posted_at)}</td>
                                                        <td>{format::label(e.kind.as_str())}</td>
                                                        <td>{format::label(line.ledger_account.as_str())}</td>
                                                        <td class="num">{money(&line.debit, &currency)}</td>
                                                        <td class="num">{money(&line.credit, &currency)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect::<Vec<_>>()
                                    })
                                    .collect_view();
                                view! {
                                    <p>"Balance " <strong data-testid="ledger-balance">{money(&l.balance, &currency)}</strong></p>
                                    <div class="table-wrap">
                                        <table data-testid="ledger">
                                            <thead>
                                                <tr>
                                                    <th>"Posted"</th>
                                                    <th>"Entry"</th>
                                                    <th>"Account"</th>
                                                    <th>"Debit"</th>
                                                    <th>"Credit"</th>
                                                </tr>
                                            </thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
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

    #[test]
    fn the_approval_hint_follows_the_domain_rule_for_any_window() {
        use debtflow_domain::payment::{intake, NewPayment};
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::USD).unwrap();
        for window in [0, 1, 3, 7, 30] {
            for back in 0..=40 {
                let paid_on = today.checked_sub_days(Days::new(back)).unwrap();
                let payment = NewPayment { amount: usd("10.00"), method: PaymentMethod::Cash, paid_on };
                let server_waits = intake(&payment, today, window, usd("100.00")) == Ok(PaymentStatus::PendingApproval);
                assert_eq!(
                    waits_for_approval(&paid_on.to_string(), today, window),
                    server_waits,
                    "paid {back} days back, window {window} days"
                );
            }
        }
        assert!(!waits_for_approval("", today, 7), "no date, no hint");
        assert!(!waits_for_approval("nope", today, 7), "not a date, no hint");
    }

    #[test]
    fn the_approval_hint_names_the_servers_window() {
        assert_eq!(
            backdated_notice(3),
            "Dated more than 3 days back: this payment will wait for a manager's approval."
        );
        assert!(backdated_notice(1).starts_with("Dated more than 1 day back"));
    }

    #[test]
    fn timeline_summaries() {
        assert_eq!(
            event_summary("status_change", &json!({"from": "assigned", "to": "in_contact"})).as_deref(),
            Some("Assigned → In contact")
        );
        assert_eq!(event_summary("note", &json!({})), None);
    }

    #[test]
    fn timeline_headlines_say_what_and_who() {
        let plan = json!({"plan_id": "p", "action": "proposed"});
        assert_eq!(event_headline("plan", &plan, Some("Sarah Mitchell")), "Plan proposed by Sarah Mitchell");
        assert_eq!(event_headline("plan", &json!({"action": "written_off"}), None), "Plan written off");
        assert_eq!(event_headline("status_change", &json!({}), Some("James Carter")), "Status changed by James Carter");
        assert_eq!(event_headline("note", &json!({}), Some("Sarah Mitchell")), "Note by Sarah Mitchell");
    }
}
