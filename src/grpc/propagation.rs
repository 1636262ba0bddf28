//! Trace context over gRPC metadata: the caller's context read from a call's
//! headers (the server's call span joins it), and a client's context written
//! into its calls, by the globally installed propagators (W3C Trace Context
//! and Baggage by default; the server's telemetry installs them).

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TraceContextExt;

/// The target of the per-call span, on the server and in the batch client.
pub const CALL_SPAN_TARGET: &str = "indikator::rpc";

/// Reads propagation fields from HTTP headers (gRPC metadata).
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Writes propagation fields into HTTP headers (gRPC metadata).
struct HeaderInjector<'a>(&'a mut http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (http::HeaderName::try_from(key), http::HeaderValue::try_from(value)) {
            self.0.insert(name, value);
        }
    }
}

/// Whether the server's telemetry installed propagators (it does while
/// exporting, unless `OTEL_PROPAGATORS=none`): without them extracting is skipped.
static PROPAGATING: AtomicBool = AtomicBool::new(false);

/// Called once the global propagator is installed.
pub fn enable() {
    PROPAGATING.store(true, Ordering::Relaxed);
}

/// The caller's context from a call's headers, by the installed propagators;
/// `None` when nothing is propagated or the headers carry no context.
pub fn extract(headers: &http::HeaderMap) -> Option<Context> {
    if !PROPAGATING.load(Ordering::Relaxed) {
        return None;
    }
    let cx = opentelemetry::global::get_text_map_propagator(|p| {
        p.extract_with_context(&Context::new(), &HeaderExtractor(headers))
    });
    (cx.has_active_span() || !cx.baggage().is_empty()).then_some(cx)
}

/// Writes `cx` into outgoing call metadata by the installed propagators.
pub fn inject(cx: &Context, metadata: &mut tonic::metadata::MetadataMap) {
    let mut headers = std::mem::take(metadata).into_headers();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(cx, &mut HeaderInjector(&mut headers)));
    *metadata = tonic::metadata::MetadataMap::from_headers(headers);
}
