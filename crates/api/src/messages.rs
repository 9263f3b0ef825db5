//! Messages to debtors (the installment reminders) and who carries them: a
//! [`Messenger`] wraps any [`Carrier`] — an e-mail relay, an SMS gateway — and
//! DebtFlow's own is [`Messenger::log`], which writes one log line per message (the
//! address masked, no body) and delivers nothing. Wiring a real gateway is implementing
//! [`Carrier`].

use debtflow_domain::contact::Channel;
use futures_util::future::BoxFuture;
use std::{fmt, sync::Arc};
use uuid::Uuid;

/// A message to a debtor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub channel: Channel,
    /// The e-mail address or phone number.
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Delivers messages; `Err` says why one was not.
pub trait Carrier: Send + Sync + 'static {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), String>>;
}

#[derive(Clone)]
pub struct Messenger(Arc<dyn Carrier>);

impl Messenger {
    pub fn new(carrier: impl Carrier) -> Self {
        Messenger(Arc::new(carrier))
    }

    /// Logs each message and delivers none (the default).
    pub fn log() -> Self {
        Messenger::new(LogCarrier)
    }

    pub async fn send(&self, message: &Message) -> Result<(), String> {
        self.0.send(message).await
    }
}

impl fmt::Debug for Messenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Messenger")
    }
}

struct LogCarrier;

impl Carrier for LogCarrier {
    fn send<'a>(&'a self, m: &'a Message) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::info!(message_id = %m.id, channel = %m.channel, to = %masked(&m.to), subject = %m.subject,
                           "debtor message (log carrier: not delivered)");
            Ok(())
        })
    }
}

/// An address with all but its last characters hidden (`***0100`, `***@example.com`).
fn masked(to: &str) -> String {
    let keep: String = match to.find('@') {
        Some(at) => to[at..].to_owned(),
        None => to.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect(),
    };
    format!("***{keep}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_show_no_whole_address() {
        assert_eq!(masked("john@example.com"), "***@example.com");
        assert_eq!(masked("+1 555 0100"), "***0100");
        assert_eq!(masked("1"), "***1");
        assert_eq!(masked("☎☎☎☎☎"), "***☎☎☎☎", "characters, not bytes");
    }
}
