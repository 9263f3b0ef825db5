//! `/payments`: recording payments, approving backdated ones, refunds, applying
//! unapplied money, and the card processor's webhook. Every request that moves money
//! carries an Idempotency-Key ([`crate::idempotency`]); each handler parses, checks the
//! role table and calls one use case of [`crate::services::payments`].

pub mod apply;
pub mod create;
pub mod decide;
pub mod get;
pub mod list;
pub mod refund;
pub mod webhook;

use crate::store::payments::PaymentRow;
pub use debtflow_wire::payments::Payment;

impl From<PaymentRow> for Payment {
    fn from(r: PaymentRow) -> Self {
        Payment {
            id: r.id,
            account_id: r.account_id,
            account_ref: r.account_ref,
            debtor_name: r.debtor_name,
            amount: super::amount(r.amount, &r.currency),
            refunded_amount: super::amount(r.refunded_amount, &r.currency),
            currency: r.currency,
            method: r.method,
            status: r.status,
            paid_on: r.paid_on,
            reference: r.reference,
            metadata: r.metadata,
            recorded_by: r.recorded_by,
            recorded_by_name: r.recorded_by_name,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}
