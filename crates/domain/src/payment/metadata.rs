//! A payment's metadata: what a client keeps with a payment for its own use (an
//! order number, a terminal id). Bounded like the metadata of the payment processors
//! integrators know: at most [`MAX_KEYS`] keys of at most [`MAX_KEY_CHARS`]
//! characters, each holding a string of at most [`MAX_VALUE_CHARS`] characters. No
//! nested documents, numbers or nulls: a number is sent as a string, a key to forget
//! is left out.

use serde::{de, Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

pub const MAX_KEYS: usize = 20;
pub const MAX_KEY_CHARS: usize = 40;
pub const MAX_VALUE_CHARS: usize = 500;

/// Metadata within the bounds above.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<String, String>);

/// Why metadata was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("has at most {MAX_KEYS} keys")]
    TooManyKeys,
    #[error("keys have 1 to {MAX_KEY_CHARS} characters; `{0}` does not")]
    BadKey(String),
    #[error("`{0}` holds more than {MAX_VALUE_CHARS} characters")]
    ValueTooLong(String),
}

impl Metadata {
    pub fn new(entries: BTreeMap<String, String>) -> Result<Self, MetadataError> {
        if entries.len() > MAX_KEYS {
            return Err(MetadataError::TooManyKeys);
        }
        let chars = |s: &str| s.chars().count();
        if let Some(key) = entries.keys().find(|k| k.trim().is_empty() || chars(k) > MAX_KEY_CHARS) {
            let shown: String = key.chars().take(MAX_KEY_CHARS).collect();
            return Err(MetadataError::BadKey(shown));
        }
        if let Some((key, _)) = entries.iter().find(|(_, v)| chars(v) > MAX_VALUE_CHARS) {
            return Err(MetadataError::ValueTooLong(key.clone()));
        }
        Ok(Metadata(entries))
    }

    pub fn entries(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = BTreeMap::<String, String>::deserialize(d)?;
        Metadata::new(entries).map_err(de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Metadata {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        let value = ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_VALUE_CHARS));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "What the client keeps with the payment: at most 20 keys of 1 to 40 characters, each a string of at \
                 most 500 characters.",
            ))
            .max_properties(Some(MAX_KEYS))
            .property_names(Some(
                ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(MAX_KEY_CHARS)),
            ))
            .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Metadata {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Metadata, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn strings_under_string_keys_within_bounds() {
        let m = parse(r#"{"order": "A-17", "terminal": "t3"}"#).unwrap();
        assert_eq!(m.entries().get("order").map(String::as_str), Some("A-17"));
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"order":"A-17","terminal":"t3"}"#);
        let full: BTreeMap<String, String> =
            (0..MAX_KEYS).map(|i| (format!("{i:0>40}"), "x".repeat(MAX_VALUE_CHARS))).collect();
        assert!(Metadata::new(full).is_ok(), "the bounds themselves are allowed");
    }

    #[test]
    fn anything_else_is_refused_saying_why() {
        let many: BTreeMap<String, String> = (0..=MAX_KEYS).map(|i| (i.to_string(), String::new())).collect();
        assert_eq!(Metadata::new(many), Err(MetadataError::TooManyKeys));
        let long_key = "k".repeat(MAX_KEY_CHARS + 1);
        assert!(matches!(Metadata::new([(long_key, String::new())].into()), Err(MetadataError::BadKey(_))));
        assert!(matches!(Metadata::new([(" ".into(), String::new())].into()), Err(MetadataError::BadKey(_))));
        let long_value = [("note".to_owned(), "é".repeat(MAX_VALUE_CHARS + 1))].into();
        assert_eq!(Metadata::new(long_value), Err(MetadataError::ValueTooLong("note".into())));
        for nested in [r#"{"a": {"b": "c"}}"#, r#"{"a": 1}"#, r#"{"a": null}"#, r#"{"a": ["x"]}"#, r#"["a"]"#] {
            assert!(parse(nested).is_err(), "{nested} accepted");
        }
    }
}
