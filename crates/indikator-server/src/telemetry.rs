//! Logging and OpenTelemetry.
//!
//! Logs go to stderr through `tracing` (text or JSON lines). When
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or a signal-specific
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `..._METRICS_ENDPOINT`) is set and
//! `OTEL_SDK_DISABLED` is not `true`, spans and metrics are also exported over
//! OTLP/gRPC; the exporters honour the standard `OTEL_*` variables (headers,
//! timeouts, `OTEL_METRIC_EXPORT_INTERVAL`, …). Export runs in the background
//! and never blocks a call; [`TelemetryGuard::shutdown`] flushes what is left.
//!
//! The resource is `service.name=indikator` and `service.version` of the
//! crate, overridden by `OTEL_RESOURCE_ATTRIBUTES` and then by
//! `OTEL_SERVICE_NAME` ([`resource`]). While exporting, calls join the
//! caller's trace: the propagators named by `OTEL_PROPAGATORS` (default
//! `tracecontext,baggage`; `none` turns propagation off, see [`propagators`])
//! read the call's metadata, and the batch client writes its own context into
//! the calls it makes. JSON log lines written inside a span carry its
//! `trace_id` and `span_id` ([`JsonWithTrace`]).
//!
//! Every call has a span ([`CALL_SPAN_TARGET`]). It is always exported, but
//! logs show it (as the context of a call's log lines) only when the log
//! filter names its target, e.g. `INDIKATOR_LOG=info,indikator::rpc=info`:
//! formatting its fields for the log on every call cost more server CPU than
//! scoring the request (13–20 µs a call, BENCHMARKS.md).

use std::sync::{Arc, OnceLock};

use opentelemetry::KeyValue;
use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::{MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::resource::{EnvResourceDetector, TelemetryResourceDetector};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::dispatcher::WeakDispatch;
use tracing_subscriber::fmt::format::{Format, Json, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

/// Chatty transport crates stay at `warn` unless the filter names them:
/// TRACE from them costs far more than the scoring itself.
const QUIET: [&str; 5] = ["h2", "hyper", "hyper_util", "tower", "tonic::transport"];

/// The target of the per-call span (see the module documentation).
pub use indikator_app::CALL_SPAN_TARGET;

/// The filter for a user-given directive string.
pub fn filter(directives: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    let mut filter = EnvFilter::builder().parse(directives)?;
    for target in QUIET {
        if !names(directives, target) {
            filter = filter.add_directive(format!("{target}=warn").parse()?);
        }
    }
    Ok(filter)
}

/// The log's filter: [`filter`], with call spans off unless named.
pub fn log_filter(directives: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    with_call_spans(directives, "off")
}

/// The exporter's filter: [`filter`], with call spans on unless named.
pub fn export_filter(directives: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    with_call_spans(directives, "info")
}

/// [`filter`], with call spans at `level` unless the directives name them.
fn with_call_spans(directives: &str, level: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    let filter = filter(directives)?;
    if names(directives, CALL_SPAN_TARGET) {
        return Ok(filter);
    }
    Ok(filter.add_directive(format!("{CALL_SPAN_TARGET}={level}").parse()?))
}

fn names(directives: &str, target: &str) -> bool {
    directives.split(',').any(|d| d.trim().starts_with(target))
}

/// The OTLP pipelines, when configured; shut down to flush.
#[derive(Debug, Default)]
pub struct TelemetryGuard {
    /// Exports spans in batches from a background thread.
    tracer: Option<SdkTracerProvider>,
    /// Exports metrics periodically from a background thread.
    meter: Option<SdkMeterProvider>,
}

impl TelemetryGuard {
    /// Flushes and stops the exporters. Runs on a blocking thread: the SDK's
    /// shutdown blocks, and on a single-worker runtime it would deadlock.
    pub async fn shutdown(self) {
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(t) = self.tracer
                && let Err(e) = t.shutdown()
            {
                eprintln!("indikator: flushing spans failed: {e}");
            }
            if let Some(m) = self.meter
                && let Err(e) = m.shutdown()
            {
                eprintln!("indikator: flushing metrics failed: {e}");
            }
        })
        .await;
    }
}

fn env_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// The service name when neither `OTEL_SERVICE_NAME` nor
/// `OTEL_RESOURCE_ATTRIBUTES` gives one.
pub const SERVICE_NAME: &str = "indikator";

/// The resource every span and metric is exported with: `service.name`
/// ([`SERVICE_NAME`]), `service.version` (the crate's) and the SDK's
/// `telemetry.sdk.*`, overridden by `OTEL_RESOURCE_ATTRIBUTES`
/// (`key=value,…`), whose `service.name` is in turn overridden by
/// `OTEL_SERVICE_NAME`.
pub fn resource() -> Resource {
    let mut builder = Resource::builder_empty()
        .with_detector(Box::new(TelemetryResourceDetector))
        .with_attributes([
            KeyValue::new("service.name", SERVICE_NAME),
            KeyValue::new("service.version", env!("CARGO_PKG_VERSION")),
        ])
        .with_detector(Box::new(EnvResourceDetector::new()));
    if let Ok(name) = std::env::var("OTEL_SERVICE_NAME")
        && !name.trim().is_empty()
    {
        builder = builder.with_service_name(name.trim().to_owned());
    }
    builder.build()
}

/// The propagators `OTEL_PROPAGATORS` names (`tracecontext`, `baggage`;
/// `none` for none; unset or empty: `tracecontext,baggage`), and the names it
/// gives that are not supported (ignored).
pub fn propagators(value: Option<&str>) -> (Option<TextMapCompositePropagator>, Vec<String>) {
    let value = value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or("tracecontext,baggage");
    let mut chosen: Vec<Box<dyn TextMapPropagator + Send + Sync>> = Vec::new();
    let mut unsupported = Vec::new();
    let (mut tracecontext, mut baggage) = (false, false);
    for name in value.split(',').map(|n| n.trim().to_ascii_lowercase()) {
        match name.as_str() {
            "none" => return (None, unsupported),
            "tracecontext" if !tracecontext => {
                tracecontext = true;
                chosen.push(Box::new(TraceContextPropagator::new()));
            }
            "baggage" if !baggage => {
                baggage = true;
                chosen.push(Box::new(BaggagePropagator::new()));
            }
            "tracecontext" | "baggage" | "" => {}
            _ => unsupported.push(name),
        }
    }
    ((!chosen.is_empty()).then(|| TextMapCompositePropagator::new(chosen)), unsupported)
}

/// Builds OTLP/gRPC span and metric pipelines for `endpoint`, or from the
/// standard environment variables when `endpoint` is `None`, with [`resource`].
pub fn otlp_providers(
    endpoint: Option<&str>,
) -> Result<(SdkTracerProvider, SdkMeterProvider), Box<dyn std::error::Error + Send + Sync>> {
    let resource = resource();
    let mut spans = SpanExporter::builder().with_tonic();
    let mut metrics = MetricExporter::builder().with_tonic();
    if let Some(endpoint) = endpoint {
        spans = spans.with_endpoint(endpoint);
        metrics = metrics.with_endpoint(endpoint);
    }
    let tracer =
        SdkTracerProvider::builder().with_batch_exporter(spans.build()?).with_resource(resource.clone()).build();
    let meter = SdkMeterProvider::builder().with_periodic_exporter(metrics.build()?).with_resource(resource).build();
    Ok((tracer, meter))
}

/// A tracing layer that turns spans into OpenTelemetry spans.
pub fn otel_layer<S>(tracer: &SdkTracerProvider) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_opentelemetry::layer().with_tracer(tracer.tracer("indikator"))
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Log settings: the format and a `tracing` filter (e.g. `info` or `indikator=debug`).
#[derive(Debug, Clone)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
}

/// Whether spans and metrics are exported: an OTLP endpoint is set and
/// `OTEL_SDK_DISABLED` is not `true`.
pub fn exporting() -> bool {
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]
        .iter()
        .any(|v| env_set(v))
        && !std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Installs the global subscriber (and, when configured, the OTLP pipelines,
/// the global meter provider and the propagators). Call once, from the
/// binary, inside the runtime.
pub fn init(args: &LogSettings) -> Result<TelemetryGuard, Box<dyn std::error::Error + Send + Sync>> {
    let log_filter = log_filter(&args.filter)?;
    let export_filter = export_filter(&args.filter)?;
    let export = exporting();
    let mut guard = TelemetryGuard::default();
    let mut unsupported = Vec::new();
    let otel = if export {
        let (tracer, meter) = otlp_providers(None)?;
        let layer = otel_layer(&tracer).with_filter(export_filter);
        opentelemetry::global::set_meter_provider(meter.clone());
        let (propagator, ignored) = propagators(std::env::var("OTEL_PROPAGATORS").ok().as_deref());
        unsupported = ignored;
        if let Some(propagator) = propagator {
            opentelemetry::global::set_text_map_propagator(propagator);
            crate::propagation::enable();
        }
        guard = TelemetryGuard { tracer: Some(tracer), meter: Some(meter) };
        Some(layer)
    } else {
        None
    };
    let dispatch = Arc::new(OnceLock::new());
    let fmt_layer = match args.format {
        // Colour only for a person at a terminal, never in a file or a collector.
        LogFormat::Text => {
            use std::io::IsTerminal;
            fmt::layer().with_ansi(std::io::stderr().is_terminal()).with_writer(std::io::stderr).boxed()
        }
        LogFormat::Json => fmt::layer()
            .json()
            .event_format(JsonWithTrace { inner: fmt::format().json(), dispatch: dispatch.clone() })
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let subscriber = tracing_subscriber::registry().with(otel).with(fmt_layer.with_filter(log_filter));
    let subscriber = tracing::Dispatch::new(subscriber);
    let _ = dispatch.set(subscriber.downgrade());
    tracing::dispatcher::set_global_default(subscriber)?;
    if export {
        tracing::info!("exporting spans and metrics over OTLP/gRPC");
    }
    if !unsupported.is_empty() {
        tracing::warn!(ignored = ?unsupported, "OTEL_PROPAGATORS names propagators this build does not have");
    }
    Ok(guard)
}

/// The JSON line format, with the `trace_id` and `span_id` of the span the
/// event is in (W3C hex) when that span has an OpenTelemetry context.
///
/// The ids are read through the dispatcher, not the formatter's context: the
/// log filter hides call spans from the log layer (see the module
/// documentation), yet their log lines are to carry their ids.
pub struct JsonWithTrace {
    inner: Format<Json>,
    dispatch: Arc<OnceLock<WeakDispatch>>,
}

impl JsonWithTrace {
    /// The trace and span ids of the event's span, if it is traced.
    fn ids(&self, event: &tracing::Event<'_>) -> Option<(String, String)> {
        let dispatch = self.dispatch.get()?.upgrade()?;
        let id = match event.parent() {
            Some(id) => id.clone(),
            None if event.is_contextual() => dispatch.current_span().id()?.clone(),
            None => return None,
        };
        let cx = tracing_opentelemetry::get_otel_context(&id, &dispatch)?;
        let span = cx.span();
        let context = span.span_context();
        context.is_valid().then(|| (context.trace_id().to_string(), context.span_id().to_string()))
    }
}

impl<S, N> FormatEvent<S, N> for JsonWithTrace
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let Some((trace_id, span_id)) = self.ids(event) else {
            return self.inner.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.inner.format_event(ctx, Writer::new(&mut line), event)?;
        // `{…}\n`: the ids go in before the closing brace.
        match line.rfind('}') {
            Some(end) => {
                let (object, rest) = line.split_at(end);
                write!(writer, "{object},\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\"{rest}")
            }
            None => writer.write_str(&line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_crates_are_kept_at_warn_unless_named() {
        let f = filter("trace").unwrap().to_string();
        assert!(f.contains("h2=warn") && f.contains("hyper=warn") && f.contains("tower=warn"), "{f}");
        let f = filter("info,h2=debug").unwrap().to_string();
        assert!(f.contains("h2=debug") && !f.contains("h2=warn"), "{f}");
    }

    #[test]
    fn call_spans_are_exported_but_logged_only_when_named() {
        assert!(log_filter("info").unwrap().to_string().contains("indikator::rpc=off"));
        assert!(export_filter("info").unwrap().to_string().contains("indikator::rpc=info"));
        let named = log_filter("info,indikator::rpc=info").unwrap().to_string();
        assert!(named.contains("indikator::rpc=info") && !named.contains("off"), "{named}");
    }

    #[test]
    fn otel_propagators_default_to_tracecontext_and_baggage_and_none_turns_them_off() {
        let fields = |value: Option<&str>| {
            let (propagator, ignored) = propagators(value);
            let fields = propagator.map(|p| {
                let mut fields: Vec<_> = p.fields().map(str::to_owned).collect();
                fields.sort();
                fields
            });
            (fields, ignored)
        };
        let both = Some(vec!["baggage".to_owned(), "traceparent".to_owned(), "tracestate".to_owned()]);
        assert_eq!(fields(None), (both.clone(), vec![]));
        assert_eq!(fields(Some(" ")), (both, vec![]));
        assert_eq!(fields(Some("baggage")), (Some(vec!["baggage".to_owned()]), vec![]));
        assert_eq!(fields(Some("none")), (None, vec![]));
        assert_eq!(fields(Some("tracecontext,none")), (None, vec![]));
        let (kept, ignored) = fields(Some("b3, TraceContext,xray"));
        assert_eq!(kept, Some(vec!["traceparent".to_owned(), "tracestate".to_owned()]));
        assert_eq!(ignored, ["b3", "xray"]);
    }

    #[test]
    fn json_lines_in_a_traced_span_carry_its_trace_and_span_ids() {
        use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};
        use tracing_opentelemetry::OpenTelemetrySpanExt as _;

        #[derive(Clone, Default)]
        struct Lines(Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Lines {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        let lines = Lines::default();
        let writer = lines.clone();
        let tracer = SdkTracerProvider::builder().build();
        let dispatch = Arc::new(OnceLock::new());
        let subscriber = tracing_subscriber::registry().with(otel_layer(&tracer)).with(
            fmt::layer()
                .json()
                .event_format(JsonWithTrace { inner: fmt::format().json(), dispatch: dispatch.clone() })
                .with_writer(move || writer.clone()),
        );
        let subscriber = tracing::Dispatch::new(subscriber);
        let _ = dispatch.set(subscriber.downgrade());
        tracing::dispatcher::with_default(&subscriber, || {
            tracing::info!("outside");
            let span = tracing::info_span!("call");
            let caller = SpanContext::new(
                TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
                SpanId::from_hex("00f067aa0ba902b7").unwrap(),
                TraceFlags::SAMPLED,
                true,
                TraceState::default(),
            );
            span.set_parent(opentelemetry::Context::new().with_remote_span_context(caller)).unwrap();
            span.in_scope(|| tracing::info!(answer = 42, "inside"));
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].get("trace_id").is_none(), "{text}");
        assert_eq!(lines[1]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736", "{text}");
        assert_eq!(lines[1]["fields"]["answer"], 42, "{text}");
        let span_id = lines[1]["span_id"].as_str().unwrap();
        assert_eq!(span_id.len(), 16, "{text}");
        assert_ne!(span_id, "00f067aa0ba902b7", "the line names its own span, the caller's child");
    }

    #[test]
    fn a_bad_filter_is_an_error() {
        assert!(filter("info,=[").is_err());
    }
}
