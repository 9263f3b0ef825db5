//! Builds the HTTP server: shared state, the edge middleware in order, and every
//! route in one place.

use crate::{
    auth::{throttle::LoginLimits, token::TokenKeys},
    clock::Clock,
    config::Config,
    edge::{
        compress, cors, etag, json::BodyLimit, metrics, metrics::Metrics, panic, path, rate_limit,
        rate_limit::RateLimits, request_id, security_headers,
    },
    imports::Importer,
    live::{self, Hub},
    openapi::ApiDoc,
    problem::{self, ApiError},
    routes,
    services::follow_ups,
    spa,
    store::{read_pool::ReadPool, worker_pools::WorkerPools},
};
use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{Server, ServiceRequest, ServiceResponse},
    middleware::{from_fn, ErrorHandlers, Next},
    web, App, HttpResponse, HttpServer, ResponseError,
};
use sqlx::PgPool;
use std::{net::TcpListener, sync::Arc, time::Duration};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    hub: Arc<Hub>,
}

impl Application {
    /// Binds `config.bind_addr` (port 0 picks a free port) and prepares the server,
    /// on the system clock.
    pub fn build(config: &Config, db: PgPool) -> std::io::Result<Self> {
        Self::build_with_clock(config, db, Clock::system())
    }

    /// [`Application::build`] on `clock` (tests freeze it).
    pub fn build_with_clock(config: &Config, db: PgPool, clock: Clock) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.bind_addr)?;
        let port = listener.local_addr()?.port();
        let hub = Arc::new(Hub::default());
        let server = server(listener, config, db, clock, hub.clone())?;
        Ok(Application { port, server, hub })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (`stop(true)` is the graceful stop of SIGTERM).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, then stops accepting and lets in-flight requests
    /// finish for up to `SHUTDOWN_TIMEOUT_SECS`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// On SIGINT/SIGTERM, also ends the live notification streams at once (actix's own
    /// handler stops the server): they would otherwise hold the stop for the whole
    /// shutdown timeout, and their clients resume elsewhere from their last event id.
    /// For `debtflow serve`; tests stop servers through [`Application::handle`].
    pub fn end_streams_on_signal(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{signal, SignalKind};
        let (mut terminate, mut interrupt) = (signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?);
        let hub = Arc::downgrade(&self.hub);
        tokio::spawn(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            if let Some(hub) = hub.upgrade() {
                tracing::info!(streams = hub.streams(), "stopping: ending the live streams");
                hub.close_all();
            }
        });
        Ok(())
    }
}

fn server(listener: TcpListener, config: &Config, db: PgPool, clock: Clock, hub: Arc<Hub>) -> std::io::Result<Server> {
    let reads = read_pool(config, &db).map_err(std::io::Error::other)?;
    let workers = config.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let pools = web::Data::new(WorkerPools::new(db.clone(), config.database_max_connections, workers));
    let clock = web::Data::new(clock);
    let metrics = web::Data::new(Metrics::new(config.metrics_token.clone()));
    let limits = web::Data::new(RateLimits::new(config.rate_limit_per_ip, config.rate_limit_per_token));
    let cors_origins = web::Data::new(config.cors_allowed_origins.clone());
    forget_idle_clients(Arc::downgrade(&limits.clone().into_inner()));
    let keys = web::Data::new(TokenKeys::new(config));
    let login_limits = web::Data::new(LoginLimits::new(config));
    let cipher = web::Data::new(crate::crypto::FieldCipher::new(&config.data_encryption_key.0));
    let money = web::Data::new(config.money.clone());
    let job_context = web::Data::new(crate::jobs::JobContext::of(config, clock.get_ref().clone()));
    let importer = Arc::new(Importer::new(config, db.clone(), clock.get_ref().clone()).map_err(std::io::Error::other)?);
    crate::imports::run::spawn_worker(Arc::downgrade(&importer));
    if let Some(mail) = &config.mail {
        let mailer =
            crate::mail::Mailer::new(mail, db.clone(), clock.get_ref().clone()).map_err(std::io::Error::other)?;
        crate::mail::worker::spawn_worker(mailer, Duration::from_secs(mail.poll_secs));
    }
    let importer = web::Data::from(importer);
    live::fanout::spawn(db.clone(), Arc::downgrade(&hub));
    let webhooks =
        crate::webhooks::Webhooks::new(config, db.clone(), clock.get_ref().clone()).map_err(std::io::Error::other)?;
    crate::webhooks::worker::spawn(webhooks, Arc::downgrade(&hub));
    let webhook_settings = web::Data::new(config.webhooks.clone());
    let hub = web::Data::from(hub);
    fire_follow_ups(db.clone(), clock.get_ref().clone(), Arc::downgrade(&hub.clone().into_inner()));
    let import_limits = web::Data::new(config.imports.clone());
    let document_limits = web::Data::new(config.documents.clone());
    let body_limit = config.body_limit_bytes;
    let spa = Arc::new(spa::Spa::load(&config.spa_dir)?);
    let openapi = ApiDoc::openapi();

    let server = HttpServer::new(move || {
        // Runs on each worker's thread: the worker's requests get connections it opened.
        let requests = pools.open();
        App::new()
            .app_data(web::Data::new(reads.on(requests.clone())))
            .app_data(web::Data::new(requests))
            .app_data(pools.clone())
            .app_data(clock.clone())
            .app_data(metrics.clone())
            .app_data(limits.clone())
            .app_data(cors_origins.clone())
            .app_data(keys.clone())
            .app_data(login_limits.clone())
            .app_data(cipher.clone())
            .app_data(webhook_settings.clone())
            .app_data(money.clone())
            .app_data(job_context.clone())
            .app_data(importer.clone())
            .app_data(hub.clone())
            .app_data(import_limits.clone())
            .app_data(document_limits.clone())
            .app_data(BodyLimit(body_limit))
            // Every typed path parameter of the API is a UUID (`{id}`, `{fee_id}`, …): the
            // error names the one that is not.
            .app_data(web::PathConfig::default().error_handler(|_, req| {
                let not_uuid = req.match_info().iter().find(|(_, v)| uuid::Uuid::parse_str(v).is_err());
                ApiError::field(not_uuid.map_or("id", |(name, _)| name), "must be a UUID").into()
            }))
            // Outermost last: request id → security headers → metrics → CORS → path →
            // methods → compression → problem bodies → rate limit → ETag → panics. CORS answers preflights
            // before the limits and the routes, and names the origin on every answer,
            // errors and 429s too; compression sees the final bodies, problems included;
            // the ETag is of the uncompressed JSON, and a 304 still counts and still
            // carries the `RateLimit-*` fields.
            .wrap(from_fn(panic::middleware))
            .wrap(from_fn(etag::middleware))
            .wrap(from_fn(rate_limit::middleware))
            .wrap(ErrorHandlers::new().default_handler(problem::normalize))
            .wrap(from_fn(compress::middleware))
            .wrap(from_fn(documented_methods))
            .wrap(from_fn(path::middleware))
            .wrap(from_fn(cors::middleware))
            .wrap(from_fn(metrics::middleware))
            .wrap(from_fn(security_headers::middleware))
            .wrap(from_fn(request_id::middleware))
            .service(routes::health::live)
            .service(routes::health::ready)
            .service(metrics::exposition)
            // Swagger UI before the /api/v1 scope, which would swallow its prefix.
            .service(web::redirect(path::DOCS_PREFIX, format!("{}/", path::DOCS_PREFIX)))
            .service(SwaggerUi::new(format!("{}/{{_:.*}}", path::DOCS_PREFIX)).url("/api/v1/schema", openapi.clone()))
            .service(web::scope("/api/v1").configure(routes::configure).default_service(web::to(unmatched)))
            .default_service(spa::service(spa.clone()))
    })
    .workers(workers)
    .listen(listener)?
    .shutdown_timeout(config.shutdown_timeout_secs);
    Ok(server.run())
}

/// Where the reads that may lag go (`store::read_pool`): the replica of
/// `DATABASE_READ_URL` beside the primary `db`, or `db` alone.
fn read_pool(config: &Config, db: &PgPool) -> Result<ReadPool, sqlx::Error> {
    match &config.database_read_url {
        None => Ok(ReadPool::primary_only(db.clone())),
        Some(url) => ReadPool::with_replica(
            db.clone(),
            url.expose(),
            config.database_read_max_connections,
            config.database_statement_timeout_ms,
        ),
    }
}

/// Prunes the rate limiters' per-client state every minute, for as long as the
/// server that owns them lives.
fn forget_idle_clients(limits: std::sync::Weak<RateLimits>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match limits.upgrade() {
                Some(limits) => limits.forget_idle(),
                None => break,
            }
        }
    });
}

/// Fires due follow-up reminders every [`follow_ups::EVERY`], for as long as the
/// server (its hub) lives.
fn fire_follow_ups(db: PgPool, clock: Clock, server: std::sync::Weak<Hub>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(follow_ups::EVERY);
        while server.strong_count() > 0 {
            tick.tick().await;
            if let Err(err) = follow_ups::fire_due(&db, clock.now()).await {
                tracing::warn!(error = %err, "follow-up reminders could not fire");
            }
        }
    });
}

/// A documented path under a method it does not take is a 405 whose `Allow` lists the
/// methods it does (read from the OpenAPI document), before authentication and before
/// routing — which would take `PATCH /accounts/assign` for the account `assign`.
async fn documented_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let methods = crate::openapi::allowed(req.path());
    if !methods.is_empty() && !methods.contains(&req.method().as_str()) {
        let response = problem::method_not_allowed(&methods);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

/// The `/api/v1` scope's default service: a path the API does not have (a documented
/// one under another method was answered by [`documented_methods`]).
async fn unmatched() -> HttpResponse {
    ApiError::NotFound.error_response()
}
