//! An agency's staff: which roles an agency admin may give, what a collector's seat
//! carries, the password policy, and the rule that an agency never loses its last
//! active admin. The API enforces these; the SPA shows and pre-checks the same ones.

use crate::Role;
use rust_decimal::Decimal;

/// A field of a staff command that breaks a rule, and why: a 422 naming the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

const fn refuse(field: &'static str, message: &'static str) -> Result<(), FieldError> {
    Err(FieldError { field, message })
}

/// What [`check_username`] asks, said once.
pub const USERNAME_RULE: &str = "must be 2-63 lower-case letters, digits, '.', '_' or '-'";

/// A username: lower-case letters, digits, `.`, `_`, `-`, not starting with a
/// punctuation mark; 2–63 characters (the database's check says the same).
pub fn check_username(username: &str) -> Result<(), FieldError> {
    let mut bytes = username.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let rest_ok = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if first_ok && rest_ok && (2..=63).contains(&username.len()) {
        Ok(())
    } else {
        refuse("username", USERNAME_RULE)
    }
}

/// The roles an agency's staff may hold: every role but the platform's own.
pub const STAFF_ROLES: [Role; 5] = [Role::AgencyAdmin, Role::Manager, Role::Collector, Role::Compliance, Role::Auditor];

/// The password policy (NIST SP 800-63B), said once for forms to show.
pub const PASSWORD_POLICY: &str = "12 to 128 characters, not one character repeated";

/// Checks a password a person chose against [`PASSWORD_POLICY`].
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 12 {
        return Err("must be at least 12 characters long");
    }
    if length > 128 {
        return Err("must be at most 128 characters long");
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("must not be one character repeated");
    }
    Ok(())
}

/// A role an agency admin may give (not the platform's `admin`).
pub fn check_role(role: Role) -> Result<(), FieldError> {
    if STAFF_ROLES.contains(&role) {
        Ok(())
    } else {
        refuse("role", "must be one of agency_admin, manager, collector, compliance, auditor")
    }
}

/// A commission rate is a share: 0 to 1, at most 4 decimals (`NUMERIC(5,4)`).
pub fn check_commission_rate(rate: Decimal) -> Result<(), FieldError> {
    if rate < Decimal::ZERO || rate > Decimal::ONE || rate.normalize().scale() > 4 {
        return refuse("commission_rate", "must be between 0 and 1 with at most 4 decimals");
    }
    Ok(())
}

/// What a collector's seat carries, and only a collector's: a commission rate and an
/// account limit, both required.
pub fn check_collector_terms(
    role: Role,
    commission_rate: Option<Decimal>,
    account_limit: Option<i32>,
) -> Result<(), FieldError> {
    match (role == Role::Collector, commission_rate, account_limit) {
        (true, None, _) => refuse("commission_rate", "is required for a collector"),
        (true, _, None) => refuse("account_limit", "is required for a collector"),
        (true, Some(rate), Some(limit)) => {
            check_commission_rate(rate)?;
            if !(0..=100_000).contains(&limit) {
                return refuse("account_limit", "must be between 0 and 100000");
            }
            Ok(())
        }
        (false, Some(_), _) => refuse("commission_rate", "only collectors have a commission rate"),
        (false, _, Some(_)) => refuse("account_limit", "only collectors have an account limit"),
        (false, None, None) => Ok(()),
    }
}

/// A staff member's role and whether they may sign in: what the last-admin rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub role: Role,
    pub active: bool,
}

impl Seat {
    fn admin(self) -> bool {
        self.active && self.role == Role::AgencyAdmin
    }
}

/// Whether changing a seat from `before` to `after` leaves the agency with no active
/// agency admin, given how many *other* active admins it has: nobody could then manage
/// its staff or settings.
pub fn leaves_no_admin(before: Seat, after: Seat, other_active_admins: usize) -> bool {
    before.admin() && !after.admin() && other_active_admins == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn usernames_are_lower_case_words_of_2_to_63_characters() {
        for good in ["ab", "maria.gomez", "first_admin-2", "0day", &"a".repeat(63)] {
            assert_eq!(check_username(good), Ok(()), "{good}");
        }
        for bad in ["", "a", "Maria", ".dot", "-dash", "sp ace", "ñandu", "a\0b", &"a".repeat(64)] {
            assert_eq!(check_username(bad).unwrap_err().field, "username", "{bad:?}");
        }
    }

    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_password_policy_wants_twelve_varied_characters() {
        assert!(check_password("Collector@2026").is_ok());
        assert!(check_password("short@2026").is_err());
        assert!(check_password("aaaaaaaaaaaaaaaa").is_err());
        assert!(check_password(&"ab".repeat(65)).is_err());
    }

    #[test]
    fn staff_hold_every_role_but_the_platforms() {
        assert_eq!(check_role(Role::Admin).unwrap_err().field, "role");
        for role in STAFF_ROLES {
            assert!(check_role(role).is_ok());
        }
    }

    #[test]
    fn collectors_and_only_collectors_carry_a_rate_and_a_limit() {
        assert!(check_collector_terms(Role::Collector, Some(dec("0.1")), Some(300)).is_ok());
        assert!(check_collector_terms(Role::Manager, None, None).is_ok());
        let field = |r, c, l| check_collector_terms(r, c, l).unwrap_err().field;
        assert_eq!(field(Role::Collector, None, Some(1)), "commission_rate");
        assert_eq!(field(Role::Collector, Some(dec("0.1")), None), "account_limit");
        assert_eq!(field(Role::Collector, Some(dec("1.5")), Some(1)), "commission_rate");
        assert_eq!(field(Role::Collector, Some(dec("0.12345")), Some(1)), "commission_rate");
        assert_eq!(field(Role::Collector, Some(dec("0.1")), Some(-1)), "account_limit");
        assert_eq!(field(Role::Auditor, Some(dec("0.1")), None), "commission_rate");
        assert_eq!(field(Role::Auditor, None, Some(5)), "account_limit");
    }

    #[test]
    fn the_last_active_admin_keeps_their_seat() {
        let admin = Seat { role: Role::AgencyAdmin, active: true };
        let demoted = Seat { role: Role::Manager, active: true };
        let gone = Seat { role: Role::AgencyAdmin, active: false };
        assert!(leaves_no_admin(admin, demoted, 0));
        assert!(leaves_no_admin(admin, gone, 0));
        assert!(!leaves_no_admin(admin, demoted, 1), "another admin holds the agency");
        assert!(!leaves_no_admin(admin, admin, 0), "a rename keeps the seat");
        assert!(!leaves_no_admin(gone, demoted, 0), "an inactive admin held no seat");
        assert!(!leaves_no_admin(demoted, admin, 0));
    }
}
