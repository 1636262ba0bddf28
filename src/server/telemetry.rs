//! Logging and OpenTelemetry.
//!
//! Logs go to stderr through `tracing` (text or JSON lines). When
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (or a signal-specific
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `..._METRICS_ENDPOINT`) is set, spans
//! and metrics are also exported over OTLP/gRPC; the exporters honour the
//! standard `OTEL_*` variables (headers, timeouts, `OTEL_SERVICE_NAME`,
//! `OTEL_METRIC_EXPORT_INTERVAL`, …). Export runs in the background and never
//! blocks a call; [`TelemetryGuard::shutdown`] flushes what is left.
//!
//! Every call has a span ([`CALL_SPAN_TARGET`]). It is always exported, but
//! logs show it (as the context of a call's log lines) only when the log
//! filter names its target, e.g. `INDIKATOR_LOG=info,indikator::rpc=info`:
//! formatting its fields for the log on every call cost more server CPU than
//! scoring the request (13–20 µs a call, BENCHMARKS.md).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

/// Chatty transport crates stay at `warn` unless the filter names them:
/// TRACE from them costs far more than the scoring itself.
const QUIET: [&str; 5] = ["h2", "hyper", "hyper_util", "tower", "tonic::transport"];

/// The target of the per-call span (see the module documentation).
pub const CALL_SPAN_TARGET: &str = "indikator::rpc";

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

/// Builds OTLP/gRPC span and metric pipelines for `endpoint`, or from the
/// standard environment variables when `endpoint` is `None`.
pub fn otlp_providers(
    endpoint: Option<&str>,
) -> Result<(SdkTracerProvider, SdkMeterProvider), Box<dyn std::error::Error + Send + Sync>> {
    let resource = Resource::builder().with_service_name("indikator").build();
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

/// Installs the global subscriber (and, when configured, the OTLP pipelines
/// and the global meter provider). Call once, from the binary, inside the runtime.
pub fn init(args: &LogSettings) -> Result<TelemetryGuard, Box<dyn std::error::Error + Send + Sync>> {
    let log_filter = log_filter(&args.filter)?;
    let export_filter = export_filter(&args.filter)?;
    let export =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]
            .iter()
            .any(|v| env_set(v))
            && !std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    let mut guard = TelemetryGuard::default();
    let otel = if export {
        let (tracer, meter) = otlp_providers(None)?;
        let layer = otel_layer(&tracer).with_filter(export_filter);
        opentelemetry::global::set_meter_provider(meter.clone());
        guard = TelemetryGuard { tracer: Some(tracer), meter: Some(meter) };
        Some(layer)
    } else {
        None
    };
    let fmt_layer = match args.format {
        // Colour only for a person at a terminal, never in a file or a collector.
        LogFormat::Text => {
            use std::io::IsTerminal;
            fmt::layer().with_ansi(std::io::stderr().is_terminal()).with_writer(std::io::stderr).boxed()
        }
        LogFormat::Json => fmt::layer().json().with_writer(std::io::stderr).boxed(),
    };
    tracing_subscriber::registry().with(otel).with(fmt_layer.with_filter(log_filter)).try_init()?;
    if export {
        tracing::info!("exporting spans and metrics over OTLP/gRPC");
    }
    Ok(guard)
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
    fn a_bad_filter_is_an_error() {
        assert!(filter("info,=[").is_err());
    }
}
