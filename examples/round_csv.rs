//! Writes a large CSV round file for `indikator batch` (docs/batch-formats.md) from a
//! JSON Lines round: the round's records repeated in order until `--rows` rows, each
//! with its own record id (`r1`, `r2`, …) and its own organisation number (first digit
//! 9, valid modulus-11 check digit, distinct), so that no row is a duplicate
//! respondent. Everything else (kind, municipality, inhabitants, every `ssb_2018`
//! block) is the source record's.
//!
//! ```sh
//! cargo run --release --example round_csv -- --rows 1000000 > /tmp/round-1m.csv
//! ```
//!
//! With the default source (`examples/round-2018.jsonl`, 377 records with every block)
//! 1,000,000 rows make about 750 MB. The benchmarks of the batch path in
//! BENCHMARKS.md read this file.

use std::io::{BufRead, BufReader, BufWriter};
use std::path::PathBuf;

use clap::Parser;
use indikator_app::proto::v1 as pb;
use indikator_client::batch::csv_format;

#[derive(Debug, Parser)]
struct Args {
    /// Rows to write.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// The JSON Lines round whose records are repeated.
    #[arg(long, default_value = "examples/round-2018.jsonl")]
    source: PathBuf,
}

/// The `n`th organisation number of the sequence 90000000·, 90000001·, … (prefixes
/// whose check digit would be 10 are skipped).
struct OrganisationNumbers {
    next: u32,
}

impl Iterator for OrganisationNumbers {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
        loop {
            let prefix = 90_000_000 + self.next;
            self.next += 1;
            if prefix > 99_999_999 {
                return None;
            }
            let digits: Vec<u32> = prefix.to_string().bytes().map(|b| u32::from(b - b'0')).collect();
            let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
            let check = match 11 - sum % 11 {
                11 => 0,
                10 => continue,
                digit => digit,
            };
            return Some(format!("{prefix}{check}"));
        }
    }
}

fn main() {
    let args = Args::parse();
    let source = std::fs::File::open(&args.source).unwrap_or_else(|e| panic!("{}: {e}", args.source.display()));
    let records: Vec<pb::RoundRecord> = BufReader::new(source)
        .lines()
        .map(|line| line.expect("readable source"))
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| {
            let message: pb::ScoreRoundRequest = serde_json::from_str(&line).expect("a ScoreRoundRequest a line");
            match message.item {
                Some(pb::score_round_request::Item::Record(r)) => Some(r),
                _ => None,
            }
        })
        .collect();
    assert!(!records.is_empty(), "the source has no records");
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, std::io::stdout().lock()));
    out.write_record(csv_format::columns()).expect("write to stdout");
    let mut numbers = OrganisationNumbers { next: 0 };
    for (i, record) in (0..args.rows).zip(records.iter().cycle()) {
        let mut record = record.clone();
        record.record_id = format!("r{}", i + 1);
        let respondent = record.response.as_mut().and_then(|r| r.respondent.as_mut()).expect("a respondent");
        respondent.organisation_number = numbers.next().expect("fewer than 9 million rows");
        out.write_record(csv_format::write_row(&record)).expect("write to stdout");
    }
    out.flush().expect("write to stdout");
}
