//! Write-off requests on the account: a manager drafts one for the whole balance (the
//! amount proposed, and checked by the domain's rule before sending), changes or
//! deletes the draft, and recommends it to the board (compliance or an agency admin),
//! who approves or rejects it with minutes from the approvals page. A decided request
//! is read-only, with its minutes. While one is open, no other is drafted; when the
//! balance moved since the amount was set, the request says so.

use super::{documents::RecordDocuments, loaded, Opener, Records, Said};
use crate::{
    api::{self, documents::DocumentSubject, remedial::WriteOff, Account, Problem},
    components::{confirm, invalid, Loaded, OtherErrors},
    format::{self, money},
    pages::account::{Done, DoneNote},
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    permission::Operation,
    remedial::{
        write_off::{check_amount, WriteOffStatus, WriteOffStep},
        Lifecycle,
    },
    Currency, Money,
};
use leptos::{ev::SubmitEvent, prelude::*};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The amount typed, checked with the domain's rule: the whole `balance`.
pub fn whole_balance(text: &str, balance: Decimal, currency: &str) -> Result<Decimal, Problem> {
    let amount = Problem::amount("amount", text, currency)?;
    let c = Currency::parse(currency).map_err(|e| Problem::invalid("amount", e.to_string()))?;
    let (typed, owed) = (Money::new(amount, c), Money::new(balance, c));
    if let (Ok(typed), Ok(owed)) = (typed, owed) {
        check_amount(typed, owed).map_err(|e| Problem::invalid(e.field, e.message))?;
    }
    Ok(amount)
}

/// Whether a request is still open (a draft, or waiting for the board).
fn open(w: &WriteOff) -> bool {
    !w.status.is_decided()
}

/// What a request's amount says against the balance now, while it is open.
pub fn balance_moved(w: &WriteOff) -> Option<String> {
    (open(w) && w.amount != w.current_balance).then(|| {
        let now = money(&w.current_balance, &w.currency);
        match w.status {
            WriteOffStatus::Draft => format!("The balance is now {now}: change the amount to it before recommending."),
            _ => format!("The balance is now {now}: the board cannot approve this amount; it rejects it, and a new request is drafted."),
        }
    })
}

#[component]
pub(super) fn WriteOffs(account: Account) -> impl IntoView {
    let records = expect_context::<Records>();
    let recommender = use_session().can(Operation::RecommendWriteOff);
    let writable = account.status.can_be_written_off() && account.current_balance > Decimal::ZERO;
    let adding = RwSignal::new(false);
    let done = Done::of("write-off");
    // None open: a request may be drafted.
    let none_open = move || records.write_offs.state.with(|s| matches!(s, Some(Ok(_))) && !loaded(s).iter().any(open));
    let currency = StoredValue::new(account.currency.clone());
    let why_not = (recommender && !writable && account.status.is_open()).then_some(
        "A write-off is requested while the account is being worked: not on a payment plan (cancel it first), \
         nor disputed, and with a balance.",
    );
    view! {
        <section class="card" aria-labelledby="write-off-h" data-testid="write-offs">
            <h2 id="write-off-h">"Write-off"</h2>
            <Loaded
                state=records.write_offs.state
                retry=move |()| records.write_offs.again()
                empty={|list: &Vec<WriteOff>| list.is_empty().then_some("No write-off requested.")}
                let:list
            >
                <ul class="records">
                    {list
                        .into_iter()
                        .map(|w| view! { <WriteOffItem write_off=w recommender=recommender done=done /> })
                        .collect_view()}
                </ul>
            </Loaded>
            <DoneNote done=done testid="write-off-done" />
            {why_not.map(|w| view! { <p class="muted small">{w}</p> })}
            {(recommender && writable)
                .then(|| {
                    view! {
                        <Show when=none_open>
                            <div class="actions">
                                <Opener open=adding label="Request a write-off" testid="write-off-new" />
                            </div>
                            <Show when=move || adding.get()>
                                <WriteOffForm
                                    account_id=account.id
                                    balance=account.current_balance
                                    currency=currency.get_value()
                                    draft=None
                                    done=done
                                    close=Callback::new(move |()| adding.set(false))
                                />
                            </Show>
                        </Show>
                    }
                })}
        </section>
    }
}

#[component]
fn WriteOffItem(write_off: WriteOff, recommender: bool, done: Done) -> impl IntoView {
    let records = expect_context::<Records>();
    let editing = RwSignal::new(false);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let w = write_off;
    let (id, status) = (w.id, w.status);
    let may = |step: WriteOffStep| recommender && status.after(step).is_some();
    let amount = money(&w.amount, &w.currency);
    let confirm_text = format!(
        "Recommend writing off {amount}? Compliance or an agency admin decides; if approved, the account is closed."
    );
    let recommend = move |_| {
        if pending.get_untracked() || !confirm(&confirm_text) {
            return;
        }
        done.set(None);
        submission.run(
            move |_| async move { api::remedial::recommend_write_off(id).await },
            move |_| {
                done.set(Some("Write-off recommended: the board decides.".into()));
                records.write_offs.again();
            },
        );
    };
    let delete = move |_| {
        if pending.get_untracked() || !confirm("Delete this draft write-off request?") {
            return;
        }
        done.set(None);
        submission.run(
            move |_| async move { api::remedial::delete_write_off(id).await },
            move |()| {
                done.set(Some("The draft write-off request is deleted.".into()));
                records.write_offs.again();
            },
        );
    };
    let person = |name: &Option<String>| name.clone().unwrap_or_else(|| "someone outside the agency".into());
    let mut history = vec![format!("Drafted {} by {}", w.created_at.date_naive(), person(&w.created_by_name))];
    if let Some(at) = w.recommended_at {
        history.push(format!("recommended {} by {}", at.date_naive(), person(&w.recommended_by_name)));
    }
    if let (Some(on), true) = (w.decided_on, status.is_decided()) {
        history.push(format!(
            "{} {on} by {}",
            format::label(status.as_str()).to_lowercase(),
            person(&w.decided_by_name)
        ));
    }
    let waiting = (status == WriteOffStatus::Recommended).then_some("Waiting for the board's decision.");
    let draft = StoredValue::new(w.clone());
    view! {
        <li class="record" data-testid="write-off" data-status=status.as_str()>
            <h3>
                {format!("Write-off of {amount} ")}
                <span class=format!("badge write-off-{status}") data-testid="write-off-status">
                    {format::label(status.as_str())}
                </span>
            </h3>
            <p data-testid="write-off-reason">{w.reason.clone()}</p>
            <p class="muted small">{history.join(", ")}"."</p>
            {waiting.map(|t| view! { <p>{t}</p> })}
            {balance_moved(&w).map(|t| view! { <p class="notice" data-testid="write-off-balance-moved">{t}</p> })}
            {w.minutes.clone().map(|m| view! { <p data-testid="write-off-minutes"><strong>"Board minutes: "</strong>{m}</p> })}
            {may(WriteOffStep::Recommend)
                .then(|| {
                    view! {
                        <div class="actions">
                            <button
                                type="button"
                                class="primary"
                                on:click=recommend
                                disabled=move || pending.get()
                                data-testid="write-off-recommend"
                            >
                                "Recommend to the board"
                            </button>
                            <Opener open=editing label="Change" testid="write-off-edit" />
                            <button type="button" on:click=delete disabled=move || pending.get() data-testid="write-off-delete">
                                "Delete the draft"
                            </button>
                        </div>
                    }
                })}
            <OtherErrors problem=problem placed=&[] />
            <Show when=move || editing.get()>
                {
                    let w = draft.get_value();
                    view! {
                        <WriteOffForm
                            account_id=w.account_id
                            balance=w.current_balance
                            currency=w.currency.clone()
                            draft=Some(w)
                            done=done
                            close=Callback::new(move |()| editing.set(false))
                        />
                    }
                }
            </Show>
            <RecordDocuments kind=DocumentSubject::WriteOff id=id />
        </li>
    }
}

/// A new request (the amount proposed: the whole balance), or a draft's changed.
#[component]
fn WriteOffForm(
    account_id: Uuid,
    balance: Decimal,
    currency: String,
    draft: Option<WriteOff>,
    done: Done,
    close: Callback<()>,
) -> impl IntoView {
    let records = expect_context::<Records>();
    // A draft proposes the balance now when it moved since.
    let amount = RwSignal::new(balance.to_string());
    let reason = RwSignal::new(draft.as_ref().map(|d| d.reason.clone()).unwrap_or_default());
    let editing = draft.as_ref().map(|d| (d.id, d.amount, d.reason.clone()));
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let p = editing.as_ref().map(|(id, ..)| format!("write-off-{id}")).unwrap_or_else(|| "write-off-new".into());
    let caption = format!("Amount ({currency}): the whole balance, {}", money(&balance, &currency));
    let edited = editing.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let typed = match whole_balance(&amount.get_untracked(), balance, &currency) {
            Ok(a) => a,
            Err(p) => return submission.refuse(p),
        };
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            return submission.refuse(Problem::invalid("reason", "Say why the balance cannot be collected."));
        }
        match edited.clone() {
            Some((id, was, said)) => {
                // Only what changed.
                let mut body = Map::new();
                if typed != was {
                    body.insert("amount".into(), json!(typed));
                }
                if r != said {
                    body.insert("reason".into(), json!(r));
                }
                if body.is_empty() {
                    return submission.refuse(Problem { title: "Nothing was changed.".into(), ..Problem::default() });
                }
                let body = Value::Object(body);
                submission.run(
                    move |_| async move { api::remedial::edit_write_off(id, &body).await },
                    move |_| {
                        done.set(Some("The draft write-off request is changed.".into()));
                        records.write_offs.again();
                    },
                );
            }
            None => {
                let body = json!({ "amount": typed, "reason": r });
                submission.run(
                    move |_| async move { api::remedial::request_write_off(account_id, &body).await },
                    move |_| {
                        done.set(Some("Write-off drafted: recommend it to the board when it is ready.".into()));
                        close.run(());
                        records.write_offs.again();
                    },
                );
            }
        }
    };
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="write-off-form">
            <h3>{if editing.is_some() { "Change the draft" } else { "Request a write-off" }}</h3>
            <label for=format!("{p}-amount")>{caption}</label>
            <input
                id=format!("{p}-amount")
                name="amount"
                inputmode="decimal"
                required
                aria-invalid=invalid(problem, "amount")
                aria-describedby=format!("{p}-amount-error")
                bind:value=amount
            />
            <Said problem=problem field="amount" id=format!("{p}-amount") />
            <label for=format!("{p}-reason")>"Why it cannot be collected"</label>
            <textarea
                id=format!("{p}-reason")
                name="reason"
                rows="3"
                required
                maxlength="2000"
                aria-invalid=invalid(problem, "reason")
                aria-describedby=format!("{p}-reason-error")
                bind:value=reason
            ></textarea>
            <Said problem=problem field="reason" id=format!("{p}-reason") />
            <OtherErrors problem=problem placed=&["amount", "reason"] />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="write-off-submit">
                    {if editing.is_some() { "Save the draft" } else { "Draft the request" }}
                </button>
                <button type="button" class="link" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn write_off(status: &str, amount: &str, balance: &str) -> WriteOff {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "account_id": Uuid::from_u128(2), "account_ref": "ACC-1",
            "debtor_name": "Penny", "status": status, "amount": amount, "current_balance": balance,
            "currency": "USD", "reason": "Deceased", "created_by": Uuid::from_u128(3), "created_by_name": null,
            "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z", "recommended_by": null,
            "recommended_by_name": null, "recommended_at": null, "decided_by": null, "decided_by_name": null,
            "decided_at": null, "decided_on": null, "minutes": null, "entry_id": null
        }))
        .unwrap()
    }

    #[test]
    fn a_write_off_is_of_the_whole_balance() {
        assert_eq!(whole_balance("1,830.00", d("1830.00"), "USD"), Ok(d("1830.00")));
        let part = whole_balance("1000", d("1830.00"), "USD").unwrap_err();
        assert!(part.field("amount").unwrap().contains("whole balance"), "{part:?}");
        assert!(whole_balance("abc", d("1830.00"), "USD").unwrap_err().field("amount").is_some());
    }

    #[test]
    fn a_moved_balance_is_said_while_the_request_is_open() {
        assert_eq!(balance_moved(&write_off("draft", "100.00", "100.00")), None);
        assert!(balance_moved(&write_off("draft", "100.00", "80.00")).unwrap().contains("change the amount"));
        assert!(balance_moved(&write_off("recommended", "100.00", "80.00")).unwrap().contains("cannot approve"));
        assert_eq!(balance_moved(&write_off("approved", "100.00", "0.00")), None, "decided: as it was");
    }
}
