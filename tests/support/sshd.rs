//! A real OpenSSH `sshd` for the SFTP tests, one per test.
//!
//! [`Sshd::start`] generates a throwaway host key and user key with `ssh-keygen` in a
//! fresh temporary folder, writes an `sshd_config` there (loopback only, a free port,
//! `internal-sftp`, no PAM, no chroot, the current user — root in the test machines —
//! logging in with the user key) and runs `/usr/sbin/sshd -D -e -f <config>`. The
//! folder holds `inbox/` and `processed/` for the files; the process is killed and the
//! folder removed when the [`Sshd`] is dropped. `scripts/tools.sh` installs
//! `openssh-server` when `sshd` is missing.
//!
//! Password logins are not set up: they would need a password on the machine's own
//! account (or PAM), which a test should not change; a password login is therefore
//! always refused here, which is what the tests of a wrong password use.

use crate::ports::free_port;
use debtflow_api::imports::sftp::{SftpAuth, SftpConfig};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SSHD: &str = "/usr/sbin/sshd";

/// A running `sshd` on `127.0.0.1:port`, killed when dropped.
pub struct Sshd {
    child: Child,
    dir: PathBuf,
    port: u16,
    username: String,
    host_key: String,
    user_key: String,
}

impl Sshd {
    /// Starts a fresh server and waits until it accepts connections.
    pub async fn start() -> Sshd {
        assert!(Path::new(SSHD).exists(), "{SSHD} is missing: run `scripts/tools.sh` (it installs openssh-server)");
        // The privilege-separation folder sshd insists on (Debian creates it at boot).
        std::fs::create_dir_all("/run/sshd").expect("create /run/sshd (sshd's privilege separation folder)");

        let dir = std::env::temp_dir().join(format!("debtflow-sshd-{}", uuid::Uuid::now_v7()));
        for folder in ["inbox", "processed"] {
            std::fs::create_dir_all(dir.join(folder)).expect("create the sshd test folders");
        }
        let host_key = keygen(&dir, "host_key").1;
        let (user_key, user_public) = keygen(&dir, "user_key");
        std::fs::write(dir.join("authorized_keys"), format!("{user_public}\n")).expect("write authorized_keys");
        let username = current_user();

        let mut last_log = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let config = dir.join("sshd_config");
            std::fs::write(&config, sshd_config(&dir, port)).expect("write sshd_config");
            let log = dir.join("sshd.log");
            let mut child = Command::new(SSHD)
                .arg("-D")
                .arg("-e")
                .arg("-f")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("create sshd.log"))
                .spawn()
                .expect("start sshd");
            if wait_ready(&mut child, port).await {
                return Sshd { child, dir, port, username, host_key, user_key };
            }
            let _ = child.kill();
            let _ = child.wait();
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
            if !last_log.contains("Address already in use") {
                break;
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        panic!("sshd did not start:\n{last_log}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's public host key line ("ssh-ed25519 AAAA…").
    pub fn host_key(&self) -> &str {
        &self.host_key
    }

    /// The private key (OpenSSH format) the server accepts.
    pub fn user_key(&self) -> &str {
        &self.user_key
    }

    /// The user the server lets in (the one running the tests).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The folder polled for files (absolute: the server has no chroot).
    pub fn inbox(&self) -> PathBuf {
        self.dir.join("inbox")
    }

    pub fn processed(&self) -> PathBuf {
        self.dir.join("processed")
    }

    /// A configuration that connects: the user key, the host key pinned.
    pub fn config(&self) -> SftpConfig {
        SftpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            username: self.username.clone(),
            auth: SftpAuth::PrivateKey { pem: self.user_key.clone(), passphrase: None },
            inbox_dir: path_str(&self.inbox()),
            processed_dir: path_str(&self.processed()),
            host_key: Some(self.host_key.clone()),
        }
    }

    /// Writes `bytes` to `inbox/name` and returns its path.
    pub fn put(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.inbox().join(name);
        std::fs::write(&path, bytes).expect("write a file into the inbox");
        path
    }

    /// Another throwaway key pair, which this server does not know: (private key,
    /// public key line).
    pub fn stranger_key(&self) -> (String, String) {
        keygen(&self.dir, &format!("stranger-{}", uuid::Uuid::now_v7()))
    }

    /// What sshd wrote so far (its stderr), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// True once `port` accepts a connection; false if sshd exited first or took too long.
async fn wait_ready(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if !matches!(child.try_wait(), Ok(None)) {
            return false;
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn sshd_config(dir: &Path, port: u16) -> String {
    let dir = path_str(dir);
    let mut config = format!(
        "ListenAddress 127.0.0.1:{port}\n\
         HostKey {dir}/host_key\n\
         PidFile none\n\
         AuthorizedKeysFile {dir}/authorized_keys\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication yes\n\
         PermitEmptyPasswords no\n\
         KbdInteractiveAuthentication no\n\
         PermitRootLogin yes\n\
         StrictModes no\n\
         UsePAM no\n\
         UseDNS no\n\
         Subsystem sftp internal-sftp\n\
         LogLevel VERBOSE\n"
    );
    // OpenSSH 9.8+ slows down a source address after failed logins, and the tests fail
    // logins on purpose; older versions do not know the option (and refuse it).
    if penalties_known(&format!("{dir}/host_key")) {
        config.push_str("PerSourcePenalties no\n");
    }
    config
}

/// Whether this sshd knows `PerSourcePenalties` (asked once, with a host key of ours:
/// `sshd -t` wants one).
fn penalties_known(host_key: &str) -> bool {
    static KNOWN: OnceLock<bool> = OnceLock::new();
    *KNOWN.get_or_init(|| {
        Command::new(SSHD)
            .args(["-t", "-f", "/dev/null", "-h", host_key, "-o", "PerSourcePenalties=no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// Generates an ed25519 key pair `dir/name{,.pub}`: (private key, public key line
/// without comment).
fn keygen(dir: &Path, name: &str) -> (String, String) {
    let path = dir.join(name);
    let output = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "debtflow-test", "-f"])
        .arg(&path)
        .output()
        .expect("run ssh-keygen (openssh-client)");
    assert!(output.status.success(), "ssh-keygen failed: {}", String::from_utf8_lossy(&output.stderr));
    let private = std::fs::read_to_string(&path).expect("read the private key");
    let public = std::fs::read_to_string(dir.join(format!("{name}.pub"))).expect("read the public key");
    let line = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    (private, line)
}

fn current_user() -> String {
    let output = Command::new("id").arg("-un").output().expect("run `id -un`");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn path_str(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}
