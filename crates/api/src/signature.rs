//! The one webhook signature scheme, both ways: what the card processor's webhook must
//! carry (`Stripe-Signature`, checked by [`verify`]) and what DebtFlow's own webhooks
//! carry (`DebtFlow-Signature`, made by [`header`]), so an integrator verifies ours
//! exactly as we verify theirs.
//!
//! `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`: the timestamp is
//! signed with the body, so a captured request cannot be replayed later than the
//! receiver's tolerance; a header may carry several `v1` (while a rotated secret is
//! still honoured), and one matching is enough.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// The signature header of `body` sent at `timestamp`: one `v1` per secret.
pub fn header(secrets: &[&str], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&sign(secret, timestamp, body));
    }
    header
}

/// Checks a signature header against the raw body at `now` (unix seconds): its
/// timestamp within `tolerance_secs` of now, and one of its `v1` the signature of the
/// body under `secret` (compared in constant time).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> Result<(), &'static str> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(hex::decode(v).map_err(|_| "a v1 signature is not hex")?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("the signature has no timestamp")?;
    if (now - timestamp).abs() > tolerance_secs {
        return Err("the signature's timestamp is outside the tolerance");
    }
    // `verify_slice` compares in constant time.
    if signatures.iter().any(|sig| mac(secret, timestamp, body).verify_slice(sig).is_ok()) {
        Ok(())
    } else {
        Err("no v1 signature matches")
    }
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_with_their_time() {
        let body = br#"{"id":"evt_1"}"#;
        let header = header(&["whsec_x"], 1_000_000, body);
        assert_eq!(verify("whsec_x", &header, body, 1_000_100, 300), Ok(()));
        assert!(verify("whsec_y", &header, body, 1_000_100, 300).is_err(), "another secret");
        assert!(verify("whsec_x", &header, br#"{"id":"evt_2"}"#, 1_000_100, 300).is_err(), "another body");
        assert!(verify("whsec_x", &header, body, 1_000_301, 300).is_err(), "too old");
        assert!(verify("whsec_x", "v1=00", body, 1_000_000, 300).is_err(), "no timestamp");
        assert!(verify("whsec_x", "t=1000000,v1=zz", body, 1_000_000, 300).is_err(), "not hex");
        let two = format!("{header},v1={}", "00".repeat(32));
        assert_eq!(verify("whsec_x", &two, body, 1_000_000, 300), Ok(()), "any matching v1 will do");
    }

    #[test]
    fn the_scheme_is_the_documented_hmac_of_time_dot_body() {
        // What a receiver computes on its own (Python: hmac.new(secret, b"1700000000.{}", sha256)).
        assert_eq!(
            header(&["whsec_test"], 1_700_000_000, b"{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
        let rotated = header(&["whsec_new", "whsec_old"], 1_700_000_000, b"{}");
        assert_eq!(rotated.matches(",v1=").count(), 2);
        assert_eq!(
            verify("whsec_old", &rotated, b"{}", 1_700_000_000, 300),
            Ok(()),
            "the former secret still verifies"
        );
        assert_eq!(verify("whsec_new", &rotated, b"{}", 1_700_000_000, 300), Ok(()));
    }
}
