//! next_hearing_rollup: each filed legal case not closed gets its next hearing — the
//! earliest without an outcome from the start of the date on
//! (`debtflow_domain::remedial::legal::next_hearing`) — written only where it changed,
//! with its audit record. A second run for the date changes nothing.

use super::{JobError, Tally};
use crate::{
    audit::{self, Actor, Change, RequestContext},
    db, store,
};
use chrono::NaiveDate;
use debtflow_domain::remedial::legal;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn run(db: &PgPool, agency_id: Uuid, as_of: NaiveDate) -> Result<Tally, JobError> {
    let mut tx = db::begin_batch(db).await?;
    let from = store::agencies::start_of(&mut tx, agency_id, as_of).await?;
    let cases = store::legal_cases::open_cases(&mut tx, agency_id).await?;
    let actor = Actor::anonymous(RequestContext::default());
    let mut updated = 0;
    for case in &cases {
        let next = legal::next_hearing(&case.hearings, from);
        if next == case.next_hearing_at {
            continue;
        }
        store::legal_cases::set_next_hearing(&mut tx, agency_id, case.id, next).await?;
        let change = Change::updated(
            "legal_case.next_hearing",
            "legal_case",
            case.id,
            &json!({ "next_hearing_at": case.next_hearing_at }),
            &json!({ "next_hearing_at": next, "account_id": case.account_id, "as_of": as_of }),
        );
        audit::record(&mut tx, &actor, change.in_agency(Some(agency_id))).await?;
        updated += 1;
    }
    tx.commit().await?;
    Ok(Tally { records_scanned: cases.len() as i64, records_updated: updated, ..Tally::default() })
}
