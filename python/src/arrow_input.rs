//! A round handed over as Arrow record batches (a data frame's or a pyarrow
//! table's `__arrow_c_stream__`): each row read as a row of the CSV round
//! format by [`ArrowRows`] and validated as `indikator batch` validates a CSV
//! row, batches side by side on every core, records in row order.
//!
//! Rows are numbered from 1 in the order they come; a row's number is its
//! "line" in errors, rejections and a missing record id's `line N`, as for a
//! Parquet round file.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ffi::CStr;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_array::RecordBatchReader;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use indikator_app::decode::{Record, RoundItem};
use indikator_app::files::arrow_rows::{ArrowRows, ArrowRowsError, RowError};
use indikator_app::files::csv_format;
use indikator_app::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;

use crate::{Failure, HeaderArgs};

/// The name the Arrow PyCapsule interface gives a stream's capsule.
const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

/// Rows validated on one thread at a time.
const SLICE_ROWS: usize = 4096;

/// The round id of data given without one.
pub const DATA_ROUND_ID: &str = "round";

/// The record batches of an object with `__arrow_c_stream__`.
pub fn stream_of(data: &Bound<'_, PyAny>) -> PyResult<RecordBatchStreamReader> {
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast_into::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a PyCapsule"))?;
    let pointer = capsule.pointer_checked(Some(STREAM_CAPSULE))?;
    // SAFETY: a capsule named `arrow_array_stream` holds an
    // `ArrowArrayStream` (the Arrow PyCapsule interface). `from_raw` moves it
    // out and leaves a released stream behind, which the capsule's
    // destructor then leaves alone.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(pointer.as_ptr().cast()) };
    RecordBatchStreamReader::try_new(stream).map_err(|e| crate::input_error(format!("the Arrow stream: {e}")))
}

/// The round's items: its header, then a record per row; `error` gets the
/// first row that cannot be read (the items then end).
pub struct BatchItems<'a> {
    reader: RecordBatchStreamReader,
    columns: ArrowRows,
    catalogues: &'a Catalogues,
    args: &'a HeaderArgs,
    header_sent: bool,
    /// Records read, not yet taken, and the survey year of the first.
    pending: VecDeque<RoundItem>,
    first_survey_year: Option<u32>,
    /// The number of the next batch's first row.
    next_row: u64,
    end: bool,
    error: &'a RefCell<Option<Failure>>,
}

impl<'a> BatchItems<'a> {
    /// Checks the stream's columns ([`ArrowRows::new`]).
    pub fn new(
        reader: RecordBatchStreamReader,
        args: &'a HeaderArgs,
        catalogues: &'a Catalogues,
        error: &'a RefCell<Option<Failure>>,
    ) -> Result<Self, Failure> {
        let columns = ArrowRows::new(&reader.schema()).map_err(|e| Failure::Input(e.to_string()))?;
        Ok(Self {
            reader,
            columns,
            catalogues,
            args,
            header_sent: false,
            pending: VecDeque::new(),
            first_survey_year: None,
            next_row: 1,
            end: false,
            error,
        })
    }

    /// Reads the next batches, cut into slices of [`SLICE_ROWS`] (a data
    /// frame may be one batch of all its rows), and validates a slice per
    /// core side by side.
    fn refill(&mut self) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut batches: Vec<(u64, RecordBatch)> = Vec::with_capacity(threads);
        while batches.len() < threads {
            match self.reader.next() {
                Some(Ok(batch)) => {
                    let mut offset = 0;
                    while offset < batch.num_rows() {
                        let len = SLICE_ROWS.min(batch.num_rows() - offset);
                        batches.push((self.next_row, batch.slice(offset, len)));
                        self.next_row += len as u64;
                        offset += len;
                    }
                }
                Some(Err(e)) => {
                    self.fail(Failure::Input(format!("row {}: the Arrow stream: {e}", self.next_row)));
                    break;
                }
                None => {
                    self.end = true;
                    break;
                }
            }
        }
        let (columns, catalogues) = (&self.columns, self.catalogues);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let parsed: Vec<Mutex<Option<SliceRecords>>> = batches.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..threads.min(batches.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((first, batch)) = batches.get(i) else { return };
                        let records = batch_records(columns, batch, *first, catalogues);
                        *parsed[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(records);
                    }
                });
            }
        });
        let parsed = parsed
            .into_iter()
            .map(|p| p.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).expect("every slice is read"));
        for records in parsed {
            match records {
                Ok(records) => {
                    for (item, survey_year) in records {
                        self.first_survey_year.get_or_insert(survey_year);
                        self.pending.push_back(item);
                    }
                }
                Err(e) => {
                    // Nothing after the first bad row is scored.
                    self.fail(Failure::Input(e.to_string()));
                    return;
                }
            }
        }
    }

    fn fail(&mut self, failure: Failure) {
        self.end = true;
        self.error.borrow_mut().get_or_insert(failure);
    }

    /// The round header: the arguments' fields, the first record's survey year unless given.
    fn header(&self) -> RoundItem {
        let header = pb::RoundHeader {
            round_id: self.args.round_id.clone().unwrap_or_else(|| DATA_ROUND_ID.to_owned()),
            survey_year: self.args.survey_year.or(self.first_survey_year).unwrap_or(0),
            calibration: self.args.calibration as i32,
            codes_only: self.args.codes_only,
            ..Default::default()
        };
        let message = pb::ScoreRoundRequest { item: Some(pb::score_round_request::Item::Header(header)) };
        RoundItem::from_message(message, self.catalogues)
    }
}

impl Iterator for BatchItems<'_> {
    type Item = RoundItem;

    fn next(&mut self) -> Option<RoundItem> {
        while self.pending.is_empty() && !self.end {
            self.refill();
        }
        if self.error.borrow().is_some() {
            return None;
        }
        if !self.header_sent {
            if self.pending.is_empty() {
                self.fail(Failure::Input("the data has no rows".to_owned()));
                return None;
            }
            self.header_sent = true;
            return Some(self.header());
        }
        self.pending.pop_front()
    }
}

/// A slice's records, each with its survey year, or its first row that cannot be read.
type SliceRecords = Result<Vec<(RoundItem, u32)>, RowError>;

/// A batch's rows as validated records, each with its survey year, or the
/// first row that cannot be read.
fn batch_records(columns: &ArrowRows, batch: &RecordBatch, first_row: u64, catalogues: &Catalogues) -> SliceRecords {
    let mut rows = columns.rows(batch).map_err(|error| RowError { row: first_row, error })?;
    let mut cells = csv::StringRecord::new();
    let mut records = Vec::with_capacity(rows.len());
    for i in 0..rows.len() {
        let row = first_row + i as u64;
        rows.row(i, &mut cells).map_err(|error| RowError { row, error })?;
        let (record_id, response) = csv_format::parse_row_view(columns.header(), &cells)
            .map_err(|e| RowError { row, error: ArrowRowsError::from(e) })?;
        let record_id = if record_id.is_empty() { format!("line {row}") } else { record_id.to_owned() };
        let survey_year = response.respondent.map_or(0, |r| r.survey_year);
        records.push((RoundItem::Record(Record::from_view(record_id, &response, catalogues)), survey_year));
    }
    Ok(records)
}
