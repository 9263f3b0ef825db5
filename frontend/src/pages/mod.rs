pub mod account;
pub mod approvals;
pub mod login;
pub mod worklist;
