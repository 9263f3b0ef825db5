//! Recording a payment (`POST /payments`): its starting status by the domain's intake
//! rule, then what that status does — money in hand posts (or waits unapplied), a
//! backdated payment asks the managers, a card waits for its processor.

use super::{available, notify_deciders, post_to_account, refused, suspend};
use crate::{
    audit::{self, Actor, Change},
    services::{book::LockedAccount, webhooks, Refusal, ServiceError},
    store::{
        self,
        accounts::Reach,
        payments::{NewPayment, PaymentRow},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    ledger::EntryKind,
    payment::{self, Metadata, PaymentCause, PaymentMethod, PaymentStatus},
};
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
    let mut account = LockedAccount::lock(tx, reach, cmd.account_id, now)
        .await?
        .ok_or_else(|| ServiceError::invalid("account_id", "no such account"))?;
    let approval_after_days = account.settings.approval_after_days(default_window);
    let amount = account.amount("amount", cmd.amount)?;
    let intake = payment::NewPayment { amount, method: cmd.method, paid_on: cmd.paid_on };
    let status = if account.book.takes_payments() {
        let available = available(tx, &account, None).await?;
        payment::intake(&intake, account.today, approval_after_days, available)
    } else {
        payment::intake_unworked(&intake, account.today, approval_after_days)
    }
    .map_err(|e| refused(e, PaymentCause::Confirmed))?;

    let reference = cmd.reference.as_deref().map(str::trim);
    let row = NewPayment {
        agency_id: account.agency_id,
        account_id: account.id,
        amount: amount.amount(),
        currency: account.currency.code(),
        method: cmd.method,
        status,
        paid_on: cmd.paid_on,
        reference,
        metadata: &serde_json::to_value(&cmd.metadata).unwrap_or_default(),
        recorded_by: actor.user_id,
        collector_id: if status == PaymentStatus::Completed { account.collector_id } else { None },
    };
    let Some(payment) = store::payments::insert(tx, &row).await? else {
        let reference = reference.unwrap_or_default().to_owned();
        let existing = store::payments::by_reference(tx, account.agency_id, &reference).await?;
        return Err(Refusal::DuplicateReference { reference, existing }.into());
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
    let snapshot = json!({
        "account_id": payment.account_id, "amount": amount.amount(), "method": payment.method,
        "status": payment.status, "paid_on": payment.paid_on, "reference": payment.reference,
    });
    audit::record(tx, actor, Change::created("payment.create", "payment", payment.id, snapshot)).await?;
    webhooks::payment_changed(tx, None, &payment, now).await?;
    Ok(payment)
}
