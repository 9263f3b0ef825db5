//! Outbound webhooks: the events an agency's systems can subscribe to, the endpoints
//! they are sent to, and how long a failing delivery is retried.
//!
//! An agency admin registers an endpoint — a URL ([`EndpointUrl`]) and the event types
//! it wants ([`EventTypes`]) — and DebtFlow POSTs each such event to it, signed. A
//! delivery is `pending` until the receiver answers 2xx (`succeeded`); a failed attempt
//! is retried after [`retry_delay`] — 30 s, doubling, at most an hour — for as long as
//! the next attempt falls within [`RETRY_WINDOW`] (a day) of the first attempt, then it
//! is `failed` ([`after_failure`]): 30 attempts when every one fails at once. The first
//! attempt is made as the event commits, so the day is the event's; a replay opens a
//! new day at its own first attempt. (Counting from the first attempt rather than from
//! the event's instant keeps the day whole for an event a job wrote at its business
//! date's instant, say a re-run for a past date.)

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    str::FromStr,
};

/// What happened, as the receiver is told: the `type` of an event and the
/// `DebtFlow-Event-Type` header. The names are stable: new types are added, none is
/// renamed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WebhookEventType))]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = "webhook_event_type"))]
pub enum EventType {
    /// A payment's money reached its account: recorded in hand, approved, confirmed by
    /// the card processor, or applied from suspense.
    #[serde(rename = "payment.completed")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "payment.completed"))]
    PaymentCompleted,
    /// Part or all of a payment was refunded (by a manager or by the card processor).
    #[serde(rename = "payment.refunded")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "payment.refunded"))]
    PaymentRefunded,
    /// An account moved to another status, whatever moved it.
    #[serde(rename = "account.status_changed")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "account.status_changed"))]
    AccountStatusChanged,
    /// An account was given to a collector (one at a time, or in bulk).
    #[serde(rename = "account.assigned")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "account.assigned"))]
    AccountAssigned,
    /// A payment plan was approved and is active.
    #[serde(rename = "plan.approved")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "plan.approved"))]
    PlanApproved,
    /// A payment plan defaulted: an installment stayed unpaid past its threshold.
    #[serde(rename = "plan.defaulted")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "plan.defaulted"))]
    PlanDefaulted,
    /// A placement file's import ended: completed (perhaps with row errors) or failed.
    #[serde(rename = "import.finished")]
    #[cfg_attr(feature = "sqlx", sqlx(rename = "import.finished"))]
    ImportFinished,
}

impl EventType {
    pub const ALL: [EventType; 7] = [
        EventType::PaymentCompleted,
        EventType::PaymentRefunded,
        EventType::AccountStatusChanged,
        EventType::AccountAssigned,
        EventType::PlanApproved,
        EventType::PlanDefaulted,
        EventType::ImportFinished,
    ];

    /// The stable wire and database name (`payment.completed`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::PaymentCompleted => "payment.completed",
            EventType::PaymentRefunded => "payment.refunded",
            EventType::AccountStatusChanged => "account.status_changed",
            EventType::AccountAssigned => "account.assigned",
            EventType::PlanApproved => "plan.approved",
            EventType::PlanDefaulted => "plan.defaulted",
            EventType::ImportFinished => "import.finished",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            format!("`{s}` is not one of {}", names.join(", "))
        })
    }
}

/// Where one delivery of an event to one endpoint is. A replay makes it `pending` again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WebhookDeliveryStatus))]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "webhook_delivery_status", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet: due at its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Given up: the retry window passed, or its endpoint was deactivated or removed.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [DeliveryStatus::Pending, DeliveryStatus::Succeeded, DeliveryStatus::Failed];

    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The event types an endpoint subscribes to: at least one, each once, kept in the
/// order of [`EventType::ALL`] (so two equal sets compare and print alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTypes(Vec<EventType>);

/// Why a list of event types is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventTypesError {
    #[error("must name at least one event type")]
    Empty,
    #[error("names `{0}` more than once")]
    Duplicate(EventType),
}

impl EventTypes {
    pub fn parse(mut types: Vec<EventType>) -> Result<Self, EventTypesError> {
        if types.is_empty() {
            return Err(EventTypesError::Empty);
        }
        types.sort_unstable();
        if let Some(twice) = types.windows(2).find(|w| w[0] == w[1]) {
            return Err(EventTypesError::Duplicate(twice[0]));
        }
        Ok(EventTypes(types))
    }

    pub fn as_slice(&self) -> &[EventType] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<EventType> {
        self.0
    }
}

/// An endpoint's URL, checked: `https://` with a host (plain `http://` only where the
/// server allows it), no credentials, no fragment, at most [`EndpointUrl::MAX_LEN`]
/// characters. A host given as an IP address must be a public one, and `localhost` is
/// refused — unless the server allows insecure receivers — so an endpoint cannot aim
/// DebtFlow's requests at its own network (the sender also refuses host names that
/// resolve to such addresses, [`is_public`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

/// Why a URL is refused as an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("must not be blank")]
    Blank,
    #[error("must be at most {} characters", EndpointUrl::MAX_LEN)]
    TooLong,
    #[error("must not contain spaces or control characters")]
    Whitespace,
    #[error("must be an https:// URL")]
    NotHttps,
    #[error("must be an https:// URL (this server does not send webhooks over plain http)")]
    PlainHttp,
    #[error("must name a host")]
    NoHost,
    #[error("has an invalid host `{0}`")]
    BadHost(String),
    #[error("has an invalid port")]
    BadPort,
    #[error("must not carry credentials (user:password@)")]
    Credentials,
    #[error("must not have a fragment (#…)")]
    Fragment,
    #[error("must not point at a private, loopback or link-local address")]
    PrivateAddress,
}

impl EndpointUrl {
    pub const MAX_LEN: usize = 2048;

    /// Checks `raw` (trimmed) as an endpoint; `allow_insecure` (the server's
    /// `WEBHOOKS_ALLOW_HTTP`, for development and tests) also takes `http://`,
    /// `localhost` and private addresses.
    pub fn parse(raw: &str, allow_insecure: bool) -> Result<Self, UrlError> {
        let url = raw.trim();
        if url.is_empty() {
            return Err(UrlError::Blank);
        }
        if url.chars().count() > Self::MAX_LEN {
            return Err(UrlError::TooLong);
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::Whitespace);
        }
        let (scheme, rest) = url.split_once("://").ok_or(UrlError::NotHttps)?;
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {}
            "http" if allow_insecure => {}
            "http" => return Err(UrlError::PlainHttp),
            _ => return Err(UrlError::NotHttps),
        }
        if rest.contains('#') {
            return Err(UrlError::Fragment);
        }
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(UrlError::Credentials);
        }
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        if let Some(port) = port {
            match port.parse::<u16>() {
                Ok(p) if p > 0 => {}
                _ => return Err(UrlError::BadPort),
            }
        }
        let host = host.to_ascii_lowercase();
        let private = match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) => !is_public(ip),
            Err(_) if host.starts_with('[') => return Err(UrlError::BadHost(host)),
            Err(_) => {
                let valid = host.split('.').enumerate().all(|(i, label)| {
                    // A trailing dot (a fully qualified name) leaves one empty label last.
                    (label.is_empty() && i > 0 && host.ends_with('.'))
                        || (!label.is_empty()
                            && label.len() <= 63
                            && !label.starts_with('-')
                            && !label.ends_with('-')
                            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                });
                if !valid || host.len() > 253 {
                    return Err(UrlError::BadHost(host));
                }
                let name = host.trim_end_matches('.');
                name == "localhost" || name.ends_with(".localhost")
            }
        };
        if private && !allow_insecure {
            return Err(UrlError::PrivateAddress);
        }
        Ok(EndpointUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if authority.starts_with('[') {
        let end = authority.find(']').ok_or_else(|| UrlError::BadHost(authority.to_owned()))?;
        let (host, after) = authority.split_at(end + 1);
        return match after {
            "" => Ok((host, None)),
            _ => after.strip_prefix(':').map(|p| (host, Some(p))).ok_or(UrlError::BadPort),
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// Whether `ip` is an address of the public internet: not loopback, private,
/// link-local, shared (CGNAT), unspecified, broadcast, multicast, documentation or
/// reserved — the addresses a webhook must not reach inside DebtFlow's own network
/// (cloud metadata services live at link-local 169.254.169.254).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// The wait before the first retry.
pub const FIRST_RETRY: TimeDelta = TimeDelta::seconds(30);

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: TimeDelta = TimeDelta::hours(1);

/// How long after its event (or its last replay) a delivery is retried.
pub const RETRY_WINDOW: TimeDelta = TimeDelta::hours(24);

/// The wait after the `attempt`-th failed attempt of a window (counting from 1): 30 s,
/// doubled each time, at most [`MAX_RETRY_DELAY`].
pub fn retry_delay(attempt: u32) -> TimeDelta {
    // 30 s × 2^7 is past the hour already.
    let doublings = attempt.clamp(1, 8) - 1;
    (FIRST_RETRY * (1_i32 << doublings)).min(MAX_RETRY_DELAY)
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this instant.
    RetryAt(DateTime<Utc>),
    /// The next attempt would fall outside the window: the delivery is `failed`.
    GiveUp,
}

/// After the `attempt`-th attempt since `window_start` (the first attempt, or the first
/// since the delivery's last replay) failed at `failed_at`: retry after
/// [`retry_delay`], unless that is more than [`RETRY_WINDOW`] after `window_start`.
pub fn after_failure(window_start: DateTime<Utc>, attempt: u32, failed_at: DateTime<Utc>) -> AfterFailure {
    let next = failed_at + retry_delay(attempt);
    if next > window_start + RETRY_WINDOW {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAt(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip_through_their_wire_names() {
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>(), Ok(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert_eq!(serde_json::from_value::<EventType>(serde_json::json!(t.as_str())).unwrap(), t);
        }
        let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            names,
            [
                "payment.completed",
                "payment.refunded",
                "account.status_changed",
                "account.assigned",
                "plan.approved",
                "plan.defaulted",
                "import.finished"
            ]
        );
        assert!("payment.failed".parse::<EventType>().unwrap_err().contains("payment.completed"));
        assert!(serde_json::from_value::<EventType>(serde_json::json!("PaymentCompleted")).is_err());
    }

    #[test]
    fn an_endpoint_subscribes_to_some_event_types_each_once() {
        use EventType::*;
        assert_eq!(EventTypes::parse(vec![]), Err(EventTypesError::Empty));
        assert_eq!(
            EventTypes::parse(vec![PaymentCompleted, PlanApproved, PaymentCompleted]),
            Err(EventTypesError::Duplicate(PaymentCompleted))
        );
        let types = EventTypes::parse(vec![ImportFinished, PaymentCompleted]).unwrap();
        assert_eq!(types.as_slice(), [PaymentCompleted, ImportFinished], "kept in the order of ALL");
        assert_eq!(EventTypes::parse(EventType::ALL.to_vec()).unwrap().into_vec(), EventType::ALL);
    }

    #[test]
    fn endpoints_are_https_urls_of_public_hosts() {
        let ok = |url: &str| EndpointUrl::parse(url, false).map(|u| u.as_str().to_owned());
        assert_eq!(
            ok(" https://hooks.example.com/debtflow?x=1 ").as_deref(),
            Ok("https://hooks.example.com/debtflow?x=1")
        );
        assert!(ok("https://hooks.example.com:8443").is_ok());
        assert!(ok("HTTPS://Hooks.Example.com./in").is_ok());
        assert!(ok("https://93.184.215.14/hook").is_ok());
        assert!(ok("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443/hook").is_ok());
        assert_eq!(ok(""), Err(UrlError::Blank));
        assert_eq!(ok(&format!("https://a.example/{}", "x".repeat(2048))), Err(UrlError::TooLong));
        assert_eq!(ok("https://hooks.example.com/a b"), Err(UrlError::Whitespace));
        assert_eq!(ok("hooks.example.com"), Err(UrlError::NotHttps));
        assert_eq!(ok("ftp://hooks.example.com"), Err(UrlError::NotHttps));
        assert_eq!(ok("http://hooks.example.com"), Err(UrlError::PlainHttp));
        assert_eq!(ok("https://"), Err(UrlError::NoHost));
        assert_eq!(ok("https:///path"), Err(UrlError::NoHost));
        assert_eq!(ok("https://hooks.example.com:0"), Err(UrlError::BadPort));
        assert_eq!(ok("https://hooks.example.com:99999"), Err(UrlError::BadPort));
        assert_eq!(ok("https://hooks.example.com:"), Err(UrlError::BadPort));
        assert_eq!(ok("https://user:pw@hooks.example.com"), Err(UrlError::Credentials));
        assert_eq!(ok("https://hooks.example.com/#x"), Err(UrlError::Fragment));
        assert!(matches!(ok("https://hooks..example.com"), Err(UrlError::BadHost(_))));
        assert!(matches!(ok("https://-bad.example.com"), Err(UrlError::BadHost(_))));
        assert!(matches!(ok("https://[::1/x"), Err(UrlError::BadHost(_))));
        for private in [
            "https://127.0.0.1/hook",
            "https://10.1.2.3",
            "https://192.168.0.10",
            "https://172.16.5.4",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1",
            "https://0.0.0.0",
            "https://[::1]:8443",
            "https://[fd00::1]",
            "https://[fe80::1]",
            "https://[::ffff:10.0.0.1]",
            "https://localhost/hook",
            "https://api.localhost",
        ] {
            assert_eq!(ok(private), Err(UrlError::PrivateAddress), "{private}");
        }
    }

    #[test]
    fn an_insecure_server_also_takes_http_and_local_receivers() {
        for url in ["http://127.0.0.1:40123/hook", "http://localhost:8080", "https://10.0.0.5/x", "http://[::1]:9"] {
            assert!(EndpointUrl::parse(url, true).is_ok(), "{url}");
        }
        assert_eq!(EndpointUrl::parse("ftp://127.0.0.1", true), Err(UrlError::NotHttps));
        assert_eq!(EndpointUrl::parse("http://u@127.0.0.1", true), Err(UrlError::Credentials));
    }

    #[test]
    fn retries_wait_thirty_seconds_then_double_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay(0), FIRST_RETRY, "never less than the first wait");
        assert_eq!(retry_delay(u32::MAX), MAX_RETRY_DELAY);
    }

    #[test]
    fn a_delivery_is_retried_for_a_day_then_given_up() {
        let event: DateTime<Utc> = "2026-11-23T07:00:00Z".parse().unwrap();
        // Every attempt fails at once: the schedule alone decides.
        let (mut at, mut attempts) = (event, 0);
        while let AfterFailure::RetryAt(next) = after_failure(event, attempts + 1, at) {
            assert!(next > at && next <= event + RETRY_WINDOW, "attempt {} at {next}", attempts + 2);
            (at, attempts) = (next, attempts + 1);
        }
        let attempts = attempts + 1;
        assert_eq!(attempts, 30, "thirty attempts in the day");
        assert!(event + RETRY_WINDOW - at < MAX_RETRY_DELAY, "the last one within the hour before the window ends");
        assert_eq!(after_failure(event, 1, event), AfterFailure::RetryAt(event + TimeDelta::seconds(30)));
        let late = event + RETRY_WINDOW - TimeDelta::seconds(10);
        assert_eq!(after_failure(event, 3, late), AfterFailure::GiveUp, "the next attempt would be past the day");
        let replayed = event + TimeDelta::days(3);
        assert_eq!(
            after_failure(replayed, 1, replayed),
            AfterFailure::RetryAt(replayed + TimeDelta::seconds(30)),
            "a replay opens a new window"
        );
    }

    #[test]
    fn delivery_statuses_have_their_database_names() {
        for status in DeliveryStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        let names: Vec<String> = DeliveryStatus::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["pending", "succeeded", "failed"]);
    }
}
