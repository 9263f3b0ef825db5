//! The wire types of the accounts' work (accounts, plans, payments, fees, the ledger,
//! the timeline) and of the caller (`/auth/me`): the API's own, from `debtflow-wire`.

pub use debtflow_wire::{
    accounts::{Account, AccountCount, AccountDetail, ContactAttempt, Fee, Promise, TimelineEvent},
    auth::Me,
    ledger::Ledger,
    payments::{Payment, PendingApprovals},
    plans::Plan,
    users::User,
    Page,
};
