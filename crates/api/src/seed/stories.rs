//! What happens to one demo account once it is assigned: a [`Story`], told as the
//! steps of the people involved — its collector, the manager, the compliance officer,
//! the card processor and the daily job — from some weeks back up to today.
//!
//! Amounts follow from the account's balance when the step is taken, so any account
//! can live any story; the notes vary with the account's position in its portfolio.

use super::{
    roster::{Cast, Person},
    steps::{after, Scene, Terms},
    SeedError,
};
use crate::store::accounts::AccountRow;
use chrono::Days;
use debtflow_domain::{
    fee::FeeKind,
    payment::PaymentMethod,
    plan::{Frequency, PlanStep},
    AccountStatus,
};
use rust_decimal::{prelude::ToPrimitive, Decimal};

/// A demo account's life after its assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Story {
    /// Nothing yet: ASSIGNED, for the collector to start on.
    Fresh,
    /// A letter or a skip trace noted: still ASSIGNED.
    Letter,
    /// The debtor reached: IN_CONTACT.
    Reached,
    /// An arrangement discussed: NEGOTIATING.
    Negotiating,
    /// NEGOTIATING, and part of the balance paid a few days ago.
    PartPaid(PaymentMethod),
    /// NEGOTIATING, a card payment taken today that the processor has not confirmed.
    CardPending,
    /// PAYMENT_PLAN: a biweekly plan with two installments paid, one late, one due today.
    PlanBehind,
    /// PAYMENT_PLAN: a monthly plan whose first installment, due `first_due_days_ago`
    /// days ago, is paid.
    PlanOnTrack { first_due_days_ago: i64 },
    /// NEGOTIATING, a plan submitted yesterday waiting for a manager's approval.
    PlanToApprove,
    /// NEGOTIATING again: a plan never paid, defaulted by the daily job weeks ago.
    PlanDefaulted,
    /// SETTLED: paid in full a few days ago.
    PaidInFull(PaymentMethod),
    /// SETTLED: a settlement plan paid to the end, its discount written off.
    SettledByPlan,
    /// CLOSED: paid in full by card, then closed by the manager.
    Closed,
    /// DISPUTED, with an open dispute the compliance officer is following.
    Disputed,
    /// CLOSED: disputed for identity theft, the dispute resolved by closing it.
    DisputeClosed,
    /// NEGOTIATING, a check dated two weeks back waiting for a manager's approval.
    BackdatedPayment,
    /// NEGOTIATING, part paid, then a late fee for a missed promise.
    LateFee,
    /// NEGOTIATING for weeks, then sued: a legal case filed, its first hearing next week.
    InLegal,
    /// NEGOTIATING, then a repossession initiated, its first milestone overdue.
    Repossession,
    /// NEGOTIATING, then a write-off of the balance recommended, waiting for the board.
    WriteOffRecommended,
}

const CALLS: [&str; 6] = [
    "Called the number on file; the debtor answered and confirmed the address.",
    "Left a voicemail; the debtor called back the same afternoon.",
    "Debtor replied to our e-mail and asked for a call after 5 pm.",
    "Reached the debtor at work; agreed to talk about options this week.",
    "Spoke with the debtor: recently changed jobs and wants to sort this out.",
    "Debtor called in after receiving the validation notice.",
];

const LETTERS: [&str; 4] = [
    "Validation notice mailed to the address on file.",
    "Skip trace found a newer phone number; file updated and a letter sent.",
    "Two call attempts, no answer and no voicemail set up. Letter sent.",
    "E-mail bounced; validation notice sent by first-class mail.",
];

const OFFERS: [&str; 4] = [
    "Debtor can pay something every month from the 15th; working out an amount.",
    "Offered a three-month plan; the debtor will check their budget and call back.",
    "Debtor asked whether a lump-sum settlement is possible; checking with the creditor.",
    "Debtor does not dispute the debt and asked for smaller monthly payments.",
];

const WRITE_OFF_REASONS: [&str; 2] = [
    "The debtor died last month; the probate court confirms the estate has no assets.",
    "Chapter 7 discharge confirmed by the bankruptcy court; nothing left to collect.",
];

const DISPUTES: [&str; 4] = [
    "Debtor disputes the balance and asked for itemized statements from the creditor",
    "Debtor says the bill was paid in full to the original creditor; proof of payment requested",
    "Debtor says insurance should have covered this visit; the claim is under review",
    "Debtor does not recognise the account and requested validation of the debt",
];

/// `percent` of `balance`, to the cent; at least 25.00 (or all of a smaller balance).
fn share(balance: Decimal, percent: u32) -> Decimal {
    (balance * Decimal::from(percent) / Decimal::from(100)).round_dp(2).max(Decimal::from(25)).min(balance)
}

/// How many installments a plan of `balance` has: about `per` each, `min` to `max`.
fn installments(balance: Decimal, per: u32, min: usize, max: usize) -> usize {
    (balance / Decimal::from(per)).ceil().to_usize().unwrap_or(max).clamp(min, max)
}

fn missing(what: &str, account: &AccountRow) -> SeedError {
    SeedError::Missing(format!("{what} on {}", account.external_ref))
}

/// Tells `story` of `account`, which `collector` works; `n` varies the notes.
pub async fn tell(
    scene: &mut Scene<'_>,
    cast: &Cast,
    collector: &Person,
    account: &AccountRow,
    story: Story,
    n: usize,
) -> Result<(), SeedError> {
    let manager = cast.person("demo.manager")?;
    let c = collector;
    let days = |base: i64| base + (n % 5) as i64;
    match story {
        Story::Fresh => {}
        Story::Letter => scene.note(c, account, LETTERS[n % LETTERS.len()], days(2)).await?,
        Story::Reached => reached(scene, c, account, n, days(1)).await?,
        Story::Negotiating => negotiating(scene, c, account, n, days(1)).await?,
        Story::PartPaid(method) => {
            negotiating(scene, c, account, n, 14).await?;
            let balance = scene.balance(account).await?;
            scene.pay(c, account, share(balance, 10 + 5 * (n % 4) as u32), method, days(2)).await?;
        }
        Story::CardPending => {
            negotiating(scene, c, account, n, 4).await?;
            let (balance, today) = (scene.balance(account).await?, scene.today(0).await?);
            scene.record(c, account, share(balance, 20), PaymentMethod::Card, today, 0).await?;
        }
        Story::PlanBehind => {
            negotiating(scene, c, account, n, 48).await?;
            let balance = scene.balance(account).await?;
            let terms = Terms {
                total: balance,
                installments: installments(balance, 250, 6, 24),
                frequency: Frequency::Biweekly,
                first_due: after(scene.today(45).await?, 3),
                note: "Biweekly plan agreed by phone; the first payment by card.",
            };
            let plan = scene.propose(c, account, terms, 45).await?;
            scene.plan(c, account, plan, PlanStep::Submit, 45).await?;
            scene.plan(manager, account, plan, PlanStep::Approve, 44).await?;
            let schedule = scene.installments(plan).await?;
            let [first, second, ..] = schedule.as_slice() else { return Err(missing("installments", account)) };
            scene.pay(c, account, first.amount, PaymentMethod::Card, 42).await?;
            scene.pay(c, account, second.amount, PaymentMethod::BankTransfer, 28).await?;
            let body = "Third installment not received; left a voicemail and sent a reminder e-mail.";
            scene.note(c, account, body, 9).await?;
        }
        Story::PlanOnTrack { first_due_days_ago: due } => {
            negotiating(scene, c, account, n, due + 8).await?;
            let balance = scene.balance(account).await?;
            let terms = Terms {
                total: balance,
                installments: installments(balance, 200, 3, 12),
                frequency: Frequency::Monthly,
                first_due: after(scene.today(due + 5).await?, 5),
                note: "Monthly plan; the debtor is paid at the start of the month.",
            };
            let plan = scene.propose(c, account, terms, due + 5).await?;
            scene.plan(c, account, plan, PlanStep::Submit, due + 5).await?;
            scene.plan(manager, account, plan, PlanStep::Approve, due + 4).await?;
            let schedule = scene.installments(plan).await?;
            let Some(first) = schedule.first() else { return Err(missing("installments", account)) };
            let method = [PaymentMethod::BankTransfer, PaymentMethod::Card, PaymentMethod::Cash][n % 3];
            scene.pay(c, account, first.amount, method, due).await?;
        }
        Story::PlanToApprove => {
            negotiating(scene, c, account, n, 5).await?;
            let balance = scene.balance(account).await?;
            let terms = Terms {
                total: balance,
                installments: installments(balance, 150, 3, 12),
                frequency: Frequency::Monthly,
                first_due: after(scene.today(1).await?, 10),
                note: "Debtor asked for monthly payments starting next payday.",
            };
            let plan = scene.propose(c, account, terms, 1).await?;
            scene.plan(c, account, plan, PlanStep::Submit, 1).await?;
        }
        Story::PlanDefaulted => {
            negotiating(scene, c, account, n, 95).await?;
            let balance = scene.balance(account).await?;
            let terms = Terms {
                total: balance,
                installments: installments(balance, 200, 4, 12),
                frequency: Frequency::Monthly,
                first_due: after(scene.today(90).await?, 5),
                note: "Monthly plan; the debtor will pay by bank transfer.",
            };
            let plan = scene.propose(c, account, terms, 90).await?;
            scene.plan(c, account, plan, PlanStep::Submit, 90).await?;
            scene.plan(manager, account, plan, PlanStep::Approve, 89).await?;
            let body = "First installment never arrived and the phone is disconnected. Letter sent.";
            scene.note(c, account, body, 70).await?;
            // Missed once the threshold (30 days) has passed: the job's run of that day.
            scene.default_plan(account, plan, 54).await?;
            scene.note(c, account, "Plan defaulted; trying the e-mail address from the skip trace.", 50).await?;
        }
        Story::PaidInFull(method) => {
            negotiating(scene, c, account, n, 15).await?;
            let balance = scene.balance(account).await?;
            scene.pay(c, account, balance, method, days(3)).await?;
        }
        Story::SettledByPlan => {
            negotiating(scene, c, account, n, 110).await?;
            let balance = scene.balance(account).await?;
            let terms = Terms {
                total: share(balance, 60),
                installments: 3,
                frequency: Frequency::Monthly,
                first_due: after(scene.today(100).await?, 5),
                note: "Settlement: 60% of the balance in three monthly payments; the creditor writes off the rest.",
            };
            let plan = scene.propose(c, account, terms, 100).await?;
            scene.plan(c, account, plan, PlanStep::Submit, 100).await?;
            scene.plan(manager, account, plan, PlanStep::Approve, 99).await?;
            let today = scene.today(0).await?;
            for installment in scene.installments(plan).await? {
                let days_ago = (today - installment.due_date).num_days();
                scene.pay(c, account, installment.amount, PaymentMethod::BankTransfer, days_ago).await?;
            }
        }
        Story::Closed => {
            negotiating(scene, c, account, n, 40).await?;
            let balance = scene.balance(account).await?;
            scene.pay(c, account, balance, PaymentMethod::Card, 30).await?;
            let reason = "Paid in full; paid-in-full letter sent and the creditor notified";
            scene.move_to(manager, account, AccountStatus::Closed, reason, 20).await?;
        }
        Story::Disputed => {
            negotiating(scene, c, account, n, 30).await?;
            scene.move_to(c, account, AccountStatus::Disputed, DISPUTES[n % DISPUTES.len()], 12).await?;
            let body = "Dispute logged and collection paused; validation requested from the creditor.";
            scene.note(cast.person("demo.compliance")?, account, body, 11).await?;
        }
        Story::DisputeClosed => {
            negotiating(scene, c, account, n, 60).await?;
            let reason = "Debtor reports identity theft and sent an FTC report";
            scene.move_to(c, account, AccountStatus::Disputed, reason, 50).await?;
            let body = "Identity-theft file reviewed with the creditor; they will recall the account.";
            scene.note(cast.person("demo.compliance")?, account, body, 30).await?;
            let reason = "Creditor recalled the account after the identity-theft review";
            scene.move_to(manager, account, AccountStatus::Closed, reason, 20).await?;
        }
        Story::BackdatedPayment => {
            negotiating(scene, c, account, n, 20).await?;
            let balance = scene.balance(account).await?;
            let window = u64::from(scene.approval_after_days) + 5;
            let today = scene.today(0).await?;
            let paid_on = today.checked_sub_days(Days::new(window)).unwrap_or(today);
            scene.record(c, account, share(balance, 25), PaymentMethod::Check, paid_on, 0).await?;
            scene.note(c, account, "The check the debtor mailed two weeks ago reached us today.", 0).await?;
        }
        Story::LateFee => {
            negotiating(scene, c, account, n, 45).await?;
            let balance = scene.balance(account).await?;
            scene.pay(c, account, share(balance, 15), PaymentMethod::Cash, 35).await?;
            scene.note(c, account, "Debtor promised a second payment last Friday; nothing received.", 5).await?;
            let fee = Decimal::new(3500, 2);
            scene.fee(manager, account, FeeKind::Late, fee, "Missed the promised payment date", 3).await?;
        }
        Story::InLegal => {
            negotiating(scene, c, account, n, 60).await?;
            scene.note(c, account, "Third missed promise; no answer since. Referred to counsel.", 30).await?;
            scene.sue(manager, account, &format!("2026-M1-{:06}", 4512 + n), 21, 6).await?;
        }
        Story::Repossession => {
            negotiating(scene, c, account, n, 50).await?;
            scene.note(c, account, "Debtor stopped answering; the loan's collateral is the vehicle.", 25).await?;
            scene.repossess(manager, account, 20).await?;
        }
        Story::WriteOffRecommended => {
            negotiating(scene, c, account, n, 40).await?;
            let reason = WRITE_OFF_REASONS[n % WRITE_OFF_REASONS.len()];
            scene.recommend_write_off(manager, account, reason, 2).await?;
        }
    }
    Ok(())
}

/// The debtor reached `days_ago` days back: a call noted, IN_CONTACT.
async fn reached(
    scene: &mut Scene<'_>,
    collector: &Person,
    account: &AccountRow,
    n: usize,
    days_ago: i64,
) -> Result<(), SeedError> {
    scene.note(collector, account, CALLS[n % CALLS.len()], days_ago).await?;
    scene.move_to(collector, account, AccountStatus::InContact, "Reached the debtor", days_ago).await
}

/// Reached, then an arrangement discussed `days_ago` days back: NEGOTIATING.
async fn negotiating(
    scene: &mut Scene<'_>,
    collector: &Person,
    account: &AccountRow,
    n: usize,
    days_ago: i64,
) -> Result<(), SeedError> {
    reached(scene, collector, account, n, days_ago + 3).await?;
    scene.note(collector, account, OFFERS[n % OFFERS.len()], days_ago).await?;
    let reason = "The debtor wants to arrange payment";
    scene.move_to(collector, account, AccountStatus::Negotiating, reason, days_ago).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_in_cents_within_the_balance() {
        assert_eq!(share(Decimal::new(123_456, 2), 10), Decimal::new(12_346, 2));
        assert_eq!(share(Decimal::new(9_000, 2), 10), Decimal::from(25), "at least 25.00");
        assert_eq!(share(Decimal::new(1_999, 2), 10), Decimal::new(1_999, 2), "never more than the balance");
    }

    #[test]
    fn a_plan_has_about_one_installment_per_share_within_bounds() {
        assert_eq!(installments(Decimal::from(1000), 250, 6, 24), 6);
        assert_eq!(installments(Decimal::from(3001), 250, 6, 24), 13);
        assert_eq!(installments(Decimal::from(25_000), 250, 6, 24), 24);
    }
}
