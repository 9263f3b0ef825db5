//! The notification centre's rules: which kinds of notification exist, how each is
//! delivered unless its recipient chose otherwise, which may not be switched off,
//! and when a digest is due.
//!
//! A notification is written once per recipient in the transaction of the event it
//! describes; the recipient's [`Preference`] for its kind decides whether it shows in
//! the app (the list, the count and the live stream) and how it is mailed.

use crate::names::named_enum;
use chrono::{Datelike, Days, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

named_enum!(
    /// What a notification is about.
    NotificationKind {
        PaymentReceived => "payment_received",
        PaymentPendingApproval => "payment_pending_approval",
        PaymentUnapplied => "payment_unapplied",
        PlanPendingApproval => "plan_pending_approval",
        PlanApproved => "plan_approved",
        PlanRejected => "plan_rejected",
        InstallmentDue => "installment_due",
        InstallmentLate => "installment_late",
        PlanDefaulted => "plan_defaulted",
        AccountAssigned => "account_assigned",
        FollowUpDue => "follow_up_due",
        ImportFinished => "import_finished",
        StaleAccounts => "stale_accounts",
        JobFailed => "job_failed",
        DataQualityFindings => "data_quality_findings",
        LoginLocked => "login_locked",
        PromiseBroken => "promise_broken",
        HearingReminder => "hearing_reminder",
        MilestoneOverdue => "milestone_overdue",
        WriteOffPendingDecision => "write_off_pending_decision",
        WriteOffDecided => "write_off_decided",
    }
);

named_enum!(
    /// How a kind of notification is mailed to its recipient.
    EmailDelivery as "email_delivery" {
        Immediately => "immediately",
        DailyDigest => "daily_digest",
        WeeklyDigest => "weekly_digest",
        Off => "off",
    }
);

/// A recipient's choice for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Preference {
    /// Shown in the app: the list, the unread count and the live stream.
    pub in_app: bool,
    pub email: EmailDelivery,
}

/// A preference a kind does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} notifications cannot be switched off in the app")]
pub struct Mandatory(pub NotificationKind);

impl NotificationKind {
    /// Escalations to the agency's admins — a daily job that failed twice and the
    /// data-quality findings (the ledger may be wrong) — and a user's own username
    /// locked by failed logins. Nobody can hide them in the app; how they are mailed is
    /// the recipient's choice.
    pub fn is_mandatory(self) -> bool {
        matches!(
            self,
            NotificationKind::JobFailed | NotificationKind::DataQualityFindings | NotificationKind::LoginLocked
        )
    }

    /// Without a choice of the recipient: in the app, and mailed at once for the
    /// mandatory escalations, in the daily digest for what waits on a decision, and
    /// not at all otherwise (the app is where collectors work).
    pub fn default_preference(self) -> Preference {
        use NotificationKind::*;
        let email = match self {
            JobFailed | DataQualityFindings | LoginLocked => EmailDelivery::Immediately,
            PaymentPendingApproval
            | PaymentUnapplied
            | PlanPendingApproval
            | WriteOffPendingDecision
            | StaleAccounts => EmailDelivery::DailyDigest,
            _ => EmailDelivery::Off,
        };
        Preference { in_app: true, email }
    }

    /// `preference` for this kind, or why it is refused.
    pub fn allow(self, preference: Preference) -> Result<Preference, Mandatory> {
        if self.is_mandatory() && !preference.in_app {
            return Err(Mandatory(self));
        }
        Ok(preference)
    }
}

/// The SPA page a notification opens: the approvals queue for what waits on a
/// decision, else the account it is about (whose page shows its plans, payments and
/// timeline), else none.
pub fn link(kind: NotificationKind, entity: Option<(&str, &str)>) -> Option<String> {
    match (kind, entity) {
        (
            NotificationKind::PaymentPendingApproval
            | NotificationKind::PlanPendingApproval
            | NotificationKind::WriteOffPendingDecision,
            _,
        ) => Some("/approvals".to_owned()),
        (_, Some(("account", id))) => Some(format!("/accounts/{id}")),
        _ => None,
    }
}

/// The hour of the agency's day at which digests go out.
pub const DIGEST_HOUR: u32 = 7;

/// The latest digest slot of `delivery` reached at `local_now` (the agency's wall
/// clock): daily at 07:00, weekly at 07:00 on Mondays. A digest holds what was written
/// before its slot and not mailed in an earlier one; `None` for immediate and
/// switched-off mail.
pub fn digest_slot(delivery: EmailDelivery, local_now: NaiveDateTime) -> Option<NaiveDateTime> {
    let back = match delivery {
        EmailDelivery::DailyDigest => 0,
        EmailDelivery::WeeklyDigest => local_now.weekday().num_days_from_monday(),
        EmailDelivery::Immediately | EmailDelivery::Off => return None,
    };
    let step = if delivery == EmailDelivery::WeeklyDigest { 7 } else { 1 };
    let slot = (local_now.date() - Days::new(back.into())).and_time(NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?);
    if slot <= local_now {
        Some(slot)
    } else {
        slot.checked_sub_days(Days::new(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandatory_kinds_cannot_leave_the_app_but_may_change_their_mail() {
        let off = Preference { in_app: false, email: EmailDelivery::Off };
        assert_eq!(NotificationKind::JobFailed.allow(off), Err(Mandatory(NotificationKind::JobFailed)));
        let quiet = Preference { in_app: true, email: EmailDelivery::Off };
        assert_eq!(NotificationKind::JobFailed.allow(quiet), Ok(quiet));
        assert_eq!(NotificationKind::AccountAssigned.allow(off), Ok(off));
        let mandatory: Vec<_> = NotificationKind::ALL.iter().filter(|k| k.is_mandatory()).collect();
        assert_eq!(
            mandatory,
            [&NotificationKind::JobFailed, &NotificationKind::DataQualityFindings, &NotificationKind::LoginLocked]
        );
    }

    #[test]
    fn every_default_is_allowed_and_in_the_app() {
        for kind in NotificationKind::ALL {
            let preference = kind.default_preference();
            assert!(preference.in_app, "{kind}");
            assert_eq!(kind.allow(preference), Ok(preference));
        }
    }

    #[test]
    fn a_daily_digest_is_due_at_seven_on_or_before_now_and_a_weekly_one_on_mondays() {
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        let daily = |now| digest_slot(EmailDelivery::DailyDigest, at(now));
        let weekly = |now| digest_slot(EmailDelivery::WeeklyDigest, at(now));
        assert_eq!(daily("2026-12-02T06:59:59"), Some(at("2026-12-01T07:00:00")));
        assert_eq!(daily("2026-12-02T07:00:00"), Some(at("2026-12-02T07:00:00")));
        // 2026-12-02 is a Wednesday: the week's digest went out on Monday 2026-11-30.
        assert_eq!(weekly("2026-12-02T12:00:00"), Some(at("2026-11-30T07:00:00")));
        // Monday before 07:00 is still last week's.
        assert_eq!(weekly("2026-11-30T06:00:00"), Some(at("2026-11-23T07:00:00")));
        assert_eq!(weekly("2026-11-30T07:00:00"), Some(at("2026-11-30T07:00:00")));
        assert_eq!(digest_slot(EmailDelivery::Immediately, at("2026-12-02T12:00:00")), None);
        assert_eq!(digest_slot(EmailDelivery::Off, at("2026-12-02T12:00:00")), None);
    }

    #[test]
    fn links_open_the_approvals_queue_or_the_account() {
        let plan = Some(("plan", "p1"));
        assert_eq!(link(NotificationKind::PlanPendingApproval, plan).as_deref(), Some("/approvals"));
        assert_eq!(link(NotificationKind::PaymentPendingApproval, None).as_deref(), Some("/approvals"));
        assert_eq!(link(NotificationKind::PlanApproved, Some(("account", "a1"))).as_deref(), Some("/accounts/a1"));
        assert_eq!(link(NotificationKind::ImportFinished, Some(("import", "i1"))), None);
        assert_eq!(link(NotificationKind::AccountAssigned, None), None);
    }
}
