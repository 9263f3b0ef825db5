//! Request rate limits per client IP and per bearer token (GCRA, in memory).
//!
//! Every request counts against its peer IP (`RATE_LIMIT_PER_IP` per minute); one
//! with a bearer token also counts against the token (`RATE_LIMIT_PER_TOKEN`), so
//! one noisy client cannot starve its office's shared IP and rotating tokens does
//! not escape the IP limit. Over the limit: 429 problem+json with `Retry-After`.
//! Health probes, `/metrics` and the SPA's content-hashed files (`/assets/…`) are
//! exempt: those files are answered from memory and fetched once per browser and
//! deploy, but the SPA's pages come in dozens of modules each (split by route,
//! frontend/src/routes.rs), and an office behind one address would spend its
//! allowance on them after a deploy. The IP is the TCP peer: forwarded headers are
//! not trusted. Each replica limits on its own; login throttling, which
//! must hold across replicas, lives in the database.
//!
//! Every limited response, the 429 too, tells the client where it stands, in the
//! fields of the IETF draft "RateLimit header fields for HTTP": `RateLimit-Limit` (the
//! requests a minute), `RateLimit-Remaining` (how many more it may send at once) and
//! `RateLimit-Reset` (seconds until its allowance is whole again), of the tighter of
//! its two allowances (IP, token).

use crate::problem::ApiError;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    web, ResponseError,
};
use governor::{
    clock::{Clock, DefaultClock},
    middleware::{StateInformationMiddleware, StateSnapshot},
    state::keyed::DefaultKeyedStateStore,
    NotUntil, Quota, RateLimiter,
};
use std::{
    hash::{BuildHasher, RandomState},
    net::IpAddr,
    num::NonZeroU32,
    time::Duration,
};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;
type Instant = <DefaultClock as Clock>::Instant;

pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

pub struct RateLimits {
    per_ip: Keyed<IpAddr>,
    per_token: Keyed<u64>,
    /// Tokens are keyed by a keyed hash: the limiter never holds a credential.
    hasher: RandomState,
    clock: DefaultClock,
}

/// Where a client stands against one of its allowances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Requests per minute.
    pub limit: u32,
    /// Requests it may still send at once.
    pub remaining: u32,
    /// Until the allowance is whole again.
    pub reset: Duration,
}

/// A request over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Until the next request is allowed.
    pub wait: Duration,
    /// The allowance that refused it (nothing remaining).
    pub allowance: Allowance,
}

impl Allowance {
    fn after(snapshot: &StateSnapshot) -> Self {
        let quota = snapshot.quota();
        let limit = quota.burst_size().get();
        let remaining = snapshot.remaining_burst_capacity();
        // Each spent request comes back one replenish interval after the one before.
        Allowance { limit, remaining, reset: quota.replenish_interval() * limit.saturating_sub(remaining) }
    }

    fn refused(not_until: &NotUntil<Instant>, now: Instant) -> Refused {
        let quota: Quota = not_until.quota();
        let limit = quota.burst_size().get();
        let wait = not_until.wait_time_from(now);
        // After the wait one request is allowed; the rest of the burst follows.
        let reset = wait + quota.replenish_interval() * (limit - 1);
        Refused { wait, allowance: Allowance { limit, remaining: 0, reset } }
    }

    /// The one nearer to refusing: fewer remaining, then the longer to recover.
    fn tighter(self, other: Allowance) -> Allowance {
        if (other.remaining, std::cmp::Reverse(other.reset)) < (self.remaining, std::cmp::Reverse(self.reset)) {
            other
        } else {
            self
        }
    }

    /// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (whole seconds,
    /// rounded up).
    pub fn write(&self, headers: &mut HeaderMap) {
        let reset = self.reset.as_secs() + u64::from(self.reset.subsec_nanos() > 0);
        headers.insert(RATELIMIT_LIMIT, HeaderValue::from(self.limit));
        headers.insert(RATELIMIT_REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RATELIMIT_RESET, HeaderValue::from(reset));
    }
}

impl RateLimits {
    /// Limits in requests per minute.
    pub fn new(per_ip: NonZeroU32, per_token: NonZeroU32) -> Self {
        RateLimits {
            per_ip: RateLimiter::keyed(Quota::per_minute(per_ip)).with_middleware(),
            per_token: RateLimiter::keyed(Quota::per_minute(per_token)).with_middleware(),
            hasher: RandomState::new(),
            clock: DefaultClock::default(),
        }
    }

    /// Counts a request: the tighter of the caller's allowances after it (`None`: no
    /// IP and no token to count against), or why it must wait.
    pub fn check(&self, ip: Option<IpAddr>, bearer: Option<&str>) -> Result<Option<Allowance>, Refused> {
        let now = self.clock.now();
        let mut tightest: Option<Allowance> = None;
        if let Some(ip) = ip {
            let state = self.per_ip.check_key(&ip).map_err(|n| Allowance::refused(&n, now))?;
            tightest = Some(Allowance::after(&state));
        }
        if let Some(token) = bearer {
            let key = self.hasher.hash_one(token);
            let state = self.per_token.check_key(&key).map_err(|n| Allowance::refused(&n, now))?;
            let allowance = Allowance::after(&state);
            tightest = Some(tightest.map_or(allowance, |t| t.tighter(allowance)));
        }
        Ok(tightest)
    }

    /// Drops the state of clients that are back to a full allowance.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
        self.per_token.retain_recent();
        self.per_token.shrink_to_fit();
    }
}

fn exempt(path: &str) -> bool {
    path == "/metrics" || path == "/health" || path.starts_with("/health/") || path.starts_with("/assets/")
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let verdict = match req.app_data::<web::Data<RateLimits>>() {
        Some(limits) if !exempt(req.path()) => {
            limits.check(req.peer_addr().map(|a| a.ip()), super::bearer(req.request()))
        }
        _ => Ok(None),
    };
    match verdict {
        Ok(allowance) => {
            let mut res = next.call(req).await?;
            if let Some(allowance) = allowance {
                allowance.write(res.headers_mut());
            }
            Ok(res.map_into_left_body())
        }
        Err(Refused { wait, allowance }) => {
            // Round up: a client retrying after `Retry-After` must succeed.
            let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = ApiError::RateLimited { retry_after_secs: retry_after_secs.max(1) }.error_response();
            allowance.write(response.headers_mut());
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ip_and_each_token_has_its_own_allowance() {
        let limits = RateLimits::new(NonZeroU32::new(3).unwrap(), NonZeroU32::new(2).unwrap());
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.check(Some(a), None).is_ok());
        }
        let wait = limits.check(Some(a), None).unwrap_err().wait;
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limits.check(Some(b), Some("t1")).is_ok());
        assert!(limits.check(Some(b), Some("t1")).is_ok());
        assert!(limits.check(Some(b), Some("t1")).is_err(), "token t1 is spent");
        assert!(limits.check(None, Some("t2")).is_ok(), "another token has its own allowance");
    }

    #[test]
    fn the_tighter_allowance_is_reported_and_counts_down_to_the_refusal() {
        let limits = RateLimits::new(NonZeroU32::new(60).unwrap(), NonZeroU32::new(3).unwrap());
        let ip: IpAddr = "10.0.0.3".parse().unwrap();

        let first = limits.check(Some(ip), None).unwrap().expect("an allowance");
        assert_eq!((first.limit, first.remaining, first.reset), (60, 59, Duration::from_secs(1)), "one a second");
        let with_token = limits.check(Some(ip), Some("t")).unwrap().expect("an allowance");
        assert_eq!((with_token.limit, with_token.remaining), (3, 2), "the token's 3 a minute is the tighter");
        assert_eq!(with_token.reset, Duration::from_secs(20), "the spent request comes back in 20 s");
        assert_eq!(limits.check(Some(ip), Some("t")).unwrap().map(|a| a.remaining), Some(1));
        assert_eq!(limits.check(Some(ip), Some("t")).unwrap().map(|a| a.remaining), Some(0));

        let refused = limits.check(Some(ip), Some("t")).unwrap_err();
        assert_eq!((refused.allowance.limit, refused.allowance.remaining), (3, 0));
        assert_eq!(refused.allowance.reset, refused.wait + Duration::from_secs(40), "then two more 20 s");
        assert_eq!(limits.check(None, None), Ok(None), "nothing to count against");
    }

    #[test]
    fn the_headers_are_whole_seconds_rounded_up() {
        let mut headers = HeaderMap::new();
        Allowance { limit: 600, remaining: 12, reset: Duration::from_millis(4100) }.write(&mut headers);
        assert_eq!(headers.get(RATELIMIT_LIMIT).unwrap(), "600");
        assert_eq!(headers.get(RATELIMIT_REMAINING).unwrap(), "12");
        assert_eq!(headers.get(RATELIMIT_RESET).unwrap(), "5");
    }

    #[test]
    fn probes_metrics_and_the_spas_hashed_files_are_not_limited() {
        for path in ["/health", "/health/ready", "/metrics", "/assets/split_staff-0123456789abcdef.wasm"] {
            assert!(exempt(path), "{path}");
        }
        for path in ["/api/v1/accounts", "/healthz", "/login", "/", "/assetsx", "/index.html"] {
            assert!(!exempt(path), "{path}");
        }
    }
}
