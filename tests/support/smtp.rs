//! A real SMTP server for the mail tests: Python's `aiosmtpd` as a sink
//! (`support/smtp_sink.py`), one per test, on a free loopback port.
//!
//! The sink accepts every message and appends it, as one JSON line, to a file of its
//! own; [`SmtpSink::messages`] reads them back. The process is killed when the
//! [`SmtpSink`] is dropped (or [`SmtpSink::stop`]ped, to play an SMTP server that is
//! down). `scripts/tools.sh` installs aiosmtpd.

use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/support/smtp_sink.py");

/// One message the sink received.
#[derive(Debug, Clone, Deserialize)]
pub struct SinkMessage {
    /// The envelope's sender (MAIL FROM).
    pub mail_from: String,
    /// The envelope's recipients (RCPT TO).
    pub rcpt_tos: Vec<String>,
    pub subject: String,
    pub message_id: String,
    /// The plain-text body, decoded.
    pub body: String,
    /// The message as it came over the wire.
    pub data: String,
}

/// A running sink on `127.0.0.1:port`, killed when dropped.
pub struct SmtpSink {
    child: Option<Child>,
    port: u16,
    out: PathBuf,
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> SmtpSink {
        Self::start_on(crate::ports::free_port()).await
    }

    /// Starts a sink on `port` and waits until it accepts connections.
    pub async fn start_on(port: u16) -> SmtpSink {
        let out = std::env::temp_dir().join(format!("debtflow-smtp-{}.jsonl", uuid::Uuid::now_v7()));
        std::fs::write(&out, "").expect("create the sink's file");
        let mut child = Command::new("python3")
            .arg(SCRIPT)
            .arg(port.to_string())
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3 (scripts/tools.sh installs aiosmtpd)");
        let stdout = child.stdout.take().expect("the sink's stdout");
        let ready = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout).lines().next().is_some_and(|line| line.is_ok_and(|l| l == "ready"))
        })
        .await
        .unwrap_or(false);
        if !ready {
            let _ = child.kill();
            let output = child.wait_with_output().map(|o| String::from_utf8_lossy(&o.stderr).into_owned());
            panic!("the SMTP sink did not start on port {port} (is aiosmtpd installed? scripts/tools.sh): {output:?}");
        }
        SmtpSink { child: Some(child), port, out }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The configuration of a server that mails to `port` without TLS, its mailer
    /// ticking every `poll_secs`.
    pub fn settings(port: u16, poll_secs: u64) -> Vec<(&'static str, String)> {
        vec![
            ("SMTP_HOST", "127.0.0.1".to_owned()),
            ("SMTP_PORT", port.to_string()),
            ("SMTP_TLS", "none".to_owned()),
            ("MAIL_FROM", "DebtFlow Tests <mailer@debtflow.test>".to_owned()),
            ("MAIL_POLL_SECS", poll_secs.to_string()),
        ]
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<SinkMessage> {
        std::fs::read_to_string(&self.out)
            .expect("read the sink's file")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line of the sink"))
            .collect()
    }

    /// The messages once there are at least `n`, waiting up to `within`; panics
    /// otherwise.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<SinkMessage> {
        let deadline = Instant::now() + within;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(Instant::now() < deadline, "{} message(s) arrived, expected {n}", messages.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the server: the port refuses connections until a sink starts on it again.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_file(&self.out);
    }
}
