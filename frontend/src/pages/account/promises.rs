//! Promises to pay: the account's promises, the latest due first (amount, due date,
//! status; the day one was kept, or why it was cancelled; who made it), a pending one
//! cancelled with a reason said in place; and, for those who work the account while it
//! is in collection, the form that records a promise or a short series of them — rows
//! of amount and date, up to [`MAX_SERIES`]. The domain's rules
//! ([`check_series`]) check a series before it is sent, as the API does; what the API
//! refuses (`items[1].due_on`…) is shown beside the row's field it names.

use super::{Done, DoneNote};
use crate::{
    api::{self, Account, Problem, Promise},
    components::{invalid, Fetch, FieldError, FormError, Loaded},
    format::{self, money},
    session::use_session,
    submit::Submission,
};
use chrono::{Days, Months, NaiveDate};
use debtflow_domain::{
    permission::Operation,
    promise::{check_series, NewPromise, PromiseStatus, MAX_HORIZON_DAYS, MAX_SERIES},
    AccountStatus,
};
use leptos::{ev::SubmitEvent, prelude::*};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Where the form shows what a refusal says of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Beside the amount of the row at this index (from 0, as the API counts `items`).
    Amount(usize),
    /// Beside the due date of that row.
    DueOn(usize),
    Note,
    /// Under the rows: `items` (the series as a whole), and any field the form has no
    /// input for (`contact_id`).
    General,
}

/// Where the form shows `field`, as the API names it: `items[1].due_on` beside the
/// second row's date, `note` beside the note, anything else under the rows.
pub fn place_of(field: &str) -> Place {
    if field == "note" {
        return Place::Note;
    }
    let Some((index, what)) = field.strip_prefix("items[").and_then(|rest| rest.split_once("].")) else {
        return Place::General;
    };
    match (index.parse::<usize>(), what) {
        (Ok(i), "amount") => Place::Amount(i),
        (Ok(i), "due_on") => Place::DueOn(i),
        _ => Place::General,
    }
}

/// What `problem` says of the fields shown at `place`, in one line; a field without a
/// place of its own (but `items`, which the place is for) is named before its message.
pub fn messages_at(problem: &Problem, place: Place) -> Option<String> {
    let found: Vec<String> = problem
        .errors
        .iter()
        .flatten()
        .filter(|(field, _)| place_of(field) == place)
        .map(|(field, messages)| match (place, field.as_str()) {
            (Place::General, f) if f != "items" => format!("{}: {}", format::label(f), messages.join(" ")),
            _ => messages.join(" "),
        })
        .collect();
    (!found.is_empty()).then(|| found.join(" "))
}

/// The rows typed (`(amount, due date)`, in the app's formats) as the API takes them,
/// checked first as the API checks them: each amount for the currency and each date
/// (every row's at once), then the series with the domain's rules — `pending`, what the
/// debtor already promised and is still pending, with them within `balance`, and the
/// dates from `today` (the agency's) on.
pub fn series(
    rows: &[(String, String)],
    currency: &str,
    pending: Decimal,
    balance: Decimal,
    today: NaiveDate,
) -> Result<Vec<NewPromise>, Problem> {
    let mut errors = BTreeMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for (i, (amount, due_on)) in rows.iter().enumerate() {
        let amount = Problem::amount(&format!("items[{i}].amount"), amount, currency)
            .map_err(|p| errors.extend(p.errors.unwrap_or_default()))
            .ok();
        let due_on = format::date(due_on);
        if due_on.is_none() {
            errors.insert(format!("items[{i}].due_on"), vec!["Pick the date.".to_string()]);
        }
        if let (Some(amount), Some(due_on)) = (amount, due_on) {
            items.push(NewPromise { amount, due_on });
        }
    }
    if !errors.is_empty() {
        return Err(Problem {
            status: 422,
            title: "Check the fields marked".into(),
            errors: Some(errors),
            ..Problem::default()
        });
    }
    check_series(&items, pending, balance, today).map_err(|e| Problem::invalid(&e.field, e.message))?;
    Ok(items)
}

/// What the debtor promised and is still pending.
pub fn pending_total(promises: &[Promise]) -> Decimal {
    promises.iter().filter(|p| p.status == PromiseStatus::Pending).map(|p| p.amount).sum()
}

/// A promise's place in the series it was made in (`(2, 3)`: the second of three, by
/// date); `None` when it was made alone.
pub fn in_series(promises: &[Promise], promise: &Promise) -> Option<(usize, usize)> {
    let mut dates: Vec<NaiveDate> =
        promises.iter().filter(|p| p.series_id == promise.series_id).map(|p| p.due_on).collect();
    dates.sort();
    let n = dates.iter().position(|d| *d == promise.due_on)?;
    (dates.len() > 1).then_some((n + 1, dates.len()))
}

/// A status's badge, in the colours the payments use (pending yellow, kept green,
/// broken red) and a closed account's grey for a cancelled one.
fn badge(status: PromiseStatus) -> &'static str {
    match status {
        PromiseStatus::Pending => "badge payment-pending",
        PromiseStatus::Kept => "badge payment-completed",
        PromiseStatus::Broken => "badge payment-failed",
        PromiseStatus::Cancelled => "badge status-closed",
    }
}

/// The promises and, for those who work the account while it is in collection, the
/// form that makes them. Read again when `version` (the overview's) changes; making or
/// cancelling one changes it, so the overview's latest events follow — and nothing
/// else: the account itself is as it was, so it is not read again (which would draw
/// the page afresh).
#[component]
pub(super) fn PromisesPanel(account: Account, version: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let worker = session.can(Operation::WorkAccount);
    let maker = worker && AccountStatus::COLLECTING.contains(&account.status);
    let id = account.id;
    let promises = Fetch::new(move || {
        version.get();
        api::promises(id)
    });
    let pending = Signal::derive(move || {
        promises.state.with(|s| match s {
            Some(Ok(list)) => pending_total(list),
            _ => Decimal::ZERO,
        })
    });
    let currency = account.currency.clone();
    let cancel_done = Done::of("promise-cancel");
    let changed = Callback::new(move |()| version.update(|v| *v += 1));
    view! {
        <div class="grid">
            <section class="card" aria-labelledby="promises-h" data-testid="promises">
                <h2 id="promises-h">"Promises to pay"</h2>
                <Loaded
                    state=promises.state
                    retry=move |()| promises.again()
                    empty={|list: &Vec<Promise>| list.is_empty().then_some("No promise made yet.")}
                    let:list
                >
                    // The contacts' list style: one line each, a rule between them.
                    <ul class="contacts">
                        {list
                            .iter()
                            .map(|p| {
                                view! {
                                    <PromiseItem
                                        promise=p.clone()
                                        series=in_series(&list, p)
                                        currency=currency.clone()
                                        cancels=worker
                                        done=cancel_done
                                        changed=changed
                                    />
                                }
                            })
                            .collect_view()}
                    </ul>
                </Loaded>
                <DoneNote done=cancel_done testid="promise-cancel-done" />
            </section>
            {maker.then(|| view! { <PromiseForm account=account.clone() pending=pending changed=changed /> })}
        </div>
    }
}

#[component]
fn PromiseItem(
    promise: Promise,
    series: Option<(usize, usize)>,
    currency: String,
    /// The user may cancel it (while pending).
    cancels: bool,
    done: Done,
    changed: Callback<()>,
) -> impl IntoView {
    let p = promise;
    let what = format!("{} by {}", money(&p.amount, &currency), p.due_on);
    let summary = what.clone();
    let series = series.map(|(n, of)| format!(" · {n} of {of}")).unwrap_or_default();
    let by = p.made_by_name.clone().unwrap_or_else(|| "someone outside the agency".into());
    let made = format!("Made {} by {by}{series}", p.made_on);
    let outcome = match p.status {
        PromiseStatus::Kept => p.kept_on.map(|d| format!("Kept: paid on {d}.")),
        PromiseStatus::Broken => Some(match p.evaluated_on {
            Some(d) => format!("Broken: not paid in time (found on {d})."),
            None => "Broken: not paid in time.".into(),
        }),
        PromiseStatus::Cancelled => Some(format!("Cancelled: {}", p.cancel_reason.clone().unwrap_or_default())),
        PromiseStatus::Pending => None,
    };
    let cancellable = cancels && p.status.can_cancel();
    view! {
        <li data-testid="promise" data-status=p.status.as_str()>
            <span>{what}" "</span>
            <span class=badge(p.status) data-testid="promise-status">
                {format::label(p.status.as_str())}
            </span>
            <p>
                <small class="muted">{made}</small>
            </p>
            {outcome.map(|o| view! { <p data-testid="promise-outcome">{o}</p> })}
            {p.note.map(|n| view! { <p class="muted">{n}</p> })}
            {cancellable
                .then(|| {
                    view! { <CancelForm account_id=p.account_id promise_id=p.id summary=summary done=done changed=changed /> }
                })}
        </li>
    }
}

/// "Cancel", then in its place the reason asked for and the cancellation sent.
#[component]
fn CancelForm(account_id: Uuid, promise_id: Uuid, summary: String, done: Done, changed: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let input = NodeRef::<leptos::html::Input>::new();
    // The reason takes the focus when asked for.
    Effect::new(move |_| {
        if let Some(i) = input.get() {
            let _ = i.focus();
        }
    });
    let label = format!("Cancel the promise of {summary}");
    let summary = StoredValue::new(summary);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            return submission.refuse(Problem::invalid("reason", "Say why the promise is cancelled."));
        }
        submission.run(
            move |_| async move { api::cancel_promise(account_id, promise_id, &r).await },
            move |_| {
                done.set(Some(format!("Cancelled the promise of {}.", summary.get_value())));
                changed.run(());
            },
        );
    };
    let reason_id = format!("cancel-reason-{promise_id}");
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class="link"
                        aria-label=label.clone()
                        data-testid="promise-cancel"
                        on:click=move |_| open.set(true)
                    >
                        "Cancel"
                    </button>
                }
            }
        >
            <form class="inline" on:submit=submit on:input=move |_| problem.set(None) data-testid="promise-cancel-form">
                <label for=reason_id.clone()>"Why cancel?"</label>
                <input
                    id=reason_id.clone()
                    name="reason"
                    maxlength="1000"
                    node_ref=input
                    aria-invalid=invalid(problem, "reason")
                    bind:value=reason
                />
                <FieldError problem=problem field="reason" />
                <FormError problem=problem />
                <button type="submit" disabled=move || pending.get() data-testid="promise-cancel-submit">
                    "Cancel promise"
                </button>
                <button
                    type="button"
                    class="link"
                    on:click=move |_| {
                        open.set(false);
                        problem.set(None);
                    }
                >
                    "Keep it"
                </button>
            </form>
        </Show>
    }
}

/// One row of the form: an amount by a date.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    amount: RwSignal<String>,
    due_on: RwSignal<String>,
}

#[component]
fn PromiseForm(account: Account, pending: Signal<Decimal>, changed: Callback<()>) -> impl IntoView {
    let today = use_session().today();
    let horizon = today.checked_add_days(Days::new(MAX_HORIZON_DAYS as u64)).unwrap_or(today);
    let next_key = StoredValue::new(0u32);
    let new_row = move |due_on: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        Row { key, amount: RwSignal::new(String::new()), due_on: RwSignal::new(due_on) }
    };
    let rows = RwSignal::new(vec![new_row(String::new())]);
    let note = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending: sending, problem, .. } = submission;
    let done = Done::of("promises");
    // A new row proposes a month after the last date, when that is not too far out.
    let add_row = move |_| {
        let last = rows.with_untracked(|r| r.last().map(|r| r.due_on.get_untracked()));
        let due_on = last
            .and_then(|d| format::date(&d))
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .filter(|d| *d <= horizon)
            .map(|d| d.to_string())
            .unwrap_or_default();
        problem.set(None);
        rows.update(|r| {
            if r.len() < MAX_SERIES {
                r.push(new_row(due_on));
            }
        });
    };
    let currency = StoredValue::new(account.currency.clone());
    let balance = account.current_balance;
    let id = account.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        done.set(None);
        let typed: Vec<(String, String)> =
            rows.with_untracked(|r| r.iter().map(|r| (r.amount.get_untracked(), r.due_on.get_untracked())).collect());
        let checked = currency.with_value(|c| series(&typed, c, pending.get_untracked(), balance, today));
        let items = match checked {
            Ok(items) => items,
            Err(p) => return submission.refuse(p),
        };
        let note_text = note.get_untracked().trim().to_string();
        let body = json!({ "items": items, "note": (!note_text.is_empty()).then_some(note_text) });
        submission.run(
            move |_| async move { api::make_promises(id, &body).await },
            move |made| {
                let total: Decimal = made.iter().map(|p| p.amount).sum();
                let total = currency.with_value(|c| money(&total, c));
                done.set(Some(match made.len() {
                    1 => format!("Promise of {total} recorded."),
                    n => format!("{n} promises recorded, {total} in all."),
                }));
                rows.set(vec![new_row(String::new())]);
                note.set(String::new());
                changed.run(());
            },
        );
    };
    let general = move || {
        problem.with(|p| p.as_ref().and_then(|p| messages_at(p, Place::General))).map(
            |m| view! { <p class="field-error" role="alert" data-field="items" data-testid="promise-error">{m}</p> },
        )
    };
    let count = move || rows.with(Vec::len);
    let full = move || rows.with(|r| r.len() >= MAX_SERIES);
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="promise-form">
            <h2>"Record a promise to pay"</h2>
            <p class="muted">
                {format!("Up to {MAX_SERIES} payments, due by {horizon} at the latest; further out, propose a plan.")}
            </p>
            <table class="manual" data-testid="promise-rows">
                <colgroup>
                    <col class="n" />
                    <col />
                    <col />
                    <col class="x" />
                </colgroup>
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>{currency.with_value(|c| format!("Amount ({c})"))}</th>
                        <th>"Due on"</th>
                        <th>
                            <span class="sr-only">"Remove"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|r| r.key let:row>
                        <PromiseRow row=row rows=rows problem=problem today=today horizon=horizon />
                    </For>
                </tbody>
            </table>
            <button
                type="button"
                on:click=add_row
                disabled=full
                data-testid="add-promise-row"
            >
                "Add a payment"
            </button>
            {general}
            <label for="promise-note">"Note (optional)"</label>
            <textarea
                id="promise-note"
                name="note"
                rows="2"
                maxlength="1000"
                aria-invalid=invalid(problem, "note")
                aria-describedby="promise-note-error"
                bind:value=note
            ></textarea>
            <FieldError problem=problem field="note" input="promise-note" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || sending.get() data-testid="promise-submit">
                {move || match count() {
                    1 => "Record promise".to_string(),
                    n => format!("Record {n} promises"),
                }}
            </button>
            <DoneNote done=done testid="promise-done" />
        </form>
    }
}

/// A row of the form, with what a refusal says of its amount and its date beside them.
#[component]
fn PromiseRow(
    row: Row,
    rows: RwSignal<Vec<Row>>,
    problem: RwSignal<Option<Problem>>,
    today: NaiveDate,
    horizon: NaiveDate,
) -> impl IntoView {
    // Its index: what the API's `items[i]` count, and the rows above it may go.
    let index = Memo::new(move |_| rows.with(|r| r.iter().position(|x| x.key == row.key).unwrap_or(0)));
    let said = move |place: fn(usize) -> Place| {
        Signal::derive(move || problem.with(|p| p.as_ref().and_then(|p| messages_at(p, place(index.get())))))
    };
    let (amount_error, due_error) = (said(Place::Amount), said(Place::DueOn));
    let error = move |said: Signal<Option<String>>, what: &'static str| {
        move || {
            said.get().map(|m| {
                view! {
                    <span
                        class="field-error"
                        role="alert"
                        id=format!("promise-{}-{what}-error", row.key)
                        data-field=move || format!("items[{}].{what}", index.get())
                    >
                        {m}
                    </span>
                }
            })
        }
    };
    view! {
        <tr data-testid="promise-row">
            <td>{move || index.get() + 1}</td>
            <td>
                <input
                    inputmode="decimal"
                    required
                    data-testid="promise-amount"
                    aria-label=move || format!("Amount of payment {}", index.get() + 1)
                    aria-invalid=move || amount_error.with(Option::is_some).then_some("true")
                    aria-describedby=format!("promise-{}-amount-error", row.key)
                    bind:value=row.amount
                />
                {error(amount_error, "amount")}
            </td>
            <td>
                <input
                    type="date"
                    required
                    min=today.to_string()
                    max=horizon.to_string()
                    data-testid="promise-due"
                    aria-label=move || format!("Due date of payment {}", index.get() + 1)
                    aria-invalid=move || due_error.with(Option::is_some).then_some("true")
                    aria-describedby=format!("promise-{}-due_on-error", row.key)
                    bind:value=row.due_on
                />
                {error(due_error, "due_on")}
            </td>
            <td>
                <button
                    type="button"
                    class="link"
                    data-testid="remove-promise-row"
                    aria-label=move || format!("Remove payment {}", index.get() + 1)
                    disabled=move || rows.with(|r| r.len() <= 1)
                    on:click=move |_| {
                        problem.set(None);
                        rows.update(|r| r.retain(|x| x.key != row.key));
                    }
                >
                    "×"
                </button>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        format::date(s).unwrap()
    }

    fn rows(r: &[(&str, &str)]) -> Vec<(String, String)> {
        r.iter().map(|(a, d)| (a.to_string(), d.to_string())).collect()
    }

    fn fields(p: &Problem) -> Vec<&str> {
        p.errors.iter().flatten().map(|(f, _)| f.as_str()).collect()
    }

    #[test]
    fn the_apis_fields_are_placed_beside_their_row() {
        assert_eq!(place_of("items[0].amount"), Place::Amount(0));
        assert_eq!(place_of("items[1].due_on"), Place::DueOn(1));
        assert_eq!(place_of("items[12].due_on"), Place::DueOn(12));
        assert_eq!(place_of("note"), Place::Note);
        for general in ["items", "contact_id", "items[1]", "items[x].amount", "items[0].currency", "items[0]amount"] {
            assert_eq!(place_of(general), Place::General, "{general}");
        }
    }

    #[test]
    fn a_refusal_is_said_where_its_fields_are() {
        let p = Problem {
            errors: Some(BTreeMap::from([
                ("items[1].due_on".to_string(), vec!["must be after the previous promise's date".to_string()]),
                ("items".to_string(), vec!["the promises (900) exceed the balance 640.00".to_string()]),
                ("contact_id".to_string(), vec!["is not a contact attempt on this account".to_string()]),
            ])),
            ..Problem::default()
        };
        assert_eq!(messages_at(&p, Place::DueOn(1)).as_deref(), Some("must be after the previous promise's date"));
        assert_eq!(messages_at(&p, Place::DueOn(0)), None);
        assert_eq!(messages_at(&p, Place::Amount(1)), None);
        assert_eq!(
            messages_at(&p, Place::General).as_deref(),
            Some("Contact id: is not a contact attempt on this account the promises (900) exceed the balance 640.00")
        );
        assert_eq!(messages_at(&Problem::default(), Place::General), None);
    }

    #[test]
    fn a_series_is_checked_as_the_api_checks_it() {
        let today = d("2026-12-01");
        let balance: Decimal = "640.00".parse().unwrap();
        let ok =
            series(&rows(&[("100", "2026-12-05"), ("1,50.5", "2027-01-05")]), "USD", Decimal::ZERO, balance, today);
        assert_eq!(fields(&ok.unwrap_err()), ["items[1].amount"], "an amount the app would not write");
        let ok =
            series(&rows(&[("100", "2026-12-05"), ("150.50", "2027-01-05")]), "USD", Decimal::ZERO, balance, today)
                .unwrap();
        assert_eq!(ok[1], NewPromise { amount: "150.50".parse().unwrap(), due_on: d("2027-01-05") });
        assert_eq!(
            serde_json::to_value(&ok).unwrap(),
            json!([{"amount": "100.00", "due_on": "2026-12-05"}, {"amount": "150.50", "due_on": "2027-01-05"}])
        );
        // Every row's typing at once.
        let typed = series(&rows(&[("", "2026-12-05"), ("1.234", "")]), "USD", Decimal::ZERO, balance, today);
        assert_eq!(fields(&typed.unwrap_err()), ["items[0].amount", "items[1].amount", "items[1].due_on"]);
        // Then the domain's rules: the order of the dates, the horizon, the balance.
        let order = series(&rows(&[("100", "2026-12-05"), ("50", "2026-12-05")]), "USD", Decimal::ZERO, balance, today);
        assert_eq!(fields(&order.unwrap_err()), ["items[1].due_on"]);
        let far = series(&rows(&[("100", "2027-03-02")]), "USD", Decimal::ZERO, balance, today);
        assert_eq!(fields(&far.unwrap_err()), ["items[0].due_on"]);
        let over = series(&rows(&[("600", "2026-12-05")]), "USD", "50".parse().unwrap(), balance, today);
        assert_eq!(fields(&over.unwrap_err()), ["items"]);
    }

    fn promise(series: u128, due_on: &str, amount: &str, status: &str) -> Promise {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(rand_id(due_on)), "account_id": Uuid::from_u128(1), "series_id": Uuid::from_u128(series),
            "amount": amount, "due_on": due_on, "made_on": "2026-11-30", "status": status, "contact_id": null,
            "note": null, "made_by": Uuid::from_u128(2), "made_by_name": "Sarah Mitchell",
            "made_at": "2026-11-30T15:00:00Z", "kept_on": null, "evaluated_on": null, "cancelled_at": null,
            "cancel_reason": null
        }))
        .unwrap()
    }

    fn rand_id(s: &str) -> u128 {
        s.bytes().fold(7, |h, b| h * 31 + b as u128)
    }

    #[test]
    fn pending_promises_count_against_the_balance_and_a_series_is_numbered() {
        let list = [
            promise(9, "2027-01-05", "150.00", "pending"),
            promise(9, "2026-12-05", "100.00", "kept"),
            promise(8, "2026-12-03", "40.00", "pending"),
            promise(7, "2026-12-02", "30.00", "cancelled"),
        ];
        assert_eq!(pending_total(&list), "190.00".parse::<Decimal>().unwrap());
        assert_eq!(in_series(&list, &list[0]), Some((2, 2)));
        assert_eq!(in_series(&list, &list[1]), Some((1, 2)));
        assert_eq!(in_series(&list, &list[2]), None);
    }
}
