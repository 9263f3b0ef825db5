//! A real PostgreSQL streaming replica (hot standby) of the test cluster, one per test.
//!
//! [`Replica::start`] takes a base backup of the cluster `DATABASE_URL` names
//! (`pg_basebackup -R -X stream`: the standby's settings and its connection to the
//! primary written in, the WAL of the backup streamed along) into a fresh folder under
//! the temporary directory, then starts it on `127.0.0.1` and a free port. The
//! binaries are the running primary's own (`pg_config`'s `BINDIR`), so the versions
//! match. As root they run as the `postgres` user (`runuser`), as `scripts/pg.sh` does;
//! the folder is that user's. The primary needs nothing beyond what `initdb` sets up:
//! `wal_level = replica`, free WAL senders, and the `replication` lines of `pg_hba.conf`
//! (`scripts/pg.sh` initialises with `--auth=trust`, which trusts local replication
//! connections).
//!
//! The standby asks for a temporary replication slot while it streams
//! (`wal_receiver_create_temp_slot`), which the primary drops when it disconnects: a
//! test killed half-way leaves no slot holding WAL. Dropping the [`Replica`] stops the
//! server and removes its folder; the next start also stops and removes what a killed
//! test left behind (folders older than [`LEFTOVER_AFTER`]).

use crate::ports::free_port;
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection, PgConnection};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The folders of replicas are named `debtflow-replica-<uuid>` in the temporary directory.
const PREFIX: &str = "debtflow-replica-";

/// A replica folder this old is a killed test's: no test runs that long.
const LEFTOVER_AFTER: Duration = Duration::from_secs(15 * 60);

/// A running hot standby of the test cluster, stopped and removed when dropped.
pub struct Replica {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    running: bool,
}

impl Replica {
    /// Takes a base backup of the test cluster and starts it as a streaming replica;
    /// returns once it accepts read-only connections.
    pub async fn start() -> Replica {
        let mut primary = PgConnection::connect_with(&crate::admin_options()).await.expect("connect to the primary");
        let bin: String = sqlx::query_scalar("SELECT setting FROM pg_config WHERE name = 'BINDIR'")
            .fetch_one(&mut primary)
            .await
            .expect("the primary's BINDIR (a superuser may read pg_config)");
        let bin = PathBuf::from(bin);
        assert!(bin.join("pg_basebackup").exists(), "{} has no pg_basebackup", bin.display());
        primary.close().await.ok();
        remove_leftovers(&bin);

        let dir = std::env::temp_dir().join(format!("{PREFIX}{}", uuid::Uuid::now_v7().simple()));
        run(as_postgres("mkdir").arg("-m").arg("700").arg(&dir)).expect("create the replica's folder");
        let mut replica = Replica { dir, bin, port: 0, running: false };
        replica.base_backup();

        let mut last_log = String::new();
        for _attempt in 0..5 {
            replica.port = free_port();
            replica.configure();
            if replica.pg_ctl_start().is_ok() {
                replica.running = true;
                return replica;
            }
            last_log = replica.log();
            if !last_log.contains("already in use") {
                break;
            }
        }
        panic!("the replica did not start:\n{last_log}");
    }

    /// The URL of `database` on the replica (what `DATABASE_READ_URL` is set to).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A connection to `database` on the replica.
    pub async fn connect(&self, database: &str) -> PgConnection {
        let options = PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username("postgres")
            .database(database)
            .application_name("debtflow-tests");
        options.connect().await.unwrap_or_else(|e| panic!("connect to the replica: {e}\n{}", self.log()))
    }

    /// Waits until the replica has replayed every WAL record the primary has inserted
    /// so far (`pg_current_wal_insert_lsn()` there, `pg_last_wal_replay_lsn()` here):
    /// every transaction committed before the call is then visible on the replica. Not
    /// `pg_current_wal_lsn()`, the position written out so far: with the test cluster's
    /// `synchronous_commit = off` the last commits may lie beyond it for a moment.
    pub async fn catch_up(&self) {
        let mut primary = PgConnection::connect_with(&crate::admin_options()).await.expect("connect to the primary");
        let written: String = sqlx::query_scalar("SELECT pg_current_wal_insert_lsn()::text")
            .fetch_one(&mut primary)
            .await
            .expect("the LSN");
        primary.close().await.ok();
        let mut replica = self.connect("postgres").await;
        // Generous: on two busy cores (a build beside the tests) replay can stall.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let replayed: bool = sqlx::query_scalar("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn")
                .bind(&written)
                .fetch_one(&mut replica)
                .await
                .expect("the replay LSN");
            if replayed {
                return;
            }
            assert!(Instant::now() < deadline, "the replica did not replay up to {written} in 60 s:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server (fast shutdown: its connections are cut at once).
    pub fn stop(&mut self) {
        if std::mem::take(&mut self.running) {
            let stopped =
                run(as_postgres(self.bin.join("pg_ctl")).arg("-D").arg(self.data()).args(["-m", "fast", "-w", "stop"]));
            stopped.unwrap_or_else(|e| panic!("stop the replica: {e}\n{}", self.log()));
        }
    }

    /// Starts the stopped server again: same folder, port and settings; it resumes
    /// streaming where it stopped.
    pub fn restart(&mut self) {
        assert!(!self.running, "the replica runs already");
        self.pg_ctl_start().unwrap_or_else(|e| panic!("restart the replica: {e}\n{}", self.log()));
        self.running = true;
    }

    /// `pg_ctl start`, waiting until it accepts read-only connections.
    fn pg_ctl_start(&self) -> Result<(), String> {
        run(as_postgres(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("postgres.log"))
            .args(["-w", "-t", "30", "start"]))
    }

    /// What the server logged so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `pg_basebackup` of the primary into `data/`, with the standby's settings (`-R`).
    fn base_backup(&self) {
        let primary = crate::admin_options();
        let host = primary.get_socket().map_or_else(|| primary.get_host().to_owned(), |s| s.display().to_string());
        run(as_postgres(self.bin.join("pg_basebackup"))
            .arg("-D")
            .arg(self.data())
            .args(["-h", &host, "-p", &primary.get_port().to_string(), "-U", primary.get_username()])
            // Stream the WAL written meanwhile, checkpoint at once, write the standby's
            // settings, and skip the fsync of a copy that lives for one test.
            .args(["-X", "stream", "-c", "fast", "-R", "-N", "-w"]))
        .expect("pg_basebackup of the test cluster (does pg_hba.conf allow local replication connections?)");
    }

    /// The settings of this copy (after the primary's own, which name its socket and
    /// port): loopback on our port, the socket in our folder, small buffers.
    fn configure(&self) {
        let settings = format!(
            "\n# debtflow-tests replica\n\
             listen_addresses = '127.0.0.1'\n\
             port = {}\n\
             unix_socket_directories = '{}'\n\
             shared_buffers = '32MB'\n\
             hot_standby = on\n\
             wal_receiver_create_temp_slot = on\n\
             logging_collector = off\n",
            self.port,
            self.dir.display()
        );
        let auto = self.data().join("postgresql.auto.conf");
        let mut conf = std::fs::read_to_string(&auto).expect("read postgresql.auto.conf");
        if let Some(ours) = conf.find("\n# debtflow-tests replica\n") {
            conf.truncate(ours);
        }
        conf.push_str(&settings);
        std::fs::write(&auto, conf).expect("write postgresql.auto.conf");
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if std::mem::take(&mut self.running) {
            let _ = run(as_postgres(self.bin.join("pg_ctl")).arg("-D").arg(self.data()).args([
                "-m",
                "immediate",
                "-w",
                "stop",
            ]));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `program` as the `postgres` user when we are root (PostgreSQL refuses to run as
/// root), from `/` (our working directory may be closed to that user).
fn as_postgres(program: impl AsRef<OsStr>) -> Command {
    let mut command = if is_root() {
        let mut runuser = Command::new("runuser");
        runuser.args(["-u", "postgres", "--"]).arg(program);
        runuser
    } else {
        Command::new(program)
    };
    command.current_dir("/").stdin(Stdio::null());
    command
}

/// Runs `command` to its end; its stderr on failure.
fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?} did not run: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr)))
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// Stops and removes the replicas killed tests left behind: a server still running
/// there is stopped only if its process is that folder's postmaster (a stale pid file
/// may name another process by now).
fn remove_leftovers(bin: &Path) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let ours = entry.file_name().to_string_lossy().starts_with(PREFIX);
        let age = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if !ours || age.is_none_or(|age| age < LEFTOVER_AFTER) {
            continue;
        }
        let data = entry.path().join("data");
        if postmaster_runs(&data) {
            let _ = run(as_postgres(bin.join("pg_ctl")).arg("-D").arg(&data).args(["-m", "immediate", "-w", "stop"]));
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// Whether the process `data/postmaster.pid` names is a postgres serving `data`.
fn postmaster_runs(data: &Path) -> bool {
    let Ok(pid_file) = std::fs::read_to_string(data.join("postmaster.pid")) else { return false };
    let Some(pid) = pid_file.lines().next().map(str::trim) else { return false };
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    String::from_utf8_lossy(&cmdline).contains(&*data.to_string_lossy())
}
