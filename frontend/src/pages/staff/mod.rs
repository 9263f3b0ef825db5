//! `/staff`: the agency's staff of every role, for its agency admins. Filter by name,
//! role and seat; add someone (the server makes up a temporary password, shown here
//! once); change a name, email, role or a collector's terms; deactivate, reactivate,
//! reset a password. The server's refusals (the last admin's seat, a collector still
//! holding accounts) are shown as it words them.

mod form;
mod row;

use crate::{
    api::{self, staff::Filter, Page, Problem, User},
    components::{Cursors, Fetch, Forbidden, FormError, Loaded, PageHeading, Pager},
    format::label,
};
use debtflow_domain::staff::STAFF_ROLES;
use form::{Saved, StaffForm};
use leptos::prelude::*;
use row::StaffRow;

/// Whether the signed-in user manages staff (the `/staff` link).
pub fn is_for(session: crate::session::Session) -> bool {
    session.can(debtflow_domain::permission::Operation::ManageStaff)
}

/// A temporary password to hand over, and to whom.
#[derive(Clone, Debug, PartialEq)]
pub struct Handover {
    pub name: String,
    pub username: String,
    pub password: String,
}

/// The form open: a new staff member, or one being changed.
#[derive(Clone, Debug)]
enum Editing {
    New,
    Member(User),
}

#[component]
pub fn StaffPage() -> impl IntoView {
    if !is_for(crate::session::use_session()) {
        return view! { <Forbidden text="Staff are managed by agency admins" /> }.into_any();
    }
    let filter = RwSignal::new(Filter { active: Some(true), ..Filter::default() });
    let cursors = Cursors::new();
    let list = Fetch::new(move || {
        let (f, cursor) = (filter.get(), cursors.current.get());
        async move { api::staff::list(&f, &cursor).await }
    });
    let editing = RwSignal::new(None::<Editing>);
    let handover = RwSignal::new(None::<Handover>);
    let problem = RwSignal::new(None::<Problem>);
    let refetch = move || list.again();
    let set_filter = move |change: Box<dyn Fn(&mut Filter)>| {
        filter.update(|f| change(f));
        cursors.reset();
    };
    let saved = move |saved: Saved| {
        editing.set(None);
        if let Saved::Added(created) = saved {
            handover.set(Some(Handover {
                name: created.user.full_name,
                username: created.user.username,
                password: created.password.temporary_password,
            }));
        }
        refetch();
    };
    view! {
        <section class="staff-page">
            <PageHeading text="Staff" />
            <div class="filters">
                <label>
                    "Search"
                    <input
                        type="search"
                        placeholder="Name, username or email"
                        data-testid="staff-search"
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            set_filter(Box::new(move |f| f.text = text.clone()));
                        }
                    />
                </label>
                <label>
                    "Role"
                    <select
                        data-testid="staff-role-filter"
                        on:change=move |ev| {
                            let role = event_target_value(&ev).parse().ok();
                            set_filter(Box::new(move |f| f.role = role));
                        }
                    >
                        <option value="">"Every role"</option>
                        {STAFF_ROLES.into_iter().map(|r| view! { <option value=r.as_str()>{label(r.as_str())}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "Seat"
                    <select on:change=move |ev| {
                        let active = match event_target_value(&ev).as_str() {
                            "active" => Some(true),
                            "inactive" => Some(false),
                            _ => None,
                        };
                        set_filter(Box::new(move |f| f.active = active));
                    }>
                        <option value="active">"Active"</option>
                        <option value="inactive">"Deactivated"</option>
                        <option value="">"Everyone"</option>
                    </select>
                </label>
                <button class="primary" data-testid="add-staff" on:click=move |_| editing.set(Some(Editing::New))>
                    "Add a staff member"
                </button>
            </div>
            {move || handover.get().map(|h| view! { <HandoverBox handover=h on_close=move |_| handover.set(None) /> })}
            {move || editing.get().map(|e| {
                let existing = match e {
                    Editing::New => None,
                    Editing::Member(m) => Some(m),
                };
                view! { <StaffForm existing=existing on_saved=saved on_cancel=move |_| editing.set(None) /> }
            })}
            <FormError problem=problem />
            <Loaded
                state=list.state
                retry=move |()| refetch()
                empty={|page: &Page<User>| page.items.is_empty().then_some("Nobody matches these filters.")}
                let:page
            >
                <div class="table-wrap">
                    <table class="staff stacked" data-testid="staff">
                        <thead>
                            <tr>
                                <th>"Name"</th>
                                <th>"Role"</th>
                                <th>"Email"</th>
                                <th>"Seat"</th>
                                <th>"Collector terms"</th>
                                <th><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {page
                                .items
                                .into_iter()
                                .map(|m| view! {
                                    <StaffRow
                                        member=m
                                        on_edit=move |m| editing.set(Some(Editing::Member(m)))
                                        on_handover=move |h| handover.set(Some(h))
                                        on_changed=move |_| refetch()
                                        problem=problem
                                    />
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager cursors=cursors next=page.next_cursor label="Pages" />
            </Loaded>
        </section>
    }
    .into_any()
}

/// A temporary password, shown once, with what to do with it.
#[component]
fn HandoverBox(handover: Handover, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let password = handover.password.clone();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&password);
            copied.set(true);
        }
    };
    view! {
        <section class="card handover" role="status" data-testid="handover">
            <h2>{format!("Temporary password for {}", handover.name)}</h2>
            <p>
                {format!(
                    "Give it to {} in person or by phone. It is shown only now; at their first sign-in as {} they must \
                     choose their own.",
                    handover.name, handover.username,
                )}
            </p>
            <p class="secret">
                <code data-testid="temporary-password">{handover.password.clone()}</code>
                <button type="button" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
            </p>
            <button type="button" on:click=move |_| on_close.run(())>"Done"</button>
        </section>
    }
}
