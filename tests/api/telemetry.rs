//! Telemetry of the real binary, configured only by environment variables,
//! read by an OTLP/gRPC receiver inside the test. Every assertion on what was
//! exported follows the exporting process's exit: shutdown flushes, so by then
//! everything it exports has arrived.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indikator_client::proto::v1::indicator_service_client::IndicatorServiceClient;
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse, metrics_service_server,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse, trace_service_server,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::metric;
use opentelemetry_proto::tonic::resource::v1::Resource;
use tonic::transport::Channel;

use crate::helpers::example_request;
use crate::process::ServerProcess;
use crate::production::{header, record};

/// The caller's trace in the issue's example: trace `4bf92f35…`, parent span `00f067aa0ba902b7`.
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID: &str = "00f067aa0ba902b7";

/// Attributes as `(key, value)`, values shown plainly (`grpc`, `0`).
type Attributes = Vec<(String, String)>;

#[derive(Clone, Debug)]
struct ReceivedSpan {
    name: String,
    trace_id: String,
    span_id: String,
    /// Empty for a root span.
    parent_span_id: String,
    /// `SpanKind` as a number: 1 internal, 2 server, 3 client.
    kind: i32,
    start: u64,
    end: u64,
    attributes: Attributes,
    resource: Attributes,
}

#[derive(Clone, Debug)]
struct ReceivedMetric {
    name: String,
    unit: String,
    /// The attributes of each data point.
    points: Vec<Attributes>,
    resource: Attributes,
}

fn show(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        other => format!("{other:?}"),
    }
}

fn attributes(kvs: &[KeyValue]) -> Attributes {
    kvs.iter().map(|kv| (kv.key.clone(), show(kv.value.as_ref()))).collect()
}

fn resource(resource: Option<&Resource>) -> Attributes {
    resource.map(|r| attributes(&r.attributes)).unwrap_or_default()
}

fn get<'a>(attributes: &'a Attributes, key: &str) -> Option<&'a str> {
    attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
    metrics: Arc<Mutex<Vec<ReceivedMetric>>>,
}

impl Receiver {
    /// A receiver serving OTLP/gRPC on a free port; its endpoint URL.
    async fn start() -> (Self, String) {
        let receiver = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(trace_service_server::TraceServiceServer::new(receiver.clone()))
                .add_service(metrics_service_server::MetricsServiceServer::new(receiver.clone()))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
        (receiver, endpoint)
    }

    fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().unwrap().clone()
    }

    fn metrics(&self) -> Vec<ReceivedMetric> {
        self.metrics.lock().unwrap().clone()
    }
}

#[tonic::async_trait]
impl trace_service_server::TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.spans.lock().unwrap();
        for rs in request.into_inner().resource_spans {
            let resource = resource(rs.resource.as_ref());
            for ss in rs.scope_spans {
                for span in ss.spans {
                    spans.push(ReceivedSpan {
                        trace_id: hex(&span.trace_id),
                        span_id: hex(&span.span_id),
                        parent_span_id: hex(&span.parent_span_id),
                        kind: span.kind,
                        start: span.start_time_unix_nano,
                        end: span.end_time_unix_nano,
                        attributes: attributes(&span.attributes),
                        resource: resource.clone(),
                        name: span.name,
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl metrics_service_server::MetricsService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let mut metrics = self.metrics.lock().unwrap();
        for rm in request.into_inner().resource_metrics {
            let resource = resource(rm.resource.as_ref());
            for sm in rm.scope_metrics {
                for m in sm.metrics {
                    let points = match &m.data {
                        Some(metric::Data::Histogram(h)) => {
                            h.data_points.iter().map(|p| attributes(&p.attributes)).collect()
                        }
                        Some(metric::Data::Sum(s)) => s.data_points.iter().map(|p| attributes(&p.attributes)).collect(),
                        Some(metric::Data::Gauge(g)) => {
                            g.data_points.iter().map(|p| attributes(&p.attributes)).collect()
                        }
                        _ => Vec::new(),
                    };
                    metrics.push(ReceivedMetric { name: m.name, unit: m.unit, points, resource: resource.clone() });
                }
            }
        }
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn client(server: &ServerProcess) -> IndicatorServiceClient<Channel> {
    IndicatorServiceClient::new(Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap())
}

/// `request` carrying the caller's trace context.
fn traced<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("traceparent", TRACEPARENT.parse().unwrap());
    request.metadata_mut().insert("baggage", "tenant=kommune-0301".parse().unwrap());
    request
}

/// Ends the server and waits for its exit (which flushes the exporters).
async fn stop(server: ServerProcess) {
    server.sigterm();
    assert_eq!(server.wait().await, Some(0), "shutdown flushes and exits 0");
}

#[tokio::test]
async fn spans_metrics_and_the_resource_arrive_at_an_otlp_receiver_as_the_environment_says() {
    let (receiver, endpoint) = Receiver::start().await;
    let server = ServerProcess::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_SERVICE_NAME", "indikator-otel-check"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "service.name=overridden,deployment.environment.name=test,service.namespace=kommune",
        ),
    ]);
    let mut client = client(&server).await;
    client.score(example_request()).await.unwrap();
    let mut bad = example_request();
    bad.response.as_mut().unwrap().respondent = None;
    assert!(client.score(bad).await.is_err());
    let round = futures::stream::iter([header(), record("a")]);
    let mut responses = client.score_round(round).await.unwrap().into_inner();
    while responses.message().await.unwrap().is_some() {}
    drop(client);
    stop(server).await;

    let spans = receiver.spans();
    let score: Vec<_> = spans.iter().filter(|s| s.name == "indikator.v1.IndicatorService/Score").collect();
    assert_eq!(score.len(), 2, "{spans:?}");
    let codes: Vec<_> = score.iter().filter_map(|s| get(&s.attributes, "rpc.grpc.status_code")).collect();
    assert!(codes.contains(&"0") && codes.contains(&"3"), "{codes:?}");
    assert!(score.iter().any(|s| get(&s.attributes, "municipality") == Some("0301")), "{score:?}");
    assert!(score.iter().all(|s| s.kind == 2 && s.parent_span_id.is_empty()), "server spans, roots: {score:?}");

    // The resource: OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES over the default.
    let resource = &score[0].resource;
    assert_eq!(get(resource, "service.name"), Some("indikator-otel-check"), "{resource:?}");
    assert_eq!(get(resource, "service.version"), Some(env!("CARGO_PKG_VERSION")), "{resource:?}");
    assert_eq!(get(resource, "deployment.environment.name"), Some("test"), "{resource:?}");
    assert_eq!(get(resource, "service.namespace"), Some("kommune"), "{resource:?}");

    let metrics = receiver.metrics();
    let metric = |name: &str| {
        metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} in {:?}", names(&metrics)))
    };
    let duration = metric("rpc.server.call.duration");
    assert_eq!(duration.unit, "s");
    assert_eq!(get(&duration.resource, "service.name"), Some("indikator-otel-check"));
    let score_points: Vec<_> = duration.points.iter().filter(|p| get(p, "rpc.method") == Some("Score")).collect();
    for point in &score_points {
        assert_eq!(get(point, "rpc.system"), Some("grpc"), "{point:?}");
        assert_eq!(get(point, "rpc.service"), Some("indikator.v1.IndicatorService"), "{point:?}");
    }
    let codes: Vec<_> = score_points.iter().filter_map(|p| get(p, "rpc.grpc.status_code")).collect();
    assert!(codes.contains(&"0") && codes.contains(&"3"), "{score_points:?}");
    for name in [
        "indikator.rpc.requests",
        "indikator.records.scored",
        "indikator.records.rejected",
        "indikator.rpc.in_flight",
        "indikator.rounds.in_flight",
    ] {
        metric(name);
    }
    for name in ["indikator.memory.budget.used", "indikator.memory.budget.limit"] {
        assert_eq!(metric(name).unit, "By", "{name}");
    }
    // Cardinality stays bounded: nothing client-given is a metric attribute.
    for m in &metrics {
        for point in &m.points {
            for (key, _) in point {
                assert!(
                    ["rpc.system", "rpc.service", "rpc.method", "rpc.grpc.status_code"].contains(&key.as_str()),
                    "{} has attribute {key}",
                    m.name
                );
            }
        }
    }
}

fn names(metrics: &[ReceivedMetric]) -> Vec<&str> {
    metrics.iter().map(|m| m.name.as_str()).collect()
}

#[tokio::test]
async fn a_call_carrying_traceparent_joins_the_callers_trace_and_its_json_log_lines_carry_the_ids() {
    let (receiver, endpoint) = Receiver::start().await;
    let mut server =
        ServerProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("INDIKATOR_LOG_FORMAT", "json")]);
    assert!(!server.startup_line.contains("trace_id"), "no span, no ids: {}", server.startup_line);
    let mut client = client(&server).await;
    client.score(traced(example_request())).await.unwrap();

    let round = futures::stream::iter([header(), record("a")]);
    let mut responses = client.score_round(traced(round)).await.unwrap().into_inner();
    while responses.message().await.unwrap().is_some() {}
    let line = server.log_line("round started", Duration::from_secs(20)).await;
    let logged: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(logged["trace_id"], TRACE_ID, "{line}");
    let logged_span = logged["span_id"].as_str().unwrap_or_else(|| panic!("a span id: {line}")).to_owned();
    drop(client);
    stop(server).await;

    let spans = receiver.spans();
    let score = spans.iter().find(|s| s.name == "indikator.v1.IndicatorService/Score").expect("the Score span");
    assert_eq!((score.trace_id.as_str(), score.parent_span_id.as_str()), (TRACE_ID, PARENT_ID), "{score:?}");
    assert_eq!(score.kind, 2, "a server span");
    let round = spans.iter().find(|s| s.name == "indikator.v1.IndicatorService/ScoreRound").expect("the round's span");
    assert_eq!((round.trace_id.as_str(), round.parent_span_id.as_str()), (TRACE_ID, PARENT_ID), "{round:?}");
    assert_eq!(round.span_id, logged_span, "the log line names the round's span");
}

#[tokio::test]
async fn with_otel_propagators_none_a_call_keeps_a_trace_of_its_own() {
    let (receiver, endpoint) = Receiver::start().await;
    let server = ServerProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("OTEL_PROPAGATORS", "none")]);
    client(&server).await.score(traced(example_request())).await.unwrap();
    stop(server).await;
    let spans = receiver.spans();
    let score = spans.iter().find(|s| s.name == "indikator.v1.IndicatorService/Score").expect("the Score span");
    assert_ne!(score.trace_id, TRACE_ID, "{score:?}");
    assert!(score.parent_span_id.is_empty(), "{score:?}");
}

#[tokio::test]
async fn with_otel_sdk_disabled_nothing_is_exported() {
    let (receiver, endpoint) = Receiver::start().await;
    let server = ServerProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint), ("OTEL_SDK_DISABLED", "true")]);
    client(&server).await.score(traced(example_request())).await.unwrap();
    stop(server).await;
    assert!(
        receiver.spans().is_empty() && receiver.metrics().is_empty(),
        "an exporting server flushes before it exits"
    );
}

#[tokio::test]
async fn a_batch_run_against_a_server_is_one_trace_across_client_and_server() {
    let (receiver, endpoint) = Receiver::start().await;
    let server = ServerProcess::start(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)]);
    let mut batch = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"));
    batch.args(["batch", "examples/round-2018.jsonl", "--quiet", "--server", &server.address]);
    batch.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("INDIKATOR_") || name.starts_with("OTEL_") {
            batch.env_remove(name.as_ref());
        }
    }
    batch.env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint).env("OTEL_SERVICE_NAME", "indikator-batch");
    let output = batch.output().await.unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    stop(server).await;

    let spans = receiver.spans();
    let batch_spans: Vec<_> =
        spans.iter().filter(|s| get(&s.resource, "service.name") == Some("indikator-batch")).collect();
    let root = batch_spans.iter().find(|s| s.name == "batch").unwrap_or_else(|| panic!("the run's span: {spans:?}"));
    assert!(root.parent_span_id.is_empty(), "the run is the trace's root: {root:?}");
    assert_eq!(get(&root.attributes, "records"), Some("377"), "{root:?}");
    let call = batch_spans
        .iter()
        .find(|s| s.name == "indikator.v1.IndicatorService/ScoreRound" && s.kind == 3)
        .unwrap_or_else(|| panic!("the client's call span: {spans:?}"));
    assert_eq!((call.trace_id.as_str(), call.parent_span_id.as_str()), (root.trace_id.as_str(), root.span_id.as_str()));
    let served = spans
        .iter()
        .find(|s| s.name == "indikator.v1.IndicatorService/ScoreRound" && s.kind == 2)
        .unwrap_or_else(|| panic!("the server's span: {spans:?}"));
    assert_eq!(get(&served.resource, "service.name"), Some("indikator"));
    assert_eq!(
        (served.trace_id.as_str(), served.parent_span_id.as_str()),
        (root.trace_id.as_str(), call.span_id.as_str()),
        "the server's span is the client call's child, in the run's trace"
    );
    assert_eq!(get(&served.attributes, "records"), Some("377"), "{served:?}");
    eprintln!("trace {}", root.trace_id);
    for (depth, span) in [(0, *root), (1, *call), (2, served)] {
        eprintln!(
            "{:indent$}{}  {}  {:?}",
            "",
            span.name,
            get(&span.resource, "service.name").unwrap_or_default(),
            Duration::from_nanos(span.end - span.start),
            indent = depth * 3
        );
    }
}

#[tokio::test]
async fn refusals_are_counted_by_reason_and_each_call_span_names_the_caller_and_the_outcome() {
    use crate::auth::{ISSUER, claims, jwks, primary};
    let (receiver, endpoint) = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks(&[primary()])).unwrap();
    let server = ServerProcess::start(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("INDIKATOR_AUTH_JWKS", path.to_str().unwrap()),
        ("INDIKATOR_AUTH_ISSUER", ISSUER),
    ]);
    let client = client(&server).await;
    let with = |authorization: Option<String>| {
        let mut request = tonic::Request::new(example_request());
        if let Some(value) = authorization {
            request.metadata_mut().insert("authorization", value.parse().unwrap());
        }
        let mut client = client.clone();
        async move { client.score(request).await.map(|_| ()) }
    };
    let allowed = format!("Bearer {}", primary().sign(&claims("indikator:score")));
    let scoped = format!("Bearer {}", primary().sign(&claims("indikator:rounds")));
    with(Some(allowed)).await.expect("a valid token");
    assert_eq!(with(None).await.unwrap_err().code(), tonic::Code::Unauthenticated);
    assert_eq!(with(None).await.unwrap_err().code(), tonic::Code::Unauthenticated);
    assert_eq!(with(Some("Bearer not.a.jwt".into())).await.unwrap_err().code(), tonic::Code::Unauthenticated);
    assert_eq!(with(Some(scoped)).await.unwrap_err().code(), tonic::Code::PermissionDenied);
    drop(client);
    stop(server).await;

    let metrics = receiver.metrics();
    let refusals: Vec<&ReceivedMetric> = metrics.iter().filter(|m| m.name == "indikator.auth.refusals").collect();
    let mut reasons: Vec<&str> =
        refusals.iter().flat_map(|m| m.points.iter()).filter_map(|p| get(p, "reason")).collect();
    reasons.sort_unstable();
    reasons.dedup();
    assert_eq!(reasons, ["malformed", "missing", "scope"], "{refusals:?}");
    for point in refusals.iter().flat_map(|m| m.points.iter()) {
        assert_eq!(point.len(), 1, "only the reason: {point:?}");
    }

    let spans = receiver.spans();
    let score: Vec<_> = spans.iter().filter(|s| s.name == "indikator.v1.IndicatorService/Score").collect();
    assert_eq!(score.len(), 5, "{spans:?}");
    let outcomes: Vec<_> = score.iter().filter_map(|s| get(&s.attributes, "auth.outcome")).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "allowed").count(), 1, "{outcomes:?}");
    let allowed = score.iter().find(|s| get(&s.attributes, "auth.outcome") == Some("allowed")).unwrap();
    assert_eq!(get(&allowed.attributes, "caller.organisation"), Some("974760673"), "{allowed:?}");
    assert_eq!(get(&allowed.attributes, "caller.client_id"), Some("0c7a5b3e-test-client"), "{allowed:?}");
    let denied = score.iter().find(|s| get(&s.attributes, "rpc.grpc.status_code") == Some("7")).unwrap();
    assert_eq!(get(&denied.attributes, "caller.organisation"), Some("974760673"), "the refused caller is named too");
    for span in &score {
        assert!(span.attributes.iter().all(|(_, v)| !v.contains("eyJ")), "no token in a span: {span:?}");
    }
}
