//! Replays every fuzz target's corpus (`fuzz/corpus/<target>/`) through the same
//! entry point the libFuzzer target runs (`fuzz/entry_points.rs`), so `cargo test`
//! keeps every seed and every past finding passing without cargo-fuzz, libFuzzer
//! or a nightly toolchain. `fuzz/README.md` says how to fuzz for real.

#[path = "../fuzz/entry_points.rs"]
mod entry_points;

use std::path::{Path, PathBuf};

use entry_points::TARGETS;
use indikator_app::proto::v1 as pb;
use prost::Message;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_fuzz_target_replays_its_corpus_without_panicking() {
    for (target, run) in TARGETS {
        let inputs = files(&corpus_dir(target));
        assert!(!inputs.is_empty(), "fuzz/corpus/{target}/ has no seeds");
        for path in inputs {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} panicked (replay: see fuzz/README.md)", path.display());
        }
    }
}

#[test]
fn length_prefixed_chunks_round_trip() {
    let chunks = vec![b"header".to_vec(), Vec::new(), vec![0xff; 300]];
    let joined = entry_points::join_length_prefixed(&chunks);
    let split: Vec<Vec<u8>> = entry_points::length_prefixed_chunks(&joined).into_iter().map(<[u8]>::to_vec).collect();
    assert_eq!(split, chunks);
    // A prefix longer than what is left takes the rest; a lone byte is dropped.
    assert_eq!(entry_points::length_prefixed_chunks(&[9, 0, 1, 2]), [&[1u8, 2][..]]);
    assert!(entry_points::length_prefixed_chunks(&[1]).is_empty());
}

// ---- the seed corpus, made from the examples ----

/// The lines of `examples/round-2018.jsonl`: the header, then records.
fn round_lines() -> Vec<pb::ScoreRoundRequest> {
    include_str!("../examples/round-2018.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).expect("the example round parses"))
        .collect()
}

fn example_request() -> pb::ScoreRequest {
    serde_json::from_str(include_str!("../examples/score-request.json")).expect("example parses")
}

fn records(lines: &[pb::ScoreRoundRequest]) -> Vec<pb::RoundRecord> {
    lines
        .iter()
        .filter_map(|m| match &m.item {
            Some(pb::score_round_request::Item::Record(r)) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

/// Every seed: (target, file name, bytes).
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let lines = round_lines();
    let records = records(&lines);
    let example = example_request();

    // Score: the README example (protobuf and JSON), a few round records, a broken one.
    seeds.push(("score_request", "example.pb".into(), example.encode_to_vec()));
    seeds.push(("score_request", "example.json".into(), include_bytes!("../examples/score-request.json").to_vec()));
    for (i, r) in records.iter().step_by(97).enumerate() {
        let request = pb::ScoreRequest { response: r.response.clone() };
        seeds.push(("score_request", format!("round-record-{i}.pb"), request.encode_to_vec()));
    }
    let mut broken = example.clone();
    let respondent = broken.response.as_mut().unwrap().respondent.as_mut().unwrap();
    respondent.organisation_number = "958935421".into();
    respondent.kind = 0;
    seeds.push(("score_request", "invalid.pb".into(), broken.encode_to_vec()));

    // ScoreStream: one request per file.
    for (i, r) in records.iter().step_by(120).enumerate() {
        let request = pb::ScoreStreamRequest { record_id: r.record_id.clone(), response: r.response.clone() };
        seeds.push(("score_stream_request", format!("record-{i}.pb"), request.encode_to_vec()));
    }
    let request = pb::ScoreStreamRequest { record_id: "oslo".into(), response: example.response.clone() };
    seeds.push(("score_stream_request", "example.pb".into(), request.encode_to_vec()));

    // ScoreRound: the header and a few records, length-prefixed; one with a
    // duplicate respondent, one with records only, one with a second header.
    let encoded: Vec<Vec<u8>> = lines.iter().map(|m| m.encode_to_vec()).collect();
    let round = |indices: &[usize]| {
        entry_points::join_length_prefixed(&indices.iter().map(|&i| encoded[i].clone()).collect::<Vec<_>>())
    };
    seeds.push(("score_round_stream", "header-and-5.bin".into(), round(&[0, 1, 2, 3, 4, 5])));
    seeds.push(("score_round_stream", "duplicate.bin".into(), round(&[0, 1, 2, 1])));
    seeds.push(("score_round_stream", "no-header.bin".into(), round(&[1, 2])));
    seeds.push(("score_round_stream", "two-headers.bin".into(), round(&[0, 1, 0])));
    seeds.push(("score_round_stream", "header-only.bin".into(), round(&[0])));

    // CSV: the canonical header and rows written from round records.
    use indikator_client::batch::csv_format::{columns, write_row};
    let csv = |rows: &[pb::RoundRecord]| {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns()).unwrap();
        for r in rows {
            writer.write_record(write_row(r)).unwrap();
        }
        writer.into_inner().unwrap()
    };
    seeds.push(("csv_row", "three-rows.csv".into(), csv(&records[..3])));
    seeds.push(("csv_row", "one-row.csv".into(), csv(&records[100..101])));
    let identity_only = b"organisation_number,kind,municipality_number,county_number,name,inhabitants,survey_year\n\
958935420,municipality,0301,,Oslo kommune,673469,2018\n"
        .to_vec();
    seeds.push(("csv_row", "identity-only.csv".into(), identity_only));

    // Catalogues: the shipped files.
    seeds.push(("catalogue_toml", "ks-2018.toml".into(), include_bytes!("../catalogues/ks-2018.toml").to_vec()));
    seeds.push((
        "catalogue_toml",
        "riksrevisjonen-2015.toml".into(),
        include_bytes!("../catalogues/riksrevisjonen-2015.toml").to_vec(),
    ));
    seeds
}

/// Writes the seed corpus: `cargo test --test fuzz_corpus -- --ignored write_seed_corpus`.
/// Files already there (e.g. findings kept as regressions) are left alone.
#[test]
#[ignore = "writes fuzz/corpus/; run by hand when the examples change"]
fn write_seed_corpus() {
    for (target, name, bytes) in seeds() {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
fn the_seeds_are_meaningful_inputs() {
    // Seeds that the entry points reject at once would not guide the fuzzer.
    let example = example_request();
    assert!(indikator_testing::survey_response(example.response.as_ref(), "response").is_ok());
    let seeds = seeds();
    for (target, _) in TARGETS {
        assert!(seeds.iter().any(|(t, _, _)| *t == target), "{target} has seeds");
    }
    let (_, _, round) = seeds.iter().find(|(_, name, _)| name == "header-and-5.bin").unwrap();
    let chunks = entry_points::length_prefixed_chunks(round);
    assert_eq!(chunks.len(), 6);
    assert!(pb::ScoreRoundRequest::decode(chunks[0]).unwrap().item.is_some());
}
