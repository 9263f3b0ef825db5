//! The one source of "now".
//!
//! Services, jobs and the store never read the system clock themselves: they are
//! handed an instant from a [`Clock`], which the server holds in its app data and the
//! job runner in its context. An agency's business date ("today") is that instant in
//! the agency's time zone: the store converts it with PostgreSQL's time-zone database
//! (`($now AT TIME ZONE agencies.time_zone)::date`), so no SQL computes today on its
//! own. Tests freeze the clock ([`Clock::frozen`]) and move it ([`Clock::set`],
//! [`Clock::advance`]) to replay a date or a schedule.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, RwLock};

/// A clock: the system's, or a hand-set one for tests and replays.
#[derive(Debug, Clone)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    Manual(RwLock<DateTime<Utc>>),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(Arc::new(Source::System))
    }

    /// A clock that stands at `at` until it is [`set`](Clock::set) or
    /// [`advance`](Clock::advance)d.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Clock(Arc::new(Source::Manual(RwLock::new(at))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Manual(at) => *at.read().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Moves a frozen clock to `at` (every clone sees it); the system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Manual(now) = &*self.0 {
            *now.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
        }
    }

    /// Moves a frozen clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_moves_only_when_told_and_every_clone_sees_it() {
        let start: DateTime<Utc> = "2026-11-23T07:00:00Z".parse().unwrap();
        let clock = Clock::frozen(start);
        let clone = clock.clone();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(5));
        assert_eq!(clone.now(), start + Duration::minutes(5));
        clone.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_system_clock_runs() {
        let clock = Clock::system();
        let before = Utc::now();
        clock.set(before - Duration::days(1));
        assert!(clock.now() >= before);
    }
}
