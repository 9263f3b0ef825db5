//! The steps a demo story takes, each one use case of `crate::services` called the way
//! its route calls it: the person's role checked against the role table, then the
//! service with the person as actor, their reach, and an instant (`days_ago` before the
//! seed's "now") as the clock's. The card processor's confirmations and the daily
//! job's plan default go through the processor's and the job's own use cases.
//!
//! Everything happens in the one transaction of a [`Scene`]; the business dates (when
//! a payment was made, when an installment falls due, when a dispute opened) follow
//! from each step's instant, so the demo's history ends on the day it is seeded.

use super::{roster::Person, SeedError};
use crate::{
    audit::{Actor, RequestContext},
    services::{
        accounts::{
            assign::{assign, Accounts, Assign},
            notes::{add, AddNote},
            transition::{transition, Transition},
        },
        fees::{assess, AssessFee},
        payments::{
            processor::{handle, Happened, ProcessorEvent},
            record::{record, RecordPayment},
        },
        plans::{
            propose::{propose, ProposedTerms, Schedule},
            step::{default, step},
        },
        remedial::{
            legal_cases::{self, NewHearing, Particulars},
            recovery_actions, write_offs,
        },
        ServiceError,
    },
    store::{
        self,
        accounts::{AccountRow, Reach},
        notifications::Which,
        payments::PaymentRow,
        plans::InstallmentRow,
    },
};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use debtflow_domain::notification::NotificationKind;
use debtflow_domain::{
    fee::FeeKind,
    payment::PaymentMethod,
    permission::Operation,
    plan::{Frequency, PlanStep},
    remedial::recovery::{NewMilestone, RecoveryKind},
    AccountStatus,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

/// What the demo's life did.
#[derive(Debug, Default)]
pub struct Tally {
    pub accounts_assigned: usize,
    pub payments_recorded: usize,
    pub plans_proposed: usize,
    /// Plans a manager has decided: their approval requests are read.
    pub decided_plans: Vec<Uuid>,
}

/// A plan as a story proposes it.
pub struct Terms<'a> {
    pub total: Decimal,
    pub installments: usize,
    pub frequency: Frequency,
    pub first_due: NaiveDate,
    pub note: &'a str,
}

/// One agency's demo, in one transaction, as of `now`.
pub struct Scene<'t> {
    tx: &'t mut PgConnection,
    agency_id: Uuid,
    now: DateTime<Utc>,
    /// The agency's approval window for backdated payments.
    pub approval_after_days: u32,
    pub tally: Tally,
}

/// The account a step failed on, and which step.
fn failed<'a>(step: &'static str, account: &'a AccountRow) -> impl FnOnce(ServiceError) -> SeedError + 'a {
    move |source| SeedError::Step { step, external_ref: account.external_ref.clone(), source }
}

impl<'t> Scene<'t> {
    pub fn new(tx: &'t mut PgConnection, agency_id: Uuid, approval_after_days: u32, now: DateTime<Utc>) -> Self {
        Scene { tx, agency_id, now, approval_after_days, tally: Tally::default() }
    }

    /// The instant `days_ago` days before the seed's now.
    fn at(&self, days_ago: i64) -> DateTime<Utc> {
        self.now - Duration::days(days_ago)
    }

    /// The agency's business date `days_ago` days before the seed's now.
    pub async fn today(&mut self, days_ago: i64) -> Result<NaiveDate, SeedError> {
        Ok(store::agencies::today(self.tx, self.agency_id, self.at(days_ago)).await?)
    }

    /// The account's balance now.
    pub async fn balance(&mut self, account: &AccountRow) -> Result<Decimal, SeedError> {
        let reach = Reach { agency_id: Some(self.agency_id), collector_id: None };
        let row = store::accounts::get(self.tx, reach, account.id, self.now).await?;
        row.map(|a| a.current_balance).ok_or_else(|| SeedError::Missing(format!("account {}", account.external_ref)))
    }

    /// The manager assigns `accounts` to `collector` (one command, one notification).
    pub async fn assign(
        &mut self,
        manager: &Person,
        accounts: &[&AccountRow],
        collector: &Person,
    ) -> Result<(), SeedError> {
        manager.may(Operation::AssignAccounts)?;
        let Some(first) = accounts.first() else { return Ok(()) };
        let cmd =
            Assign { accounts: Accounts::Ids(accounts.iter().map(|a| a.id).collect()), collectors: vec![collector.id] };
        let assigned = assign(self.tx, &manager.actor, cmd, self.now).await.map_err(failed("assignment", first))?;
        self.tally.accounts_assigned += assigned.assignments.len();
        Ok(())
    }

    pub async fn note(
        &mut self,
        who: &Person,
        account: &AccountRow,
        body: &str,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        who.may(Operation::AddNote)?;
        let cmd = AddNote { account_id: account.id, body: body.to_owned(), remind_at: None };
        add(self.tx, &who.actor, cmd, self.at(days_ago)).await.map_err(failed("a note", account))?;
        Ok(())
    }

    pub async fn move_to(
        &mut self,
        who: &Person,
        account: &AccountRow,
        to: AccountStatus,
        reason: &str,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        who.may(Operation::WorkAccount)?;
        let cmd = Transition { account_id: account.id, to, reason: reason.to_owned() };
        transition(self.tx, &who.actor, cmd, self.at(days_ago)).await.map_err(failed("a status move", account))?;
        Ok(())
    }

    /// A payment made `days_ago` days back and recorded that day; a card payment is
    /// confirmed by the processor the same day.
    pub async fn pay(
        &mut self,
        who: &Person,
        account: &AccountRow,
        amount: Decimal,
        method: PaymentMethod,
        days_ago: i64,
    ) -> Result<PaymentRow, SeedError> {
        let paid_on = self.today(days_ago).await?;
        let payment = self.record(who, account, amount, method, paid_on, days_ago).await?;
        if method == PaymentMethod::Card {
            self.confirm_card(account, &payment, days_ago).await?;
        }
        Ok(payment)
    }

    /// Records a payment made on `paid_on`, `days_ago` days back; a card payment waits
    /// for its processor.
    pub async fn record(
        &mut self,
        who: &Person,
        account: &AccountRow,
        amount: Decimal,
        method: PaymentMethod,
        paid_on: NaiveDate,
        days_ago: i64,
    ) -> Result<PaymentRow, SeedError> {
        who.may(Operation::RecordPayment)?;
        self.tally.payments_recorded += 1;
        let n = self.tally.payments_recorded;
        let reference = match method {
            PaymentMethod::Card => Some(format!("pi_demo_{}_{n:03}", account.external_ref)),
            PaymentMethod::BankTransfer => Some(format!("ACH{}{n:04}", paid_on.format("%Y%m%d"))),
            PaymentMethod::Check => Some(format!("CHK-{}", 4100 + n)),
            PaymentMethod::Cash => None,
        };
        let cmd = RecordPayment {
            account_id: account.id,
            amount: amount.round_dp(2),
            method,
            paid_on,
            reference,
            metadata: Default::default(),
        };
        let at = self.at(days_ago);
        record(self.tx, &who.actor, who.reach(), cmd, self.approval_after_days, at)
            .await
            .map_err(failed("a payment", account))
    }

    /// The card processor says the payment succeeded (its webhook's use case).
    async fn confirm_card(
        &mut self,
        account: &AccountRow,
        payment: &PaymentRow,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        let processor = Actor::anonymous(RequestContext { ip: None, request_id: Some("seed-demo".to_owned()) });
        let event = ProcessorEvent {
            id: format!("evt_demo_{}", payment.id.simple()),
            kind: "payment_intent.succeeded".to_owned(),
            reference: payment.reference.clone().unwrap_or_default(),
            happened: Happened::Succeeded,
        };
        handle(self.tx, &processor, &event, self.at(days_ago)).await.map_err(failed("a card confirmation", account))?;
        Ok(())
    }

    /// Proposes a plan, `days_ago` days back; its id.
    pub async fn propose(
        &mut self,
        who: &Person,
        account: &AccountRow,
        terms: Terms<'_>,
        days_ago: i64,
    ) -> Result<Uuid, SeedError> {
        who.may(Operation::ProposePlan)?;
        let proposed = ProposedTerms {
            total: terms.total.round_dp(2),
            schedule: Schedule::Generated {
                installments: terms.installments,
                frequency: terms.frequency,
                first_due_date: terms.first_due,
            },
            grace_days: None,
            default_threshold_days: None,
            note: Some(terms.note.to_owned()),
        };
        let at = self.at(days_ago);
        let plan = propose(self.tx, &who.actor, who.reach(), account.id, proposed, at)
            .await
            .map_err(failed("a plan proposal", account))?;
        self.tally.plans_proposed += 1;
        Ok(plan.id)
    }

    /// A person's step on a plan: submit (the proposer), approve or reject (a manager).
    pub async fn plan(
        &mut self,
        who: &Person,
        account: &AccountRow,
        plan_id: Uuid,
        plan_step: PlanStep,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        let operation = match plan_step {
            PlanStep::Submit | PlanStep::Edit | PlanStep::Delete => Operation::ProposePlan,
            _ => Operation::DecidePlan,
        };
        who.may(operation)?;
        let at = self.at(days_ago);
        step(self.tx, &who.actor, who.reach(), plan_id, plan_step, None, at)
            .await
            .map_err(failed("a plan step", account))?;
        if operation == Operation::DecidePlan {
            self.tally.decided_plans.push(plan_id);
        }
        Ok(())
    }

    /// The daily job defaults the plan, `days_ago` days back (its run of that day).
    pub async fn default_plan(&mut self, account: &AccountRow, plan_id: Uuid, days_ago: i64) -> Result<(), SeedError> {
        let job = Actor::anonymous(RequestContext::default());
        let as_of = self.today(days_ago).await?;
        default(self.tx, &job, self.agency_id, plan_id, as_of, self.at(days_ago))
            .await
            .map_err(failed("a plan default", account))?;
        Ok(())
    }

    /// The plan's installments, in order.
    pub async fn installments(&mut self, plan_id: Uuid) -> Result<Vec<InstallmentRow>, SeedError> {
        Ok(store::plans::installments(self.tx, self.agency_id, &[plan_id]).await?)
    }

    pub async fn fee(
        &mut self,
        who: &Person,
        account: &AccountRow,
        kind: FeeKind,
        amount: Decimal,
        reason: &str,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        who.may(Operation::ManageFees)?;
        let cmd = AssessFee { account_id: account.id, kind, amount, reason: reason.to_owned() };
        assess(self.tx, &who.actor, who.reach(), cmd, self.at(days_ago)).await.map_err(failed("a fee", account))?;
        Ok(())
    }

    /// The manager drafts and files a legal case for the balance `days_ago` days back,
    /// and schedules its first hearing `hearing_in` days after today at 09:30 (in the
    /// agency's zone, near enough: 14:30 UTC).
    pub async fn sue(
        &mut self,
        manager: &Person,
        account: &AccountRow,
        case_number: &str,
        days_ago: i64,
        hearing_in: i64,
    ) -> Result<(), SeedError> {
        manager.may(Operation::ManageLegalCases)?;
        let (at, balance) = (self.at(days_ago), self.balance(account).await?);
        let particulars = Particulars {
            court: Some("Circuit Court of Cook County".into()),
            counsel: Some("Hollis & Reed LLP".into()),
            amount_claimed: Some(balance),
            ..Particulars::default()
        };
        let case = legal_cases::draft(self.tx, &manager.actor, account.id, particulars, at)
            .await
            .map_err(failed("a legal case", account))?;
        let number = Particulars { case_number: Some(case_number.into()), ..Particulars::default() };
        let filed_on = self.today(days_ago).await?;
        legal_cases::file(self.tx, &manager.actor, case.row.id, number, filed_on, at)
            .await
            .map_err(failed("a filing", account))?;
        let day = after(self.today(0).await?, hearing_in.unsigned_abs());
        let starts_at = day.and_hms_opt(14, 30, 0).map(|t| t.and_utc()).unwrap_or(at);
        let hearing = NewHearing {
            starts_at,
            venue: "Daley Center, courtroom 1402".into(),
            purpose: "Pre-trial conference".into(),
        };
        legal_cases::schedule_hearing(self.tx, &manager.actor, case.row.id, hearing, at)
            .await
            .map_err(failed("a hearing", account))?;
        Ok(())
    }

    /// The manager initiates a repossession `days_ago` days back, its first milestone
    /// due ten days after that (overdue by now when `days_ago` is over ten).
    pub async fn repossess(&mut self, manager: &Person, account: &AccountRow, days_ago: i64) -> Result<(), SeedError> {
        manager.may(Operation::ManageRecoveryActions)?;
        let start = self.today(days_ago).await?;
        let milestones = RecoveryKind::Repossession
            .usual_milestones()
            .iter()
            .zip([10, 30, 60])
            .map(|(name, days)| NewMilestone { name: (*name).to_owned(), target_on: after(start, days) })
            .collect();
        let notes = Some("Vehicle located at the debtor's workplace.".to_owned());
        recovery_actions::initiate(
            self.tx,
            &manager.actor,
            account.id,
            RecoveryKind::Repossession,
            milestones,
            notes,
            self.at(days_ago),
        )
        .await
        .map_err(failed("a recovery action", account))?;
        Ok(())
    }

    /// The manager recommends writing off the balance `days_ago` days back.
    pub async fn recommend_write_off(
        &mut self,
        manager: &Person,
        account: &AccountRow,
        reason: &str,
        days_ago: i64,
    ) -> Result<(), SeedError> {
        manager.may(Operation::RecommendWriteOff)?;
        let (at, balance) = (self.at(days_ago), self.balance(account).await?);
        let request = write_offs::create(self.tx, &manager.actor, account.id, balance, reason, at)
            .await
            .map_err(failed("a write-off", account))?;
        write_offs::recommend(self.tx, &manager.actor, request.id, at)
            .await
            .map_err(failed("a recommendation", account))?;
        Ok(())
    }

    /// `who` has read the requests to approve the plans already decided.
    pub async fn read_decided_requests(&mut self, who: &Person) -> Result<(), SeedError> {
        let decided: Vec<String> = self.tally.decided_plans.iter().map(Uuid::to_string).collect();
        for notification in store::notifications::list(self.tx, who.id, Which::Unread, None, 1000).await? {
            let about_decided = notification.entity_id.as_ref().is_some_and(|id| decided.contains(id));
            if notification.kind == NotificationKind::PlanPendingApproval && about_decided {
                store::notifications::mark_read(self.tx, who.id, notification.id, self.now).await?;
            }
        }
        Ok(())
    }
}

/// `date` plus `days` (a plan's first due date a few days after it is proposed).
pub fn after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}
