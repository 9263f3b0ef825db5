//! An account's priority on the worklist: 0 (lowest) to 3.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// 0 (lowest) to 3 (highest).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i16", into = "i16")]
pub struct Priority(i16);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Priority {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(0.0))
            .maximum(Some(f64::from(Priority::MAX)))
            .examples([2])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Priority {}

/// A priority outside 0–3.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between 0 and 3")]
pub struct BadPriority;

impl Priority {
    pub const MAX: i16 = 3;
    /// Lowest first.
    pub const ALL: [Priority; 4] = [Priority(0), Priority(1), Priority(2), Priority(3)];

    pub fn value(self) -> i16 {
        self.0
    }
}

impl TryFrom<i16> for Priority {
    type Error = BadPriority;
    fn try_from(value: i16) -> Result<Self, Self::Error> {
        if (0..=Self::MAX).contains(&value) {
            Ok(Priority(value))
        } else {
            Err(BadPriority)
        }
    }
}

impl From<Priority> for i16 {
    fn from(p: Priority) -> i16 {
        p.0
    }
}

impl FromStr for Priority {
    type Err = BadPriority;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse::<i16>().map_err(|_| BadPriority)?.try_into()
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zero_to_three() {
        for p in 0..=3 {
            assert_eq!(Priority::try_from(p).map(i16::from), Ok(p));
        }
        for bad in [-1, 4, 7] {
            assert_eq!(Priority::try_from(bad), Err(BadPriority));
        }
        assert_eq!("2".parse::<Priority>().map(i16::from), Ok(2));
        assert!("x".parse::<Priority>().is_err());
        assert!(serde_json::from_str::<Priority>("7").is_err());
        assert_eq!(serde_json::to_string(&Priority::try_from(3).unwrap()).unwrap(), "3");
    }
}
