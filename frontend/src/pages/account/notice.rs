//! The validation notice of Regulation F: once sent, when, until when the debtor may
//! dispute (or that the period is over, by the agency's today), the debt as it was
//! itemised, and the letter as sent (a PDF, fetched with the user's token and handed
//! to the browser as a download). Not sent yet, who works the account sends it — while
//! the account is new or in collection — and a refusal (sent already, a block on the
//! debtor's letters) is said under the button.

use super::{Done, DoneNote};
use crate::{
    api::{self, Account, NoticeItemization},
    components::{confirm, save_bytes, Fetch, FormError, Loaded},
    format::money,
    session::use_session,
    submit::Submission,
};
use chrono::NaiveDate;
use debtflow_domain::{permission::Operation, AccountStatus};
use leptos::prelude::*;

/// Whether a notice may be sent on an account in `status`: new or in collection (the
/// API's rule).
pub fn may_send(status: AccountStatus) -> bool {
    status == AccountStatus::New || AccountStatus::COLLECTING.contains(&status)
}

/// When it was sent and until when the debtor may dispute, or that the validation
/// period is over once the agency's `today` is after its last day.
pub fn period_text(sent_on: NaiveDate, period_ends_on: NaiveDate, today: NaiveDate) -> String {
    if today > period_ends_on {
        format!("Sent {sent_on}. Validation period over: it ended on {period_ends_on}.")
    } else {
        format!("Sent {sent_on}; the debtor may dispute until {period_ends_on}.")
    }
}

/// The itemisation's lines, as the letter prints them: what was owed on the
/// itemisation date, the interest and fees since, less what was paid or credited, and
/// what is owed now.
pub fn itemization_lines(i: &NoticeItemization, currency: &str) -> [(String, String); 5] {
    [
        (format!("Owed on {}", i.date), money(&i.owed_then, currency)),
        ("Interest since".into(), format!("+ {}", money(&i.interest, currency))),
        ("Fees since".into(), format!("+ {}", money(&i.fees, currency))),
        ("Paid or credited since".into(), format!("− {}", money(&i.credits, currency))),
        ("Owed now".into(), money(&i.owed_now, currency)),
    ]
}

/// The letter's file name: `validation-notice-ACME-1.pdf`.
pub fn letter_name(external_ref: &str) -> String {
    let safe: String =
        external_ref.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("validation-notice-{safe}.pdf")
}

#[component]
pub(super) fn NoticePanel(account: Account, version: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let sender = session.can(Operation::WorkAccount) && may_send(account.status);
    let today = session.today();
    let id = account.id;
    let notice = Fetch::new(move || api::validation_notice(id));
    let currency = StoredValue::new(account.currency.clone());
    let file = StoredValue::new(letter_name(&account.external_ref));
    let submission = Submission::new();
    let Submission { pending, problem, .. } = submission;
    let done = Done::of("notice");
    let send = move |_| {
        if pending.get_untracked()
            || !confirm("Send the validation notice now? The letter goes to the debtor once, and the validation period starts today.")
        {
            return;
        }
        done.set(None);
        submission.run(
            move |_| async move { api::send_validation_notice(id).await },
            move |sent| {
                notice.set(Some(sent));
                done.set(Some("Validation notice sent.".into()));
                // The letter is a contact attempt: the overview's contacts and events follow.
                version.update(|v| *v += 1);
            },
        );
    };
    let fetching = RwSignal::new(false);
    let download = move |_| {
        if fetching.get_untracked() {
            return;
        }
        fetching.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::validation_letter(id).await;
            let _ = fetching.try_set(false);
            if let Err(p) = r.and_then(|pdf| save_bytes(&pdf, "application/pdf", &file.get_value())) {
                let _ = problem.try_set(Some(p));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="notice-h" data-testid="validation-notice">
            <h2 id="notice-h">"Validation notice"</h2>
            <Loaded state=notice.state retry=move |()| notice.again() let:sent>
                {match sent {
                    Some(n) => {
                        let c = currency.get_value();
                        view! {
                            <p data-testid="notice-period" data-ends-on=n.period_ends_on.to_string()>
                                {period_text(n.sent_on, n.period_ends_on, today)}
                            </p>
                            <table data-testid="notice-itemization">
                                <caption class="sr-only">"The debt as itemised"</caption>
                                <tbody>
                                    {itemization_lines(&n.itemization, &c)
                                        .into_iter()
                                        .enumerate()
                                        .map(|(k, (what, amount))| {
                                            let total = k == 4;
                                            view! {
                                                <tr>
                                                    <th scope="row">{what}</th>
                                                    <td class="num" class:big=total>{amount}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            <p class="actions">
                                <button
                                    type="button"
                                    on:click=download
                                    disabled=move || fetching.get()
                                    data-testid="notice-letter"
                                >
                                    {move || {
                                        if fetching.get() { "Preparing the letter…" } else { "Download the letter (PDF)" }
                                    }}
                                </button>
                            </p>
                        }
                            .into_any()
                    }
                    None if sender => {
                        view! {
                            <p class="muted" data-testid="notice-none">
                                "Not sent yet. The letter tells the debtor the debt, itemised, and how to dispute it within the validation period."
                            </p>
                            <button
                                type="button"
                                class="primary"
                                on:click=send
                                disabled=move || pending.get()
                                data-testid="notice-send"
                            >
                                "Send the validation notice"
                            </button>
                        }
                            .into_any()
                    }
                    None => view! { <p class="muted" data-testid="notice-none">"Not sent yet."</p> }.into_any(),
                }}
            </Loaded>
            <FormError problem=problem />
            <DoneNote done=done testid="notice-done" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ValidationNotice;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        crate::format::date(s).unwrap()
    }

    #[test]
    fn the_period_is_told_until_it_is_over() {
        let (sent, ends) = (d("2026-12-02"), d("2027-01-08"));
        assert_eq!(
            period_text(sent, ends, d("2026-12-02")),
            "Sent 2026-12-02; the debtor may dispute until 2027-01-08."
        );
        assert_eq!(
            period_text(sent, ends, ends),
            "Sent 2026-12-02; the debtor may dispute until 2027-01-08.",
            "its last day"
        );
        assert_eq!(
            period_text(sent, ends, d("2027-01-09")),
            "Sent 2026-12-02. Validation period over: it ended on 2027-01-08."
        );
    }

    #[test]
    fn the_itemisation_reads_as_the_letter_does() {
        let n: ValidationNotice = serde_json::from_value(json!({
            "account_id": "0193a1b2-0000-7000-8000-0000000000a1", "sent_on": "2026-12-02", "period_ends_on": "2027-01-08",
            "contact_id": "0193a1b2-0000-7000-8000-0000000000c1",
            "itemization": {"date": "2026-01-15", "owed_then": "1250.50", "interest": "0.00", "fees": "25.00",
                            "credits": "100.00", "owed_now": "1175.50"},
            "sent_by": "0193a1b2-0000-7000-8000-0000000000b1", "created_at": "2026-12-02T15:00:00Z"
        }))
        .unwrap();
        let lines = itemization_lines(&n.itemization, "USD");
        assert_eq!(lines[0], ("Owed on 2026-01-15".to_string(), "1,250.50 USD".to_string()));
        assert_eq!(lines[2].1, "+ 25.00 USD");
        assert_eq!(lines[3], ("Paid or credited since".to_string(), "− 100.00 USD".to_string()));
        assert_eq!(lines[4], ("Owed now".to_string(), "1,175.50 USD".to_string()));
        let i = &n.itemization;
        assert_eq!(i.owed_then + i.interest + i.fees - i.credits, i.owed_now, "the lines add up");
    }

    #[test]
    fn a_notice_goes_out_from_new_or_in_collection_only() {
        assert!(may_send(AccountStatus::New));
        for s in AccountStatus::COLLECTING {
            assert!(may_send(s), "{s}");
        }
        assert!(!may_send(AccountStatus::Closed));
        assert!(!may_send(AccountStatus::Disputed));
        assert_eq!(letter_name("E2E-x1/\"a b\""), "validation-notice-E2E-x1--a-b-.pdf");
    }
}
