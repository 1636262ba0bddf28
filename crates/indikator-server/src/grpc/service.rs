//! `indikator.v1.IndicatorService`: converts and validates, then calls the core.

use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use super::Metrics;
use super::indicator_service_server::IndicatorService;
use indikator_app::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use opentelemetry::KeyValue;

use super::status::{self, invalid_argument, round_error};
use indikator_app::compare_fold::{CompareOutput, fold_comparison};
use indikator_app::decode::{CompareItem, Record, RoundItem};
use indikator_app::memory::MemoryBudget;
use indikator_app::round_fold::{RoundOutput, fold_items_reserving, stream_output_bytes};
use indikator_app::score::score_response_bytes;
use indikator_app::{Validated, Violations, describe, encode};
use indikator_core::round::RoundLimits;

pub(crate) type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The service. Stateless per call: it holds only read-only tables.
#[derive(Debug, Clone)]
pub struct IndicatorApi {
    /// Rendered once at start-up; `GetMethodology` clones from here.
    methodologies: Arc<Vec<pb::Methodology>>,
    /// Bounds on one ScoreRound.
    round_limits: RoundLimits,
    /// Records scored and rejected, rounds in flight.
    metrics: Metrics,
    /// The `ks-2018` and `riksrevisjonen-2015` catalogues in use.
    catalogues: Catalogues,
    /// The server's message limit, so a round's summary is built to fit it.
    max_message_bytes: usize,
    /// What rounds reserve their state from.
    budget: MemoryBudget,
}

impl IndicatorApi {
    pub fn new(round_limits: RoundLimits, metrics: Metrics, catalogues: Catalogues, budget: MemoryBudget) -> Self {
        Self {
            methodologies: Arc::new(describe::all(&catalogues)),
            round_limits,
            metrics,
            catalogues,
            max_message_bytes: super::DEFAULT_MAX_MESSAGE_BYTES,
            budget,
        }
    }

    /// The message limit the server enforces (the summary is built to fit it).
    pub fn with_max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    fn count(&self, method: &'static str, scored: u64, rejected: u64) {
        let attributes = [KeyValue::new("rpc.method", method)];
        self.metrics.records_scored.add(scored, &attributes);
        self.metrics.records_rejected.add(rejected, &attributes);
    }
}

/// Decrements the rounds-in-flight gauge however the round ends.
struct RoundInFlight(Metrics);

impl RoundInFlight {
    fn start(metrics: &Metrics) -> Self {
        metrics.rounds_in_flight.add(1, &[]);
        Self(metrics.clone())
    }
}

impl Drop for RoundInFlight {
    fn drop(&mut self) {
        self.0.rounds_in_flight.add(-1, &[]);
    }
}

impl IndicatorApi {
    /// Score's answer to a response however it was read.
    pub(crate) fn score_response(&self, validated: Result<Validated, Violations>) -> Result<Response<Bytes>, Status> {
        let validated = match validated {
            Ok(v) => v,
            Err(violations) => {
                self.count("Score", 0, 1);
                return Err(invalid_argument(violations));
            }
        };
        let span = tracing::Span::current();
        span.record("records", 1);
        if let Some(m) = validated.respondent.municipality {
            span.record("municipality", tracing::field::display(m));
        }
        self.count("Score", 1, 0);
        Ok(Response::new(score_response_bytes(&validated, &self.catalogues, &mut BytesMut::new())))
    }

    /// ScoreStream over records however they were read: one output per
    /// input, produced as the client reads; a client that stops reading stops
    /// the server reading its requests (HTTP/2 flow control), so nothing piles
    /// up in memory.
    pub(crate) fn score_records<S>(&self, records: S) -> ResponseStream<Bytes>
    where
        S: Stream<Item = Result<Record, Status>> + Send + 'static,
    {
        let mut tally = StreamTally { span: tracing::Span::current(), api: self.clone(), scored: 0, rejected: 0 };
        // The stream's answers are written into one buffer, reused as they are sent.
        let mut buf = BytesMut::new();
        Box::pin(records.enumerate().map(move |(sequence, record)| {
            let (answer, scored) = stream_output_bytes(sequence as u64, record?, &tally.api.catalogues, &mut buf);
            tally.note(scored);
            Ok(answer)
        }))
    }

    /// ScoreRound over round items however they were read: reads the whole
    /// round first (so a failing round emits nothing), then streams score
    /// cards and the summary as the client reads them.
    pub(crate) async fn fold_and_answer<S>(&self, items: S) -> Result<ResponseStream<Bytes>, Status>
    where
        S: Stream<Item = Result<RoundItem, Status>> + Unpin,
    {
        let in_flight = RoundInFlight::start(&self.metrics);
        let (report, reservation) = fold_items_reserving(items, self.round_limits, &self.catalogues, &self.budget)
            .await
            .map_err(round_error)?;
        drop(in_flight);
        self.count("ScoreRound", report.scored, report.rejections.len() as u64);
        tracing::info!(scored = report.scored, rejected = report.rejections.len(), "round folded");
        // The round's state stays reserved until its last message is sent.
        let mut output = RoundOutput::with_budget(report, self.max_message_bytes / 4);
        let mut buf = BytesMut::new();
        Ok(Box::pin(futures::stream::iter(std::iter::from_fn(move || output.next_bytes(&mut buf))).map(move |m| {
            let _held = &reservation;
            Ok(m)
        })))
    }

    /// CompareRounds over its messages however they were read: reads both
    /// rounds first (so a failing comparison emits nothing), then streams
    /// comparison cards and the summary as the client reads them.
    pub(crate) async fn compare_and_answer<S>(&self, items: S) -> Result<ResponseStream<Bytes>, Status>
    where
        S: Stream<Item = Result<CompareItem, Status>> + Unpin,
    {
        let in_flight = RoundInFlight::start(&self.metrics);
        let (comparison, reservations) =
            fold_comparison(items, self.round_limits, &self.catalogues, &self.budget).await.map_err(round_error)?;
        drop(in_flight);
        let (baseline, current) = (&comparison.baseline, &comparison.current);
        self.count(
            "CompareRounds",
            baseline.scored + current.scored,
            (baseline.rejections.len() + current.rejections.len()) as u64,
        );
        let (matched, entered, left) = comparison.totals();
        tracing::info!(matched, entered, left, "rounds compared");
        // Both rounds' state stays reserved until the last message is sent.
        let mut buf = BytesMut::new();
        let outbound = futures::stream::iter(CompareOutput::new(comparison)).map(move |m| {
            let _held = &reservations;
            Ok(encode::message(&mut buf, &m))
        });
        Ok(Box::pin(outbound))
    }

    pub(crate) fn catalogues(&self) -> &Catalogues {
        &self.catalogues
    }
}

/// The generated service's methods. The server mounts
/// [`super::IndicatorRoutes`], which serves Score, ScoreStream, ScoreRound and
/// CompareRounds from their request bytes (one decode path per method); the
/// generated handlers of those four are never reached through it and refuse
/// the call, so that no second decode path exists.
#[tonic::async_trait]
impl IndicatorService for IndicatorApi {
    async fn score(&self, _: Request<pb::ScoreRequest>) -> Result<Response<pb::ScoreResponse>, Status> {
        Err(status::served_by_routes("Score"))
    }

    async fn get_methodology(
        &self,
        request: Request<pb::GetMethodologyRequest>,
    ) -> Result<Response<pb::GetMethodologyResponse>, Status> {
        let id = request.into_inner().methodology_id;
        let methodologies: Vec<_> =
            self.methodologies.iter().filter(|m| id.is_empty() || m.id == id).cloned().collect();
        if methodologies.is_empty() {
            let known: Vec<&str> = self.methodologies.iter().map(|m| m.id.as_str()).collect();
            let mut v = Violations::default();
            v.add("methodology_id", format!("unknown methodology {id:?}; known: {}", known.join(", ")));
            return Err(invalid_argument(v));
        }
        Ok(Response::new(pb::GetMethodologyResponse { methodologies }))
    }

    type ScoreStreamStream = ResponseStream<pb::ScoreStreamResponse>;

    async fn score_stream(
        &self,
        _: Request<Streaming<pb::ScoreStreamRequest>>,
    ) -> Result<Response<Self::ScoreStreamStream>, Status> {
        Err(status::served_by_routes("ScoreStream"))
    }

    type ScoreRoundStream = ResponseStream<pb::ScoreRoundResponse>;

    async fn score_round(
        &self,
        _: Request<Streaming<pb::ScoreRoundRequest>>,
    ) -> Result<Response<Self::ScoreRoundStream>, Status> {
        Err(status::served_by_routes("ScoreRound"))
    }

    type CompareRoundsStream = ResponseStream<pb::CompareRoundsResponse>;

    async fn compare_rounds(
        &self,
        _: Request<Streaming<pb::CompareRoundsRequest>>,
    ) -> Result<Response<Self::CompareRoundsStream>, Status> {
        Err(status::served_by_routes("CompareRounds"))
    }
}

/// Counts a ScoreStream's records; records them on the call's span and the
/// metrics when the stream ends, however it ends.
struct StreamTally {
    span: tracing::Span,
    api: IndicatorApi,
    scored: u64,
    rejected: u64,
}

impl StreamTally {
    fn note(&mut self, scored: bool) {
        if scored {
            self.scored += 1;
        } else {
            self.rejected += 1;
        }
    }
}

impl Drop for StreamTally {
    fn drop(&mut self) {
        self.span.record("records", self.scored + self.rejected);
        self.api.count("ScoreStream", self.scored, self.rejected);
    }
}
