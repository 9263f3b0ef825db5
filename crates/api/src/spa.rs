//! The SPA's static files at `/`, as scripts/build-spa.sh lays them out: `index.html`,
//! and content-hashed files under `assets/` (the scripts, the stylesheet, the main wasm
//! module and the pages' split modules), each with its precompressed copies (`.gz`,
//! `.br`).
//!
//! The files are read into memory at start-up (about 2.8 MB with their copies): a
//! request is a lookup, never a path on the disk. Each goes out in the best encoding the
//! client accepts among those built (brotli, gzip, none), with `Vary: Accept-Encoding`
//! and a strong `ETag` (a matching `If-None-Match` is a 304). A hashed asset never
//! changes under its name, so it is cached for a year (`immutable`); `index.html` is
//! revalidated on every visit (`no-cache`), so a deploy reaches every browser on its
//! next load.
//!
//! The page (`index.html`) carries its Content-Security-Policy: scripts only from this
//! origin — the wasm module compiled with `'wasm-unsafe-eval'`, and the page's one
//! inline boot script by its SHA-256 (computed here from the file, so a rebuilt page
//! needs no edit of the policy) — requests only to this origin, no plug-ins, no
//! `<base>`, no framing. Styles allow inline `style` attributes (the charts' SVG).
//!
//! A path that names no file falls back to `index.html`, so the SPA's own routes
//! (`/accounts/42`) survive a reload. Paths under `/api/` and `/health/`, paths that
//! look like files (`/app.js`) are 404 problems instead: a missing asset or endpoint
//! must not answer 200 with a page. Methods other than GET and HEAD are 405 problems.

use crate::problem::ApiError;
use actix_web::{
    http::{
        header::{self, HeaderValue},
        Method,
    },
    web::{self, Bytes},
    HttpRequest, HttpResponse, ResponseError,
};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use sha2::{Digest, Sha256};
use std::{collections::HashMap, path::Path, sync::Arc};

/// Hashed assets: a year, never revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (index.html): revalidated on each use.
const REVALIDATE: &str = "no-cache";

/// The encodings built beside each file, best first.
const ENCODINGS: [(&str, &str); 2] = [("br", "br"), ("gzip", "gz")];

/// One file and its precompressed copies.
struct Asset {
    content_type: &'static str,
    cache: &'static str,
    etag: String,
    identity: Bytes,
    /// `(Content-Encoding, body)`, in the order of [`ENCODINGS`].
    encoded: Vec<(&'static str, Bytes)>,
}

/// The built SPA, by URL path (`/index.html`, `/assets/debtflow-….wasm`).
pub struct Spa {
    files: HashMap<String, Asset>,
    /// The page's Content-Security-Policy.
    policy: String,
}

/// The page's policy, allowing its inline scripts by hash.
fn page_policy(index: &str) -> String {
    let hashes: String = inline_scripts(index)
        .map(|script| format!(" 'sha256-{}'", BASE64.encode(Sha256::digest(script.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The text of each `<script>` without a `src` in the page.
fn inline_scripts(index: &str) -> impl Iterator<Item = &str> {
    index.split("<script").skip(1).filter_map(|rest| {
        let (attributes, body) = rest.split_once('>')?;
        let (body, _) = body.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

impl Spa {
    /// Reads the SPA built into `dir`. No directory (an API-only deployment, the
    /// tests): no files, and every page path is a 404.
    pub fn load(dir: &Path) -> std::io::Result<Spa> {
        let mut files = HashMap::new();
        for (sub, cache) in [("", REVALIDATE), ("assets", IMMUTABLE)] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
            for entry in entries {
                let path = entry?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
                if !path.is_file() || ENCODINGS.iter().any(|(_, ext)| name.ends_with(&format!(".{ext}"))) {
                    continue;
                }
                let identity = Bytes::from(std::fs::read(&path)?);
                let mut encoded = Vec::new();
                for (coding, ext) in ENCODINGS {
                    if let Ok(body) = std::fs::read(path.with_file_name(format!("{name}.{ext}"))) {
                        encoded.push((coding, Bytes::from(body)));
                    }
                }
                let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&identity))[..32]);
                let url = if sub.is_empty() { format!("/{name}") } else { format!("/{sub}/{name}") };
                let content_type = content_type(&name);
                files.insert(url, Asset { content_type, cache, etag, identity, encoded });
            }
        }
        let index = files.get("/index.html").map(|a| String::from_utf8_lossy(&a.identity).into_owned());
        let policy = page_policy(index.as_deref().unwrap_or_default());
        Ok(Spa { files, policy })
    }

    fn respond(&self, req: &HttpRequest) -> HttpResponse {
        // Also the app's default service: any path but the API's documented ones
        // (whose other methods `startup` answers) lands here, under any method.
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return crate::problem::method_not_allowed(&["GET", "HEAD"]);
        }
        let path = req.path();
        let asset = match self.files.get(path) {
            Some(asset) => Some(asset),
            None if falls_back_to_index(req.method(), path) => self.files.get("/index.html"),
            None => None,
        };
        let Some(asset) = asset else { return ApiError::NotFound.error_response() };
        let mut res = HttpResponse::Ok();
        res.insert_header((header::CACHE_CONTROL, asset.cache))
            .insert_header((header::ETAG, asset.etag.as_str()))
            .insert_header((header::VARY, "Accept-Encoding"))
            .insert_header((header::CONTENT_TYPE, asset.content_type));
        if asset.content_type.starts_with("text/html") {
            res.insert_header((header::CONTENT_SECURITY_POLICY, self.policy.as_str()));
        }
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == asset.etag || t.trim() == "*"));
        if unchanged {
            return res.status(actix_web::http::StatusCode::NOT_MODIFIED).finish();
        }
        let accepted = req.headers().get(header::ACCEPT_ENCODING);
        match asset.encoded.iter().find(|(coding, _)| accepts(accepted, coding)) {
            Some((coding, body)) => res.insert_header((header::CONTENT_ENCODING, *coding)).body(body.clone()),
            None => res.body(asset.identity.clone()),
        }
    }
}

/// Whether an `Accept-Encoding` header allows `coding` (named, or `*`, with q > 0).
fn accepts(header: Option<&HeaderValue>, coding: &str) -> bool {
    let Some(value) = header.and_then(|h| h.to_str().ok()) else { return false };
    value.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().map_or(true, |q| q <= 0.0)));
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn falls_back_to_index(method: &Method, path: &str) -> bool {
    let api =
        ["/api", "/health", "/metrics"].iter().any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    let looks_like_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    (method == Method::GET || method == Method::HEAD) && !api && !looks_like_file
}

/// Every path the routes before it left: the SPA's files and pages.
pub fn service(spa: Arc<Spa>) -> actix_web::Route {
    web::route().to(move |req: HttpRequest| {
        let spa = spa.clone();
        async move { spa.respond(&req) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

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

    #[test]
    fn an_encoding_is_used_only_when_accepted() {
        let h = |v: &'static str| HeaderValue::from_static(v);
        assert!(accepts(Some(&h("gzip, deflate, br")), "br"));
        assert!(accepts(Some(&h("gzip;q=0.8")), "gzip"));
        assert!(!accepts(Some(&h("gzip;q=0, br;q=0")), "gzip"));
        assert!(!accepts(Some(&h("br;q=0")), "br"));
        assert!(accepts(Some(&h("*")), "br"));
        assert!(!accepts(Some(&h("identity")), "gzip"));
        assert!(!accepts(None, "gzip"));
    }

    fn built() -> (tempfile::TempDir, Spa) {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).expect("written");
        std::fs::create_dir(dir.path().join("assets")).expect("assets");
        write("index.html", b"<html>index</html>");
        write("index.html.gz", b"gz of index");
        write("assets/app-0123.wasm", b"wasm bytes");
        write("assets/app-0123.wasm.gz", b"gz of wasm");
        write("assets/app-0123.wasm.br", b"br of wasm");
        let spa = Spa::load(dir.path()).expect("loaded");
        (dir, spa)
    }

    fn header(res: &HttpResponse, name: header::HeaderName) -> Option<&str> {
        res.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn a_hashed_asset_is_served_compressed_and_cached_for_a_year() {
        let (_dir, spa) = built();
        let req = TestRequest::get().uri("/assets/app-0123.wasm").insert_header(("accept-encoding", "gzip, br"));
        let res = spa.respond(&req.to_http_request());
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, header::CONTENT_ENCODING), Some("br"));
        assert_eq!(header(&res, header::CONTENT_TYPE), Some("application/wasm"));
        assert_eq!(header(&res, header::CACHE_CONTROL), Some(IMMUTABLE));
        assert_eq!(header(&res, header::VARY), Some("Accept-Encoding"));

        let gzip = TestRequest::get().uri("/assets/app-0123.wasm").insert_header(("accept-encoding", "gzip"));
        let res = spa.respond(&gzip.to_http_request());
        assert_eq!(header(&res, header::CONTENT_ENCODING), Some("gzip"));
        let plain = spa.respond(&TestRequest::get().uri("/assets/app-0123.wasm").to_http_request());
        assert_eq!(header(&plain, header::CONTENT_ENCODING), None);
        let etag = header(&plain, header::ETAG).expect("an etag").to_owned();

        let again = TestRequest::get().uri("/assets/app-0123.wasm").insert_header(("if-none-match", etag));
        assert_eq!(spa.respond(&again.to_http_request()).status(), 304);
        assert_eq!(spa.respond(&TestRequest::get().uri("/assets/app-0123.wasm.gz").to_http_request()).status(), 404);
    }

    #[test]
    fn pages_get_the_index_revalidated_and_the_rest_is_a_404() {
        let (_dir, spa) = built();
        for path in ["/", "/accounts/42", "/index.html"] {
            let req = TestRequest::get().uri(path).insert_header(("accept-encoding", "gzip, br"));
            let res = spa.respond(&req.to_http_request());
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(header(&res, header::CACHE_CONTROL), Some(REVALIDATE), "{path}");
            assert_eq!(header(&res, header::CONTENT_ENCODING), Some("gzip"), "{path}: no brotli copy was built");
        }
        for path in ["/missing.js", "/api/v1/nothing", "/assets/other-1.wasm"] {
            assert_eq!(spa.respond(&TestRequest::get().uri(path).to_http_request()).status(), 404, "{path}");
        }
        let post = TestRequest::post().uri("/assets/app-0123.wasm").to_http_request();
        assert_eq!(spa.respond(&post).status(), 405);
    }

    #[test]
    fn the_page_allows_its_own_inline_boot_script_by_hash_and_nothing_else_inline() {
        let page = "<head><script type=\"module\" src=\"/x.js\"></script></head>\
                    <body><script type=\"module\">\n      import init from \"/a.js\";\n    </script></body>";
        let policy = page_policy(page);
        // The SHA-256 of the inline script's text, as Python's hashlib computes it.
        assert!(
            policy.contains(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-dDOshqOs9HsC1O+038SjBKSKSb1712oeDC5cj0rgEnk=';"
            ),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1, "the script with a src is allowed by 'self'");
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"));
        let (_dir, spa) = built();
        let index = spa.respond(&TestRequest::get().uri("/accounts/42").to_http_request());
        assert_eq!(header(&index, header::CONTENT_SECURITY_POLICY), Some(spa.policy.as_str()));
        let asset = spa.respond(&TestRequest::get().uri("/assets/app-0123.wasm").to_http_request());
        assert_eq!(header(&asset, header::CONTENT_SECURITY_POLICY), None, "a policy governs documents only");
    }
}
