//! Legal cases: the account's cases, each with its particulars, hearings and documents,
//! and the steps its status allows (the lifecycle table,
//! `LegalCaseStatus::after`) for those who manage cases: a draft is edited, deleted or
//! filed; a filed case gets hearings, a judgment, and is closed; a hearing that took
//! place gets its outcome. Each step's form opens in place, checked first by the
//! domain's rules as the API checks it; what the API refuses is said beside the field
//! it names.

use super::{case_name, documents::RecordDocuments, local_instant, now, optional, Opener, Records, Said};
use crate::{
    api::{
        self,
        documents::DocumentSubject,
        remedial::{Hearing, LegalCase},
        Account, Problem,
    },
    components::{confirm, invalid, Loaded, OtherErrors},
    format::{self, money},
    pages::account::{Done, DoneNote},
    session::use_session,
    submit::Submission,
};
use chrono::NaiveDate;
use debtflow_domain::{
    permission::Operation,
    remedial::{
        legal::{check_filing, check_hearing, check_judgment, check_outcome, closing_outcome, CaseOutcome, CaseStep},
        Lifecycle,
    },
};
use leptos::{ev::SubmitEvent, prelude::*};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

/// A step's form, open on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Edit,
    File,
    Hearing,
    Judgment,
    Close,
    /// The outcome of this hearing.
    Outcome(Uuid),
}

/// The steps a case in its status offers, in the order of their buttons.
pub fn steps(case: &LegalCase) -> Vec<CaseStep> {
    [CaseStep::File, CaseStep::Hear, CaseStep::Judge, CaseStep::Close, CaseStep::Edit, CaseStep::Delete]
        .into_iter()
        .filter(|s| case.status.after(*s).is_some())
        .collect()
}

/// The label of a step's button.
fn step_label(step: CaseStep) -> &'static str {
    match step {
        CaseStep::Edit => "Edit",
        CaseStep::Delete => "Delete the draft",
        CaseStep::File => "File the case",
        CaseStep::Hear => "Schedule a hearing",
        CaseStep::RecordOutcome => "Record a hearing's outcome",
        CaseStep::Judge => "Record the judgment",
        CaseStep::Close => "Close the case",
    }
}

/// A case's outcome, for people.
pub fn outcome_label(outcome: CaseOutcome) -> &'static str {
    match outcome {
        CaseOutcome::JudgmentForCreditor => "Judgment for the creditor",
        CaseOutcome::JudgmentForDebtor => "Judgment for the debtor",
        CaseOutcome::Settled => "Settled",
        CaseOutcome::Withdrawn => "Withdrawn",
        CaseOutcome::Dismissed => "Dismissed",
    }
}

/// An amount claimed as typed, checked as the API checks it: an amount of the
/// account's currency, more than zero.
pub fn claimed(text: &str, currency: &str) -> Result<Decimal, Problem> {
    Problem::amount("amount_claimed", text, currency)
}

/// A date typed in `field`, or the problem to show beside it.
fn date_in(field: &str, text: &str) -> Result<NaiveDate, Problem> {
    format::date(text).ok_or_else(|| Problem::invalid(field, "Pick the date."))
}

/// A text that must not be blank, or the problem to show beside `field`.
fn needed(field: &str, text: &str, message: &str) -> Result<String, Problem> {
    match text.trim() {
        "" => Err(Problem::invalid(field, message)),
        t => Ok(t.to_string()),
    }
}

#[component]
pub(super) fn LegalCases(account: Account) -> impl IntoView {
    let records = expect_context::<Records>();
    let manager = use_session().can(Operation::ManageLegalCases);
    let drafts = manager && account.status.is_open();
    let adding = RwSignal::new(false);
    let done = Done::of("legal");
    let currency = StoredValue::new(account.currency.clone());
    let account_for_form = account.clone();
    view! {
        <section class="card" aria-labelledby="legal-h" data-testid="legal-cases">
            <h2 id="legal-h">"Legal cases"</h2>
            <Loaded
                state=records.cases.state
                retry=move |()| records.cases.again()
                empty={|list: &Vec<LegalCase>| list.is_empty().then_some("No legal case.")}
                let:list
            >
                <ul class="records">
                    {list
                        .into_iter()
                        .map(|c| view! { <CaseItem case=c currency=currency.get_value() manager=manager done=done /> })
                        .collect_view()}
                </ul>
            </Loaded>
            <DoneNote done=done testid="legal-done" />
            {drafts
                .then(|| {
                    view! {
                        <div class="actions">
                            <Opener open=adding label="Draft a legal case" testid="legal-new" />
                        </div>
                        <Show when=move || adding.get()>
                            <CaseForm
                                account_id=account_for_form.id
                                currency=account_for_form.currency.clone()
                                proposed=account_for_form.current_balance
                                draft=None
                                done=done
                                close=Callback::new(move |()| adding.set(false))
                            />
                        </Show>
                    }
                })}
        </section>
    }
}

#[component]
fn CaseItem(case: LegalCase, currency: String, manager: bool, done: Done) -> impl IntoView {
    let records = expect_context::<Records>();
    let open = RwSignal::new(None::<Open>);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let c = StoredValue::new(case.clone());
    let id = case.id;
    let name = case_name(&case);
    let facts = {
        let mut facts: Vec<(&'static str, String)> = vec![("Court", case.court.clone())];
        if let Some(n) = &case.case_number {
            facts.push(("Case number", n.clone()));
        }
        if let Some(counsel) = &case.counsel {
            facts.push(("Counsel", counsel.clone()));
        }
        facts.push(("Amount claimed", money(&case.amount_claimed, &currency)));
        if let Some(d) = case.filed_on {
            facts.push(("Filed on", d.to_string()));
        }
        if let (Some(d), Some(o)) = (case.judgment_on, case.outcome.filter(|o| o.is_judgment())) {
            facts.push(("Judgment", format!("{} on {d}", outcome_label(o))));
        }
        if let Some(d) = case.closed_on {
            let how = case.outcome.map(outcome_label).unwrap_or("Closed");
            facts.push(("Closed", format!("{how} on {d}")));
        }
        if let Some(at) = case.next_hearing_at {
            facts.push(("Next hearing", format!("{} (your time)", format::local_datetime(&at))));
        }
        facts
    };
    let by = format!(
        "Drafted {} by {}",
        case.created_at.date_naive(),
        case.created_by_name.clone().unwrap_or_else(|| "someone outside the agency".into())
    );
    let delete = move || {
        if pending.get_untracked() || !confirm("Delete this draft legal case? It was never filed.") {
            return;
        }
        submission.run(
            move |_| async move { api::remedial::delete_case(id).await },
            move |()| {
                done.set(Some("The draft legal case is deleted.".into()));
                records.cases.again();
            },
        );
    };
    let offered = if manager { steps(&case) } else { Vec::new() };
    let buttons = (!offered.is_empty()).then(|| {
        offered
            .into_iter()
            .map(|step| {
                let target = match step {
                    CaseStep::Edit => Some(Open::Edit),
                    CaseStep::File => Some(Open::File),
                    CaseStep::Hear => Some(Open::Hearing),
                    CaseStep::Judge => Some(Open::Judgment),
                    CaseStep::Close => Some(Open::Close),
                    CaseStep::Delete | CaseStep::RecordOutcome => None,
                };
                let testid = format!("case-{}", format::label(&format!("{step:?}")).to_lowercase());
                match target {
                    Some(t) => view! {
                        <button
                            type="button"
                            class:primary=step == CaseStep::File
                            aria-expanded=move || if open.get() == Some(t) { "true" } else { "false" }
                            data-testid=testid
                            on:click=move |_| open.update(|o| *o = if *o == Some(t) { None } else { Some(t) })
                        >
                            {step_label(step)}
                        </button>
                    }
                    .into_any(),
                    None => view! {
                        <button type="button" disabled=move || pending.get() data-testid=testid on:click=move |_| delete()>
                            {step_label(step)}
                        </button>
                    }
                    .into_any(),
                }
            })
            .collect_view()
    });
    let closer = Callback::new(move |()| open.set(None));
    let hearings = case.hearings.clone();
    view! {
        <li class="record" data-testid="legal-case" data-status=case.status.as_str()>
            <h3>
                {name}
                " "
                <span class=format!("badge case-{}", case.status) data-testid="case-status">
                    {format::label(case.status.as_str())}
                </span>
            </h3>
            <dl class="facts">
                {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            {case.notes.clone().map(|n| view! { <p class="muted">{n}</p> })}
            <p class="muted small">{by}</p>
            {(!hearings.is_empty())
                .then(|| {
                    view! {
                        <h4>"Hearings"</h4>
                        <ul class="hearings" data-testid="hearings">
                            {hearings
                                .into_iter()
                                .map(|h| view! { <HearingItem hearing=h manager=manager open=open /> })
                                .collect_view()}
                        </ul>
                    }
                })}
            {buttons.map(|b| view! { <div class="actions">{b}</div> })}
            <OtherErrors problem=problem placed=&[] />
            {move || {
                let case = c.get_value();
                match open.get() {
                    None => ().into_any(),
                    Some(Open::Edit) => {
                        view! {
                            <CaseForm
                                account_id=case.account_id
                                currency=case.currency.clone()
                                proposed=case.amount_claimed
                                draft=Some(case)
                                done=done
                                close=closer
                            />
                        }
                            .into_any()
                    }
                    Some(Open::File) => view! { <FileForm case=case done=done close=closer /> }.into_any(),
                    Some(Open::Hearing) => view! { <HearingForm case=case done=done close=closer /> }.into_any(),
                    Some(Open::Judgment) => view! { <JudgmentForm case=case done=done close=closer /> }.into_any(),
                    Some(Open::Close) => view! { <CloseForm case=case done=done close=closer /> }.into_any(),
                    Some(Open::Outcome(hearing_id)) => {
                        match case.hearings.iter().find(|h| h.id == hearing_id).cloned() {
                            Some(h) => view! { <OutcomeForm hearing=h done=done close=closer /> }.into_any(),
                            None => ().into_any(),
                        }
                    }
                }
            }}
            <RecordDocuments kind=DocumentSubject::LegalCase id=id />
        </li>
    }
}

#[component]
fn HearingItem(hearing: Hearing, manager: bool, open: RwSignal<Option<Open>>) -> impl IntoView {
    let held = hearing.outcome.is_some();
    // A hearing that took place and has no outcome yet gets one.
    let recordable = manager && check_outcome(hearing.starts_at, held, now()).is_ok();
    let target = Open::Outcome(hearing.id);
    let when = format!("{} (your time)", format::local_datetime(&hearing.starts_at));
    view! {
        <li data-testid="hearing" data-held=held.to_string()>
            <strong>{when}</strong>
            {format!(" · {} · {}", hearing.venue, hearing.purpose)}
            {hearing.outcome.clone().map(|o| view! { <p data-testid="hearing-outcome">{format!("Outcome: {o}")}</p> })}
            {hearing.next_step.clone().map(|s| view! { <p class="muted">{format!("Next step: {s}")}</p> })}
            {recordable
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="link"
                            aria-expanded=move || if open.get() == Some(target) { "true" } else { "false" }
                            data-testid="hearing-record"
                            on:click=move |_| open.set(Some(target))
                        >
                            "Record the outcome"
                        </button>
                    }
                })}
        </li>
    }
}

/// The buttons under a step's form: send, and close without sending.
#[component]
fn FormButtons(
    pending: RwSignal<bool>,
    #[prop(into)] label: String,
    testid: &'static str,
    close: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="actions">
            <button type="submit" class="primary" disabled=move || pending.get() data-testid=testid>
                {label}
            </button>
            <button type="button" class="link" on:click=move |_| close.run(())>
                "Cancel"
            </button>
        </div>
    }
}

/// A new case's particulars (the amount claimed proposed: the balance), or a draft's
/// changed.
#[component]
fn CaseForm(
    account_id: Uuid,
    currency: String,
    proposed: Decimal,
    draft: Option<LegalCase>,
    done: Done,
    close: Callback<()>,
) -> impl IntoView {
    let records = expect_context::<Records>();
    let caption = format!("Amount claimed ({currency})");
    let amount_text = proposed.to_string();
    let text = |f: fn(&LegalCase) -> Option<String>| RwSignal::new(draft.as_ref().and_then(f).unwrap_or_default());
    let court = text(|d| Some(d.court.clone()));
    let case_number = text(|d| d.case_number.clone());
    let counsel = text(|d| d.counsel.clone());
    let notes = text(|d| d.notes.clone());
    let amount = RwSignal::new(amount_text);
    let editing = draft.as_ref().map(|d| d.id);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let p = editing.map(|id| format!("case-{id}")).unwrap_or_else(|| "case-new".into());
    let ids = StoredValue::new(p.clone());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let checked = needed("court", &court.get_untracked(), "Name the court.")
            .and_then(|court| Ok((court, claimed(&amount.get_untracked(), &currency)?)));
        let (court, amount) = match checked {
            Ok(ok) => ok,
            Err(p) => return submission.refuse(p),
        };
        let (number, counsel, notes) = (case_number.get_untracked(), counsel.get_untracked(), notes.get_untracked());
        match editing {
            // A change: an emptied optional field is cleared (the API's empty string).
            Some(id) => {
                let body = json!({
                    "court": court, "amount_claimed": amount, "case_number": number.trim(),
                    "counsel": counsel.trim(), "notes": notes.trim(),
                });
                submission.run(
                    move |_| async move { api::remedial::edit_case(id, &body).await },
                    move |_| {
                        done.set(Some("The draft legal case is changed.".into()));
                        records.cases.again();
                    },
                );
            }
            None => {
                let body = json!({
                    "court": court, "amount_claimed": amount, "case_number": optional(&number),
                    "counsel": optional(&counsel), "notes": optional(&notes),
                });
                submission.run(
                    move |_| async move { api::remedial::draft_case(account_id, &body).await },
                    move |_| {
                        done.set(Some("Legal case drafted: file it once it is lodged with the court.".into()));
                        close.run(());
                        records.cases.again();
                    },
                );
            }
        }
    };
    let id = move |f: &str| format!("{}-{f}", ids.get_value());
    let input = move |field: &'static str, caption: &'static str, value: RwSignal<String>, required: bool| {
        view! {
            <label for=id(field)>{caption}</label>
            <input
                id=id(field)
                name=field
                required=required
                aria-invalid=invalid(problem, field)
                aria-describedby=format!("{}-error", id(field))
                bind:value=value
            />
            <Said problem=problem field=field id=id(field) />
        }
    };
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="case-form">
            <h3>{if editing.is_some() { "Change the draft" } else { "Draft a legal case" }}</h3>
            {input("court", "Court", court, true)}
            {input("case_number", "Case number (optional until filed)", case_number, false)}
            {input("counsel", "Counsel (optional)", counsel, false)}
            <label for=id("amount_claimed")>{caption}</label>
            <input
                id=id("amount_claimed")
                name="amount_claimed"
                inputmode="decimal"
                required
                aria-invalid=invalid(problem, "amount_claimed")
                aria-describedby=format!("{}-error", id("amount_claimed"))
                bind:value=amount
            />
            <Said problem=problem field="amount_claimed" id=id("amount_claimed") />
            <label for=id("notes")>"Notes (optional)"</label>
            <textarea id=id("notes") name="notes" rows="2" maxlength="2000" bind:value=notes></textarea>
            <Said problem=problem field="notes" id=id("notes") />
            <OtherErrors problem=problem placed=&["court", "case_number", "counsel", "amount_claimed", "notes"] />
            <FormButtons
                pending=pending
                label=if editing.is_some() { "Save the draft" } else { "Draft the case" }
                testid="case-submit"
                close=close
            />
        </form>
    }
}

#[component]
fn FileForm(case: LegalCase, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let today = use_session().today();
    let court = RwSignal::new(case.court.clone());
    let number = RwSignal::new(case.case_number.clone().unwrap_or_default());
    let filed_on = RwSignal::new(today.to_string());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let id = case.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let (court, number) = (court.get_untracked(), number.get_untracked());
        let checked = date_in("filed_on", &filed_on.get_untracked()).and_then(|on| {
            check_filing(&court, &number, on, today).map_err(|e| Problem::invalid(e.field, e.message))?;
            Ok(on)
        });
        let on = match checked {
            Ok(on) => on,
            Err(p) => return submission.refuse(p),
        };
        let body = json!({ "court": court.trim(), "case_number": number.trim(), "filed_on": on });
        submission.run(
            move |_| async move { api::remedial::case_step(id, "file", &body).await },
            move |c| {
                done.set(Some(format!("{} filed on {on}.", case_name(&c))));
                records.cases.again();
            },
        );
    };
    let p = format!("file-{id}");
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="file-form">
            <h3>"File the case"</h3>
            <label for=format!("{p}-number")>"Case number"</label>
            <input
                id=format!("{p}-number")
                name="case_number"
                required
                aria-invalid=invalid(problem, "case_number")
                aria-describedby=format!("{p}-number-error")
                bind:value=number
            />
            <Said problem=problem field="case_number" id=format!("{p}-number") />
            <label for=format!("{p}-court")>"Court"</label>
            <input
                id=format!("{p}-court")
                name="court"
                required
                aria-invalid=invalid(problem, "court")
                aria-describedby=format!("{p}-court-error")
                bind:value=court
            />
            <Said problem=problem field="court" id=format!("{p}-court") />
            <label for=format!("{p}-on")>"Filed on"</label>
            <input
                id=format!("{p}-on")
                name="filed_on"
                type="date"
                required
                max=today.to_string()
                aria-invalid=invalid(problem, "filed_on")
                aria-describedby=format!("{p}-on-error")
                bind:value=filed_on
            />
            <Said problem=problem field="filed_on" id=format!("{p}-on") />
            <OtherErrors problem=problem placed=&["case_number", "court", "filed_on"] />
            <FormButtons pending=pending label="File the case" testid="file-submit" close=close />
        </form>
    }
}

#[component]
fn HearingForm(case: LegalCase, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let starts_at = RwSignal::new(String::new());
    let venue = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (id, filed_on) = (case.id, case.filed_on);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let typed = starts_at.get_untracked();
        let checked = (|| {
            let at = local_instant(&typed).ok_or_else(|| Problem::invalid("starts_at", "Pick the date and time."))?;
            if let (Some(day), Some(filed)) = (format::date(typed.get(..10).unwrap_or_default()), filed_on) {
                check_hearing(day, filed).map_err(|e| Problem::invalid(e.field, e.message))?;
            }
            let venue = needed("venue", &venue.get_untracked(), "Say where it is held.")?;
            let purpose = needed("purpose", &purpose.get_untracked(), "Say what it is for.")?;
            Ok::<_, Problem>(json!({ "starts_at": at, "venue": venue, "purpose": purpose }))
        })();
        let body = match checked {
            Ok(b) => b,
            Err(p) => return submission.refuse(p),
        };
        submission.run(
            move |_| async move { api::remedial::case_step(id, "hearings", &body).await },
            move |_| {
                done.set(Some(format!("Hearing scheduled for {} (your time).", typed.replace('T', " "))));
                records.cases.again();
            },
        );
    };
    let p = format!("hearing-{id}");
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="hearing-form">
            <h3>"Schedule a hearing"</h3>
            <label for=format!("{p}-at")>"Date and time (your time)"</label>
            <input
                id=format!("{p}-at")
                name="starts_at"
                type="datetime-local"
                required
                min=filed_on.map(|d| format!("{d}T00:00"))
                aria-invalid=invalid(problem, "starts_at")
                aria-describedby=format!("{p}-at-error")
                bind:value=starts_at
            />
            <Said problem=problem field="starts_at" id=format!("{p}-at") />
            <label for=format!("{p}-venue")>"Venue"</label>
            <input
                id=format!("{p}-venue")
                name="venue"
                required
                maxlength="200"
                aria-invalid=invalid(problem, "venue")
                aria-describedby=format!("{p}-venue-error")
                bind:value=venue
            />
            <Said problem=problem field="venue" id=format!("{p}-venue") />
            <label for=format!("{p}-purpose")>"Purpose"</label>
            <input
                id=format!("{p}-purpose")
                name="purpose"
                required
                maxlength="500"
                aria-invalid=invalid(problem, "purpose")
                aria-describedby=format!("{p}-purpose-error")
                bind:value=purpose
            />
            <Said problem=problem field="purpose" id=format!("{p}-purpose") />
            <OtherErrors problem=problem placed=&["starts_at", "venue", "purpose"] />
            <FormButtons pending=pending label="Schedule the hearing" testid="hearing-submit" close=close />
        </form>
    }
}

#[component]
fn JudgmentForm(case: LegalCase, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let today = use_session().today();
    let outcome = RwSignal::new(String::new());
    let on = RwSignal::new(today.to_string());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (id, filed_on) = (case.id, case.filed_on.unwrap_or(today));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let checked = (|| {
            let o: CaseOutcome = outcome
                .get_untracked()
                .parse()
                .map_err(|_| Problem::invalid("outcome", "Choose who the judgment is for."))?;
            let day = date_in("judgment_on", &on.get_untracked())?;
            check_judgment(o, day, filed_on, today).map_err(|e| Problem::invalid(e.field, e.message))?;
            Ok::<_, Problem>((o, day))
        })();
        let (o, day) = match checked {
            Ok(ok) => ok,
            Err(p) => return submission.refuse(p),
        };
        let body = json!({ "outcome": o, "judgment_on": day });
        submission.run(
            move |_| async move { api::remedial::case_step(id, "judgment", &body).await },
            move |_| {
                done.set(Some(format!("{} recorded on {day}.", outcome_label(o))));
                records.cases.again();
            },
        );
    };
    let p = format!("judgment-{id}");
    view! {
        <form class="step" on:submit=submit on:change=move |_| problem.set(None) data-testid="judgment-form">
            <h3>"Record the judgment"</h3>
            <label for=format!("{p}-outcome")>"Judgment"</label>
            <select
                id=format!("{p}-outcome")
                name="outcome"
                aria-invalid=invalid(problem, "outcome")
                aria-describedby=format!("{p}-outcome-error")
                bind:value=outcome
            >
                <option value="">"Choose…"</option>
                {[CaseOutcome::JudgmentForCreditor, CaseOutcome::JudgmentForDebtor]
                    .map(|o| view! { <option value=o.as_str()>{outcome_label(o)}</option> })
                    .collect_view()}
            </select>
            <Said problem=problem field="outcome" id=format!("{p}-outcome") />
            <label for=format!("{p}-on")>"Judgment on"</label>
            <input
                id=format!("{p}-on")
                name="judgment_on"
                type="date"
                required
                min=filed_on.to_string()
                max=today.to_string()
                aria-invalid=invalid(problem, "judgment_on")
                aria-describedby=format!("{p}-on-error")
                bind:value=on
            />
            <Said problem=problem field="judgment_on" id=format!("{p}-on") />
            <OtherErrors problem=problem placed=&["outcome", "judgment_on"] />
            <FormButtons pending=pending label="Record the judgment" testid="judgment-submit" close=close />
        </form>
    }
}

#[component]
fn CloseForm(case: LegalCase, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let judged = case.outcome.filter(|o| o.is_judgment());
    let outcome = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (id, status) = (case.id, case.status);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let given = outcome.get_untracked().parse::<CaseOutcome>().ok();
        let o = match closing_outcome(status, judged, given) {
            Ok(o) => o,
            Err(e) => return submission.refuse(Problem::invalid(e.field, e.message)),
        };
        let body = json!({ "outcome": given, "note": optional(&note.get_untracked()) });
        submission.run(
            move |_| async move { api::remedial::case_step(id, "close", &body).await },
            move |_| {
                done.set(Some(format!("Legal case closed: {}.", outcome_label(o).to_lowercase())));
                records.cases.again();
            },
        );
    };
    let p = format!("close-{id}");
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="close-form">
            <h3>"Close the case"</h3>
            {match judged {
                Some(j) => view! { <p>{format!("The case closes with its judgment: {}.", outcome_label(j).to_lowercase())}</p> }
                    .into_any(),
                None => view! {
                    <label for=format!("{p}-outcome")>"How it ended"</label>
                    <select
                        id=format!("{p}-outcome")
                        name="outcome"
                        aria-invalid=invalid(problem, "outcome")
                        aria-describedby=format!("{p}-outcome-error")
                        on:change=move |_| problem.set(None)
                        bind:value=outcome
                    >
                        <option value="">"Choose…"</option>
                        {[CaseOutcome::Settled, CaseOutcome::Withdrawn, CaseOutcome::Dismissed]
                            .map(|o| view! { <option value=o.as_str()>{outcome_label(o)}</option> })
                            .collect_view()}
                    </select>
                    <Said problem=problem field="outcome" id=format!("{p}-outcome") />
                }
                    .into_any(),
            }}
            <label for=format!("{p}-note")>"Note (optional)"</label>
            <input id=format!("{p}-note") name="note" maxlength="1000" bind:value=note />
            <Said problem=problem field="note" id=format!("{p}-note") />
            <OtherErrors problem=problem placed=&["outcome", "note"] />
            <FormButtons pending=pending label="Close the case" testid="close-submit" close=close />
        </form>
    }
}

#[component]
fn OutcomeForm(hearing: Hearing, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let outcome = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (case_id, hearing_id) = (hearing.case_id, hearing.id);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let o = match needed("outcome", &outcome.get_untracked(), "Say what the hearing decided.") {
            Ok(o) => o,
            Err(p) => return submission.refuse(p),
        };
        let body = json!({ "outcome": o, "next_step": optional(&next_step.get_untracked()) });
        submission.run(
            move |_| async move { api::remedial::hearing_outcome(case_id, hearing_id, &body).await },
            move |_| {
                done.set(Some("The hearing's outcome is recorded.".into()));
                records.cases.again();
            },
        );
    };
    let p = format!("outcome-{hearing_id}");
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="outcome-form">
            <h3>{format!("Outcome of the hearing of {}", format::local_datetime(&hearing.starts_at))}</h3>
            <label for=format!("{p}-outcome")>"Outcome"</label>
            <textarea
                id=format!("{p}-outcome")
                name="outcome"
                rows="2"
                required
                maxlength="2000"
                aria-invalid=invalid(problem, "outcome")
                aria-describedby=format!("{p}-outcome-error")
                bind:value=outcome
            ></textarea>
            <Said problem=problem field="outcome" id=format!("{p}-outcome") />
            <label for=format!("{p}-next")>"Next step (optional)"</label>
            <input id=format!("{p}-next") name="next_step" maxlength="1000" bind:value=next_step />
            <Said problem=problem field="next_step" id=format!("{p}-next") />
            <OtherErrors problem=problem placed=&["outcome", "next_step"] />
            <FormButtons pending=pending label="Record the outcome" testid="outcome-submit" close=close />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::remedial::legal::LegalCaseStatus;

    fn case(status: LegalCaseStatus) -> LegalCase {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "account_id": Uuid::from_u128(2), "status": status,
            "court": "Circuit Court", "case_number": null, "counsel": null, "amount_claimed": "4250.00",
            "currency": "USD", "filed_on": null, "judgment_on": null, "outcome": null, "closed_on": null,
            "next_hearing_at": null, "notes": null, "created_by": Uuid::from_u128(3), "created_by_name": null,
            "created_at": "2026-12-01T10:00:00Z", "updated_at": "2026-12-01T10:00:00Z", "hearings": []
        }))
        .unwrap()
    }

    #[test]
    fn a_case_offers_the_steps_its_lifecycle_allows() {
        use CaseStep::*;
        assert_eq!(steps(&case(LegalCaseStatus::Draft)), [File, Edit, Delete]);
        assert_eq!(steps(&case(LegalCaseStatus::Filed)), [Hear, Judge, Close]);
        assert_eq!(steps(&case(LegalCaseStatus::InHearing)), [Hear, Judge, Close]);
        assert_eq!(steps(&case(LegalCaseStatus::Judgment)), [Close]);
        assert_eq!(steps(&case(LegalCaseStatus::Closed)), []);
    }

    #[test]
    fn the_claim_is_an_amount_of_the_currency_above_zero() {
        assert_eq!(claimed("4,250.5", "USD"), Ok("4250.50".parse().unwrap()));
        for bad in ["0", "-5", "1.234", "abc", "", "1,25.00"] {
            let p = claimed(bad, "USD").unwrap_err();
            assert!(p.field("amount_claimed").is_some(), "{bad}");
        }
    }
}
