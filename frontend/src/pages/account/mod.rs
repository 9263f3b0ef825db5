//! One account, as the person working it needs it: a header with what matters (status,
//! balance, days past due, the next installment, the collector) and tabs — overview
//! (details and the day's actions: note, status, payment), plan, payments and fees,
//! legal and recovery (cases, recovery actions, write-offs, documents), timeline, and
//! the ledger for those who read the books. The tab is in the URL (`?tab=plan`), so a
//! link or a reload opens it again.
//!
//! The legal and recovery tab's code is split off this page's ([`remedial_tab`]): most
//! visits to an account never open it.

mod blocks;
mod contacts;
mod details;
mod fees;
mod ledger;
mod notice;
mod payments;
mod plan;
mod promises;
mod remedial;
mod timeline;
mod work;

use crate::{
    api::{self, AccountDetail},
    components::{Loaded, NotFound, PageHeading, StatusBadge},
    format::money,
    session::{use_session, Session},
};
use debtflow_domain::permission::Operation;
use leptos::{either::Either, prelude::*};
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

/// The account page's tabs, in their order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Plan,
    Payments,
    Remedial,
    Timeline,
    Ledger,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Overview, Tab::Plan, Tab::Payments, Tab::Remedial, Tab::Timeline, Tab::Ledger];

    /// The tab named in the URL (`?tab=`); the overview for none or an unknown name.
    pub fn parse(name: Option<&str>) -> Tab {
        Tab::ALL.into_iter().find(|t| Some(t.slug()) == name).unwrap_or(Tab::Overview)
    }

    pub fn slug(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Plan => "plan",
            Tab::Payments => "payments",
            Tab::Remedial => "legal",
            Tab::Timeline => "timeline",
            Tab::Ledger => "ledger",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Plan => "Plan",
            Tab::Payments => "Payments and fees",
            Tab::Remedial => "Legal & recovery",
            Tab::Timeline => "Timeline",
            Tab::Ledger => "Ledger",
        }
    }

    /// Whether the signed-in user has this tab: the ledger is for those who read the
    /// books (managers, agency admins, compliance, auditors), noise for a collector.
    fn shown_to(self, session: Session) -> bool {
        match self {
            Tab::Ledger => session.can(Operation::ReadReconciliation),
            _ => true,
        }
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let params = use_params_map();
    // An id that is not a UUID names no account: not found, without asking.
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.get();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::account(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reload = Callback::new(move |()| version.update(|v| *v += 1));
    // What the last action did; kept here so it outlives the reload of the detail.
    let flash = RwSignal::new(None::<(String, String)>);
    provide_context(Flash(flash));
    Effect::new(move |_| {
        id.track();
        flash.set(None);
    });

    // An account that does not exist (or is not the user's) is not found, not a failure.
    let found = Signal::derive(move || {
        detail.get().map(|r| match r {
            Err(p) if p.status == 404 => Ok(None),
            r => r,
        })
    });

    view! {
        <Loaded state=found retry=move |()| detail.refetch() let:detail>
            {match detail {
                Some(d) => Either::Left(view! { <AccountView detail=d version=version reload=reload /> }),
                None => Either::Right(view! { <NotFound what="account" /> }),
            }}
        </Loaded>
    }
}

/// The outcome of the last action on the page and the place of the form that did it,
/// where it is shown: beside the button the user just pressed, not atop a long page.
#[derive(Clone, Copy)]
struct Flash(RwSignal<Option<(String, String)>>);

/// One form's handle on the page's [`Flash`].
#[derive(Clone, Copy)]
pub(crate) struct Done {
    flash: RwSignal<Option<(String, String)>>,
    place: StoredValue<String>,
}

impl Done {
    pub(crate) fn of(place: impl Into<String>) -> Done {
        Done { flash: expect_context::<Flash>().0, place: StoredValue::new(place.into()) }
    }

    /// Says `message` beside this form (`None`: clears whatever was said).
    pub(crate) fn set(&self, message: Option<String>) {
        self.flash.set(message.map(|m| (self.place.get_value(), m)));
    }
}

/// What the form's last action did, beside it.
#[component]
pub(crate) fn DoneNote(done: Done, testid: &'static str) -> impl IntoView {
    move || {
        done.flash
            .get()
            .filter(|(place, _)| done.place.with_value(|p| p == place))
            .map(|(_, m)| view! { <p class="ok notice" role="status" data-testid=testid>{m}</p> })
    }
}

#[component]
fn AccountView(detail: AccountDetail, version: RwSignal<u32>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let tab = Memo::new(move |_| Tab::parse(query.with(|q| q.get("tab")).as_deref()));
    let a = detail.account.clone();
    let reference = format!(" {}", a.external_ref);
    let collector = detail.collector.as_ref().map(|c| c.full_name.clone()).unwrap_or_else(|| "Unassigned".into());
    let next = match (&detail.plan, &a.next_installment_due) {
        (Some(plan), Some(due)) => plan
            .installments
            .iter()
            .find(|i| &i.due_date == due)
            .map(|i| format!("{} on {due}", money(&i.remaining, &plan.currency)))
            .unwrap_or_else(|| due.to_string()),
        _ => "—".into(),
    };
    let dispute = detail.dispute.as_ref().map(|d| d.reason.clone());
    let tabs = Tab::ALL
        .into_iter()
        .filter(|t| t.shown_to(session))
        .map(|t| {
            let href = format!("/accounts/{}?tab={}", a.id, t.slug());
            view! {
                // A plain link (the router still navigates in place): `A` would mark every
                // tab current, as they share the path.
                <a href=href data-testid=format!("tab-{}", t.slug()) aria-current=move || (tab.get() == t).then_some("page")>
                    {t.label()}
                </a>
            }
        })
        .collect_view();

    view! {
        <article class="account" data-testid="account">
            <p class="back">
                <A href="/accounts">"← Worklist"</A>
                {session
                    .can(Operation::ReadAuditLog)
                    .then(|| {
                        view! {
                            <A href=crate::pages::audit::trail_of("account", a.id) attr:data-testid="account-audit">
                                "Audit trail"
                            </A>
                        }
                    })}
            </p>
            <header class="account-head">
                <PageHeading text=a.debtor.full_name.clone()>
                    <small class="muted">{reference}</small>
                </PageHeading>
                <dl class="facts">
                    <div>
                        <dt>"Status"</dt>
                        <dd data-testid="account-status">
                            <StatusBadge status=a.status />
                        </dd>
                    </div>
                    <div>
                        <dt>"Balance"</dt>
                        <dd data-testid="current-balance" class="big">
                            {money(&a.current_balance, &a.currency)}
                        </dd>
                    </div>
                    <div>
                        <dt>"Days past due"</dt>
                        <dd data-testid="days-past-due">{format!("{} ({})", a.days_past_due, a.bucket.as_str())}</dd>
                    </div>
                    <div>
                        <dt>"Next installment"</dt>
                        <dd data-testid="next-installment-due">{next}</dd>
                    </div>
                    <div>
                        <dt>"Collector"</dt>
                        <dd data-testid="collector">{collector}</dd>
                    </div>
                </dl>
                {dispute.map(|reason| view! { <p class="notice">{format!("Open dispute: {reason}")}</p> })}
            </header>
            <nav class="tabs" aria-label="Account sections">
                {tabs}
            </nav>
            {move || match tab.get() {
                Tab::Overview => view! { <work::Overview detail=detail.clone() reload=reload /> }.into_any(),
                Tab::Plan => {
                    view! { <plan::PlanTab account=a.clone() plan=detail.plan.clone() reload=reload /> }.into_any()
                }
                Tab::Payments => view! { <payments::PaymentsTab account=a.clone() version=version reload=reload /> }.into_any(),
                Tab::Remedial => view! { <RemedialSection detail=detail.clone() /> }.into_any(),
                Tab::Timeline => view! { <timeline::Timeline id=a.id version=version /> }.into_any(),
                Tab::Ledger if Tab::Ledger.shown_to(session) => {
                    view! { <ledger::LedgerView id=a.id currency=a.currency.clone() version=version /> }.into_any()
                }
                Tab::Ledger => view! { <NotFound what="section" /> }.into_any(),
            }}
        </article>
    }
}

/// The legal and recovery tab's code could not be fetched (the loader logs why).
struct TabMissing;

impl From<leptos::wasm_split::SplitLoaderError> for TabMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        TabMissing
    }
}

/// The legal and recovery tab's constructor, its code in the split module `remedial`.
#[::leptos::wasm_split::wasm_split(remedial, wasm_split_path = ::leptos::wasm_split, fallible)]
fn remedial_tab() -> Result<fn(AccountDetail) -> AnyView, TabMissing> {
    Ok(|detail| view! { <remedial::RemedialTab detail=detail /> }.into_any())
}

/// The legal and recovery tab, once its code has arrived ("Loading…" until then); a
/// failed fetch says so and offers a reload, and is tried again the next time.
#[component]
fn RemedialSection(detail: AccountDetail) -> impl IntoView {
    Suspend::new(async move {
        match remedial_tab().await {
            Ok(tab) => tab(detail),
            Err(TabMissing) => view! {
                <div class="error-box" role="alert" data-testid="chunk-failed">
                    <p>"This section could not be loaded: the connection may be down, or DebtFlow was updated since this tab was opened."</p>
                    <button on:click=|_| {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }>"Reload"</button>
                </div>
            }
            .into_any(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_is_read_back_from_its_slug_and_anything_else_is_the_overview() {
        for t in Tab::ALL {
            assert_eq!(Tab::parse(Some(t.slug())), t);
        }
        assert_eq!(Tab::parse(None), Tab::Overview);
        assert_eq!(Tab::parse(Some("ledgers")), Tab::Overview);
    }
}
