//! The tower layers around every RPC, one concern each, composed by
//! [`RpcLayer`] in this order (the first is outermost):
//!
//! ```text
//! spans      a tracing span per call, request and latency metrics; outermost, so it
//!            records whatever the layers inside answer
//! admission  a server-wide cap on calls in flight (RESOURCE_EXHAUSTED past it); a
//!            call holds its permit until its response body ends, so a stream counts
//!            as in flight for as long as it streams; health checks are exempt,
//!            health watches have a pool of their own
//! deadline   the client's `grpc-timeout` (DEADLINE_EXCEEDED, for streamed bodies
//!            too) and `--body-timeout` for the request of a unary call
//! idle       a call with no whole message in either direction for the idle timeout
//!            is ended with DEADLINE_EXCEEDED
//! memory     request bodies reserve from the server's memory budget what their
//!            messages will hold while they arrive and are decoded
//! panics     a panicking handler or response stream fails its own call with
//!            INTERNAL; the server keeps serving
//! ```
//!
//! Each layer that needs the call's method reads the [`MethodName`] the spans
//! layer put in the request's extensions.

mod admission;
mod deadline;
mod idle;
mod memory;
mod panics;
mod spans;

use std::future::Future;
use std::pin::Pin;

use tower::Layer;

pub use admission::AdmissionLayer;
pub use deadline::DeadlineLayer;
pub use idle::IdleLayer;
pub use memory::MemoryLayer;
pub use panics::PanicLayer;
pub use spans::SpanLayer;

use super::methods::{MethodName, method_name};
use super::settings::CallLimits;
use crate::grpc::Metrics;
use indikator_app::memory::MemoryBudget;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

const HEALTH: &str = "grpc.health.v1.Health";

/// The call's method: as the spans layer named it, or read off its path.
fn method_of<B>(request: &http::Request<B>) -> MethodName {
    request.extensions().get::<MethodName>().copied().unwrap_or_else(|| method_name(request.uri().path()))
}

/// Trailers that end a call with `code` (`message` already percent-encoded).
fn status_trailers(code: tonic::Code, message: &'static str) -> http::HeaderMap {
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", http::HeaderValue::from(code as i32));
    trailers.insert("grpc-message", http::HeaderValue::from_static(message));
    trailers
}

fn header_code(headers: &http::HeaderMap) -> Option<i32> {
    headers.get("grpc-status").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok())
}

/// Takes the ready service, leaving a fresh clone for the next call.
fn take_ready<S: Clone>(inner: &mut S) -> S {
    let clone = inner.clone();
    std::mem::replace(inner, clone)
}

/// Every layer around an RPC, in their order ([the module](self)).
#[derive(Clone)]
pub struct RpcLayer {
    spans: SpanLayer,
    admission: AdmissionLayer,
    deadline: DeadlineLayer,
    idle: IdleLayer,
    memory: MemoryLayer,
}

impl RpcLayer {
    pub fn new(limits: CallLimits, metrics: Metrics, budget: MemoryBudget) -> Self {
        Self {
            spans: SpanLayer::new(metrics),
            admission: AdmissionLayer::new(limits),
            deadline: DeadlineLayer::new(limits.body_timeout),
            idle: IdleLayer::new(limits.idle_timeout),
            memory: MemoryLayer::new(budget, super::settings::defaults::MAX_MESSAGE_BYTES),
        }
    }

    /// The message limit the server enforces (request bodies reserve by it).
    pub fn with_max_message_bytes(mut self, bytes: usize) -> Self {
        self.memory = self.memory.with_max_message_bytes(bytes);
        self
    }
}

/// The service [`RpcLayer`] makes of `S`.
pub type RpcService<S> =
    spans::Spans<admission::Admission<deadline::Deadline<idle::Idle<memory::Memory<panics::Panics<S>>>>>>;

impl<S> Layer<S> for RpcLayer {
    type Service = RpcService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        tower::ServiceBuilder::new()
            .layer(self.spans.clone())
            .layer(self.admission.clone())
            .layer(self.deadline.clone())
            .layer(self.idle.clone())
            .layer(self.memory.clone())
            .layer(PanicLayer)
            .service(inner)
    }
}
