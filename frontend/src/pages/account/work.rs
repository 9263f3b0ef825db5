//! The overview tab: the account's and the debtor's details, what stops contact with
//! the debtor and the validation notice, the day's work on it — a contact, a note, a
//! move to another status (the risky moves confirmed first), a payment, changed
//! details, a pause of its aging — then the promises to pay, the contacts and the
//! latest events.

use super::{
    blocks::ContactBlocks,
    contacts::{ContactForm, RecentContacts},
    details::{DetailsForm, PauseForm},
    notice::NoticePanel,
    payments::PaymentForm,
    promises::PromisesPanel,
    timeline::Timeline,
};
use crate::{
    api::{self, AccountDetail, Problem},
    components::{confirm, invalid, options, FieldError, FormError},
    format,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{permission::Operation, AccountStatus};
use leptos::{ev::SubmitEvent, prelude::*};
use uuid::Uuid;

/// How many of the latest events the overview shows.
const RECENT_EVENTS: usize = 5;

#[component]
pub(super) fn Overview(detail: AccountDetail, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let a = detail.account;
    let noter = session.can(Operation::AddNote);
    let mover = session.can(Operation::WorkAccount) && !detail.allowed_transitions.is_empty();
    let payer = a.status.takes_payments() && session.can(Operation::RecordPayment);
    let editor = session.can(Operation::WorkAccount);
    let pauser = session.can(Operation::PauseAging);
    let ssn = a.debtor.ssn_last4.clone().map(|s| if s.starts_with('*') { s } else { format!("***-**-{s}") });
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
    let agency_zone = session.user.with_untracked(|u| u.as_ref()?.agency.as_ref().map(|a| a.time_zone.clone()));
    // The overview's own version: its recent events follow this page's actions.
    let version = RwSignal::new(0u32);
    let reload = Callback::new(move |()| {
        version.update(|v| *v += 1);
        reload.run(());
    });
    view! {
        <div class="grid">
            <section class="card" aria-labelledby="details-h">
                <h2 id="details-h">"Account"</h2>
                <dl>
                    <dt>"Original balance"</dt>
                    <dd>{format::money(&a.original_balance, &a.currency)}</dd>
                    <dt>"Priority"</dt>
                    <dd>{format::priority(a.priority)}</dd>
                    <dt>"Creditor"</dt>
                    <dd>{a.creditor.clone()}</dd>
                    <dt>"Delinquent since"</dt>
                    <dd>{a.delinquency_date.to_string()}</dd>
                </dl>
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
                    <dd>{opt(&a.debtor.date_of_birth.map(|d| d.to_string()))}</dd>
                    <dt>"SSN"</dt>
                    <dd data-testid="ssn">{opt(&ssn)}</dd>
                    <dt>"Time zone"</dt>
                    <dd data-testid="time-zone">{zone_label(a.debtor.time_zone.as_deref(), agency_zone.as_deref())}</dd>
                </dl>
            </section>
        </div>
        <div class="grid">
            <ContactBlocks account_id=a.id />
            <NoticePanel account=a.clone() version=version />
        </div>
        <div class="grid">
            {editor.then(|| view! { <ContactForm account=a.clone() reload=reload /> })}
            {noter.then(|| view! { <NoteForm id=a.id reload=reload /> })}
            {mover
                .then(|| {
                    view! { <TransitionForm id=a.id allowed=detail.allowed_transitions.clone() reload=reload /> }
                })}
            {payer.then(|| view! { <PaymentForm account=a.clone() reload=reload /> })}
            {editor.then(|| view! { <DetailsForm account=a.clone() reload=reload /> })}
            {pauser.then(|| view! { <PauseForm account_id=a.id reload=reload /> })}
        </div>
        <PromisesPanel account=a.clone() version=version />
        <RecentContacts id=a.id version=version />
        <Timeline id=a.id version=version limit=RECENT_EVENTS />
    }
}

#[component]
fn NoteForm(id: Uuid, reload: Callback<()>) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked();
        submission.run(
            move |_| async move { api::add_note(id, text.trim()).await },
            move |_| {
                body.set(String::new());
                reload.run(());
            },
        );
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

/// The debtor's time zone (the calling hours are theirs): their own or their
/// address's, else the agency's (named when known).
pub fn zone_label(debtor: Option<&str>, agency: Option<&str>) -> String {
    match (debtor, agency) {
        (Some(zone), _) => zone.to_string(),
        (None, Some(agency)) => format!("Agency's ({agency})"),
        (None, None) => "The agency's".into(),
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
fn TransitionForm(id: Uuid, allowed: Vec<AccountStatus>, reload: Callback<()>) -> impl IntoView {
    // Nothing chosen until the user chooses: the first allowed move may be a risky one.
    let to = RwSignal::new(None::<AccountStatus>);
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(t) = to.get_untracked() else {
            return submission.refuse(Problem::invalid("to", "Choose the new status."));
        };
        if let Some(consequence) = move_consequence(t) {
            if !confirm(&format!("Move this account to {}? {consequence}", format::label(t.as_str()))) {
                return;
            }
        }
        let r = reason.get_untracked();
        submission.run(move |_| async move { api::transition(id, t, r.trim()).await }, move |_| reload.run(()));
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
                {options(allowed.into_iter().map(AccountStatus::as_str))}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debtors_zone_else_the_agencys() {
        assert_eq!(zone_label(Some("America/Chicago"), Some("America/New_York")), "America/Chicago");
        assert_eq!(zone_label(None, Some("America/New_York")), "Agency's (America/New_York)");
        assert_eq!(zone_label(None, None), "The agency's");
    }
}
