//! The hand-written answers against prost's encoding of the messages
//! `convert` builds: byte for byte, on every example round's answers.

use bytes::BytesMut;
use prost::Message;

use super::writer::Writer;
use crate::decode::{Record, RoundItem};
use crate::proto::v1 as pb;
use crate::round_fold::{RoundOutput, fold_round, stream_output, stream_output_bytes};
use crate::score::{score_response_bytes, score_validated};
use indikator_core::catalogue::Catalogues;
use indikator_core::round::RoundLimits;

const EXAMPLES: [(&str, &str); 4] = [
    ("round-2018", include_str!("../../../../examples/round-2018.jsonl")),
    ("round-2015", include_str!("../../../../examples/round-2015.jsonl")),
    ("round-2020", include_str!("../../../../examples/round-2020.jsonl")),
    ("round-ks-2018", include_str!("../../../../examples/round-ks-2018.jsonl")),
];

fn messages(text: &str, codes_only: bool) -> Vec<pb::ScoreRoundRequest> {
    text.lines()
        .map(|l| {
            let mut message = serde_json::from_str::<pb::ScoreRoundRequest>(l).expect("a message");
            if let Some(pb::score_round_request::Item::Header(h)) = message.item.as_mut() {
                h.codes_only = codes_only;
            }
            message
        })
        .collect()
}

fn folded(messages: &[pb::ScoreRoundRequest]) -> RoundOutput {
    let inbound = futures::stream::iter(messages.iter().cloned().map(Ok::<_, std::convert::Infallible>));
    let report = futures::executor::block_on(fold_round(inbound, RoundLimits::default(), Catalogues::shipped()))
        .expect("the example round folds");
    RoundOutput::new(report)
}

/// Every answer of every example round (score cards with and without labels,
/// rejections, the summary) is the bytes prost writes for its message.
#[test]
fn a_rounds_answers_are_the_bytes_prost_writes_for_its_messages() {
    let mut buf = BytesMut::new();
    for (name, text) in EXAMPLES {
        for codes_only in [false, true] {
            let messages = messages(text, codes_only);
            let expected: Vec<Vec<u8>> = folded(&messages).map(|m| m.encode_to_vec()).collect();
            let mut ours = folded(&messages);
            let written: Vec<Vec<u8>> = std::iter::from_fn(|| ours.next_bytes(&mut buf)).map(|b| b.to_vec()).collect();
            assert!(expected.len() > 100, "{name}: answers");
            assert_eq!(written.len(), expected.len(), "{name}: as many answers");
            for (i, (w, e)) in written.iter().zip(&expected).enumerate() {
                assert!(w == e, "{name} (codes only: {codes_only}): answer {i} differs from prost's");
            }
        }
    }
}

/// Every record of the example rounds, scored alone: Score's and
/// ScoreStream's answers are the bytes prost writes for their messages.
#[test]
fn score_and_stream_answers_are_the_bytes_prost_writes_for_their_messages() {
    let catalogues = Catalogues::shipped();
    let mut buf = BytesMut::new();
    let mut records = 0;
    for (name, text) in EXAMPLES {
        for (sequence, message) in messages(text, false).into_iter().enumerate() {
            let RoundItem::Record(record) = RoundItem::from_message(message.clone(), catalogues) else { continue };
            let again = match RoundItem::from_message(message, catalogues) {
                RoundItem::Record(r) => r,
                _ => unreachable!(),
            };
            if let Ok(validated) = &record.outcome {
                let expected = pb::ScoreResponse { results: Some(score_validated(validated, catalogues)) };
                assert!(
                    score_response_bytes(validated, catalogues, &mut buf) == expected.encode_to_vec(),
                    "{name}: Score's answer to record {sequence}"
                );
            }
            let expected = stream_output(sequence as u64, record, catalogues).encode_to_vec();
            let (written, _) = stream_output_bytes(sequence as u64, again, catalogues, &mut buf);
            assert!(written == expected, "{name}: ScoreStream's answer to record {sequence}");
            records += 1;
        }
    }
    assert!(records > 1000);
}

/// A rejected record's answer too.
#[test]
fn a_rejected_records_answer_is_prosts() {
    let catalogues = Catalogues::shipped();
    let record = || Record::from_stream_bytes(&[0x12, 0x00], catalogues);
    let mut buf = BytesMut::new();
    let (written, scored) = stream_output_bytes(7, record(), catalogues, &mut buf);
    assert!(!scored);
    assert_eq!(written, stream_output(7, record(), catalogues).encode_to_vec());
}

fn written(body: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = BytesMut::new();
    body(&mut Writer::new(&mut buf));
    buf.to_vec()
}

/// Sub-message lengths on both sides of each varint width, as prost writes them.
#[test]
fn sub_message_lengths_take_as_many_bytes_as_prost_gives_them() {
    for len in [0, 1, 125, 126, 127, 128, 129, 16_381, 16_382, 16_383, 16_384, 16_385, 2_097_200] {
        let name = "x".repeat(len);
        let expected = pb::ScoreResponse {
            results: Some(pb::IndicatorResults {
                respondent: Some(pb::RespondentProfile { name: name.clone(), ..Default::default() }),
                ..Default::default()
            }),
        }
        .encode_to_vec();
        let ours = written(|w| w.message(1, |w| w.message(1, |w| w.string(8, &name))));
        assert!(ours == expected, "a name of {len} bytes");
        let ours = written(|w| w.long_message(1, |w| w.long_message(1, |w| w.string(8, &name))));
        assert!(ours == expected, "a name of {len} bytes in messages with two bytes kept for their length");
    }
}

/// Scalars: defaults left off, negative enums in ten bytes, -0.0 left off, a
/// present `optional double` written even when 0, displayed text.
#[test]
fn scalars_are_written_and_left_off_as_prost_does() {
    let flag = pb::Flag { code: -1, field: String::new(), description: "12".into() };
    assert_eq!(
        written(|w| {
            w.int32(1, -1);
            w.string(2, "");
            w.display(3, 12);
        }),
        flag.encode_to_vec()
    );
    assert!(written(|w| w.display(3, "")).is_empty(), "an empty text leaves nothing behind");
    let area = pb::AreaResult { score: Some(0.0), total: 0, ..Default::default() };
    assert_eq!(written(|w| w.optional_double(5, Some(0.0))), area.encode_to_vec());
    let shares = pb::ServiceShares { share_at_least_1: -0.0, share_at_3: 0.5, ..Default::default() };
    assert_eq!(
        written(|w| {
            w.double(3, -0.0);
            w.double(5, 0.5);
        }),
        shares.encode_to_vec()
    );
    assert_eq!(
        written(|w| w.uint64(2, u64::MAX)),
        pb::ScoreStreamResponse { sequence: u64::MAX, ..Default::default() }.encode_to_vec()
    );
}
