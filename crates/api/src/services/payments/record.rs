//! Recording a payment (`POST /payments`): its starting status by the domain's intake
//! rule, then what that status does — money in hand posts (or waits unapplied), a
//! backdated payment asks the managers, a card waits for its processor.

use super::{fee_of, fee_paid, notify_deciders, post_to_account, refused, suspend, OpenFee};
use crate::{
    audit::{self, Actor, Change},
    services::{book::LockedAccount, webhooks, Refusal, ServiceError},
    store::{
        self,
        accounts::Reach,
        idempotency::KeyOf,
        ledger::Links,
        payments::{posting, AllocationRow, NewPayment, PaymentRow},
    },
    webhooks::events::PaymentEventData,
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    fee::FeeCause,
    ledger::{Entry, EntryKind},
    payment::{self, Metadata, PaymentCause, PaymentMethod, PaymentStatus},
    webhook::EventType,
    Money,
};
use debtflow_wire::payments::Payment;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// A payment as a clerk or a client reports it.
#[derive(Debug, Clone)]
pub struct RecordPayment {
    pub account_id: Uuid,
    pub amount: Decimal,
    pub method: PaymentMethod,
    pub paid_on: NaiveDate,
    /// The bank's UTR or the processor's id; unique within the agency.
    pub reference: Option<String>,
    pub metadata: Metadata,
}

/// What must run before [`record`], in the transaction's opening message (see
/// `idempotency::begin_then`): the lock of the account the payment names.
pub fn opening(reach: Reach, account_id: Uuid) -> String {
    posting::lock(reach, account_id)
}

/// Where [`record`] saves the request's answer with the payment: the idempotency key
/// and the answer's status.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub key: KeyOf<'a>,
    pub status: i16,
}

/// The recorded payment, and the answer saved with it (its JSON body), if it was.
#[derive(Debug)]
pub struct Recorded {
    pub payment: PaymentRow,
    pub answer: Option<Vec<u8>>,
}

/// Records the payment. A payment dated further back than the agency's approval window
/// (its setting, or `default_window`, the server's, when it chose none) waits for a
/// manager.
pub async fn record(
    tx: &mut PgConnection,
    actor: &Actor,
    reach: Reach,
    cmd: RecordPayment,
    default_window: u32,
    now: DateTime<Utc>,
) -> Result<PaymentRow, ServiceError> {
    store::accounts::lock_money(tx, reach, cmd.account_id, now).await?;
    Ok(record_locked(tx, None, actor, reach, cmd, default_window, now).await?.payment)
}

/// [`record`], the account locked already ([`opening`] travelled with the idempotency
/// claim), and the request's `answer` saved with the payment when it posts at once.
///
/// One statement reads what the rules need; money that posts at once onto an account
/// without an active plan and leaves it owing — the common case — is then written whole
/// in one more ([`post_at_once`]); anything else (a plan to pay, an account to settle,
/// unapplied money, a payment to approve or confirm) takes the step-by-step path.
pub async fn record_locked(
    tx: &mut PgConnection,
    answer: Option<Answer<'_>>,
    actor: &Actor,
    reach: Reach,
    cmd: RecordPayment,
    default_window: u32,
    now: DateTime<Utc>,
) -> Result<Recorded, ServiceError> {
    let intake = posting::read(tx, reach, cmd.account_id, actor.user_id, now)
        .await?
        .ok_or_else(|| ServiceError::invalid("account_id", "no such account"))?;
    let mut account = LockedAccount::of(intake.account.clone(), now)?;
    let approval_after_days = account.settings.approval_after_days(default_window);
    let amount = account.amount("amount", cmd.amount)?;
    let new = payment::NewPayment { amount, method: cmd.method, paid_on: cmd.paid_on };
    let status = if account.book.takes_payments() {
        let available = account.money(account.book.balance().amount() - intake.pending)?;
        payment::intake(&new, account.today, approval_after_days, available)
    } else {
        payment::intake_unworked(&new, account.today, approval_after_days)
    }
    .map_err(|e| refused(e, PaymentCause::Confirmed))?;

    let reference = cmd.reference.as_deref().map(str::trim);
    let metadata = serde_json::to_value(&cmd.metadata).unwrap_or_default();
    if status == PaymentStatus::Completed && !intake.plan_active && !settles(&account, amount)? {
        let row = PaymentRow {
            agency_id: account.agency_id,
            id: Uuid::now_v7(),
            account_id: account.id,
            amount: amount.amount(),
            currency: account.currency.code().to_owned(),
            method: cmd.method,
            status,
            paid_on: cmd.paid_on,
            reference: reference.map(str::to_owned),
            refunded_amount: Decimal::ZERO,
            metadata,
            recorded_by: actor.user_id,
            collector_id: account.collector_id,
            decided_by: None,
            decided_at: None,
            created_at: intake.created_at,
            recorded_by_name: intake.recorded_by_name.clone(),
            account_ref: intake.account_ref.clone(),
            debtor_name: intake.debtor_name.clone(),
        };
        let answered = post_at_once(tx, answer, actor, &mut account, &intake, &row, now).await?;
        return Ok(Recorded { payment: row, answer: answered });
    }

    let row = NewPayment {
        agency_id: account.agency_id,
        account_id: account.id,
        amount: amount.amount(),
        currency: account.currency.code(),
        method: cmd.method,
        status,
        paid_on: cmd.paid_on,
        reference,
        metadata: &metadata,
        recorded_by: actor.user_id,
        collector_id: if status == PaymentStatus::Completed { account.collector_id } else { None },
    };
    let Some(payment) = store::payments::insert(tx, &row).await? else {
        return Err(duplicate(tx, account.agency_id, reference).await);
    };
    match status {
        PaymentStatus::Completed => post_to_account(tx, actor, &mut account, &payment, EntryKind::Payment, now).await?,
        PaymentStatus::Unapplied => suspend(tx, actor, &mut account, &payment).await?,
        PaymentStatus::PendingApproval => {
            let body = format!("A payment of {amount} dated {} needs approval before it posts.", payment.paid_on);
            let title = "Backdated payment to approve";
            notify_deciders(tx, account.agency_id, payment.id, NotificationKind::PaymentPendingApproval, title, &body)
                .await?;
        }
        _ => {}
    }
    audit::record(tx, actor, Change::created("payment.create", "payment", payment.id, snapshot(&payment, amount)))
        .await?;
    webhooks::payment_changed(tx, None, &payment, now).await?;
    Ok(Recorded { payment, answer: None })
}

/// Whether `amount` posted would leave the account owing nothing (it settles).
fn settles(account: &LockedAccount, amount: Money) -> Result<bool, ServiceError> {
    let mut book = account.book.clone();
    book.post(&Entry::of(EntryKind::Payment, amount)?)?;
    Ok(book.settle_if_paid().is_some())
}

/// 409: the agency has a payment with this reference.
async fn duplicate(tx: &mut PgConnection, agency_id: Uuid, reference: Option<&str>) -> ServiceError {
    let reference = reference.unwrap_or_default().to_owned();
    match store::payments::by_reference(tx, agency_id, &reference).await {
        Ok(existing) => Refusal::DuplicateReference { reference, existing }.into(),
        Err(e) => e.into(),
    }
}

/// The audit trail's record of the new payment.
fn snapshot(payment: &PaymentRow, amount: Money) -> serde_json::Value {
    json!({
        "account_id": payment.account_id, "amount": amount.amount(), "method": payment.method,
        "status": payment.status, "paid_on": payment.paid_on, "reference": payment.reference,
    })
}

/// [`post_to_account`] and the rest of [`record`] for a completed payment onto an
/// account with no active plan that it does not settle, computed here and written in
/// one statement (`posting::write`) with the request's answer. Returns the answer's
/// body when it was saved.
async fn post_at_once(
    tx: &mut PgConnection,
    answer: Option<Answer<'_>>,
    actor: &Actor,
    account: &mut LockedAccount,
    intake: &posting::Intake,
    payment: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, ServiceError> {
    let amount = account.money(payment.amount)?;
    let mut fees = Vec::with_capacity(intake.fee_ids.len());
    let mut open = Vec::with_capacity(fees.capacity());
    let mut principal = account.book.balance();
    for (i, id) in intake.fee_ids.iter().enumerate() {
        let fee = OpenFee {
            id: *id,
            amount: intake.fee_amounts[i],
            paid_amount: intake.fee_paid[i],
            waived_amount: intake.fee_waived[i],
            status: intake.fee_statuses[i],
        };
        let owed = account.money(fee.outstanding())?;
        principal = principal.checked_sub(owed)?;
        open.push((fee.id, owed));
        fees.push(fee);
    }
    let allocation = payment::allocate(amount, principal, &open, account.settings.payment_allocation)
        .map_err(|e| refused(e, PaymentCause::Confirmed))?;

    // The money is credited to the account's collector (their collected figures).
    let entry = Entry::of(EntryKind::Payment, amount)?;
    let links = Links { payment_id: Some(payment.id), collector_id: account.collector_id, ..Links::default() };
    let entry_id = Uuid::now_v7();
    account.book.post(&entry)?;
    let parts: Vec<AllocationRow> = allocation
        .iter()
        .enumerate()
        .map(|(i, (part, m))| AllocationRow { position: i as i16, fee_id: fee_of(part), amount: m.amount() })
        .collect();
    let mut paid = Vec::new();
    for fee in &fees {
        let Some(part) = parts.iter().find(|r| r.fee_id == Some(fee.id)) else { continue };
        paid.push(fee_paid(fee, fee.paid_amount + part.amount, FeeCause::Payment)?);
    }
    let commission = match (account.collector_id, account.commission_rate) {
        (Some(collector), Some(rate)) => {
            let commission = payment::commission(amount, rate)?;
            let links = Links { payment_id: Some(payment.id), collector_id: Some(collector), ..Links::default() };
            commission.is_positive().then(|| Entry::of(EntryKind::Commission, commission).map(|e| (e, links)))
        }
        _ => None,
    }
    .transpose()?;
    if let Some((entry, _)) = &commission {
        account.book.post(entry)?;
    }
    let mut entries = vec![posting::Posted { id: entry_id, entry: &entry, links }];
    if let Some((entry, links)) = &commission {
        entries.push(posting::Posted { id: Uuid::now_v7(), entry, links: *links });
    }

    let event = json!({ "payment_id": payment.id, "amount": amount.amount(), "method": payment.method });
    let notice_body = format!("A payment of {amount} ({}) was posted to the account.", payment.method);
    let notices = account
        .collector_id
        .filter(|c| actor.user_id != Some(*c))
        .map(|collector| posting::Notice {
            recipient_id: collector,
            kind: NotificationKind::PaymentReceived.as_str(),
            title: "Payment received",
            body: &notice_body,
            entity_type: Some("account"),
            entity_id: Some(account.id.to_string()),
            idempotency_key: format!("payment:{}:received", payment.id),
        })
        .into_iter()
        .collect();

    let change = Change::created("payment.create", "payment", payment.id, snapshot(payment, amount));
    let audit = audit::entry(actor, &change);
    // `payment.completed`, as `webhooks::payment_changed` emits it for a new payment.
    let shown = Payment::from(payment.clone());
    let webhook = PaymentEventData { payment: shown.clone(), refund: None };
    let webhook = serde_json::to_value(webhook).map_err(ServiceError::invariant)?;
    let body = match answer {
        Some(_) => Some(serde_json::to_vec(&shown).map_err(ServiceError::invariant)?),
        None => None,
    };

    let written = posting::write(
        tx,
        &posting::Posting {
            agency_id: account.agency_id,
            payment: posting::Payment {
                id: payment.id,
                account_id: payment.account_id,
                amount: payment.amount,
                currency: &payment.currency,
                method: payment.method,
                status: payment.status,
                paid_on: payment.paid_on,
                reference: payment.reference.as_deref(),
                metadata: &payment.metadata,
                recorded_by: payment.recorded_by,
                collector_id: payment.collector_id,
                created_at: payment.created_at,
            },
            entries,
            allocation: Some((entry_id, parts)),
            fees: paid,
            event: ("payment", None, event),
            actor_id: actor.user_id,
            notices,
            audit,
            webhook: (EventType::PaymentCompleted, vec![webhook]),
            now,
            answer: answer.zip(body.clone()).map(|(a, body)| (a.key, a.status, body)),
        },
    )
    .await?;
    if !written {
        return Err(duplicate(tx, account.agency_id, payment.reference.as_deref()).await);
    }
    Ok(body)
}
