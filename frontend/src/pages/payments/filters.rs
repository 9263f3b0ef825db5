//! The payments list's filters, kept in the URL query (the API's own names, so the
//! page's query is the API's): status, method, the business dates paid (`paid_from`,
//! `paid_to`, both included) and the collector credited. And the bar that sets them.

use crate::{
    api::User,
    components::options,
    format::{self, url_encode},
};
use chrono::NaiveDate;
use debtflow_domain::payment::{PaymentMethod, PaymentStatus};
use leptos::prelude::*;

/// What the list is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: Option<PaymentStatus>,
    pub method: Option<PaymentMethod>,
    pub paid_from: Option<NaiveDate>,
    pub paid_to: Option<NaiveDate>,
    pub collector_id: String,
}

impl Filters {
    /// Reads the filters from a query lookup; an unreadable value is no filter.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let v = |k: &str| get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
        Filters {
            status: v("status").parse().ok(),
            method: v("method").parse().ok(),
            paid_from: format::date(&v("paid_from")),
            paid_to: format::date(&v("paid_to")),
            collector_id: v("collector_id"),
        }
    }

    /// The query string, the page's and the API's (paging aside): only what is set.
    pub fn to_query(&self) -> String {
        let mut q = Vec::new();
        q.extend(self.status.map(|s| format!("status={s}")));
        q.extend(self.method.map(|m| format!("method={m}")));
        q.extend(self.paid_from.map(|d| format!("paid_from={d}")));
        q.extend(self.paid_to.map(|d| format!("paid_to={d}")));
        if !self.collector_id.is_empty() {
            q.push(format!("collector_id={}", url_encode(&self.collector_id)));
        }
        q.join("&")
    }

    /// What is wrong with the dates, if anything.
    pub fn period_problem(&self) -> Option<&'static str> {
        match (self.paid_from, self.paid_to) {
            (Some(from), Some(to)) if to < from => Some("The last day is before the first."),
            _ => None,
        }
    }
}

/// The bar of filters; each change is a new URL (`go`). `collectors` fills the
/// collector filter, shown when there are any.
#[component]
pub fn FilterBar(filters: Memo<Filters>, collectors: ReadSignal<Vec<User>>, go: Callback<Filters>) -> impl IntoView {
    let set = move |change: fn(&mut Filters, String)| {
        move |ev: leptos::ev::Event| {
            let mut f = filters.get_untracked();
            change(&mut f, event_target_value(&ev));
            go.run(f);
        }
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <form class="filters payment-filters" aria-label="Filter the payments" on:submit=|ev| ev.prevent_default()>
            <label>
                "Status"
                <select
                    name="status"
                    data-testid="filter-status"
                    prop:value=move || filters.with(|f| f.status.map(|s| s.to_string()).unwrap_or_default())
                    on:change=set(|f, v| f.status = v.parse().ok())
                >
                    <option value="">"Any"</option>
                    {options(PaymentStatus::ALL.iter().map(|s| s.as_str()))}
                </select>
            </label>
            <label>
                "Method"
                <select
                    name="method"
                    data-testid="filter-method"
                    prop:value=move || filters.with(|f| f.method.map(|m| m.to_string()).unwrap_or_default())
                    on:change=set(|f, v| f.method = v.parse().ok())
                >
                    <option value="">"Any"</option>
                    {PaymentMethod::ALL
                        .iter()
                        .map(|m| view! { <option value=m.as_str()>{format::label(m.as_str())}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Paid from"
                <input
                    type="date"
                    name="paid_from"
                    data-testid="filter-from"
                    prop:value=move || filters.with(|f| date(f.paid_from))
                    on:change=set(|f, v| f.paid_from = format::date(&v))
                />
            </label>
            <label>
                "Paid to"
                <input
                    type="date"
                    name="paid_to"
                    data-testid="filter-to"
                    prop:value=move || filters.with(|f| date(f.paid_to))
                    on:change=set(|f, v| f.paid_to = format::date(&v))
                />
            </label>
            <Show when=move || collectors.with(|c| !c.is_empty())>
                <label>
                    "Collector"
                    <select
                        name="collector_id"
                        data-testid="filter-collector"
                        prop:value=move || filters.with(|f| f.collector_id.clone())
                        on:change=set(|f, v| f.collector_id = v)
                    >
                        <option value="">"Anyone"</option>
                        {move || {
                            let chosen = filters.with(|f| f.collector_id.clone());
                            collectors
                                .get()
                                .into_iter()
                                .map(|u| view! { <option value=u.id.to_string() selected=u.id.to_string() == chosen>{u.full_name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </Show>
            {move || {
                filters.with(|f| f.period_problem()).map(|m| view! { <p class="field-error" role="alert">{m}</p> })
            }}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_round_trips_and_drops_what_it_cannot_read() {
        let q = "status=completed&method=bank_transfer&paid_from=2026-11-01&paid_to=2026-11-30&collector_id=c-1";
        let pairs: Vec<(String, String)> =
            q.split('&').map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap()).collect();
        let lookup = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let f = Filters::from_lookup(lookup);
        assert_eq!(f.status, Some(PaymentStatus::Completed));
        assert_eq!(f.to_query(), q);
        let junk = Filters::from_lookup(|k| (k != "collector_id").then(|| "nonsense".to_owned()));
        assert_eq!(junk, Filters::default());
        let reversed = Filters { paid_from: format::date("2026-11-30"), paid_to: format::date("2026-11-01"), ..junk };
        assert!(reversed.period_problem().is_some());
    }
}
