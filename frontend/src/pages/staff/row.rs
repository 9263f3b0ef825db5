//! One staff member in the list, with what an admin does to them: change, reset the
//! password, deactivate or reactivate (each asked first).

use super::Handover;
use crate::{
    api::{self, Problem, User},
    components::confirm,
    format::{self, label},
    session::use_session,
    submit::Submission,
};
use leptos::prelude::*;
use serde_json::json;

#[component]
pub fn StaffRow(
    member: User,
    #[prop(into)] on_edit: Callback<User>,
    #[prop(into)] on_handover: Callback<Handover>,
    #[prop(into)] on_changed: Callback<()>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let myself = use_session().user.with_untracked(|u| u.as_ref().is_some_and(|u| u.id == member.id));
    // The row's refusal (the last admin's seat, say) is shown atop the list.
    let submission = Submission::reporting_to(problem);
    let pending = submission.pending;
    let (id, name, username) = (member.id, member.full_name.clone(), member.username.clone());
    let active = member.is_active;
    let seat = {
        let (id, name) = (id, name.clone());
        move |_| {
            let question = if active {
                format!("Deactivate {name}? They are signed out at once and cannot sign in until reactivated.")
            } else {
                format!("Reactivate {name}? They can sign in again with their password.")
            };
            if confirm(&question) {
                let id = id;
                submission.run(
                    move |_| async move { api::staff::update(id, &json!({ "is_active": !active })).await },
                    move |_| on_changed.run(()),
                );
            }
        }
    };
    let reset = {
        move |_| {
            if confirm(&format!("Reset the password of {name}? They are signed out at once and get a temporary one.")) {
                let (id, name, username) = (id, name.clone(), username.clone());
                submission.run(
                    move |_| async move { api::staff::reset_password(id).await },
                    move |t| {
                        on_handover.run(Handover { name, username, password: t.temporary_password });
                        on_changed.run(());
                    },
                );
            }
        }
    };
    let terms = match (&member.commission_rate, member.account_limit) {
        (Some(rate), Some(limit)) => {
            Some(format!("{} commission · up to {limit} accounts", format::percent(Some(*rate))))
        }
        _ => None,
    };
    let edited = member.clone();
    view! {
        <tr data-testid="staff-member" data-username=member.username.clone() class:inactive=!active>
            <td data-label="Name">
                <strong>{member.full_name.clone()}</strong>
                <br />
                <span class="muted">{member.username.clone()}</span>
            </td>
            <td data-label="Role">{label(member.role.as_str())}</td>
            <td data-label="Email">{member.email.clone()}</td>
            <td data-label="Seat" data-testid="seat">
                {if active { "Active" } else { "Deactivated" }}
                {member.password_change_required.then(|| view! { <span class="badge">"Temporary password"</span> })}
            </td>
            <td data-label="Collector terms">{terms}</td>
            <td class="staff-actions">
                <button class="link" on:click=move |_| on_edit.run(edited.clone())>"Change"</button>
                {(!myself).then(|| view! {
                    <button class="link" data-testid="reset-password" disabled=move || pending.get() on:click=reset>
                        "Reset password"
                    </button>
                    <button class="link" data-testid="toggle-seat" disabled=move || pending.get() on:click=seat>
                        {if active { "Deactivate" } else { "Reactivate" }}
                    </button>
                })}
            </td>
        </tr>
    }
}
