//! Criterion benchmarks of the pure core and of the per-record work the server
//! does around it (BENCHMARKS.md has the figures and how to run them).
//!
//! ```sh
//! cargo bench --bench scoring
//! cargo bench --bench scoring -- ssb2018/   # one group
//! ```
//!
//! Every input is built from `examples/score-request.json`, the README's
//! request: Oslo's answers to every part of the 2018 `ssb-2018` survey, plus
//! `ks-2018` and `riksrevisjonen-2015` blocks. Groups:
//!
//! * `ssb2018/`: `score` on validated `ssb-2018` answers (the core: measure +
//!   grade; "one full response"), `measure` and `grade` alone, validation of the
//!   whole request, validate + score together, and the per-record server path
//!   split into its steps (protobuf decode, score every block and convert to
//!   protobuf, encode) and whole; and the server's own reading of a request
//!   from its bytes (`grpc::decode`) against prost's decode, each with
//!   validation.
//! * `round/`: a [`RoundAggregator`] folding 10,000 distinct respondents
//!   (`add_valid`, `ssb-2018` only; `add` with every block, as the server
//!   folds the example), then `finish()` (grading and tabulating every record).
//! * `ks2018/`, `riksrevisjonen2015/`: the other methodologies' core
//!   (`score_areas` over the shipped `ks-2018` catalogue, `service_coverage`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use indikator_app::proto::v1 as pb;
use indikator_app::score::score_response_bytes;
use indikator_core::catalogue::{self, Catalogue};
use indikator_core::domain::{OrganisationNumber, Respondent};
use indikator_core::round::{CalibrationMode, RecordAnswers, RoundConfig};
use indikator_core::scoring::maturity;
use indikator_core::scoring::ssb2018::{self, Answers, Calibrations};
use indikator_testing::{self as validate, score_validated};
use prost::Message;

/// Records in the round-fold benchmark.
const ROUND_RECORDS: usize = 10_000;

fn example_request() -> pb::ScoreRequest {
    serde_json::from_str(include_str!("../examples/score-request.json")).expect("the example parses")
}

fn validated_example() -> indikator_app::Validated {
    validate::survey_response(example_request().response.as_ref(), "response").expect("the example is valid")
}

/// `n` distinct organisation numbers with valid modulus-11 check digits.
fn organisation_numbers(n: usize) -> Vec<OrganisationNumber> {
    (80_000_000u32..)
        .filter_map(|first_eight| {
            let digits: Vec<u32> = first_eight.to_string().chars().map(|c| c.to_digit(10).unwrap()).collect();
            let check = OrganisationNumber::check_digit(&digits)?;
            OrganisationNumber::parse(&format!("{first_eight}{check}")).ok()
        })
        .take(n)
        .collect()
}

fn ssb2018(c: &mut Criterion) {
    let request = example_request();
    let encoded = request.encode_to_vec();
    let validated = validated_example();
    let answers: Answers = validated.ssb_2018.clone().expect("the example has an ssb_2018 block");
    let calibrations = Calibrations::published();
    let measures = ssb2018::measure(&answers);
    let response = pb::ScoreResponse { results: Some(score_validated(&validated)) };

    let mut g = c.benchmark_group("ssb2018");
    g.throughput(Throughput::Elements(1));
    g.bench_function("score_full_response", |b| b.iter(|| ssb2018::score(black_box(&answers), &calibrations)));
    g.bench_function("measure", |b| b.iter(|| ssb2018::measure(black_box(&answers))));
    g.bench_function("grade", |b| b.iter(|| ssb2018::grade(black_box(&measures), &calibrations)));
    g.bench_function("validate", |b| {
        b.iter(|| validate::survey_response(black_box(request.response.as_ref()), "response"))
    });
    g.bench_function("validate_and_score", |b| {
        b.iter(|| {
            let v = validate::survey_response(black_box(request.response.as_ref()), "response").unwrap();
            v.ssb_2018.as_ref().map(|a| ssb2018::score(a, &calibrations))
        })
    });
    // The steps the server takes per record around the core.
    g.bench_function("server_step/decode_request", |b| {
        b.iter(|| pb::ScoreRequest::decode(black_box(encoded.as_slice())).unwrap())
    });
    // The server reads records straight from their bytes (`grpc::decode`);
    // the generated service's path decodes them with prost, then validates.
    let catalogues = indikator_core::catalogue::Catalogues::shipped();
    g.bench_function("server_step/decode_and_validate_request", |b| {
        b.iter(|| {
            let request = pb::ScoreRequest::decode(black_box(encoded.as_slice())).unwrap();
            indikator_app::validate::survey_response(request.response.as_ref(), "response", catalogues).unwrap()
        })
    });
    g.bench_function("server_step/read_and_validate_request", |b| {
        b.iter(|| {
            let view = indikator_app::decode::score_request(black_box(encoded.as_slice())).unwrap();
            indikator_app::validate::survey_response_view(view.as_ref(), "response", catalogues).unwrap()
        })
    });
    g.bench_function("server_step/read_request", |b| {
        b.iter(|| indikator_app::decode::score_request(black_box(encoded.as_slice())).unwrap())
    });
    let view = indikator_app::decode::score_request(encoded.as_slice()).unwrap();
    g.bench_function("server_step/validate_view", |b| {
        b.iter(|| indikator_app::validate::survey_response_view(black_box(view.as_ref()), "response", catalogues))
    });
    g.bench_function("server_step/score_and_convert", |b| b.iter(|| score_validated(black_box(&validated))));
    // What the server sends: the answer written straight from the core's results.
    let mut buf = bytes::BytesMut::new();
    g.bench_function("server_step/score_and_encode", |b| {
        b.iter(|| score_response_bytes(black_box(&validated), catalogues, &mut buf))
    });
    g.bench_function("server_step/encode_response", |b| b.iter(|| black_box(&response).encode_to_vec()));
    g.bench_function("server_path/decode_validate_score_convert_encode", |b| {
        b.iter(|| {
            let request = pb::ScoreRequest::decode(black_box(encoded.as_slice())).unwrap();
            let v = validate::survey_response(request.response.as_ref(), "response").unwrap();
            pb::ScoreResponse { results: Some(score_validated(&v)) }.encode_to_vec()
        })
    });
    g.bench_function("server_path/read_validate_score_encode", |b| {
        b.iter(|| {
            let view = indikator_app::decode::score_request(black_box(encoded.as_slice())).unwrap();
            let v = indikator_app::validate::survey_response_view(view.as_ref(), "response", catalogues).unwrap();
            score_response_bytes(&v, catalogues, &mut buf)
        })
    });
    g.bench_function("server_path/read_validate_score_convert_encode", |b| {
        b.iter(|| {
            let view = indikator_app::decode::score_request(black_box(encoded.as_slice())).unwrap();
            let v = indikator_app::validate::survey_response_view(view.as_ref(), "response", catalogues).unwrap();
            pb::ScoreResponse { results: Some(score_validated(&v)) }.encode_to_vec()
        })
    });
    g.finish();
}

fn round(c: &mut Criterion) {
    let validated = validated_example();
    let answers = validated.ssb_2018.clone().unwrap();
    let respondents: Vec<Respondent> = organisation_numbers(ROUND_RECORDS)
        .into_iter()
        .map(|organisation_number| Respondent { organisation_number, ..validated.respondent.clone() })
        .collect();
    let ids: Vec<String> = (0..ROUND_RECORDS).map(|i| format!("r{i:07}")).collect();
    let config = RoundConfig {
        round_id: "bench".into(),
        survey_year: validated.respondent.survey_year,
        calibration: CalibrationMode::Published,
    };

    let mut g = c.benchmark_group("round");
    g.throughput(Throughput::Elements(ROUND_RECORDS as u64));
    for (name, mode) in [("published", CalibrationMode::Published), ("relative", CalibrationMode::Relative)] {
        let config = RoundConfig { calibration: mode, ..config.clone() };
        g.bench_function(format!("fold_10000_then_finish/{name}"), |b| {
            b.iter(|| {
                let mut round = indikator_testing::round(config.clone());
                for (id, respondent) in ids.iter().zip(&respondents) {
                    round.add_valid(id, respondent, Some(&answers));
                }
                let report = round.finish();
                assert_eq!(report.scored, ROUND_RECORDS as u64);
                report
            })
        });
    }
    // As the server folds the example: its ks-2018 and riksrevisjonen-2015 blocks too.
    let all = RecordAnswers {
        ssb_2018: validated.ssb_2018.as_ref(),
        ks_2018: validated.ks_2018.as_deref(),
        ks_2018_chosen: validated.ks_2018_chosen.as_ref(),
        riksrevisjonen_2015: validated.riksrevisjonen_2015.as_deref(),
        riksrevisjonen_2015_chosen: validated.riksrevisjonen_2015_chosen.as_deref(),
    };
    g.bench_function("fold_10000_then_finish/all_methodologies", |b| {
        b.iter(|| {
            let mut round = indikator_testing::round(config.clone());
            for (id, respondent) in ids.iter().zip(&respondents) {
                round.add(id, respondent, all);
            }
            round.finish()
        })
    });
    // Folding alone (no finish), dropped outside the timing.
    g.bench_function("fold_10000", |b| {
        b.iter_batched(
            || indikator_testing::round(config.clone()),
            |mut round| {
                for (id, respondent) in ids.iter().zip(&respondents) {
                    round.add_valid(id, respondent, Some(&answers));
                }
                round
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn shipped(id: &str) -> Catalogue {
    catalogue::shipped().into_iter().find(|c| c.id == id).expect("a shipped catalogue")
}

fn other_methodologies(c: &mut Criterion) {
    let ks = shipped(catalogue::KS_2018);
    // Every item answered, values spread over the 0–5 scale; one in seven «vet ikke».
    let values: Vec<Option<f64>> = (0..ks.items.len()).map(|i| (i % 7 != 6).then_some((i % 6) as f64)).collect();
    let mut g = c.benchmark_group("ks2018");
    g.throughput(Throughput::Elements(1));
    g.bench_function(format!("score_areas/{}_items", ks.items.len()), |b| {
        b.iter(|| maturity::score_areas(&ks, black_box(&values), ks.min_coverage))
    });
    g.finish();

    let rr = shipped(catalogue::RIKSREVISJONEN_2015);
    let levels: Vec<Option<u8>> = (0..rr.services.len()).map(|i| (i % 5 != 4).then_some((i % 4) as u8)).collect();
    let mut g = c.benchmark_group("riksrevisjonen2015");
    g.throughput(Throughput::Elements(1));
    g.bench_function(format!("service_coverage/{}_services", rr.services.len()), |b| {
        b.iter(|| maturity::service_coverage(black_box(&levels)))
    });
    g.bench_function("service_coverage_by_area", |b| {
        b.iter(|| maturity::service_coverage_by_area(&rr, black_box(&levels)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // The shared 2-core machine is noisy: more samples over a longer window.
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = ssb2018, round, other_methodologies
}
criterion_main!(benches);
