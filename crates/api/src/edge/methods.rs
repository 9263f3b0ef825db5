//! The API's answer to a request no route takes: 405 with `Allow` when the path is the
//! API's under other methods, else 404. The methods come from the OpenAPI document, the
//! one list of the routes and their methods.

use crate::{openapi::ApiDoc, problem::ApiError};
use actix_web::{
    http::header::{self, HeaderValue},
    HttpRequest, HttpResponse, ResponseError,
};
use std::sync::LazyLock;
use utoipa::OpenApi;

/// A path of the document, cut at its slashes (`{id}`: any one segment), and its methods.
struct Route {
    segments: Vec<String>,
    methods: Vec<&'static str>,
}

static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    ApiDoc::openapi()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                ("DELETE", item.delete.is_some()),
                ("GET", item.get.is_some()),
                ("PATCH", item.patch.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
            ];
            Route {
                segments: path.split('/').map(str::to_owned).collect(),
                methods: methods.iter().filter(|(_, has)| *has).map(|(m, _)| *m).collect(),
            }
        })
        .collect()
});

/// The methods the API takes at `path`, in alphabetical order (none: not the API's).
pub fn allowed(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut methods: Vec<&'static str> = ROUTES
        .iter()
        .filter(|route| {
            route.segments.len() == segments.len()
                && route.segments.iter().zip(&segments).all(|(r, s)| r == s || (r.starts_with('{') && !s.is_empty()))
        })
        .flat_map(|route| route.methods.iter().copied())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// The `/api/v1` scope's default service.
pub async fn unmatched(req: HttpRequest) -> HttpResponse {
    let methods = allowed(req.path());
    if methods.is_empty() {
        return ApiError::NotFound.error_response();
    }
    let mut response = ApiError::MethodNotAllowed.error_response();
    if let Ok(allow) = HeaderValue::from_str(&methods.join(", ")) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_methods_of_a_path_come_from_the_document() {
        assert_eq!(allowed("/api/v1/accounts"), ["GET", "POST"]);
        assert_eq!(allowed("/api/v1/accounts/"), ["GET", "POST"]);
        assert_eq!(allowed("/api/v1/payments/0194e3c2-0000-7000-8000-000000000000"), ["GET"]);
        // `assign` is a path of its own and an `{id}` of another.
        assert_eq!(allowed("/api/v1/accounts/assign"), ["GET", "PATCH", "POST"]);
        assert!(allowed("/api/v1/nothing-here").is_empty());
        assert!(allowed("/api/v1/accounts//timeline").is_empty());
    }
}
