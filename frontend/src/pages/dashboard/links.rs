//! Where each figure leads: the worklist filtered to the accounts behind it, written
//! with the worklist's own [`Filters`] so the worklist reads exactly what is linked.

use crate::pages::worklist::filters::Filters;
use debtflow_domain::{AccountStatus, Bucket};

/// The worklist with `filters` (`/accounts` when none).
fn worklist(filters: Filters) -> String {
    match filters.to_query() {
        q if q.is_empty() => "/accounts".into(),
        q => format!("/accounts?{q}"),
    }
}

/// The statuses of the accounts still being collected (the dashboard's "active").
pub fn open_statuses() -> String {
    AccountStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// The active accounts (what the portfolio and the balance to recover count).
pub fn open_accounts() -> String {
    worklist(Filters { status: open_statuses(), ..Default::default() })
}

/// The accounts in `status`.
pub fn status(status: AccountStatus) -> String {
    worklist(Filters { status: status.as_str().into(), ..Default::default() })
}

/// The active accounts in an aging bucket (the aging report counts no others).
pub fn bucket(bucket: Bucket) -> String {
    worklist(Filters { status: open_statuses(), bucket: bucket.as_str().into(), ..Default::default() })
}

/// A collector's accounts.
pub fn collector(id: uuid::Uuid) -> String {
    worklist(Filters { collector: id.to_string(), ..Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_worklist_queries() {
        assert_eq!(open_statuses(), "new,assigned,in_contact,negotiating,payment_plan,disputed");
        assert_eq!(
            open_accounts(),
            "/accounts?status=new%2Cassigned%2Cin_contact%2Cnegotiating%2Cpayment_plan%2Cdisputed"
        );
        assert_eq!(status(AccountStatus::PaymentPlan), "/accounts?status=payment_plan");
        assert!(bucket(Bucket::Over90).ends_with("&bucket=90%2B"));
        let c = crate::fixtures::id(0xc1);
        assert_eq!(collector(c), format!("/accounts?collector={c}"));
    }

    #[test]
    fn the_worklist_reads_back_what_is_linked() {
        let link = bucket(Bucket::Days31To60);
        let query = link.split_once('?').unwrap().1;
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.into(), v.replace("%2C", ",").replace("%2B", "+"))
            })
            .collect();
        let f = Filters::from_lookup(|k| pairs.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone()));
        assert_eq!(f.bucket, "31-60");
        assert_eq!(f.status, open_statuses());
    }
}
