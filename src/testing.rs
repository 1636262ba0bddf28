//! Shorthands with the shipped catalogues, for tests, fuzz targets, benches
//! and tools: the library's own functions take the catalogues explicitly.
//!
//! May import [`crate::grpc`] and what lies below it.

use futures::Stream;
use tonic::Status;

use crate::catalogue::Catalogues;
use crate::grpc::{Validated, Violations};
use crate::proto::v1 as pb;
use crate::round::{RoundAggregator, RoundConfig, RoundLimits, RoundReport};

/// [`crate::grpc::validate::survey_response`] against the shipped catalogues.
pub fn survey_response(response: Option<&pb::SurveyResponse>, path: &str) -> Result<Validated, Violations> {
    crate::grpc::validate::survey_response(response, path, Catalogues::shipped())
}

/// [`crate::grpc::score::score_validated`] with the shipped catalogues.
pub fn score_validated(validated: &Validated) -> pb::IndicatorResults {
    crate::grpc::score::score_validated(validated, Catalogues::shipped())
}

/// [`crate::grpc::round::score_stream_record`] with the shipped catalogues.
pub fn score_stream_record(sequence: u64, request: pb::ScoreStreamRequest) -> pb::ScoreStreamResponse {
    crate::grpc::round::score_stream_record(sequence, request, Catalogues::shipped())
}

/// A ScoreStream request's bytes answered as the server answers them (read
/// straight from the bytes, [`crate::grpc::decode`]) and as the generated
/// service would (the bounded prost decode, then validation): the two must
/// be equal for any bytes.
pub fn stream_bytes_both_ways(sequence: u64, bytes: &[u8]) -> (pb::ScoreStreamResponse, pb::ScoreStreamResponse) {
    use crate::grpc::decode::Record;
    use crate::grpc::round::stream_output;
    let catalogues = Catalogues::shipped();
    let read = Record::from_stream_bytes(bytes, catalogues);
    let decoded = Record::from_stream_decoded(crate::proto::wire::decode_bounded(bytes), catalogues);
    (stream_output(sequence, read, catalogues), stream_output(sequence, decoded, catalogues))
}

/// [`crate::grpc::round::fold_round`] with the shipped catalogues, its error
/// as the status the server would send.
pub async fn fold_round<S>(inbound: S, limits: RoundLimits) -> Result<RoundReport, Status>
where
    S: Stream<Item = Result<pb::ScoreRoundRequest, Status>> + Unpin,
{
    crate::grpc::round::fold_round(inbound, limits, Catalogues::shipped())
        .await
        .map_err(crate::grpc::status::round_error)
}

/// A round over the shipped catalogues and their minimum coverage.
pub fn round(config: RoundConfig) -> RoundAggregator {
    let catalogues = Catalogues::shipped().clone();
    let min_coverage = catalogues.ks_2018.min_coverage;
    RoundAggregator::new(config, catalogues, min_coverage)
}
