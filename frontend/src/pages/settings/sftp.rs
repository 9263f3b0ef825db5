//! The agency's SFTP import source: where creditors drop placement files. Who may read
//! imports sees it (server, folders, polling, the last poll and its error); who may
//! manage settings changes or sets it up. The password, private key and passphrase
//! are never shown: the API never returns them; left empty, the stored one is kept.

use super::{
    checked, clear,
    markup::{field, select, Input},
    value_of, SettingsForm,
};
use crate::{
    api::{self, settings::SftpSource, Problem},
    components::{Fetch, Loaded},
    format,
    markup::esc,
    session::use_session,
    submit::Submission,
};
use debtflow_domain::permission::Operation;
use debtflow_wire::imports::SftpAuth;
use leptos::{either::Either, prelude::*};
use serde_json::{json, Map, Value};

/// The form's values as typed (read from the form when it is submitted).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SftpDraft {
    pub host: String,
    pub port: String,
    pub username: String,
    pub password: String,
    pub private_key: String,
    pub passphrase: String,
    pub host_key: String,
    pub inbox_dir: String,
    pub processed_dir: String,
    pub poll_minutes: String,
    pub mapping: String,
    pub enabled: bool,
}

impl SftpDraft {
    /// What the form starts with: the source's values, never a secret; for a new
    /// source, the API's defaults.
    pub fn of(source: Option<&SftpSource>) -> Self {
        match source {
            None => SftpDraft {
                port: "22".into(),
                poll_minutes: "15".into(),
                inbox_dir: "inbox".into(),
                processed_dir: "processed".into(),
                enabled: true,
                ..Default::default()
            },
            Some(s) => SftpDraft {
                host: s.host.clone(),
                port: s.port.to_string(),
                username: s.username.clone(),
                host_key: s.host_key.clone().unwrap_or_default(),
                inbox_dir: s.inbox_dir.clone(),
                processed_dir: s.processed_dir.clone(),
                poll_minutes: s.poll_minutes.to_string(),
                mapping: s.mapping.clone().unwrap_or_default(),
                enabled: s.enabled,
                ..Default::default()
            },
        }
    }

    /// The form as the user left it.
    fn typed() -> Self {
        SftpDraft {
            host: value_of("sftp-host"),
            port: value_of("sftp-port"),
            username: value_of("sftp-username"),
            password: value_of("sftp-password"),
            private_key: value_of("sftp-key"),
            passphrase: value_of("sftp-passphrase"),
            host_key: value_of("sftp-host-key"),
            inbox_dir: value_of("sftp-inbox"),
            processed_dir: value_of("sftp-processed"),
            poll_minutes: value_of("sftp-poll"),
            mapping: value_of("sftp-mapping"),
            enabled: checked("sftp-enabled"),
        }
    }

    /// The body of `PUT /imports/sftp`: an empty secret is left out (the stored one is
    /// kept); numbers must be whole.
    pub fn body(&self) -> Result<Value, Problem> {
        let number = |field: &str, text: &str| {
            text.trim().parse::<u32>().map_err(|_| Problem::invalid(field, "must be a whole number"))
        };
        let mut body = Map::new();
        for (key, value) in [
            ("host", &self.host),
            ("username", &self.username),
            ("inbox_dir", &self.inbox_dir),
            ("processed_dir", &self.processed_dir),
        ] {
            body.insert(key.into(), json!(value.trim()));
        }
        body.insert("port".into(), json!(number("port", &self.port)?));
        body.insert("poll_minutes".into(), json!(number("poll_minutes", &self.poll_minutes)?));
        body.insert("enabled".into(), json!(self.enabled));
        for (key, value) in [
            ("host_key", self.host_key.trim()),
            ("mapping", self.mapping.as_str()),
            ("password", self.password.as_str()),
            ("private_key", self.private_key.as_str()),
            ("passphrase", self.passphrase.as_str()),
        ] {
            if !value.is_empty() {
                body.insert(key.into(), json!(value));
            }
        }
        Ok(Value::Object(body))
    }
}

#[component]
pub fn SftpSettings() -> impl IntoView {
    let session = use_session();
    let readable = session.can(Operation::ReadImports);
    let editable = session.can(Operation::ManageSettings);
    readable.then(|| {
        let sftp = Fetch::new(move || async move {
            let source = api::settings::sftp().await?;
            // The mappings a source may read its files with, for the form.
            let mappings = if editable {
                api::imports::mappings().await.unwrap_or_default().into_iter().map(|m| m.name).collect()
            } else {
                Vec::new()
            };
            Ok((source, mappings))
        });
        view! {
            <Loaded state=sftp.state retry=move |()| sftp.again() let((source, mappings))>
                {if editable {
                    Either::Left(view! { <SftpForm source=source mappings=mappings /> })
                } else {
                    Either::Right(view! {
                        <section class="card sftp" data-testid="sftp">
                            <h2>"Imports by SFTP"</h2>
                            <div inner_html=summary(source.as_ref())></div>
                        </section>
                    })
                }}
            </Loaded>
        }
    })
}

/// The last poll, in a line.
fn last_poll(s: &SftpSource) -> String {
    match (&s.last_polled_at, &s.last_error) {
        (_, Some(e)) => format!("The last poll failed: {e}"),
        (Some(at), None) => format!("Last polled {}", format::datetime(at)),
        (None, None) => "Not polled yet".into(),
    }
}

/// The source for who reads it only, as markup.
pub fn summary(source: Option<&SftpSource>) -> String {
    let Some(s) = source else {
        return r#"<p class="empty" data-testid="sftp-none">No SFTP source is set up.</p>"#.into();
    };
    let rows = [
        ("Server", format!("{}@{}:{}", s.username, s.host, s.port)),
        (
            "Signs in with",
            match s.auth {
                SftpAuth::Password => "Password",
                SftpAuth::PrivateKey => "Private key",
            }
            .into(),
        ),
        ("Folders", format!("{} → {}", s.inbox_dir, s.processed_dir)),
        ("Polling", if s.enabled { format!("every {} min", s.poll_minutes) } else { "off".into() }),
        ("Column mapping", s.mapping.clone().unwrap_or_else(|| "none".into())),
        ("Last poll", last_poll(s)),
    ];
    let rows: String = rows.iter().map(|(term, value)| format!("<dt>{term}</dt><dd>{}</dd>", esc(value))).collect();
    format!(r#"<dl data-testid="sftp-summary">{rows}</dl>"#)
}

/// The form's fields, as markup: the source's values, never a secret.
fn fields(draft: &SftpDraft, mappings: &[String], exists: bool) -> String {
    let secret = if exists {
        "Left empty (and the key below too), the stored secret is kept. It is never shown."
    } else {
        "A password, or a private key below, is required. It is never shown again."
    };
    let mut choices = vec![("", "None: our column names".to_owned())];
    choices.extend(mappings.iter().map(|m| (m.as_str(), m.clone())));
    let server = [
        field(Input::new("sftp-host", "host", "Host", &draft.host)),
        field(Input::new("sftp-port", "port", "Port", &draft.port).kind("number")),
        field(Input::new("sftp-username", "username", "Username", &draft.username)),
        field(Input::new("sftp-password", "password", "Password", "").kind("password").help(secret)),
        field(Input::new("sftp-key", "private_key", "Or a private key (OpenSSH)", "").kind("textarea")),
        field(Input::new("sftp-passphrase", "passphrase", "Key passphrase (if any)", "").kind("password")),
    ];
    let files = [
        field(Input::new("sftp-inbox", "inbox_dir", "Inbox folder", &draft.inbox_dir)),
        field(Input::new("sftp-processed", "processed_dir", "Processed folder", &draft.processed_dir)),
        field(Input::new("sftp-poll", "poll_minutes", "Poll every (minutes)", &draft.poll_minutes).kind("number")),
        select(Input::new("sftp-mapping", "mapping", "Column mapping", &draft.mapping), &choices),
        field(
            Input::new("sftp-host-key", "host_key", "Pinned host key", &draft.host_key)
                .help("Empty: the first poll pins the key the server shows."),
        ),
        field(
            Input::new("sftp-enabled", "enabled", "Poll on schedule", if draft.enabled { "true" } else { "false" })
                .kind("checkbox"),
        ),
    ];
    format!(r#"<div class="sftp-grid"><div>{}</div><div>{}</div></div>"#, server.concat(), files.concat())
}

#[component]
fn SftpForm(source: Option<SftpSource>, mappings: Vec<String>) -> impl IntoView {
    let exists = RwSignal::new(source.is_some());
    let status = RwSignal::new(
        source
            .as_ref()
            .map(last_poll)
            .unwrap_or_else(|| "No SFTP source is set up yet: fill in the server to set one up.".into()),
    );
    let markup = fields(&SftpDraft::of(source.as_ref()), &mappings, source.is_some());
    let submission = Submission::new();
    let confirmed = RwSignal::new(false);
    let save = move |()| {
        let body = match SftpDraft::typed().body() {
            Ok(b) => b,
            Err(p) => return submission.refuse(p),
        };
        submission.run(
            move |_| async move { api::settings::put_sftp(&body).await },
            move |after| {
                // The server keeps the secrets; they are never shown again.
                for id in ["sftp-password", "sftp-key", "sftp-passphrase"] {
                    clear(id);
                }
                exists.set(true);
                status.set(last_poll(&after));
                confirmed.set(true);
            },
        );
    };
    let named = vec![
        ("sftp-host", "host"),
        ("sftp-port", "port"),
        ("sftp-username", "username"),
        ("sftp-password", "password"),
        ("sftp-key", "private_key"),
        ("sftp-passphrase", "passphrase"),
        ("sftp-inbox", "inbox_dir"),
        ("sftp-processed", "processed_dir"),
        ("sftp-poll", "poll_minutes"),
        ("sftp-mapping", "mapping"),
        ("sftp-host-key", "host_key"),
        ("sftp-enabled", "enabled"),
    ];
    let button = Signal::derive(move || if exists.get() { "Save SFTP source" } else { "Set up SFTP source" });
    view! {
        <SettingsForm
            testid="sftp-form"
            heading="Imports by SFTP"
            lead=status
            fields=markup
            fields_named=named
            submission=submission
            saved=confirmed
            button=Some(button)
            on_submit=Callback::new(save)
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_the_source_escaped_and_never_a_secret() {
        assert!(summary(None).contains("No SFTP source"));
    }

    #[test]
    fn the_body_never_carries_an_empty_secret_and_numbers_are_whole() {
        let source = SftpSource {
            host: "sftp.bank.example".into(),
            port: 2222,
            username: "agency".into(),
            auth: SftpAuth::Password,
            host_key: None,
            inbox_dir: "in".into(),
            processed_dir: "done".into(),
            poll_minutes: 30,
            mapping: None,
            enabled: true,
            last_polled_at: None,
            last_error: None,
            updated_at: crate::fixtures::at("2026-12-01T10:00:00Z"),
        };
        let mut draft = SftpDraft::of(Some(&source));
        assert_eq!((draft.password.as_str(), draft.private_key.as_str()), ("", ""), "a secret is never put back");
        let body = draft.body().unwrap();
        assert!(body.get("password").is_none() && body.get("private_key").is_none(), "{body}");
        assert_eq!((body["port"].as_u64(), body["poll_minutes"].as_u64()), (Some(2222), Some(30)));
        draft.password = "s3cret".into();
        assert_eq!(draft.body().unwrap()["password"], "s3cret");
        draft.poll_minutes = "ten".into();
        assert!(draft.body().unwrap_err().field("poll_minutes").is_some());
    }
}
