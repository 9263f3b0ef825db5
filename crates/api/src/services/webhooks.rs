//! Outbound webhooks' use cases: an agency admin's endpoints (register, change, rotate
//! the secret, remove), their deliveries and replays — and the events the other use
//! cases emit, in their own transactions, for those endpoints.
//!
//! **Emitting** is one call where the change is made ([`payment_changed`],
//! [`status_changed`], [`assigned`], [`plan`], [`import_finished`]), with the event's
//! data built from what the change has in hand (no extra read): the public DTO of a
//! payment or an import, the fields of a plan, the ids and statuses of an account. The
//! store writes nothing unless an endpoint subscribes (see `store::webhooks::emit`).
//!
//! **Secrets** are made here, never chosen by the caller: `whsec_` and 32 random bytes in
//! hex, stored encrypted ([`FieldCipher`], like the SFTP passwords), shown once — in the
//! answer that made them — and never written to the audit trail. A rotation makes a new
//! one; the former keeps signing (a second `v1`) for [`ROTATION_GRACE`], so receivers
//! can switch without losing an event.
//!
//! **Deactivating or removing** an endpoint gives up its pending deliveries at once
//! (`failed`, saying why); they can be replayed once it is active again. A replay of a
//! delivery of an inactive endpoint waits until it is activated.

use super::ServiceError;
use crate::{
    audit::{self, Actor, Change},
    crypto::FieldCipher,
    store::{
        self,
        imports::ImportRow,
        payments::PaymentRow,
        plans::PlanRow,
        webhooks::{AttemptRow, DeliveryFilter, DeliveryRow, EndpointRow, NewEndpoint},
    },
    webhooks::events::{
        AccountAssignedData, AccountStatusChangedData, ImportFinishedData, PaymentEventData, PlanEventData,
        PlanSummary, RefundData,
    },
};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, TimeDelta, Utc};
use debtflow_domain::{
    money::shown_in,
    payment::PaymentStatus,
    plan::PlanStatus,
    webhook::{DeliveryStatus, EndpointUrl, EventType, EventTypes},
    AccountStatus,
};
use debtflow_wire::{imports::Import, payments::Payment};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// How long a rotated-out secret still signs.
pub const ROTATION_GRACE: TimeDelta = TimeDelta::hours(24);

/// Writes an event of `event_type` per item of `data` for the agency's subscribed
/// endpoints (nothing when none subscribes), in the caller's transaction.
pub async fn emit<T: Serialize>(
    tx: &mut PgConnection,
    agency_id: Uuid,
    event_type: EventType,
    data: &[T],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if data.is_empty() {
        return Ok(());
    }
    let payloads =
        data.iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>().map_err(ServiceError::invariant)?;
    let ids: Vec<Uuid> = payloads.iter().map(|_| Uuid::now_v7()).collect();
    store::webhooks::emit(tx, agency_id, event_type, &ids, &payloads, now).await?;
    Ok(())
}

/// `payment.completed` when the payment's money reached its account with this change
/// (`before`: the payment as it was; `None` when the change recorded it), and
/// `payment.refunded` when the change refunded some of it.
pub async fn payment_changed(
    tx: &mut PgConnection,
    before: Option<&PaymentRow>,
    after: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let was_completed = before.is_some_and(|b| b.status == PaymentStatus::Completed);
    if after.status == PaymentStatus::Completed && !was_completed {
        let data = PaymentEventData { payment: Payment::from(after.clone()), refund: None };
        emit(tx, after.agency_id, EventType::PaymentCompleted, &[data], now).await?;
    }
    let refunded = after.refunded_amount - before.map_or(Decimal::ZERO, |b| b.refunded_amount);
    if refunded > Decimal::ZERO {
        let refund = Some(RefundData { amount: shown_in(&after.currency, refunded) });
        let data = PaymentEventData { payment: Payment::from(after.clone()), refund };
        emit(tx, after.agency_id, EventType::PaymentRefunded, &[data], now).await?;
    }
    Ok(())
}

/// `account.status_changed`: the account moved `from` → `to` because `reason`.
pub async fn status_changed(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    (from, to): (AccountStatus, AccountStatus),
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if from == to {
        return Ok(());
    }
    let data = AccountStatusChangedData { account_id, from, to, reason: reason.to_owned() };
    emit(tx, agency_id, EventType::AccountStatusChanged, &[data], now).await
}

/// One account an assignment moved: to `collector_id` from `previous_collector_id`,
/// and from status `from` to `to`.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub account_id: Uuid,
    pub collector_id: Uuid,
    pub previous_collector_id: Option<Uuid>,
    pub from: AccountStatus,
    pub to: AccountStatus,
}

/// `account.assigned` for each account an assignment moved, and
/// `account.status_changed` for those whose status it changed (NEW → ASSIGNED): two
/// statements for a bulk assignment of a thousand accounts.
pub async fn assigned(
    tx: &mut PgConnection,
    agency_id: Uuid,
    moved: &[Moved],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let assigned: Vec<AccountAssignedData> = moved
        .iter()
        .map(|m| AccountAssignedData {
            account_id: m.account_id,
            collector_id: m.collector_id,
            previous_collector_id: m.previous_collector_id,
            status: m.to,
        })
        .collect();
    emit(tx, agency_id, EventType::AccountAssigned, &assigned, now).await?;
    let changed: Vec<AccountStatusChangedData> = moved
        .iter()
        .filter(|m| m.from != m.to)
        .map(|m| AccountStatusChangedData {
            account_id: m.account_id,
            from: m.from,
            to: m.to,
            reason: "assigned to a collector".to_owned(),
        })
        .collect();
    emit(tx, agency_id, EventType::AccountStatusChanged, &changed, now).await
}

/// `plan.approved` or `plan.defaulted` of the plan as `row` shows it, in `status`, ended
/// at `ended` with its reason when it ended.
pub async fn plan(
    tx: &mut PgConnection,
    event_type: EventType,
    row: &PlanRow,
    status: PlanStatus,
    ended: Option<(DateTime<Utc>, &str)>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let plan = PlanSummary {
        id: row.id,
        account_id: row.account_id,
        status,
        total: shown_in(&row.currency, row.total),
        currency: row.currency.clone(),
        frequency: row.frequency,
        settlement: row.settlement,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        ended_at: ended.map(|(at, _)| at).or(row.ended_at),
        end_reason: ended.map(|(_, why)| why.to_owned()).or_else(|| row.end_reason.clone()),
    };
    emit(tx, row.agency_id, event_type, &[PlanEventData { plan }], now).await
}

/// `import.finished` of the import as it ended.
pub async fn import_finished(tx: &mut PgConnection, done: &ImportRow, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let import = Import::from(done.clone());
    emit(tx, done.agency_id, EventType::ImportFinished, &[ImportFinishedData { import }], now).await
}

/// A new endpoint, as the agency admin asks for it.
#[derive(Debug, Clone)]
pub struct NewEndpointCommand {
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
}

/// What the endpoint use cases need of the server: whether it takes insecure
/// receivers (`WEBHOOKS_ALLOW_HTTP`) and the field cipher of the secrets.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    pub allow_http: bool,
    pub cipher: &'a FieldCipher,
}

/// Registers an endpoint; returns it with its secret, which is shown this once.
pub async fn create(
    tx: &mut PgConnection,
    actor: &Actor,
    cmd: NewEndpointCommand,
    keys: Keys<'_>,
    now: DateTime<Utc>,
) -> Result<(EndpointRow, String), ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let created_by = actor.user_id.ok_or_else(|| ServiceError::invariant("an endpoint is registered by a user"))?;
    let url = url_of(&cmd.url, keys.allow_http)?;
    let types = types_of(cmd.event_types)?;
    let description = description_of(cmd.description.as_deref())?;
    let secret = new_secret();
    let row = store::webhooks::insert(
        tx,
        &NewEndpoint {
            agency_id,
            id: Uuid::now_v7(),
            url: url.as_str(),
            description: description.as_deref(),
            event_types: types.as_slice(),
            secret_enc: &keys.cipher.encrypt(&secret),
            created_by,
            created_at: now,
        },
    )
    .await?;
    let change = Change::created("webhook.create", "webhook", row.id, snapshot(&row));
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    Ok((row, secret))
}

/// The agency's endpoints, the newest first.
pub async fn list(tx: &mut PgConnection, actor: &Actor) -> Result<Vec<EndpointRow>, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    Ok(store::webhooks::list(tx, agency_id).await?)
}

/// The agency's endpoint (another agency's, or a removed one, is not found).
pub async fn get(tx: &mut PgConnection, actor: &Actor, id: Uuid) -> Result<EndpointRow, ServiceError> {
    load(tx, actor, id, false).await
}

async fn load(tx: &mut PgConnection, actor: &Actor, id: Uuid, lock: bool) -> Result<EndpointRow, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    store::webhooks::get(tx, agency_id, id, lock).await?.ok_or(ServiceError::NotFound)
}

/// What a change of an endpoint changes; `None` keeps a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub url: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<EventType>>,
    pub active: Option<bool>,
    /// Make a new secret (returned once); the former signs for [`ROTATION_GRACE`] more.
    pub rotate_secret: bool,
}

/// Changes the endpoint; returns it, with its new secret when one was made.
pub async fn update(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    changes: Changes,
    keys: Keys<'_>,
    now: DateTime<Utc>,
) -> Result<(EndpointRow, Option<String>), ServiceError> {
    let before = load(tx, actor, id, true).await?;
    let mut row = before.clone();
    if let Some(url) = &changes.url {
        row.url = url_of(url, keys.allow_http)?.as_str().to_owned();
    }
    if let Some(description) = &changes.description {
        row.description = description_of(description.as_deref())?;
    }
    if let Some(types) = changes.event_types {
        row.event_types = types_of(types)?.into_vec();
    }
    if let Some(active) = changes.active {
        row.active = active;
    }
    row.updated_at = now;
    store::webhooks::save(tx, &row).await?;
    if before.active && !row.active {
        store::webhooks::fail_pending(tx, row.agency_id, row.id, "the endpoint was deactivated").await?;
    }
    let secret = if changes.rotate_secret {
        let secret = new_secret();
        let until = now + ROTATION_GRACE;
        store::webhooks::rotate_secret(tx, row.agency_id, row.id, &keys.cipher.encrypt(&secret), now, until).await?;
        row.previous_expires_at = Some(until);
        Some(secret)
    } else {
        None
    };
    let mut after = snapshot(&row);
    if secret.is_some() {
        // That it changed, never what it is.
        after["secret_rotated"] = json!(true);
    }
    let change = Change::updated("webhook.update", "webhook", row.id, &snapshot(&before), &after);
    audit::record(tx, actor, change.in_agency(Some(row.agency_id))).await?;
    Ok((row, secret))
}

/// Removes the endpoint (kept, hidden: it receives nothing more, and its pending
/// deliveries are given up).
pub async fn delete(tx: &mut PgConnection, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let before = load(tx, actor, id, true).await?;
    store::webhooks::remove(tx, before.agency_id, before.id, now).await?;
    store::webhooks::fail_pending(tx, before.agency_id, before.id, "the endpoint was removed").await?;
    let change = Change::updated("webhook.delete", "webhook", before.id, &snapshot(&before), &json!({"deleted": true}));
    audit::record(tx, actor, change.in_agency(Some(before.agency_id))).await?;
    Ok(())
}

/// A delivery with its attempts, in order.
#[derive(Debug, Clone)]
pub struct DeliveryWithAttempts {
    pub delivery: DeliveryRow,
    pub attempts: Vec<AttemptRow>,
}

/// The endpoint's deliveries (of a status, or all), the newest first, at most `limit`,
/// after the `(created_at, id)` of a cursor.
pub async fn deliveries(
    tx: &mut PgConnection,
    actor: &Actor,
    endpoint_id: Uuid,
    status: Option<DeliveryStatus>,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<DeliveryWithAttempts>, ServiceError> {
    let endpoint = load(tx, actor, endpoint_id, false).await?;
    let filter = DeliveryFilter { agency_id: endpoint.agency_id, endpoint_id, status, before };
    let rows = store::webhooks::deliveries(tx, &filter, limit).await?;
    with_attempts(tx, endpoint.agency_id, rows).await
}

async fn with_attempts(
    tx: &mut PgConnection,
    agency_id: Uuid,
    rows: Vec<DeliveryRow>,
) -> Result<Vec<DeliveryWithAttempts>, ServiceError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut attempts = store::webhooks::attempts_of(tx, agency_id, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|delivery| {
            let (mine, rest) = attempts.drain(..).partition(|a| a.delivery_id == delivery.id);
            attempts = rest;
            DeliveryWithAttempts { delivery, attempts: mine }
        })
        .collect())
}

/// Sends the delivery again: pending, due now, with the same event (and event id) and a
/// new day of retries. Any status may be replayed — a succeeded delivery too, for a
/// receiver that lost it.
pub async fn replay(
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<DeliveryWithAttempts, ServiceError> {
    let agency_id = actor.agency_id.ok_or(ServiceError::NotFound)?;
    let before = store::webhooks::delivery(tx, agency_id, id, true).await?.ok_or(ServiceError::NotFound)?;
    store::webhooks::replay(tx, agency_id, id, now).await?;
    let after = store::webhooks::delivery(tx, agency_id, id, false).await?.ok_or(ServiceError::NotFound)?;
    let change = Change::updated(
        "webhook_delivery.replay",
        "webhook_delivery",
        id,
        &json!({ "status": before.status, "next_attempt_at": before.next_attempt_at }),
        &json!({ "status": after.status, "next_attempt_at": after.next_attempt_at,
                 "event_id": after.event_id, "webhook_id": after.endpoint_id }),
    );
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    let mut one = with_attempts(tx, agency_id, vec![after]).await?;
    one.pop().ok_or(ServiceError::NotFound)
}

/// What the audit trail keeps of an endpoint: never its secret.
fn snapshot(row: &EndpointRow) -> serde_json::Value {
    json!({
        "url": row.url, "description": row.description, "event_types": row.event_types, "active": row.active,
    })
}

fn url_of(raw: &str, allow_http: bool) -> Result<EndpointUrl, ServiceError> {
    EndpointUrl::parse(raw, allow_http).map_err(|e| ServiceError::invalid("url", e))
}

fn types_of(types: Vec<EventType>) -> Result<EventTypes, ServiceError> {
    EventTypes::parse(types).map_err(|e| ServiceError::invalid("event_types", e))
}

fn description_of(description: Option<&str>) -> Result<Option<String>, ServiceError> {
    match description.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) if d.chars().count() > 200 => {
            Err(ServiceError::invalid("description", "must be at most 200 characters"))
        }
        Some(d) => Ok(Some(d.to_owned())),
    }
}

/// `whsec_` and 32 random bytes in hex.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_long() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
        assert!(a[6..].bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn a_description_is_trimmed_and_bounded() {
        assert_eq!(description_of(Some("  CRM  ")).unwrap().as_deref(), Some("CRM"));
        assert_eq!(description_of(Some("   ")).unwrap(), None);
        assert!(description_of(Some(&"x".repeat(201))).is_err());
    }
}
