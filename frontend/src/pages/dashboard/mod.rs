//! The dashboard: the period's KPIs beside the previous period's, the payment trend,
//! the aging today, the accounts by status and (for managers) the collectors'
//! performance. The period is kept in the URL query ([`period`]); the four reports are
//! read at once and drawn together, and `data-testid="dashboard-ready"` marks the
//! moment every figure of the period asked for is on screen (what the benchmark
//! times). A collector's figures are their own: the API scopes them.

pub mod charts;
pub mod collectors;
pub mod funnel;
pub mod kpi;
pub mod links;
pub mod period;

use crate::{
    api::{
        analytics::{self, Answers, Span},
        Problem,
    },
    components::{ErrorBox, Forbidden, Loaded, PageHeading},
    markup,
    session::{use_session, Session},
};
use debtflow_domain::permission::Operation;
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_location, use_navigate, use_query_map},
    NavigateOptions,
};
use period::{Range, PRESETS};
use std::sync::Arc;

/// Whether the user reads the dashboard (a collector: their own figures).
pub fn is_for(session: Session) -> bool {
    session.can(Operation::ReadAnalytics)
}

/// Whether the user oversees the agency's collectors, and so sees the collectors'
/// table and lands on the dashboard at `/` (managers, agency admins).
pub fn oversees(session: Session) -> bool {
    is_for(session) && session.can(Operation::ReadCollectors)
}

/// The reports of one period, as they answered.
#[derive(Clone)]
struct Reports {
    span: Span,
    answers: Arc<Answers>,
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    if !is_for(session) {
        return view! { <Forbidden text="The dashboard is not for your role" /> }.into_any();
    }
    let oversees = oversees(session);
    let approvals = crate::pages::approvals::decides_plans_or_payments(session);
    let currency = session
        .user
        .with_untracked(|u| u.as_ref().and_then(|u| u.agency.as_ref().map(|a| a.currency.clone())))
        .unwrap_or_else(|| "USD".into());
    let query = use_query_map();
    let range = Memo::new(move |_| query.with(|q| Range::from_lookup(|k| q.get(k))));
    let span = Memo::new(move |_| range.get().span(session.today()));
    let data = LocalResource::new(move || {
        let span = span.get();
        async move {
            let answers = analytics::dashboard_answers(span, period::interval_for(span), oversees).await;
            Reports { span, answers: Arc::new(answers) }
        }
    });
    let reload = Callback::new(move |()| data.refetch());
    // Signed in again after the session ended mid-load: the figures are read again.
    Effect::new(move |was_lost: Option<bool>| {
        let lost = session.lost.get();
        if was_lost == Some(true) && !lost {
            data.refetch();
        }
        lost
    });

    view! {
        <section class="dashboard">
            <PageHeading text="Dashboard" />
            <PeriodPicker range=range />
            <p class="period-line muted" role="status" aria-live="polite" data-testid="period-line">
                {move || {
                    let s = span.get();
                    let stale = data.get().is_some_and(|d| d.span != s);
                    format!("{} to {}{}", s.from, s.to, if stale { " · updating…" } else { "" })
                }}
            </p>
            // Each section says its own failure: the reports as a whole always answer.
            <Loaded state=Signal::derive(move || data.get().map(Ok)) retry=reload let:reports>
                {
                    let ready = reports.span == span.get();
                    view! {
                        <Figures reports=reports currency=currency.clone() approvals=approvals reload=reload />
                        {ready.then(|| view! {
                            <span hidden data-testid="dashboard-ready" data-from=span.get().from.to_string()
                                data-to=span.get().to.to_string()></span>
                        })}
                    }
                }
            </Loaded>
        </section>
    }
    .into_any()
}

/// Every figure of a period, each section with its own error and retry.
#[component]
fn Figures(reports: Reports, currency: String, approvals: bool, reload: Callback<()>) -> impl IntoView {
    let a = reports.answers;
    let failed = move |p: &Problem| view! { <ErrorBox problem=p.clone() retry=move |_| reload.run(()) /> }.into_any();
    let markup = |html: String| view! { <div class="section" inner_html=html></div> }.into_any();
    let section = |r: Result<String, &Problem>| match r {
        Ok(html) => markup(html),
        Err(p) => failed(p),
    };
    let d = a.dashboard.as_ref();
    let head = d.map(|d| {
        let whose = match &d.collector {
            Some(c) => format!("Figures of {}'s accounts.", c.name),
            None => "Figures of the whole agency.".into(),
        };
        format!(
            r#"<p class="scope muted" data-testid="scope">{} Compared with {} to {}.</p>{}"#,
            markup::esc(&whose),
            d.previous_period.from(),
            d.previous_period.to(),
            kpi::cards(d, &currency, approvals)
        )
    });
    let trend = a.trends.as_ref().map(|t| charts::trend_card(t, &currency));
    let aging = a.aging.as_ref().map(|x| charts::aging_card(x, &currency));
    let funnel = d.map(|d| funnel::funnel_card(d.current.portfolio.as_ref(), &currency, d.period.to()));
    let collectors = a.collectors.as_ref().map(|c| match c {
        Ok(r) => view! { <collectors::CollectorsTable report=r.clone() currency=currency.clone() /> }.into_any(),
        Err(p) => failed(p),
    });
    view! {
        {section(head)}
        <div class="dash-grid">{section(trend)} {section(aging)} {section(funnel)}</div>
        {collectors}
    }
}

/// The period picker: preset links, or custom dates checked here by the domain's rule
/// before they go into the URL.
#[component]
fn PeriodPicker(range: Memo<Range>) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let go = move |r: Range| {
        let path = location.pathname.get_untracked();
        navigate(&format!("{path}?{}", r.to_query()), NavigateOptions { scroll: false, ..Default::default() });
    };
    let custom_open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The form follows the URL (also back and forward): open on custom dates, with them.
    Effect::new(move |_| {
        let r = range.get();
        custom_open.set(r.is_custom());
        error.set(None);
        if let Range::Custom(f, t) = r {
            from.set(f.to_string());
            to.set(t.to_string());
        }
    });
    // The presets are links (markup: a link reproduces the view, and opens in a new tab).
    let presets = move || {
        let (path, current) = (location.pathname.get(), range.get());
        PRESETS
            .iter()
            .map(|(r, text)| {
                format!(
                    r#"<a href="{}?{q}" data-period="{q}"{}>{text}</a>"#,
                    markup::esc(&path),
                    if *r == current { r#" aria-current="true""# } else { "" },
                    q = r.to_query(),
                )
            })
            .collect::<String>()
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match period::parse_custom(&from.get_untracked(), &to.get_untracked()) {
            Ok(r) => {
                error.set(None);
                go(r)
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <div class="period-picker" role="group" aria-label="Period">
            <span class="presets" inner_html=presets></span>
            <button
                type="button"
                aria-pressed=move || (custom_open.get() || range.get().is_custom()).to_string()
                aria-expanded=move || custom_open.get().to_string()
                aria-controls="custom-period"
                data-period="custom"
                on:click=move |_| custom_open.update(|o| *o = !*o)
            >
                "Custom…"
            </button>
        </div>
        <form class="custom-period" id="custom-period" hidden=move || !custom_open.get() on:submit=apply>
            <label>
                "From"
                <input
                    type="date"
                    name="from"
                    bind:value=from
                    on:input=move |_| error.set(None)
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby="custom-period-error"
                />
            </label>
            <label>
                "To"
                <input
                    type="date"
                    name="to"
                    bind:value=to
                    on:input=move |_| error.set(None)
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby="custom-period-error"
                />
            </label>
            <button type="submit">"Apply"</button>
            <span class="field-error" id="custom-period-error" role="alert">
                {move || error.get()}
            </span>
        </form>
    }
}
