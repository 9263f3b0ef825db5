pub mod account;
pub mod approvals;
pub mod dashboard;
pub mod login;
pub mod worklist;
