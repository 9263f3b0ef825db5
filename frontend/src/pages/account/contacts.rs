//! Reaching the debtor: the form a collector records an attempt with — channel,
//! direction, outcome, the number or address used, notes — and the latest attempts.
//! The API's Regulation F guardrails may refuse an outbound attempt (outside the
//! debtor's calling hours, an 8th call in 7 days, a call within 7 days after a
//! conversation, a blocked channel): the form says which rule, and when it is allowed
//! again on the user's own clock.

use crate::{
    api::{self, Account, ContactAttempt, Page, Problem},
    components::{invalid, options, Fetch, FieldError, FormError, Loaded},
    format,
    submit::Submission,
};
use debtflow_domain::contact::{Channel, Direction, Outcome};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::json;
use uuid::Uuid;

/// What the form proposes to write in "used" for `channel`: the debtor's number for a
/// call or a text, their email for an email, their address for a letter or a visit.
pub fn used_for(account: &Account, channel: Channel) -> String {
    let d = &account.debtor;
    match channel {
        Channel::Call | Channel::Sms => d.phone.clone(),
        Channel::Email => d.email.clone(),
        Channel::Letter | Channel::Visit => d.address.clone(),
    }
    .unwrap_or_default()
}

/// A guardrail's refusal with its time in the user's own time zone.
fn refusal(p: &Problem) -> Option<String> {
    p.allowed_at.map(|at| format!("Allowed from {} (your time).", format::local_datetime(&at)))
}

#[component]
pub(super) fn ContactForm(account: Account, reload: Callback<()>) -> impl IntoView {
    let id = account.id;
    let channel = RwSignal::new(Channel::Call);
    let direction = RwSignal::new(Direction::Outbound);
    let outcome = RwSignal::new(Outcome::NoAnswer);
    let used = RwSignal::new(used_for(&account, Channel::Call));
    let notes = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let choose_channel = move |ev| {
        if let Ok(c) = event_target_value(&ev).parse::<Channel>() {
            channel.set(c);
            used.set(used_for(&account, c));
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = json!({
            "channel": channel.get_untracked(), "direction": direction.get_untracked(),
            "outcome": outcome.get_untracked(), "used": used.get_untracked(), "notes": notes.get_untracked(),
        });
        submission.run(
            move |_| async move { api::record_contact(id, &body).await },
            move |_| {
                notes.set(String::new());
                reload.run(());
            },
        );
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="contact-form">
            <h2>"Record a contact"</h2>
            <label for="contact-channel">"Channel"</label>
            <select id="contact-channel" name="channel" on:change=choose_channel>
                {options(Channel::ALL.iter().map(|c| c.as_str()))}
            </select>
            <label for="contact-direction">"Direction"</label>
            <select
                id="contact-direction"
                name="direction"
                on:change=move |ev| direction.set(event_target_value(&ev).parse().unwrap_or(Direction::Outbound))
            >
                {options(Direction::ALL.iter().map(|d| d.as_str()))}
            </select>
            <label for="contact-outcome">"Outcome"</label>
            <select
                id="contact-outcome"
                name="outcome"
                on:change=move |ev| outcome.set(event_target_value(&ev).parse().unwrap_or(Outcome::NoAnswer))
            >
                {options(Outcome::ALL.iter().map(|o| o.as_str()))}
            </select>
            <label for="contact-used">"Number or address used"</label>
            <input
                id="contact-used"
                name="used"
                maxlength="500"
                aria-invalid=invalid(problem, "used")
                aria-describedby="contact-used-error"
                bind:value=used
            />
            <FieldError problem=problem field="used" input="contact-used" />
            <label for="contact-notes">"Notes"</label>
            <textarea
                id="contact-notes"
                name="notes"
                rows="2"
                maxlength="5000"
                aria-invalid=invalid(problem, "notes")
                aria-describedby="contact-notes-error"
                bind:value=notes
            ></textarea>
            <FieldError problem=problem field="notes" input="contact-notes" />
            <FormError problem=problem />
            {move || {
                problem
                    .with(|p| p.as_ref().and_then(refusal))
                    .map(|t| view! { <p class="muted" data-testid="contact-allowed-at">{t}</p> })
            }}
            <button type="submit" class="primary" disabled=move || pending.get()>
                "Record contact"
            </button>
        </form>
    }
}

/// The latest attempts, newest first.
#[component]
pub(super) fn RecentContacts(id: Uuid, version: RwSignal<u32>) -> impl IntoView {
    let contacts = Fetch::new(move || {
        version.get();
        api::contacts(id)
    });
    view! {
        <section class="card" aria-labelledby="contacts-h" data-testid="contacts">
            <h2 id="contacts-h">"Contacts"</h2>
            <Loaded
                state=contacts.state
                retry=move |()| contacts.again()
                empty={|p: &Page<ContactAttempt>| p.items.is_empty().then_some("No contact recorded yet.")}
                let:page
            >
                <ul class="contacts">
                    {page.items.into_iter().map(|c| view! { <ContactItem c=c /> }).collect_view()}
                </ul>
            </Loaded>
        </section>
    }
}

#[component]
fn ContactItem(c: ContactAttempt) -> impl IntoView {
    let what = format!(
        "{} {} · {}",
        format::label(c.direction.as_str()),
        c.channel.as_str(),
        format::label(c.outcome.as_str()).to_lowercase()
    );
    let by = c.recorded_by_name.clone().unwrap_or_else(|| "the system".into());
    view! {
        <li data-testid="contact" data-outcome=c.outcome.as_str()>
            <span>{what}</span>
            <small class="muted">{format!(" {} by {by}", format::local_datetime(&c.occurred_at))}</small>
            {c.notes.map(|n| view! { <p>{n}</p> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_proposed_follows_the_channel() {
        let account: Account = serde_json::from_value(json!({
            "id": "0193a1b2-0000-7000-8000-0000000000a1", "external_ref": "R1", "status": "assigned",
            "priority": 1, "original_balance": "10.00", "current_balance": "10.00", "currency": "USD",
            "days_past_due": 3, "bucket": "0-30", "delinquency_date": "2026-01-01", "creditor": "Acme",
            "collector_id": null, "created_at": "2026-01-02T09:00:00Z", "updated_at": "2026-01-02T09:00:00Z",
            "debtor": {"id": "0193a1b2-0000-7000-8000-0000000000d1", "full_name": "Jo", "email": "jo@example.com",
                       "phone": "+1 555 0100", "address": null, "date_of_birth": null, "ssn_last4": null}
        }))
        .unwrap();
        assert_eq!(used_for(&account, Channel::Sms), "+1 555 0100");
        assert_eq!(used_for(&account, Channel::Email), "jo@example.com");
        assert_eq!(used_for(&account, Channel::Letter), "", "no address on file");
    }
}
