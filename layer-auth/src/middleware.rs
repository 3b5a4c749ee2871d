//! Tower middleware: authenticate every request before it reaches the service. Feature
//! `tower`.
//!
//! [`AuthLayer`] wraps a service in [`AuthService`], which runs the
//! [`Authenticator`](crate::Authenticator) with the route's endpoint class, puts the
//! [`Principal`](crate::Principal) and the [`RequestId`](layer_errors::RequestId) in the
//! request's extensions, and puts `X-Request-Id` and the rate-limit headers on every response,
//! success or error. The principal also rides on the response's extensions, as the
//! [`ApiError`](layer_errors::ApiError) of a rejection does, so a logging middleware outside
//! the layer can name the caller (by its log-safe ids) without a second middleware inside it.

mod layer;
mod service;

pub use layer::{AuthLayer, ClassRule};
pub use service::AuthService;
