//! The service's instruments (no-ops until a meter provider is installed).

use opentelemetry::metrics::{Counter, Histogram, Meter, UpDownCounter};

/// Server-wide call metrics (no-ops until a meter provider is installed).
#[derive(Clone, Debug)]
pub struct Metrics {
    /// Calls by method and status code.
    pub(crate) requests: Counter<u64>,
    /// Call duration in seconds (to the end of the response stream), by method and code.
    pub(crate) latency: Histogram<f64>,
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
