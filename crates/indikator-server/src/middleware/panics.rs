//! Panics: a handler that panics, or a response stream that panics while it
//! is polled, fails its own call with INTERNAL (`internal error`, never the
//! panic's text); the panic is logged and the server keeps serving.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt as _;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::{BoxFuture, status_trailers, take_ready};

#[derive(Clone, Copy)]
pub struct PanicLayer;

impl<S> Layer<S> for PanicLayer {
    type Service = Panics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Panics { inner }
    }
}

#[derive(Clone)]
pub struct Panics<S> {
    inner: S,
}

impl<S> Service<http::Request<Body>> for Panics<S>
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
        let future = AssertUnwindSafe(take_ready(&mut self.inner).call(request)).catch_unwind();
        Box::pin(async move {
            match future.await {
                Ok(outcome) => Ok(outcome?.map(|body| Body::new(CatchPanic { inner: body, done: false }))),
                Err(panic) => {
                    tracing::error!(panic = %panic_message(&panic), "handler panicked; failing this call only");
                    Ok(crate::grpc::status::internal_error().into_http())
                }
            }
        })
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".into())
}

pin_project_lite::pin_project! {
    /// A response body whose panic ends its call with INTERNAL.
    struct CatchPanic {
        #[pin]
        inner: Body,
        done: bool,
    }
}

impl HttpBody for CatchPanic {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let inner = this.inner;
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll_frame(cx))) {
            Ok(frame) => frame,
            Err(panic) => {
                *this.done = true;
                tracing::error!(panic = %panic_message(&panic), "response stream panicked; failing this call only");
                Poll::Ready(Some(Ok(Frame::trailers(status_trailers(tonic::Code::Internal, "internal%20error")))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
