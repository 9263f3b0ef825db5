//! Posting money: what happens, in the caller's transaction, when a payment posts, a
//! payment is refunded, a fee is assessed or waived — including what a payment does to
//! the account's active payment plan.
//!
//! Each function takes the account locked ([`store::accounts::lock_money`]), asks the
//! domain for the rule (`debtflow_domain::{payment, ledger}`), and writes the journal
//! entry, the account's new balance, the allocation, the commission and the timeline
//! event together. Handlers (and the processor webhook) call these; they hold no
//! money rule themselves.

use crate::{
    audit::{self, Actor, Change},
    problem::ApiError,
    services::{Entity, Refusal},
    store::{
        self,
        account_events::NewEvent,
        accounts::MoneyAccount,
        fees::FeeRow,
        ledger::Links,
        payments::{AllocationRow, PaymentRow},
    },
};
use debtflow_domain::{
    account::status::Cause,
    fee::{FeeKind, FeeStatus},
    ledger::{Entry, EntryKind, LedgerError},
    payment::{self, Part, PaymentError, PaymentStatus},
    plan::PlanStatus,
    AccountStatus, Currency, Money, MoneyError,
};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

impl From<LedgerError> for ApiError {
    fn from(err: LedgerError) -> Self {
        // The domain builds every entry; one that does not balance is a bug.
        ApiError::internal(err)
    }
}

impl From<MoneyError> for ApiError {
    fn from(err: MoneyError) -> Self {
        ApiError::internal(err)
    }
}

/// A payment rule broken by the request: a 422 on `field`, or a 409 for a payment
/// in the wrong status.
pub fn refused(field: &'static str, err: PaymentError) -> ApiError {
    match err {
        PaymentError::WrongStatus(status) => ApiError::Refused(Refusal::wrong_status(
            Entity::Payment,
            status,
            "a refund",
            [PaymentStatus::Completed, PaymentStatus::PartiallyRefunded],
        )),
        PaymentError::Money(err) => ApiError::internal(err),
        other => ApiError::field(field, other.to_string()),
    }
}

impl MoneyAccount {
    pub fn currency(&self) -> Result<Currency, ApiError> {
        Currency::parse(&self.currency).map_err(ApiError::internal)
    }

    /// An amount of the account's currency read from the database.
    pub fn money(&self, amount: Decimal) -> Result<Money, ApiError> {
        Ok(Money::new(amount, self.currency()?)?)
    }

    pub fn balance(&self) -> Result<Money, ApiError> {
        self.money(self.current_balance)
    }

    pub fn status(&self) -> AccountStatus {
        self.status.0
    }

    /// 409 unless the account is being worked (`AccountStatus::takes_payments`).
    pub fn ensure_takes_payments(&self) -> Result<(), ApiError> {
        if self.status().takes_payments() {
            Ok(())
        } else {
            Err(ApiError::Refused(Refusal::AccountTakesNoPayments { status: self.status() }))
        }
    }
}

/// Posts a payment that is now money in hand (cash at once, a card the processor
/// confirmed, a backdated payment a manager approved): pays fees and principal in the
/// agency's order, posts the collector's commission, completes the payment, and
/// settles the account when nothing is left owing.
pub async fn post_payment(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    payment: &PaymentRow,
    decided_by: Option<Uuid>,
    actor: &Actor,
) -> Result<(), ApiError> {
    let amount = account.money(payment.amount)?;
    account.ensure_takes_payments()?;
    payment::check_covered(amount, account.balance()?).map_err(|e| refused("amount", e))?;
    let fees = store::fees::list(tx, account.agency_id, account.id, true).await?;
    let mut open = Vec::with_capacity(fees.len());
    let mut principal = account.balance()?;
    for fee in &fees {
        let owed = account.money(fee.outstanding())?;
        principal = principal.checked_sub(owed)?;
        open.push((fee.id, owed));
    }
    let allocation =
        payment::allocate(amount, principal, &open, account.allocation_order.0).map_err(|e| refused("amount", e))?;

    let links = Links { payment_id: Some(payment.id), ..Links::default() };
    let entry_id =
        store::ledger::post(tx, account.agency_id, account.id, &Entry::of(EntryKind::Payment, amount)?, links).await?;
    let rows: Vec<AllocationRow> = allocation
        .iter()
        .enumerate()
        .map(|(i, (part, m))| AllocationRow { position: i as i16, fee_id: fee_of(part), amount: m.amount() })
        .collect();
    store::payments::add_allocations(tx, account.agency_id, payment.id, entry_id, &rows).await?;
    let paid_fees: Vec<(Uuid, Decimal)> = rows.iter().filter_map(|r| r.fee_id.map(|f| (f, r.amount))).collect();
    store::fees::add_paid(tx, account.agency_id, &paid_fees).await?;

    if let (Some(collector), Some(rate)) = (account.collector_id, account.commission_rate) {
        let commission = payment::commission(amount, rate)?;
        if commission.is_positive() {
            let links = Links { payment_id: Some(payment.id), collector_id: Some(collector), ..Links::default() };
            let entry = Entry::of(EntryKind::Commission, commission)?;
            store::ledger::post(tx, account.agency_id, account.id, &entry, links).await?;
        }
    }
    store::payments::complete(tx, account.agency_id, payment.id, account.collector_id, decided_by).await?;
    account.current_balance -= amount.amount();
    let data = json!({ "payment_id": payment.id, "amount": amount.amount(), "method": payment.method.0 });
    event(tx, account, "payment", actor, None, data).await?;
    pay_into_plan(tx, account, payment.id, amount, actor).await?;
    settle_if_paid(tx, account, actor).await
}

/// The active plan's installments take the payment, oldest first (overpayment rolls
/// forward). Once every installment is paid the plan completes: a settlement plan's
/// remaining balance is written off (the account then settles); otherwise an account
/// that still owes (fees added since) goes back to NEGOTIATING.
async fn pay_into_plan(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    payment_id: Uuid,
    amount: Money,
    actor: &Actor,
) -> Result<(), ApiError> {
    let Some(plan) = store::plans::active(tx, account.agency_id, account.id).await? else {
        return Ok(());
    };
    let mut open = Vec::new();
    for (_, i) in store::plans::installments(tx, account.agency_id, &[plan.id]).await? {
        let owed = account.money(i.amount - i.paid_amount)?;
        if owed.is_positive() {
            open.push((i.seq, owed));
        }
    }
    let (parts, _) = debtflow_domain::plan::allocate(amount, &open)?;
    let rows: Vec<(i16, Decimal)> = parts.iter().map(|(seq, m)| (*seq, m.amount())).collect();
    store::plans::add_paid(tx, account.agency_id, plan.id, payment_id, &rows).await?;
    let owed: Decimal =
        open.iter().map(|(_, m)| m.amount()).sum::<Decimal>() - rows.iter().map(|r| r.1).sum::<Decimal>();
    if !owed.is_zero() {
        return Ok(());
    }
    store::plans::set_status(
        tx,
        account.agency_id,
        plan.id,
        PlanStatus::Completed,
        None,
        Some("every installment paid"),
    )
    .await?;
    plan_event(tx, account.agency_id, account.id, actor, plan.id, "completed", None).await?;
    if plan.settlement && account.current_balance > Decimal::ZERO {
        let rest = account.balance()?;
        store::ledger::post(
            tx,
            account.agency_id,
            account.id,
            &Entry::of(EntryKind::WriteOff, rest)?,
            Links::default(),
        )
        .await?;
        account.current_balance = Decimal::ZERO;
        let data = json!({ "plan_id": plan.id, "action": "written_off", "amount": rest.amount() });
        event(tx, account, "plan", actor, Some("settlement discount written off"), data).await?;
    } else if account.current_balance > Decimal::ZERO && account.status() == AccountStatus::PaymentPlan {
        let why = "payment plan completed; a balance remains";
        move_account(tx, account, actor, AccountStatus::Negotiating, Cause::PlanEnded, why).await?;
    }
    Ok(())
}

/// A refund takes back from plan installments what the refunded payment paid into
/// them, newest first; a completed plan whose balance was not written off is active
/// again.
async fn take_back_from_plans(
    tx: &mut PgConnection,
    account: &MoneyAccount,
    payment_id: Uuid,
    amount: Money,
    actor: &Actor,
) -> Result<(), ApiError> {
    let held = store::plans::paid_by(tx, account.agency_id, payment_id).await?;
    let mut left = amount;
    let mut plan_ids: Vec<Uuid> = held.iter().map(|h| h.0).collect();
    plan_ids.dedup();
    for plan_id in plan_ids {
        let mut parts = Vec::new();
        for (_, seq, paid) in held.iter().filter(|h| h.0 == plan_id) {
            parts.push((*seq, account.money(*paid)?));
        }
        let (back, rest) = debtflow_domain::plan::unallocate(left, &parts)?;
        left = rest;
        let rows: Vec<(i16, Decimal)> = back.iter().map(|(seq, m)| (*seq, -m.amount())).collect();
        store::plans::add_paid(tx, account.agency_id, plan_id, payment_id, &rows).await?;
        let reach = store::accounts::Reach { agency_id: Some(account.agency_id), collector_id: None };
        let plan = store::plans::get(tx, reach, plan_id, true).await?.ok_or(ApiError::NotFound)?;
        if plan.status.0 == PlanStatus::Completed && !plan.settlement && !rows.is_empty() {
            store::plans::set_status(tx, account.agency_id, plan_id, PlanStatus::Active, None, None).await?;
            plan_event(tx, account.agency_id, account.id, actor, plan_id, "reopened", Some("a payment was refunded"))
                .await?;
        }
    }
    Ok(())
}

/// Refunds `amount` of a posted payment: a reversing entry, the allocation unwound
/// (last-paid parts first, reopening fees), the commission reversed pro rata, and a
/// settled account returned to the status it was settled from. Returns the
/// payment's new status.
pub async fn refund_payment(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    payment: &PaymentRow,
    amount: Money,
    reason: &str,
    actor: &Actor,
) -> Result<PaymentStatus, ApiError> {
    let paid = account.money(payment.amount)?;
    let before = account.money(payment.refunded_amount)?;
    let status = payment::refund(payment.status.0, paid, before, amount).map_err(|e| refused("amount", e))?;

    let net = store::payments::net_allocation(tx, account.agency_id, payment.id).await?;
    let mut allocation = Vec::with_capacity(net.len());
    for row in net.iter().filter(|r| r.amount > Decimal::ZERO) {
        allocation.push((row.fee_id.map_or(Part::Principal, Part::Fee), account.money(row.amount)?));
    }
    let back = payment::unwind(amount, &allocation).map_err(|e| refused("amount", e))?;

    let entries = store::ledger::payment_entries(tx, account.agency_id, payment.id).await?;
    let links = Links { payment_id: Some(payment.id), reverses: entries.payment_entry, ..Links::default() };
    let entry_id =
        store::ledger::post(tx, account.agency_id, account.id, &Entry::of(EntryKind::Refund, amount)?, links).await?;
    let rows: Vec<AllocationRow> = back
        .iter()
        .map(|(part, m)| {
            let position = net.iter().find(|r| r.fee_id == fee_of(part)).map_or(0, |r| r.position);
            AllocationRow { position, fee_id: fee_of(part), amount: -m.amount() }
        })
        .collect();
    store::payments::add_allocations(tx, account.agency_id, payment.id, entry_id, &rows).await?;
    let reopened: Vec<(Uuid, Decimal)> = rows.iter().filter_map(|r| r.fee_id.map(|f| (f, r.amount))).collect();
    store::fees::add_paid(tx, account.agency_id, &reopened).await?;

    if entries.commission > Decimal::ZERO {
        let reversal = payment::commission_reversal(account.money(entries.commission)?, paid, before, amount)?;
        if reversal.is_positive() {
            let links = Links {
                payment_id: Some(payment.id),
                reverses: entries.commission_entry,
                collector_id: entries.commission_collector,
                ..Links::default()
            };
            let entry = Entry::of(EntryKind::CommissionReversal, reversal)?;
            store::ledger::post(tx, account.agency_id, account.id, &entry, links).await?;
        }
    }
    let refunded = before.checked_add(amount)?;
    store::payments::record_refund(tx, account.agency_id, payment.id, status, refunded.amount()).await?;
    account.current_balance += amount.amount();
    let data = json!({ "payment_id": payment.id, "amount": amount.amount() });
    event(tx, account, "refund", actor, Some(reason), data).await?;
    take_back_from_plans(tx, account, payment.id, amount, actor).await?;
    reopen_if_settled(tx, account, actor).await?;
    Ok(status)
}

/// Assesses a fee: it raises the balance at once.
pub async fn assess_fee(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    kind: FeeKind,
    amount: Money,
    reason: &str,
    actor: &Actor,
) -> Result<FeeRow, ApiError> {
    if matches!(account.status(), AccountStatus::Settled | AccountStatus::Closed) {
        return Err(ApiError::Refused(Refusal::AccountTakesNoFees { status: account.status() }));
    }
    let id = Uuid::now_v7();
    let assessed_by = actor.user_id.ok_or(ApiError::Forbidden)?;
    let fee =
        store::fees::insert(tx, account.agency_id, id, account.id, kind, amount.amount(), reason, assessed_by).await?;
    let links = Links { fee_id: Some(id), ..Links::default() };
    store::ledger::post(tx, account.agency_id, account.id, &Entry::of(EntryKind::Fee, amount)?, links).await?;
    account.current_balance += amount.amount();
    let data = json!({ "fee_id": id, "kind": kind, "amount": amount.amount(), "action": "assessed" });
    event(tx, account, "fee", actor, Some(reason), data).await?;
    Ok(fee)
}

/// Waives what a waiting fee still owes: a reversing entry for that part.
pub async fn waive_fee(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    fee_id: Uuid,
    reason: &str,
    actor: &Actor,
) -> Result<FeeRow, ApiError> {
    let fee = store::fees::get(tx, account.agency_id, account.id, fee_id, true).await?.ok_or(ApiError::NotFound)?;
    if fee.status.0 != FeeStatus::Waiting {
        return Err(ApiError::Refused(Refusal::wrong_status(
            Entity::Fee,
            fee.status.0,
            "a waiver",
            [FeeStatus::Waiting],
        )));
    }
    let owed = account.money(fee.outstanding())?;
    let reverses = store::ledger::fee_entry(tx, account.agency_id, fee_id).await?;
    let links = Links { fee_id: Some(fee_id), reverses, ..Links::default() };
    store::ledger::post(tx, account.agency_id, account.id, &Entry::of(EntryKind::FeeWaiver, owed)?, links).await?;
    let by = actor.user_id.ok_or(ApiError::Forbidden)?;
    let fee = store::fees::waive(tx, account.agency_id, fee_id, by, reason).await?;
    account.current_balance -= owed.amount();
    let data = json!({ "fee_id": fee_id, "kind": fee.kind.0, "amount": owed.amount(), "action": "waived" });
    event(tx, account, "fee", actor, Some(reason), data).await?;
    settle_if_paid(tx, account, actor).await?;
    Ok(fee)
}

fn fee_of(part: &Part<Uuid>) -> Option<Uuid> {
    match part {
        Part::Principal => None,
        Part::Fee(id) => Some(*id),
    }
}

/// SETTLED once nothing is owed.
async fn settle_if_paid(tx: &mut PgConnection, account: &mut MoneyAccount, actor: &Actor) -> Result<(), ApiError> {
    let from = account.status();
    if !account.current_balance.is_zero() || !from.takes_payments() {
        return Ok(());
    }
    let to = from.transition(AccountStatus::Settled, Cause::Settlement).map_err(ApiError::internal)?;
    store::accounts::set_settlement(tx, account.agency_id, account.id, to, Some(from)).await?;
    account.status.0 = to;
    account.settled_from = Some(from.as_str().to_owned());
    status_changed(tx, account, actor, from, to, "the balance reached zero").await
}

/// A refund reopens a settled account in the status it was settled from.
async fn reopen_if_settled(tx: &mut PgConnection, account: &mut MoneyAccount, actor: &Actor) -> Result<(), ApiError> {
    let from = account.status();
    let Some(back) = account.settled_from.as_deref().and_then(|s| s.parse::<AccountStatus>().ok()) else {
        return Ok(());
    };
    if from != AccountStatus::Settled {
        return Ok(());
    }
    let to = from.transition(back, Cause::Refund).map_err(ApiError::internal)?;
    store::accounts::set_settlement(tx, account.agency_id, account.id, to, None).await?;
    account.status.0 = to;
    account.settled_from = None;
    status_changed(tx, account, actor, from, to, "a refund reopened the balance").await
}

/// Moves the account for `cause` (plan activated or ended), on the timeline and in the
/// audit trail.
pub async fn move_account(
    tx: &mut PgConnection,
    account: &mut MoneyAccount,
    actor: &Actor,
    to: AccountStatus,
    cause: Cause,
    why: &str,
) -> Result<(), ApiError> {
    let from = account.status();
    from.transition(to, cause).map_err(ApiError::internal)?;
    store::accounts::set_status(tx, account.agency_id, account.id, to).await?;
    account.status.0 = to;
    status_changed(tx, account, actor, from, to, why).await
}

/// A plan's step on its account's timeline.
pub async fn plan_event(
    tx: &mut PgConnection,
    agency_id: Uuid,
    account_id: Uuid,
    actor: &Actor,
    plan_id: Uuid,
    action: &str,
    body: Option<&str>,
) -> Result<(), ApiError> {
    let data = json!({ "plan_id": plan_id, "action": action });
    let event = NewEvent { agency_id, account_id, kind: "plan", actor_id: actor.user_id, body, data };
    store::account_events::insert(tx, &event).await?;
    Ok(())
}

async fn status_changed(
    tx: &mut PgConnection,
    account: &MoneyAccount,
    actor: &Actor,
    from: AccountStatus,
    to: AccountStatus,
    why: &str,
) -> Result<(), ApiError> {
    event(tx, account, "status_change", actor, Some(why), json!({ "from": from, "to": to })).await?;
    let change = Change::updated(
        "account.transition",
        "account",
        account.id,
        &json!({ "status": from }),
        &json!({ "status": to, "reason": why }),
    );
    audit::record(tx, actor, change.in_agency(Some(account.agency_id))).await?;
    Ok(())
}

async fn event(
    tx: &mut PgConnection,
    account: &MoneyAccount,
    kind: &'static str,
    actor: &Actor,
    body: Option<&str>,
    data: serde_json::Value,
) -> Result<(), ApiError> {
    let event =
        NewEvent { agency_id: account.agency_id, account_id: account.id, kind, actor_id: actor.user_id, body, data };
    store::account_events::insert(tx, &event).await?;
    Ok(())
}
