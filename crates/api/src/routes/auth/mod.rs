//! `/auth`: tokens, refresh, logout, the caller's own profile and password.

pub mod logout;
pub mod me;
pub mod password;
pub mod refresh;
pub mod token;
