//! Authentication: password hashing now; tokens and the role policy with identity.

pub mod password;
