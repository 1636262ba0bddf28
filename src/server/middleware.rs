//! One tower layer around every RPC: admission (a server-wide cap on calls in
//! flight, shedding the excess with RESOURCE_EXHAUSTED), the client's deadline
//! (`grpc-timeout` → DEADLINE_EXCEEDED, for streamed bodies too), a tracing
//! span per call, request/latency metrics, and panic containment (a panicking
//! handler fails its own call with INTERNAL; the server keeps serving).
//!
//! A call holds its admission permit until its response body ends, so a
//! stream counts as in flight for as long as it streams. Health checks are
//! exempt from admission so that probes answer under load; health `Watch`
//! streams have a pool of their own. A call that makes no progress (no
//! request message arrives and no response message leaves) for the idle
//! timeout is ended with DEADLINE_EXCEEDED, so idle streams cannot hold the
//! permits for ever.
//!
//! Request bodies reserve from the server's [`MemoryBudget`] what their
//! messages will hold while they arrive and are decoded, read from the gRPC
//! frame lengths ([`RequestBody`]).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::FutureExt;
use http_body::{Body as HttpBody, Frame, SizeHint};
use opentelemetry::KeyValue;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};
use tracing::{Instrument, Span, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use super::methods::{MethodName, method_name};
use crate::grpc::Metrics;
use crate::memory::{Exhausted, MemoryBudget, Reservation};

use super::settings::CallLimits;

#[derive(Clone)]
pub struct RpcLayer {
    permits: Arc<Semaphore>,
    watches: Arc<Semaphore>,
    limits: CallLimits,
    metrics: Metrics,
    budget: MemoryBudget,
    /// The server's message limit: what a compressed message may decompress to.
    max_message_bytes: usize,
}

impl RpcLayer {
    pub fn new(limits: CallLimits, metrics: Metrics, budget: MemoryBudget) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limits.max_concurrent_calls)),
            watches: Arc::new(Semaphore::new(limits.max_health_watches)),
            limits,
            metrics,
            budget,
            max_message_bytes: super::settings::defaults::MAX_MESSAGE_BYTES,
        }
    }

    /// The message limit the server enforces (request bodies reserve by it).
    pub fn with_max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
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

/// Longest deadline honoured; a longer `grpc-timeout` is clamped to it.
const MAX_DEADLINE: Duration = Duration::from_secs(365 * 24 * 3600);

/// When the server answers DEADLINE_EXCEEDED for a call with `timeout`:
/// clamped to [`MAX_DEADLINE`], so no client value can overflow the clock.
fn deadline_after(started: Instant, timeout: Duration) -> Option<Instant> {
    let timeout = timeout.min(MAX_DEADLINE);
    started.checked_add(timeout - DEADLINE_MARGIN.min(timeout / 10))
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const HEALTH: &str = "grpc.health.v1.Health";

impl<S, B> Service<http::Request<B>> for RpcService<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError> + Send,
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
        let MethodName { service, method, client_streaming } = method_name(request.uri().path());
        let span = tracing::info_span!(
            target: super::telemetry::CALL_SPAN_TARGET,
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
        if let Some(parent) = crate::grpc::propagation::extract(request.headers()) {
            let _ = span.set_parent(parent);
        }
        let call = Finished::start(span, started, service, method, self.layer.metrics.clone());
        let health = service == HEALTH;
        let limits = self.layer.limits;
        // Health checks are exempt (probes must answer under load); health
        // watches, which stay open, have their own pool.
        let pool = match (health, method) {
            (false, _) => Some((&self.layer.permits, limits.max_concurrent_calls, "concurrent calls")),
            (true, "Watch") => Some((&self.layer.watches, limits.max_health_watches, "health watches")),
            (true, _) => None,
        };
        let permit = match pool.map(|(permits, _, _)| permits.clone().try_acquire_owned()) {
            None => None,
            Some(Ok(permit)) => Some(permit),
            Some(Err(_)) => {
                let (_, limit, what) = pool.expect("a pool");
                let status = Status::resource_exhausted(format!(
                    "the server is at its limit of {limit} {what}; retry with backoff"
                ));
                call.record(status.code() as i32);
                tracing::warn!(limit, what, "load shed");
                return Box::pin(futures::future::ready(Ok(status.into_http())));
            }
        };
        let deadline = grpc_timeout(request.headers()).and_then(|t| deadline_after(started, t));
        // Health watches are idle by design; their pool bounds them.
        let progress = (!health).then(|| Progress::new(started, limits.idle_timeout));
        // A unary request is one message: it must arrive within the body timeout.
        let body_deadline = (!health && !client_streaming)
            .then(|| Box::pin(tokio::time::sleep_until((started + limits.body_timeout).into())));
        let request = {
            let cost = MessageCost::for_request(request.headers(), self.layer.max_message_bytes);
            let reservation = (!health).then(|| self.layer.budget.reservation());
            let progress = progress.clone();
            request.map(|body| Body::new(RequestBody::new(body, cost, reservation, progress, body_deadline)))
        };

        // Take the ready service, leave a fresh clone for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let future = AssertUnwindSafe(inner.call(request)).catch_unwind().instrument(call.span.clone());
            let idle = async {
                match &progress {
                    Some(p) => p.idle().await,
                    None => std::future::pending().await,
                }
            };
            let timed = async {
                match deadline {
                    Some(at) => match tokio::time::timeout_at(at.into(), future).await {
                        Ok(outcome) => outcome,
                        Err(_) => Ok(Ok(Status::deadline_exceeded("the call's deadline passed").into_http())),
                    },
                    None => future.await,
                }
            };
            let outcome = tokio::select! {
                outcome = timed => outcome,
                () = idle => Ok(Ok(Progress::status().into_http())),
            };
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
                    idle: progress.map(|p| (Box::pin(tokio::time::sleep(p.timeout)), p)),
                    call: Some(call),
                    _permit: permit,
                    done: false,
                })
            }))
        })
    }
}

/// When a call last made progress (a request message arrived or a response
/// message left), shared by its request and response bodies.
#[derive(Clone)]
struct Progress {
    started: Instant,
    timeout: Duration,
    /// Milliseconds after `started`.
    last: Arc<AtomicU64>,
}

impl Progress {
    fn new(started: Instant, timeout: Duration) -> Self {
        Self { started, timeout, last: Arc::new(AtomicU64::new(0)) }
    }

    fn note(&self) {
        self.last.store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// When the call becomes idle, unless it makes progress before.
    fn idle_at(&self) -> Instant {
        self.started + Duration::from_millis(self.last.load(Ordering::Relaxed)) + self.timeout
    }

    /// Completes once the call has made no progress for the timeout.
    async fn idle(&self) {
        loop {
            let at = self.idle_at();
            if Instant::now() >= at {
                return;
            }
            tokio::time::sleep_until(at.into()).await;
        }
    }

    fn status() -> Status {
        Status::deadline_exceeded(
            "no message arrived or left for the server's idle timeout (--stream-idle-timeout); the call was ended",
        )
    }
}

/// What a request message holds while it is decoded, from its frame header.
#[derive(Debug, Clone, Copy)]
struct MessageCost {
    /// `grpc-encoding` of the request: gzip, zstd or none.
    compression: Compression,
    max_message_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    /// Deflate expands at most 1,032 times.
    Gzip,
    /// Bounded only by the message limit.
    Other,
}

/// Bytes one decoded list element may take beyond its wire bytes (the
/// largest request message element is well under this).
const BYTES_PER_ELEMENT: usize = 96;

impl MessageCost {
    fn for_request(headers: &http::HeaderMap, max_message_bytes: usize) -> Self {
        let compression = match headers.get("grpc-encoding").map(|v| v.as_bytes()) {
            None | Some(b"identity") => Compression::None,
            Some(b"gzip") => Compression::Gzip,
            Some(_) => Compression::Other,
        };
        Self { compression, max_message_bytes }
    }

    /// Bytes a complete message of `len` wire bytes holds while it is
    /// decoded: its buffer, the decompressed copy and growth room, the decoded
    /// strings and the decoded elements (bounded by the wire scan, see
    /// [`crate::proto::wire`]).
    fn complete(&self, len: usize, compressed: bool) -> usize {
        let plain = match (compressed, self.compression) {
            (false, _) | (true, Compression::None) => len,
            (true, Compression::Gzip) => len.saturating_mul(1032).min(self.max_message_bytes),
            (true, Compression::Other) => self.max_message_bytes,
        };
        let decompressed = if compressed { 2 * plain } else { 0 };
        let elements = (plain / 2).min(crate::proto::wire::MAX_ELEMENTS) * BYTES_PER_ELEMENT;
        len + decompressed + plain + elements
    }
}

pin_project_lite::pin_project! {
    /// A request body that reserves what its messages hold from the memory
    /// budget, and notes the call's progress.
    ///
    /// It reads the gRPC framing as the bytes pass: while a message arrives
    /// it holds its bytes so far; once complete, what decoding it takes
    /// ([`MessageCost::complete`]). The decoder asks for more bytes only
    /// after it has handed every complete message on, so complete messages
    /// are released at the next poll.
    struct RequestBody<B> {
        #[pin]
        inner: B,
        cost: MessageCost,
        reservation: Option<Reservation>,
        progress: Option<Progress>,
        // Header bytes of the message being read (5 when complete).
        header: [u8; 5],
        header_len: usize,
        // Bytes of the current message still to come.
        remaining: usize,
        // Bytes of the current message so far.
        received: usize,
        // What complete messages not yet handed on hold.
        complete: usize,
        // A reservation being grown: it waits for memory to be freed.
        growing: Option<Growing>,
        // A frame held back until its reservation succeeds.
        held: Option<Frame<bytes::Bytes>>,
        // When a unary request must have arrived whole.
        deadline: Option<Pin<Box<Sleep>>>,
    }
}

impl<B> RequestBody<B> {
    fn new(
        inner: B,
        cost: MessageCost,
        reservation: Option<Reservation>,
        progress: Option<Progress>,
        deadline: Option<Pin<Box<Sleep>>>,
    ) -> Self {
        Self {
            inner,
            cost,
            reservation,
            progress,
            deadline,
            header: [0; 5],
            header_len: 0,
            remaining: 0,
            received: 0,
            complete: 0,
            growing: None,
            held: None,
        }
    }
}

/// Reads the gRPC framing in `data`, updating the message state; returns the
/// bytes complete messages in it will hold.
fn scan_frames(
    data: &[u8],
    header: &mut [u8; 5],
    header_len: &mut usize,
    remaining: &mut usize,
    received: &mut usize,
    cost: &MessageCost,
) -> usize {
    let mut complete = 0;
    let mut at = 0;
    while at < data.len() {
        if *header_len < 5 {
            let take = (5 - *header_len).min(data.len() - at);
            header[*header_len..*header_len + take].copy_from_slice(&data[at..at + take]);
            *header_len += take;
            at += take;
            if *header_len == 5 {
                *remaining = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
                *received = 0;
            } else {
                break;
            }
        }
        let take = (*remaining).min(data.len() - at);
        *remaining -= take;
        *received += take;
        at += take;
        if *remaining == 0 {
            complete += cost.complete(*received, header[0] == 1);
            *header_len = 0;
            *received = 0;
        }
    }
    complete
}

/// A reservation growing while it waits for memory to be freed.
type Growing = Pin<Box<dyn Future<Output = (Reservation, Result<(), Exhausted>)> + Send>>;

/// Polls a reservation that waits for memory: the frame held back once it has
/// grown, RESOURCE_EXHAUSTED when it could not.
fn poll_growing(
    growing: &mut Option<Growing>,
    reservation: &mut Option<Reservation>,
    held: &mut Option<Frame<bytes::Bytes>>,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Frame<bytes::Bytes>, BoxError>>> {
    let (grown_into, grown) = std::task::ready!(growing.as_mut().expect("a growing reservation").as_mut().poll(cx));
    *growing = None;
    *reservation = Some(grown_into);
    Poll::Ready(match grown {
        Ok(()) => held.take().map(Ok),
        Err(exhausted) => Some(Err(Box::new(Status::resource_exhausted(exhausted.to_string())))),
    })
}

impl<B> HttpBody for RequestBody<B>
where
    B: HttpBody<Data = bytes::Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        if this.growing.is_some() {
            return poll_growing(this.growing, this.reservation, this.held, cx);
        }
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            *this.deadline = None;
            return Poll::Ready(Some(Err(Box::new(Status::deadline_exceeded(
                "the request did not arrive whole within the server's body timeout (--body-timeout)",
            )))));
        }
        // Asked for more: every complete message has been decoded and handed on.
        *this.complete = 0;
        if let Some(r) = this.reservation.as_mut() {
            let _ = r.try_resize(*this.received);
        }
        let frame = match std::task::ready!(this.inner.as_mut().poll_frame(cx)) {
            None => {
                *this.deadline = None;
                return Poll::Ready(None);
            }
            Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
            Some(Ok(frame)) => frame,
        };
        let Some(data) = frame.data_ref() else {
            return Poll::Ready(Some(Ok(frame)));
        };
        let completed = scan_frames(data, this.header, this.header_len, this.remaining, this.received, this.cost);
        // Progress is a whole message: bytes trickled in keep nothing alive.
        if completed > 0
            && let Some(p) = this.progress.as_ref()
        {
            p.note();
        }
        *this.complete += completed;
        let wanted = *this.complete + *this.received;
        let Some(reservation) = this.reservation.as_mut() else {
            return Poll::Ready(Some(Ok(frame)));
        };
        if reservation.try_resize(wanted).is_ok() {
            return Poll::Ready(Some(Ok(frame)));
        }
        // Wait for memory, holding the frame back.
        let mut reservation = this.reservation.take().expect("checked");
        *this.held = Some(frame);
        *this.growing = Some(Box::pin(async move {
            let grown = reservation.resize(wanted).await;
            (reservation, grown)
        }));
        poll_growing(this.growing, this.reservation, this.held, cx)
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_none() && self.growing.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Trailers that end a call with `code` (`message` already percent-encoded).
fn status_trailers(code: tonic::Code, message: &'static str) -> http::HeaderMap {
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", http::HeaderValue::from(code as i32));
    trailers.insert("grpc-message", http::HeaderValue::from_static(message));
    trailers
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
    /// A response body that holds the call's permit, enforces its deadline and
    /// records the call when the body ends (or, dropped, as a cancelled call).
    struct CallBody {
        #[pin]
        inner: Body,
        deadline: Option<Pin<Box<Sleep>>>,
        // Ends the call when it makes no progress for the idle timeout.
        idle: Option<(Pin<Box<Sleep>>, Progress)>,
        call: Option<Finished>,
        _permit: Option<OwnedSemaphorePermit>,
        done: bool,
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
        if let Some((sleep, progress)) = this.idle.as_mut() {
            while sleep.as_mut().poll(cx).is_ready() {
                let at = progress.idle_at();
                if Instant::now() < at {
                    sleep.as_mut().reset(at.into());
                    continue;
                }
                *this.done = true;
                let status = Progress::status();
                if let Some(call) = this.call.take() {
                    call.record(status.code() as i32);
                }
                let trailers = status_trailers(
                    status.code(),
                    "no%20message%20arrived%20or%20left%20for%20the%20server%27s%20idle%20timeout",
                );
                return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
            }
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
        if let (Poll::Ready(Some(Ok(f))), Some((_, progress))) = (&frame, this.idle.as_ref())
            && f.is_data()
        {
            progress.note();
        }
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
    fn deadlines_beyond_what_the_clock_holds_are_clamped_not_a_panic() {
        let now = Instant::now();
        for value in ["18446744073709551615S", "9223372036854775807S", "5124095576030431H", "18446744073709551615n"] {
            let mut h = http::HeaderMap::new();
            h.insert("grpc-timeout", value.parse().unwrap());
            let timeout = grpc_timeout(&h).expect(value);
            let at = deadline_after(now, timeout).expect(value);
            assert!(at > now + Duration::from_secs(364 * 24 * 3600) && at <= now + MAX_DEADLINE, "{value}");
        }
    }
}
