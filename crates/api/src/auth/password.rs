//! Password hashing: argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane —
//! OWASP's minimum), a random salt per hash, PHC strings in the database; and the
//! password policy for passwords people choose.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

/// A PHC-format argon2id hash of `password`.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches the stored `phc` hash (false for a malformed hash).
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// [`verify`] on the blocking pool: hashing takes tens of milliseconds of CPU, which
/// must not stall the async worker serving other requests.
pub async fn verify_off_thread(password: &str, phc: String) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || verify(&password, &phc)).await.unwrap_or(false)
}

/// [`hash`] on the blocking pool (its error as an `std::io::Error`: argon2's is not a
/// `std::error::Error`).
pub async fn hash_off_thread(password: &str) -> Result<String, std::io::Error> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .unwrap_or(Err(argon2::password_hash::Error::Crypto))
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The password policy (NIST SP 800-63B): 12 to 128 characters, not one character
/// repeated. Only `seed-demo` may set shorter (demo) passwords.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 12 {
        return Err("must be at least 12 characters long");
    }
    if length > 128 {
        return Err("must be at most 128 characters long");
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("must not be one character repeated");
    }
    Ok(())
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
    fn the_policy_wants_twelve_varied_characters() {
        assert!(check_policy("Collector@2026").is_ok());
        assert!(check_policy("short@2026").is_err());
        assert!(check_policy("aaaaaaaaaaaaaaaa").is_err());
        assert!(check_policy(&"ab".repeat(65)).is_err());
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
