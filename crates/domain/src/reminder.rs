//! Reminders to debtors of their plan's installments (seed 003): one some days before
//! an installment falls due (the agency's `reminder_days_before`), and one on each of
//! the 3rd and 7th days it is late; by e-mail when the debtor has an address, else by
//! text. Each is written from the agency's template for its kind, or the default one.
//!
//! A reminder is an outbound contact attempt like any other: the guardrails and blocks
//! of [`crate::contact`] judge it (the API records it through the same use case).

use crate::names::named_enum;
use chrono::{Days, NaiveDate};

named_enum!(
    /// Which reminder of an installment.
    ReminderKind as "reminder_kind" { Upcoming => "upcoming", LateThree => "late_three", LateSeven => "late_seven" }
);

/// Days late on which a late reminder goes out.
pub const LATE_DAYS: [u64; 2] = [3, 7];

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 5] = ["{debtor_name}", "{amount}", "{due_date}", "{account}", "{agency}"];

/// The longest subject and body a template may have.
pub const MAX_SUBJECT: usize = 200;
pub const MAX_BODY: usize = 2000;

/// Which reminder, if any, an unpaid installment due on `due` gets on `today`.
pub fn kind(due: NaiveDate, today: NaiveDate, days_before: u32) -> Option<ReminderKind> {
    if due.checked_sub_days(Days::new(u64::from(days_before))) == Some(today) {
        return Some(ReminderKind::Upcoming);
    }
    match LATE_DAYS.map(|late| due.checked_add_days(Days::new(late))) {
        [Some(d), _] if d == today => Some(ReminderKind::LateThree),
        [_, Some(d)] if d == today => Some(ReminderKind::LateSeven),
        _ => None,
    }
}

/// A subject and a body with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// What a template is filled with.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub debtor_name: &'a str,
    /// The amount still owed on the installment, as shown ("150.00 USD").
    pub amount: &'a str,
    pub due_date: NaiveDate,
    pub account: &'a str,
    pub agency: &'a str,
}

impl ReminderKind {
    /// DebtFlow's wording, for an agency that wrote none.
    pub fn default_template(self) -> Template {
        let (subject, lead) = match self {
            ReminderKind::Upcoming => ("Your payment of {amount} is due on {due_date}", "is due on {due_date}"),
            ReminderKind::LateThree | ReminderKind::LateSeven => {
                ("Your payment of {amount} is overdue", "was due on {due_date} and has not been received")
            }
        };
        Template {
            subject: subject.to_owned(),
            body: format!(
                "Dear {{debtor_name}},\n\nYour payment of {{amount}} on account {{account}} {lead}. \
                 If you have paid already, thank you and please disregard this message.\n\n{{agency}}\n\
                 This is a communication from a debt collector."
            ),
        }
    }
}

/// Why a template is refused, naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TemplateError {
    pub field: &'static str,
    pub message: String,
}

impl Template {
    /// Checks lengths and that every `{…}` is a known placeholder.
    pub fn check(&self) -> Result<(), TemplateError> {
        for (field, text, max) in [("subject", &self.subject, MAX_SUBJECT), ("body", &self.body, MAX_BODY)] {
            let length = text.trim().chars().count();
            if length == 0 || length > max {
                return Err(TemplateError { field, message: format!("must be 1 to {max} characters") });
            }
            let mut rest = text.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').map(|c| open + c + 1);
                let placeholder = close.map(|c| &rest[open..c]);
                match placeholder {
                    Some(p) if PLACEHOLDERS.contains(&p) => rest = &rest[open + p.len()..],
                    _ => {
                        let known = PLACEHOLDERS.join(", ");
                        return Err(TemplateError { field, message: format!("may only use the placeholders {known}") });
                    }
                }
            }
        }
        Ok(())
    }

    /// The subject and the body, filled in.
    pub fn render(&self, f: Fields<'_>) -> (String, String) {
        let fill = |text: &str| {
            text.replace("{debtor_name}", f.debtor_name)
                .replace("{amount}", f.amount)
                .replace("{due_date}", &f.due_date.to_string())
                .replace("{account}", f.account)
                .replace("{agency}", f.agency)
        };
        (fill(&self.subject), fill(&self.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reminders_go_some_days_before_and_on_the_third_and_seventh_days_late() {
        let due = d("2026-12-10");
        let on = |today: &str| kind(due, d(today), 3);
        assert_eq!(on("2026-12-07"), Some(ReminderKind::Upcoming));
        assert_eq!(on("2026-12-13"), Some(ReminderKind::LateThree));
        assert_eq!(on("2026-12-17"), Some(ReminderKind::LateSeven));
        for quiet in ["2026-12-06", "2026-12-08", "2026-12-10", "2026-12-12", "2026-12-14", "2026-12-18"] {
            assert_eq!(on(quiet), None, "{quiet}");
        }
        assert_eq!(kind(due, due, 0), Some(ReminderKind::Upcoming), "0 days before: on the day");
        assert_eq!(kind(NaiveDate::MAX, NaiveDate::MAX, 0), Some(ReminderKind::Upcoming));
        assert_eq!(kind(NaiveDate::MIN, NaiveDate::MAX, 3), None, "no panic at the calendar's ends");
    }

    #[test]
    fn a_template_is_filled_and_only_known_placeholders_pass() {
        let fields = Fields {
            debtor_name: "John Doe",
            amount: "150.00 USD",
            due_date: d("2026-12-10"),
            account: "ACME-1",
            agency: "Demo Recovery Agency",
        };
        let (subject, body) = ReminderKind::LateThree.default_template().render(fields);
        assert_eq!(subject, "Your payment of 150.00 USD is overdue");
        assert!(
            body.starts_with("Dear John Doe,\n\nYour payment of 150.00 USD on account ACME-1 was due on 2026-12-10")
        );
        assert!(body.contains("Demo Recovery Agency\nThis is a communication from a debt collector."));
        for kind in ReminderKind::ALL {
            assert_eq!(kind.default_template().check(), Ok(()), "{kind}");
        }
        let bad = Template { subject: "Hi {name}".into(), body: "x".into() };
        assert_eq!(bad.check().unwrap_err().field, "subject");
        let unclosed = Template { subject: "Hi".into(), body: "Pay {amount".into() };
        assert_eq!(unclosed.check().unwrap_err().field, "body");
        let blank = Template { subject: "  ".into(), body: "x".into() };
        assert_eq!(blank.check().unwrap_err().field, "subject");
        let long = Template { subject: "x".into(), body: "y".repeat(MAX_BODY + 1) };
        assert_eq!(long.check().unwrap_err().field, "body");
    }
}
