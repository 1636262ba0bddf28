//! Writes a CSV round file (docs/batch-formats.md) as a Parquet round file with
//! the same columns, streaming: every column as strings, or with `--typed` in
//! the natural Arrow types a data frame would give (integers for the numbers,
//! booleans for the yes/no columns, lists of strings for the list columns, a
//! dictionary for `kind`, nulls for empty cells). Snappy-compressed, in row
//! groups of the parquet crate's default size (1,048,576 rows), as pyarrow and
//! polars write them.
//!
//! ```sh
//! cargo run --release --example round_csv -- --rows 1000000 > /tmp/round-1m.csv
//! cargo run --release --example round_parquet -- /tmp/round-1m.csv /tmp/round-1m.parquet --typed
//! ```
//!
//! The benchmarks of the batch path in BENCHMARKS.md read this file.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use clap::Parser;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

#[derive(Debug, Parser)]
struct Args {
    /// The CSV round file to read.
    csv: PathBuf,
    /// The Parquet file to write.
    parquet: PathBuf,
    /// Natural Arrow types instead of strings.
    #[arg(long)]
    typed: bool,
}

/// Rows gathered into a record batch.
const BATCH: usize = 8192;

const NUMBERS: [&str; 5] =
    ["organisation_number", "municipality_number", "county_number", "inhabitants", "survey_year"];
const YES_NO: [&str; 4] = ["has_strategy", "has_projects", "tried_to_recruit", "uses_cloud"];
const LISTS: [&str; 4] = ["strategy_areas", "project_areas", "recruitment_difficulties", "cloud_areas"];

enum Column {
    Text(StringBuilder),
    Number(Int64Builder),
    YesNo(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
    Dictionary(StringDictionaryBuilder<Int32Type>),
}

impl Column {
    fn new(name: &str, typed: bool) -> Self {
        if !typed {
            Column::Text(StringBuilder::new())
        } else if NUMBERS.contains(&name) {
            Column::Number(Int64Builder::new())
        } else if YES_NO.contains(&name) {
            Column::YesNo(BooleanBuilder::new())
        } else if LISTS.contains(&name) {
            Column::List(ListBuilder::new(StringBuilder::new()))
        } else if name == "kind" {
            Column::Dictionary(StringDictionaryBuilder::new())
        } else {
            Column::Text(StringBuilder::new())
        }
    }

    fn data_type(&self) -> DataType {
        match self {
            Column::Text(_) => DataType::Utf8,
            Column::Number(_) => DataType::Int64,
            Column::YesNo(_) => DataType::Boolean,
            Column::List(_) => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            Column::Dictionary(_) => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        }
    }

    fn append(&mut self, cell: &str, typed: bool) {
        let empty = cell.is_empty();
        match self {
            Column::Text(b) if !typed => b.append_value(cell),
            Column::Text(b) => b.append_option((!empty).then_some(cell)),
            Column::Number(b) => b.append_option((!empty).then(|| cell.parse().expect("a whole number"))),
            Column::YesNo(b) => b.append_option((!empty).then_some(cell == "yes")),
            Column::List(b) if empty => b.append_null(),
            Column::List(b) => b.append_value(cell.split(';').map(Some)),
            Column::Dictionary(b) if empty => b.append_null(),
            Column::Dictionary(b) => {
                b.append_value(cell);
            }
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Text(b) => Arc::new(b.finish()),
            Column::Number(b) => Arc::new(b.finish()),
            Column::YesNo(b) => Arc::new(b.finish()),
            Column::List(b) => Arc::new(b.finish()),
            Column::Dictionary(b) => Arc::new(b.finish()),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut reader = csv::Reader::from_path(&args.csv)?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut columns: Vec<Column> = header.iter().map(|name| Column::new(name, args.typed)).collect();
    let fields: Vec<Field> = header.iter().zip(&columns).map(|(n, c)| Field::new(n, c.data_type(), true)).collect();
    let schema = Arc::new(Schema::new(fields));
    let properties = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer = ArrowWriter::try_new(std::fs::File::create(&args.parquet)?, schema.clone(), Some(properties))?;
    let mut row = csv::StringRecord::new();
    let mut buffered = 0;
    let flush = |columns: &mut [Column], writer: &mut ArrowWriter<std::fs::File>| {
        let arrays = columns.iter_mut().map(Column::finish).collect();
        writer.write(&RecordBatch::try_new(schema.clone(), arrays)?)
    };
    while reader.read_record(&mut row)? {
        for (column, cell) in columns.iter_mut().zip(row.iter()) {
            column.append(cell, args.typed);
        }
        buffered += 1;
        if buffered == BATCH {
            flush(&mut columns, &mut writer)?;
            buffered = 0;
        }
    }
    if buffered > 0 {
        flush(&mut columns, &mut writer)?;
    }
    writer.close()?;
    Ok(())
}
