//! [`AuthService`]: the per-request work of [`AuthLayer`].

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use http::{Request, Response, header::HeaderName};
use layer_errors::{REQUEST_ID_HEADER, RequestId};
use layer_ratelimit::{Backend, BucketKey, EndpointClass};
use tower_service::Service;

use super::{AuthLayer, ClassRule};
use crate::{KeyStore, write_success_headers};

/// Wraps a service so every request is authenticated first. Built by [`AuthLayer`].
#[derive(Debug)]
pub struct AuthService<Svc, S, B> {
    inner: Svc,
    layer: AuthLayer<S, B>,
}

impl<Svc: Clone, S, B> Clone for AuthService<Svc, S, B> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<Svc, S, B> AuthService<Svc, S, B> {
    pub(super) fn new(inner: Svc, layer: AuthLayer<S, B>) -> Self {
        Self { inner, layer }
    }
}

impl<Svc, S, B, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<Svc, S, B>
where
    Svc: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    Svc::Future: Send + 'static,
    S: KeyStore,
    B: Backend<BucketKey> + 'static,
    ReqBody: Send + 'static,
    ResBody: From<Vec<u8>> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = Svc::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The clone that was polled ready serves this request; a fresh clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let (authenticator, rule, scope) = layer.parts();
            let class = match rule {
                ClassRule::Fixed(class) => class,
                ClassRule::ByMethod => EndpointClass::for_method(request.method()),
            };
            let request_id = RequestId::generate();
            match authenticator
                .authenticate(request.headers(), class, scope)
                .await
            {
                Ok(authenticated) => {
                    request
                        .extensions_mut()
                        .insert(authenticated.principal.clone());
                    request.extensions_mut().insert(request_id);
                    let mut response = inner.call(request).await?;
                    // For middleware outside this layer (an access log): who the caller was.
                    // Extensions are never sent.
                    response.extensions_mut().insert(authenticated.principal);
                    let headers = response.headers_mut();
                    // A handler that answered with its own error envelope already set the id
                    // its body carries; keep the header and body in agreement.
                    let own_id = headers.get(REQUEST_ID_HEADER).cloned();
                    write_success_headers(headers, request_id, &authenticated.rate_limit);
                    if let Some(own_id) = own_id {
                        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), own_id);
                    }
                    Ok(response)
                }
                Err(rejection) => {
                    let response = rejection.into_response(request_id);
                    Ok(response.map(ResBody::from))
                }
            }
        })
    }
}
