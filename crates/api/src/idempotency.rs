//! Idempotency keys: a request that creates or moves money runs once, however often a
//! client retries it (the IETF httpapi Idempotency-Key draft, with Stripe's
//! behaviour).
//!
//! - The `Idempotency-Key` header is required ([`IdempotencyKey`]); it may be bare
//!   (`abc-123`, Stripe) or a structured-field string (`"abc-123"`, the draft), 1 to
//!   255 visible ASCII characters. Keys belong to one user of one agency.
//! - [`begin`] claims the key inside the request's transaction. The key row, the
//!   business rows and the saved response ([`finish`]) commit together, so a crash at
//!   any point leaves all of them or none.
//! - The same key and the same request again: the saved status and body, byte for
//!   byte, with `Idempotent-Replayed: true`. The same key with another request (method,
//!   path or canonical JSON body): 422. A retry that arrives while the first request is
//!   still running waits for it (up to `IDEMPOTENCY_WAIT_MS`) and then replays its
//!   answer; if the first is still running then, 409.
//! - Only successes are saved: a refused request writes nothing, so it may be retried
//!   with the same key once corrected.
//! - Keys are forgotten after `IDEMPOTENCY_KEY_TTL_SECS` (24 h).

use crate::{
    auth::AuthUser,
    config::MoneySettings,
    db,
    problem::ApiError,
    services::Refusal,
    store::{self, idempotency::KeyOf},
};
use actix_web::{dev::Payload, http::StatusCode, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

pub const HEADER: &str = "Idempotency-Key";
pub const REPLAYED: &str = "Idempotent-Replayed";

/// The `Idempotency-Key` of a request, with the method and path it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: String,
    method: String,
    path: String,
}

/// The header's value as the API document states it: 1–255 visible ASCII characters
/// without quotes or backslashes ([`IdempotencyKey::parse`] also takes it quoted, as a
/// structured-field string).
#[derive(utoipa::ToSchema)]
#[schema(as = IdempotencyKeyValue, value_type = String, pattern = r#"^[!#-\[\]-~]{1,255}$"#, example = "9f1c2e7a-pay-0001")]
pub struct HeaderValue(pub String);

impl IdempotencyKey {
    /// Parses a header value: a bare key or a structured-field string.
    pub fn parse(raw: &str) -> Result<String, &'static str> {
        let raw = raw.trim();
        let key = match raw.strip_prefix('"') {
            Some(rest) => rest.strip_suffix('"').ok_or("a quoted key must end with a quote")?,
            None => raw,
        };
        if key.is_empty() || key.len() > 255 {
            return Err("must be 1 to 255 characters");
        }
        if !key.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\') {
            return Err("must be visible ASCII characters without quotes or backslashes");
        }
        Ok(key.to_owned())
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get(HEADER).map(|v| v.to_str()) {
            None => Err(ApiError::BadRequest(format!(
                "the {HEADER} header is required on requests that create or move money"
            ))),
            Some(Err(_)) => Err(ApiError::BadRequest(format!("the {HEADER} header must be visible ASCII"))),
            Some(Ok(raw)) => Self::parse(raw).map_err(|why| ApiError::BadRequest(format!("the {HEADER} header {why}"))),
        };
        std::future::ready(key.map(|key| IdempotencyKey {
            key,
            method: req.method().to_string(),
            path: req.path().trim_end_matches('/').to_owned(),
        }))
    }
}

/// A claimed key: the request's transaction, which must end in [`finish`].
pub struct Claim {
    pub tx: Transaction<'static, Postgres>,
    agency_id: Uuid,
    user_id: Uuid,
    key: String,
    fingerprint: [u8; 32],
    /// What the request's own writes saved with the key ([`Claim::answered`]).
    answered: Option<(StatusCode, Vec<u8>)>,
}

/// What [`begin`] found.
pub enum Begin {
    /// The key is new: do the work in `claim.tx`, then [`finish`].
    Fresh(Claim),
    /// The key was used for this very request: its saved response.
    Replay(HttpResponse),
}

/// Opens the request's transaction and claims its key for `request` (the parsed
/// body, hashed in canonical JSON with the method and path).
pub async fn begin(
    db: &PgPool,
    settings: &MoneySettings,
    user: &AuthUser,
    key: &IdempotencyKey,
    request: &impl Serialize,
) -> Result<Begin, ApiError> {
    begin_then(db, settings, user, key, request, "").await
}

/// [`begin`], then `then` (statements built from typed values only, such as
/// `store::payments::posting::lock`) in the same round trip.
///
/// A fresh key costs no round trip of its own: the claim travels with BEGIN, the role
/// and the access check ([`db::begin_after`]), and fails the whole message unless the
/// key is fresh — nothing is left open then, and the claim is made again on its own to
/// answer what it found (a replay, a key used for another request), except a key still
/// held by another request past the wait, which is a 409 at once.
pub async fn begin_then(
    db: &PgPool,
    settings: &MoneySettings,
    user: &AuthUser,
    key: &IdempotencyKey,
    request: &impl Serialize,
    then: &str,
) -> Result<Begin, ApiError> {
    let agency_id = user.agency_id.ok_or(ApiError::Forbidden)?;
    let fingerprint = fingerprint(key, request)?;
    let of = KeyOf { agency_id, user_id: user.id, key: &key.key, fingerprint: &fingerprint };
    let wait_ms = settings.idempotency_wait_ms;
    let ttl_secs = settings.idempotency_ttl_secs;
    let in_flight = || ApiError::Refused(Refusal::RequestInProgress);
    let statements = match then {
        "" => fresh_claim(of, wait_ms, ttl_secs),
        then => format!("{}; {then}", fresh_claim(of, wait_ms, ttl_secs)),
    };
    let fresh =
        |tx| Begin::Fresh(Claim { tx, agency_id, user_id: user.id, key: key.key.clone(), fingerprint, answered: None });
    match db::begin_after(db, user.scope(), &statements).await {
        Ok(tx) => return Ok(fresh(tx)),
        Err(e) if sqlstate(&e).as_deref() == Some(CLAIM_IN_FLIGHT) => return Err(in_flight()),
        Err(e) if sqlstate(&e).as_deref() == Some(CLAIM_NOT_FRESH) => {}
        Err(e) => return Err(e.into()),
    }
    let mut tx = db::begin(db, user.scope()).await?;
    let claimed = store::idempotency::claim(&mut tx, of, wait_ms, ttl_secs).await?;
    match (claimed.outcome.as_str(), claimed.status, claimed.body) {
        ("fresh", _, _) => Ok(fresh(tx)),
        ("done", Some(status), Some(body)) => {
            if claimed.fingerprint.as_deref() != Some(&fingerprint[..]) {
                return Err(ApiError::field(HEADER, "was already used for a different request"));
            }
            let status = StatusCode::from_u16(status as u16).map_err(ApiError::internal)?;
            Ok(Begin::Replay(
                HttpResponse::build(status)
                    .content_type("application/json")
                    .insert_header((REPLAYED, "true"))
                    .body(body),
            ))
        }
        _ => Err(in_flight()),
    }
}

/// [`fresh_claim`] found the key not fresh: done, or used for another request
/// (`claim_fresh_idempotency_key`, migration 0034).
const CLAIM_NOT_FRESH: &str = "DFI01";
/// [`fresh_claim`] found the key held by another request past the wait.
const CLAIM_IN_FLIGHT: &str = "DFI02";

fn sqlstate(err: &sqlx::Error) -> Option<String> {
    err.as_database_error().and_then(|e| e.code()).map(|code| code.into_owned())
}

/// The claim of `key` as a statement that succeeds only when the key is fresh, and
/// fails with [`CLAIM_NOT_FRESH`] or [`CLAIM_IN_FLIGHT`] otherwise. The key and the
/// fingerprint travel hex-encoded: no text of the request is ever spliced into SQL.
fn fresh_claim(key: KeyOf<'_>, wait_ms: i32, ttl_secs: i64) -> String {
    format!(
        "SELECT claim_fresh_idempotency_key('{}', '{}', convert_from(decode('{}', 'hex'), 'UTF8'), \
         decode('{}', 'hex'), {wait_ms}, make_interval(secs => {ttl_secs}))",
        key.agency_id,
        key.user_id,
        hex(key.key.as_bytes()),
        hex(key.fingerprint),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Claim {
    /// The transaction and the key: for [`finish`], and for a use case that saves its
    /// answer with its own last write (`store::payments::posting`), then says so with
    /// [`Claim::answered`].
    pub fn split(&mut self) -> (&mut sqlx::PgConnection, KeyOf<'_>) {
        let of =
            KeyOf { agency_id: self.agency_id, user_id: self.user_id, key: &self.key, fingerprint: &self.fingerprint };
        (&mut *self.tx, of)
    }

    /// The request's own writes saved `body` with `status` under the key: [`finish`]
    /// then only commits, when it answers with exactly these.
    pub fn answered(&mut self, status: StatusCode, body: Vec<u8>) {
        self.answered = Some((status, body));
    }
}

/// Saves the response with the key (unless the request's writes saved exactly this
/// one, [`Claim::answered`]) and commits everything the request wrote.
pub async fn finish(mut claim: Claim, status: StatusCode, response: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(response).map_err(ApiError::internal)?;
    if claim.answered.as_ref().is_none_or(|(s, b)| *s != status || *b != body) {
        let (tx, of) = claim.split();
        store::idempotency::save(tx, of, status.as_u16() as i16, &body).await?;
    }
    claim.tx.commit().await?;
    Ok(HttpResponse::build(status).content_type("application/json").body(body))
}

/// SHA-256 of the method, the path and the canonical JSON of the request (keys
/// sorted, no insignificant white space).
fn fingerprint(key: &IdempotencyKey, request: &impl Serialize) -> Result<[u8; 32], ApiError> {
    let canonical = serde_json::to_value(request).map_err(ApiError::internal)?;
    let mut hash = Sha256::new();
    hash.update(key.method.as_bytes());
    hash.update([0]);
    hash.update(key.path.as_bytes());
    hash.update([0]);
    write_canonical(&mut hash, &canonical);
    Ok(hash.finalize().into())
}

/// Feeds `value` to the hash with object keys sorted, whatever order serde_json's map
/// keeps them in.
fn write_canonical(hash: &mut Sha256, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hash.update(b"{");
            for k in keys {
                hash.update(serde_json::Value::String(k.clone()).to_string().as_bytes());
                hash.update(b":");
                write_canonical(hash, &map[k]);
                hash.update(b",");
            }
            hash.update(b"}");
        }
        serde_json::Value::Array(items) => {
            hash.update(b"[");
            for item in items {
                write_canonical(hash, item);
                hash.update(b",");
            }
            hash.update(b"]");
        }
        scalar => hash.update(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_may_be_bare_or_quoted() {
        assert_eq!(IdempotencyKey::parse("abc-123").unwrap(), "abc-123");
        assert_eq!(IdempotencyKey::parse("\"abc-123\"").unwrap(), "abc-123");
        assert_eq!(IdempotencyKey::parse(&"k".repeat(255)).unwrap().len(), 255);
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("\"\"").is_err());
        assert!(IdempotencyKey::parse("\"abc").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
    }

    proptest::proptest! {
        #[test]
        fn the_parser_takes_what_the_published_pattern_describes(key in "[!-~é]{0,3}|k{254,256}") {
            use utoipa::PartialSchema;
            let schema = serde_json::to_value(HeaderValue::schema()).unwrap();
            let pattern = regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
            // The structured-field form: the same key in quotes.
            let quoted = key.strip_prefix('"').and_then(|k| k.strip_suffix('"')).is_some_and(|k| pattern.is_match(k));
            proptest::prop_assert_eq!(IdempotencyKey::parse(&key).is_ok(), pattern.is_match(&key) || quoted, "{:?}", key);
        }
    }

    #[test]
    fn the_fingerprint_ignores_key_order_but_not_values() {
        let key = IdempotencyKey { key: "k".into(), method: "POST".into(), path: "/api/v1/payments".into() };
        let a = fingerprint(&key, &serde_json::json!({"amount": "1.00", "method": "cash"})).unwrap();
        let b = fingerprint(&key, &serde_json::json!({"method": "cash", "amount": "1.00"})).unwrap();
        let c = fingerprint(&key, &serde_json::json!({"method": "cash", "amount": "1.01"})).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let elsewhere = IdempotencyKey { path: "/api/v1/payments/x/refund".into(), ..key };
        assert_ne!(a, fingerprint(&elsewhere, &serde_json::json!({"amount": "1.00", "method": "cash"})).unwrap());
    }
}
