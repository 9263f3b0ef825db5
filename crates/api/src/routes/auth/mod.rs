//! `/auth`: tokens, refresh, logout and the caller's own profile.

pub mod logout;
pub mod me;
pub mod refresh;
pub mod token;
