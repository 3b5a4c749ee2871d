//! [`AuthLayer`]: configuration shared by every [`AuthService`] it builds.

use layer_keys::Scope;
use layer_ratelimit::EndpointClass;
use tower_layer::Layer;

use super::AuthService;
use crate::Authenticator;

/// How a route's endpoint class is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClassRule {
    /// Every request through this layer is of this class (a job-starting POST is
    /// `long-running`, which the method alone cannot tell).
    Fixed(EndpointClass),
    /// From the HTTP method: GET is `read-light`, everything else `write-light`.
    ByMethod,
}

/// Authenticates every request with an [`Authenticator`]; see the [module](super) docs.
#[derive(Debug)]
#[must_use]
pub struct AuthLayer<S, B> {
    authenticator: Authenticator<S, B>,
    class: ClassRule,
    scope: Option<Scope>,
}

impl<S, B> Clone for AuthLayer<S, B> {
    fn clone(&self) -> Self {
        Self {
            authenticator: self.authenticator.clone(),
            class: self.class,
            scope: self.scope.clone(),
        }
    }
}

impl<S, B> AuthLayer<S, B> {
    /// A layer choosing the endpoint class from the method.
    pub fn new(authenticator: Authenticator<S, B>) -> Self {
        Self {
            authenticator,
            class: ClassRule::ByMethod,
            scope: None,
        }
    }

    /// Every request is of `class`.
    pub fn class(self, class: EndpointClass) -> Self {
        Self {
            class: ClassRule::Fixed(class),
            ..self
        }
    }

    /// Requests need `scope` (`403 FORBIDDEN_SCOPE` otherwise).
    pub fn require_scope(self, scope: Scope) -> Self {
        Self {
            scope: Some(scope),
            ..self
        }
    }
}

impl<Svc, S, B> Layer<Svc> for AuthLayer<S, B> {
    type Service = AuthService<Svc, S, B>;

    fn layer(&self, inner: Svc) -> Self::Service {
        AuthService::new(inner, self.clone())
    }
}

impl<S, B> AuthLayer<S, B> {
    pub(super) fn parts(&self) -> (&Authenticator<S, B>, ClassRule, Option<&Scope>) {
        (&self.authenticator, self.class, self.scope.as_ref())
    }
}
