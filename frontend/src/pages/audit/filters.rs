//! The audit viewer's filters, kept in the URL query so a view can be shared: who
//! (`actor_id`), what (`entity_type`, and `entity_id` when followed from an entity),
//! the action and the period (`from`, `to`: days, both included). And the bar that
//! sets them.

use crate::{
    api::User,
    format::{self, url_encode},
};
use chrono::{Days, NaiveDate};
use debtflow_domain::audit::{ACTIONS, ENTITY_TYPES};
use leptos::prelude::*;

/// What the trail is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub actor_id: String,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Filters {
    /// Reads the filters from a query lookup; an unreadable date is no date.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let v = |k: &str| get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
        Filters {
            actor_id: v("actor_id"),
            entity_type: v("entity_type"),
            entity_id: v("entity_id"),
            action: v("action"),
            from: format::date(&v("from")),
            to: format::date(&v("to")),
        }
    }

    fn text_pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("actor_id", &self.actor_id),
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
            ("action", &self.action),
        ]
    }

    fn text_query(&self) -> Vec<String> {
        self.text_pairs().iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect()
    }

    /// The page's query string: only what is set, in a fixed order.
    pub fn to_query(&self) -> String {
        let mut q = self.text_query();
        q.extend(self.from.map(|d| format!("from={d}")));
        q.extend(self.to.map(|d| format!("to={d}")));
        q.join("&")
    }

    /// The API's filters (`GET /audit-logs?…`, paging aside): the period's days from
    /// the start of `from` to the end of `to`, as instants (`start_of` a day, in the
    /// user's time zone).
    pub fn api_query(&self, start_of: impl Fn(NaiveDate) -> String) -> String {
        let mut q = self.text_query();
        q.extend(self.from.map(|d| format!("from={}", url_encode(&start_of(d)))));
        q.extend(
            self.to.and_then(|d| d.checked_add_days(Days::new(1))).map(|d| format!("to={}", url_encode(&start_of(d)))),
        );
        q.join("&")
    }

    /// What is wrong with the period, if anything.
    pub fn period_problem(&self) -> Option<&'static str> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if to < from => Some("The last day is before the first."),
            _ => None,
        }
    }
}

/// The start of `day` in the browser's time zone, as the API takes instants.
pub fn local_start_of(day: NaiveDate) -> String {
    use chrono::Datelike;
    let date = js_sys::Date::new_with_year_month_day(day.year() as u32, day.month0() as i32, day.day() as i32);
    String::from(date.to_iso_string())
}

/// The bar of filters; each change is a new URL (`go`).
#[component]
pub fn FilterBar(filters: Memo<Filters>, staff: ReadSignal<Vec<User>>, go: Callback<Filters>) -> impl IntoView {
    let set = move |change: fn(&mut Filters, String)| {
        move |ev: leptos::ev::Event| {
            let mut f = filters.get_untracked();
            change(&mut f, event_target_value(&ev));
            go.run(f);
        }
    };
    let date_of = |text: String| format::date(&text);
    view! {
        <form class="filters audit-filters" aria-label="Filter the audit trail" on:submit=|ev| ev.prevent_default()>
            <label>
                "Who"
                <select
                    name="actor_id"
                    data-testid="filter-actor"
                    prop:value=move || filters.with(|f| f.actor_id.clone())
                    on:change=set(|f, v| f.actor_id = v)
                >
                    <option value="">"Anyone"</option>
                    {move || {
                        let chosen = filters.with(|f| f.actor_id.clone());
                        staff
                            .get()
                            .into_iter()
                            .map(|u| {
                                let text = format!(
                                    "{} ({}{})",
                                    u.full_name,
                                    format::label(u.role.as_str()),
                                    if u.is_active { "" } else { ", inactive" },
                                );
                                view! { <option value=u.id.to_string() selected=u.id.to_string() == chosen>{text}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label>
                "What"
                <select
                    name="entity_type"
                    data-testid="filter-entity-type"
                    prop:value=move || filters.with(|f| f.entity_type.clone())
                    on:change=set(|f, v| {
                        f.entity_type = v;
                        f.entity_id.clear();
                    })
                >
                    <option value="">"Anything"</option>
                    {ENTITY_TYPES
                        .iter()
                        .map(|(t, label)| {
                            view! {
                                <option value=*t selected=move || filters.with(|f| f.entity_type == *t)>{*label}</option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Action"
                <select
                    name="action"
                    data-testid="filter-action"
                    prop:value=move || filters.with(|f| f.action.clone())
                    on:change=set(|f, v| f.action = v)
                >
                    <option value="">"Any action"</option>
                    {ACTIONS
                        .iter()
                        .map(|(a, label)| {
                            view! { <option value=*a selected=move || filters.with(|f| f.action == *a)>{*label}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "From"
                <input
                    type="date"
                    name="from"
                    data-testid="filter-from"
                    prop:value=move || filters.with(|f| f.from.map(|d| d.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let mut f = filters.get_untracked();
                        f.from = date_of(event_target_value(&ev));
                        go.run(f);
                    }
                />
            </label>
            <label>
                "To"
                <input
                    type="date"
                    name="to"
                    data-testid="filter-to"
                    aria-describedby="period-error"
                    prop:value=move || filters.with(|f| f.to.map(|d| d.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let mut f = filters.get_untracked();
                        f.to = date_of(event_target_value(&ev));
                        go.run(f);
                    }
                />
            </label>
            {move || {
                filters
                    .with(|f| (!f.entity_id.is_empty()).then(|| (f.entity_type.clone(), f.entity_id.clone())))
                    .map(|(t, id)| {
                        view! {
                            <p class="entity-chip" data-testid="filter-entity">
                                {format!("Only: {} {id}", debtflow_domain::audit::entity_label(&t))}
                                <button
                                    type="button"
                                    class="link"
                                    on:click=move |_| {
                                        let mut f = filters.get_untracked();
                                        f.entity_id.clear();
                                        go.run(f);
                                    }
                                >
                                    "Show every entity"
                                </button>
                            </p>
                        }
                    })
            }}
            <button
                type="button"
                data-testid="clear-filters"
                disabled=move || filters.with(|f| *f == Filters::default())
                on:click=move |_| go.run(Filters::default())
            >
                "Clear filters"
            </button>
            <span class="field-error" id="period-error" role="alert">
                {move || filters.with(|f| f.period_problem())}
            </span>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = Filters::from_lookup(lookup(&[
            ("action", "payment.approve"),
            ("entity_type", "account"),
            ("entity_id", "0193"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
            ("actor_id", "u1"),
        ]));
        assert_eq!(
            f.to_query(),
            "actor_id=u1&entity_type=account&entity_id=0193&action=payment.approve&from=2026-11-01&to=2026-11-30"
        );
        assert_eq!(
            Filters::from_lookup(|k| f
                .to_query()
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")).map(String::from))),
            f
        );
        assert_eq!(Filters::default().to_query(), "");
        assert_eq!(Filters::from_lookup(lookup(&[("from", "yesterday")])).from, None);
    }

    #[test]
    fn the_period_is_whole_days_as_instants() {
        let f = Filters::from_lookup(lookup(&[("from", "2026-11-01"), ("to", "2026-11-30"), ("action", "auth.login")]));
        let utc = |d: NaiveDate| format!("{d}T00:00:00Z");
        assert_eq!(f.api_query(utc), "action=auth.login&from=2026-11-01T00%3A00%3A00Z&to=2026-12-01T00%3A00%3A00Z");
        assert_eq!(f.period_problem(), None);
        let backwards = Filters::from_lookup(lookup(&[("from", "2026-11-30"), ("to", "2026-11-01")]));
        assert!(backwards.period_problem().is_some());
    }
}
