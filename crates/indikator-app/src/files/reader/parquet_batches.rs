//! Parquet round files read in record batches on the reading thread, and
//! each batch's rows read on a parsing thread as CSV rows ([`ArrowRows`]).
//!
//! A row's "line" (in errors, rejections and a missing record id's `line N`)
//! is its 1-based index in the file.

use std::fs::File;
use std::sync::OnceLock;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{Chunks, Convert, FileError, Parsed, Raw, input_error};
use crate::files::arrow_rows::ArrowRows;

/// Rows of a Parquet file decoded and handed to a parsing thread at a time.
pub(super) const PARQUET_BATCH: usize = 1024;

/// Reads the schema into `columns`, then hands on the rows in batches.
/// `progress` is told the share of the rows read, as a share of `len`.
pub(super) fn read_parquet(
    path: &str,
    file: File,
    len: u64,
    columns: &OnceLock<ArrowRows>,
    out: &mut Chunks,
    progress: &indicatif::ProgressBar,
) -> Result<(), FileError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| FileError::Format(path.to_owned(), format!("not a readable Parquet file: {e}")))?;
    let total = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0).max(1);
    let rows = ArrowRows::new(builder.schema()).map_err(|e| FileError::Format(path.to_owned(), e.to_string()))?;
    let _ = columns.set(rows);
    let reader = builder
        .with_batch_size(PARQUET_BATCH)
        .build()
        .map_err(|e| FileError::Format(path.to_owned(), format!("not a readable Parquet file: {e}")))?;
    // The 1-based number of the next batch's first row.
    let mut next_row = 1u64;
    for batch in reader {
        let batch = batch.map_err(|e| input_error(path, next_row, format!("cannot read the file: {e}")))?;
        if batch.num_rows() == 0 {
            continue;
        }
        let Some(mut buffer) = out.buffer() else { return Ok(()) };
        let first = next_row;
        next_row += batch.num_rows() as u64;
        buffer.clear();
        buffer.push((first, Raw::Arrow(batch)));
        progress.set_position(len.saturating_mul(next_row - 1) / total);
        if !out.send(buffer, None) {
            return Ok(());
        }
    }
    Ok(())
}

/// Reads the rows of a batch whose first row is `first_row`.
pub(super) fn parse_batch<T>(
    batch: &RecordBatch,
    first_row: u64,
    columns: &ArrowRows,
    path: &str,
    convert: &Convert<T>,
    parsed: &mut Vec<Parsed<T>>,
) -> Result<(), FileError> {
    let mut rows = columns.rows(batch).map_err(|e| input_error(path, first_row, e.to_string()))?;
    let mut cells = csv::StringRecord::new();
    for i in 0..rows.len() {
        let line = first_row + i as u64;
        rows.row(i, &mut cells).map_err(|e| input_error(path, line, e.to_string()))?;
        let (item, survey_year) =
            (convert.csv_row)(columns.header(), &cells, line).map_err(|e| input_error(path, line, e.to_string()))?;
        parsed.push(Parsed::Record { item, line, survey_year });
    }
    Ok(())
}
