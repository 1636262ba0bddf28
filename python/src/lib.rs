//! `indikator._indikator`: the extension module under the Python package
//! `indikator` (python/indikator/__init__.py is its public face).
//!
//! Everything here calls the application layer the way `indikator batch`
//! and the server call it, and only converts at the edge:
//!
//! - a round file (CSV, JSON Lines, Parquet) is read by [`RoundFile`] into
//!   validated records and folded by [`fold_items`], as `indikator batch FILE`
//!   in-process does;
//! - Arrow record batches (a data frame's `__arrow_c_stream__`) are read as
//!   rows of the CSV round format by `arrow_rows` and validated as CSV rows are;
//! - the score cards are rendered by [`CardColumns`] (the cells of `--csv`),
//!   the summary tables by [`render::csv::tables`] (the files of
//!   `--tables-csv`), the rejections as `rejections.csv` lists them, the
//!   summary as proto3 JSON (what `--out` writes);
//! - one response is validated and scored as `POST /v1/score` does, and the
//!   methodologies are `GetMethodology`'s.
//!
//! Tables leave as Arrow record batches of strings (a cell the CSV export
//! leaves empty is a null) through the Arrow C stream interface, so the
//! Python side gets them without copying. The GIL is released while a round
//! is read, scored and rendered.

mod arrow_input;

use std::cell::RefCell;
use std::convert::Infallible;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use futures::StreamExt;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use indikator_app::files::{FileError, HeaderOverride, RoundFile};
use indikator_app::proto::v1 as pb;
use indikator_app::render::{self, csv::CardColumns};
use indikator_app::round_fold::{RoundOutput, fold_items};
use indikator_app::{describe, score::score_validated, validate};
use indikator_core::catalogue::Catalogues;
use indikator_core::round::{RoundError, RoundLimits};

create_exception!(
    _indikator,
    InputError,
    PyValueError,
    "Input that cannot be scored: a file, a row, a cell or a JSON field, named in the message."
);

/// Rows per record batch of the score cards.
const BATCH_ROWS: usize = 8192;

/// Score cards built and rendered on one thread at a time (as `indikator batch`'s chunks).
const CARD_CHUNK: usize = 256;

fn input_error(message: impl std::fmt::Display) -> PyErr {
    InputError::new_err(message.to_string())
}

/// The catalogues KS and service answers are scored against: the shipped
/// ones, or those of `dir` (as `--catalogue-dir`).
fn catalogues(dir: Option<&Path>) -> PyResult<Catalogues> {
    match dir {
        None => Ok(Catalogues::shipped().clone()),
        Some(dir) => Catalogues::load(Some(dir)).map_err(input_error),
    }
}

/// `"published"` or `"relative"` (any case) as the proto enum.
fn calibration(name: &str) -> PyResult<pb::Calibration> {
    pb::Calibration::from_str_name(&format!("CALIBRATION_{}", name.trim().to_ascii_uppercase()))
        .filter(|c| *c != pb::Calibration::Unspecified)
        .ok_or_else(|| input_error(format!("calibration: {name:?} is neither \"published\" nor \"relative\"")))
}

/// The header fields given as keyword arguments.
struct HeaderArgs {
    round_id: Option<String>,
    survey_year: Option<u32>,
    calibration: pb::Calibration,
    codes_only: bool,
}

impl HeaderArgs {
    /// As the command line's flags override a round file's header.
    fn overriding(&self, path: &std::path::Path) -> HeaderOverride {
        HeaderOverride {
            round_id: self.round_id.clone(),
            survey_year: self.survey_year,
            calibration: Some(self.calibration),
            codes_only: self.codes_only,
            ..HeaderOverride::for_file(path)
        }
    }
}

/// A round scored: its tables as Arrow record batches, its summary.
#[pyclass(frozen, module = "indikator._indikator")]
struct ScoredRound {
    cards: ArrowTable,
    /// The `--tables-csv` files by name (`composite_grades.csv`, …), `rejections.csv` first.
    tables: Vec<(String, ArrowTable)>,
    /// The summary in proto3 JSON.
    summary: String,
}

#[pymethods]
impl ScoredRound {
    /// The score cards: the columns and cells of `indikator batch --csv`.
    #[getter]
    fn cards(&self) -> ArrowTable {
        self.cards.clone()
    }

    /// `(file name, table)` for every file of `indikator batch --tables-csv`.
    #[getter]
    fn tables(&self) -> Vec<(String, ArrowTable)> {
        self.tables.clone()
    }

    /// The round summary as proto3 JSON text (what `--out` writes under `summary`).
    #[getter]
    fn summary_json(&self) -> &str {
        &self.summary
    }
}

/// Record batches that Python reads through the Arrow PyCapsule stream
/// interface (`pyarrow.table(t)`, `polars.from_arrow`, …), as often as asked.
#[pyclass(frozen, module = "indikator._indikator")]
#[derive(Clone)]
struct ArrowTable {
    schema: SchemaRef,
    batches: Arc<Vec<RecordBatch>>,
}

#[pymethods]
impl ArrowTable {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The tables are strings only: a requested schema is not cast to.
        let _ = requested_schema;
        let batches: Vec<_> = self.batches.iter().cloned().map(Ok).collect();
        let reader = RecordBatchIterator::new(batches, self.schema.clone());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(py, stream, Some(CString::new("arrow_array_stream").expect("no NUL")))
    }

    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Builds string batches of `columns` row by row.
struct TableBuilder {
    schema: SchemaRef,
    builders: Vec<StringBuilder>,
    /// The cell of the row being added.
    column: usize,
    rows: usize,
    batches: Vec<RecordBatch>,
}

impl TableBuilder {
    fn new<S: AsRef<str>>(columns: &[S]) -> Self {
        let fields: Vec<Field> = columns.iter().map(|c| Field::new(c.as_ref(), DataType::Utf8, true)).collect();
        let schema = Arc::new(Schema::new(fields));
        Self::with_schema(schema)
    }

    fn with_schema(schema: SchemaRef) -> Self {
        let builders = schema.fields().iter().map(|_| StringBuilder::new()).collect();
        Self { schema, builders, column: 0, rows: 0, batches: Vec::new() }
    }

    /// The next cell of the row; an empty cell (an absent figure) as a null.
    fn cell(&mut self, text: &str) {
        let builder = &mut self.builders[self.column];
        if text.is_empty() {
            builder.append_null()
        } else {
            builder.append_value(text)
        }
        self.column += 1;
    }

    fn end_row(&mut self) {
        assert_eq!(self.column, self.builders.len(), "a row has a cell per column");
        self.column = 0;
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows == 0 {
            return;
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
        self.batches.push(RecordBatch::try_new(self.schema.clone(), arrays).expect("columns of one length"));
        self.rows = 0;
    }

    fn finish(mut self) -> (SchemaRef, Vec<RecordBatch>) {
        self.flush();
        (self.schema, self.batches)
    }

    fn table(self) -> ArrowTable {
        let (schema, batches) = self.finish();
        ArrowTable { schema, batches: Arc::new(batches) }
    }
}

/// Why scoring a round stopped.
enum Failure {
    /// Bad input: a file, a row, a header field.
    Input(String),
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Input(message) => input_error(message),
        }
    }
}

impl From<FileError> for Failure {
    fn from(e: FileError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<RoundError> for Failure {
    fn from(e: RoundError) -> Self {
        Failure::Input(format!("the round failed: {e}"))
    }
}

/// The file line of a rejected record's sequence, where it is known.
type LineOf<'a> = &'a dyn Fn(u64) -> Option<u64>;

/// A folded round's outputs, rendered as `indikator batch` writes them.
fn outputs(report: indikator_core::round::RoundReport, catalogues: &Catalogues, line_of: LineOf<'_>) -> ScoredRound {
    let mut output = RoundOutput::new(report);
    let columns = CardColumns::new(catalogues);
    let cards = cards_in_parallel(&mut output, &columns);
    let mut rejections = TableBuilder::new(&["line", "record_id", "sequence", "reason", "fields"]);
    let mut summary = None;
    for response in output {
        match response.item {
            Some(pb::score_round_response::Item::Rejection(r)) => {
                let fields: Vec<&str> = r.field_violations.iter().map(|v| v.field.as_str()).collect();
                rejections.cell(&line_of(r.sequence).map_or(String::new(), |l| l.to_string()));
                rejections.cell(&r.record_id);
                rejections.cell(&r.sequence.to_string());
                rejections.cell(&r.reason);
                rejections.cell(&fields.join(";"));
                rejections.end_row();
            }
            Some(pb::score_round_response::Item::Summary(s)) => summary = Some(s),
            Some(pb::score_round_response::Item::ScoreCard(_)) => unreachable!("the cards were taken in chunks"),
            None => {}
        }
    }
    let summary = summary.expect("a round's output ends with its summary");
    let mut tables = vec![("rejections.csv".to_owned(), rejections.table())];
    for table in render::csv::tables(&summary) {
        let mut builder = TableBuilder::new(&table.header);
        for row in &table.rows {
            for cell in row {
                builder.cell(cell);
            }
            builder.end_row();
        }
        tables.push((table.name.to_owned(), builder.table()));
    }
    let summary = serde_json::to_string(&summary).expect("messages serialise");
    ScoredRound { cards, tables, summary }
}

/// The score cards as `--csv` rows, built and rendered in chunks on every
/// core (as `indikator batch` does), put together in order.
fn cards_in_parallel(output: &mut RoundOutput, columns: &CardColumns) -> ArrowTable {
    let chunks = output.take_card_chunks(CARD_CHUNK);
    let report = output.report();
    let schema = TableBuilder::new(&columns.header()).schema;
    // A batch is built from consecutive chunks by one thread.
    let per_batch = BATCH_ROWS / CARD_CHUNK;
    let groups: Vec<&[_]> = chunks.chunks(per_batch).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(groups.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(vec![None; groups.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(group) = groups.get(i) else { return };
                    let mut builder = TableBuilder::with_schema(schema.clone());
                    for &(start, len) in group.iter() {
                        for card in indikator_app::round_fold::score_cards(report, start, len) {
                            columns.write_row(&card, &mut |cell| builder.cell(cell));
                            builder.end_row();
                        }
                    }
                    let (_, batches) = builder.finish();
                    done.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(batches);
                }
            });
        }
    });
    let batches = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .flat_map(|b| b.expect("every group built"))
        .collect();
    ArrowTable { schema, batches: Arc::new(batches) }
}

/// Waits for `fold` unless `errors` yields a read error first.
fn fold_or_error<T>(
    fold: impl std::future::Future<Output = Result<T, RoundError>>,
    errors: tokio::sync::oneshot::Receiver<FileError>,
) -> Result<T, Failure> {
    let error = async {
        match errors.await {
            Ok(e) => e,
            // The file was read without an error: the fold ends.
            Err(_) => futures::future::pending().await,
        }
    };
    futures::executor::block_on(async {
        futures::pin_mut!(fold);
        futures::pin_mut!(error);
        match futures::future::select(fold, error).await {
            futures::future::Either::Left((report, _)) => report.map_err(Failure::from),
            futures::future::Either::Right((error, _)) => Err(Failure::from(error)),
        }
    })
}

/// Scores a round file (CSV, JSON Lines or Parquet) as `indikator batch PATH` does in-process.
#[pyfunction]
#[pyo3(signature = (path, *, calibration, round_id=None, survey_year=None, catalogue_dir=None, codes_only=false))]
fn score_round_file(
    py: Python<'_>,
    path: PathBuf,
    calibration: &str,
    round_id: Option<String>,
    survey_year: Option<u32>,
    catalogue_dir: Option<PathBuf>,
    codes_only: bool,
) -> PyResult<ScoredRound> {
    let args = HeaderArgs { round_id, survey_year, calibration: self::calibration(calibration)?, codes_only };
    let catalogues = catalogues(catalogue_dir.as_deref())?;
    py.detach(|| {
        let file = RoundFile::open(&path, None)?;
        let lines = file.record_lines();
        let (items, errors) = file.into_items(args.overriding(&path), catalogues.clone());
        let fold = fold_items(items.map(Ok::<_, Infallible>), RoundLimits::default(), &catalogues);
        let report = fold_or_error(fold, errors)?;
        let lines = lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok::<_, Failure>(outputs(report, &catalogues, &|sequence| lines.line(sequence)))
    })
    .map_err(PyErr::from)
}

/// Scores a round given as Arrow record batches (anything with
/// `__arrow_c_stream__`) whose columns are the CSV round format's.
#[pyfunction]
#[pyo3(signature = (data, *, calibration, round_id=None, survey_year=None, catalogue_dir=None, codes_only=false))]
fn score_round_arrow(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    calibration: &str,
    round_id: Option<String>,
    survey_year: Option<u32>,
    catalogue_dir: Option<PathBuf>,
    codes_only: bool,
) -> PyResult<ScoredRound> {
    let args = HeaderArgs { round_id, survey_year, calibration: self::calibration(calibration)?, codes_only };
    let catalogues = catalogues(catalogue_dir.as_deref())?;
    let reader = arrow_input::stream_of(data)?;
    py.detach(|| {
        let error = RefCell::new(None);
        let items = arrow_input::BatchItems::new(reader, &args, &catalogues, &error)?;
        let items = futures::stream::iter(items.map(Ok::<_, Infallible>));
        let report = futures::executor::block_on(fold_items(items, RoundLimits::default(), &catalogues));
        // A row that cannot be read ends the items: the round is not scored.
        if let Some(failure) = error.into_inner() {
            return Err(failure);
        }
        // Every row is a record: record `sequence` is row `sequence + 1`.
        Ok(outputs(report?, &catalogues, &|sequence| Some(sequence + 1)))
    })
    .map_err(PyErr::from)
}

/// Scores one response given as the proto3 JSON of `POST /v1/score`'s body
/// (`{"response": {…}}`): the answer's JSON, as the server gives it.
#[pyfunction]
#[pyo3(signature = (request_json, *, catalogue_dir=None))]
fn score(py: Python<'_>, request_json: &str, catalogue_dir: Option<PathBuf>) -> PyResult<String> {
    let catalogues = catalogues(catalogue_dir.as_deref())?;
    py.detach(|| {
        let mut json = serde_json::Deserializer::from_str(request_json);
        let request: pb::ScoreRequest = serde_path_to_error::deserialize(&mut json).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { "body".to_owned() } else { path };
            // The position is in the JSON text made from the dict: the path says where.
            let message = e.inner().to_string();
            let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_owned();
            Failure::Input(format!("{path}: {message}"))
        })?;
        let validated = validate::survey_response(request.response.as_ref(), "response", &catalogues)
            .map_err(|violations| Failure::Input(violations.message()))?;
        let response = pb::ScoreResponse { results: Some(score_validated(&validated, &catalogues)) };
        Ok::<_, Failure>(serde_json::to_string(&response).expect("messages serialise"))
    })
    .map_err(PyErr::from)
}

/// `GetMethodology`'s answer as proto3 JSON: every methodology, or the one named.
#[pyfunction]
#[pyo3(signature = (methodology_id=None, *, catalogue_dir=None))]
fn methodology(methodology_id: Option<&str>, catalogue_dir: Option<PathBuf>) -> PyResult<String> {
    let catalogues = catalogues(catalogue_dir.as_deref())?;
    let all = describe::all(&catalogues);
    let id = methodology_id.unwrap_or("");
    let methodologies: Vec<_> = all.iter().filter(|m| id.is_empty() || m.id == id).cloned().collect();
    if methodologies.is_empty() {
        let known: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
        return Err(input_error(format!("methodology_id: unknown methodology {id:?}; known: {}", known.join(", "))));
    }
    let response = pb::GetMethodologyResponse { methodologies };
    Ok(serde_json::to_string(&response).expect("messages serialise"))
}

/// The CSV round format's columns in canonical order (docs/batch-formats.md).
#[pyfunction]
fn round_columns() -> Vec<String> {
    indikator_app::files::csv_format::columns()
}

#[pymodule]
fn _indikator(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add_class::<ScoredRound>()?;
    m.add_class::<ArrowTable>()?;
    m.add_function(wrap_pyfunction!(score_round_file, m)?)?;
    m.add_function(wrap_pyfunction!(score_round_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(methodology, m)?)?;
    m.add_function(wrap_pyfunction!(round_columns, m)?)?;
    Ok(())
}
