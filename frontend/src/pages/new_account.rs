//! `/accounts/new`: a placement typed in by hand — the debtor and their account, in the
//! agency's currency, status new (`POST /accounts`). Files of many go through imports.
//! The amount is read as the app shows amounts (`1,250.00`), dates come from the
//! browser's date picker, and the server's refusals land beside their fields (a
//! reference the agency already has is named).

use crate::{
    api::{self, Problem},
    components::{invalid, FieldError, FormError, PageHeading},
    session::use_session,
    submit::Submission,
};
use debtflow_domain::Priority;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};
use serde_json::{json, Map, Value};

/// The form's fields as typed, by their wire names (`debtor.full_name` for the
/// debtor's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft(pub std::collections::BTreeMap<&'static str, String>);

/// The fields, in order: wire name, caption, input type, required.
const FIELDS: [(&str, &str, &str, bool); 14] = [
    ("external_ref", "Account reference (the creditor's)", "text", true),
    ("creditor", "Creditor", "text", true),
    ("original_creditor", "Original creditor", "text", false),
    ("original_balance", "Balance owed", "text", true),
    ("delinquency_date", "First missed payment", "date", true),
    ("due_date", "Due date", "date", false),
    ("debtor.full_name", "Debtor's full name", "text", true),
    ("debtor.phone", "Phone", "tel", false),
    ("debtor.email", "Email", "email", false),
    ("debtor.address", "Address", "text", false),
    ("debtor.date_of_birth", "Date of birth", "date", false),
    ("debtor.ssn_last4", "Last 4 digits of the SSN", "text", false),
    ("debtor.external_ref", "Debtor's reference (the creditor's)", "text", false),
    ("priority", "Priority", "select", false),
];

impl Draft {
    fn get(&self, field: &str) -> &str {
        self.0.get(field).map_or("", |v| v.trim())
    }

    /// The request body, or the first field to fix: required fields, the amount in the
    /// agency's `currency`, a first missed payment not after `today`.
    pub fn body(&self, currency: &str, today: chrono::NaiveDate) -> Result<Value, Problem> {
        for (field, caption, _, required) in FIELDS {
            if required && self.get(field).is_empty() {
                return Err(Problem::invalid(field, format!("{caption} is required.")));
            }
        }
        let balance = Problem::amount("original_balance", self.get("original_balance"), currency)?;
        let delinquent = crate::format::date(self.get("delinquency_date"))
            .ok_or_else(|| Problem::invalid("delinquency_date", "Pick a date."))?;
        debtflow_domain::account::check_delinquency_date(delinquent, today)
            .map_err(|m| Problem::invalid("delinquency_date", format!("The first missed payment {m}.")))?;
        let ssn = self.get("debtor.ssn_last4");
        if !ssn.is_empty() && (ssn.len() != 4 || !ssn.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Problem::invalid("debtor.ssn_last4", "Type exactly 4 digits."));
        }
        let (mut account, mut debtor) = (Map::new(), Map::new());
        for (field, _, _, _) in FIELDS {
            let value = self.get(field);
            if value.is_empty() {
                continue;
            }
            let value = match field {
                "original_balance" => json!(balance),
                "priority" => json!(value.parse::<i16>().unwrap_or(0)),
                _ => json!(value),
            };
            match field.strip_prefix("debtor.") {
                Some(name) => debtor.insert(name.into(), value),
                None => account.insert(field.into(), value),
            };
        }
        account.insert("debtor".into(), Value::Object(debtor));
        Ok(Value::Object(account))
    }
}

#[component]
pub fn NewAccountPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let draft = RwSignal::new(Draft::default());
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let currency =
        move || session.user.with(|u| u.as_ref().and_then(|u| u.agency.as_ref().map(|a| a.currency.clone())));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let currency = currency().unwrap_or_else(|| "USD".into());
        let body = match draft.with_untracked(|d| d.body(&currency, session.today())) {
            Ok(body) => body,
            Err(p) => return submission.refuse(p),
        };
        let navigate = navigate.clone();
        submission.run(
            move |_| async move { api::create_account(&body).await },
            move |account| navigate(&format!("/accounts/{}", account.id), Default::default()),
        );
    };
    let input = move |(field, caption, kind, required): (&'static str, &'static str, &'static str, bool)| {
        let id = format!("new-{}", field.replace('.', "-"));
        let caption = if field == "original_balance" {
            format!("{caption} ({})", currency().unwrap_or_default())
        } else if required {
            caption.to_owned()
        } else {
            format!("{caption} (optional)")
        };
        let value = move || draft.with(|d| d.0.get(field).cloned().unwrap_or_default());
        let set = move |ev| draft.update(|d| _ = d.0.insert(field, event_target_value(&ev)));
        let control = if kind == "select" {
            view! {
                <select id=id.clone() on:change=set>
                    {Priority::ALL
                        .map(|p| view! { <option value=p.to_string()>{crate::format::priority(p)}</option> })
                        .collect_view()}
                </select>
            }
            .into_any()
        } else {
            view! {
                <input
                    id=id.clone()
                    type=kind
                    inputmode=(field == "original_balance").then_some("decimal")
                    prop:value=value
                    on:input=set
                    aria-invalid=invalid(problem, field)
                    aria-describedby=format!("{id}-error")
                />
            }
            .into_any()
        };
        view! {
            <div class="field">
                <label for=id.clone()>{caption}</label>
                {control}
                <FieldError problem=problem field=field />
            </div>
        }
    };
    view! {
        <section class="new-account">
            <p class="back"><A href="/accounts">"← Worklist"</A></p>
            <PageHeading text="New account" />
            <form class="card" on:submit=submit data-testid="new-account-form" novalidate>
                <fieldset>
                    <legend>"The account"</legend>
                    <div class="form-grid">{FIELDS[..6].iter().copied().chain([FIELDS[13]]).map(input).collect_view()}</div>
                </fieldset>
                <fieldset>
                    <legend>"The debtor"</legend>
                    <div class="form-grid">{FIELDS[6..13].iter().copied().map(input).collect_view()}</div>
                </fieldset>
                <FormError problem=problem />
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create the account" }}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Draft {
        let mut d = Draft::default();
        for (field, value) in [
            ("external_ref", "ACME-1"),
            ("creditor", "Acme Bank"),
            ("original_balance", "1,250.50"),
            ("delinquency_date", "2026-01-15"),
            ("debtor.full_name", " John Doe "),
            ("debtor.ssn_last4", "1234"),
            ("priority", "2"),
        ] {
            d.0.insert(field, value.into());
        }
        d
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    #[test]
    fn the_body_nests_the_debtor_and_sends_the_amount_as_the_api_reads_it() {
        let body = filled().body("USD", today()).unwrap();
        assert_eq!(body["original_balance"], "1250.50");
        assert_eq!(body["priority"], 2);
        assert_eq!(body["debtor"], json!({"full_name": "John Doe", "ssn_last4": "1234"}));
        assert!(body.get("due_date").is_none(), "empty optional fields are left out");
    }

    #[test]
    fn the_first_field_to_fix_is_named() {
        let field = |d: Draft| d.body("USD", today()).unwrap_err().errors.unwrap().into_keys().next().unwrap();
        let mut d = filled();
        d.0.remove("creditor");
        assert_eq!(field(d), "creditor");
        let mut d = filled();
        d.0.insert("original_balance", "12.345".into());
        assert_eq!(field(d), "original_balance");
        let mut d = filled();
        d.0.insert("delinquency_date", "2026-03-02".into());
        assert_eq!(field(d), "delinquency_date");
        let mut d = filled();
        d.0.insert("debtor.ssn_last4", "12a4".into());
        assert_eq!(field(d), "debtor.ssn_last4");
    }
}
