//! # indikator-testing
//!
//! Shorthands with the shipped catalogues, for tests, fuzz targets, benches
//! and tools: the library crates' own functions take the catalogues
//! explicitly. A dev-dependency only: no library crate depends on it, so
//! nothing here ships. May import every library crate.

use futures::Stream;
use tonic::Status;

use indikator_app::proto::v1 as pb;
use indikator_app::{Validated, Violations};
use indikator_core::catalogue::Catalogues;
use indikator_core::round::{RoundAggregator, RoundConfig, RoundLimits, RoundReport};

/// [`indikator_app::validate::survey_response`] against the shipped catalogues.
pub fn survey_response(response: Option<&pb::SurveyResponse>, path: &str) -> Result<Validated, Violations> {
    indikator_app::validate::survey_response(response, path, Catalogues::shipped())
}

/// [`indikator_app::score::score_validated`] with the shipped catalogues.
pub fn score_validated(validated: &Validated) -> pb::IndicatorResults {
    indikator_app::score::score_validated(validated, Catalogues::shipped())
}

/// [`indikator_app::round_fold::score_stream_record`] with the shipped catalogues.
pub fn score_stream_record(sequence: u64, request: pb::ScoreStreamRequest) -> pb::ScoreStreamResponse {
    indikator_app::round_fold::score_stream_record(sequence, request, Catalogues::shipped())
}

/// A ScoreStream request's bytes answered as the server answers them (read
/// straight from the bytes, [`indikator_app::decode`]) and as the generated
/// service would (the bounded prost decode, then validation): the two must
/// be equal for any bytes.
pub fn stream_bytes_both_ways(sequence: u64, bytes: &[u8]) -> (pb::ScoreStreamResponse, pb::ScoreStreamResponse) {
    use indikator_app::decode::Record;
    use indikator_app::round_fold::stream_output;
    let catalogues = Catalogues::shipped();
    let read = Record::from_stream_bytes(bytes, catalogues);
    let decoded = Record::from_stream_decoded(indikator_app::proto::wire::decode_bounded(bytes), catalogues);
    (stream_output(sequence, read, catalogues), stream_output(sequence, decoded, catalogues))
}

/// [`indikator_app::round_fold::fold_round`] with the shipped catalogues, its error
/// as the status the server would send.
pub async fn fold_round<S>(inbound: S, limits: RoundLimits) -> Result<RoundReport, Status>
where
    S: Stream<Item = Result<pb::ScoreRoundRequest, Status>> + Unpin,
{
    indikator_app::round_fold::fold_round(inbound, limits, Catalogues::shipped())
        .await
        .map_err(indikator_server::grpc::status::round_error)
}

/// A round over the shipped catalogues and their minimum coverage.
pub fn round(config: RoundConfig) -> RoundAggregator {
    let catalogues = Catalogues::shipped().clone();
    let min_coverage = catalogues.ks_2018.min_coverage;
    RoundAggregator::new(config, catalogues, min_coverage)
}
