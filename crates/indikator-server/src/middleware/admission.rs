//! Admission: a server-wide cap on calls in flight, the excess shed at once
//! with RESOURCE_EXHAUSTED. A call holds its permit until its response body
//! ends, so a stream counts as in flight for as long as it streams. Health
//! checks are exempt, so that probes answer under load; health `Watch`
//! streams, which stay open, have a pool of their own.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::{BoxFuture, HEALTH, method_of, take_ready};
use crate::settings::CallLimits;

#[derive(Clone)]
pub struct AdmissionLayer {
    permits: Arc<Semaphore>,
    watches: Arc<Semaphore>,
    limits: CallLimits,
}

impl AdmissionLayer {
    pub fn new(limits: CallLimits) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limits.max_concurrent_calls)),
            watches: Arc::new(Semaphore::new(limits.max_health_watches)),
            limits,
        }
    }
}

impl<S> Layer<S> for AdmissionLayer {
    type Service = Admission<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Admission { inner, layer: self.clone() }
    }
}

#[derive(Clone)]
pub struct Admission<S> {
    inner: S,
    layer: AdmissionLayer,
}

impl<S> Service<http::Request<Body>> for Admission<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let name = method_of(&request);
        let limits = self.layer.limits;
        let pool = match (name.service == HEALTH, name.method) {
            (false, _) => Some((&self.layer.permits, limits.max_concurrent_calls, "concurrent calls")),
            (true, "Watch") => Some((&self.layer.watches, limits.max_health_watches, "health watches")),
            (true, _) => None,
        };
        let permit = match pool.map(|(permits, _, _)| permits.clone().try_acquire_owned()) {
            None => None,
            Some(Ok(permit)) => Some(permit),
            Some(Err(_)) => {
                let (_, limit, what) = pool.expect("a pool");
                let status = crate::grpc::status::shed(limit, what);
                // Logged from the future, which runs in the call's span.
                return Box::pin(async move {
                    tracing::warn!(limit, what, "load shed");
                    Ok(status.into_http())
                });
            }
        };
        let future = take_ready(&mut self.inner).call(request);
        Box::pin(async move {
            let response = future.await?;
            Ok(response.map(|body| Body::new(Holding { inner: body, _permit: permit })))
        })
    }
}

pin_project_lite::pin_project! {
    /// A response body that holds its call's permit until it is dropped.
    struct Holding {
        #[pin]
        inner: Body,
        _permit: Option<OwnedSemaphorePermit>,
    }
}

impl HttpBody for Holding {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
