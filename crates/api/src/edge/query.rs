//! The query-string extractor: like [`super::json::Json`], a parameter of the wrong
//! shape or failing its `validator` rule is a 422 naming the parameter — told when the
//! handler asks for the query ([`Query::into_inner`]), after it has checked the
//! caller's permission, so a caller without it gets a 403.

use crate::problem::ApiError;
use actix_web::{dev::Payload, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::Validate;

#[derive(Debug)]
pub struct Query<T>(Result<T, ApiError>);

impl<T> Query<T> {
    /// The query; ask for it after the caller's permission is checked.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + Validate> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Query(parse(req.query_string()))))
    }
}

pub fn parse<T: DeserializeOwned + Validate>(query: &str) -> Result<T, ApiError> {
    if let Some((name, _)) = form_urlencoded::parse(query.as_bytes()).find(|(_, v)| v.contains('\0')) {
        return Err(ApiError::field(name.into_owned(), super::json::NUL));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let message = super::json::without_position(err.inner());
        ApiError::field(super::json::field_name(&path, &message).replace("body", "query"), message)
    })?;
    value.validate()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    struct Params {
        #[validate(range(min = 1, max = 200))]
        limit: Option<u32>,
        #[allow(dead_code)]
        q: Option<String>,
    }

    fn field_of(query: &str) -> String {
        match parse::<Params>(query).unwrap_err() {
            ApiError::Validation { errors, .. } => errors.into_keys().next().unwrap(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(field_of("limit=abc"), "limit");
        assert_eq!(field_of("limit=500"), "limit");
        assert_eq!(parse::<Params>("limit=5&q=x").unwrap().limit, Some(5));
        assert_eq!(field_of("q=a%00b"), "q");
    }
}
