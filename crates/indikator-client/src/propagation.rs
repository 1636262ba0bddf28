//! A client's trace context written into its calls' metadata by the globally
//! installed propagators (W3C Trace Context and Baggage by default), so that
//! the server's call span joins the client's trace.

use opentelemetry::Context;
use opentelemetry::propagation::Injector;

/// Writes propagation fields into HTTP headers (gRPC metadata).
struct HeaderInjector<'a>(&'a mut tonic::codegen::http::HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        use tonic::codegen::http::{HeaderName, HeaderValue};
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(key), HeaderValue::try_from(value)) {
            self.0.insert(name, value);
        }
    }
}

/// Writes `cx` into outgoing call metadata by the installed propagators.
pub(crate) fn inject(cx: &Context, metadata: &mut tonic::metadata::MetadataMap) {
    let mut headers = std::mem::take(metadata).into_headers();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(cx, &mut HeaderInjector(&mut headers)));
    *metadata = tonic::metadata::MetadataMap::from_headers(headers);
}
