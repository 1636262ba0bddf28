//! Trace context over gRPC metadata: the caller's context read from a call's
//! headers (the server's call span joins it), by the globally installed
//! propagators (W3C Trace Context and Baggage by default; the server's
//! telemetry installs them). The clients write theirs with the same
//! propagators (`indikator_client::propagation`).

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::Extractor;
use opentelemetry::trace::TraceContextExt;

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

/// Whether the server's telemetry installed propagators (it does while
/// exporting, unless `OTEL_PROPAGATORS=none`): without them extracting is skipped.
static PROPAGATING: AtomicBool = AtomicBool::new(false);

/// Called once the global propagator is installed.
pub(crate) fn enable() {
    PROPAGATING.store(true, Ordering::Relaxed);
}

/// The caller's context from a call's headers, by the installed propagators;
/// `None` when nothing is propagated or the headers carry no context.
pub(crate) fn extract(headers: &http::HeaderMap) -> Option<Context> {
    if !PROPAGATING.load(Ordering::Relaxed) {
        return None;
    }
    let cx = opentelemetry::global::get_text_map_propagator(|p| {
        p.extract_with_context(&Context::new(), &HeaderExtractor(headers))
    });
    (cx.has_active_span() || !cx.baggage().is_empty()).then_some(cx)
}
