//! The notification page (`/notifications`): the user's notifications, newest first,
//! unread or all, in pages; each marked read, deleted, or opened at its link; all
//! marked read at once. And the preferences (`/notifications/preferences`): for each
//! kind, whether it shows in the app and how it is mailed.

use crate::{
    api::{
        self,
        notifications::{KindPreference, Notification, NotificationPage},
        Problem,
    },
    bell::NotificationText,
    components::{Cursors, Fetch, FormError, Loaded, PageHeading, Pager},
    live::use_live,
    submit::Submission,
};
use debtflow_domain::notification::{EmailDelivery, NotificationKind};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

const PAGE_SIZE: u32 = 20;

/// What a kind of notification is, in words.
pub fn kind_label(kind: NotificationKind) -> &'static str {
    use NotificationKind::*;
    match kind {
        PaymentReceived => "A payment was received on my account",
        PaymentPendingApproval => "A backdated payment waits for approval",
        PaymentUnapplied => "Money could not be applied",
        PlanPendingApproval => "A plan waits for approval",
        PlanApproved => "My plan was approved",
        PlanRejected => "My plan was rejected",
        InstallmentDue => "An installment is due",
        InstallmentLate => "An installment is late",
        PlanDefaulted => "A plan defaulted",
        AccountAssigned => "Accounts were assigned to me",
        FollowUpDue => "A follow-up reminder is due",
        ImportFinished => "An import finished",
        StaleAccounts => "Accounts went stale",
        JobFailed => "A daily job failed",
        DataQualityFindings => "The ledger check found problems",
        LoginLocked => "Failed logins locked my username",
        PromiseBroken => "A debtor broke a promise to pay",
        HearingReminder => "A hearing of my legal case is coming up",
        MilestoneOverdue => "A recovery milestone is overdue",
        WriteOffPendingDecision => "A write-off waits for the board",
        WriteOffDecided => "My write-off was decided",
    }
}

/// How a kind is mailed, in words.
pub fn email_label(email: EmailDelivery) -> &'static str {
    match email {
        EmailDelivery::Immediately => "At once",
        EmailDelivery::DailyDigest => "Daily digest",
        EmailDelivery::WeeklyDigest => "Weekly digest",
        EmailDelivery::Off => "No e-mail",
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let live = use_live();
    let unread_only = RwSignal::new(false);
    let cursors = Cursors::new();
    let problem = RwSignal::new(None::<Problem>);
    // Read again as each notification arrives.
    let list = Fetch::new(move || {
        live.received.track();
        let (unread, cursor) = (unread_only.get(), cursors.current.get());
        async move { api::notifications::list(unread, PAGE_SIZE, &cursor).await }
    });
    // The unread count each answer brings.
    Effect::new(move |_| {
        if let Some(n) = list.state.with(|s| s.as_ref().and_then(|r| r.as_ref().ok()).map(|page| page.unread_count)) {
            live.set_count(n);
        }
    });
    let set_filter = move |unread: bool| {
        move |_| {
            unread_only.set(unread);
            cursors.reset();
        }
    };
    let read_all = move |_| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::notifications::mark_all_read().await {
                Ok(n) => {
                    live.set_count(n);
                    list.again();
                }
                Err(p) => {
                    let _ = problem.try_set(Some(p));
                }
            }
        });
    };
    let act = move |id: Uuid, delete: bool| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = if delete {
                api::notifications::remove(id).await
            } else {
                api::notifications::mark_read(id).await.map(|_| ())
            };
            match r {
                Ok(()) => list.again(),
                Err(p) => {
                    let _ = problem.try_set(Some(p));
                }
            }
        });
    };
    view! {
        <section class="notifications-page">
            <PageHeading text="Notifications" />
            <div class="notifications-tools">
                <fieldset class="segmented">
                    <legend class="sr-only">"Show"</legend>
                    <label>
                        <input type="radio" name="which" checked=move || !unread_only.get() on:change=set_filter(false) />
                        "All"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="which"
                            data-testid="unread-only"
                            checked=move || unread_only.get()
                            on:change=set_filter(true)
                        />
                        "Unread"
                    </label>
                </fieldset>
                <button on:click=read_all data-testid="page-read-all" disabled=move || live.unread.get() == Some(0)>
                    "Mark all read"
                </button>
                <A href="/notifications/preferences">"Preferences"</A>
            </div>
            <FormError problem=problem />
            <Loaded
                state=list.state
                retry=move |()| list.again()
                empty={move |page: &NotificationPage| {
                    page.items.is_empty().then(|| {
                        if unread_only.get_untracked() { "No unread notifications." } else { "No notifications yet." }
                    })
                }}
                let:page
            >
                <ul class="notification-list card" data-testid="notifications">
                    {page.items.into_iter().map(|n| view! { <Row n=n act=act /> }).collect_view()}
                </ul>
                <Pager cursors=cursors next=page.next_cursor label="Pages" />
            </Loaded>
        </section>
    }
}

#[component]
fn Row(n: Notification, act: impl Fn(Uuid, bool) + Copy + 'static) -> impl IntoView {
    let unread = n.is_unread();
    let link = n.link.clone();
    let id = n.id;
    let kind = n.kind.as_str();
    let open = move |_| {
        if unread {
            act(id, false);
        }
    };
    view! {
        <li class:unread=unread data-testid="notification" data-kind=kind>
            <NotificationText n=n />
            <div class="row-actions">
                {link.map(|l| view! { <A href=l on:click=open attr:data-testid="open">"Open"</A> })}
                {unread.then(|| view! {
                    <button class="link" data-testid="mark-read" on:click=move |_| act(id, false)>
                        "Mark read"
                    </button>
                })}
                <button class="link danger" data-testid="delete" on:click=move |_| act(id, true)>
                    "Delete"
                </button>
            </div>
        </li>
    }
}

#[component]
pub fn PreferencesPage() -> impl IntoView {
    // What the form is drawn from; the user's changes go to `draft`, so a change does
    // not draw the form again (and take the focus away).
    let prefs = Fetch::new(api::notifications::preferences);
    let draft = StoredValue::new(Vec::<KindPreference>::new());
    Effect::new(move |_| {
        if let Some(Ok(list)) = prefs.state.get() {
            draft.set_value(list);
        }
    });
    let saved = RwSignal::new(false);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let update = move |kind: NotificationKind, change: Box<dyn Fn(&mut KindPreference)>| {
        saved.set(false);
        problem.set(None);
        draft.update_value(|list| {
            if let Some(k) = list.iter_mut().find(|k| k.kind == kind) {
                change(k);
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = draft.get_value();
        submission.run(
            move |_| async move { api::notifications::set_preferences(&list).await },
            move |after| {
                prefs.set(after);
                saved.set(true);
            },
        );
    };
    view! {
        <section class="preferences-page">
            <PageHeading text="Notification preferences" />
            <p><A href="/notifications">"Back to the notifications"</A></p>
            <Loaded state=prefs.state retry=move |()| prefs.again() let:list>
                <form class="card" on:submit=save data-testid="preferences">
                    <table class="preferences">
                        <caption class="sr-only">"How each kind of notification reaches you"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Notification"</th>
                                <th scope="col">"In the app"</th>
                                <th scope="col">"E-mail"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|p| {
                                    let kind = p.kind;
                                    let app_id = format!("in-app-{}", kind.as_str());
                                    let mail_id = format!("email-{}", kind.as_str());
                                    view! {
                                        <tr data-kind=kind.as_str()>
                                            <th scope="row" id=format!("kind-{}", kind.as_str())>{kind_label(kind)}</th>
                                            <td data-label="In the app">
                                                <input
                                                    type="checkbox"
                                                    id=app_id.clone()
                                                    aria-labelledby=format!("kind-{0} {app_id}-l", kind.as_str())
                                                    checked=p.in_app
                                                    disabled=p.mandatory
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        update(kind, Box::new(move |k| k.in_app = on))
                                                    }
                                                />
                                                <label for=app_id.clone() id=format!("{app_id}-l")>
                                                    {if p.mandatory { "Shown (always)" } else { "Shown" }}
                                                </label>
                                            </td>
                                            <td data-label="E-mail">
                                                <label class="sr-only" for=mail_id.clone()>
                                                    {format!("E-mail for: {}", kind_label(kind))}
                                                </label>
                                                <select
                                                    id=mail_id
                                                    on:change=move |ev| {
                                                        let v = event_target_value(&ev);
                                                        if let Ok(email) = v.parse::<EmailDelivery>() {
                                                            update(kind, Box::new(move |k| k.email = email))
                                                        }
                                                    }
                                                >
                                                    {EmailDelivery::ALL
                                                        .iter()
                                                        .map(|e| {
                                                            view! {
                                                                <option value=e.as_str() selected=*e == p.email>
                                                                    {email_label(*e)}
                                                                </option>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    <FormError problem=problem />
                    <button type="submit" class="primary" disabled=move || pending.get() data-testid="save-preferences">
                        "Save preferences"
                    </button>
                    <span role="status" class="ok">{move || saved.get().then_some(" Saved.")}</span>
                </form>
            </Loaded>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_delivery_has_words() {
        for kind in NotificationKind::ALL {
            assert!(!kind_label(*kind).is_empty());
        }
        assert_eq!(email_label(EmailDelivery::DailyDigest), "Daily digest");
    }
}
