//! Criterion benchmarks of the batch job's CSV path (BENCHMARKS.md has the
//! figures and how to run them).
//!
//! ```sh
//! cargo bench --bench batch_csv
//! ```
//!
//! The input is `examples/round-2018.jsonl` (377 municipalities, every
//! `ssb-2018` block) written as CSV rows with `csv_format::write_row`, held in
//! memory. Group `batch_csv/`, per row:
//!
//! * `read_floor`: the `csv` crate reading every row into a reused
//!   `StringRecord` and nothing else, the floor any CSV reader of this file has;
//! * `parse_row`: one read row → a `RoundRecord` (`csv_format::parse_row`);
//! * `read_parse`: both, as the batch job's reader thread does them;
//! * `read_parse_validate`: both, then the server's validation of the record
//!   (the path a server's batch client takes: rows become messages);
//! * `parse_row_view` and `read_view_validate`: the same with the row read
//!   straight into the view validation reads (`csv_format::parse_row_view`),
//!   as the batch job does in-process.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indikator_app::proto::v1 as pb;
use indikator_client::batch::csv_format::{self, CsvHeader};

/// The example round's records as one CSV file (header and rows).
fn example_csv() -> (Vec<u8>, usize) {
    let records: Vec<pb::RoundRecord> = include_str!("../examples/round-2018.jsonl")
        .lines()
        .filter_map(|line| match serde_json::from_str::<pb::ScoreRoundRequest>(line).expect("a message").item {
            Some(pb::score_round_request::Item::Record(r)) => Some(r),
            _ => None,
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(csv_format::columns()).expect("in memory");
    for r in &records {
        writer.write_record(csv_format::write_row(r)).expect("in memory");
    }
    (writer.into_inner().expect("in memory"), records.len())
}

fn rows(csv: &[u8]) -> (CsvHeader, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(csv);
    let header = CsvHeader::parse(reader.headers().expect("a header")).expect("the canonical header");
    (header, reader.records().map(|r| r.expect("a row")).collect())
}

fn batch_csv(c: &mut Criterion) {
    let (csv, n) = example_csv();
    let (header, rows) = rows(&csv);
    let mut g = c.benchmark_group("batch_csv");
    g.measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("read_floor", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&csv[..]));
            let mut row = csv::StringRecord::new();
            let mut cells = 0;
            while reader.read_record(&mut row).expect("a row") {
                cells += row.len();
            }
            cells
        })
    });
    g.bench_function("parse_row", |b| {
        b.iter(|| {
            for row in &rows {
                black_box(csv_format::parse_row(&header, black_box(row)).expect("a valid row"));
            }
        })
    });
    g.bench_function("read_parse", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&csv[..]));
            let header = CsvHeader::parse(reader.headers().expect("a header")).expect("the canonical header");
            let mut row = csv::StringRecord::new();
            while reader.read_record(&mut row).expect("a row") {
                black_box(csv_format::parse_row(&header, &row).expect("a valid row"));
            }
        })
    });
    g.bench_function("read_parse_validate", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&csv[..]));
            let header = CsvHeader::parse(reader.headers().expect("a header")).expect("the canonical header");
            let mut row = csv::StringRecord::new();
            while reader.read_record(&mut row).expect("a row") {
                let record = csv_format::parse_row(&header, &row).expect("a valid row");
                black_box(indikator_testing::survey_response(record.response.as_ref(), "response").is_ok());
            }
        })
    });
    g.bench_function("parse_row_view", |b| {
        b.iter(|| {
            for row in &rows {
                black_box(csv_format::parse_row_view(&header, black_box(row)).expect("a valid row"));
            }
        })
    });
    g.bench_function("read_view_validate", |b| {
        let catalogues = indikator_core::catalogue::Catalogues::shipped();
        b.iter(|| {
            let mut reader = csv::Reader::from_reader(black_box(&csv[..]));
            let header = CsvHeader::parse(reader.headers().expect("a header")).expect("the canonical header");
            let mut row = csv::StringRecord::new();
            while reader.read_record(&mut row).expect("a row") {
                let (_, view) = csv_format::parse_row_view(&header, &row).expect("a valid row");
                black_box(indikator_app::validate::survey_response_view(Some(&view), "response", catalogues).is_ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, batch_csv);
criterion_main!(benches);
