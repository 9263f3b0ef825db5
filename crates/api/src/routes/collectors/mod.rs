//! `/collectors`: the agency's collectors, with their commission rate and account
//! limit. Agency admins create, change and deactivate them; managers read them to
//! assign accounts. A deactivated collector's tokens stop working at once.

pub mod commission;
pub mod create;
pub mod get;
pub mod list;
pub mod update;

use rust_decimal::Decimal;

/// A commission rate is a share: 0 to 1, at most 4 decimals (`NUMERIC(5,4)`).
fn check_commission_rate(rate: Decimal) -> Result<(), crate::problem::ApiError> {
    if rate < Decimal::ZERO || rate > Decimal::ONE || rate.normalize().scale() > 4 {
        return Err(crate::problem::ApiError::field(
            "commission_rate",
            "must be between 0 and 1 with at most 4 decimals",
        ));
    }
    Ok(())
}
