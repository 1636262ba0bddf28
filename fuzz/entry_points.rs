//! What each fuzz target runs, shared by the libFuzzer targets
//! (`fuzz/fuzz_targets/*.rs`) and by the corpus replay in `cargo test`
//! (`tests/fuzz_corpus.rs`), so that CI replays exactly what was fuzzed without
//! needing cargo-fuzz or libFuzzer.
//!
//! Every function takes arbitrary bytes and must return normally: a panic (or an
//! abort, a sanitizer report, a hang) is a finding. Errors are fine: they are the
//! service refusing bad input.

#![allow(dead_code)]

use futures::StreamExt;
use indikator_app::proto::v1 as pb;
use indikator_app::round_fold::RoundOutput;
use indikator_core::round::RoundLimits;
use indikator_testing::{fold_round, score_stream_record, score_validated, survey_response};
use prost::Message;

/// A fuzz target's entry point.
pub type EntryPoint = fn(&[u8]);

/// The fuzz targets, by name (the directory names under `fuzz/corpus/`).
pub const TARGETS: [(&str, EntryPoint); 5] = [
    ("score_request", score_request),
    ("score_stream_request", score_stream_request),
    ("score_round_stream", score_round_stream),
    ("csv_row", csv_row),
    ("catalogue_toml", catalogue_toml),
];

/// Records a fuzzed round may carry: small, so the limit path is reached too.
pub const FUZZ_ROUND_LIMIT: u64 = 64;

/// Validates and scores a response the way `Score` does, and encodes the
/// result the way the transport would.
fn validate_and_score(response: Option<&pb::SurveyResponse>) {
    match survey_response(response, "response") {
        Ok(validated) => {
            let results = score_validated(&validated);
            let _ = results.encode_to_vec();
        }
        Err(violations) => {
            assert!(!violations.is_empty(), "a refusal names at least one field");
            for v in violations.iter() {
                assert!(v.field.starts_with("response"), "violation outside the request: {}", v.field);
            }
        }
    }
}

/// `IndicatorService/Score`: the request body as protobuf, and the same bytes
/// as proto3 JSON (grpcurl, `buf curl` and the batch files speak JSON).
pub fn score_request(data: &[u8]) {
    if let Ok(request) = pb::ScoreRequest::decode(data) {
        validate_and_score(request.response.as_ref());
    }
    if let Ok(request) = serde_json::from_slice::<pb::ScoreRequest>(data) {
        validate_and_score(request.response.as_ref());
    }
}

/// `IndicatorService/ScoreStream`: one inbound message → exactly one output.
pub fn score_stream_request(data: &[u8]) {
    // The server reads records from their bytes; it must answer as prost's decode would.
    let (read, decoded) = indikator_testing::stream_bytes_both_ways(7, data);
    assert_eq!(read, decoded, "reading the bytes and decoding them disagree");
    let Ok(request) = pb::ScoreStreamRequest::decode(data) else { return };
    let record_id = request.record_id.clone();
    let out = score_stream_record(7, request);
    assert_eq!(out.record_id, record_id, "the output echoes the record id");
    assert_eq!(out.sequence, 7);
    assert!(out.outcome.is_some(), "every record gets a result or an error");
    let _ = out.encode_to_vec();
}

/// Splits `data` into chunks, each prefixed by its length (2 bytes, little
/// endian; a prefix longer than what is left takes the rest).
pub fn length_prefixed_chunks(mut data: &[u8]) -> Vec<&[u8]> {
    let mut chunks = Vec::new();
    while data.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
        chunks.push(&data[2..2 + len]);
        data = &data[2 + len..];
    }
    chunks
}

/// The inverse of [`length_prefixed_chunks`], for writing seeds.
pub fn join_length_prefixed(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in chunks {
        let len = u16::try_from(chunk.len()).expect("a seed chunk fits in 64 KiB");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// `IndicatorService/ScoreRound`: a sequence of `ScoreRoundRequest` messages
/// (length-prefixed chunks) through `fold_round`, then every score card and the
/// summary rendered. A chunk that does not decode ends the stream with an error,
/// as the transport does.
pub fn score_round_stream(data: &[u8]) {
    let messages: Vec<Result<pb::ScoreRoundRequest, tonic::Status>> = length_prefixed_chunks(data)
        .into_iter()
        .map(|chunk| pb::ScoreRoundRequest::decode(chunk).map_err(|e| tonic::Status::internal(e.to_string())))
        .collect();
    let sent = messages.len();
    let inbound = futures::stream::iter(messages);
    let folded =
        futures::executor::block_on(fold_round(inbound.boxed(), RoundLimits { max_records: FUZZ_ROUND_LIMIT }));
    let Ok(report) = folded else { return };
    let received = report.received;
    let scored = report.scored;
    let rejected = report.rejections.len() as u64;
    assert_eq!(received, scored + rejected, "every record is scored or rejected");
    assert!(received < sent as u64, "the header is not a record");
    let mut cards = 0;
    let mut rejections = 0;
    let mut summaries = 0;
    for out in RoundOutput::new(report) {
        let _ = out.encode_to_vec();
        match out.item {
            Some(pb::score_round_response::Item::ScoreCard(_)) => cards += 1,
            Some(pb::score_round_response::Item::Rejection(_)) => rejections += 1,
            Some(pb::score_round_response::Item::Summary(summary)) => {
                summaries += 1;
                let accounting = summary.accounting.expect("accounting");
                assert_eq!((accounting.received, accounting.scored, accounting.rejected), (received, scored, rejected));
            }
            None => panic!("an empty round response"),
        }
    }
    assert_eq!((cards, rejections, summaries), (scored, rejected, 1));
}

/// `indikator batch` CSV: the first row through `CsvHeader::parse`, every further
/// row through `parse_row`, and each row read then validated and scored.
pub fn csv_row(data: &[u8]) {
    use indikator_client::batch::csv_format::{CsvHeader, parse_row};
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(data);
    let Ok(columns) = reader.headers().cloned() else { return };
    let Ok(header) = CsvHeader::parse(&columns) else { return };
    for row in reader.records().take(64) {
        let Ok(row) = row else { return };
        if let Ok(record) = parse_row(&header, &row) {
            validate_and_score(record.response.as_ref());
        }
    }
}

/// A catalogue file (`catalogues/*.toml`, or a user's own with `--catalogues`).
pub fn catalogue_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(catalogue) = indikator_core::catalogue::Catalogue::parse("fuzz.toml", text) {
        for (i, area) in catalogue.areas.iter().enumerate() {
            assert_eq!(catalogue.area_index(&area.id), Some(i), "area ids are unique and resolve");
            let _ = catalogue.area_size(i);
        }
        for item in &catalogue.items {
            assert!(item.area < catalogue.areas.len(), "item {} refers to a known area", item.id);
        }
        for service in &catalogue.services {
            assert!(service.area < catalogue.areas.len(), "service {} refers to a known area", service.id);
        }
    }
}
