//! The router: which routes exist, their endpoint classes, and the layers around them.
//!
//! Reading the layers from the outside in, a request to `GET /v1/whoami` meets:
//!
//! 1. [`log_request`](super::access_log::log_request): starts the clock;
//! 2. [`ensure_envelope`](super::envelope::ensure_envelope): answers for axum's own errors;
//! 3. `AuthLayer`: the whole SPEC 4 order of checks. A rejected request stops here, with the
//!    envelope, `X-Request-Id` and the rate-limit headers;
//! 4. the handler, which receives the [`Principal`](layer_auth::Principal).
//!
//! `route_layer` (not `layer`) puts authentication on the routes only: a path that matches
//! no route is a plain `404 NOT_FOUND` envelope, with or without a key.
//!
//! A route's endpoint class is fixed: `AuthLayer::new` derives it from the method (GET is
//! `read-light`, anything else `write-light`), and the job route is declared `long-running`
//! explicitly, because a POST that starts a job looks like any other POST.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    middleware::from_fn,
    response::IntoResponse,
    routing::{get, patch, post},
};
use layer_auth::{Whoami, middleware::AuthLayer, whoami};
use layer_ratelimit::EndpointClass;

use super::{Auth, access_log, envelope, jobs, jobs::Jobs, projects, projects::Projects};

/// What the demo handlers share. axum clones the state for every request, so it is one
/// `Arc`: a single reference count to bump, whatever it holds.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// The authenticator (handlers read the tier table through it).
    pub auth: Auth,
    /// The demo projects.
    pub projects: Projects,
    /// The demo jobs and their slots.
    pub jobs: Jobs,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The real app: every route behind `AuthLayer`, plus `extra` routes (the admin and BYOK
/// routes, when configured), all inside the outer layers.
pub fn router(auth: Auth, job_hold: Duration, extra: Router) -> Router {
    let state = AppState(Arc::new(Shared {
        auth: auth.clone(),
        projects: Projects::default(),
        jobs: Jobs::new(job_hold),
    }));

    // read-light (GET) and write-light (POST, PATCH, DELETE), by method.
    let by_method = Router::new()
        .route("/v1/whoami", get(whoami))
        .route("/v1/projects", get(projects::list).post(projects::create))
        .route(
            "/v1/projects/{id}",
            patch(projects::rename).delete(projects::delete),
        )
        .route("/v1/jobs/{id}", get(jobs::status))
        .route_layer(AuthLayer::new(auth.clone()));

    // long-running: the POST that starts a job.
    let long_running = Router::new()
        .route("/v1/jobs", post(jobs::start))
        .route_layer(AuthLayer::new(auth).class(EndpointClass::LongRunning));

    outer_layers(by_method.merge(long_running).with_state(state).merge(extra))
}

/// BENCHMARK ONLY: `GET /v1/whoami` answering `body` to anyone, with no authentication, for
/// measuring what authentication costs. The handler does the same work as the real one
/// (serialize a [`Whoami`] per request) and the same outer layers run; only `AuthLayer` is
/// missing. Everything else is `404`.
pub fn unauthenticated(body: Whoami) -> Router {
    let handler = move || {
        let body = body.clone();
        async move { body.into_response() }
    };
    outer_layers(Router::new().route("/v1/whoami", get(handler)))
}

/// What every response passes through, outermost last: the envelope guarantee, then the
/// access log.
fn outer_layers(router: Router) -> Router {
    router
        .layer(from_fn(envelope::ensure_envelope))
        .layer(from_fn(access_log::log_request))
}
