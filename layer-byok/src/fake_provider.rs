//! A test tool: a real HTTP server on loopback that answers as each provider would.
//!
//! [`FakeProvider::start`] binds `127.0.0.1:0` and serves the four providers' validation routes
//! side by side, each under its own prefix ([`FakeProvider::base_url`]). It knows which keys are
//! valid and which are revoked, can be switched per provider to rate-limited, down or slow
//! ([`Behaviour`]), and records every request with the key it carried
//! ([`RecordedRequest::used`]), so a test can assert which key a call used.
//!
//! Every request is also checked against the provider's real shape (method, path, the header
//! the key goes in, the body, no query string); one that does not match is answered 400 and
//! its [`RecordedRequest::problems`] say why.
//!
//! Not for production: keys are compared with `==`, not in constant time.

mod behaviour;
mod bodies;
mod check;
mod recorded;

use std::{
    fmt, io,
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use behaviour::Behaviour;
pub use recorded::RecordedRequest;

use crate::{Provider, ProviderKey};
use bodies::Answer;

/// A fake of the four providers on a loopback port. Dropping it stops the server.
pub struct FakeProvider {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<FakeState>,
}

#[derive(Default)]
struct FakeState {
    valid: Vec<ProviderKey>,
    revoked: Vec<ProviderKey>,
    behaviours: [Behaviour; 4],
    requests: Vec<RecordedRequest>,
}

impl FakeState {
    fn behaviour(&self, provider: Provider) -> Behaviour {
        self.behaviours[slot(provider)]
    }

    fn knows(keys: &[ProviderKey], provider: Provider, key: &str) -> bool {
        keys.iter()
            .any(|k| k.provider() == provider && k.expose_secret() == key)
    }
}

impl FakeProvider {
    /// Starts the server on `127.0.0.1` and an ephemeral port, with no valid key and every
    /// provider [`Behaviour::Normal`]. Must run inside a tokio runtime.
    ///
    /// # Errors
    /// When the loopback port cannot be bound.
    pub async fn start() -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            let _ = serve.await;
        });
        Ok(Self {
            addr,
            shared,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The address the server listens on.
    #[must_use]
    pub const fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to configure for `provider`, e.g. `http://127.0.0.1:41234/openai/v1`.
    #[must_use]
    pub fn base_url(&self, provider: Provider) -> String {
        format!("http://{}{}", self.addr, check::base_path(provider))
    }

    /// An [`HttpValidator`](crate::HttpValidator) with every provider's base URL pointing here.
    #[cfg(feature = "http")]
    #[must_use]
    pub fn validator(&self) -> crate::HttpValidator {
        Provider::ALL
            .into_iter()
            .fold(crate::HttpValidator::new(), |v, p| {
                v.with_base_url(p, self.base_url(p))
            })
    }

    /// Makes `key` valid for its provider (and no longer revoked).
    pub fn add_key(&self, key: &ProviderKey) {
        let mut state = self.state();
        state
            .revoked
            .retain(|k| k.expose_secret() != key.expose_secret());
        state.valid.push(key.clone());
    }

    /// Revokes `key`: from now on its provider answers 403 as for a disabled key.
    pub fn revoke(&self, key: &ProviderKey) {
        let mut state = self.state();
        state
            .valid
            .retain(|k| k.expose_secret() != key.expose_secret());
        state.revoked.push(key.clone());
    }

    /// Sets how `provider`'s route answers from now on.
    pub fn set_behaviour(&self, provider: Provider, behaviour: Behaviour) {
        self.state().behaviours[slot(provider)] = behaviour;
    }

    /// Every request received so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// How many requests were received so far.
    #[must_use]
    pub fn request_count(&self) -> usize {
        self.state().requests.len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// Stops listening and waits for the server to finish: later connections are refused, as
    /// when a provider is unreachable.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn state(&self) -> MutexGuard<'_, FakeState> {
        self.shared.lock()
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for FakeProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("FakeProvider")
            .field("addr", &self.addr)
            .field("valid_keys", &state.valid)
            .field("revoked_keys", &state.revoked)
            .field("requests", &state.requests.len())
            .finish_non_exhaustive()
    }
}

/// `provider`'s index in [`Provider::ALL`].
fn slot(provider: Provider) -> usize {
    Provider::ALL
        .iter()
        .position(|&p| p == provider)
        .unwrap_or_default()
}

/// The one handler: checks the request, records it, and answers as its provider would.
async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let checked = check::check(&method, &uri, &headers, &body);
    let Some(provider) = checked.provider else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (behaviour, known) = {
        let mut state = shared.lock();
        let key = checked.key.as_deref().map_or("", String::as_str);
        let known = if FakeState::knows(&state.valid, provider, key) {
            Some(true)
        } else if FakeState::knows(&state.revoked, provider, key) {
            Some(false)
        } else {
            None
        };
        state.requests.push(RecordedRequest {
            provider: Some(provider),
            method: method.to_string(),
            path: uri.path().to_owned(),
            key: checked.key.clone(),
            problems: checked.problems.clone(),
        });
        (state.behaviour(provider), known)
    };
    let masked = checked
        .key
        .as_deref()
        .and_then(|k| ProviderKey::parse(provider, k).ok())
        .map_or_else(|| "(invalid)".to_owned(), |k| k.masked());
    let reply = |status: StatusCode, answer: Answer| {
        let body = bodies::body(provider, answer, &masked).to_string();
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };

    match behaviour {
        Behaviour::Down { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return reply(status, Answer::ServerError);
        }
        Behaviour::Slow { delay } => tokio::time::sleep(delay).await,
        Behaviour::Normal | Behaviour::RateLimited { .. } => {}
    }
    if !checked.problems.is_empty() {
        return reply(StatusCode::BAD_REQUEST, Answer::BadRequest);
    }
    match known {
        None if provider == Provider::Google => reply(StatusCode::BAD_REQUEST, Answer::UnknownKey),
        None => reply(StatusCode::UNAUTHORIZED, Answer::UnknownKey),
        Some(false) => reply(StatusCode::FORBIDDEN, Answer::RevokedKey),
        Some(true) => match behaviour {
            Behaviour::RateLimited { retry_after } => {
                let mut response = reply(StatusCode::TOO_MANY_REQUESTS, Answer::RateLimited);
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
            _ => reply(StatusCode::OK, Answer::Ok),
        },
    }
}
