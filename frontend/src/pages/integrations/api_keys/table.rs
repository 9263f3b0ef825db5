//! The agency's keys as a table (cards at phone width, `table.cards`): name, prefix,
//! scopes, when created, last used and expiring, where each stands, and "Revoke" for a
//! key not revoked yet, after a confirmation naming it.

use crate::{
    api::{self, api_keys::ApiKey, Problem},
    components::confirm,
    format,
    submit::Submission,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    /// Past its expiry: refused, though nobody revoked it.
    Expired,
    Revoked,
}

impl KeyStatus {
    /// Where `key` stands at `now`: revoked whatever its expiry, else expired from its
    /// expiry on.
    pub fn of(key: &ApiKey, now: DateTime<Utc>) -> Self {
        match (key.revoked_at, key.expires_at) {
            (Some(_), _) => KeyStatus::Revoked,
            (None, Some(expiry)) if expiry <= now => KeyStatus::Expired,
            _ => KeyStatus::Active,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Expired => "Expired",
            KeyStatus::Revoked => "Revoked",
        }
    }

    fn class(self) -> &'static str {
        match self {
            KeyStatus::Active => "badge key-active",
            KeyStatus::Expired => "badge key-expired",
            KeyStatus::Revoked => "badge key-revoked",
        }
    }
}

/// The question asked before revoking `key`.
pub fn revoke_question(key: &ApiKey) -> String {
    format!(
        "Revoke the API key “{}” ({})?\n\nEvery system using it is refused from its next request. This cannot be undone.",
        key.name, key.prefix
    )
}

/// An instant in the user's time, with the instant for machines.
fn when(at: &DateTime<Utc>) -> impl IntoView {
    view! { <time datetime=format::iso(at)>{format::local_datetime(at)}</time> }
}

/// The day of an instant in the user's time, the minute in its tooltip.
fn day_of(at: &DateTime<Utc>) -> impl IntoView {
    let local = format::local_datetime(at);
    let day = local.split(' ').next().unwrap_or_default().to_owned();
    view! { <time datetime=format::iso(at) title=local>{day}</time> }
}

#[component]
pub fn KeyTable(
    keys: Vec<ApiKey>,
    now: DateTime<Utc>,
    #[prop(into)] on_revoked: Callback<ApiKey>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="api-key-list cards" data-testid="api-key-list">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Prefix"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {keys
                        .into_iter()
                        .map(|key| view! { <KeyRow key=key now=now on_revoked=on_revoked problem=problem /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn KeyRow(
    key: ApiKey,
    now: DateTime<Utc>,
    on_revoked: Callback<ApiKey>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let status = KeyStatus::of(&key, now);
    // A refusal is said above the list.
    let submission = Submission::reporting_to(problem);
    let pending = submission.pending;
    let question = revoke_question(&key);
    let id = key.id;
    let revoke = move |_| {
        if confirm(&question) {
            submission.run(move |_| async move { api::api_keys::revoke(id).await }, move |k| on_revoked.run(k));
        }
    };
    let scopes =
        key.scopes.iter().map(|s| view! { <li class="chip" title=s.description()>{s.as_str()}</li> }).collect_view();
    view! {
        <tr
            data-testid="api-key"
            data-name=key.name.clone()
            class:revoked=status == KeyStatus::Revoked
            class:expired=status == KeyStatus::Expired
        >
            <td class="name" data-label="Name">{key.name.clone()}</td>
            <td data-label="Prefix"><code class="prefix">{format!("{}…", key.prefix)}</code></td>
            <td data-label="Scopes"><ul class="chips" aria-label="Scopes">{scopes}</ul></td>
            <td data-label="Created">
                {day_of(&key.created_at)}
                {key.created_by_name.clone().map(|name| view! { <small class="muted">" by " {name}</small> })}
            </td>
            <td data-label="Last used" data-testid="last-used">
                {match &key.last_used_at {
                    Some(at) => when(at).into_any(),
                    None => view! { <span class="muted">"never"</span> }.into_any(),
                }}
            </td>
            <td data-label="Expires">
                {match &key.expires_at {
                    Some(at) => when(at).into_any(),
                    None => view! { <span class="muted">"never"</span> }.into_any(),
                }}
            </td>
            <td data-label="Status" data-testid="key-status">
                <span class=status.class()>{status.label()}</span>
                {key.revoked_at.as_ref().map(|at| view! { <small class="muted revoked-at">{when(at)}</small> })}
                {key.revoked_by_name.clone().map(|name| view! { <small class="muted">" by " {name}</small> })}
            </td>
            <td class="key-actions">
                {(status != KeyStatus::Revoked)
                    .then(|| {
                        view! {
                            <button
                                class="link danger"
                                data-testid="revoke-api-key"
                                disabled=move || pending.get()
                                on:click=revoke
                            >
                                {move || if pending.get() { "Revoking…" } else { "Revoke" }}
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{at, id};
    use debtflow_domain::api_key::Scope;

    fn key() -> ApiKey {
        ApiKey {
            id: id(1),
            name: "Creditor sync".into(),
            prefix: "dfk_live_3f9a0c12".into(),
            scopes: vec![Scope::AccountsRead],
            expires_at: None,
            created_by: id(2),
            created_by_name: Some("Demo Admin".into()),
            created_at: at("2026-12-01T10:00:00Z"),
            last_used_at: None,
            revoked_at: None,
            revoked_by: None,
            revoked_by_name: None,
            service_user_id: id(3),
        }
    }

    #[test]
    fn a_key_is_active_until_it_expires_or_is_revoked() {
        let now = at("2026-12-03T12:00:00Z");
        assert_eq!(KeyStatus::of(&key(), now), KeyStatus::Active, "no expiry");
        let later = ApiKey { expires_at: Some(at("2026-12-03T12:00:01Z")), ..key() };
        assert_eq!(KeyStatus::of(&later, now), KeyStatus::Active);
        let due = ApiKey { expires_at: Some(now), ..key() };
        assert_eq!(KeyStatus::of(&due, now), KeyStatus::Expired, "refused from its expiry on");
        let revoked = ApiKey { revoked_at: Some(at("2026-12-02T09:00:00Z")), revoked_by: Some(id(2)), ..due };
        assert_eq!(KeyStatus::of(&revoked, now), KeyStatus::Revoked, "revoked wins over expired");
    }

    #[test]
    fn the_confirmation_names_the_key() {
        let question = revoke_question(&key());
        assert!(question.contains("“Creditor sync” (dfk_live_3f9a0c12)"), "{question}");
        assert!(question.contains("cannot be undone"));
    }
}
