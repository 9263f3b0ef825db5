//! What a mail says: the subject and plain-text body of an immediate notification and
//! of a digest. Pure functions of the notifications (times already on the agency's
//! wall clock), so the wording is tested here without a server.

use chrono::NaiveDateTime;
use debtflow_domain::notification::{EmailDelivery, NotificationKind};

/// One notification as a mail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// The SPA path of its entity (`notification::link`), if it has one.
    pub link: Option<String>,
    /// When it was written, on the agency's wall clock.
    pub written: NaiveDateTime,
}

/// A mail's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

const SUBJECT_PREFIX: &str = "[DebtFlow]";

const FOOTER: &str = "--\nYou receive this because of your DebtFlow notification preferences; \
                      change them in DebtFlow under Notifications.\n";

/// The mail of one notification sent as soon as it is written.
pub fn immediate(item: &Item) -> Composed {
    let mut body = format!("{}\n\n", one_line(&item.title));
    if !item.body.trim().is_empty() {
        body.push_str(item.body.trim());
        body.push_str("\n\n");
    }
    if let Some(link) = &item.link {
        body.push_str(&format!("Open in DebtFlow: {link}\n"));
    }
    body.push_str(&format!("Written {} (agency time).\n\n{FOOTER}", clock(item.written)));
    Composed { subject: format!("{SUBJECT_PREFIX} {}", one_line(&item.title)), body }
}

/// The digest of `delivery` for `slot` (the agency's wall clock): every item grouped by
/// kind (in the order of [`NotificationKind::ALL`]), oldest first within a kind.
/// `None` for a delivery that is not a digest, or no items.
pub fn digest(delivery: EmailDelivery, slot: NaiveDateTime, items: &[Item]) -> Option<Composed> {
    let period = match delivery {
        EmailDelivery::DailyDigest => "daily",
        EmailDelivery::WeeklyDigest => "weekly",
        EmailDelivery::Immediately | EmailDelivery::Off => return None,
    };
    if items.is_empty() {
        return None;
    }
    let count = match items.len() {
        1 => "1 notification".to_owned(),
        n => format!("{n} notifications"),
    };
    let mut body = format!(
        "Your {period} DebtFlow digest of {}: {count} not mailed before, by kind.\n",
        slot.format("%A %-d %B %Y, %H:%M")
    );
    for kind in NotificationKind::ALL {
        let mut of_kind: Vec<&Item> = items.iter().filter(|i| i.kind == *kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        of_kind.sort_by_key(|i| i.written);
        body.push_str(&format!("\n{} ({})\n", label(*kind), of_kind.len()));
        for item in of_kind {
            body.push_str(&format!("\n  - {}  {}\n", clock(item.written), one_line(&item.title)));
            if !item.body.trim().is_empty() {
                for line in item.body.trim().lines() {
                    body.push_str(&format!("    {line}\n"));
                }
            }
            if let Some(link) = &item.link {
                body.push_str(&format!("    {link}\n"));
            }
        }
    }
    body.push_str(&format!("\n{FOOTER}"));
    Some(Composed { subject: format!("{SUBJECT_PREFIX} Your {period} digest: {count}"), body })
}

/// A heading for a kind's notifications in a digest.
pub fn label(kind: NotificationKind) -> &'static str {
    use NotificationKind::*;
    match kind {
        PaymentReceived => "Payments received",
        PaymentPendingApproval => "Payments waiting for approval",
        PaymentUnapplied => "Payments not applied to an account",
        PlanPendingApproval => "Payment plans waiting for approval",
        PlanApproved => "Payment plans approved",
        PlanRejected => "Payment plans rejected",
        InstallmentDue => "Installments due soon",
        InstallmentLate => "Installments late",
        PlanDefaulted => "Payment plans defaulted",
        AccountAssigned => "Accounts assigned to you",
        FollowUpDue => "Follow-ups due",
        ImportFinished => "Imports finished",
        StaleAccounts => "Accounts without activity",
        JobFailed => "Daily jobs that failed",
        DataQualityFindings => "Data-quality findings",
        LoginLocked => "Your username locked by failed logins",
        PromiseBroken => "Promises to pay broken",
        HearingReminder => "Hearings coming up",
        MilestoneOverdue => "Recovery milestones overdue",
        WriteOffPendingDecision => "Write-offs waiting for the board",
        WriteOffDecided => "Write-offs decided",
    }
}

fn clock(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// `text` on one line: a subject or a list entry never breaks (nor injects a header).
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control()).filter(|s| !s.trim().is_empty()).map(str::trim).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn item(kind: NotificationKind, title: &str, written: &str) -> Item {
        Item {
            kind,
            title: title.to_owned(),
            body: format!("About {title}."),
            link: Some(format!("/plans/{}", title.to_lowercase().replace(' ', "-"))),
            written: at(written),
        }
    }

    #[test]
    fn an_immediate_mail_carries_the_title_in_its_subject_and_the_body_and_link_in_its_text() {
        let failed = Item {
            kind: NotificationKind::JobFailed,
            title: "A daily job failed twice".into(),
            body: "installment_reminders failed 2 times for 2026-11-24.".into(),
            link: Some("/jobs/runs/r1".into()),
            written: at("2026-11-24T07:05:00"),
        };
        let mail = immediate(&failed);
        assert_eq!(mail.subject, "[DebtFlow] A daily job failed twice");
        assert!(
            mail.body.starts_with("A daily job failed twice\n\ninstallment_reminders failed 2 times"),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("Open in DebtFlow: /jobs/runs/r1\n"), "{}", mail.body);
        assert!(mail.body.contains("Written 2026-11-24 07:05 (agency time)."), "{}", mail.body);
        let bare = immediate(&Item { body: " ".into(), link: None, ..failed });
        assert!(!bare.body.contains("Open in DebtFlow"), "{}", bare.body);
    }

    #[test]
    fn a_subject_is_one_line_whatever_the_title_holds() {
        let tricky = Item {
            kind: NotificationKind::ImportFinished,
            title: "Import done\r\nBcc: someone@example.com".into(),
            body: String::new(),
            link: None,
            written: at("2026-11-24T07:05:00"),
        };
        assert_eq!(immediate(&tricky).subject, "[DebtFlow] Import done Bcc: someone@example.com");
    }

    #[test]
    fn a_digest_groups_by_kind_in_the_kinds_order_oldest_first_and_counts() {
        let items = [
            item(NotificationKind::StaleAccounts, "Stale", "2026-11-23T09:00:00"),
            item(NotificationKind::PlanPendingApproval, "Plan B", "2026-11-24T06:30:00"),
            item(NotificationKind::PlanPendingApproval, "Plan A", "2026-11-23T18:00:00"),
            item(NotificationKind::PaymentPendingApproval, "Payment", "2026-11-24T01:00:00"),
        ];
        let mail = digest(EmailDelivery::DailyDigest, at("2026-11-24T07:00:00"), &items).unwrap();
        assert_eq!(mail.subject, "[DebtFlow] Your daily digest: 4 notifications");
        assert!(
            mail.body.starts_with("Your daily DebtFlow digest of Tuesday 24 November 2026, 07:00"),
            "{}",
            mail.body
        );
        let position = |needle: &str| mail.body.find(needle).unwrap_or_else(|| panic!("{needle} in {}", mail.body));
        assert!(position("Payments waiting for approval (1)") < position("Payment plans waiting for approval (2)"));
        assert!(position("Payment plans waiting for approval (2)") < position("Accounts without activity (1)"));
        assert!(position("2026-11-23 18:00  Plan A") < position("2026-11-24 06:30  Plan B"), "oldest first");
        assert!(mail.body.contains("    About Plan A.\n    /plans/plan-a\n"), "{}", mail.body);
        assert!(!mail.body.contains("Daily jobs that failed"), "no heading for an absent kind");
    }

    #[test]
    fn a_weekly_digest_of_one_says_so_and_nothing_else_is_a_digest() {
        let one = [item(NotificationKind::PlanPendingApproval, "Plan A", "2026-11-27T10:00:00")];
        let mail = digest(EmailDelivery::WeeklyDigest, at("2026-11-30T07:00:00"), &one).unwrap();
        assert_eq!(mail.subject, "[DebtFlow] Your weekly digest: 1 notification");
        assert!(mail.body.starts_with("Your weekly DebtFlow digest of Monday 30 November 2026, 07:00"));
        assert_eq!(digest(EmailDelivery::Immediately, at("2026-11-30T07:00:00"), &one), None);
        assert_eq!(digest(EmailDelivery::Off, at("2026-11-30T07:00:00"), &one), None);
        assert_eq!(digest(EmailDelivery::DailyDigest, at("2026-11-30T07:00:00"), &[]), None);
    }

    #[test]
    fn every_kind_has_a_heading_of_its_own() {
        let labels: std::collections::HashSet<&str> = NotificationKind::ALL.iter().map(|k| label(*k)).collect();
        assert_eq!(labels.len(), NotificationKind::ALL.len());
    }
}
