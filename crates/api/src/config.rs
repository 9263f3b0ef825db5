//! Typed configuration, read once from the environment at start.
//!
//! Every setting has a default that works on a developer's machine, except the
//! secrets in `APP_ENV=production`. A missing or malformed value stops the process
//! with one line naming the variable ([`ConfigError`]).

use std::{collections::HashMap, fmt, net::SocketAddr, num::NonZeroU32, path::PathBuf, str::FromStr};

/// The field-encryption key used when none is configured outside production.
const DEV_DATA_KEY: [u8; 32] = *b"debtflow-local-dev-key-not-prod!";

/// The JWT secret used when none is configured outside production.
const DEV_JWT_SECRET: &str = "debtflow-local-development-secret-not-for-production";

/// The processor webhook's signing secret outside production (tests sign with it).
pub const DEV_WEBHOOK_SECRET: &str = "whsec_debtflow_local_development";

/// Where the process runs; production refuses development defaults for secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Local,
    Production,
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" | "development" | "test" => Ok(Environment::Local),
            "production" => Ok(Environment::Production),
            _ => Err("expected `local` or `production`".into()),
        }
    }
}

/// A secret string that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    /// `DATABASE_URL`: a PostgreSQL URL (a `host=/dir` query selects a Unix socket).
    pub database_url: Secret,
    /// `DATABASE_MAX_CONNECTIONS`: the connections of a process's requests, shared out
    /// among its HTTP workers (`store::worker_pools`); the background work's pool is as
    /// large.
    pub database_max_connections: u32,
    /// `DATABASE_STATEMENT_TIMEOUT_MS`: the longest an API statement may run.
    pub database_statement_timeout_ms: u64,
    /// `DATABASE_READ_URL`: a streaming replica (hot standby) of `DATABASE_URL`, a
    /// PostgreSQL URL like it. The reports, the dashboards and the worklist read from
    /// it while it answers, the primary otherwise (`store::read_pool`); every write and
    /// every other read stays on the primary. Unset (the default), all go to the primary.
    pub database_read_url: Option<Secret>,
    /// `DATABASE_READ_MAX_CONNECTIONS`: the replica's pool size per process (default:
    /// `DATABASE_MAX_CONNECTIONS`).
    pub database_read_max_connections: u32,
    /// `BIND_ADDR`: where `serve` listens.
    pub bind_addr: SocketAddr,
    /// `WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `JWT_SECRET`: HMAC key for access tokens (≥ 32 bytes).
    pub jwt_secret: Secret,
    /// `SPA_DIR`: the built SPA served at `/`.
    pub spa_dir: PathBuf,
    /// `BODY_LIMIT_BYTES`: the largest request body accepted.
    pub body_limit_bytes: usize,
    /// `RATE_LIMIT_PER_IP`: requests per minute per client IP (anonymous requests).
    pub rate_limit_per_ip: NonZeroU32,
    /// `RATE_LIMIT_PER_TOKEN`: requests per minute per bearer token.
    pub rate_limit_per_token: NonZeroU32,
    /// `CORS_ALLOWED_ORIGINS`: the origins (`https://app.example.com`, comma-separated)
    /// whose pages may call the API from a browser; none by default.
    pub cors_allowed_origins: AllowedOrigins,
    /// `SHUTDOWN_TIMEOUT_SECS`: how long a stop waits for in-flight requests.
    pub shutdown_timeout_secs: u64,
    /// `ACCESS_TOKEN_TTL_SECS`: lifetime of an access token (15 minutes).
    pub access_token_ttl_secs: i64,
    /// `REFRESH_TOKEN_TTL_SECS`: lifetime of a refresh token (7 days).
    pub refresh_token_ttl_secs: i64,
    /// `METRICS_TOKEN`: the bearer token `/metrics` asks of its scraper (at least 16
    /// bytes; required when `APP_ENV=production`; locally, unset, `/metrics` is open).
    pub metrics_token: Option<Secret>,
    /// `LOGIN_CLIENT_THRESHOLD`: failed logins of one username from one client,
    /// within the window, after which that client waits, longer after each further
    /// failure (429).
    pub login_client_threshold: u32,
    /// `LOGIN_LOCKOUT_THRESHOLD`: failed logins of one username from all clients,
    /// within the window, that lock it for everyone until the window has passed or an
    /// admin unlocks it (423); the owner is notified.
    pub login_lockout_threshold: u32,
    /// `LOGIN_IP_THRESHOLD`: failed logins from one IP, whatever the usernames, within
    /// the window, that throttle it (429).
    pub login_ip_threshold: u32,
    /// `LOGIN_WINDOW_SECS`: the window of the login limits (15 minutes).
    pub login_window_secs: i64,
    /// `DATA_ENCRYPTION_KEY`: 64 hex digits, the AES-256-GCM key of encrypted fields.
    pub data_encryption_key: DataKey,
    pub money: MoneySettings,
    /// `JOB_SCHEDULER=on` runs the daily jobs inside `debtflow serve` (default off).
    pub job_scheduler: bool,
    pub imports: ImportSettings,
    pub documents: DocumentSettings,
    /// Mail over SMTP; `None` (the default) when `SMTP_HOST` is unset: nothing is mailed.
    pub mail: Option<MailConfig>,
    pub webhooks: WebhookSettings,
}

/// Settings of the outbound webhooks (`crate::webhooks`).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// `WEBHOOKS_ALLOW_HTTP=true` (development and tests only; refused in production):
    /// endpoints may also be plain `http://`, `localhost` and private addresses.
    pub allow_http: bool,
    /// `WEBHOOKS_TIMEOUT_SECS`: the longest a receiver may take to answer (10 s), or the
    /// attempt fails and is retried.
    pub timeout: std::time::Duration,
    /// `WEBHOOKS_POLL_MS`: how often each `serve` process looks for due deliveries
    /// without being woken (5000); a committed event wakes them at once.
    pub poll: std::time::Duration,
}

/// How the SMTP connection is secured (`SMTP_TLS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `starttls`: a plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// `tls`: TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// `none`: no encryption (a local relay or a test sink only).
    None,
}

impl FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            "none" => Ok(SmtpTls::None),
            _ => Err("expected `starttls`, `tls` or `none`".into()),
        }
    }
}

/// Settings of the mailer (`mail`), present when `SMTP_HOST` is set.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `SMTP_HOST`: the SMTP server (relay) that takes the mail.
    pub host: String,
    /// `SMTP_PORT` (587).
    pub port: u16,
    /// `SMTP_TLS`: `starttls` (the default), `tls` or `none`.
    pub tls: SmtpTls,
    /// `SMTP_USERNAME` and `SMTP_PASSWORD`: both or neither.
    pub credentials: Option<(String, Secret)>,
    /// `MAIL_FROM`: the sender, `DebtFlow <no-reply@debtflow.local>` by default.
    pub from: lettre::message::Mailbox,
    /// `MAIL_POLL_SECS`: how often `serve` looks for mail to write and send (10).
    pub poll_secs: u64,
}

impl MailConfig {
    /// The mail settings, or `None` without `SMTP_HOST`.
    fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<'_, F>) -> Result<Option<Self>, ConfigError> {
        let Some(host) = env.get("SMTP_HOST") else { return Ok(None) };
        let credentials = match (env.get("SMTP_USERNAME"), env.get("SMTP_PASSWORD")) {
            (Some(username), Some(password)) => Some((username, Secret(password))),
            (None, None) => None,
            (Some(_), None) => return Err(env.error("SMTP_PASSWORD", "is required with SMTP_USERNAME")),
            (None, Some(_)) => return Err(env.error("SMTP_USERNAME", "is required with SMTP_PASSWORD")),
        };
        Ok(Some(MailConfig {
            host: host.trim().to_owned(),
            port: env.parse_positive("SMTP_PORT", 587)?,
            tls: env.parse_or("SMTP_TLS", SmtpTls::StartTls)?,
            credentials,
            from: env.parse_or("MAIL_FROM", default_from())?,
            poll_secs: env.parse_positive("MAIL_POLL_SECS", 10)?,
        }))
    }
}

fn default_from() -> lettre::message::Mailbox {
    lettre::message::Mailbox::new(
        Some("DebtFlow".to_owned()),
        lettre::Address::new("no-reply", "debtflow.local").expect("a valid address"),
    )
}

/// Settings of CSV imports.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// `IMPORT_STORAGE`: where imported files are kept — a directory (default
    /// `.data/imports`), `file:///dir`, or an object-store URL such as `s3://bucket/prefix`
    /// (credentials, region and endpoint from the `AWS_*` variables).
    pub storage: String,
    /// `IMPORT_MAX_BYTES`: the largest file accepted (256 MiB); a larger upload is 413.
    pub max_bytes: u64,
    /// `IMPORT_BATCH_ROWS`: rows per transaction (1,000).
    pub batch_rows: usize,
    /// `IMPORT_PARALLEL`: batch transactions an import keeps in flight (2).
    pub parallel: usize,
}

/// Settings of documents on accounts (kept in the import storage, `IMPORT_STORAGE`).
#[derive(Debug, Clone)]
pub struct DocumentSettings {
    /// `DOCUMENT_MAX_BYTES`: the largest document (or version) accepted
    /// (`debtflow_domain::document::MAX_BYTES_DEFAULT`, 20 MiB); a larger upload is 413.
    pub max_bytes: u64,
}

/// Settings of the money endpoints (payments, refunds, fees, the processor webhook).
#[derive(Debug, Clone)]
pub struct MoneySettings {
    /// Payments dated more than this many days back wait for a manager's approval
    /// (`PAYMENT_APPROVAL_AFTER_DAYS`, default 7).
    pub approval_after_days: u32,
    /// How long an Idempotency-Key is remembered (`IDEMPOTENCY_KEY_TTL_SECS`, 24 h).
    pub idempotency_ttl_secs: i64,
    /// How long a retry waits for the first request with its key to finish before it
    /// is answered 409 (`IDEMPOTENCY_WAIT_MS`, 5000).
    pub idempotency_wait_ms: i32,
    /// The processor's webhook signing secret (`STRIPE_WEBHOOK_SECRET`).
    pub webhook_secret: Secret,
    /// How old a webhook signature's timestamp may be (`WEBHOOK_TOLERANCE_SECS`, 300).
    pub webhook_tolerance_secs: i64,
}

/// A 32-byte key that never prints.
#[derive(Clone)]
pub struct DataKey(pub [u8; 32]);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

impl FromStr for DataKey {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 64 || !s.is_ascii() {
            return Err("must be 64 hex digits (32 bytes)");
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| "must be 64 hex digits (32 bytes)")?;
        }
        Ok(DataKey(key))
    }
}

/// The origins whose pages may call the API from a browser (`CORS_ALLOWED_ORIGINS`,
/// read by `edge::cors`), each in its serialized form (`scheme://host[:port]`,
/// lowercase, no default port), as browsers send it in `Origin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    /// No cross-origin requests at all (the default).
    pub fn none() -> Self {
        AllowedOrigins(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `origin`, an `Origin` header's value, is one of them (exactly).
    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|allowed| allowed == origin)
    }
}

impl fmt::Display for AllowedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl FromStr for AllowedOrigins {
    type Err = String;

    /// Comma-separated origins, each exactly as a browser sends it: a near miss
    /// (`https://app.example.com/`) would otherwise silently allow nothing.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut origins = Vec::new();
        for item in s.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let url = url::Url::parse(item).map_err(|e| format!("`{item}` is not an origin ({e})"))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("`{item}` is not an http or https origin"));
            }
            let serialized = url.origin().ascii_serialization();
            if serialized != item {
                return Err(format!(
                    "`{item}` is not an origin as browsers send it: write `{serialized}` (scheme://host[:port], \
                     no path, no trailing slash, no wildcard)"
                ));
            }
            if !origins.contains(&serialized) {
                origins.push(serialized);
            }
        }
        Ok(AllowedOrigins(origins))
    }
}

/// One bad or missing variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_lookup(|name| vars.get(name).cloned())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(&lookup);
        let environment = env.parse_or("APP_ENV", Environment::Local)?;
        let jwt_secret = match (env.get("JWT_SECRET"), environment) {
            (Some(secret), _) if secret.len() >= 32 => Secret(secret),
            (Some(_), _) => return Err(env.error("JWT_SECRET", "must be at least 32 bytes long")),
            (None, Environment::Production) => {
                return Err(env.error("JWT_SECRET", "is required when APP_ENV=production"))
            }
            (None, Environment::Local) => Secret(DEV_JWT_SECRET.to_owned()),
        };
        let data_encryption_key = match (env.parse_opt::<DataKey>("DATA_ENCRYPTION_KEY")?, environment) {
            (Some(key), _) => key,
            (None, Environment::Production) => {
                return Err(env.error("DATA_ENCRYPTION_KEY", "is required when APP_ENV=production"))
            }
            (None, Environment::Local) => DataKey(DEV_DATA_KEY),
        };
        let webhook_secret = match (env.get("STRIPE_WEBHOOK_SECRET"), environment) {
            (Some(secret), _) => Secret(secret),
            (None, Environment::Production) => {
                return Err(env.error("STRIPE_WEBHOOK_SECRET", "is required when APP_ENV=production"))
            }
            (None, Environment::Local) => Secret(DEV_WEBHOOK_SECRET.to_owned()),
        };
        let metrics_token = match (env.get("METRICS_TOKEN"), environment) {
            (Some(token), _) if token.len() >= 16 => Some(Secret(token)),
            (Some(_), _) => return Err(env.error("METRICS_TOKEN", "must be at least 16 bytes long")),
            (None, Environment::Production) => {
                return Err(env.error("METRICS_TOKEN", "is required when APP_ENV=production"))
            }
            (None, Environment::Local) => None,
        };
        let money = MoneySettings {
            approval_after_days: env.parse_or("PAYMENT_APPROVAL_AFTER_DAYS", 7)?,
            idempotency_ttl_secs: env.parse_positive("IDEMPOTENCY_KEY_TTL_SECS", 24 * 3600)?,
            idempotency_wait_ms: env.parse_positive("IDEMPOTENCY_WAIT_MS", 5000)?,
            webhook_secret,
            webhook_tolerance_secs: env.parse_positive("WEBHOOK_TOLERANCE_SECS", 300)?,
        };
        let database_url = env
            .get("DATABASE_URL")
            .unwrap_or_else(|| "postgres://debtflow:debtflow@127.0.0.1:5432/debtflow".to_owned());
        if !is_postgres_url(&database_url) {
            return Err(env.error("DATABASE_URL", "must be a postgres:// URL"));
        }
        let database_read_url = env.get("DATABASE_READ_URL");
        if database_read_url.as_deref().is_some_and(|url| !is_postgres_url(url)) {
            return Err(env.error("DATABASE_READ_URL", "must be a postgres:// URL"));
        }
        let database_max_connections = env.parse_or("DATABASE_MAX_CONNECTIONS", 10)?;
        Ok(Config {
            environment,
            database_url: Secret(database_url),
            database_max_connections,
            database_statement_timeout_ms: env.parse_positive("DATABASE_STATEMENT_TIMEOUT_MS", 5000)?,
            database_read_url: database_read_url.map(Secret),
            database_read_max_connections: env
                .parse_positive("DATABASE_READ_MAX_CONNECTIONS", database_max_connections.max(1))?,
            bind_addr: env.parse_or("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            workers: env.parse_opt("WORKERS")?,
            jwt_secret,
            spa_dir: env.parse_or("SPA_DIR", PathBuf::from("frontend/dist"))?,
            body_limit_bytes: env.parse_or("BODY_LIMIT_BYTES", 1024 * 1024)?,
            rate_limit_per_ip: env.parse_or("RATE_LIMIT_PER_IP", NonZeroU32::new(600).unwrap())?,
            rate_limit_per_token: env.parse_or("RATE_LIMIT_PER_TOKEN", NonZeroU32::new(1200).unwrap())?,
            cors_allowed_origins: env.parse_or("CORS_ALLOWED_ORIGINS", AllowedOrigins::none())?,
            shutdown_timeout_secs: env.parse_or("SHUTDOWN_TIMEOUT_SECS", 30)?,
            access_token_ttl_secs: env.parse_positive("ACCESS_TOKEN_TTL_SECS", 15 * 60)?,
            refresh_token_ttl_secs: env.parse_positive("REFRESH_TOKEN_TTL_SECS", 7 * 24 * 3600)?,
            metrics_token,
            login_client_threshold: env.parse_positive("LOGIN_CLIENT_THRESHOLD", 5)?,
            login_lockout_threshold: env.parse_positive("LOGIN_LOCKOUT_THRESHOLD", 50)?,
            login_ip_threshold: env.parse_positive("LOGIN_IP_THRESHOLD", 100)?,
            login_window_secs: env.parse_positive("LOGIN_WINDOW_SECS", 15 * 60)?,
            data_encryption_key,
            money,
            job_scheduler: match env.get("JOB_SCHEDULER").as_deref() {
                None | Some("off") => false,
                Some("on") => true,
                Some(other) => return Err(env.error("JOB_SCHEDULER", format!("`{other}` is not `on` or `off`"))),
            },
            imports: ImportSettings {
                storage: env.get("IMPORT_STORAGE").unwrap_or_else(|| ".data/imports".to_owned()),
                max_bytes: env.parse_positive("IMPORT_MAX_BYTES", 256 * 1024 * 1024)?,
                batch_rows: env.parse_positive("IMPORT_BATCH_ROWS", 1000)?,
                parallel: env.parse_positive("IMPORT_PARALLEL", 2)?,
            },
            documents: DocumentSettings {
                max_bytes: env.parse_positive("DOCUMENT_MAX_BYTES", debtflow_domain::document::MAX_BYTES_DEFAULT)?,
            },
            mail: MailConfig::from_env(&env)?,
            webhooks: WebhookSettings {
                allow_http: match (env.parse_or("WEBHOOKS_ALLOW_HTTP", false)?, environment) {
                    (true, Environment::Production) => {
                        return Err(env.error(
                            "WEBHOOKS_ALLOW_HTTP",
                            "is for development and tests; production sends webhooks to public https endpoints only",
                        ))
                    }
                    (allow, _) => allow,
                },
                timeout: std::time::Duration::from_secs(env.parse_positive("WEBHOOKS_TIMEOUT_SECS", 10)?),
                poll: std::time::Duration::from_millis(env.parse_positive("WEBHOOKS_POLL_MS", 5000)?),
            },
        })
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

struct Env<'a, F: Fn(&str) -> Option<String>>(&'a F);

impl<F: Fn(&str) -> Option<String>> Env<'_, F> {
    /// A set, non-blank value.
    fn get(&self, var: &str) -> Option<String> {
        (self.0)(var).filter(|v| !v.trim().is_empty())
    }

    fn error(&self, var: &'static str, problem: impl Into<String>) -> ConfigError {
        ConfigError { var, problem: problem.into() }
    }

    fn parse_opt<T: FromStr>(&self, var: &'static str) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.get(var)
            .map(|raw| raw.trim().parse::<T>().map_err(|e| self.error(var, format!("`{raw}` is invalid: {e}"))))
            .transpose()
    }

    fn parse_or<T: FromStr>(&self, var: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        Ok(self.parse_opt(var)?.unwrap_or(default))
    }

    fn parse_positive<T: FromStr + PartialOrd + Default>(&self, var: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        let value = self.parse_or(var, default)?;
        if value <= T::default() {
            return Err(self.error(var, "must be greater than zero"));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_work_locally() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.environment, Environment::Local);
        assert_eq!(c.body_limit_bytes, 1024 * 1024);
        assert!(c.jwt_secret.expose().len() >= 32);
        assert_eq!(c.documents.max_bytes, 20 * 1024 * 1024);
        assert!(c.database_read_url.is_none(), "no replica unless one is named");
        let replica =
            config(&[("DATABASE_READ_URL", "postgres://replica/debtflow"), ("DATABASE_MAX_CONNECTIONS", "4")]);
        assert_eq!(replica.unwrap().database_read_max_connections, 4, "the primary's pool size by default");
        assert_eq!(config(&[("DOCUMENT_MAX_BYTES", "1024")]).unwrap().documents.max_bytes, 1024);
        assert_eq!(config(&[("DOCUMENT_MAX_BYTES", "0")]).unwrap_err().var, "DOCUMENT_MAX_BYTES");
    }

    #[test]
    fn a_malformed_value_names_its_variable() {
        let err = config(&[("BIND_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.var, "BIND_ADDR");
        assert!(err.to_string().starts_with("configuration error: BIND_ADDR: `localhost` is invalid"));
        assert_eq!(config(&[("RATE_LIMIT_PER_IP", "0")]).unwrap_err().var, "RATE_LIMIT_PER_IP");
        assert_eq!(config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var, "DATABASE_URL");
        assert_eq!(config(&[("DATABASE_READ_URL", "replica:5432")]).unwrap_err().var, "DATABASE_READ_URL");
        assert_eq!(config(&[("DATABASE_READ_MAX_CONNECTIONS", "0")]).unwrap_err().var, "DATABASE_READ_MAX_CONNECTIONS");
        assert_eq!(config(&[("APP_ENV", "staging")]).unwrap_err().var, "APP_ENV");
    }

    #[test]
    fn production_requires_a_real_jwt_secret() {
        let err = config(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.var, "JWT_SECRET");
        let err = config(&[("APP_ENV", "production"), ("JWT_SECRET", "short")]).unwrap_err();
        assert_eq!(err.var, "JWT_SECRET");
        let secret = "x".repeat(32);
        let key = "ab".repeat(32);
        let production = [("APP_ENV", "production"), ("JWT_SECRET", secret.as_str())];
        assert_eq!(config(&production).unwrap_err().var, "DATA_ENCRYPTION_KEY");
        let with_key = [production[0], production[1], ("DATA_ENCRYPTION_KEY", &key)];
        assert_eq!(config(&with_key).unwrap_err().var, "STRIPE_WEBHOOK_SECRET");
        let with_webhook = [with_key[0], with_key[1], with_key[2], ("STRIPE_WEBHOOK_SECRET", "whsec_real")];
        assert_eq!(config(&with_webhook).unwrap_err().var, "METRICS_TOKEN");
        let short = [with_webhook[0], with_webhook[1], with_webhook[2], with_webhook[3], ("METRICS_TOKEN", "short")];
        assert_eq!(config(&short).unwrap_err().var, "METRICS_TOKEN");
        let token = [
            with_webhook[0],
            with_webhook[1],
            with_webhook[2],
            with_webhook[3],
            ("METRICS_TOKEN", "a-scraper-token-1"),
        ];
        assert!(config(&token).is_ok());
        assert_eq!(config(&[("DATA_ENCRYPTION_KEY", "abcd")]).unwrap_err().var, "DATA_ENCRYPTION_KEY");
    }

    #[test]
    fn mail_is_off_unless_a_host_is_set_and_its_values_are_checked() {
        assert!(config(&[]).unwrap().mail.is_none());
        let mail = config(&[("SMTP_HOST", "smtp.example.com")]).unwrap().mail.unwrap();
        assert_eq!((mail.port, mail.tls, mail.poll_secs), (587, SmtpTls::StartTls, 10));
        assert!(mail.credentials.is_none());
        assert_eq!(mail.from.to_string(), "DebtFlow <no-reply@debtflow.local>");
        let mail = config(&[
            ("SMTP_HOST", "mail.local"),
            ("SMTP_PORT", "2525"),
            ("SMTP_TLS", "none"),
            ("SMTP_USERNAME", "debtflow"),
            ("SMTP_PASSWORD", "hunter2"),
            ("MAIL_FROM", "Agency <ops@agency.example>"),
            ("MAIL_POLL_SECS", "1"),
        ])
        .unwrap()
        .mail
        .unwrap();
        assert_eq!((mail.port, mail.tls, mail.poll_secs), (2525, SmtpTls::None, 1));
        assert_eq!(mail.from.email.to_string(), "ops@agency.example");
        assert!(!format!("{mail:?}").contains("hunter2"), "the password never prints");
        let host = ("SMTP_HOST", "smtp.example.com");
        assert_eq!(config(&[host, ("SMTP_TLS", "ssl")]).unwrap_err().var, "SMTP_TLS");
        assert_eq!(config(&[host, ("SMTP_PORT", "0")]).unwrap_err().var, "SMTP_PORT");
        assert_eq!(config(&[host, ("MAIL_FROM", "not an address")]).unwrap_err().var, "MAIL_FROM");
        assert_eq!(config(&[host, ("SMTP_USERNAME", "u")]).unwrap_err().var, "SMTP_PASSWORD");
        assert_eq!(config(&[host, ("MAIL_POLL_SECS", "0")]).unwrap_err().var, "MAIL_POLL_SECS");
    }

    #[test]
    fn cors_origins_are_none_by_default_and_a_malformed_one_is_named() {
        assert_eq!(config(&[]).unwrap().cors_allowed_origins, AllowedOrigins::none());
        let ok = config(&[("CORS_ALLOWED_ORIGINS", "https://app.example.com,http://localhost:5173")]).unwrap();
        assert_eq!(ok.cors_allowed_origins.to_string(), "https://app.example.com,http://localhost:5173");
        let err = config(&[("CORS_ALLOWED_ORIGINS", "https://app.example.com/")]).unwrap_err();
        assert_eq!(err.var, "CORS_ALLOWED_ORIGINS");
        assert!(err.to_string().contains("write `https://app.example.com`"), "{err}");
    }

    #[test]
    fn webhooks_go_to_https_unless_a_development_server_allows_http() {
        let c = config(&[]).unwrap().webhooks;
        assert!(!c.allow_http);
        assert_eq!((c.timeout.as_secs(), c.poll.as_millis()), (10, 5000));
        let c = config(&[("WEBHOOKS_ALLOW_HTTP", "true"), ("WEBHOOKS_TIMEOUT_SECS", "2"), ("WEBHOOKS_POLL_MS", "100")])
            .unwrap()
            .webhooks;
        assert!(c.allow_http);
        assert_eq!((c.timeout.as_secs(), c.poll.as_millis()), (2, 100));
        assert_eq!(config(&[("WEBHOOKS_ALLOW_HTTP", "yes")]).unwrap_err().var, "WEBHOOKS_ALLOW_HTTP");
        assert_eq!(config(&[("WEBHOOKS_TIMEOUT_SECS", "0")]).unwrap_err().var, "WEBHOOKS_TIMEOUT_SECS");
        let key = "ab".repeat(32);
        let production = [
            ("APP_ENV", "production"),
            ("JWT_SECRET", "x-secret-of-at-least-thirty-two-bytes"),
            ("DATA_ENCRYPTION_KEY", key.as_str()),
            ("STRIPE_WEBHOOK_SECRET", "whsec_real"),
            ("METRICS_TOKEN", "a-scraper-token-1"),
            ("WEBHOOKS_ALLOW_HTTP", "true"),
        ];
        assert_eq!(config(&production).unwrap_err().var, "WEBHOOKS_ALLOW_HTTP");
    }

    #[test]
    fn origins_are_listed_exactly_as_browsers_send_them() {
        let origins: AllowedOrigins = " https://app.example.com, http://localhost:5173 ,".parse().unwrap();
        assert!(origins.allows("https://app.example.com"));
        assert!(origins.allows("http://localhost:5173"));
        assert!(!origins.allows("https://evil.example.com"));
        assert!(!origins.allows("http://app.example.com"), "the scheme counts");
        assert!(!origins.allows("null"));
        assert_eq!("".parse::<AllowedOrigins>().unwrap(), AllowedOrigins::none());
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_form_to_write() {
        for (bad, hint) in [
            ("https://app.example.com/", "write `https://app.example.com`"),
            ("https://app.example.com/api", "write `https://app.example.com`"),
            ("https://App.Example.com", "write `https://app.example.com`"),
            ("https://app.example.com:443", "write `https://app.example.com`"),
            ("*", "is not an origin"),
            ("app.example.com", "is not an origin"),
            ("ftp://files.example.com", "not an http or https origin"),
        ] {
            let err = bad.parse::<AllowedOrigins>().unwrap_err();
            assert!(err.contains(hint), "{bad}: {err}");
        }
    }

    #[test]
    fn secrets_never_print() {
        let c = config(&[("DATABASE_URL", "postgres://u:hunter2@h/db")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
