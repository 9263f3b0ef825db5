//! Recovery actions: foreclosure, dación en pago, repossession, garnishment — each with
//! its milestones (done, due, or overdue: said in words and marked, not by colour
//! alone) and documents. Those who manage them initiate one — its milestones proposed
//! from the kind's usual ones ([`RecoveryKind::usual_milestones`]), each given a target
//! date — mark milestones done, add more, complete it once every milestone is done, or
//! cancel it with a reason; the steps offered are those its lifecycle table allows.

use super::{action_name, documents::RecordDocuments, kind_label, loaded, optional, Opener, Records, Said};
use crate::{
    api::{
        self,
        documents::DocumentSubject,
        remedial::{Milestone, RecoveryAction},
        Account, Problem,
    },
    components::{invalid, Loaded, OtherErrors},
    format,
    pages::account::{Done, DoneNote},
    session::use_session,
    submit::Submission,
};
use chrono::NaiveDate;
use debtflow_domain::{
    permission::Operation,
    remedial::{
        recovery::{
            check_complete, check_done, check_milestones, is_overdue, NewMilestone, RecoveryKind, RecoveryStatus,
            RecoveryStep, MAX_MILESTONES,
        },
        Lifecycle,
    },
};
use leptos::{ev::SubmitEvent, prelude::*};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Where a milestone form shows what a refusal says of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Beside the name of the row at this index (from 0, as the API counts them).
    Name(usize),
    /// Beside that row's target date.
    Target(usize),
    /// Under the rows: the milestones as a whole, and what has no place of its own.
    General,
}

/// Where the form shows `field`, as the API names it: `milestones.1.name` (a shape
/// refusal) or `milestones[1].name` beside the second row's name, anything else under
/// the rows.
pub fn place_of(field: &str) -> Place {
    let rest = field.strip_prefix("milestones.").or_else(|| field.strip_prefix("milestones["));
    let Some((index, what)) = rest.and_then(|r| r.split_once('.')) else { return Place::General };
    match (index.trim_end_matches(']').parse::<usize>(), what) {
        (Ok(i), "name") => Place::Name(i),
        (Ok(i), "target_on") => Place::Target(i),
        _ => Place::General,
    }
}

/// What `problem` says of the fields shown at `place`, in one line.
pub fn messages_at(problem: &Problem, place: Place) -> Option<String> {
    let found: Vec<String> = problem
        .errors
        .iter()
        .flatten()
        .filter(|(field, _)| place_of(field) == place)
        .map(|(field, messages)| match (place, field.as_str()) {
            (Place::General, f) if f != "milestones" => format!("{}: {}", format::label(f), messages.join(" ")),
            _ => messages.join(" "),
        })
        .collect();
    (!found.is_empty()).then(|| found.join(" "))
}

/// The rows typed (`(name, target date)`) as the API takes them, checked first as the
/// API checks them: each row's name and date (every row's at once), then the
/// milestones with the domain's rules (named once, with the action's `existing` ones;
/// not before `initiated_on`; at most [`MAX_MILESTONES`] in all). A rule a row breaks
/// is said beside that row: the first rows the domain refuses are the culprit's.
pub fn milestones(
    rows: &[(String, String)],
    existing: &[String],
    initiated_on: NaiveDate,
) -> Result<Vec<NewMilestone>, Problem> {
    let mut errors = BTreeMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for (i, (name, target)) in rows.iter().enumerate() {
        if name.trim().is_empty() {
            errors.insert(format!("milestones.{i}.name"), vec!["Name the milestone.".to_string()]);
        }
        match format::date(target) {
            Some(target_on) => items.push(NewMilestone { name: name.trim().to_string(), target_on }),
            None => {
                errors.insert(format!("milestones.{i}.target_on"), vec!["Pick the target date.".to_string()]);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Problem {
            status: 422,
            title: "Check the fields marked".into(),
            errors: Some(errors),
            ..Problem::default()
        });
    }
    if let Err(e) = check_milestones(&items, existing, initiated_on) {
        let field = match e.field.strip_prefix("milestones.") {
            Some(what) => {
                let culprit =
                    (1..=items.len()).find(|n| check_milestones(&items[..*n], existing, initiated_on).is_err());
                culprit.map_or_else(|| e.field.to_string(), |n| format!("milestones.{}.{what}", n - 1))
            }
            None => e.field.to_string(),
        };
        return Err(Problem::invalid(&field, e.message));
    }
    Ok(items)
}

/// The milestones as the API takes them.
fn body_of(items: &[NewMilestone]) -> Vec<Value> {
    items.iter().map(|m| json!({ "name": m.name, "target_on": m.target_on })).collect()
}

/// Whether a milestone is overdue on `today`: the daily scan found it so, or it is past
/// its target and not done.
pub fn overdue(m: &Milestone, today: NaiveDate) -> bool {
    m.done_on.is_none() && (m.overdue_since.is_some() || is_overdue(m.target_on, m.done_on, today))
}

/// A milestone's state, in words: done, overdue by how long, or due.
pub fn milestone_state(m: &Milestone, today: NaiveDate) -> String {
    match (m.done_on, overdue(m, today)) {
        (Some(d), _) => format!("Done on {d}"),
        (None, true) => match (today - m.target_on).num_days() {
            1 => "Overdue by 1 day".into(),
            n if n > 1 => format!("Overdue by {n} days"),
            // Found overdue by the scan, though not past its target by this date.
            _ => "Overdue".into(),
        },
        (None, false) => format!("Due by {}", m.target_on),
    }
}

#[component]
pub(super) fn RecoveryActions(account: Account) -> impl IntoView {
    let records = expect_context::<Records>();
    let session = use_session();
    let manager = session.can(Operation::ManageRecoveryActions);
    let today = session.today();
    let initiates = manager && account.status.is_open();
    let adding = RwSignal::new(false);
    let done = Done::of("recovery");
    let late = move || {
        records.actions.state.with(|s| {
            loaded(s)
                .iter()
                .filter(|a| !matches!(a.status, RecoveryStatus::Completed | RecoveryStatus::Cancelled))
                .flat_map(|a| a.milestones.iter())
                .filter(|m| overdue(m, today))
                .count()
        })
    };
    view! {
        <section class="card" aria-labelledby="recovery-h" data-testid="recovery-actions">
            <h2 id="recovery-h">"Recovery actions"</h2>
            {move || match late() {
                0 => None,
                n => Some(view! {
                    <p class="notice" data-testid="overdue-count">
                        {if n == 1 { "1 milestone is overdue.".to_string() } else { format!("{n} milestones are overdue.") }}
                    </p>
                }),
            }}
            <Loaded
                state=records.actions.state
                retry=move |()| records.actions.again()
                empty={|list: &Vec<RecoveryAction>| list.is_empty().then_some("No recovery action.")}
                let:list
            >
                <ul class="records">
                    {list.into_iter().map(|a| view! { <ActionItem action=a manager=manager done=done /> }).collect_view()}
                </ul>
            </Loaded>
            <DoneNote done=done testid="recovery-done" />
            {initiates
                .then(|| {
                    view! {
                        <div class="actions">
                            <Opener open=adding label="Initiate a recovery action" testid="recovery-new" />
                        </div>
                        <Show when=move || adding.get()>
                            <InitiateForm account_id=account.id done=done close=Callback::new(move |()| adding.set(false)) />
                        </Show>
                    }
                })}
        </section>
    }
}

/// A step's form, open on an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Add,
    Cancel,
    Done(Uuid),
}

#[component]
fn ActionItem(action: RecoveryAction, manager: bool, done: Done) -> impl IntoView {
    let records = expect_context::<Records>();
    let today = use_session().today();
    let open = RwSignal::new(None::<Open>);
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let a = StoredValue::new(action.clone());
    let (id, status) = (action.id, action.status);
    let may = |step: RecoveryStep| manager && status.after(step).is_some();
    let progresses = may(RecoveryStep::Progress);
    let complete = move |_| {
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let dates: Vec<Option<NaiveDate>> = a.with_value(|a| a.milestones.iter().map(|m| m.done_on).collect());
        if let Err(e) = check_complete(&dates) {
            return submission.refuse(Problem {
                title: format!("{}; the action is completed once every milestone is done.", e.message),
                ..Problem::default()
            });
        }
        submission.run(
            move |_| async move { api::remedial::complete_action(id).await },
            move |a| {
                done.set(Some(format!("{} completed.", action_name(&a))));
                records.actions.again();
            },
        );
    };
    let by = format!(
        "Initiated {} by {}",
        action.initiated_on,
        action.initiated_by_name.clone().unwrap_or_else(|| "someone outside the agency".into())
    );
    let ended = match (action.status, action.ended_on) {
        (RecoveryStatus::Completed, Some(d)) => Some(format!("Completed on {d}.")),
        (RecoveryStatus::Cancelled, Some(d)) => {
            Some(format!("Cancelled on {d}: {}", action.cancel_reason.clone().unwrap_or_default()))
        }
        _ => None,
    };
    let toggle = move |t: Open| move |_| open.update(|o| *o = if *o == Some(t) { None } else { Some(t) });
    let expanded = move |t: Open| move || if open.get() == Some(t) { "true" } else { "false" };
    let close = Callback::new(move |()| open.set(None));
    let rows = action
        .milestones
        .iter()
        .map(|m| {
            let late = overdue(m, today);
            let state = milestone_state(m, today);
            let target = Open::Done(m.id);
            let name = m.name.clone();
            view! {
                <tr data-testid="milestone" data-overdue=late.to_string() data-done=m.done_on.is_some().to_string()>
                    <td data-label="#">{m.position}</td>
                    <td data-label="Milestone">{m.name.clone()}</td>
                    <td data-label="Target">{m.target_on.to_string()}</td>
                    <td data-label="State">
                        {if late {
                            view! { <span class="badge overdue">{state}</span> }.into_any()
                        } else if m.done_on.is_some() {
                            view! { <span class="badge done">{state}</span> }.into_any()
                        } else {
                            view! { <span>{state}</span> }.into_any()
                        }}
                    </td>
                    <td>
                        {(progresses && m.done_on.is_none())
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="link"
                                        aria-label=format!("Mark “{name}” done")
                                        aria-expanded=expanded(target)
                                        data-testid="milestone-done"
                                        on:click=toggle(target)
                                    >
                                        "Mark done"
                                    </button>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <li class="record" data-testid="recovery-action" data-status=status.as_str()>
            <h3>
                {kind_label(action.kind)}
                " "
                <span class=format!("badge action-{status}") data-testid="action-status">
                    {format::label(status.as_str())}
                </span>
            </h3>
            <p class="muted small">{by}</p>
            {action.notes.clone().map(|n| view! { <p class="muted">{n}</p> })}
            {ended.map(|e| view! { <p data-testid="action-ended">{e}</p> })}
            <table class="cards milestones">
                <caption class="sr-only">"Milestones"</caption>
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"Milestone"</th>
                        <th>"Target"</th>
                        <th>"State"</th>
                        <th>
                            <span class="sr-only">"Action"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {manager
                .then(|| {
                    view! {
                        <div class="actions">
                            {may(RecoveryStep::Complete)
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="primary"
                                            disabled=move || pending.get()
                                            data-testid="action-complete"
                                            on:click=complete
                                        >
                                            "Complete"
                                        </button>
                                    }
                                })}
                            {may(RecoveryStep::AddMilestone)
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            aria-expanded=expanded(Open::Add)
                                            data-testid="action-add"
                                            on:click=toggle(Open::Add)
                                        >
                                            "Add milestones"
                                        </button>
                                    }
                                })}
                            {may(RecoveryStep::Cancel)
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            aria-expanded=expanded(Open::Cancel)
                                            data-testid="action-cancel"
                                            on:click=toggle(Open::Cancel)
                                        >
                                            "Cancel the action"
                                        </button>
                                    }
                                })}
                        </div>
                    }
                })}
            <OtherErrors problem=problem placed=&[] />
            {move || match open.get() {
                None => ().into_any(),
                Some(Open::Add) => view! { <AddForm action=a.get_value() done=done close=close /> }.into_any(),
                Some(Open::Cancel) => view! { <CancelForm action=a.get_value() done=done close=close /> }.into_any(),
                Some(Open::Done(milestone_id)) => {
                    match a.with_value(|a| a.milestones.iter().find(|m| m.id == milestone_id).cloned()) {
                        Some(m) => view! { <DoneForm action=a.get_value() milestone=m done=done close=close /> }.into_any(),
                        None => ().into_any(),
                    }
                }
            }}
            <RecordDocuments kind=DocumentSubject::RecoveryAction id=id />
        </li>
    }
}

/// One row of a milestone form: a name by a target date.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    name: RwSignal<String>,
    target_on: RwSignal<String>,
}

/// The rows of a milestone form and what to do with them.
#[derive(Clone, Copy)]
struct Rows {
    rows: RwSignal<Vec<Row>>,
    next_key: StoredValue<u32>,
    /// How many more the action may have.
    room: usize,
}

impl Rows {
    fn new(names: &[&str], room: usize) -> Self {
        let rows = Rows { rows: RwSignal::new(Vec::new()), next_key: StoredValue::new(0), room };
        rows.set(names);
        rows
    }

    fn row(self, name: &str) -> Row {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        Row { key, name: RwSignal::new(name.to_string()), target_on: RwSignal::new(String::new()) }
    }

    /// Rows named `names` (one blank row for none), no date yet.
    fn set(self, names: &[&str]) {
        let mut rows: Vec<Row> = names.iter().take(self.room).map(|n| self.row(n)).collect();
        if rows.is_empty() {
            rows.push(self.row(""));
        }
        self.rows.set(rows);
    }

    /// Whether nothing was typed but what a kind proposed: a new kind may propose its own.
    fn untouched(self) -> bool {
        let proposed =
            |name: &str| name.is_empty() || RecoveryKind::ALL.iter().any(|k| k.usual_milestones().contains(&name));
        self.rows.with_untracked(|r| {
            r.iter().all(|r| r.target_on.with_untracked(String::is_empty) && r.name.with_untracked(|n| proposed(n)))
        })
    }

    fn typed(self) -> Vec<(String, String)> {
        self.rows.with_untracked(|r| r.iter().map(|r| (r.name.get_untracked(), r.target_on.get_untracked())).collect())
    }
}

/// The rows' table with "Add a milestone" under it and what a refusal says of the
/// milestones as a whole.
#[component]
fn MilestoneRows(rows: Rows, problem: RwSignal<Option<Problem>>, min: NaiveDate) -> impl IntoView {
    let Rows { rows: list, room, .. } = rows;
    let add = move |_| {
        problem.set(None);
        if list.with_untracked(Vec::len) < room {
            let row = rows.row("");
            list.update(|r| r.push(row));
        }
    };
    let general = move || {
        problem.with(|p| p.as_ref().and_then(|p| messages_at(p, Place::General))).map(
            |m| view! { <p class="field-error" role="alert" data-field="milestones" data-testid="milestones-error">{m}</p> },
        )
    };
    view! {
        <table class="manual" data-testid="milestone-rows">
            <colgroup>
                <col class="n" />
                <col />
                <col class="date" />
                <col class="x" />
            </colgroup>
            <thead>
                <tr>
                    <th>"#"</th>
                    <th>"Milestone"</th>
                    <th>"Target date"</th>
                    <th>
                        <span class="sr-only">"Remove"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                <For each=move || list.get() key=|r| r.key let:row>
                    <MilestoneRow row=row rows=list problem=problem min=min />
                </For>
            </tbody>
        </table>
        <button type="button" on:click=add disabled=move || list.with(|r| r.len() >= room) data-testid="add-milestone-row">
            "Add a milestone"
        </button>
        {general}
    }
}

#[component]
fn MilestoneRow(
    row: Row,
    rows: RwSignal<Vec<Row>>,
    problem: RwSignal<Option<Problem>>,
    min: NaiveDate,
) -> impl IntoView {
    let index = Memo::new(move |_| rows.with(|r| r.iter().position(|x| x.key == row.key).unwrap_or(0)));
    let said = move |place: fn(usize) -> Place| {
        Signal::derive(move || problem.with(|p| p.as_ref().and_then(|p| messages_at(p, place(index.get())))))
    };
    let (name_error, target_error) = (said(Place::Name), said(Place::Target));
    let error = move |said: Signal<Option<String>>, what: &'static str| {
        move || {
            said.get().map(|m| {
                view! {
                    <span
                        class="field-error"
                        role="alert"
                        id=format!("milestone-{}-{what}-error", row.key)
                        data-field=move || format!("milestones.{}.{what}", index.get())
                    >
                        {m}
                    </span>
                }
            })
        }
    };
    view! {
        <tr data-testid="milestone-row">
            <td>{move || index.get() + 1}</td>
            <td>
                <input
                    required
                    maxlength="200"
                    data-testid="milestone-name"
                    aria-label=move || format!("Name of milestone {}", index.get() + 1)
                    aria-invalid=move || name_error.with(Option::is_some).then_some("true")
                    aria-describedby=format!("milestone-{}-name-error", row.key)
                    bind:value=row.name
                />
                {error(name_error, "name")}
            </td>
            <td>
                <input
                    type="date"
                    required
                    min=min.to_string()
                    data-testid="milestone-target"
                    aria-label=move || format!("Target date of milestone {}", index.get() + 1)
                    aria-invalid=move || target_error.with(Option::is_some).then_some("true")
                    aria-describedby=format!("milestone-{}-target_on-error", row.key)
                    bind:value=row.target_on
                />
                {error(target_error, "target_on")}
            </td>
            <td>
                <button
                    type="button"
                    class="link"
                    aria-label=move || format!("Remove milestone {}", index.get() + 1)
                    disabled=move || rows.with(|r| r.len() <= 1)
                    on:click=move |_| {
                        problem.set(None);
                        rows.update(|r| r.retain(|x| x.key != row.key));
                    }
                >
                    "×"
                </button>
            </td>
        </tr>
    }
}

#[component]
fn InitiateForm(account_id: Uuid, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let today = use_session().today();
    let kind = RwSignal::new(None::<RecoveryKind>);
    let rows = Rows::new(&[], MAX_MILESTONES);
    let notes = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let choose = move |ev| {
        let k = event_target_value(&ev).parse::<RecoveryKind>().ok();
        kind.set(k);
        problem.set(None);
        // The kind's usual milestones, unless the user typed milestones of their own.
        if let Some(k) = k.filter(|_| rows.untouched()) {
            rows.set(k.usual_milestones());
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let Some(k) = kind.get_untracked() else {
            return submission.refuse(Problem::invalid("kind", "Choose the kind of action."));
        };
        let items = match milestones(&rows.typed(), &[], today) {
            Ok(items) => items,
            Err(p) => return submission.refuse(p),
        };
        let body = json!({ "kind": k, "milestones": body_of(&items), "notes": optional(&notes.get_untracked()) });
        submission.run(
            move |_| async move { api::remedial::initiate(account_id, &body).await },
            move |a| {
                done.set(Some(format!("{} initiated with {} milestone(s).", kind_label(a.kind), a.milestones.len())));
                close.run(());
                records.actions.again();
            },
        );
    };
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="initiate-form">
            <h3>"Initiate a recovery action"</h3>
            <label for="recovery-kind">"Kind"</label>
            <select
                id="recovery-kind"
                name="kind"
                aria-invalid=invalid(problem, "kind")
                aria-describedby="recovery-kind-error"
                prop:value=move || kind.get().map(RecoveryKind::as_str).unwrap_or_default()
                on:change=choose
            >
                <option value="">"Choose…"</option>
                {RecoveryKind::ALL
                    .iter()
                    .map(|k| view! { <option value=k.as_str()>{kind_label(*k)}</option> })
                    .collect_view()}
            </select>
            <Said problem=problem field="kind" id="recovery-kind" />
            <p class="muted small">"The kind's usual milestones are proposed: give each a target date, change or add them."</p>
            <MilestoneRows rows=rows problem=problem min=today />
            <label for="recovery-notes">"Notes (optional)"</label>
            <textarea id="recovery-notes" name="notes" rows="2" maxlength="2000" bind:value=notes></textarea>
            <Said problem=problem field="notes" id="recovery-notes" />
            <OtherErrors problem=problem placed=&["kind", "notes"] />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get() data-testid="initiate-submit">
                    "Initiate the action"
                </button>
                <button type="button" class="link" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[component]
fn AddForm(action: RecoveryAction, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let existing: Vec<String> = action.milestones.iter().map(|m| m.name.clone()).collect();
    let rows = Rows::new(&[], MAX_MILESTONES.saturating_sub(existing.len()));
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (id, initiated_on) = (action.id, action.initiated_on);
    let full = existing.len() >= MAX_MILESTONES;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let items = match milestones(&rows.typed(), &existing, initiated_on) {
            Ok(items) => items,
            Err(p) => return submission.refuse(p),
        };
        let body = json!({ "milestones": body_of(&items) });
        submission.run(
            move |_| async move { api::remedial::add_milestones(id, &body).await },
            move |_| {
                done.set(Some("Milestones added.".into()));
                records.actions.again();
            },
        );
    };
    view! {
        <form class="step" on:submit=submit on:input=move |_| problem.set(None) data-testid="add-milestones-form">
            <h3>"Add milestones"</h3>
            {if full {
                view! { <p>{format!("This action has the most milestones it may have ({MAX_MILESTONES}).")}</p> }.into_any()
            } else {
                view! { <MilestoneRows rows=rows problem=problem min=initiated_on /> }.into_any()
            }}
            <OtherErrors problem=problem placed=&[] />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || full || pending.get() data-testid="add-milestones-submit">
                    "Add them"
                </button>
                <button type="button" class="link" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

#[component]
fn DoneForm(action: RecoveryAction, milestone: Milestone, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let today = use_session().today();
    let on = RwSignal::new(today.to_string());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let (id, initiated_on) = (action.id, action.initiated_on);
    let (milestone_id, already) = (milestone.id, milestone.done_on);
    let name = StoredValue::new(milestone.name.clone());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let checked = format::date(&on.get_untracked())
            .ok_or_else(|| Problem::invalid("done_on", "Pick the date."))
            .and_then(|d| {
                check_done(d, already, initiated_on, today).map_err(|e| Problem::invalid(e.field, e.message))?;
                Ok(d)
            });
        let day = match checked {
            Ok(d) => d,
            Err(p) => return submission.refuse(p),
        };
        let day_text = day.to_string();
        submission.run(
            move |_| async move { api::remedial::milestone_done(id, milestone_id, &day_text).await },
            move |_| {
                done.set(Some(format!("“{}” done on {day}.", name.get_value())));
                records.actions.again();
            },
        );
    };
    let p = format!("done-{milestone_id}");
    view! {
        <form class="inline" on:submit=submit on:input=move |_| problem.set(None) data-testid="milestone-done-form">
            <label for=p.clone()>{format!("“{}” done on", milestone.name)}</label>
            <input
                id=p.clone()
                name="done_on"
                type="date"
                required
                min=initiated_on.to_string()
                max=today.to_string()
                aria-invalid=invalid(problem, "done_on")
                aria-describedby=format!("{p}-error")
                bind:value=on
            />
            <button type="submit" class="primary" disabled=move || pending.get() data-testid="milestone-done-submit">
                "Mark done"
            </button>
            <button type="button" class="link" on:click=move |_| close.run(())>
                "Cancel"
            </button>
            <Said problem=problem field="done_on" id=p.clone() />
            <OtherErrors problem=problem placed=&["done_on"] />
        </form>
    }
}

#[component]
fn CancelForm(action: RecoveryAction, done: Done, close: Callback<()>) -> impl IntoView {
    let records = expect_context::<Records>();
    let reason = RwSignal::new(String::new());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let id = action.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            return submission.refuse(Problem::invalid("reason", "Say why the action is cancelled."));
        }
        submission.run(
            move |_| async move { api::remedial::cancel_action(id, &r).await },
            move |a| {
                done.set(Some(format!("{} cancelled.", action_name(&a))));
                records.actions.again();
            },
        );
    };
    let p = format!("cancel-{id}");
    view! {
        <form class="inline" on:submit=submit on:input=move |_| problem.set(None) data-testid="action-cancel-form">
            <label for=p.clone()>"Why cancel?"</label>
            <input
                id=p.clone()
                name="reason"
                maxlength="1000"
                aria-invalid=invalid(problem, "reason")
                aria-describedby=format!("{p}-error")
                bind:value=reason
            />
            <button type="submit" disabled=move || pending.get() data-testid="action-cancel-submit">
                "Cancel the action"
            </button>
            <button type="button" class="link" on:click=move |_| close.run(())>
                "Keep it"
            </button>
            <Said problem=problem field="reason" id=p.clone() />
            <OtherErrors problem=problem placed=&["reason"] />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        format::date(s).unwrap()
    }

    fn rows(r: &[(&str, &str)]) -> Vec<(String, String)> {
        r.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn fields(p: &Problem) -> Vec<&str> {
        p.errors.iter().flatten().map(|(f, _)| f.as_str()).collect()
    }

    fn milestone(target: &str, done: Option<&str>, overdue_since: Option<&str>) -> Milestone {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "position": 1, "name": "Auction held", "target_on": target,
            "done_on": done, "done_by": null, "overdue_since": overdue_since
        }))
        .unwrap()
    }

    #[test]
    fn the_apis_fields_are_placed_beside_their_row() {
        assert_eq!(place_of("milestones.1.name"), Place::Name(1));
        assert_eq!(place_of("milestones[0].target_on"), Place::Target(0));
        assert_eq!(place_of("milestones.11.target_on"), Place::Target(11));
        for general in ["milestones", "milestones.name", "notes", "milestones.x.name", "milestones.1.done_on"] {
            assert_eq!(place_of(general), Place::General, "{general}");
        }
    }

    #[test]
    fn milestones_are_checked_as_the_api_checks_them_and_said_beside_the_row_at_fault() {
        let start = d("2026-12-01");
        let ok = milestones(&rows(&[("Notice served", "2026-12-10"), (" Asset recovered ", "2027-01-10")]), &[], start)
            .unwrap();
        assert_eq!(ok[1], NewMilestone { name: "Asset recovered".into(), target_on: d("2027-01-10") });
        // Every row's typing at once.
        let typed = milestones(&rows(&[("", "2026-12-10"), ("Asset sold", "")]), &[], start).unwrap_err();
        assert_eq!(fields(&typed), ["milestones.0.name", "milestones.1.target_on"]);
        // The domain's rules, placed on the row that breaks them.
        let twice = milestones(&rows(&[("A", "2026-12-10"), ("B", "2026-12-11"), ("a", "2026-12-12")]), &[], start);
        assert_eq!(fields(&twice.unwrap_err()), ["milestones.2.name"]);
        let early = milestones(&rows(&[("A", "2026-12-10"), ("B", "2026-11-30")]), &[], start);
        assert_eq!(fields(&early.unwrap_err()), ["milestones.1.target_on"]);
        let existing = vec!["Auction held".to_string()];
        let again = milestones(&rows(&[("auction held", "2026-12-10")]), &existing, start);
        assert_eq!(fields(&again.unwrap_err()), ["milestones.0.name"]);
        let many: Vec<(String, String)> = (0..12).map(|i| (format!("m{i}"), "2026-12-10".to_string())).collect();
        assert_eq!(fields(&milestones(&many, &existing, start).unwrap_err()), ["milestones"], "13 in all");
    }

    #[test]
    fn an_overdue_milestone_says_by_how_long() {
        let today = d("2026-12-10");
        assert_eq!(milestone_state(&milestone("2026-12-10", None, None), today), "Due by 2026-12-10");
        assert_eq!(milestone_state(&milestone("2026-12-09", None, None), today), "Overdue by 1 day");
        assert_eq!(milestone_state(&milestone("2026-12-05", None, Some("2026-12-07")), today), "Overdue by 5 days");
        assert_eq!(
            milestone_state(&milestone("2026-12-10", None, Some("2026-12-10")), today),
            "Overdue",
            "as the daily scan found it (by the agency's date)"
        );
        let done = milestone("2026-12-05", Some("2026-12-08"), Some("2026-12-06"));
        assert!(!overdue(&done, today));
        assert_eq!(milestone_state(&done, today), "Done on 2026-12-08");
    }
}
