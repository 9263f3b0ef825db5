//! The last line of defence: a handler that panics answers a 500 problem (logged with
//! the request's id) instead of closing the connection with no answer. No panic should
//! be reachable from a request — requests' dates, decimals and texts are checked where
//! they are parsed, and arithmetic on them is checked — so this only ever catches a bug.

use crate::problem::ApiError;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

/// The handler's answer, or a 500 problem if it panicked (an error rather than a
/// response: the request itself went down with the handler).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(answer) => answer,
        Err(_) => Err(ApiError::Internal("the handler panicked".into()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{middleware::from_fn, test, web, App, HttpResponse};

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_500_problem() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(middleware))
                .route("/ok", web::get().to(|| async { HttpResponse::Ok().finish() }))
                .route("/bug", web::get().to(|| async { panic!("a bug") as HttpResponse })),
        )
        .await;
        let ok = test::call_service(&app, test::TestRequest::get().uri("/ok").to_request()).await;
        assert_eq!(ok.status(), 200);
        let bug = test::try_call_service(&app, test::TestRequest::get().uri("/bug").to_request()).await;
        let response = bug.err().expect("an error, not a panic").error_response();
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers().get("content-type").unwrap(), "application/problem+json");
    }
}
