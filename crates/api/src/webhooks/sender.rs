//! The HTTP side of a delivery: one signed POST, its answer or why there was none.
//!
//! reqwest on rustls (no OpenSSL). Redirects are not followed (a 3xx fails the attempt:
//! the endpoint's URL is the one registered, nowhere else). Unless the server allows
//! insecure receivers (`WEBHOOKS_ALLOW_HTTP`, development and tests), only `https` is
//! spoken and a host name is connected to only at the public addresses it resolves to,
//! so a name pointing into DebtFlow's own network (or a cloud metadata service) cannot
//! be used to reach it; literal addresses were refused when the URL was registered.

use crate::config::WebhookSettings;
use debtflow_domain::webhook::{self, EventType};
use reqwest::{
    dns::{Addrs, Name, Resolve, Resolving},
    header, redirect, Client,
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use uuid::Uuid;

pub const SIGNATURE_HEADER: &str = "DebtFlow-Signature";
pub const EVENT_ID_HEADER: &str = "DebtFlow-Event-Id";
pub const EVENT_TYPE_HEADER: &str = "DebtFlow-Event-Type";

/// What an attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The receiver's status; 2xx is a success.
    Status(u16),
    /// No answer: the connection failed, timed out, or the URL cannot be used.
    NoAnswer(String),
}

/// Sends webhook requests.
#[derive(Debug, Clone)]
pub struct Sender {
    client: Client,
    timeout: Duration,
}

impl Sender {
    pub fn new(settings: &WebhookSettings) -> Result<Self, reqwest::Error> {
        let mut builder = Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .redirect(redirect::Policy::none())
            .user_agent(concat!("DebtFlow-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !settings.allow_http {
            builder = builder.https_only(true).dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Sender { client: builder.build()?, timeout: settings.timeout })
    }

    /// POSTs `body` to `url` with its signature and event headers.
    pub async fn send(&self, url: &str, event: (Uuid, EventType), signature: &str, body: Vec<u8>) -> Answer {
        let sent = self
            .client
            .post(url)
            .header(header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_ID_HEADER, event.0.to_string())
            .header(EVENT_TYPE_HEADER, event.1.as_str())
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => Answer::Status(response.status().as_u16()),
            Err(e) if e.is_timeout() => Answer::NoAnswer(format!("no answer within {} s", self.timeout.as_secs())),
            // Without the URL: it may hold the receiver's own token.
            Err(e) => Answer::NoAnswer(chain(&e.without_url())),
        }
    }
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        matches!(self, Answer::Status(code) if (200..300).contains(code))
    }

    /// Why the attempt failed (`None` if it did not).
    pub fn error(&self) -> Option<String> {
        match self {
            Answer::Status(code) if (200..300).contains(code) => None,
            Answer::Status(code) if (300..400).contains(code) => {
                Some(format!("the receiver answered {code} (redirects are not followed)"))
            }
            Answer::Status(code) => Some(format!("the receiver answered {code}")),
            Answer::NoAnswer(why) => Some(why.clone()),
        }
    }

    pub fn status_code(&self) -> Option<u16> {
        match self {
            Answer::Status(code) => Some(*code),
            Answer::NoAnswer(_) => None,
        }
    }
}

/// An error with its causes (reqwest's own text stops at the outermost one).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Resolves a host name to its public addresses only ([`webhook::is_public`]).
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| webhook::is_public(a.ip())).collect();
            if public.is_empty() {
                let refused = format!("{host} resolves to no public address");
                return Err(Box::new(std::io::Error::new(std::io::ErrorKind::PermissionDenied, refused)) as _);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_2xx_succeeds_and_every_failure_says_why() {
        assert!(Answer::Status(204).succeeded());
        assert_eq!(Answer::Status(200).error(), None);
        assert_eq!(Answer::Status(503).error().as_deref(), Some("the receiver answered 503"));
        assert!(Answer::Status(301).error().unwrap().contains("redirects are not followed"));
        assert!(!Answer::NoAnswer("refused".into()).succeeded());
        assert_eq!(Answer::NoAnswer("refused".into()).status_code(), None);
    }

    #[tokio::test]
    async fn names_of_the_local_network_are_not_resolved() {
        let refused = PublicOnly.resolve("localhost".parse().unwrap()).await;
        assert!(refused.is_err(), "localhost resolves to loopback only");
    }
}
