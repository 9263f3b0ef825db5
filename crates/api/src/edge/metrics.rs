//! Prometheus metrics at `/metrics`: requests by route template and status, latency
//! histograms, database pool use and build info.
//!
//! Routes are labelled by their template (`/api/v1/accounts/{id}`), never by the raw
//! path, and unmatched paths share one label, so label cardinality stays bounded.
//!
//! With `METRICS_TOKEN` set (required in production) the scraper must send it as
//! `Authorization: Bearer …`: the figures tell an outsider the traffic, the routes and
//! the pool's state.

use crate::store::worker_pools::WorkerPools;
use crate::{config::Secret, problem::ApiError};
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    get,
    http::header::AUTHORIZATION,
    middleware::Next,
    web, HttpRequest, HttpResponse,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use std::time::Instant;

pub struct Metrics {
    /// What a scrape must present, if anything.
    token: Option<Secret>,
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
}

impl Metrics {
    pub fn new(token: Option<Secret>) -> Self {
        let registry = Registry::new_custom(Some("debtflow".into()), None).expect("the metric prefix is a valid name");
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Connections to the primary by state, over the process's pool and every HTTP worker's",
            ),
            &["state"],
        )
        .expect("valid metric");
        let build_info = IntGauge::with_opts(
            Opts::new("build_info", "Build information").const_label("version", env!("CARGO_PKG_VERSION")),
        )
        .expect("valid metric");
        build_info.set(1);
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(pool.clone()),
            Box::new(build_info),
        ] {
            registry.register(collector).expect("metric names are unique");
        }
        Metrics { token, registry, requests, latency, pool }
    }

    /// Whether `request` may read the metrics: any request without a token configured,
    /// else one bearing it (compared in constant time).
    fn admits(&self, request: &HttpRequest) -> bool {
        let Some(token) = &self.token else { return true };
        let presented = request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let presented = presented.and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default().as_bytes();
        let expected = token.expose().as_bytes();
        presented.len() == expected.len() && presented.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(seconds);
    }

    /// The text exposition, with pool gauges read now.
    pub fn render(&self, pools: &WorkerPools) -> String {
        let usage = pools.usage();
        self.pool.with_label_values(&["idle"]).set(i64::from(usage.idle));
        self.pool.with_label_values(&["in_use"]).set(i64::from(usage.open) - i64::from(usage.idle));
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for well-formed metrics.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(method.as_str(), &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// Prometheus text exposition of the process's metrics.
///
/// With `METRICS_TOKEN` configured (required in production), only for a scraper
/// sending it as `Authorization: Bearer …`.
#[utoipa::path(
    tag = "operations",
    operation_id = "getMetrics",
    security(("metrics" = [])),
    responses(
        (status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
        (status = 401, description = "`METRICS_TOKEN` is configured and the request does not bear it", body = crate::problem::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn exposition(
    request: HttpRequest,
    metrics: web::Data<Metrics>,
    pools: web::Data<WorkerPools>,
) -> Result<HttpResponse, ApiError> {
    if !metrics.admits(&request) {
        return Err(ApiError::Unauthorized("the metrics token is missing or wrong"));
    }
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(metrics.render(&pools)))
}
