//! Changing an account where the API lets people change it — the debtor's phone, email,
//! address and time zone (an IANA name: their calling hours follow it), the priority and
//! the due date (`PATCH /accounts/{id}`; balances, days past due and status are computed
//! or moved by their own operations) — and pausing its aging for a while, with a reason
//! (managers).

use super::{Done, DoneNote};
use crate::{
    api::{self, Account, Problem},
    components::{invalid, FieldError, FormError},
    format,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{us_zone, Priority};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// The fields changed from what `account` holds (an emptied field is not sent: the API
/// keeps a value rather than clearing it).
pub fn changes(
    account: &Account,
    priority: Priority,
    due_date: &str,
    phone: &str,
    email: &str,
    address: &str,
    time_zone: &str,
) -> Map<String, Value> {
    let mut body = Map::new();
    if priority != account.priority {
        body.insert("priority".into(), json!(priority));
    }
    if !due_date.trim().is_empty() {
        body.insert("due_date".into(), json!(due_date.trim()));
    }
    for (field, typed, now) in [
        ("phone", phone, &account.debtor.phone),
        ("email", email, &account.debtor.email),
        ("address", address, &account.debtor.address),
        ("time_zone", time_zone, &account.debtor.time_zone),
    ] {
        let typed = typed.trim();
        if !typed.is_empty() && Some(typed) != now.as_deref() {
            body.insert(field.into(), json!(typed));
        }
    }
    body
}

#[component]
pub(super) fn DetailsForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let priority = RwSignal::new(account.priority);
    let due_date = RwSignal::new(String::new());
    let phone = RwSignal::new(account.debtor.phone.clone().unwrap_or_default());
    let email = RwSignal::new(account.debtor.email.clone().unwrap_or_default());
    let address = RwSignal::new(account.debtor.address.clone().unwrap_or_default());
    let time_zone = RwSignal::new(account.debtor.time_zone.clone().unwrap_or_default());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("details");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let body = changes(
            &account,
            priority.get_untracked(),
            &due_date.get_untracked(),
            &phone.get_untracked(),
            &email.get_untracked(),
            &address.get_untracked(),
            &time_zone.get_untracked(),
        );
        if body.is_empty() {
            return submission.refuse(Problem { title: "Nothing was changed.".into(), ..Problem::default() });
        }
        let id = account.id;
        submission.run(
            move |_| async move { api::update_account(id, &Value::Object(body)).await },
            move |_| {
                done.set(Some("The account is updated.".into()));
                reload.run(());
            },
        );
    };
    let text = move |id: &'static str,
                     field: &'static str,
                     caption: &'static str,
                     kind: &'static str,
                     value: RwSignal<String>| {
        view! {
            <label for=id>{caption}</label>
            <input id=id name=field type=kind bind:value=value />
            <FieldError problem=problem field=field />
        }
    };
    view! {
        <form class="card" on:submit=submit data-testid="details-form">
            <h2>"Change details"</h2>
            <label for="details-priority">"Priority"</label>
            <select
                id="details-priority"
                name="priority"
                prop:value=move || priority.get().to_string()
                on:change=move |ev| priority.set(event_target_value(&ev).parse().unwrap_or_default())
            >
                {Priority::ALL.map(|p| view! { <option value=p.to_string()>{format::priority(p)}</option> }).collect_view()}
            </select>
            {text("details-due", "due_date", "Due date", "date", due_date)}
            {text("details-phone", "phone", "Debtor's phone", "tel", phone)}
            {text("details-email", "email", "Debtor's email", "email", email)}
            {text("details-address", "address", "Debtor's address", "text", address)}
            <label for="details-time-zone">"Debtor's time zone"</label>
            <input
                id="details-time-zone"
                name="time_zone"
                list="details-time-zones"
                placeholder="America/Chicago"
                autocomplete="off"
                aria-invalid=invalid(problem, "time_zone")
                aria-describedby="details-time-zone-error"
                bind:value=time_zone
            />
            // The zones a US address gives; any IANA name is taken.
            <datalist id="details-time-zones">
                {us_zone::ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
            </datalist>
            <FieldError problem=problem field="time_zone" input="details-time-zone" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get()>"Save details"</button>
            <DoneNote done=done testid="details-done" />
        </form>
    }
}

#[component]
pub(super) fn PauseForm(account_id: Uuid, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let starts_on = RwSignal::new(session.today().to_string());
    let ends_on = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("pause");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        if ends_on.with_untracked(|e| e.is_empty()) {
            return submission.refuse(Problem::invalid("ends_on", "Pick the last day of the pause."));
        }
        if reason.with_untracked(|r| r.trim().is_empty()) {
            return submission.refuse(Problem::invalid("reason", "Say why the account stops aging."));
        }
        let body = json!({
            "starts_on": starts_on.get_untracked(),
            "ends_on": ends_on.get_untracked(),
            "reason": reason.get_untracked().trim(),
        });
        submission.run(
            move |_| async move { api::pause_aging(account_id, &body).await },
            move |_| {
                done.set(Some("Aging is paused for those days.".into()));
                reason.set(String::new());
                reload.run(());
            },
        );
    };
    view! {
        <form class="card" on:submit=submit data-testid="pause-form">
            <h2>"Pause aging"</h2>
            <p class="muted">"While paused (a hardship, a pending dispute), days past due do not grow."</p>
            <label for="pause-from">"From"</label>
            <input id="pause-from" name="starts_on" type="date" bind:value=starts_on />
            <FieldError problem=problem field="starts_on" />
            <label for="pause-until">"Until (the last paused day)"</label>
            <input id="pause-until" name="ends_on" type="date" bind:value=ends_on />
            <FieldError problem=problem field="ends_on" />
            <label for="pause-reason">"Reason"</label>
            <input id="pause-reason" name="reason" bind:value=reason />
            <FieldError problem=problem field="reason" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get()>"Pause aging"</button>
            <DoneNote done=done testid="pause-done" />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Account {
        serde_json::from_value(json!({
            "id": "0193a1b2-0000-7000-8000-0000000000a1", "external_ref": "R1", "status": "assigned",
            "priority": 1, "original_balance": "10.00", "current_balance": "10.00", "currency": "USD",
            "days_past_due": 3, "bucket": "0-30", "delinquency_date": "2026-01-01", "creditor": "Acme",
            "collector_id": null, "created_at": "2026-01-02T09:00:00Z", "updated_at": "2026-01-02T09:00:00Z",
            "debtor": {"id": "0193a1b2-0000-7000-8000-0000000000d1", "full_name": "Jo", "email": "jo@example.com",
                       "phone": null, "address": null, "date_of_birth": null, "ssn_last4": null}
        }))
        .unwrap()
    }

    #[test]
    fn only_what_changed_is_sent() {
        let a = account();
        let p = |n: i16| Priority::try_from(n).unwrap();
        assert!(changes(&a, p(1), "", "", "jo@example.com", " ", "").is_empty());
        let body = changes(&a, p(3), "2026-02-01", "+1 555 0100", "jo@example.com", "", "");
        assert_eq!(Value::Object(body), json!({"priority": 3, "due_date": "2026-02-01", "phone": "+1 555 0100"}));
        let body = changes(&a, p(1), "", "", "", "", " America/Chicago ");
        assert_eq!(Value::Object(body), json!({"time_zone": "America/Chicago"}));
        let mut chicago = account();
        chicago.debtor.time_zone = Some("America/Chicago".into());
        assert!(changes(&chicago, p(1), "", "", "", "", "America/Chicago").is_empty(), "the zone it has");
    }
}
