//! Spreading accounts over collectors (bulk assignment): evenly by count, then by
//! balance, within each collector's remaining capacity.
//!
//! Greedy: the largest balances go first, each to the collector with the fewest
//! accounts of this batch (ties: the smallest balance of this batch, then the order
//! given). With equal capacity the counts differ by at most one and every balance
//! lands on the lightest collector when it is placed.

use rust_decimal::Decimal;

/// A collector's share of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load<C> {
    pub collector: C,
    /// How many more accounts the collector may take (their limit minus open accounts).
    pub capacity: u32,
    pub accounts: u32,
    pub balance: Decimal,
}

impl<C> Load<C> {
    pub fn new(collector: C, capacity: u32) -> Self {
        Load { collector, capacity, accounts: 0, balance: Decimal::ZERO }
    }
}

/// How many more accounts a collector may take: their account limit (none: no limit)
/// less the accounts they hold that are still worked. Never negative: a limit lowered
/// below what the collector holds leaves no room, and takes nothing away.
pub fn capacity(limit: Option<u32>, held: u64) -> u32 {
    match limit {
        None => u32::MAX,
        Some(limit) => u32::try_from(u64::from(limit).saturating_sub(held)).unwrap_or(u32::MAX),
    }
}

/// The batch does not fit the collectors' remaining capacity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{accounts} accounts exceed the chosen collectors' remaining capacity of {capacity}")]
pub struct NoCapacity {
    pub accounts: usize,
    pub capacity: u64,
}

/// Which collector gets which account; `loads` ends with each collector's share.
pub fn spread<A: Copy, C: Copy>(accounts: &[(A, Decimal)], loads: &mut [Load<C>]) -> Result<Vec<(A, C)>, NoCapacity> {
    let capacity: u64 = loads.iter().map(|l| u64::from(l.capacity)).sum();
    let no_capacity = NoCapacity { accounts: accounts.len(), capacity };
    if accounts.len() as u64 > capacity {
        return Err(no_capacity);
    }
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by(|&a, &b| accounts[b].1.cmp(&accounts[a].1));
    let mut plan = Vec::with_capacity(accounts.len());
    for i in order {
        let (account, balance) = accounts[i];
        // The total capacity was checked: some collector has room.
        let Some(load) = loads
            .iter_mut()
            .filter(|l| l.accounts < l.capacity)
            .min_by(|a, b| a.accounts.cmp(&b.accounts).then(a.balance.cmp(&b.balance)))
        else {
            return Err(no_capacity);
        };
        load.accounts += 1;
        load.balance += balance;
        plan.push((account, load.collector));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn big_balances_are_spread_first() {
        let accounts = [(1, Decimal::from(100)), (2, Decimal::from(90)), (3, Decimal::from(10)), (4, Decimal::from(5))];
        let mut loads = vec![Load::new('a', 10), Load::new('b', 10)];
        let plan = spread(&accounts, &mut loads).unwrap();
        assert_eq!(plan, vec![(1, 'a'), (2, 'b'), (3, 'b'), (4, 'a')]);
        assert_eq!((loads[0].balance, loads[1].balance), (Decimal::from(105), Decimal::from(100)));
    }

    #[test]
    fn capacity_is_respected() {
        let accounts = [(1, Decimal::ONE), (2, Decimal::ONE), (3, Decimal::ONE)];
        let mut loads = vec![Load::new('a', 1), Load::new('b', 5)];
        let plan = spread(&accounts, &mut loads).unwrap();
        assert_eq!(plan.iter().filter(|(_, c)| *c == 'a').count(), 1);
        let mut full = vec![Load::new('a', 1), Load::new('b', 1)];
        assert_eq!(spread(&accounts, &mut full), Err(NoCapacity { accounts: 3, capacity: 2 }));
    }

    #[test]
    fn capacity_is_the_limit_less_what_is_held_and_never_negative() {
        assert_eq!(capacity(Some(2), 0), 2);
        assert_eq!(capacity(Some(2), 1), 1);
        assert_eq!(capacity(Some(2), 2), 0);
        assert_eq!(capacity(Some(2), 5), 0, "a limit lowered below what is held");
        assert_eq!(capacity(Some(0), 0), 0);
        assert_eq!(capacity(None, 1_000_000), u32::MAX);
    }

    proptest! {
        #[test]
        fn every_account_once_and_counts_within_one(
            balances in proptest::collection::vec(1u32..1_000_000, 0..300),
            collectors in 1usize..12,
        ) {
            let accounts: Vec<(usize, Decimal)> =
                balances.iter().enumerate().map(|(i, b)| (i, Decimal::new(i64::from(*b), 2))).collect();
            let mut loads: Vec<Load<usize>> = (0..collectors).map(|c| Load::new(c, u32::MAX)).collect();
            let plan = spread(&accounts, &mut loads).unwrap();
            let mut seen: Vec<usize> = plan.iter().map(|(a, _)| *a).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..accounts.len()).collect::<Vec<_>>());
            let counts: Vec<u32> = loads.iter().map(|l| l.accounts).collect();
            prop_assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
            let total: Decimal = loads.iter().map(|l| l.balance).sum();
            prop_assert_eq!(total, accounts.iter().map(|a| a.1).sum::<Decimal>());
        }
    }
}
