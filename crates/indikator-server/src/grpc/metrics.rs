//! The service's instruments (no-ops until a meter provider is installed).

use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};

use indikator_app::memory::MemoryBudget;

/// Server-wide call metrics (no-ops until a meter provider is installed).
///
/// Call metrics carry `rpc.system`, `rpc.service`, `rpc.method` (the names of
/// the services the server has, `_OTHER` for any other path) and, once the
/// call has ended, `rpc.grpc.status_code`: their cardinality is bounded
/// whatever clients send. Nothing client-given (municipality, round id) is a
/// metric attribute.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Calls by service, method and status code.
    pub(crate) requests: Counter<u64>,
    /// `rpc.server.call.duration`: seconds to the end of the response stream,
    /// by service, method and status code.
    pub(crate) latency: Histogram<f64>,
    /// Calls being served (streams until they end), by service and method.
    pub(crate) calls_in_flight: UpDownCounter<i64>,
    /// Records scored (Score, ScoreStream, ScoreRound), by method.
    pub records_scored: Counter<u64>,
    /// Records refused, by method.
    pub records_rejected: Counter<u64>,
    /// ScoreRound calls currently open.
    pub rounds_in_flight: UpDownCounter<i64>,
    meter: Meter,
}

/// Bucket bounds of `rpc.server.call.duration` (seconds): OpenTelemetry's
/// recommended bounds, below them the tens of microseconds a Score takes.
const DURATION_BOUNDS: [f64; 19] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0,
    2.5, 5.0, 10.0,
];

impl Metrics {
    pub fn new(meter: &Meter) -> Self {
        Self {
            requests: meter
                .u64_counter("indikator.rpc.requests")
                .with_unit("{call}")
                .with_description("gRPC calls by method and status")
                .build(),
            latency: meter
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("gRPC call duration, to the end of the response stream")
                .with_boundaries(DURATION_BOUNDS.to_vec())
                .build(),
            calls_in_flight: meter
                .i64_up_down_counter("indikator.rpc.in_flight")
                .with_unit("{call}")
                .with_description("gRPC calls being served (streams until they end)")
                .build(),
            records_scored: meter
                .u64_counter("indikator.records.scored")
                .with_unit("{record}")
                .with_description("records scored")
                .build(),
            records_rejected: meter
                .u64_counter("indikator.records.rejected")
                .with_unit("{record}")
                .with_description("records refused as invalid or duplicate")
                .build(),
            rounds_in_flight: meter
                .i64_up_down_counter("indikator.rounds.in_flight")
                .with_unit("{round}")
                .with_description("ScoreRound calls open")
                .build(),
            meter: meter.clone(),
        }
    }

    /// From the global meter provider (set by `telemetry::init`).
    pub fn global() -> Self {
        Self::new(&opentelemetry::global::meter("indikator"))
    }

    /// Reports the memory budget: `indikator.memory.budget.used` and
    /// `indikator.memory.budget.limit` (bytes), read at each export.
    pub fn observe_memory(&self, budget: &MemoryBudget) {
        let used = budget.clone();
        self.meter
            .u64_observable_gauge("indikator.memory.budget.used")
            .with_unit("By")
            .with_description("bytes reserved from the memory budget by request bodies and rounds")
            .with_callback(move |gauge| gauge.observe(used.used() as u64, &[]))
            .build();
        let limit = budget.limit() as u64;
        self.meter
            .u64_observable_gauge("indikator.memory.budget.limit")
            .with_unit("By")
            .with_description("the memory budget (--memory-budget-bytes)")
            .with_callback(move |gauge| gauge.observe(limit, &[]))
            .build();
    }
}
