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

use crate::problem::ApiError;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web, ResponseError,
};
use governor::{
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use std::{
    hash::{BuildHasher, RandomState},
    net::IpAddr,
    num::NonZeroU32,
    time::Duration,
};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct RateLimits {
    per_ip: Keyed<IpAddr>,
    per_token: Keyed<u64>,
    /// Tokens are keyed by a keyed hash: the limiter never holds a credential.
    hasher: RandomState,
    clock: DefaultClock,
}

impl RateLimits {
    /// Limits in requests per minute.
    pub fn new(per_ip: NonZeroU32, per_token: NonZeroU32) -> Self {
        RateLimits {
            per_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
            per_token: RateLimiter::keyed(Quota::per_minute(per_token)),
            hasher: RandomState::new(),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(wait)` when the caller must wait before the next request.
    pub fn check(&self, ip: Option<IpAddr>, bearer: Option<&str>) -> Result<(), Duration> {
        let now = self.clock.now();
        if let Some(ip) = ip {
            self.per_ip.check_key(&ip).map_err(|n| n.wait_time_from(now))?;
        }
        if let Some(token) = bearer {
            let key = self.hasher.hash_one(token);
            self.per_token.check_key(&key).map_err(|n| n.wait_time_from(now))?;
        }
        Ok(())
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
        _ => Ok(()),
    };
    match verdict {
        Ok(()) => next.call(req).await.map(ServiceResponse::map_into_left_body),
        Err(wait) => {
            // Round up: a client retrying after `Retry-After` must succeed.
            let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let response = ApiError::RateLimited { retry_after_secs: retry_after_secs.max(1) }.error_response();
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
        let wait = limits.check(Some(a), None).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limits.check(Some(b), Some("t1")).is_ok());
        assert!(limits.check(Some(b), Some("t1")).is_ok());
        assert!(limits.check(Some(b), Some("t1")).is_err(), "token t1 is spent");
        assert!(limits.check(None, Some("t2")).is_ok(), "another token has its own allowance");
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
