//! Password hashing: argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane —
//! OWASP's minimum), a random salt per hash, PHC strings in the database; and the
//! password policy for passwords people choose, and the temporary passwords admins issue.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// A PHC-format argon2id hash of `password`.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches the stored `phc` hash (false for a malformed hash).
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashes running at once: one per core. A hash is CPU and 19 MiB of memory; more at
/// once than cores would finish none sooner and hold more memory (a burst of logins
/// waits its turn here instead).
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Runs `hashing` on the blocking pool, within [`HASHING`]'s limit: it takes tens of
/// milliseconds of CPU, which must not stall the async worker serving other requests.
async fn off_thread<T: Send + 'static>(hashing: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _turn = HASHING.acquire().await.ok()?;
    tokio::task::spawn_blocking(hashing).await.ok()
}

/// [`verify`] off the async workers ([`off_thread`]).
pub async fn verify_off_thread(password: &str, phc: String) -> bool {
    let password = password.to_owned();
    off_thread(move || verify(&password, &phc)).await.unwrap_or(false)
}

/// [`hash`] off the async workers ([`off_thread`]); its error as an `std::io::Error`
/// (argon2's is not a `std::error::Error`).
pub async fn hash_off_thread(password: &str) -> Result<String, std::io::Error> {
    let password = password.to_owned();
    off_thread(move || hash(&password))
        .await
        .unwrap_or(Err(argon2::password_hash::Error::Crypto))
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The password policy for a password a person chose: the domain's rule (the SPA shows
/// and pre-checks it), and not easy to guess — zxcvbn's estimate at least 3 of 4
/// ("safely unguessable"), which turns away common passwords (`password1234`), keyboard
/// walks, repeats, sequences, dates and l33t spellings of dictionary words. The
/// estimate runs here only: its dictionaries would weigh on the SPA's first visit.
/// Only `seed-demo` sets weaker (demo) passwords.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    debtflow_domain::staff::check_password(password)?;
    if zxcvbn::zxcvbn(password, &[]).score() < zxcvbn::Score::Three {
        return Err("is too easy to guess (a common password, a pattern or a date): try a few unrelated words");
    }
    Ok(())
}

/// The characters of a temporary password: lower-case letters and digits without the
/// ones read alike (`0`/`o`, `1`/`l`/`i`), so it can be read out over the phone.
const TEMPORARY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A one-time password an admin hands over: four groups of five characters
/// (`k7m2p-x9qrt-…`, about 99 bits), which its user must change at first login.
pub fn temporary() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let n = TEMPORARY_ALPHABET.len() as u32;
    // Rejection sampling keeps every character equally likely.
    let limit = u32::MAX - u32::MAX % n;
    let mut chars = Vec::with_capacity(23);
    while chars.len() < 23 {
        if chars.len() % 6 == 5 {
            chars.push(b'-');
            continue;
        }
        let draw = OsRng.next_u32();
        if draw < limit {
            chars.push(TEMPORARY_ALPHABET[(draw % n) as usize]);
        }
    }
    String::from_utf8(chars).expect("ASCII")
}

/// A hash to verify against when the username does not exist, so a wrong username
/// costs as much time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password for unknown users").expect("hashing a constant"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy_and_differ() {
        let one = temporary();
        assert_eq!(one.len(), 23, "{one}");
        assert_eq!(one.split('-').map(str::len).collect::<Vec<_>>(), [5, 5, 5, 5], "{one}");
        assert!(one.bytes().all(|b| b == b'-' || TEMPORARY_ALPHABET.contains(&b)), "{one}");
        assert!(check_policy(&one).is_ok());
        assert_ne!(one, temporary());
    }

    #[test]
    fn guessable_passwords_are_refused_and_passphrases_pass() {
        for weak in ["password1234", "qwertyuiop123", "123456789012", "iloveyou2026", "P@ssw0rd2024!", "abcabcabcabc"] {
            assert!(check_policy(weak).is_err(), "{weak} accepted");
        }
        for strong in ["a brand new passphrase", "correct horse battery staple", "violet tram 47 anchors"] {
            assert_eq!(check_policy(strong), Ok(()), "{strong}");
        }
        assert_eq!(check_policy("short"), Err("must be at least 12 characters long"), "the domain's rule first");
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert!(!verify("anything", "not a phc string"));
        assert_ne!(phc, hash("correct horse battery").unwrap(), "salts differ");
    }
}
