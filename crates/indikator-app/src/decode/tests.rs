use super::*;
use prost::Message;

/// Every record of the example rounds (all four methodologies' blocks).
fn example_records() -> Vec<pb::RoundRecord> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut records = Vec::new();
    for file in ["round-2018.jsonl", "round-ks-2018.jsonl", "round-2015.jsonl", "round-2020.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).expect("an example round");
        for line in text.lines() {
            let message: pb::ScoreRoundRequest = serde_json::from_str(line).expect("a round message");
            if let Some(pb::score_round_request::Item::Record(r)) = message.item {
                records.push(r);
            }
        }
    }
    assert!(records.len() > 1000, "{} records", records.len());
    records
}

fn stream_bytes(record: &pb::RoundRecord) -> Vec<u8> {
    pb::ScoreStreamRequest { record_id: record.record_id.clone(), response: record.response.clone() }.encode_to_vec()
}

/// The outcome as comparable text: the validated form, or every violation.
fn outcome(record: &Record) -> String {
    match &record.outcome {
        Ok(v) => format!("{}: {v:?}", record.record_id),
        Err(Rejected::Invalid(v)) => format!("{}: invalid {}", record.record_id, v.message()),
        Err(Rejected::Undecodable(u)) => format!("{}: undecodable {u:?}", record.record_id),
    }
}

/// Whatever the fast path reads from `bytes`, the general path decodes to the same view.
fn assert_same_as_prost(bytes: &[u8]) -> bool {
    let Some((record_id, view)) = stream_request(bytes) else { return false };
    let message = decode_bounded::<pb::ScoreStreamRequest>(bytes)
        .unwrap_or_else(|(_, problem)| panic!("the fast path read what the general path refuses: {problem:?}"));
    assert_eq!(record_id, message.record_id);
    assert_eq!(view, message.response.as_ref().map(ResponseView::of));
    true
}

#[test]
fn every_example_record_is_read_by_the_fast_path_as_prost_decodes_it() {
    let catalogues = Catalogues::shipped();
    for record in example_records() {
        let bytes = stream_bytes(&record);
        assert!(assert_same_as_prost(&bytes), "{} took the general path", record.record_id);
        let fast = Record::from_stream_bytes(&bytes, catalogues);
        let general =
            Record::from_stream_message(pb::ScoreStreamRequest::decode(bytes.as_slice()).unwrap(), catalogues);
        assert_eq!(outcome(&fast), outcome(&general));
        assert!(fast.outcome.is_ok(), "{}", outcome(&fast));
    }
}

#[test]
fn mutated_records_either_take_the_general_path_or_read_the_same_as_prost() {
    let catalogues = Catalogues::shipped();
    let records = example_records();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut fast, mut general) = (0, 0);
    for round in 0..20_000 {
        let record = &records[next() as usize % records.len()];
        let mut bytes = stream_bytes(record);
        for _ in 0..=(round % 3) {
            let at = next() as usize % bytes.len().max(1);
            match next() % 4 {
                0 if !bytes.is_empty() => bytes[at] = next() as u8,
                1 if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                2 => bytes.insert(at, next() as u8),
                _ => bytes.truncate(at),
            }
        }
        if assert_same_as_prost(&bytes) {
            fast += 1;
        } else {
            general += 1;
        }
        // Either way the record's outcome is the general path's.
        let expected = outcome(&Record::from_stream_decoded(decode_bounded(&bytes), catalogues));
        assert_eq!(outcome(&Record::from_stream_bytes(&bytes, catalogues)), expected);
    }
    // Both paths are exercised.
    assert!(fast > 300 && general > 1_000, "fast {fast}, general {general}");
}

#[test]
fn encodings_the_fast_path_does_not_take_give_the_general_paths_results() {
    let catalogues = Catalogues::shipped();
    let record = example_records().into_iter().find(|r| r.response.as_ref().unwrap().ks_2018.is_some()).unwrap();
    let response = pb::SurveyResponse::encode_to_vec(record.response.as_ref().unwrap());
    let respondent = pb::Respondent::encode_to_vec(record.response.as_ref().unwrap().respondent.as_ref().unwrap());
    // The respondent sent twice (prost merges the two), and an unknown field.
    let mut twice = response.clone();
    twice.extend([0x0a, respondent.len() as u8]);
    twice.extend(&respondent);
    let mut unknown = response.clone();
    unknown.extend([0xa0, 0x06, 0x01]); // field 100, varint 1
    for response in [twice, unknown] {
        let mut bytes = pb::ScoreStreamRequest { record_id: record.record_id.clone(), response: None }.encode_to_vec();
        bytes.push(0x12);
        prost::encoding::encode_varint(response.len() as u64, &mut bytes);
        bytes.extend(&response);
        assert!(stream_request(&bytes).is_none(), "the fast path declines");
        let general =
            Record::from_stream_message(pb::ScoreStreamRequest::decode(bytes.as_slice()).unwrap(), catalogues);
        assert_eq!(outcome(&Record::from_stream_bytes(&bytes, catalogues)), outcome(&general));
        assert!(general.outcome.is_ok(), "{}", outcome(&general));
    }
}

#[test]
fn round_messages_give_headers_records_and_placeholders() {
    let catalogues = Catalogues::shipped();
    let header = pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: "r".into(),
            ..Default::default()
        })),
    };
    assert!(
        matches!(RoundItem::from_bytes(&header.encode_to_vec(), catalogues), RoundItem::Header(h) if h.round_id == "r")
    );
    assert!(matches!(RoundItem::from_bytes(&[], catalogues), RoundItem::Empty));
    let record = example_records().swap_remove(0);
    let message = pb::ScoreRoundRequest { item: Some(pb::score_round_request::Item::Record(record.clone())) };
    let RoundItem::Record(read) = RoundItem::from_bytes(&message.encode_to_vec(), catalogues) else { panic!() };
    assert_eq!(read.record_id, record.record_id);
    assert!(read.outcome.is_ok());
    // A name that is not UTF-8: a placeholder with the record id.
    let mut bytes = message.encode_to_vec();
    let name = record.response.as_ref().unwrap().respondent.as_ref().unwrap().name.clone();
    let at = bytes.windows(name.len()).position(|w| w == name.as_bytes()).unwrap();
    bytes[at] = 0xff;
    let RoundItem::Record(read) = RoundItem::from_bytes(&bytes, catalogues) else { panic!() };
    assert_eq!(read.record_id, record.record_id);
    assert!(matches!(read.outcome, Err(Rejected::Undecodable(_))));
}

#[test]
fn a_score_request_is_read_like_its_decoded_message() {
    let record = example_records().swap_remove(0);
    let request = pb::ScoreRequest { response: record.response.clone() };
    let view = score_request(&[]).expect("an empty request is read");
    assert!(view.is_none());
    let bytes = request.encode_to_vec();
    assert_eq!(score_request(&bytes).unwrap(), request.response.as_ref().map(ResponseView::of));
}

#[test]
fn unpacked_and_overlong_ssb_lists_read_like_prost_decodes_them() {
    let catalogues = Catalogues::shipped();
    let record = example_records().into_iter().find(|r| r.response.as_ref().unwrap().ssb_2018.is_some()).unwrap();
    let respondent = pb::Respondent::encode_to_vec(record.response.as_ref().unwrap().respondent.as_ref().unwrap());
    // strategy { has_strategy: true, areas: 1, 3 } written unpacked, one key a value.
    let unpacked_strategy = [0x08, 0x01, 0x10, 0x01, 0x10, 0x03];
    // cloud { uses_cloud: true, areas: 20 values } packed: longer than any valid list.
    let mut cloud = vec![0x08, 0x01, 0x12, 20];
    cloud.extend((1..=20).map(|v| v as u8));
    for (field, part) in [(0x0a_u8, unpacked_strategy.to_vec()), (0x32, cloud)] {
        let mut ssb = vec![field, part.len() as u8];
        ssb.extend(&part);
        let mut response = vec![0x0a, respondent.len() as u8];
        response.extend(&respondent);
        response.extend([0x12, ssb.len() as u8]);
        response.extend(&ssb);
        let mut bytes = pb::ScoreStreamRequest { record_id: "r".into(), response: None }.encode_to_vec();
        bytes.push(0x12);
        prost::encoding::encode_varint(response.len() as u64, &mut bytes);
        bytes.extend(&response);
        let fast = assert_same_as_prost(&bytes);
        assert_eq!(fast, field == 0x0a, "unpacked lists are read; overlong ones left to the general path");
        let general =
            Record::from_stream_message(pb::ScoreStreamRequest::decode(bytes.as_slice()).unwrap(), catalogues);
        assert_eq!(outcome(&Record::from_stream_bytes(&bytes, catalogues)), outcome(&general));
    }
}
