//! The SPA's static files at `/`.
//!
//! A path that names no file falls back to `index.html`, so the SPA's own routes
//! (`/accounts/42`) survive a reload. Paths under `/api/` and `/health/`, paths that
//! look like files (`/app.js`), and methods other than GET/HEAD are 404 problems
//! instead: a missing asset or endpoint must not answer 200 with a page.

use crate::problem::ApiError;
use actix_files::{Files, NamedFile};
use actix_web::{
    dev::{fn_service, ServiceRequest, ServiceResponse},
    http::Method,
    ResponseError,
};
use std::path::{Path, PathBuf};

fn falls_back_to_index(method: &Method, path: &str) -> bool {
    let api =
        ["/api", "/health", "/metrics"].iter().any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    (method == Method::GET || method == Method::HEAD) && !api && !looks_like_file
}

pub fn service(dir: &Path) -> Files {
    let index: PathBuf = dir.join("index.html");
    Files::new("/", dir).index_file("index.html").default_handler(fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move {
            let (req, _) = req.into_parts();
            if falls_back_to_index(req.method(), req.path()) {
                if let Ok(file) = NamedFile::open_async(&index).await {
                    let res = file.into_response(&req);
                    return Ok(ServiceResponse::new(req, res));
                }
            }
            Ok(ServiceResponse::new(req, ApiError::NotFound.error_response()))
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_page_routes_fall_back_to_the_index() {
        assert!(falls_back_to_index(&Method::GET, "/accounts/42"));
        assert!(falls_back_to_index(&Method::GET, "/"));
        assert!(!falls_back_to_index(&Method::GET, "/api/v1/nothing"));
        assert!(!falls_back_to_index(&Method::GET, "/api"));
        assert!(!falls_back_to_index(&Method::GET, "/health/nothing"));
        assert!(!falls_back_to_index(&Method::GET, "/missing.js"));
        assert!(!falls_back_to_index(&Method::POST, "/accounts"));
        assert!(falls_back_to_index(&Method::GET, "/apiary"));
    }
}
