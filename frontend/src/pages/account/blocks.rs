//! What stops contact with the debtor: the blocks on them, those in force first (why,
//! on which channel or on every one, the reason, who set it and when), then the cleared
//! ones, greyed. Who manages contact blocks (agency admins, managers, compliance) sets
//! one with the form beside the list and clears one in force, after a confirmation;
//! everyone who reads the account sees the list. Bankruptcy, death and cease and desist
//! block every channel, whatever channel is chosen: the form says so and sends none.

use super::{Done, DoneNote};
use crate::{
    api::{self, ContactBlock, Problem},
    components::{confirm, invalid, options, Fetch, FieldError, FormError, Loaded},
    format,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::{
    contact::{Channel, Flag},
    permission::Operation,
};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::{json, Value};
use uuid::Uuid;

/// The longest reason the API takes.
pub const MAX_REASON: usize = 1000;

/// What a channel's block stops, in words.
pub fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Call => "calls",
        Channel::Sms => "text messages",
        Channel::Email => "emails",
        Channel::Letter => "letters",
        Channel::Visit => "visits",
    }
}

/// Which channels a block stops: "every channel" for none named, or for a flag that
/// stops them all whatever channel it was recorded on; else "calls only"….
pub fn scope(flag: Flag, channel: Option<Channel>) -> String {
    match channel.filter(|_| !flag.blocks_every_channel()) {
        Some(c) => format!("{} only", channel_words(c)),
        None => "every channel".into(),
    }
}

/// The blocks in force first, then the cleared ones, each group in the order given.
pub fn in_force_first(mut blocks: Vec<ContactBlock>) -> Vec<ContactBlock> {
    blocks.sort_by_key(|b| b.cleared_at.is_some());
    blocks
}

/// The body of `POST /accounts/{id}/contact-blocks` from the form: a flag chosen and a
/// reason of 1 to [`MAX_REASON`] characters (trimmed), as the API checks them; no
/// channel for a flag that stops every one.
pub fn block_body(flag: Option<Flag>, channel: Option<Channel>, reason: &str) -> Result<Value, Problem> {
    let Some(flag) = flag else {
        return Err(Problem::invalid("flag", "Choose why contact is blocked."));
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Problem::invalid("reason", "Say why (the letter received, the call…)."));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Problem::invalid("reason", format!("At most {MAX_REASON} characters.")));
    }
    let channel = channel.filter(|_| !flag.blocks_every_channel());
    Ok(json!({ "flag": flag, "channel": channel, "reason": reason }))
}

/// The list and, for who manages contact blocks, the form; a grid's cards. The list is
/// read again when a block is set or cleared here, and only then: the overview's other
/// actions change no block, and one more request each time would slow the page.
#[component]
pub(super) fn ContactBlocks(account_id: Uuid) -> impl IntoView {
    let manager = use_session().can(Operation::ManageContactBlocks);
    let blocks = Fetch::new(move || api::contact_blocks(account_id));
    let changed = Callback::new(move |()| blocks.again());
    let cleared = Done::of("block-clear");
    let problem = RwSignal::new(None::<Problem>);
    view! {
        <section class="card" aria-labelledby="blocks-h" data-testid="contact-blocks">
            <h2 id="blocks-h">"Contact blocks"</h2>
            <Loaded
                state=blocks.state
                retry=move |()| blocks.again()
                empty={|list: &Vec<ContactBlock>| {
                    list.is_empty().then_some("No block: the debtor may be contacted within the usual rules.")
                }}
                let:list
            >
                <ul class="contacts">
                    {in_force_first(list)
                        .into_iter()
                        .map(|b| {
                            view! {
                                <BlockItem
                                    block=b
                                    account_id=account_id
                                    clears=manager
                                    done=cleared
                                    problem=problem
                                    changed=changed
                                />
                            }
                        })
                        .collect_view()}
                </ul>
            </Loaded>
            <FormError problem=problem />
            <DoneNote done=cleared testid="block-clear-done" />
        </section>
        {manager.then(|| view! { <BlockForm account_id=account_id changed=changed /> })}
    }
}

#[component]
fn BlockItem(
    block: ContactBlock,
    account_id: Uuid,
    /// The user may clear it (while in force).
    clears: bool,
    done: Done,
    problem: RwSignal<Option<Problem>>,
    changed: Callback<()>,
) -> impl IntoView {
    let b = block;
    let flag = format::label(b.flag.as_str());
    let what = format!("{flag} · {}", scope(b.flag, b.channel));
    let by = b.set_by_name.clone().unwrap_or_else(|| "someone outside the agency".into());
    let set = format!("Set by {by} on {}", format::local_datetime(&b.set_at));
    let in_force = b.cleared_at.is_none();
    let state = if in_force { "in_force" } else { "cleared" };
    let cleared = b.cleared_at.map(|at| format!("Cleared {}", format::local_datetime(&at)));
    let submission = Submission::reporting_to(problem);
    let pending = submission.pending;
    let block_id = b.id;
    let summary = StoredValue::new(what.clone());
    let clear = move |_| {
        let question = format!("Clear the block “{}”? Contact is allowed again on it.", summary.get_value());
        if !confirm(&question) {
            return;
        }
        done.set(None);
        submission.run(
            move |_| async move { api::clear_contact_block(account_id, block_id).await },
            move |_| {
                done.set(Some(format!("Cleared the block “{}”.", summary.get_value())));
                changed.run(());
            },
        );
    };
    view! {
        <li data-testid="contact-block" data-flag=b.flag.as_str() data-state=state class=(!in_force).then_some("muted")>
            <strong>{what}</strong>
            " "
            {if in_force {
                view! { <span class="badge status-disputed">"In force"</span> }.into_any()
            } else {
                view! { <span class="badge status-closed">"Cleared"</span> }.into_any()
            }}
            <p>{b.reason.clone()}</p>
            <p>
                <small class="muted">{set}</small>
                {cleared.map(|c| view! { <small class="muted" data-testid="block-cleared">{format!(" · {c}")}</small> })}
            </p>
            {(clears && in_force)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="link"
                            aria-label=format!("Clear the block {}", summary.get_value())
                            data-testid="block-clear"
                            disabled=move || pending.get()
                            on:click=clear
                        >
                            "Clear"
                        </button>
                    }
                })}
        </li>
    }
}

#[component]
fn BlockForm(account_id: Uuid, changed: Callback<()>) -> impl IntoView {
    let flag = RwSignal::new(None::<Flag>);
    let channel = RwSignal::new(None::<Channel>);
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("block-set");
    let every = move || flag.get().is_some_and(Flag::blocks_every_channel);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let body = match block_body(flag.get_untracked(), channel.get_untracked(), &reason.get_untracked()) {
            Ok(body) => body,
            Err(p) => return submission.refuse(p),
        };
        submission.run(
            move |_| async move { api::set_contact_block(account_id, &body).await },
            move |b| {
                done.set(Some(format!("Blocked: {} · {}.", format::label(b.flag.as_str()), scope(b.flag, b.channel))));
                flag.set(None);
                channel.set(None);
                reason.set(String::new());
                changed.run(());
            },
        );
    };
    view! {
        <form class="card" on:submit=submit on:input=move |_| problem.set(None) data-testid="block-form">
            <h2>"Block contact"</h2>
            <label for="block-flag">"Why"</label>
            <select
                id="block-flag"
                name="flag"
                aria-invalid=invalid(problem, "flag")
                aria-describedby="block-flag-error"
                prop:value=move || flag.get().map(Flag::as_str).unwrap_or_default()
                on:change=move |ev| flag.set(event_target_value(&ev).parse::<Flag>().ok())
            >
                <option value="">"Choose…"</option>
                {options(Flag::ALL.iter().map(|f| f.as_str()))}
            </select>
            <FieldError problem=problem field="flag" input="block-flag" />
            <label for="block-channel">"Channel"</label>
            <select
                id="block-channel"
                name="channel"
                disabled=every
                aria-invalid=invalid(problem, "channel")
                aria-describedby="block-channel-help block-channel-error"
                prop:value=move || if every() { "" } else { channel.get().map(Channel::as_str).unwrap_or_default() }
                on:change=move |ev| channel.set(event_target_value(&ev).parse::<Channel>().ok())
            >
                <option value="">"Every channel"</option>
                {options(Channel::ALL.iter().map(|c| c.as_str()))}
            </select>
            <small id="block-channel-help" class="muted" data-testid="block-every-channel">
                {move || {
                    if every() {
                        "Bankruptcy, deceased and cease and desist block every channel, whatever is chosen."
                    } else {
                        "Bankruptcy, deceased and cease and desist always block every channel."
                    }
                }}
            </small>
            <FieldError problem=problem field="channel" input="block-channel" />
            <label for="block-reason">"Reason"</label>
            <textarea
                id="block-reason"
                name="reason"
                rows="2"
                maxlength=MAX_REASON.to_string()
                aria-invalid=invalid(problem, "reason")
                aria-describedby="block-reason-error"
                bind:value=reason
            ></textarea>
            <FieldError problem=problem field="reason" input="block-reason" />
            <FormError problem=problem />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="block-submit">
                "Set block"
            </button>
            <DoneNote done=done testid="block-done" />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(id: u128, flag: &str, channel: Option<&str>, cleared: bool) -> ContactBlock {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(id), "debtor_id": Uuid::from_u128(9), "flag": flag, "channel": channel,
            "reason": "Letter received.", "set_by": Uuid::from_u128(2), "set_by_name": "Casey Lin",
            "set_at": "2026-12-01T15:00:00Z", "cleared_by": cleared.then(|| Uuid::from_u128(3)),
            "cleared_at": cleared.then_some("2026-12-02T09:00:00Z")
        }))
        .unwrap()
    }

    #[test]
    fn a_block_says_which_channels_it_stops() {
        assert_eq!(scope(Flag::DebtorRequest, Some(Channel::Call)), "calls only");
        assert_eq!(scope(Flag::AttorneyRepresented, Some(Channel::Sms)), "text messages only");
        assert_eq!(scope(Flag::DisputeUnverified, None), "every channel");
        for flag in [Flag::CeaseAndDesist, Flag::Bankruptcy, Flag::Deceased] {
            assert_eq!(scope(flag, Some(Channel::Letter)), "every channel", "{flag}");
        }
        assert_eq!(format::label(Flag::CeaseAndDesist.as_str()), "Cease and desist");
    }

    #[test]
    fn the_blocks_in_force_come_first() {
        let list = vec![
            block(1, "debtor_request", Some("call"), true),
            block(2, "cease_and_desist", None, false),
            block(3, "bankruptcy", None, true),
            block(4, "attorney_represented", Some("email"), false),
        ];
        let ids: Vec<u128> = in_force_first(list).iter().map(|b| b.id.as_u128()).collect();
        assert_eq!(ids, [2, 4, 1, 3]);
    }

    #[test]
    fn the_form_is_checked_as_the_api_checks_it() {
        let fields = |r: Result<Value, Problem>| r.unwrap_err().errors.unwrap().into_keys().collect::<Vec<_>>();
        assert_eq!(fields(block_body(None, None, "x")), ["flag"]);
        assert_eq!(fields(block_body(Some(Flag::Deceased), None, "   ")), ["reason"]);
        assert_eq!(fields(block_body(Some(Flag::Deceased), None, &"é".repeat(MAX_REASON + 1))), ["reason"]);
        assert!(block_body(Some(Flag::Deceased), None, &"é".repeat(MAX_REASON)).is_ok(), "characters, not bytes");
        assert_eq!(
            block_body(Some(Flag::DebtorRequest), Some(Channel::Call), " No calls at work. ").unwrap(),
            json!({"flag": "debtor_request", "channel": "call", "reason": "No calls at work."})
        );
        assert_eq!(
            block_body(Some(Flag::CeaseAndDesist), Some(Channel::Call), "Letter of 2026-11-30").unwrap(),
            json!({"flag": "cease_and_desist", "channel": null, "reason": "Letter of 2026-11-30"}),
            "every channel, whatever was chosen"
        );
    }

    #[test]
    fn blocks_are_managed_by_admins_managers_and_compliance_and_read_by_all() {
        use debtflow_domain::{permission::allows, Role};
        let managing: Vec<Role> =
            Role::ALL.into_iter().filter(|r| allows(*r, Operation::ManageContactBlocks)).collect();
        assert_eq!(managing, [Role::AgencyAdmin, Role::Manager, Role::Compliance]);
        assert!(Role::ALL.into_iter().all(|r| allows(r, Operation::ReadAccounts)));
    }
}
