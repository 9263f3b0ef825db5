//! The JSON body extractor of every handler.
//!
//! Unlike `actix_web::web::Json` it names the failing field: a body that is not JSON
//! is a 400, a body of the wrong shape a 422 whose `errors` key is the field's dotted
//! path (`debtor.full_name`), a non-JSON content type a 415, a body over
//! `BODY_LIMIT_BYTES` a 413 — each as problem+json. Then the body's `validator`
//! rules run: a failing rule is a 422 naming the field too.
//!
//! **Authorisation comes first.** Only the 413 (the body is not even read) is answered
//! at once; every other refusal waits until the handler asks for the body
//! ([`Json::into_inner`]), which it does after checking that the caller may do what the
//! route does. A caller without the permission gets a 403, never a critique of a body
//! they may not send (which would also tell them the body's shape).

mod strict;

use crate::problem::ApiError;
use actix_web::{dev::Payload, http::header, web::BytesMut, FromRequest, HttpRequest};
use futures_util::{future::LocalBoxFuture, StreamExt};
use serde::de::DeserializeOwned;
use validator::Validate;

/// The largest body accepted, in bytes (from `BODY_LIMIT_BYTES`), as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A request body parsed from JSON, or why it could not be.
#[derive(Debug)]
pub struct Json<T>(Result<T, ApiError>);

impl<T> Json<T> {
    /// The body; ask for it after the caller's permission is checked.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

/// The request says its body is JSON (`application/json` or `application/*+json`).
pub(crate) fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(mime) = value.to_str() else {
        return false;
    };
    let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().map_or(1024 * 1024, |l| l.0);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let json = is_json(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|len| len > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read the body: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            if !json {
                return Ok(Json(Err(ApiError::UnsupportedMediaType("JSON (Content-Type: application/json)"))));
            }
            let parsed = parse::<T>(&body).and_then(|value| {
                value.validate()?;
                Ok(value)
            });
            Ok(Json(parsed))
        })
    }
}

/// A body that may be absent (empty, or JSON `null`): `None`, or the document parsed
/// and validated.
pub fn parse_optional<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<Option<T>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
        return Ok(None);
    }
    let value: T = parse(body)?;
    value.validate()?;
    Ok(Some(value))
}

/// Parses a JSON document, naming the field that does not fit `T` (an array where the
/// document says object is one: [`strict`]) — or the string that holds a NUL character
/// (`\u0000`), which no text column can store.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let document: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if let Some(path) = nul_path(&document, ".") {
        return Err(ApiError::field(path.trim_start_matches('.').to_owned(), NUL));
    }
    serde_path_to_error::deserialize(strict::Strict(&document)).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = without_position(&inner);
                ApiError::field(field_name(&path, &message), message)
            }
            _ => ApiError::BadRequest(format!("the body is not valid JSON: {inner}")),
        }
    })
}

/// What a NUL character in a text is told.
pub(crate) const NUL: &str = "must not contain a NUL character (U+0000)";

/// The dotted path of the first string or key of `value` that holds a NUL character.
fn nul_path(value: &serde_json::Value, at: &str) -> Option<String> {
    let join = |key: &str| if at == "." { format!(".{key}") } else { format!("{at}.{key}") };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(at.to_owned()),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| nul_path(v, &join(&i.to_string())))
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "\\u0000")))
            } else {
                nul_path(v, &join(k))
            }
        }),
        _ => None,
    }
}

/// serde reports a missing field at its parent; name the field itself.
pub(crate) fn field_name(path: &str, message: &str) -> String {
    let missing = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    match (path, missing) {
        (".", Some(field)) => field.to_owned(),
        (parent, Some(field)) => format!("{parent}.{field}"),
        (".", None) => "body".to_owned(),
        (path, None) => path.to_owned(),
    }
}

pub(crate) fn without_position(err: &impl std::fmt::Display) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Debtor {
        full_name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct NewAccount {
        priority: u8,
        debtor: Debtor,
    }

    fn field_of(body: &str) -> String {
        match parse::<NewAccount>(body.as_bytes()).unwrap_err() {
            ApiError::Validation { errors, .. } => errors.into_keys().next().unwrap(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        assert_eq!(field_of(r#"{"priority":7000,"debtor":{"full_name":"A"}}"#), "priority");
        assert_eq!(field_of(r#"{"priority":1,"debtor":{}}"#), "debtor.full_name");
        assert_eq!(field_of(r#"{"debtor":{"full_name":"A"}}"#), "priority");
        assert_eq!(field_of(r#"{"priority":1,"status":"x","debtor":{"full_name":"A"}}"#), "status");
        assert_eq!(field_of(r#"[1]"#), "body");
        // serde would read these as the struct's fields in order; the document says object.
        assert_eq!(field_of(r#"[1, {"full_name":"A"}]"#), "body");
        assert_eq!(field_of(r#"{"priority":1,"debtor":["A"]}"#), "debtor");
        assert_eq!(field_of(r#"{"priority":1,"debtor":{"full_name":"A\u0000B"}}"#), "debtor.full_name");
        assert_eq!(field_of(r#"{"priority":1,"debtor":{"full_name":"A","k\u0000":1}}"#), "debtor.k\\u0000");
    }

    #[actix_web::test]
    async fn over_http_each_bad_body_gets_its_status() {
        use actix_web::{http::header::ContentType, test, web, App, HttpResponse};
        #[derive(serde::Serialize, Deserialize, Validate)]
        struct Echo {
            #[validate(length(min = 1))]
            a: String,
        }
        let app = test::init_service(
            App::new().app_data(BodyLimit(64)).route(
                "/echo",
                web::post()
                    .to(|body: Json<Echo>| async move { body.into_inner().map(|echo| HttpResponse::Ok().json(echo)) }),
            ),
        )
        .await;
        let cases = [
            (ContentType::json(), "{\"a\":\"x\"}".to_owned(), 200),
            (ContentType::json(), "{\"a\":\"\"}".to_owned(), 422),
            (ContentType::json(), "{\"a\":1}".to_owned(), 422),
            (ContentType::plaintext(), "{\"a\":\"x\"}".to_owned(), 415),
            (ContentType::json(), "{\"a\":".to_owned(), 400),
            (ContentType::json(), format!("{{\"a\":\"{}\"}}", "x".repeat(100)), 413),
        ];
        for (content_type, body, status) in cases {
            let req = test::TestRequest::post().uri("/echo").insert_header(content_type).set_payload(body);
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(res.status().as_u16(), status, "{status}");
            if status != 200 {
                assert_eq!(res.headers().get("content-type").unwrap(), crate::problem::PROBLEM_JSON);
            }
        }
    }

    #[test]
    fn everything_but_arrays_for_objects_reads_as_serde_json_would() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(rename_all = "lowercase")]
        enum Method {
            Cash,
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct Id(u32);
        #[derive(Debug, PartialEq, Deserialize)]
        struct Everything {
            n: i64,
            x: f64,
            t: bool,
            s: String,
            o: Option<Id>,
            none: Option<u8>,
            list: Vec<Debtor2>,
            method: Method,
            map: std::collections::BTreeMap<String, String>,
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct Debtor2 {
            full_name: String,
        }
        let body = br#"{"n":-3,"x":1.5,"t":true,"s":"a","o":7,"none":null,"list":[{"full_name":"A"}],
            "method":"cash","map":{"k":"v"}}"#;
        let read: Everything = parse(body).unwrap();
        let map = [("k".to_owned(), "v".to_owned())].into();
        let list = vec![Debtor2 { full_name: "A".into() }];
        let expected = Everything {
            n: -3,
            x: 1.5,
            t: true,
            s: "a".into(),
            o: Some(Id(7)),
            none: None,
            list,
            method: Method::Cash,
            map,
        };
        assert_eq!(read, expected);
        let nested_array =
            br#"{"n":1,"x":1,"t":true,"s":"a","o":null,"none":null,"list":[["A"]],"method":"cash","map":{}}"#;
        assert!(matches!(parse::<Everything>(nested_array), Err(ApiError::Validation { .. })));
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        for body in [r#"{"priority":"#, "not json", r#"{"priority":1,"debtor":{"full_name":"A"}} x"#] {
            assert!(matches!(parse::<NewAccount>(body.as_bytes()), Err(ApiError::BadRequest(_))), "{body}");
        }
    }
}
