//! The "Legal & recovery" tab: what the agency does once negotiation has failed —
//! the account's legal cases and their hearings ([`legal`]), its recovery actions and
//! their milestones ([`recovery`]), its write-off requests ([`write_offs`]) and the
//! documents on it and on each of those records ([`documents`]).
//!
//! The four lists are read once for the tab and shared ([`Records`]): a document names
//! the record it is attached to, a record lists its documents, and the upload form
//! offers the records as subjects. Which steps a record offers is read from its
//! lifecycle table (`debtflow_domain::remedial::Lifecycle::after`), who may take them
//! from the role table, so no one sees a button the API would refuse. The forms to
//! start something open on demand: the tab stays short at phone width.
//!
//! Its code is split off the account page's (`super::remedial_tab`): it is fetched the
//! first time the tab is opened.

mod documents;
mod legal;
mod recovery;
mod write_offs;

use crate::{
    api::{
        self,
        documents::{Document, DocumentSubject},
        remedial::{LegalCase, RecoveryAction, WriteOff},
        AccountDetail, Problem,
    },
    components::Fetch,
    format,
};
use chrono::{DateTime, Utc};
use debtflow_domain::remedial::recovery::RecoveryKind;
use leptos::prelude::*;
use uuid::Uuid;

/// What the tab read, shared by its sections.
#[derive(Clone, Copy)]
pub(crate) struct Records {
    pub account_id: Uuid,
    pub cases: Fetch<Vec<LegalCase>>,
    pub actions: Fetch<Vec<RecoveryAction>>,
    pub write_offs: Fetch<Vec<WriteOff>>,
    pub documents: Fetch<Vec<Document>>,
    /// The account's current plan, a subject documents may be attached to.
    pub plan: Option<Uuid>,
}

impl Records {
    /// The records a document may be attached to, as the upload form offers them: the
    /// account, its plan, then each case, action and request, named.
    pub fn subjects(&self) -> Vec<Subject> {
        let mut out = vec![Subject { kind: DocumentSubject::Account, id: self.account_id, name: "The account".into() }];
        if let Some(id) = self.plan {
            out.push(Subject { kind: DocumentSubject::Plan, id, name: "The payment plan".into() });
        }
        self.cases.state.with(|s| {
            out.extend(loaded(s).iter().map(|c| Subject {
                kind: DocumentSubject::LegalCase,
                id: c.id,
                name: case_name(c),
            }))
        });
        self.actions.state.with(|s| {
            out.extend(loaded(s).iter().map(|a| Subject {
                kind: DocumentSubject::RecoveryAction,
                id: a.id,
                name: action_name(a),
            }))
        });
        self.write_offs.state.with(|s| {
            out.extend(loaded(s).iter().map(|w| Subject {
                kind: DocumentSubject::WriteOff,
                id: w.id,
                name: write_off_name(w),
            }))
        });
        out
    }
}

/// What a list's read answered, nothing while it is on its way or failed.
pub(crate) fn loaded<T>(state: &Option<api::ApiResult<Vec<T>>>) -> &[T] {
    match state {
        Some(Ok(list)) => list,
        _ => &[],
    }
}

/// A record a document may be attached to.
#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    pub kind: DocumentSubject,
    pub id: Uuid,
    pub name: String,
}

/// What a document is attached to, in words: the record's name when it is among
/// `subjects`, else what kind of record it is.
pub fn subject_of(doc: &Document, subjects: &[Subject]) -> String {
    subjects
        .iter()
        .find(|s| s.kind == doc.subject_type && s.id == doc.subject_id)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| format::label(doc.subject_type.label().trim_start_matches("the ").trim_start_matches("a ")))
}

/// "Legal case 2026-M1-004512" once it has a number, else "Legal case at <court>".
pub fn case_name(c: &LegalCase) -> String {
    match &c.case_number {
        Some(n) if !n.trim().is_empty() => format!("Legal case {n}"),
        _ => format!("Legal case at {}", c.court),
    }
}

/// "Foreclosure of 2026-12-01".
pub fn action_name(a: &RecoveryAction) -> String {
    format!("{} of {}", kind_label(a.kind), a.initiated_on)
}

/// "Write-off request of 2026-12-01".
pub fn write_off_name(w: &WriteOff) -> String {
    format!("Write-off request of {}", w.created_at.date_naive())
}

/// A recovery action's kind, for people.
pub fn kind_label(kind: RecoveryKind) -> &'static str {
    match kind {
        RecoveryKind::Foreclosure => "Foreclosure",
        RecoveryKind::DacionEnPago => "Dación en pago",
        RecoveryKind::Repossession => "Repossession",
        RecoveryKind::Garnishment => "Garnishment",
    }
}

/// Now, by the browser's clock (chrono has no clock in this build).
pub(crate) fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// A `<input type="datetime-local">` value (`2026-12-10T09:30`, the browser's time)
/// as the instant the API takes (RFC 3339, UTC); `None` when it is no such time.
pub(crate) fn local_instant(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text.trim()));
    if d.get_time().is_nan() {
        return None;
    }
    d.to_iso_string().as_string()
}

/// An optional text field as the API takes it: `null` when blank.
pub(crate) fn optional(text: &str) -> serde_json::Value {
    match text.trim() {
        "" => serde_json::Value::Null,
        t => t.into(),
    }
}

/// What a problem says of `field`, beside its input (`{id}-error`, the input's
/// `aria-describedby`).
#[component]
pub(crate) fn Said(problem: RwSignal<Option<Problem>>, field: &'static str, #[prop(into)] id: String) -> impl IntoView {
    move || {
        problem.with(|p| p.as_ref().and_then(|p| p.field(field))).map(|m| {
            view! {
                <span class="field-error" role="alert" data-field=field id=format!("{id}-error")>
                    {m}
                </span>
            }
        })
    }
}

/// A button that opens a form in place (and says so to screen readers), its label
/// while the form is closed.
#[component]
pub(crate) fn Opener(
    open: RwSignal<bool>,
    #[prop(into)] label: String,
    testid: &'static str,
    #[prop(optional)] primary: bool,
    /// Drawn as a link: a secondary action beside a record's own steps.
    #[prop(optional)]
    link: bool,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class:primary=primary
            class:link=link
            aria-expanded=move || if open.get() { "true" } else { "false" }
            data-testid=testid
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {label}
        </button>
    }
}

/// The tab: legal cases and recovery actions, then write-offs and documents.
#[component]
pub fn RemedialTab(detail: AccountDetail) -> impl IntoView {
    let account = detail.account;
    let id = account.id;
    let records = Records {
        account_id: id,
        cases: Fetch::new(move || api::remedial::legal_cases(id)),
        actions: Fetch::new(move || api::remedial::recovery_actions(id)),
        write_offs: Fetch::new(move || api::remedial::write_offs(id)),
        documents: Fetch::new(move || api::documents::list(id)),
        plan: detail.plan.map(|p| p.id),
    };
    provide_context(records);
    view! {
        <div class="remedial" data-testid="remedial">
            <div class="grid">
                <legal::LegalCases account=account.clone() />
                <recovery::RecoveryActions account=account.clone() />
            </div>
            <div class="grid">
                <write_offs::WriteOffs account=account.clone() />
                <documents::Documents />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(number: Option<&str>) -> LegalCase {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(1), "account_id": Uuid::from_u128(2), "status": "draft",
            "court": "Circuit Court of Cook County", "case_number": number, "counsel": null,
            "amount_claimed": "4250.00", "currency": "USD", "filed_on": null, "judgment_on": null, "outcome": null,
            "closed_on": null, "next_hearing_at": null, "notes": null, "created_by": Uuid::from_u128(3),
            "created_by_name": "Morgan Reyes", "created_at": "2026-12-01T10:00:00Z",
            "updated_at": "2026-12-01T10:00:00Z", "hearings": []
        }))
        .unwrap()
    }

    fn document(subject_type: &str, subject_id: Uuid) -> Document {
        serde_json::from_value(json!({
            "id": Uuid::from_u128(9), "account_id": Uuid::from_u128(2), "subject_type": subject_type,
            "subject_id": subject_id, "title": "Statement of claim", "latest_version": 1,
            "created_by": Uuid::from_u128(3), "created_by_name": null, "created_at": "2026-12-01T10:00:00Z",
            "versions": []
        }))
        .unwrap()
    }

    #[test]
    fn records_are_named_as_people_know_them() {
        assert_eq!(case_name(&case(Some("2026-M1-004512"))), "Legal case 2026-M1-004512");
        assert_eq!(case_name(&case(Some(" "))), "Legal case at Circuit Court of Cook County");
        assert_eq!(case_name(&case(None)), "Legal case at Circuit Court of Cook County");
        assert_eq!(kind_label(RecoveryKind::DacionEnPago), "Dación en pago");
    }

    #[test]
    fn a_document_names_its_subject() {
        let subjects = vec![
            Subject { kind: DocumentSubject::Account, id: Uuid::from_u128(2), name: "The account".into() },
            Subject { kind: DocumentSubject::LegalCase, id: Uuid::from_u128(1), name: "Legal case 7".into() },
        ];
        assert_eq!(subject_of(&document("legal_case", Uuid::from_u128(1)), &subjects), "Legal case 7");
        assert_eq!(subject_of(&document("account", Uuid::from_u128(2)), &subjects), "The account");
        // A record not read (deleted, or not loaded yet): what kind it is.
        assert_eq!(subject_of(&document("recovery_action", Uuid::from_u128(5)), &subjects), "Recovery action");
        assert_eq!(subject_of(&document("write_off", Uuid::from_u128(5)), &subjects), "Write-off request");
    }
}
