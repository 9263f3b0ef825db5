//! An agency's settings: the rules an agency chooses for itself within the product's
//! ranges — which part of the balance a payment pays first, how far back a payment may
//! be dated before a manager approves it, the grace and default days new plans start
//! with, and the days two daily jobs count.
//!
//! One typed [`AgencySettings`] with its defaults; every range and the one rule across
//! fields (grace shorter than the default threshold, [`plan::check_terms`]) checked in
//! one place ([`AgencySettings::check`]); and the [`SettingsPatch`] an agency admin
//! sends, which names no other key. Stored as the agency's `settings` (jsonb) and read
//! back leniently: a key left out takes its default.

use crate::{
    payment::AllocationOrder,
    plan::{self, Terms},
    Currency,
};
use serde::{Deserialize, Deserializer, Serialize};

/// The settings an agency has chosen, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AgencySettings {
    /// Which part of the balance a payment pays first: the principal (the default) or
    /// the fees.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub payment_allocation: AllocationOrder,
    /// A payment dated more than this many days before the agency's today waits for a
    /// manager's approval; `null`: the server's default (`PAYMENT_APPROVAL_AFTER_DAYS`).
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 0, maximum = 365, example = 7))]
    pub payment_approval_after_days: Option<u32>,
    /// Days after its due date before an unpaid installment of a new plan is late
    /// (default 3); shorter than `plan_default_threshold_days`.
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 0, maximum = 364, example = 3))]
    pub plan_grace_days: u32,
    /// Days after its due date at which an unpaid installment defaults a new plan
    /// (default 30).
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 1, maximum = 365, example = 30))]
    pub plan_default_threshold_days: u32,
    /// Collectors are reminded of an installment this many days before it falls due
    /// (default 3; 0: on the day).
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 0, maximum = 60, example = 3))]
    pub reminder_days_before: u32,
    /// A worked account without a timeline event for this many days is stale, and its
    /// managers are told (default 14).
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 1, maximum = 365, example = 14))]
    pub stale_after_days: u32,
    /// The people on a legal case are reminded of a hearing from this many days before
    /// it (default 3; 0: on the day).
    #[cfg_attr(feature = "openapi", schema(required = true, minimum = 0, maximum = 60, example = 3))]
    pub hearing_reminder_days: u32,
    /// Whether contact attempts keep to the US debt collection rule's calling hours and
    /// call limits (`debtflow_domain::contact`); `null`: yes for an agency in US
    /// dollars, no otherwise. Blocks on a debtor hold either way.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub contact_guardrails: Option<bool>,
}

impl Default for AgencySettings {
    fn default() -> Self {
        let plans = Terms::default();
        AgencySettings {
            payment_allocation: AllocationOrder::default(),
            payment_approval_after_days: None,
            plan_grace_days: plans.grace_days,
            plan_default_threshold_days: plans.default_threshold_days,
            reminder_days_before: 3,
            stale_after_days: 14,
            hearing_reminder_days: 3,
            contact_guardrails: None,
        }
    }
}

/// A setting that is a number of days, with the range it must fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DaysSetting {
    PaymentApprovalAfterDays,
    PlanGraceDays,
    PlanDefaultThresholdDays,
    ReminderDaysBefore,
    StaleAfterDays,
    HearingReminderDays,
}

impl DaysSetting {
    pub const ALL: [DaysSetting; 6] = [
        DaysSetting::PaymentApprovalAfterDays,
        DaysSetting::PlanGraceDays,
        DaysSetting::PlanDefaultThresholdDays,
        DaysSetting::ReminderDaysBefore,
        DaysSetting::StaleAfterDays,
        DaysSetting::HearingReminderDays,
    ];

    /// Its key in the settings (and the field an error names, under `settings.`).
    pub fn key(self) -> &'static str {
        match self {
            DaysSetting::PaymentApprovalAfterDays => "payment_approval_after_days",
            DaysSetting::PlanGraceDays => "plan_grace_days",
            DaysSetting::PlanDefaultThresholdDays => "plan_default_threshold_days",
            DaysSetting::ReminderDaysBefore => "reminder_days_before",
            DaysSetting::StaleAfterDays => "stale_after_days",
            DaysSetting::HearingReminderDays => "hearing_reminder_days",
        }
    }

    /// The fewest and the most days it may be. (The grace days must also be fewer than
    /// the default threshold: [`AgencySettings::check`].)
    pub fn range(self) -> (u32, u32) {
        match self {
            DaysSetting::PaymentApprovalAfterDays => (0, 365),
            DaysSetting::PlanGraceDays => (0, 364),
            DaysSetting::PlanDefaultThresholdDays => (1, 365),
            DaysSetting::ReminderDaysBefore => (0, 60),
            DaysSetting::StaleAfterDays => (1, 365),
            DaysSetting::HearingReminderDays => (0, 60),
        }
    }

    /// Its value in `settings` (`None`: the server's default approval window).
    pub fn of(self, settings: &AgencySettings) -> Option<u32> {
        match self {
            DaysSetting::PaymentApprovalAfterDays => settings.payment_approval_after_days,
            DaysSetting::PlanGraceDays => Some(settings.plan_grace_days),
            DaysSetting::PlanDefaultThresholdDays => Some(settings.plan_default_threshold_days),
            DaysSetting::ReminderDaysBefore => Some(settings.reminder_days_before),
            DaysSetting::StaleAfterDays => Some(settings.stale_after_days),
            DaysSetting::HearingReminderDays => Some(settings.hearing_reminder_days),
        }
    }
}

/// Why settings are refused; each names its key ([`SettingsError::key`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("must be between {min} and {max} days")]
    OutOfRange { setting: DaysSetting, min: u32, max: u32 },
    #[error("must be fewer than the default threshold ({threshold} days)")]
    GraceNotShorter { threshold: u32 },
    #[error("must be more than the grace days ({grace})")]
    ThresholdNotLonger { grace: u32 },
}

impl SettingsError {
    /// The key of the setting at fault.
    pub fn key(&self) -> &'static str {
        match self {
            SettingsError::OutOfRange { setting, .. } => setting.key(),
            SettingsError::GraceNotShorter { .. } => DaysSetting::PlanGraceDays.key(),
            SettingsError::ThresholdNotLonger { .. } => DaysSetting::PlanDefaultThresholdDays.key(),
        }
    }
}

impl AgencySettings {
    /// Every setting within its range, and the plans' grace shorter than their
    /// default threshold (the rule every plan's own terms follow).
    pub fn check(&self) -> Result<(), SettingsError> {
        for setting in DaysSetting::ALL {
            let (min, max) = setting.range();
            if setting.of(self).is_some_and(|days| !(min..=max).contains(&days)) {
                return Err(SettingsError::OutOfRange { setting, min, max });
            }
        }
        plan::check_terms(self.plan_terms())
            .map(drop)
            .map_err(|_| SettingsError::GraceNotShorter { threshold: self.plan_default_threshold_days })
    }

    /// These settings with `patch` applied, checked. When only the threshold was sent
    /// and it is not above the grace days, the error names the threshold.
    pub fn apply(&self, patch: &SettingsPatch) -> Result<AgencySettings, SettingsError> {
        let (d, p) = (AgencySettings::default(), patch);
        let next = AgencySettings {
            payment_allocation: patched(p.payment_allocation, self.payment_allocation, d.payment_allocation),
            payment_approval_after_days: match p.payment_approval_after_days {
                None => self.payment_approval_after_days,
                Some(days) => days,
            },
            plan_grace_days: patched(p.plan_grace_days, self.plan_grace_days, d.plan_grace_days),
            plan_default_threshold_days: patched(
                p.plan_default_threshold_days,
                self.plan_default_threshold_days,
                d.plan_default_threshold_days,
            ),
            reminder_days_before: patched(p.reminder_days_before, self.reminder_days_before, d.reminder_days_before),
            stale_after_days: patched(p.stale_after_days, self.stale_after_days, d.stale_after_days),
            hearing_reminder_days: patched(
                p.hearing_reminder_days,
                self.hearing_reminder_days,
                d.hearing_reminder_days,
            ),
            contact_guardrails: match p.contact_guardrails {
                None => self.contact_guardrails,
                Some(on) => on,
            },
        };
        match next.check() {
            Err(SettingsError::GraceNotShorter { .. })
                if p.plan_grace_days.is_none() && p.plan_default_threshold_days.is_some() =>
            {
                Err(SettingsError::ThresholdNotLonger { grace: next.plan_grace_days })
            }
            checked => checked.map(|()| next),
        }
    }

    /// The grace and default days a new plan starts with.
    pub fn plan_terms(&self) -> Terms {
        Terms { grace_days: self.plan_grace_days, default_threshold_days: self.plan_default_threshold_days }
    }

    /// Whether an agency keeping its books in `currency` holds contact attempts to the
    /// Regulation F guardrails: its own choice, else yes in US dollars.
    pub fn guards_contacts(&self, currency: Currency) -> bool {
        self.contact_guardrails.unwrap_or(currency == Currency::USD)
    }

    /// The approval window of backdated payments: the agency's own, or
    /// `server_default` when it chose none.
    pub fn approval_after_days(&self, server_default: u32) -> u32 {
        self.payment_approval_after_days.unwrap_or(server_default)
    }
}

/// The settings an agency admin changes: a key left out keeps its value, `null` puts
/// it back to its default (for `payment_approval_after_days`, the server's). Any other
/// key is refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AllocationOrder>))]
    pub payment_allocation: Option<Option<AllocationOrder>>,
    /// Days, 0–365.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 0, maximum = 365))]
    pub payment_approval_after_days: Option<Option<u32>>,
    /// Days, 0–364, fewer than the default threshold.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 0, maximum = 364))]
    pub plan_grace_days: Option<Option<u32>>,
    /// Days, 1–365.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 1, maximum = 365))]
    pub plan_default_threshold_days: Option<Option<u32>>,
    /// Days, 0–60.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 0, maximum = 60))]
    pub reminder_days_before: Option<Option<u32>>,
    /// Days, 1–365.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 1, maximum = 365))]
    pub stale_after_days: Option<Option<u32>>,
    /// Days, 0–60.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, minimum = 0, maximum = 60))]
    pub hearing_reminder_days: Option<Option<u32>>,
    /// `true`/`false`; `null`: by the currency (on in US dollars).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub contact_guardrails: Option<Option<bool>>,
}

/// A patched value: `current` when the key was left out, `default` for `null`.
fn patched<T>(key: Option<Option<T>>, current: T, default: T) -> T {
    match key {
        None => current,
        Some(None) => default,
        Some(Some(value)) => value,
    }
}

/// A key that is present: `Some(value)`, `Some(None)` for `null` (absent: `None`,
/// through `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_the_products_and_a_stored_object_may_leave_keys_out() {
        let defaults = AgencySettings::default();
        assert_eq!(defaults.plan_terms(), Terms::default());
        assert_eq!((defaults.reminder_days_before, defaults.stale_after_days), (3, 14));
        assert_eq!(defaults.payment_allocation, AllocationOrder::PrincipalFirst);
        assert_eq!(defaults.approval_after_days(7), 7, "the server's window unless the agency chose one");
        assert!(defaults.check().is_ok());
        let stored: AgencySettings = serde_json::from_value(json!({"payment_allocation": "fees_first"})).unwrap();
        assert_eq!(stored, AgencySettings { payment_allocation: AllocationOrder::FeesFirst, ..defaults });
        let empty: AgencySettings = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, defaults);
    }

    #[test]
    fn the_contact_guardrails_follow_the_currency_unless_the_agency_chose() {
        let gbp = Currency::parse("GBP").unwrap();
        let defaults = AgencySettings::default();
        assert!(defaults.guards_contacts(Currency::USD) && !defaults.guards_contacts(gbp));
        let on: SettingsPatch = serde_json::from_value(json!({"contact_guardrails": true})).unwrap();
        let chosen = defaults.apply(&on).unwrap();
        assert!(chosen.guards_contacts(gbp), "chosen, whatever the currency");
        let back: SettingsPatch = serde_json::from_value(json!({"contact_guardrails": null})).unwrap();
        assert_eq!(chosen.apply(&back).unwrap(), defaults, "null: by the currency again");
        assert_eq!(chosen.apply(&SettingsPatch::default()).unwrap(), chosen, "left out: kept");
    }

    #[test]
    fn every_days_setting_is_checked_against_its_range_at_both_ends() {
        for setting in DaysSetting::ALL {
            let (min, max) = setting.range();
            let with = |days: u32| {
                let mut s = AgencySettings { plan_default_threshold_days: 365, ..AgencySettings::default() };
                match setting {
                    DaysSetting::PaymentApprovalAfterDays => s.payment_approval_after_days = Some(days),
                    DaysSetting::PlanGraceDays => s.plan_grace_days = days,
                    DaysSetting::PlanDefaultThresholdDays => {
                        (s.plan_grace_days, s.plan_default_threshold_days) = (0, days)
                    }
                    DaysSetting::ReminderDaysBefore => s.reminder_days_before = days,
                    DaysSetting::StaleAfterDays => s.stale_after_days = days,
                    DaysSetting::HearingReminderDays => s.hearing_reminder_days = days,
                }
                s.check()
            };
            assert_eq!(with(min), Ok(()), "{} at its minimum", setting.key());
            assert_eq!(with(max), Ok(()), "{} at its maximum", setting.key());
            let above = with(max + 1).unwrap_err();
            assert_eq!(
                (above.key(), above.to_string()),
                (setting.key(), format!("must be between {min} and {max} days"))
            );
            if min > 0 {
                assert_eq!(with(min - 1).unwrap_err().key(), setting.key());
            }
        }
    }

    #[test]
    fn grace_must_be_shorter_than_the_threshold_and_the_error_names_what_was_sent() {
        let current = AgencySettings::default();
        let grace = SettingsPatch { plan_grace_days: Some(Some(30)), ..Default::default() };
        let err = current.apply(&grace).unwrap_err();
        assert_eq!(
            (err.key(), err.to_string().as_str()),
            ("plan_grace_days", "must be fewer than the default threshold (30 days)")
        );
        let threshold = SettingsPatch { plan_default_threshold_days: Some(Some(3)), ..Default::default() };
        let err = current.apply(&threshold).unwrap_err();
        assert_eq!(
            (err.key(), err.to_string().as_str()),
            ("plan_default_threshold_days", "must be more than the grace days (3)")
        );
        let both = SettingsPatch {
            plan_grace_days: Some(Some(5)),
            plan_default_threshold_days: Some(Some(10)),
            ..Default::default()
        };
        let next = current.apply(&both).unwrap();
        assert_eq!(next.plan_terms(), Terms { grace_days: 5, default_threshold_days: 10 });
        assert_eq!(next.payment_allocation, current.payment_allocation, "what the patch leaves out is kept");
    }

    #[test]
    fn a_patch_refuses_unknown_keys_and_null_puts_a_setting_back_to_its_default() {
        let err = serde_json::from_value::<SettingsPatch>(json!({"grace_days": 5})).unwrap_err();
        assert!(err.to_string().contains("unknown field `grace_days`"), "{err}");
        let set: SettingsPatch = serde_json::from_value(json!({"payment_approval_after_days": 10})).unwrap();
        let chosen = AgencySettings::default().apply(&set).unwrap();
        assert_eq!(chosen.approval_after_days(7), 10);
        let reset: SettingsPatch = serde_json::from_value(json!({"payment_approval_after_days": null})).unwrap();
        assert_eq!(reset.payment_approval_after_days, Some(None));
        assert_eq!(chosen.apply(&reset).unwrap().approval_after_days(7), 7, "back to the server's default");
        let absent: SettingsPatch = serde_json::from_value(json!({})).unwrap();
        assert_eq!(chosen.apply(&absent).unwrap(), chosen, "an empty patch changes nothing");
        let order = serde_json::from_value::<SettingsPatch>(json!({"payment_allocation": "whatever"}));
        assert!(order.is_err());
        let changed: SettingsPatch = serde_json::from_value(
            json!({"plan_grace_days": 5, "stale_after_days": 30, "payment_allocation": "fees_first"}),
        )
        .unwrap();
        let changed = AgencySettings::default().apply(&changed).unwrap();
        let back: SettingsPatch = serde_json::from_value(
            json!({"plan_grace_days": null, "stale_after_days": null, "payment_allocation": null}),
        )
        .unwrap();
        assert_eq!(changed.apply(&back).unwrap(), AgencySettings::default());
    }
}
