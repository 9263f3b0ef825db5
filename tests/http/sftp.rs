//! The SFTP client of the imports against a real OpenSSH `sshd` (one per test, on a
//! loopback port, with throwaway keys: `debtflow_tests::sshd`).

use chrono::{DateTime, TimeZone, Utc};
use debtflow_api::imports::sftp::{AuthMethod, SftpAuth, SftpError, SftpInbox};
use debtflow_tests::sshd::Sshd;
use std::time::{Duration, SystemTime};

async fn connect(sshd: &Sshd) -> SftpInbox {
    match SftpInbox::connect(&sshd.config()).await {
        Ok(inbox) => inbox,
        Err(e) => panic!("connect: {e}\nsshd log:\n{}", sshd.log()),
    }
}

fn set_mtime(path: &std::path::Path, seconds_after_epoch: u64) {
    let file = std::fs::File::options().write(true).open(path).expect("open for mtime");
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds_after_epoch)).expect("set mtime");
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0).single().expect("a valid instant")
}

#[tokio::test]
async fn the_listing_holds_only_the_csv_files_oldest_first() {
    let sshd = Sshd::start().await;
    let newer = sshd.put("b-newer.csv", b"ref\n1\n");
    let older = sshd.put("A-OLDER.CSV", b"ref\n1\n2\n");
    sshd.put("notes.txt", b"not a placement file");
    sshd.put("placements.csv.part", b"still uploading");
    std::fs::create_dir(sshd.inbox().join("folder.csv")).expect("a folder named like a file");
    std::os::unix::fs::symlink(&newer, sshd.inbox().join("link.csv")).expect("a symlink");
    set_mtime(&newer, 1_767_225_600);
    set_mtime(&older, 1_767_225_000);
    let mut inbox = connect(&sshd).await;

    let files = inbox.list_csv().await.expect("list the inbox");

    let listed: Vec<_> = files.iter().map(|f| (f.name.as_str(), f.size, f.modified)).collect();
    assert_eq!(
        listed,
        [("A-OLDER.CSV", Some(8), Some(at(1_767_225_000))), ("b-newer.csv", Some(6), Some(at(1_767_225_600)))],
        "only regular .csv files, oldest first"
    );
    inbox.close().await;
}

#[tokio::test]
async fn a_download_gets_the_exact_bytes() {
    let sshd = Sshd::start().await;
    // A BOM, CRLF, a quoted newline, bytes that are not UTF-8, and enough rows to span
    // many SFTP reads.
    let mut bytes = b"\xEF\xBB\xBFexternal_ref;name\r\nA-1;\"two\nlines\"\r\nA-2;caf\xE9\r\n".to_vec();
    for row in 0..20_000 {
        bytes.extend_from_slice(format!("R-{row:05};Debtor {row}\r\n").as_bytes());
    }
    sshd.put("placements.csv", &bytes);
    let mut inbox = connect(&sshd).await;

    let downloaded = inbox.download("placements.csv", bytes.len() as u64).await.expect("download");

    assert_eq!(downloaded.len(), bytes.len());
    assert!(downloaded == bytes, "the downloaded bytes differ from the file's");
    inbox.close().await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused() {
    let sshd = Sshd::start().await;
    sshd.put("big.csv", &[b'x'; 4096]);
    let mut inbox = connect(&sshd).await;

    let refused = inbox.download("big.csv", 4095).await;

    match refused {
        Err(SftpError::TooLarge { path, size, limit, .. }) => {
            assert!(path.ends_with("/inbox/big.csv"), "{path}");
            assert_eq!((size, limit), (Some(4096), 4095));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // At the limit exactly, it passes.
    assert_eq!(inbox.download("big.csv", 4096).await.expect("download at the limit").len(), 4096);
    inbox.close().await;
}

#[tokio::test]
async fn a_missing_file_or_a_name_outside_the_inbox_is_refused() {
    let sshd = Sshd::start().await;
    let mut inbox = connect(&sshd).await;

    let missing = inbox.download("gone.csv", 1024).await;
    let escaping = inbox.download("../user_key", 1024).await;
    let nested = inbox.move_to_processed("sub/a.csv", Utc::now()).await;

    assert!(
        matches!(missing, Err(SftpError::FileMissing { ref path, .. }) if path.ends_with("/inbox/gone.csv")),
        "{missing:?}"
    );
    assert!(matches!(escaping, Err(SftpError::InvalidName { .. })), "{escaping:?}");
    assert!(matches!(nested, Err(SftpError::InvalidName { .. })), "{nested:?}");
    inbox.close().await;
}

#[tokio::test]
async fn a_processed_file_moves_and_a_taken_name_gets_a_suffix() {
    let sshd = Sshd::start().await;
    let now = at(1_767_225_600);
    let mut inbox = connect(&sshd).await;

    sshd.put("placements.csv", b"first");
    let first = inbox.move_to_processed("placements.csv", now).await.expect("move the first");
    sshd.put("placements.csv", b"second");
    let second = inbox.move_to_processed("placements.csv", now).await.expect("move the second");
    sshd.put("placements.csv", b"third");
    let third = inbox.move_to_processed("placements.csv", now).await.expect("move the third");

    assert_eq!(
        [first.as_str(), second.as_str(), third.as_str()],
        ["placements.csv", "placements-1767225600.csv", "placements-1767225600-2.csv"]
    );
    assert!(!sshd.inbox().join("placements.csv").exists(), "the file is still in the inbox");
    let read = |name: &str| std::fs::read(sshd.processed().join(name)).expect("a processed file");
    assert_eq!(read("placements.csv"), b"first", "the first file was overwritten");
    assert_eq!(read("placements-1767225600.csv"), b"second");
    assert_eq!(read("placements-1767225600-2.csv"), b"third");
    assert!(inbox.list_csv().await.expect("list").is_empty(), "the inbox still lists a moved file");
    inbox.close().await;
}

#[tokio::test]
async fn a_missing_folder_gives_the_folder_error() {
    let sshd = Sshd::start().await;
    sshd.put("a.csv", b"ref\n");
    let mut config = sshd.config();
    config.inbox_dir = format!("{}/nowhere", config.inbox_dir);
    let mut lost = SftpInbox::connect(&config).await.expect("connect");
    let mut config = sshd.config();
    config.processed_dir = format!("{}/nowhere", config.processed_dir);
    let mut no_processed = SftpInbox::connect(&config).await.expect("connect");

    let listing = lost.list_csv().await;
    let moving = no_processed.move_to_processed("a.csv", Utc::now()).await;

    match listing {
        Err(e @ SftpError::FolderMissing { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains("/inbox/nowhere") && message.contains(&format!("127.0.0.1:{}", sshd.port())),
                "{message}"
            );
        }
        other => panic!("expected FolderMissing, got {other:?}"),
    }
    assert!(
        matches!(moving, Err(SftpError::FolderMissing { ref path, .. }) if path.ends_with("/processed/nowhere")),
        "{moving:?}"
    );
    assert!(sshd.inbox().join("a.csv").exists(), "a failed move lost the file");
}

#[tokio::test]
async fn an_unknown_user_key_is_refused_as_authentication() {
    let sshd = Sshd::start().await;
    let mut config = sshd.config();
    config.auth = SftpAuth::PrivateKey { pem: sshd.stranger_key().0, passphrase: None };

    let refused = SftpInbox::connect(&config).await;

    match refused {
        Err(e @ SftpError::AuthenticationRefused { method: AuthMethod::PrivateKey, .. }) => {
            let message = e.to_string();
            assert!(message.contains(sshd.username()) && message.contains("private key"), "{message}");
        }
        other => panic!("expected AuthenticationRefused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_as_authentication_and_never_shown() {
    let sshd = Sshd::start().await;
    let mut config = sshd.config();
    config.auth = SftpAuth::Password("not-the-password-7f3a".into());

    let refused = SftpInbox::connect(&config).await;

    match refused {
        Err(e @ SftpError::AuthenticationRefused { method: AuthMethod::Password, .. }) => {
            let shown = format!("{e} {e:?} {config:?}");
            assert!(!shown.contains("not-the-password-7f3a"), "the password leaked: {shown}");
        }
        other => panic!("expected AuthenticationRefused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pinned_host_key_that_differs_is_refused_before_logging_in() {
    let sshd = Sshd::start().await;
    let mut config = sshd.config();
    let (_, other_host_key) = sshd.stranger_key();
    config.host_key = Some(other_host_key);

    let refused = SftpInbox::connect(&config).await;

    match refused {
        Err(SftpError::HostKeyMismatch { found, expected_fingerprint, found_fingerprint, .. }) => {
            assert_eq!(found, sshd.host_key(), "the error names the key the server presented");
            assert_ne!(expected_fingerprint, found_fingerprint);
        }
        other => panic!("expected HostKeyMismatch, got {other:?}"),
    }
    assert!(
        !sshd.log().contains("Accepted publickey"),
        "the client logged in to a server whose key it refused:\n{}",
        sshd.log()
    );
}

#[tokio::test]
async fn without_a_pinned_key_the_first_is_trusted_and_returned_for_pinning() {
    let sshd = Sshd::start().await;
    let mut config = sshd.config();
    config.host_key = None;

    let first = SftpInbox::connect(&config).await.expect("trust on first use");
    let seen = first.host_key().to_owned();
    first.close().await;
    config.host_key = Some(format!("127.0.0.1 {seen}"));
    let pinned = SftpInbox::connect(&config).await;

    assert_eq!(seen, sshd.host_key());
    assert!(pinned.is_ok(), "the returned key, pinned as a known_hosts line, is refused: {pinned:?}");
}

#[tokio::test]
async fn a_port_where_nothing_listens_cannot_connect() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port").port();
    let sshd_less = debtflow_api::imports::sftp::SftpConfig {
        host: "127.0.0.1".into(),
        port,
        username: "nobody".into(),
        auth: SftpAuth::Password("x".into()),
        inbox_dir: "/in".into(),
        processed_dir: "/done".into(),
        host_key: None,
    };

    let refused = SftpInbox::connect(&sshd_less).await;

    match refused {
        Err(e @ SftpError::Connect { .. }) => {
            assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
        }
        other => panic!("expected Connect, got {other:?}"),
    }
}
