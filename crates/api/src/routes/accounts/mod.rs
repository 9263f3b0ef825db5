//! `/accounts`: debtors' accounts — create, read, change contact data and priority,
//! move through the lifecycle, add notes, read the timeline. Collectors reach only
//! the accounts assigned to them; another's is a 404.

pub mod assign;
pub mod contacts;
pub mod create;
pub mod fees;
pub mod get;
pub mod ledger;
pub mod list;
pub mod notes;
pub mod pauses;
pub mod promises;
pub mod timeline;
pub mod transition;
pub mod update;
pub mod validation;

use crate::{crypto::FieldCipher, store::accounts::AccountRow};
use debtflow_domain::{account::days_past_due, Bucket};
pub use debtflow_wire::accounts::{Account, AccountDetail, CollectorRef, Debtor, OpenDispute};
use rust_decimal::Decimal;

/// The account of `r` as the API shows it: its days past due and bucket computed as of
/// the agency's today, its debtor's SSN digits decrypted and masked.
pub fn account(r: AccountRow, cipher: &FieldCipher) -> Account {
    let money = |d: Decimal| super::amount(d, &r.currency);
    let dpd = days_past_due(r.aging_anchor, r.today);
    Account {
        id: r.id,
        external_ref: r.external_ref,
        status: r.status,
        priority: r.priority,
        original_balance: money(r.original_balance),
        current_balance: money(r.current_balance),
        currency: r.currency,
        days_past_due: dpd,
        bucket: Bucket::of(dpd),
        collector_id: r.collector_id,
        delinquency_date: r.delinquency_date,
        due_date: r.due_date,
        next_installment_due: r.next_installment_due,
        creditor: r.creditor,
        original_creditor: r.original_creditor,
        debtor: Debtor {
            id: r.debtor_id,
            full_name: r.debtor_full_name,
            phone: r.debtor_phone,
            email: r.debtor_email,
            address: r.debtor_address,
            date_of_birth: r.debtor_date_of_birth,
            ssn_last4: r.debtor_ssn_last4_enc.and_then(|enc| cipher.decrypt(&enc)).map(|d| format!("***-**-{d}")),
            external_ref: r.debtor_external_ref,
            time_zone: r.debtor_time_zone,
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}
