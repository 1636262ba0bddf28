//! One tower layer around every RPC: admission (a server-wide cap on calls in
//! flight, shedding the excess with RESOURCE_EXHAUSTED), the client's deadline
//! (`grpc-timeout` → DEADLINE_EXCEEDED, for streamed bodies too), a tracing
//! span per call, request/latency metrics, and panic containment (a panicking
//! handler fails its own call with INTERNAL; the server keeps serving).
//!
//! A call holds its admission permit until its response body ends, so a
//! stream counts as in flight for as long as it streams. Health checks are
//! exempt from admission so that probes answer under load.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::FutureExt;
use http_body::{Body as HttpBody, Frame, SizeHint};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};
use tracing::{Instrument, Span, field::Empty};

/// Server-wide call metrics (no-ops until a meter provider is installed).
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Calls by method and status code.
    requests: Counter<u64>,
    /// Call duration in seconds (to the end of the response stream), by method and code.
    latency: Histogram<f64>,
    /// Records scored (Score, ScoreStream, ScoreRound), by method.
    pub records_scored: Counter<u64>,
    /// Records refused, by method.
    pub records_rejected: Counter<u64>,
    /// ScoreRound calls currently open.
    pub rounds_in_flight: UpDownCounter<i64>,
}

impl Metrics {
    pub fn new(meter: &Meter) -> Self {
        Self {
            requests: meter
                .u64_counter("indikator.rpc.requests")
                .with_description("gRPC calls by method and status")
                .build(),
            latency: meter
                .f64_histogram("indikator.rpc.duration")
                .with_unit("s")
                .with_description("gRPC call duration, to the end of the response stream")
                .build(),
            records_scored: meter.u64_counter("indikator.records.scored").with_description("records scored").build(),
            records_rejected: meter
                .u64_counter("indikator.records.rejected")
                .with_description("records refused as invalid or duplicate")
                .build(),
            rounds_in_flight: meter
                .i64_up_down_counter("indikator.rounds.in_flight")
                .with_description("ScoreRound calls open")
                .build(),
        }
    }

    /// From the global meter provider (set by `telemetry::init`).
    pub fn global() -> Self {
        Self::new(&opentelemetry::global::meter("indikator"))
    }
}

/// Admission and deadline settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLimits {
    /// Calls (streams included) in flight across all connections.
    pub max_concurrent_calls: usize,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self { max_concurrent_calls: 1024 }
    }
}

#[derive(Clone)]
pub struct RpcLayer {
    permits: Arc<Semaphore>,
    limits: CallLimits,
    metrics: Metrics,
}

impl RpcLayer {
    pub fn new(limits: CallLimits, metrics: Metrics) -> Self {
        Self { permits: Arc::new(Semaphore::new(limits.max_concurrent_calls)), limits, metrics }
    }
}

impl<S> Layer<S> for RpcLayer {
    type Service = RpcService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcService { inner, layer: self.clone() }
    }
}

#[derive(Clone)]
pub struct RpcService<S> {
    inner: S,
    layer: RpcLayer,
}

/// The server answers up to this much (at most a tenth of the timeout) before
/// the client's deadline, so that its DEADLINE_EXCEEDED reaches the client
/// before the client's own timer fires (tonic's client reports its own timer
/// as CANCELLED).
const DEADLINE_MARGIN: Duration = Duration::from_millis(50);

fn deadline_after(started: Instant, timeout: Duration) -> Instant {
    started + timeout - DEADLINE_MARGIN.min(timeout / 10)
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, B> Service<http::Request<B>> for RpcService<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let started = Instant::now();
        let path = request.uri().path().to_owned();
        let (service, method) = split_path(&path);
        let span = tracing::info_span!(
            target: crate::telemetry::CALL_SPAN_TARGET,
            "rpc",
            otel.name = %path.trim_start_matches('/'),
            otel.kind = "server",
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = Empty,
            municipality = Empty,
            round_id = Empty,
            records = Empty,
        );
        let exempt = service == "grpc.health.v1.Health";
        let permit = if exempt {
            None
        } else {
            match self.layer.permits.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    let status = Status::resource_exhausted(format!(
                        "the server is at its limit of {} concurrent calls; retry with backoff",
                        self.layer.limits.max_concurrent_calls
                    ));
                    let call = Finished { span, started, method: path, metrics: self.layer.metrics.clone() };
                    call.record(status.code() as i32);
                    tracing::warn!("load shed: too many concurrent calls");
                    return Box::pin(futures::future::ready(Ok(status.into_http())));
                }
            }
        };
        let deadline = grpc_timeout(request.headers()).map(|t| deadline_after(started, t));

        // Take the ready service, leave a fresh clone for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let metrics = self.layer.metrics.clone();
        Box::pin(async move {
            let future = AssertUnwindSafe(inner.call(request)).catch_unwind().instrument(span.clone());
            let outcome = match deadline {
                Some(at) => match tokio::time::timeout_at(at.into(), future).await {
                    Ok(outcome) => outcome,
                    Err(_) => Ok(Ok(Status::deadline_exceeded("the call's deadline passed").into_http())),
                },
                None => future.await,
            };
            let call = Finished { span, started, method: path, metrics };
            let response = match outcome {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => return Err(error),
                Err(panic) => {
                    let _entered = call.span.enter();
                    tracing::error!(panic = %panic_message(&panic), "handler panicked; failing this call only");
                    drop(_entered);
                    Status::internal("internal error").into_http()
                }
            };
            // A trailers-only response (an error before any message) is complete here.
            if let Some(code) = header_code(response.headers()) {
                call.record(code);
                return Ok(response);
            }
            Ok(response.map(|body| {
                Body::new(CallBody {
                    inner: body,
                    deadline: deadline.map(|at| Box::pin(tokio::time::sleep_until(at.into()))),
                    call: Some(call),
                    _permit: permit,
                    done: false,
                })
            }))
        })
    }
}

/// Trailers that end a call with `code` (`message` already percent-encoded).
fn status_trailers(code: tonic::Code, message: &'static str) -> http::HeaderMap {
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", http::HeaderValue::from(code as i32));
    trailers.insert("grpc-message", http::HeaderValue::from_static(message));
    trailers
}

fn split_path(path: &str) -> (String, String) {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".into())
}

fn header_code(headers: &http::HeaderMap) -> Option<i32> {
    headers.get("grpc-status").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// Parses `grpc-timeout` (e.g. `100m`, `5S`, `30000u`).
fn grpc_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// What is recorded when a call ends.
struct Finished {
    span: Span,
    started: Instant,
    method: String,
    metrics: Metrics,
}

impl Finished {
    fn record(self, code: i32) {
        self.span.record("rpc.grpc.status_code", code);
        let attributes =
            [KeyValue::new("rpc.method", self.method.clone()), KeyValue::new("rpc.grpc.status_code", i64::from(code))];
        self.metrics.requests.add(1, &attributes);
        self.metrics.latency.record(self.started.elapsed().as_secs_f64(), &attributes);
        let _entered = self.span.enter();
        tracing::debug!(code, elapsed_ms = self.started.elapsed().as_millis() as u64, "call finished");
    }
}

pin_project_lite::pin_project! {
    /// A response body that holds the call's permit, enforces its deadline and
    /// records the call when the body ends (or is dropped: a cancelled call).
    struct CallBody {
        #[pin]
        inner: Body,
        deadline: Option<Pin<Box<Sleep>>>,
        call: Option<Finished>,
        _permit: Option<OwnedSemaphorePermit>,
        done: bool,
    }

    impl PinnedDrop for CallBody {
        fn drop(this: Pin<&mut Self>) {
            if let Some(call) = this.project().call.take() {
                call.record(tonic::Code::Cancelled as i32);
            }
        }
    }
}

impl HttpBody for CallBody {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            *this.done = true;
            let status = Status::deadline_exceeded("the call's deadline passed while streaming");
            if let Some(call) = this.call.take() {
                call.record(status.code() as i32);
            }
            let trailers = status_trailers(status.code(), "the%20call%27s%20deadline%20passed");
            return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
        }
        let polled = std::panic::catch_unwind(AssertUnwindSafe(|| this.inner.poll_frame(cx)));
        let frame = match polled {
            Ok(frame) => frame,
            Err(panic) => {
                *this.done = true;
                tracing::error!(panic = %panic_message(&panic), "response stream panicked; failing this call only");
                if let Some(call) = this.call.take() {
                    call.record(tonic::Code::Internal as i32);
                }
                return Poll::Ready(Some(Ok(Frame::trailers(status_trailers(
                    tonic::Code::Internal,
                    "internal%20error",
                )))));
            }
        };
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
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse_in_every_unit() {
        let parse = |v: &str| {
            let mut h = http::HeaderMap::new();
            h.insert("grpc-timeout", v.parse().unwrap());
            grpc_timeout(&h)
        };
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse("250u"), Some(Duration::from_micros(250)));
        assert_eq!(parse("7n"), Some(Duration::from_nanos(7)));
        assert_eq!(parse("5x"), None);
        assert_eq!(parse("S"), None);
    }

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(
            split_path("/indikator.v1.IndicatorService/Score"),
            ("indikator.v1.IndicatorService".into(), "Score".into())
        );
    }
}
