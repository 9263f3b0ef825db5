//! Contact attempts with a debtor and the US Regulation F (12 CFR 1006) guardrails.
//!
//! [`check`] says whether a proposed attempt may go ahead given the attempts already
//! recorded, the flags on the debtor and the debtor's local time: contact flags
//! (cease and desist, attorney, bankruptcy…), calling hours (§ 1006.6(b)(1)(i): after
//! 8 a.m. and before 9 p.m. local time), call frequency (§ 1006.14(b)(2)(i): at most
//! seven calls within seven consecutive days) and the quiet week after a telephone
//! conversation (§ 1006.14(b)(2)(ii)). Pure: the caller passes `now` and the local time.

use crate::names::named_enum;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

named_enum!(
    /// How an attempt reaches, or came from, the debtor.
    Channel as "contact_channel" { Call => "call", Sms => "sms", Email => "email", Letter => "letter", Visit => "visit" }
);

named_enum!(
    /// `outbound`: we reached out; `inbound`: the debtor reached us.
    Direction as "contact_direction" { Outbound => "outbound", Inbound => "inbound" }
);

named_enum!(
    /// What came of an attempt (`sent`: a letter, email or text went out and no answer
    /// is awaited).
    Outcome as "contact_outcome" {
        NoAnswer => "no_answer",
        LeftMessage => "left_message",
        WrongNumber => "wrong_number",
        Refused => "refused",
        RightPartyContact => "right_party_contact",
        PromiseToPay => "promise_to_pay",
        Dispute => "dispute",
        CallbackRequested => "callback_requested",
        Sent => "sent",
    }
);

named_enum!(
    /// Why the debtor may not be contacted (on one channel or on all of them).
    Flag as "contact_flag" {
        DebtorRequest => "debtor_request",
        CeaseAndDesist => "cease_and_desist",
        AttorneyRepresented => "attorney_represented",
        DisputeUnverified => "dispute_unverified",
        Bankruptcy => "bankruptcy",
        Deceased => "deceased",
    }
);

impl Channel {
    /// Reaches the debtor at once, so calling hours apply: everything but a letter.
    fn is_immediate(self) -> bool {
        !matches!(self, Channel::Letter)
    }
}

impl Outcome {
    /// The debtor was reached and spoke — a "telephone conversation" in
    /// § 1006.14(b)(2)(ii) when on a call. A refusal counts: the debtor answered and
    /// talked, if only to refuse; an unanswered call, a message or a wrong number does not.
    pub fn is_conversation(self) -> bool {
        is_right_party(self) || self == Outcome::Refused
    }
}

/// The debtor was reached and engaged (right party contact, promise to pay, dispute or
/// callback requested): what moves an `ASSIGNED` account to `IN_CONTACT`.
pub fn is_right_party(outcome: Outcome) -> bool {
    use Outcome::*;
    matches!(outcome, RightPartyContact | PromiseToPay | Dispute | CallbackRequested)
}

impl Flag {
    /// Bankruptcy, death and cease and desist stop every channel, whatever channel the
    /// flag was recorded on.
    pub fn blocks_every_channel(self) -> bool {
        matches!(self, Flag::Bankruptcy | Flag::Deceased | Flag::CeaseAndDesist)
    }
}

/// A flag on the debtor, for one channel or for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Block {
    pub flag: Flag,
    /// `None`: every channel. Ignored when [`Flag::blocks_every_channel`].
    pub channel: Option<Channel>,
}

/// An attempt already recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Past {
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
}

/// An attempt about to be made (or recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposed {
    pub channel: Channel,
    pub direction: Direction,
}

/// The limits [`check`] enforces; [`REGULATION_F`] by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guardrails {
    /// Outbound calls allowed within any rolling 7 × 24 hours.
    pub calls_per_week: u32,
    /// Days of 24 hours without outbound calls after a telephone conversation.
    pub quiet_days_after_conversation: i64,
    /// First allowed local time (inclusive); assumed before `latest`.
    pub earliest: NaiveTime,
    /// End of the allowed local time (exclusive).
    pub latest: NaiveTime,
}

/// Regulation F's numbers: 7 calls a week, 7 quiet days, 08:00 to 21:00 local time.
pub const REGULATION_F: Guardrails = Guardrails {
    calls_per_week: 7,
    quiet_days_after_conversation: 7,
    earliest: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a time"),
    latest: NaiveTime::from_hms_opt(21, 0, 0).expect("21:00 is a time"),
};

impl Guardrails {
    /// The calling hours, `[earliest, latest)` local time.
    pub fn hours(&self) -> (NaiveTime, NaiveTime) {
        (self.earliest, self.latest)
    }
}

impl Default for Guardrails {
    fn default() -> Self {
        REGULATION_F
    }
}

/// Why an attempt may not go ahead (now).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    #[error("a block on the debtor ({}) forbids contact by {channel}", flag.as_str().replace('_', " "))]
    Flagged { flag: Flag, channel: Channel },
    #[error("outside the debtor's calling hours; allowed from {} on their clock", allowed_from_local.format("%Y-%m-%d %H:%M"))]
    OutsideHours { allowed_from_local: NaiveDateTime },
    #[error("the weekly call limit is reached; the next call is allowed at {allowed_at}")]
    TooManyCalls { allowed_at: DateTime<Utc> },
    #[error("no calls in the week after a conversation with the debtor; allowed at {allowed_at}")]
    AfterConversation { allowed_at: DateTime<Utc> },
}

impl Blocked {
    /// The rule's stable machine name.
    pub fn rule(&self) -> &'static str {
        match self {
            Blocked::Flagged { .. } => "contact-flag",
            Blocked::OutsideHours { .. } => "calling-hours",
            Blocked::TooManyCalls { .. } => "call-frequency",
            Blocked::AfterConversation { .. } => "call-after-conversation",
        }
    }
}

/// The blocks on the debtor alone: the first block on the proposed outbound attempt's
/// channel, or on every channel, refuses it. Blocks hold where the timing rules of
/// [`check`] are switched off (an agency outside the rule's reach): a debtor's cease
/// and desist, bankruptcy or request binds every agency.
pub fn check_blocks(proposed: Proposed, blocks: &[Block]) -> Result<(), Blocked> {
    if proposed.direction == Direction::Inbound {
        return Ok(());
    }
    let channel = proposed.channel;
    match blocks.iter().find(|b| b.flag.blocks_every_channel() || b.channel.is_none_or(|c| c == channel)) {
        Some(b) => Err(Blocked::Flagged { flag: b.flag, channel }),
        None => Ok(()),
    }
}

/// Whether `proposed` may go ahead at `now`, the first rule that refuses it otherwise.
///
/// Inbound attempts are never blocked. Outbound ones are checked in this order:
/// - flags: the first block in `blocks` on the channel or on every channel;
/// - calling hours, for every channel but letters: `local_now` — the debtor's wall-clock
///   time, converted by the caller (daylight saving time is that conversion's business)
///   — must be in `[earliest, latest)`; `allowed_from_local` is today's or tomorrow's
///   `earliest`, a wall-clock time the caller converts back to an instant;
/// - after a conversation, for calls: none within `quiet_days_after_conversation` days
///   (of 24 hours) after a call, either direction, whose outcome
///   [is a conversation](Outcome::is_conversation);
/// - frequency, for calls: at most `calls_per_week` outbound calls in `(now − 7 days,
///   now]`. The window rolls by the instant, stricter than seven calendar days, to stay
///   on the safe side of "seven consecutive days". With a limit of 0, calls are never allowed.
///
/// Attempts recorded after `now` are ignored.
pub fn check(
    proposed: Proposed,
    history: &[Past],
    blocks: &[Block],
    now: DateTime<Utc>,
    local_now: NaiveDateTime,
    rules: Guardrails,
) -> Result<(), Blocked> {
    check_blocks(proposed, blocks)?;
    if proposed.direction == Direction::Inbound {
        return Ok(());
    }
    let channel = proposed.channel;
    if channel.is_immediate() {
        let time = local_now.time();
        if time < rules.earliest {
            return Err(Blocked::OutsideHours { allowed_from_local: local_now.date().and_time(rules.earliest) });
        }
        if time >= rules.latest {
            let tomorrow = local_now.date().succ_opt().unwrap_or(NaiveDate::MAX);
            return Err(Blocked::OutsideHours { allowed_from_local: tomorrow.and_time(rules.earliest) });
        }
    }
    if channel != Channel::Call {
        return Ok(());
    }
    let calls = || history.iter().filter(|p| p.channel == Channel::Call && p.at <= now);

    let quiet = TimeDelta::try_days(rules.quiet_days_after_conversation).unwrap_or(TimeDelta::MAX);
    let last_conversation = calls().filter(|p| p.outcome.is_conversation()).map(|p| p.at).max();
    let quiet_until = last_conversation.map(|at| at.checked_add_signed(quiet).unwrap_or(DateTime::<Utc>::MAX_UTC));
    if let Some(allowed_at) = quiet_until.filter(|until| *until > now) {
        return Err(Blocked::AfterConversation { allowed_at });
    }

    let week = TimeDelta::days(7);
    let since = now.checked_sub_signed(week).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut recent: Vec<DateTime<Utc>> =
        calls().filter(|p| p.direction == Direction::Outbound && p.at > since).map(|p| p.at).collect();
    if recent.len() >= rules.calls_per_week as usize {
        recent.sort_unstable_by(|a, b| b.cmp(a));
        let allowed_at = match (rules.calls_per_week as usize).checked_sub(1) {
            // The oldest of the most recent `calls_per_week` leaves the window then.
            Some(i) => recent[i].checked_add_signed(week).unwrap_or(DateTime::<Utc>::MAX_UTC),
            None => DateTime::<Utc>::MAX_UTC,
        };
        return Err(Blocked::TooManyCalls { allowed_at });
    }
    Ok(())
}

/// The earliest instant an outbound call to the debtor may be made, as far as the
/// blocks and (with `rules`) the week's call limit and the quiet week after a
/// conversation go; `None` while a block stops calls. Calling hours are left out: they
/// depend on the clock when the list is read, so the worklist applies them then.
///
/// What the worklist's `contactable_now` filter and `contactable` sort read (stored per
/// account, recomputed when an attempt is recorded or a block set or cleared): for every
/// instant `t` after the history, a call passes [`check`] in calling hours iff
/// `t >= next_call(…)`.
pub fn next_call(history: &[Past], blocks: &[Block], rules: Option<Guardrails>) -> Option<DateTime<Utc>> {
    const CALL: Proposed = Proposed { channel: Channel::Call, direction: Direction::Outbound };
    check_blocks(CALL, blocks).ok()?;
    let Some(rules) = rules else { return Some(DateTime::<Utc>::MIN_UTC) };
    let calls = || history.iter().filter(|p| p.channel == Channel::Call);
    let quiet = TimeDelta::try_days(rules.quiet_days_after_conversation).unwrap_or(TimeDelta::MAX);
    let quiet_until = calls()
        .filter(|p| p.outcome.is_conversation())
        .map(|p| p.at.checked_add_signed(quiet).unwrap_or(DateTime::<Utc>::MAX_UTC))
        .max();
    let mut outbound: Vec<DateTime<Utc>> =
        calls().filter(|p| p.direction == Direction::Outbound).map(|p| p.at).collect();
    outbound.sort_unstable_by(|a, b| b.cmp(a));
    // The limit-th most recent call leaves the rolling week then; with a limit of 0, never.
    let week_until = match (rules.calls_per_week as usize).checked_sub(1) {
        Some(i) => {
            outbound.get(i).map(|at| at.checked_add_signed(TimeDelta::days(7)).unwrap_or(DateTime::<Utc>::MAX_UTC))
        }
        None => Some(DateTime::<Utc>::MAX_UTC),
    };
    Some(quiet_until.into_iter().chain(week_until).max().unwrap_or(DateTime::<Utc>::MIN_UTC))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CALL: Proposed = Proposed { channel: Channel::Call, direction: Direction::Outbound };

    fn now() -> DateTime<Utc> {
        "2025-03-12T17:00:00Z".parse().unwrap()
    }

    fn local(s: &str) -> NaiveDateTime {
        format!("2025-03-12T{s}:00").parse().unwrap()
    }

    fn call(at: DateTime<Utc>, outcome: Outcome) -> Past {
        Past { channel: Channel::Call, direction: Direction::Outbound, outcome, at }
    }

    /// Outbound unanswered calls `minutes` before now.
    fn calls_ago(minutes: &[i64]) -> Vec<Past> {
        minutes.iter().map(|m| call(now() - TimeDelta::minutes(*m), Outcome::NoAnswer)).collect()
    }

    fn check_at(proposed: Proposed, history: &[Past], blocks: &[Block], now: DateTime<Utc>) -> Result<(), Blocked> {
        check(proposed, history, blocks, now, local("12:00"), REGULATION_F)
    }

    #[test]
    fn the_seventh_call_in_a_week_is_allowed_and_the_eighth_waits_for_the_oldest_to_leave() {
        let six = calls_ago(&[6 * 1440, 5 * 1440, 4 * 1440, 3 * 1440, 2 * 1440, 1440]);
        assert_eq!(check_at(CALL, &six, &[], now()), Ok(()));
        let seven = calls_ago(&[6 * 1440, 5 * 1440, 4 * 1440, 3 * 1440, 2 * 1440, 1440, 60]);
        let allowed_at = now() + TimeDelta::days(1);
        assert_eq!(check_at(CALL, &seven, &[], now()), Err(Blocked::TooManyCalls { allowed_at }));
        assert_eq!(
            check_at(CALL, &seven, &[], allowed_at - TimeDelta::minutes(1)).unwrap_err().rule(),
            "call-frequency"
        );
        assert_eq!(check_at(CALL, &seven, &[], allowed_at), Ok(()));
    }

    #[test]
    fn a_call_exactly_seven_days_after_the_oldest_is_allowed() {
        let seven = calls_ago(&[7 * 1440, 5, 4, 3, 2, 1, 0]);
        assert_eq!(check_at(CALL, &seven, &[], now()), Ok(()));
        let seven = calls_ago(&[7 * 1440 - 1, 5, 4, 3, 2, 1, 0]);
        let allowed_at = now() + TimeDelta::minutes(1);
        assert_eq!(check_at(CALL, &seven, &[], now()), Err(Blocked::TooManyCalls { allowed_at }));
    }

    #[test]
    fn calling_hours_run_from_eight_to_just_before_nine_local_time() {
        let at = |t: &str| check(CALL, &[], &[], now(), local(t), REGULATION_F);
        assert_eq!(at("20:59"), Ok(()));
        assert_eq!(at("08:00"), Ok(()));
        let tomorrow_8 = "2025-03-13T08:00:00".parse().unwrap();
        assert_eq!(at("21:00"), Err(Blocked::OutsideHours { allowed_from_local: tomorrow_8 }));
        assert_eq!(at("23:59"), Err(Blocked::OutsideHours { allowed_from_local: tomorrow_8 }));
        assert_eq!(at("07:59"), Err(Blocked::OutsideHours { allowed_from_local: local("08:00") }));
        for channel in [Channel::Sms, Channel::Email, Channel::Visit] {
            let proposed = Proposed { channel, direction: Direction::Outbound };
            assert_eq!(
                check(proposed, &[], &[], now(), local("21:00"), REGULATION_F).unwrap_err().rule(),
                "calling-hours"
            );
        }
    }

    #[test]
    fn letters_ignore_calling_hours() {
        let letter = Proposed { channel: Channel::Letter, direction: Direction::Outbound };
        assert_eq!(check(letter, &[], &[], now(), local("03:00"), REGULATION_F), Ok(()));
    }

    #[test]
    fn no_call_within_seven_days_of_a_conversation_to_the_minute() {
        let spoke = |ago: TimeDelta| vec![call(now() - ago, Outcome::PromiseToPay)];
        let almost = spoke(TimeDelta::days(7) - TimeDelta::minutes(1));
        let allowed_at = now() + TimeDelta::minutes(1);
        assert_eq!(check_at(CALL, &almost, &[], now()), Err(Blocked::AfterConversation { allowed_at }));
        assert_eq!(check_at(CALL, &spoke(TimeDelta::days(7)), &[], now()), Ok(()));
        let inbound = vec![Past { direction: Direction::Inbound, ..almost[0] }];
        assert_eq!(check_at(CALL, &inbound, &[], now()).unwrap_err().rule(), "call-after-conversation");
        let sms = Proposed { channel: Channel::Sms, direction: Direction::Outbound };
        assert_eq!(check_at(sms, &almost, &[], now()), Ok(()), "texts are not calls");
        assert_eq!(
            check_at(CALL, &[call(now(), Outcome::LeftMessage)], &[], now()),
            Ok(()),
            "a message is no conversation"
        );
    }

    #[test]
    fn the_debtor_reaching_us_is_never_blocked() {
        let blocks = [Block { flag: Flag::Bankruptcy, channel: None }];
        let history = calls_ago(&[9, 8, 7, 6, 5, 4, 3, 2, 1]);
        for channel in Channel::ALL.iter().copied() {
            let inbound = Proposed { channel, direction: Direction::Inbound };
            assert_eq!(check(inbound, &history, &blocks, now(), local("23:30"), REGULATION_F), Ok(()));
        }
    }

    #[test]
    fn flags_block_their_channel_or_every_channel() {
        let no_calls = [Block { flag: Flag::DebtorRequest, channel: Some(Channel::Call) }];
        let flagged = Err(Blocked::Flagged { flag: Flag::DebtorRequest, channel: Channel::Call });
        assert_eq!(check_at(CALL, &[], &no_calls, now()), flagged);
        let email = Proposed { channel: Channel::Email, direction: Direction::Outbound };
        assert_eq!(check_at(email, &[], &no_calls, now()), Ok(()));
        let lawyer = [Block { flag: Flag::AttorneyRepresented, channel: None }];
        let flagged = Err(Blocked::Flagged { flag: Flag::AttorneyRepresented, channel: Channel::Email });
        assert_eq!(check_at(email, &[], &lawyer, now()), flagged);
    }

    #[test]
    fn bankruptcy_blocks_every_channel_even_if_recorded_on_one() {
        let blocks = [Block { flag: Flag::Bankruptcy, channel: Some(Channel::Letter) }];
        for channel in Channel::ALL.iter().copied() {
            let proposed = Proposed { channel, direction: Direction::Outbound };
            assert_eq!(
                check_at(proposed, &[], &blocks, now()),
                Err(Blocked::Flagged { flag: Flag::Bankruptcy, channel })
            );
        }
        assert_eq!(
            Flag::ALL.iter().filter(|f| f.blocks_every_channel()).collect::<Vec<_>>(),
            [&Flag::CeaseAndDesist, &Flag::Bankruptcy, &Flag::Deceased]
        );
    }

    #[test]
    fn attempts_after_now_are_ignored() {
        let mut future = calls_ago(&[-1, -2, -3, -4, -5, -6, -7, -8]);
        future.push(call(now() + TimeDelta::minutes(1), Outcome::RightPartyContact));
        assert_eq!(check_at(CALL, &future, &[], now()), Ok(()));
    }

    #[test]
    fn conversations_are_what_the_debtor_said_and_right_party_also_moves_the_account() {
        let spoke: Vec<_> = Outcome::ALL.iter().copied().filter(|o| o.is_conversation()).collect();
        use Outcome::*;
        assert_eq!(spoke, [Refused, RightPartyContact, PromiseToPay, Dispute, CallbackRequested]);
        let right: Vec<_> = Outcome::ALL.iter().copied().filter(|o| is_right_party(*o)).collect();
        assert_eq!(right, [RightPartyContact, PromiseToPay, Dispute, CallbackRequested]);
        assert_eq!(Guardrails::default(), REGULATION_F);
    }

    #[test]
    fn the_next_call_waits_for_the_later_of_the_two_rules_and_never_comes_while_blocked() {
        let seven = calls_ago(&[6 * 1440, 5 * 1440, 4 * 1440, 3 * 1440, 2 * 1440, 1440, 60]);
        let rules = Some(REGULATION_F);
        assert_eq!(next_call(&seven, &[], rules), Some(now() + TimeDelta::days(1)));
        assert_eq!(next_call(&seven[1..], &[], rules), Some(DateTime::<Utc>::MIN_UTC), "six calls leave room");
        let mut spoke = seven.clone();
        spoke.push(call(now() - TimeDelta::days(2), Outcome::Refused));
        assert_eq!(next_call(&spoke, &[], rules), Some(now() + TimeDelta::days(5)));
        assert_eq!(next_call(&spoke, &[], None), Some(DateTime::<Utc>::MIN_UTC), "no rules, no wait");
        let no_calls = [Block { flag: Flag::DebtorRequest, channel: Some(Channel::Call) }];
        assert_eq!(next_call(&[], &no_calls, None), None);
        let no_letters = [Block { flag: Flag::DebtorRequest, channel: Some(Channel::Letter) }];
        assert_eq!(next_call(&[], &no_letters, rules), Some(DateTime::<Utc>::MIN_UTC));
        assert_eq!(next_call(&[], &[Block { flag: Flag::Deceased, channel: Some(Channel::Letter) }], rules), None);
    }

    proptest! {
        /// A call after the whole history passes `check` (in calling hours) exactly from `next_call` on.
        #[test]
        fn next_call_is_the_first_instant_check_allows(
            minutes in prop::collection::vec(0i64..=14 * 1440, 0..12),
            spoke in prop::collection::vec(any::<bool>(), 12),
            inbound in prop::collection::vec(any::<bool>(), 12),
            after in 0i64..=15 * 1440,
        ) {
            let history: Vec<Past> = minutes.iter().enumerate().map(|(i, m)| Past {
                channel: Channel::Call,
                direction: if inbound[i] { Direction::Inbound } else { Direction::Outbound },
                outcome: if spoke[i] { Outcome::RightPartyContact } else { Outcome::NoAnswer },
                at: now() - TimeDelta::minutes(*m),
            }).collect();
            let next = next_call(&history, &[], Some(REGULATION_F)).unwrap();
            let t = now() + TimeDelta::minutes(after);
            prop_assert_eq!(check_at(CALL, &history, &[], t).is_ok(), t >= next, "at {} next {}", t, next);
        }

        #[test]
        fn never_an_eighth_call_in_any_rolling_week(minutes in prop::collection::vec(-1440i64..=14 * 1440, 0..30)) {
            let history = calls_ago(&minutes);
            let since = now() - TimeDelta::days(7);
            let in_window = history.iter().filter(|p| p.at > since && p.at <= now()).count();
            match check_at(CALL, &history, &[], now()) {
                Ok(()) => prop_assert!(in_window < 7, "allowed with {} calls in the week", in_window),
                Err(Blocked::TooManyCalls { allowed_at }) => {
                    prop_assert!(in_window >= 7 && allowed_at > now());
                    let known: Vec<_> = history.iter().copied().filter(|p| p.at <= now()).collect();
                    prop_assert_eq!(check_at(CALL, &known, &[], allowed_at), Ok(()));
                    let just_before = check_at(CALL, &known, &[], allowed_at - TimeDelta::seconds(1));
                    prop_assert_eq!(just_before.unwrap_err().rule(), "call-frequency", "allowed_at is the earliest");
                }
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
