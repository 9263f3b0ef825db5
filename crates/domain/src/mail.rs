//! The rules of mailing notifications: where a mail is in its life, and how long a
//! failed one waits before it is tried again.
//!
//! A mail (one immediate notification, or a digest) is `pending` until the SMTP server
//! accepts it (`sent`). A refused or unreachable attempt is retried after
//! [`retry_delay`] — 1 minute, doubling, at most an hour — and after
//! [`MAX_ATTEMPTS`] the mail is `failed` and stays in the log as such.

use crate::names::named_enum;
use chrono::TimeDelta;

named_enum!(
    /// Where a mail is.
    MailStatus as "mail_status" {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
    }
);

/// Attempts before a mail is given up as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: TimeDelta = TimeDelta::hours(1);

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again this long after the failure.
    RetryIn(TimeDelta),
    /// That was the last attempt: the mail is `failed`.
    GiveUp,
}

/// After the `attempts`-th attempt failed (counting from 1): wait 1 minute after the
/// first, doubling each time, capped at [`MAX_RETRY_DELAY`]; give up after
/// [`MAX_ATTEMPTS`].
pub fn after_failure(attempts: i32) -> AfterFailure {
    if attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    AfterFailure::RetryIn(retry_delay(attempts))
}

/// The wait after the `attempts`-th failed attempt: `2^(attempts-1)` minutes, at most
/// an hour.
pub fn retry_delay(attempts: i32) -> TimeDelta {
    let doublings = attempts.clamp(1, 7) - 1;
    TimeDelta::minutes(1_i64 << doublings).min(MAX_RETRY_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_one_minute_then_double_up_to_an_hour_and_stop_after_eight_attempts() {
        let waits: Vec<AfterFailure> = (1..=MAX_ATTEMPTS).map(after_failure).collect();
        let minutes = |m| AfterFailure::RetryIn(TimeDelta::minutes(m));
        assert_eq!(
            waits,
            [
                minutes(1),
                minutes(2),
                minutes(4),
                minutes(8),
                minutes(16),
                minutes(32),
                minutes(60),
                AfterFailure::GiveUp
            ]
        );
        assert_eq!(after_failure(MAX_ATTEMPTS + 3), AfterFailure::GiveUp, "a lease-expired extra attempt");
        assert_eq!(retry_delay(100), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(0), TimeDelta::minutes(1), "never less than a minute");
    }

    #[test]
    fn statuses_have_their_database_names() {
        let names: Vec<&str> = MailStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "sent", "failed"]);
        assert_eq!("sent".parse(), Ok(MailStatus::Sent));
        assert!("bounced".parse::<MailStatus>().is_err());
    }
}
