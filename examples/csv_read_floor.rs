//! The read floor of a CSV round file: the `csv` crate reading every row into
//! one reused `StringRecord` and nothing else (with `--trim`, also trimming
//! every cell), the least any reader of the file does. BENCHMARKS.md compares
//! `indikator batch` with it on the same file in the same run.
//!
//! ```sh
//! cargo run --release --example csv_read_floor -- /tmp/round-1m.csv
//! ```

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: csv_read_floor FILE [--trim]");
    let trim = args.next().is_some_and(|a| a == "--trim");
    let start = std::time::Instant::now();
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut row = csv::StringRecord::new();
    let (mut rows, mut bytes) = (0u64, 0usize);
    while reader.read_record(&mut row).expect("a row") {
        rows += 1;
        if trim {
            bytes += row.iter().map(|c| c.trim().len()).sum::<usize>();
        } else {
            bytes += row.as_slice().len();
        }
    }
    println!("{rows} rows, {bytes} bytes of cells in {:.3} s", start.elapsed().as_secs_f64());
}
