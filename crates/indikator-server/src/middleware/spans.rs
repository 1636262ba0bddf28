//! A tracing span per call (its parent from the caller's trace context) and
//! the request and latency metrics, recorded once when the call ends: from a
//! trailers-only answer, the trailers of its body, or — a body dropped before
//! its end — as CANCELLED. Outermost, so it records what the layers inside it
//! answer (load shed, deadlines, idle calls, panics) like any other status.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http_body::{Body as HttpBody, Frame, SizeHint};
use opentelemetry::KeyValue;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};
use tracing::{Instrument, Span, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use super::{BoxError, BoxFuture, header_code, take_ready};
use crate::grpc::Metrics;
use crate::methods::{MethodName, method_name};

#[derive(Clone)]
pub struct SpanLayer {
    metrics: Metrics,
}

impl SpanLayer {
    pub fn new(metrics: Metrics) -> Self {
        Self { metrics }
    }
}

impl<S> Layer<S> for SpanLayer {
    type Service = Spans<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Spans { inner, metrics: self.metrics.clone() }
    }
}

#[derive(Clone)]
pub struct Spans<S> {
    inner: S,
    metrics: Metrics,
}

impl<S, B> Service<http::Request<B>> for Spans<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
    B: HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let started = Instant::now();
        let name = method_name(request.uri().path());
        let MethodName { service, method, .. } = name;
        let span = tracing::info_span!(
            target: crate::telemetry::CALL_SPAN_TARGET,
            "rpc",
            otel.name = %format_args!("{service}/{method}"),
            otel.kind = "server",
            otel.status_code = Empty,
            rpc.system = "grpc",
            rpc.service = service,
            rpc.method = method,
            rpc.grpc.status_code = Empty,
            municipality = Empty,
            round_id = Empty,
            records = Empty,
            // Filled by the authorization layer.
            caller.organisation = Empty,
            caller.client_id = Empty,
            caller.certificate = Empty,
            auth.outcome = Empty,
        );
        // The caller's trace, when its metadata carries one.
        if let Some(parent) = crate::propagation::extract(request.headers()) {
            let _ = span.set_parent(parent);
        }
        let call = Finished::start(span, started, service, method, self.metrics.clone());
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(name);
        let mut inner = take_ready(&mut self.inner);
        // The layers inside log in the call's span from their futures.
        let future = inner.call(request).instrument(call.span.clone());
        Box::pin(async move {
            let response = future.await?;
            // A trailers-only response (an error before any message) is complete here.
            if let Some(code) = header_code(response.headers()) {
                call.record(code);
                return Ok(response);
            }
            Ok(response.map(|body| Body::new(Recorded { inner: body, call: Some(call) })))
        })
    }
}

/// A call in flight: counted in `indikator.rpc.in_flight` until dropped, and
/// recorded (span status, metrics) once, when it ends; a call dropped before
/// it ended (its client went away) is recorded as CANCELLED.
struct Finished {
    span: Span,
    started: Instant,
    /// `rpc.system`, `rpc.service`, `rpc.method`.
    attributes: [KeyValue; 3],
    metrics: Metrics,
    recorded: bool,
}

impl Finished {
    fn start(span: Span, started: Instant, service: &'static str, method: &'static str, metrics: Metrics) -> Self {
        let attributes = [
            KeyValue::new("rpc.system", "grpc"),
            KeyValue::new("rpc.service", service),
            KeyValue::new("rpc.method", method),
        ];
        metrics.calls_in_flight.add(1, &attributes);
        Self { span, started, attributes, metrics, recorded: false }
    }

    fn record(mut self, code: i32) {
        self.record_once(code);
    }

    fn record_once(&mut self, code: i32) {
        if std::mem::replace(&mut self.recorded, true) {
            return;
        }
        let elapsed = self.started.elapsed();
        self.span.record("rpc.grpc.status_code", code);
        if SERVER_ERRORS.contains(&code) {
            self.span.record("otel.status_code", "error");
        }
        let [system, service, method] = self.attributes.clone();
        let attributes = [system, service, method, KeyValue::new("rpc.grpc.status_code", i64::from(code))];
        self.metrics.requests.add(1, &attributes);
        self.metrics.latency.record(elapsed.as_secs_f64(), &attributes);
        let _entered = self.span.enter();
        tracing::debug!(code, elapsed_ms = elapsed.as_millis() as u64, "call finished");
    }
}

impl Drop for Finished {
    fn drop(&mut self) {
        self.record_once(tonic::Code::Cancelled as i32);
        self.metrics.calls_in_flight.add(-1, &self.attributes);
    }
}

/// Status codes that mark a server span as an error (OpenTelemetry's gRPC
/// conventions): UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
/// UNAVAILABLE, DATA_LOSS. The others are the client's doing.
const SERVER_ERRORS: [i32; 6] = [2, 4, 12, 13, 14, 15];

pin_project_lite::pin_project! {
    /// A response body that records its call once, when it ends.
    struct Recorded {
        #[pin]
        inner: Body,
        call: Option<Finished>,
    }
}

impl HttpBody for Recorded {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = this.inner.poll_frame(cx);
        match &frame {
            Poll::Ready(Some(Ok(f))) => {
                if let Some(code) = f.trailers_ref().and_then(header_code)
                    && let Some(call) = this.call.take()
                {
                    call.record(code);
                }
            }
            Poll::Ready(Some(Err(status))) => {
                if let Some(call) = this.call.take() {
                    call.record(status.code() as i32);
                }
            }
            Poll::Ready(None) => {
                if let Some(call) = this.call.take() {
                    call.record(tonic::Code::Ok as i32);
                }
            }
            Poll::Pending => {}
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
