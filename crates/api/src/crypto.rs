//! Field encryption at rest: AES-256-GCM, a random 96-bit nonce per value, stored as
//! `nonce || ciphertext`. The key is `DATA_ENCRYPTION_KEY` (32 bytes, hex). Encrypted
//! values never reach logs or audit rows: DTOs show them masked.

use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    Aes256Gcm, Key, Nonce,
};

const NONCE_LEN: usize = 12;

pub struct FieldCipher(Aes256Gcm);

impl FieldCipher {
    pub fn new(key: &[u8; 32]) -> Self {
        FieldCipher(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)))
    }

    pub fn encrypt(&self, plaintext: &str) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self.0.encrypt(&nonce, plaintext.as_bytes()).expect("AES-GCM encryption of a short value");
        [nonce.as_slice(), &ciphertext].concat()
    }

    /// `None` when the value was not encrypted with this key (or was tampered with).
    pub fn decrypt(&self, stored: &[u8]) -> Option<String> {
        if stored.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
        let plain = self.0.decrypt(Nonce::from_slice(nonce), ciphertext).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_are_not_readable_at_rest() {
        let cipher = FieldCipher::new(&[7; 32]);
        let stored = cipher.encrypt("1234");
        assert_eq!(cipher.decrypt(&stored).as_deref(), Some("1234"));
        assert!(!stored.windows(4).any(|w| w == b"1234"));
        assert_ne!(stored, cipher.encrypt("1234"), "a fresh nonce each time");
        assert_eq!(FieldCipher::new(&[8; 32]).decrypt(&stored), None, "another key cannot read it");
        let mut tampered = stored.clone();
        tampered[NONCE_LEN] ^= 1;
        assert_eq!(cipher.decrypt(&tampered), None);
    }
}
