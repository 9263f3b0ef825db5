//! Contact attempts on an account (`POST /accounts/{id}/contacts`), gated by the
//! Regulation F guardrails of `debtflow_domain::contact` where the agency keeps to them
//! (its `contact_guardrails` setting; by default, agencies in US dollars) and by the
//! blocks on the debtor everywhere.
//!
//! An attempt is recorded as it is made (or within a day after, `occurred_at`): the
//! guardrails judge it at that instant against the account's history before it, the
//! debtor's blocks and the debtor's wall clock there (their own time zone, else the
//! agency's; PostgreSQL converts, daylight-saving changes included). A blocked attempt
//! is refused with the rule and the instant it becomes allowed, and the refusal is
//! audited ([`record_blocked`], in a transaction of its own, as the attempt's rolls
//! back). The first right-party contact moves an ASSIGNED account to IN_CONTACT; a
//! dispute within the validation period of the debtor's notice moves it to DISPUTED.

use super::{person, reach, timeline};
use crate::{
    audit::{self, Actor, Change},
    services::{webhooks, Refusal, ServiceError},
    store::{
        self,
        accounts::AccountRow,
        contacts::{BlockRow, ContactRow, NewBlock, NewContact},
    },
};
use chrono::{DateTime, Duration, Utc};
use debtflow_domain::{
    account::status::Cause,
    contact::{self, Blocked, Channel, Direction, Flag, Outcome, Proposed},
    AccountStatus, Currency,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// An attempt to record on `account_id`.
#[derive(Debug, Clone)]
pub struct RecordContact {
    pub account_id: Uuid,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    /// The phone number, email address or postal address used.
    pub used: Option<String>,
    pub notes: Option<String>,
    /// When it happened (default: now); at most a day back, never ahead.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// How long after the fact an attempt may be recorded.
const LATEST_RECORDING_HOURS: i64 = 24;

/// The history the guardrails look back over: the longest of their windows.
const LOOK_BACK_DAYS: i64 = 7;

/// Records the attempt, or refuses it with the guardrail that blocks it.
pub async fn record(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: RecordContact,
    now: DateTime<Utc>,
) -> Result<ContactRow, ServiceError> {
    let at = cmd.occurred_at.unwrap_or(now);
    if at > now + Duration::minutes(1) || at < now - Duration::hours(LATEST_RECORDING_HOURS) {
        return Err(ServiceError::invalid("occurred_at", "must be within the last 24 hours, not in the future"));
    }
    let trim = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let (used, notes) = (trim(&cmd.used), trim(&cmd.notes));
    let account = store::accounts::lock(tx, reach(actor), cmd.account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let agency_id = account.agency_id;

    let proposed = Proposed { channel: cmd.channel, direction: cmd.direction };
    let blocks = store::contacts::blocks(tx, agency_id, account.debtor_id).await?;
    let currency = Currency::parse(&account.currency).map_err(ServiceError::invariant)?;
    if store::agencies::settings(tx, agency_id).await?.guards_contacts(currency) {
        let (local, zone) = store::contacts::local_time(tx, agency_id, account.debtor_id, at).await?;
        let since = at - Duration::days(LOOK_BACK_DAYS);
        let history = store::contacts::history(tx, agency_id, account.id, since).await?;
        if let Err(blocked) = contact::check(proposed, &history, &blocks, at, local, contact::REGULATION_F) {
            return Err(refusal(tx, blocked, &zone).await?.into());
        }
    } else if let Err(blocked) = contact::check_blocks(proposed, &blocks) {
        return Err(refusal(tx, blocked, "UTC").await?.into());
    }

    let row = store::contacts::insert(
        tx,
        &NewContact {
            agency_id,
            account_id: account.id,
            channel: cmd.channel,
            direction: cmd.direction,
            outcome: cmd.outcome,
            used: used.as_deref(),
            notes: notes.as_deref(),
            occurred_at: at,
            recorded_by: actor.user_id,
            created_at: now,
        },
    )
    .await?;
    let data = serde_json::json!({
        "contact_id": row.id, "channel": row.channel, "direction": row.direction, "outcome": row.outcome,
    });
    timeline(tx, actor, agency_id, account.id, "contact", row.notes.as_deref(), data).await?;
    let change = Change::created(
        "account.contact",
        "contact_attempt",
        row.id,
        serde_json::json!({
            "account_id": account.id, "channel": row.channel, "direction": row.direction, "outcome": row.outcome,
            "used": row.used, "occurred_at": row.occurred_at,
        }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;

    if account.status == AccountStatus::Assigned && contact::is_right_party(row.outcome) {
        let to = account.status.transition(AccountStatus::InContact, Cause::Manual).map_err(ServiceError::invariant)?;
        store::accounts::set_status(tx, agency_id, account.id, to).await?;
        let data = serde_json::json!({ "from": account.status, "to": to, "contact_id": row.id });
        timeline(tx, actor, agency_id, account.id, "status_change", Some("Reached the debtor"), data).await?;
        let change = Change::updated(
            "account.transition",
            "account",
            account.id,
            &serde_json::json!({ "status": account.status }),
            &serde_json::json!({ "status": to, "contact_id": row.id }),
        );
        audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
        webhooks::status_changed(tx, agency_id, account.id, (account.status, to), "Reached the debtor", now).await?;
    }
    if row.outcome == Outcome::Dispute {
        let account = store::accounts::get(tx, reach(actor), account.id, now).await?.ok_or(ServiceError::NotFound)?;
        let reason = row.notes.as_deref().unwrap_or("The debtor disputed the debt");
        super::transition::dispute_in_validation_period(tx, actor, &account, reason, now).await?;
    }
    refresh_next_call(tx, agency_id, account.debtor_id, now).await?;
    Ok(row)
}

/// Recomputes when each account of the debtor may next be called
/// ([`contact::next_call`]), after an attempt or a change of blocks: from the debtor's
/// blocks and, where the guardrails apply, the account's last week of attempts.
async fn refresh_next_call(
    tx: &mut PgConnection,
    agency_id: Uuid,
    debtor_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let blocks = store::contacts::blocks(tx, agency_id, debtor_id).await?;
    let settings = store::agencies::settings(tx, agency_id).await?;
    for (account_id, currency) in store::contacts::debtor_accounts(tx, agency_id, debtor_id).await? {
        let currency = Currency::parse(&currency).map_err(ServiceError::invariant)?;
        let rules = settings.guards_contacts(currency).then_some(contact::REGULATION_F);
        let history = match rules {
            Some(_) => {
                store::contacts::history(tx, agency_id, account_id, now - Duration::days(LOOK_BACK_DAYS)).await?
            }
            None => Vec::new(),
        };
        let next = contact::next_call(&history, &blocks, rules);
        store::contacts::set_next_call(tx, agency_id, account_id, next).await?;
    }
    Ok(())
}

/// The refusal of a blocked attempt, with the instant it becomes allowed (`zone`: the
/// debtor's, in which a calling-hours refusal names its wall-clock time).
async fn refusal(tx: &mut PgConnection, blocked: Blocked, zone: &str) -> Result<Refusal, sqlx::Error> {
    let allowed_at = match &blocked {
        Blocked::Flagged { .. } => None,
        Blocked::OutsideHours { allowed_from_local } => {
            Some(store::contacts::instant(tx, *allowed_from_local, zone).await?)
        }
        Blocked::TooManyCalls { allowed_at } | Blocked::AfterConversation { allowed_at } => Some(*allowed_at),
    };
    Ok(Refusal::ContactBlocked { rule: blocked.rule(), detail: blocked.to_string(), allowed_at })
}

/// Audits a refused attempt: what was tried on `account_id`, and the rule that said no.
pub async fn record_blocked(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    channel: Channel,
    direction: Direction,
    refusal: &Refusal,
) -> Result<(), ServiceError> {
    let Refusal::ContactBlocked { rule, detail, allowed_at } = refusal else { return Ok(()) };
    let change = Change::created(
        "account.contact_blocked",
        "account",
        account_id,
        serde_json::json!({
            "channel": channel, "direction": direction, "rule": rule, "detail": detail, "allowed_at": allowed_at,
        }),
    );
    audit::record(tx, actor, change.in_agency(actor.agency_id)).await?;
    Ok(())
}

/// The account's attempts, newest first (`after`: the keyset of the last one seen).
pub async fn list(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<ContactRow>, ServiceError> {
    let account = store::accounts::get(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    Ok(store::contacts::list(tx, account.agency_id, account.id, after, limit).await?)
}

/// Blocks `channel` (every channel when `None`, or when the flag always does) for the
/// debtor of `account_id`, because `reason`.
pub async fn set_block(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    flag: Flag,
    channel: Option<Channel>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<BlockRow, ServiceError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::invalid("reason", "must not be blank"));
    }
    let account = store::accounts::lock(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    block(tx, actor, &account, flag, channel, reason, None, now).await
}

/// Blocks `channel` (or every channel) for the debtor of `account`, for `dispute_id`
/// when the block holds for a dispute; audited, the debtor's next calls recomputed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn block(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &AccountRow,
    flag: Flag,
    channel: Option<Channel>,
    reason: &str,
    dispute_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<BlockRow, ServiceError> {
    let block = NewBlock {
        agency_id: account.agency_id,
        debtor_id: account.debtor_id,
        flag,
        channel: channel.filter(|_| !flag.blocks_every_channel()),
        reason,
        set_by: person(actor)?,
        set_at: now,
        dispute_id,
    };
    let row = store::contacts::insert_block(tx, &block).await?;
    let change = Change::created(
        "debtor.contact_block",
        "contact_block",
        row.id,
        serde_json::json!({
            "account_id": account.id, "debtor_id": row.debtor_id, "flag": row.flag, "channel": row.channel,
            "reason": row.reason, "dispute_id": dispute_id,
        }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    refresh_next_call(tx, account.agency_id, account.debtor_id, now).await?;
    Ok(row)
}

/// Clears the blocks that held for `dispute_id` on the debtor of `account`, now it is
/// resolved; each audited, the debtor's next calls recomputed.
pub(super) async fn clear_dispute_blocks(
    tx: &mut PgConnection,
    actor: &Actor,
    account: &AccountRow,
    dispute_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let by = person(actor)?;
    let cleared = store::contacts::clear_dispute_blocks(tx, account.agency_id, dispute_id, by, now).await?;
    for row in &cleared {
        let change = Change::updated(
            "debtor.contact_block_clear",
            "contact_block",
            row.id,
            &serde_json::json!({ "cleared_at": null }),
            &serde_json::json!({
                "account_id": account.id, "cleared_at": row.cleared_at, "flag": row.flag, "dispute_id": dispute_id,
            }),
        );
        audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    }
    if !cleared.is_empty() {
        refresh_next_call(tx, account.agency_id, account.debtor_id, now).await?;
    }
    Ok(())
}

/// Clears the block `block_id` on the debtor of `account_id`.
pub async fn clear_block(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    block_id: Uuid,
    now: DateTime<Utc>,
) -> Result<BlockRow, ServiceError> {
    let by = person(actor)?;
    let account = store::accounts::lock(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    let row = store::contacts::clear_block(tx, account.agency_id, account.debtor_id, block_id, by, now)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "debtor.contact_block_clear",
        "contact_block",
        row.id,
        &serde_json::json!({ "cleared_at": null }),
        &serde_json::json!({
            "account_id": account.id, "cleared_at": row.cleared_at, "flag": row.flag, "channel": row.channel,
        }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    refresh_next_call(tx, account.agency_id, account.debtor_id, now).await?;
    Ok(row)
}

/// The blocks on the debtor of `account_id`, those in force first.
pub async fn blocks(
    tx: &mut PgConnection,
    actor: &Actor,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<BlockRow>, ServiceError> {
    let account = store::accounts::get(tx, reach(actor), account_id, now).await?.ok_or(ServiceError::NotFound)?;
    Ok(store::contacts::list_blocks(tx, account.agency_id, account.debtor_id).await?)
}
