//! The SFTP inbox of an agency: where creditors drop placement files.
//!
//! [`SftpInbox::connect`] opens one SSH session (pure Rust: `russh` on `ring`, no system
//! OpenSSL) and its SFTP channel, checking the server's host key against the pinned one
//! (or returning the first key seen, for the caller to pin: trust on first use).
//! [`SftpInbox::list_csv`] lists the `.csv` files waiting in the inbox folder, oldest
//! first; [`SftpInbox::download`] fetches one, refusing a file over the size limit;
//! [`SftpInbox::move_to_processed`] moves it aside once its import committed, never
//! overwriting a file already there. Every failure is an [`SftpError`] an operator can
//! act on (which server, which folder, what was refused); secrets never appear in it,
//! nor in any `Debug` output of this module.

use chrono::{DateTime, Utc};
use russh::client;
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh_sftp::client::{error::Error as SftpProtocolError, SftpSession};
use russh_sftp::protocol::StatusCode;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// How long [`SftpInbox::connect`] waits for the server: TCP, SSH handshake,
/// authentication and the SFTP channel together.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an agency's files wait and how to log in there.
#[derive(Debug, Clone)]
pub struct SftpConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub auth: SftpAuth,
    /// The folder polled for new `.csv` files (absolute, or relative to the login folder).
    pub inbox_dir: String,
    /// Where a file goes once its import committed.
    pub processed_dir: String,
    /// The server's host key, an OpenSSH public key line ("ssh-ed25519 AAAA…", a
    /// `known_hosts` line with its host names first is accepted too); when `None`, the
    /// first key seen is accepted and [`SftpInbox::host_key`] returns it so the caller
    /// can pin it (trust on first use).
    pub host_key: Option<String>,
}

/// How the client proves who it is. `Debug` shows the method, never the secret.
#[derive(Clone)]
pub enum SftpAuth {
    Password(String),
    /// An OpenSSH (or PEM, or PuTTY) private key, encrypted with `passphrase` or not.
    PrivateKey {
        pem: String,
        passphrase: Option<String>,
    },
}

impl SftpAuth {
    fn method(&self) -> AuthMethod {
        match self {
            SftpAuth::Password(_) => AuthMethod::Password,
            SftpAuth::PrivateKey { .. } => AuthMethod::PrivateKey,
        }
    }
}

impl fmt::Debug for SftpAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SftpAuth::Password(_) => f.write_str("Password(***)"),
            SftpAuth::PrivateKey { passphrase, .. } => f
                .debug_struct("PrivateKey")
                .field("pem", &"***")
                .field("passphrase", &passphrase.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}

/// The authentication method a server refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    Password,
    PrivateKey,
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMethod::Password => "password",
            AuthMethod::PrivateKey => "private key",
        })
    }
}

/// A file waiting in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    /// The file name, without its folder.
    pub name: String,
    /// In bytes; `None` when the server does not say (OpenSSH always does).
    pub size: Option<u64>,
    /// Last modification; `None` when the server does not say.
    pub modified: Option<DateTime<Utc>>,
}

/// What went wrong, said for the operator who must fix it. `server` is `host:port`.
#[derive(Debug, thiserror::Error)]
pub enum SftpError {
    #[error("cannot connect to the SFTP server {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error(
        "the SFTP server {server} presented host key {found_fingerprint}, not the pinned \
         {expected_fingerprint}; if the server's key was changed on purpose, pin the new one: {found}"
    )]
    HostKeyMismatch { server: String, expected_fingerprint: String, found_fingerprint: String, found: String },
    #[error("the pinned SFTP host key is not an OpenSSH public key line (\"ssh-ed25519 AAAA…\"): {reason}")]
    InvalidHostKey { reason: String },
    #[error("the SFTP private key cannot be read: {reason}")]
    InvalidPrivateKey { reason: String },
    #[error("the SFTP server {server} refused {method} authentication for user {username}")]
    AuthenticationRefused { server: String, username: String, method: AuthMethod },
    #[error("the folder {path} does not exist on the SFTP server {server}")]
    FolderMissing { server: String, path: String },
    #[error("the file {path} does not exist on the SFTP server {server}")]
    FileMissing { server: String, path: String },
    #[error("the file {path} on the SFTP server {server} is over the limit of {limit} bytes{}",
        size.map(|s| format!(" ({s} bytes)")).unwrap_or_default())]
    TooLarge { server: String, path: String, size: Option<u64>, limit: u64 },
    #[error("{name:?} is not a file name (empty, `.`, `..`, or with a `/`)")]
    InvalidName { name: String },
    #[error("{operation} {path} on the SFTP server {server} failed: {reason}")]
    Transfer { server: String, operation: &'static str, path: String, reason: String },
}

/// A connected session on an agency's SFTP server.
pub struct SftpInbox {
    sftp: SftpSession,
    ssh: client::Handle<HostKeyCheck>,
    server: String,
    host_key: String,
    inbox_dir: String,
    processed_dir: String,
}

impl fmt::Debug for SftpInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SftpInbox")
            .field("server", &self.server)
            .field("host_key", &self.host_key)
            .field("inbox_dir", &self.inbox_dir)
            .field("processed_dir", &self.processed_dir)
            .finish_non_exhaustive()
    }
}

impl SftpInbox {
    /// Connects, checks the host key, logs in and opens the SFTP channel, all within
    /// [`CONNECT_TIMEOUT`].
    pub async fn connect(cfg: &SftpConfig) -> Result<SftpInbox, SftpError> {
        let server = server_label(&cfg.host, cfg.port);
        // Configuration errors first: they need no network.
        let pinned = cfg.host_key.as_deref().map(parse_host_key).transpose()?;
        let credential = Credential::of(&cfg.auth)?;
        match tokio::time::timeout(CONNECT_TIMEOUT, open(cfg, server.clone(), pinned, credential)).await {
            Ok(inbox) => inbox,
            Err(_) => {
                Err(SftpError::Connect { server, reason: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()) })
            }
        }
    }

    /// The server's host key ("ssh-ed25519 AAAA…"), to pin for the next connections.
    pub fn host_key(&self) -> &str {
        &self.host_key
    }

    /// The regular files in the inbox folder whose name ends in `.csv` (in any case),
    /// oldest modification first (then by name). Folders, links and other files are
    /// left out.
    pub async fn list_csv(&mut self) -> Result<Vec<RemoteFile>, SftpError> {
        let entries = self.sftp.read_dir(self.inbox_dir.as_str()).await.map_err(|e| {
            if is_status(&e, StatusCode::NoSuchFile) {
                self.folder_missing(&self.inbox_dir)
            } else {
                self.transfer("listing", &self.inbox_dir, e)
            }
        })?;
        let mut files: Vec<RemoteFile> = entries
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let metadata = entry.metadata();
                RemoteFile {
                    name: entry.file_name(),
                    size: metadata.size,
                    modified: metadata.mtime.and_then(|t| DateTime::from_timestamp(i64::from(t), 0)),
                }
            })
            .filter(|file| is_csv(&file.name) && checked_name(&file.name).is_ok())
            .collect();
        files.sort_by(|a, b| a.modified.cmp(&b.modified).then_with(|| a.name.cmp(&b.name)));
        Ok(files)
    }

    /// Downloads `name` from the inbox folder, streaming, and refuses it
    /// ([`SftpError::TooLarge`]) once it passes `max_bytes`, whatever size the server
    /// announced.
    pub async fn download(&mut self, name: &str, max_bytes: u64) -> Result<Vec<u8>, SftpError> {
        let path = join(&self.inbox_dir, checked_name(name)?);
        let metadata = self.sftp.metadata(path.as_str()).await.map_err(|e| self.file_error("reading", &path, e))?;
        if !metadata.file_type().is_file() {
            return Err(self.transfer_reason("downloading", &path, "not a regular file"));
        }
        if let Some(size) = metadata.size.filter(|&size| size > max_bytes) {
            return Err(self.too_large(&path, Some(size), max_bytes));
        }
        let file = self.sftp.open(path.as_str()).await.map_err(|e| self.file_error("opening", &path, e))?;
        let expected = metadata.size.unwrap_or(0).min(max_bytes);
        let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
        // One byte past the limit tells a file that grew over it from one that fits.
        let mut limited = file.take(max_bytes.saturating_add(1));
        limited
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| self.transfer_reason("downloading", &path, &e.to_string()))?;
        if u64::try_from(bytes.len()).map_or(true, |read| read > max_bytes) {
            return Err(self.too_large(&path, None, max_bytes));
        }
        Ok(bytes)
    }

    /// Moves `name` from the inbox folder to the processed folder and returns its name
    /// there: `name` itself, or, when that name is taken, `name` with `-<unix seconds
    /// of now>` before its extension (`placements-1767225600.csv`; `-<seconds>-2`,
    /// `-3`… if that one is taken too). Nothing is ever overwritten.
    pub async fn move_to_processed(&mut self, name: &str, now: DateTime<Utc>) -> Result<String, SftpError> {
        let name = checked_name(name)?;
        let from = join(&self.inbox_dir, name);
        self.sftp.metadata(from.as_str()).await.map_err(|e| self.file_error("moving", &from, e))?;
        match self.sftp.metadata(self.processed_dir.as_str()).await {
            Ok(metadata) if metadata.file_type().is_dir() => {}
            Ok(_) => return Err(self.folder_missing(&self.processed_dir)),
            Err(e) if is_status(&e, StatusCode::NoSuchFile) => return Err(self.folder_missing(&self.processed_dir)),
            Err(e) => return Err(self.transfer("checking", &self.processed_dir, e)),
        }
        let target = self.free_name(name, now).await?;
        let to = join(&self.processed_dir, &target);
        // SFTP's rename refuses an existing target (it links then unlinks), so a file
        // that appeared meanwhile is not overwritten either: the rename fails instead.
        self.sftp.rename(from.as_str(), to.as_str()).await.map_err(|e| self.transfer("moving", &from, e))?;
        Ok(target)
    }

    /// Ends the SFTP channel and the SSH session.
    pub async fn close(self) {
        let _ = self.sftp.close().await;
        let _ = self.ssh.disconnect(russh::Disconnect::ByApplication, "", "en").await;
    }

    /// The first name for `name` not yet in the processed folder.
    async fn free_name(&self, name: &str, now: DateTime<Utc>) -> Result<String, SftpError> {
        let seconds = now.timestamp();
        let candidates = std::iter::once(name.to_owned())
            .chain(std::iter::once(suffixed(name, &seconds.to_string())))
            .chain((2..100).map(|n| suffixed(name, &format!("{seconds}-{n}"))));
        for candidate in candidates {
            let path = join(&self.processed_dir, &candidate);
            match self.sftp.try_exists(path.as_str()).await {
                Ok(false) => return Ok(candidate),
                Ok(true) => {}
                Err(e) => return Err(self.transfer("checking", &path, e)),
            }
        }
        Err(self.transfer_reason("moving", &join(&self.inbox_dir, name), "no free name left in the processed folder"))
    }

    fn folder_missing(&self, path: &str) -> SftpError {
        SftpError::FolderMissing { server: self.server.clone(), path: path.to_owned() }
    }

    fn too_large(&self, path: &str, size: Option<u64>, limit: u64) -> SftpError {
        SftpError::TooLarge { server: self.server.clone(), path: path.to_owned(), size, limit }
    }

    /// A failure on one file: missing, or something else.
    fn file_error(&self, operation: &'static str, path: &str, e: SftpProtocolError) -> SftpError {
        if is_status(&e, StatusCode::NoSuchFile) {
            SftpError::FileMissing { server: self.server.clone(), path: path.to_owned() }
        } else {
            self.transfer(operation, path, e)
        }
    }

    fn transfer(&self, operation: &'static str, path: &str, e: SftpProtocolError) -> SftpError {
        self.transfer_reason(operation, path, &e.to_string())
    }

    fn transfer_reason(&self, operation: &'static str, path: &str, reason: &str) -> SftpError {
        SftpError::Transfer { server: self.server.clone(), operation, path: path.to_owned(), reason: reason.to_owned() }
    }
}

/// The secret, decoded before any network traffic.
enum Credential {
    Password(String),
    Key(Arc<PrivateKey>),
}

impl Credential {
    fn of(auth: &SftpAuth) -> Result<Credential, SftpError> {
        match auth {
            SftpAuth::Password(password) => Ok(Credential::Password(password.clone())),
            SftpAuth::PrivateKey { pem, passphrase } => russh::keys::decode_secret_key(pem, passphrase.as_deref())
                .map(|key| Credential::Key(Arc::new(key)))
                .map_err(|e| SftpError::InvalidPrivateKey { reason: e.to_string() }),
        }
    }
}

/// The connection itself; [`SftpInbox::connect`] bounds it in time.
async fn open(
    cfg: &SftpConfig,
    server: String,
    pinned: Option<PublicKey>,
    credential: Credential,
) -> Result<SftpInbox, SftpError> {
    let connect_error = |reason: String| SftpError::Connect { server: server.clone(), reason };
    let tcp = tokio::net::TcpStream::connect((cfg.host.as_str(), cfg.port))
        .await
        .map_err(|e| connect_error(e.to_string()))?;
    let _ = tcp.set_nodelay(true);

    let offered = Arc::new(OnceLock::new());
    let handler = HostKeyCheck { pinned: pinned.clone(), offered: Arc::clone(&offered) };
    let mut ssh = match client::connect_stream(Arc::new(client::Config::default()), tcp, handler).await {
        Ok(ssh) => ssh,
        Err(russh::Error::UnknownKey) => {
            return Err(match (pinned, offered.get()) {
                (Some(expected), Some(found)) => SftpError::HostKeyMismatch {
                    server,
                    expected_fingerprint: expected.fingerprint(HashAlg::Sha256).to_string(),
                    found_fingerprint: found.fingerprint(HashAlg::Sha256).to_string(),
                    found: openssh_line(found).unwrap_or_default(),
                },
                _ => connect_error("the server's host key changed during the handshake".into()),
            })
        }
        Err(e) => return Err(connect_error(format!("SSH handshake failed: {e}"))),
    };
    let host_key = offered
        .get()
        .and_then(openssh_line)
        .ok_or_else(|| connect_error("the server's host key cannot be written as an OpenSSH line".into()))?;

    let authenticated = match credential {
        Credential::Password(password) => ssh.authenticate_password(cfg.username.as_str(), password).await,
        Credential::Key(key) => {
            let hash = if key.algorithm().is_rsa() {
                // `None` is the old SHA-1 `ssh-rsa`, for servers that announce nothing.
                ssh.best_supported_rsa_hash().await.ok().flatten().flatten()
            } else {
                None
            };
            ssh.authenticate_publickey(cfg.username.as_str(), PrivateKeyWithHashAlg::new(key, hash)).await
        }
    }
    .map_err(|e| connect_error(format!("authentication did not complete: {e}")))?;
    if !authenticated.success() {
        return Err(SftpError::AuthenticationRefused {
            server,
            username: cfg.username.clone(),
            method: cfg.auth.method(),
        });
    }

    let channel = ssh
        .channel_open_session()
        .await
        .map_err(|e| connect_error(format!("the server opened no session channel: {e}")))?;
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|e| connect_error(format!("the server refused the SFTP subsystem: {e}")))?;
    let sftp = SftpSession::new(channel.into_stream())
        .await
        .map_err(|e| connect_error(format!("the SFTP session did not start: {e}")))?;
    Ok(SftpInbox {
        sftp,
        ssh,
        server,
        host_key,
        inbox_dir: cfg.inbox_dir.clone(),
        processed_dir: cfg.processed_dir.clone(),
    })
}

/// Accepts the server's key when it is the pinned one, or, with none pinned, the first
/// one seen (which it records in `offered` either way, for the caller).
struct HostKeyCheck {
    pinned: Option<PublicKey>,
    offered: Arc<OnceLock<PublicKey>>,
}

impl client::Handler for HostKeyCheck {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let key = key.public_key();
        let first = self.offered.get_or_init(|| key.clone());
        let trusted = self.pinned.as_ref().unwrap_or(first);
        Ok(trusted.key_data() == key.key_data())
    }
}

/// `host:port`, with brackets around an IPv6 address.
fn server_label(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A public key line: "algorithm base64 [comment]", possibly after the host names of
/// a `known_hosts` line.
fn parse_host_key(line: &str) -> Result<PublicKey, SftpError> {
    let line = line.trim();
    PublicKey::from_openssh(line)
        .or_else(|whole| match line.split_once(char::is_whitespace) {
            Some((_hosts, key)) => PublicKey::from_openssh(key.trim_start()).map_err(|_| whole),
            None => Err(whole),
        })
        .map_err(|e| SftpError::InvalidHostKey { reason: e.to_string() })
}

/// "ssh-ed25519 AAAA…", without a comment.
fn openssh_line(key: &PublicKey) -> Option<String> {
    PublicKey::new(key.key_data().clone(), "").to_openssh().ok().map(|line| line.trim().to_owned())
}

/// `name` when it names a file inside a folder: not empty, not `.` or `..`, no `/`
/// (nor NUL, which no path may hold).
fn checked_name(name: &str) -> Result<&str, SftpError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        Err(SftpError::InvalidName { name: name.to_owned() })
    } else {
        Ok(name)
    }
}

fn is_csv(name: &str) -> bool {
    name.len() > ".csv".len() && name.to_ascii_lowercase().ends_with(".csv")
}

/// `folder/name`; a name alone when the folder is empty (the login folder).
fn join(folder: &str, name: &str) -> String {
    match folder {
        "" => name.to_owned(),
        _ if folder.ends_with('/') => format!("{folder}{name}"),
        _ => format!("{folder}/{name}"),
    }
}

/// `name` with `-suffix` before its extension (`a.csv` → `a-suffix.csv`), or at its end
/// when it has none.
fn suffixed(name: &str, suffix: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem}-{suffix}.{extension}"),
        _ => format!("{name}-{suffix}"),
    }
}

fn is_status(e: &SftpProtocolError, code: StatusCode) -> bool {
    matches!(e, SftpProtocolError::Status(status) if status.status_code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOf/PuOlPvpo1c6z4JVOiCbGxZQb3Rkrr7CJ09KFD9mL";

    #[test]
    fn a_name_with_a_slash_or_a_parent_is_refused() {
        for bad in ["", ".", "..", "../etc/passwd", "a/b.csv", "/abs.csv", "nul\0.csv"] {
            assert!(matches!(checked_name(bad), Err(SftpError::InvalidName { .. })), "{bad:?} was accepted");
        }
        for good in ["placements.csv", "a..b.csv", ".hidden.csv", "Placements 2026-01.CSV"] {
            assert_eq!(checked_name(good).ok(), Some(good));
        }
    }

    #[test]
    fn csv_is_matched_on_the_extension_in_any_case() {
        assert!(is_csv("a.csv"));
        assert!(is_csv("A.CSV"));
        assert!(is_csv("b.Csv"));
        assert!(!is_csv(".csv"));
        assert!(!is_csv("a.csv.txt"));
        assert!(!is_csv("a.txt"));
        assert!(!is_csv("csv"));
    }

    #[test]
    fn a_taken_name_gets_its_suffix_before_the_extension() {
        assert_eq!(suffixed("placements.csv", "1767225600"), "placements-1767225600.csv");
        assert_eq!(suffixed("a.b.csv", "7"), "a.b-7.csv");
        assert_eq!(suffixed("noext", "7"), "noext-7");
        assert_eq!(suffixed(".csvrc", "7"), ".csvrc-7");
    }

    #[test]
    fn paths_join_with_one_slash() {
        assert_eq!(join("/in", "a.csv"), "/in/a.csv");
        assert_eq!(join("/in/", "a.csv"), "/in/a.csv");
        assert_eq!(join("", "a.csv"), "a.csv");
        assert_eq!(server_label("sftp.example.com", 22), "sftp.example.com:22");
        assert_eq!(server_label("::1", 2222), "[::1]:2222");
    }

    #[test]
    fn a_pinned_key_reads_as_a_public_key_line_or_a_known_hosts_line() {
        let plain = parse_host_key(ED25519).map(|k| openssh_line(&k));
        let commented = parse_host_key(&format!("{ED25519} root@sftp")).map(|k| openssh_line(&k));
        let known_hosts = parse_host_key(&format!("sftp.example.com,10.0.0.1 {ED25519}")).map(|k| openssh_line(&k));
        assert_eq!(plain.ok().flatten().as_deref(), Some(ED25519));
        assert_eq!(commented.ok().flatten().as_deref(), Some(ED25519));
        assert_eq!(known_hosts.ok().flatten().as_deref(), Some(ED25519));
        assert!(matches!(parse_host_key("not a key"), Err(SftpError::InvalidHostKey { .. })));
        assert!(matches!(parse_host_key(""), Err(SftpError::InvalidHostKey { .. })));
    }

    #[test]
    fn secrets_never_print() {
        let config = SftpConfig {
            host: "sftp.example.com".into(),
            port: 22,
            username: "agency".into(),
            auth: SftpAuth::Password("hunter2-secret".into()),
            inbox_dir: "/in".into(),
            processed_dir: "/done".into(),
            host_key: None,
        };
        let key = SftpAuth::PrivateKey {
            pem: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-material\n".into(),
            passphrase: Some("passphrase-secret".into()),
        };
        let printed = format!("{config:?} {key:?}");
        assert!(printed.contains("Password(***)"), "{printed}");
        for secret in ["hunter2-secret", "secret-material", "passphrase-secret"] {
            assert!(!printed.contains(secret), "{secret} printed in {printed}");
        }
    }

    /// A server that accepts the connection and then says nothing (paused time: the
    /// ten seconds pass at once).
    #[tokio::test(start_paused = true)]
    async fn a_silent_server_times_out_after_ten_seconds() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let port = listener.local_addr().expect("its address").port();
        let silent = tokio::spawn(async move {
            let accepted = listener.accept().await;
            std::future::pending::<()>().await;
            drop(accepted);
        });
        let config = SftpConfig {
            host: "127.0.0.1".into(),
            port,
            username: "agency".into(),
            auth: SftpAuth::Password("x".into()),
            inbox_dir: "/in".into(),
            processed_dir: "/done".into(),
            host_key: None,
        };

        let started = tokio::time::Instant::now();
        let result = SftpInbox::connect(&config).await;

        match result {
            Err(SftpError::Connect { server, reason }) => {
                assert_eq!(server, format!("127.0.0.1:{port}"));
                assert_eq!(reason, "no answer within 10 s");
            }
            other => panic!("expected a connect timeout, got {other:?}"),
        }
        assert_eq!(started.elapsed().as_secs(), CONNECT_TIMEOUT.as_secs());
        silent.abort();
    }

    #[test]
    fn an_unreadable_private_key_says_so_without_echoing_it() {
        let auth = SftpAuth::PrivateKey { pem: "garbage-key-material".into(), passphrase: None };
        match Credential::of(&auth) {
            Err(e @ SftpError::InvalidPrivateKey { .. }) => {
                assert!(!e.to_string().contains("garbage-key-material"), "{e}")
            }
            Err(e) => panic!("expected InvalidPrivateKey, got {e}"),
            Ok(_) => panic!("garbage decoded as a key"),
        }
    }
}
