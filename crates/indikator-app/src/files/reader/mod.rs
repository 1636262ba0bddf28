//! Reads a round file lazily and hands its messages to the round as a
//! bounded stream; the first bad line stops everything.
//!
//! One thread reads the file into chunks, reusing their buffers: a CSV file
//! in blocks of whole records (cut where a record ends, following quotes as
//! the csv crate does), a JSON Lines file in lines. A thread per core parses
//! each chunk into messages (and, scoring in-process, reads CSV records
//! straight into what validation reads and validates them); the stream puts
//! the chunks back in file order. Chunks, not rows, change hands, and at most
//! a few chunks per thread exist at once ([`IN_FLIGHT_PER_THREAD`]), so
//! memory stays bounded whatever the file's size.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc as std_mpsc};

use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use tokio::sync::{mpsc, oneshot};

mod csv_blocks;
mod parquet_batches;

use csv_blocks::{CsvLayout, parse_csv_block, read_csv};
use parquet_batches::{parse_batch, read_parquet};

use super::{FileError, csv_format};
use crate::decode::{Record, RoundItem};
use crate::proto::v1::{self as pb, score_round_request::Item};
use indikator_core::catalogue::Catalogues;

/// JSON lines read, parsed and handed to the round at a time: one hand-over
/// per chunk, not per record.
const CHUNK: usize = 512;

/// Chunks that may exist at once (being read, parsed, or waiting for their
/// turn), per parsing thread; bounds the reader's memory.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// Chunks in flight beyond those of the parsing threads.
const IN_FLIGHT: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One `indikator.v1.ScoreRoundRequest` per line (proto3 JSON), header first.
    Jsonl,
    /// A header row, then one respondent per row (see docs/batch-formats.md).
    Csv,
    /// The CSV columns in a Parquet file, one respondent per row.
    Parquet,
}

/// Header fields given on the command line.
#[derive(Debug, Clone, Default)]
pub struct HeaderOverride {
    pub round_id: Option<String>,
    pub survey_year: Option<u32>,
    pub calibration: Option<pb::Calibration>,
    /// Ask for code-only score cards (`codes_only`); `false` leaves the
    /// file's header as it is.
    pub codes_only: bool,
    /// Round id when neither the file nor the command line gives one.
    pub default_round_id: String,
}

impl HeaderOverride {
    /// Nothing overridden; the round id, when neither the file nor the command
    /// line gives one, is the file's name without its extension.
    pub fn for_file(path: &std::path::Path) -> Self {
        Self {
            default_round_id: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            ..Self::default()
        }
    }

    fn apply(&self, mut header: pb::RoundHeader) -> pb::RoundHeader {
        if let Some(id) = &self.round_id {
            header.round_id = id.clone();
        }
        if header.round_id.is_empty() {
            header.round_id = self.default_round_id.clone();
        }
        if let Some(year) = self.survey_year {
            header.survey_year = year;
        }
        if let Some(c) = self.calibration {
            header.calibration = c as i32;
        }
        if header.calibration == 0 {
            header.calibration = pb::Calibration::Published as i32;
        }
        if self.codes_only {
            header.codes_only = true;
        }
        header
    }
}

/// The first bytes of a Parquet file.
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// Bytes read from the start of a file to tell what it is.
const SNIFF_BYTES: usize = 4096;

/// What a file is when its first bytes say it is not text (a spreadsheet
/// workbook, a compressed file), in words that say what to do.
fn not_a_round_file(start: &[u8]) -> Option<String> {
    let save_as_csv = "save it as CSV (in Excel: File › Save As › \"CSV UTF-8 (Comma delimited)\"; in \
                       LibreOffice: File › Save As › \"Text CSV\" with UTF-8) and give that file";
    let what = if start.starts_with(b"PK\x03\x04") {
        let holds = |name: &[u8]| memchr::memmem::find(start, name).is_some();
        if holds(b"application/vnd.oasis.opendocument.spreadsheet") {
            format!("an OpenDocument spreadsheet (.ods), not a round file: {save_as_csv}")
        } else if holds(b"[Content_Types].xml") || holds(b"xl/") {
            format!("an Excel workbook (.xlsx), not a round file: {save_as_csv}")
        } else {
            "a ZIP archive, not a round file: unpack it and give the CSV or JSON Lines file inside".to_owned()
        }
    } else if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        format!("an Excel 97–2003 workbook (.xls), not a round file: {save_as_csv}")
    } else if start.starts_with(&[0x1F, 0x8B]) {
        "gzip-compressed: decompress it first (gunzip, or zcat FILE > round.csv) and give the result".to_owned()
    } else if start.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        "zstd-compressed: decompress it first (zstd -d) and give the result".to_owned()
    } else if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
        "UTF-16 text: save it as UTF-8 (in Excel: \"CSV UTF-8 (Comma delimited)\")".to_owned()
    } else if start.starts_with(PARQUET_MAGIC) {
        "a Parquet file, not CSV or JSON Lines: leave out --format, or pass --format parquet".to_owned()
    } else {
        return None;
    };
    Some(what)
}

/// An opened round file.
pub struct RoundFile {
    path: PathBuf,
    format: InputFormat,
    file: File,
    len: u64,
    /// CSV: the field delimiter (a comma unless given).
    delimiter: Option<u8>,
    /// The lines of the records handed to the round so far.
    lines: Arc<Mutex<RecordLines>>,
}

/// The file line each record of a round starts on, by the record's sequence
/// (its 0-based position among the round's records, as rejections name it).
/// Kept as the records where the distance between line and sequence changes
/// (a blank line, a line break inside a CSV cell), so a plain file costs one
/// entry whatever its size.
#[derive(Debug, Default)]
pub struct RecordLines {
    /// `(sequence, line − sequence)` from that sequence on.
    steps: Vec<(u64, u64)>,
    /// Records counted.
    records: u64,
}

impl RecordLines {
    /// The next record starts on `line`.
    fn push(&mut self, line: u64) {
        let offset = line.saturating_sub(self.records);
        if self.steps.last().map(|&(_, o)| o) != Some(offset) {
            self.steps.push((self.records, offset));
        }
        self.records += 1;
    }

    /// The 1-based line record `sequence` starts on, if that record was read.
    pub fn line(&self, sequence: u64) -> Option<u64> {
        if sequence >= self.records {
            return None;
        }
        let step = self.steps.partition_point(|&(s, _)| s <= sequence).checked_sub(1)?;
        Some(sequence + self.steps[step].1)
    }
}

impl RoundFile {
    pub fn open(path: &Path, format: Option<InputFormat>) -> Result<Self, FileError> {
        let name = path.display().to_string();
        let mut file = File::open(path).map_err(|e| FileError::Io(name.clone(), e))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut start = Vec::with_capacity(SNIFF_BYTES);
        (&mut file).take(SNIFF_BYTES as u64).read_to_end(&mut start).map_err(|e| FileError::Io(name.clone(), e))?;
        let parquet =
            start.starts_with(PARQUET_MAGIC) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        let format = format.unwrap_or(if parquet {
            InputFormat::Parquet
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        });
        if format != InputFormat::Parquet
            && let Some(what) = not_a_round_file(&start)
        {
            return Err(FileError::Format(name, what));
        }
        file.seek(std::io::SeekFrom::Start(0)).map_err(|e| FileError::Io(name.clone(), e))?;
        Ok(Self { path: path.to_owned(), format, file, len, delimiter: None, lines: Arc::default() })
    }

    /// CSV: read cells separated by `delimiter` (`None`: a comma).
    pub fn with_delimiter(mut self, delimiter: Option<u8>) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The lines of the records the stream hands on, filled as it does.
    pub fn record_lines(&self) -> Arc<Mutex<RecordLines>> {
        self.lines.clone()
    }

    /// The round's messages (header first) as a stream, and a receiver that
    /// yields the first input error. After an error the stream never ends, so
    /// the round is never completed with part of the file: drop the call.
    pub fn into_requests(
        self,
        header: HeaderOverride,
    ) -> (impl Stream<Item = pb::ScoreRoundRequest> + Send + 'static, oneshot::Receiver<FileError>) {
        let csv_row = |columns: &csv_format::CsvHeader, row: &csv::StringRecord, line| {
            let record = csv_format::parse_row(columns, row)?;
            let survey_year = record.response.as_ref().and_then(|r| r.respondent.as_ref()).map_or(0, |r| r.survey_year);
            Ok((record_message(record, line), survey_year))
        };
        self.into_stream(header, Arc::new(Convert { message: Box::new(|message| message), csv_row: Box::new(csv_row) }))
    }

    /// [`RoundFile::into_requests`] as round items: each record validated
    /// against `catalogues` on the parsing threads.
    pub fn into_items(
        self,
        header: HeaderOverride,
        catalogues: Catalogues,
    ) -> (impl Stream<Item = RoundItem> + Send + 'static, oneshot::Receiver<FileError>) {
        let shared = catalogues.clone();
        let message = move |message| RoundItem::from_message(message, &shared);
        // A row goes straight into the view validation reads, without a message.
        let csv_row = move |columns: &csv_format::CsvHeader, row: &csv::StringRecord, line| {
            let (record_id, response) = csv_format::parse_row_view(columns, row)?;
            let record_id = if record_id.is_empty() { default_record_id(line) } else { record_id.to_owned() };
            let survey_year = response.respondent.map_or(0, |r| r.survey_year);
            Ok((RoundItem::Record(Record::from_view(record_id, &response, &catalogues)), survey_year))
        };
        self.into_stream(header, Arc::new(Convert { message: Box::new(message), csv_row: Box::new(csv_row) }))
    }

    fn into_stream<T: Send + 'static>(
        self,
        header: HeaderOverride,
        convert: Arc<Convert<T>>,
    ) -> (impl Stream<Item = T> + Send + 'static, oneshot::Receiver<FileError>) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let in_flight = threads * IN_FLIGHT_PER_THREAD + IN_FLIGHT;
        let (work_tx, work_rx) = std_mpsc::channel::<RawChunk>();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::unbounded_channel::<ParsedChunk<T>>();
        // Row buffers go back to the reading thread once their chunk was
        // taken, to be read into again; there are `in_flight` of them, which
        // is what bounds the chunks in flight.
        let (pool_tx, pool_rx) = std_mpsc::channel::<Vec<(u64, Raw)>>();
        for _ in 0..in_flight {
            let _ = pool_tx.send(Vec::with_capacity(CHUNK));
        }
        let name = self.path.display().to_string();
        let name_for_order = name.clone();
        let layout = Arc::new(std::sync::OnceLock::new());
        let arrow = Arc::new(std::sync::OnceLock::new());
        for _ in 0..threads {
            let (work_rx, done_tx, convert, layout, name) =
                (work_rx.clone(), done_tx.clone(), convert.clone(), layout.clone(), name.clone());
            let arrow = arrow.clone();
            std::thread::spawn(move || {
                loop {
                    let chunk = match work_rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv() {
                        Ok(chunk) => chunk,
                        Err(_) => return,
                    };
                    let parsed = parse_chunk(chunk, &name, layout.get(), arrow.get(), &*convert);
                    if done_tx.send(parsed).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Records taken by the round so far, for the progress bar's rate.
        let records = Arc::new(AtomicU64::new(0));
        let counted_records = records.clone();
        std::thread::spawn(move || {
            let progress = ProgressBar::new(self.len).with_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} {records} eta {eta}",
                )
                .expect("valid template")
                .with_key("records", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let n = counted_records.load(Ordering::Relaxed);
                    let seconds = state.elapsed().as_secs_f64();
                    let rate = if seconds > 0.0 { n as f64 / seconds } else { 0.0 };
                    let unit = if n == 1 { "record" } else { "records" };
                    let _ = write!(w, "{n} {unit} ({rate:.0} records/s)");
                }),
            );
            let mut out = Chunks { work: work_tx, pool: pool_rx, index: 0 };
            let result = match self.format {
                InputFormat::Jsonl => read_jsonl(&name, progress.wrap_read(self.file), &mut out),
                InputFormat::Csv => {
                    let counted = progress.wrap_read(self.file);
                    read_csv(&name, counted, self.delimiter.unwrap_or(b','), &layout, &mut out)
                }
                InputFormat::Parquet => read_parquet(&name, self.file, self.len, &arrow, &mut out, &progress),
            };
            progress.finish_and_clear();
            match result {
                Ok(()) => out.end(),
                // What was read before an error still reaches the round first.
                Err(e) => {
                    out.send(Vec::new(), Some(e));
                }
            }
        });
        let order = InOrder {
            done: done_rx,
            waiting: BTreeMap::new(),
            next: 0,
            pool: pool_tx,
            path: name_for_order,
            no_records: match self.format {
                InputFormat::Jsonl => "the file has no header and no records",
                InputFormat::Csv => "the file has a header row but no records",
                InputFormat::Parquet => "the file has columns but no rows",
            },
            header: Some(header),
            convert,
            error: None,
            stopped: false,
            records,
            lines: self.lines,
        };
        let (error_tx, error_rx) = oneshot::channel();
        let stream = futures::stream::unfold((order, Some(error_tx)), |(mut order, mut error_tx)| async move {
            match order.next_chunk().await {
                Some(Ok(items)) => Some((futures::stream::iter(items), (order, error_tx))),
                Some(Err(e)) => {
                    if let Some(tx) = error_tx.take() {
                        let _ = tx.send(e);
                    }
                    futures::future::pending().await
                }
                None => None,
            }
        });
        (Box::pin(stream.flatten()), error_rx)
    }
}

/// Reads a CSV row (on the file's line): the item and its survey year.
type CsvRow<T> =
    dyn Fn(&csv_format::CsvHeader, &csv::StringRecord, u64) -> Result<(T, u32), csv_format::CsvError> + Send + Sync;

/// Turns what a row holds into what the stream carries.
struct Convert<T> {
    /// A parsed message (JSON Lines; the header of every file).
    message: Box<dyn Fn(pb::ScoreRoundRequest) -> T + Send + Sync>,
    /// A CSV row (on the file's line), and the survey year it gives.
    csv_row: Box<CsvRow<T>>,
}

/// Part of the file as it was read, not yet parsed.
enum Raw {
    /// Whole CSV records, as bytes (under the number of newlines before them).
    CsvBlock(Vec<u8>),
    /// Rows of a Parquet file (under the 1-based number of the first).
    Arrow(arrow_array::RecordBatch),
    /// A JSON line that is not blank (under its line number).
    Jsonl(String),
}

/// Rows read, each with its line number, numbered in file order; the read
/// error that ended the file after them, if one did.
struct RawChunk {
    index: u64,
    rows: Vec<(u64, Raw)>,
    error: Option<FileError>,
    /// The file was read to its end: nothing follows.
    end: bool,
}

/// A chunk's rows as messages; its row buffers, to be read into again.
struct ParsedChunk<T> {
    index: u64,
    parsed: Vec<Parsed<T>>,
    /// The first error in the chunk: the rows after it are not parsed.
    error: Option<FileError>,
    rows: Vec<(u64, Raw)>,
    /// The file was read to its end: nothing follows.
    end: bool,
}

enum Parsed<T> {
    /// A header line (JSON Lines).
    Header { line: u64, header: pb::RoundHeader },
    /// A record, the line it starts on, and the survey year a header made
    /// from it would take.
    Record { item: T, line: u64, survey_year: u32 },
}

/// The reading thread's side: hands full chunks to the parsing threads.
struct Chunks {
    work: std_mpsc::Sender<RawChunk>,
    pool: std_mpsc::Receiver<Vec<(u64, Raw)>>,
    index: u64,
}

impl Chunks {
    /// A row buffer to read into (its rows are overwritten); `None` once the round no longer listens.
    fn buffer(&mut self) -> Option<Vec<(u64, Raw)>> {
        self.pool.recv().ok()
    }

    /// Hands rows on; `false` once the round no longer listens.
    fn send(&mut self, rows: Vec<(u64, Raw)>, error: Option<FileError>) -> bool {
        let index = self.index;
        self.index += 1;
        self.work.send(RawChunk { index, rows, error, end: false }).is_ok()
    }

    /// Says that the file was read to its end. Until this arrives, the stream
    /// does not end: if a thread stops before (a bug), the round fails
    /// instead of being scored on part of the file.
    fn end(&mut self) {
        let index = self.index;
        self.index += 1;
        let _ = self.work.send(RawChunk { index, rows: Vec::new(), error: None, end: true });
    }
}

/// Parses a chunk's rows up to the first bad one.
fn parse_chunk<T>(
    chunk: RawChunk,
    path: &str,
    layout: Option<&CsvLayout>,
    arrow: Option<&crate::files::arrow_rows::ArrowRows>,
    convert: &Convert<T>,
) -> ParsedChunk<T> {
    let RawChunk { index, rows, mut error, end: chunk_end } = chunk;
    let mut parsed = Vec::with_capacity(rows.len());
    for (line, raw) in &rows {
        let result = match raw {
            Raw::CsvBlock(block) => {
                let layout = layout.expect("the header row is parsed before any row is handed on");
                parse_csv_block(block, *line, layout, path, convert, &mut parsed)
            }
            Raw::Jsonl(text) => parse_json_line(text, *line, path, convert).map(|row| parsed.push(row)),
            Raw::Arrow(batch) => {
                let columns = arrow.expect("the schema is read before any batch is handed on");
                parse_batch(batch, *line, columns, path, convert, &mut parsed)
            }
        };
        if let Err(e) = result {
            error = Some(e);
            break;
        }
    }
    ParsedChunk { index, parsed, error, rows, end: chunk_end }
}

fn parse_json_line<T>(text: &str, line: u64, path: &str, convert: &Convert<T>) -> Result<Parsed<T>, FileError> {
    let message: pb::ScoreRoundRequest = serde_json::from_str(text)
        .map_err(|e| input_error(path, line, format!("not a ScoreRoundRequest in proto JSON: {e}")))?;
    match message.item {
        Some(Item::Header(header)) => Ok(Parsed::Header { line, header }),
        Some(Item::Record(record)) => {
            let survey_year = record.response.as_ref().and_then(|r| r.respondent.as_ref()).map_or(0, |r| r.survey_year);
            Ok(Parsed::Record { item: (convert.message)(record_message(record, line)), line, survey_year })
        }
        None => Err(input_error(path, line, "neither a header nor a record")),
    }
}

/// The stream's side: puts parsed chunks back in file order, sends the
/// header first and stops at the first error.
struct InOrder<T> {
    path: String,
    /// The error of a file that ends before its first record or header.
    no_records: &'static str,
    done: mpsc::UnboundedReceiver<ParsedChunk<T>>,
    waiting: BTreeMap<u64, ParsedChunk<T>>,
    next: u64,
    pool: std_mpsc::Sender<Vec<(u64, Raw)>>,
    /// The command line's header fields, until the header has been sent.
    header: Option<HeaderOverride>,
    convert: Arc<Convert<T>>,
    /// The error that ends the file, once the items before it are taken.
    error: Option<FileError>,
    /// An error was returned: nothing follows it.
    stopped: bool,
    records: Arc<AtomicU64>,
    lines: Arc<Mutex<RecordLines>>,
}

impl<T> InOrder<T> {
    /// The next chunk's items in file order; an error ends the file.
    async fn next_chunk(&mut self) -> Option<Result<Vec<T>, FileError>> {
        if let Some(e) = self.error.take() {
            self.stopped = true;
            return Some(Err(e));
        }
        if self.stopped {
            return None;
        }
        let chunk = loop {
            if let Some(chunk) = self.waiting.remove(&self.next) {
                break chunk;
            }
            // Chunks are parsed side by side and arrive in any order.
            let Some(chunk) = self.done.recv().await else {
                // Every thread stopped before the end of the file was taken.
                self.stopped = true;
                let stopped = std::io::Error::other("the threads reading the file stopped before its end");
                return Some(Err(FileError::Io(self.path.clone(), stopped)));
            };
            self.waiting.insert(chunk.index, chunk);
        };
        self.next += 1;
        if chunk.end {
            self.stopped = true;
            if self.header.is_some() {
                // The file ended without a record.
                return Some(Err(input_error(&self.path, 1, self.no_records)));
            }
            return None;
        }
        let ParsedChunk { parsed, error, rows, .. } = chunk;
        // The rows keep their buffers, to be read into again.
        let _ = self.pool.send(rows);
        let mut items = Vec::with_capacity(parsed.len() + 1);
        let mut records = 0;
        self.error = error;
        let mut lines = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for p in parsed {
            match p {
                Parsed::Header { line, header } => match self.header.take() {
                    Some(made) => items.push((self.convert.message)(header_message(made.apply(header)))),
                    None => {
                        self.error = Some(input_error(&self.path, line, "a second round header"));
                        break;
                    }
                },
                Parsed::Record { item, line, survey_year } => {
                    if let Some(made) = self.header.take() {
                        items.push((self.convert.message)(header_for(survey_year, &made)));
                    }
                    lines.push(line);
                    records += 1;
                    items.push(item);
                }
            }
        }
        drop(lines);
        self.records.fetch_add(records, Ordering::Relaxed);
        if self.error.is_some() {
            // Nothing after the error is read.
            self.waiting.clear();
        }
        Some(Ok(items))
    }
}

fn input_error(path: &str, line: u64, message: impl Into<String>) -> FileError {
    FileError::Input { path: path.to_owned(), line, message: message.into() }
}

/// The id of a record that has none: its line.
fn default_record_id(line: u64) -> String {
    format!("line {line}")
}

fn record_message(mut record: pb::RoundRecord, line: u64) -> pb::ScoreRoundRequest {
    if record.record_id.is_empty() {
        record.record_id = default_record_id(line);
    }
    pb::ScoreRoundRequest { item: Some(Item::Record(record)) }
}

fn header_message(header: pb::RoundHeader) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest { item: Some(Item::Header(header)) }
}

/// The round header for a file without one: the command line's fields, and
/// the first record's survey year unless `--survey-year` was given.
fn header_for(survey_year: u32, header: &HeaderOverride) -> pb::ScoreRoundRequest {
    header_message(header.apply(pb::RoundHeader { survey_year, ..Default::default() }))
}

fn read_jsonl(path: &str, input: impl Read, out: &mut Chunks) -> Result<(), FileError> {
    let mut input = BufReader::new(input);
    let mut number = 0;
    loop {
        let Some(mut rows) = out.buffer() else { return Ok(()) };
        let mut filled = 0;
        while filled < CHUNK {
            if filled == rows.len() {
                rows.push((0, Raw::Jsonl(String::new())));
            }
            let (line, Raw::Jsonl(text)) = &mut rows[filled] else { unreachable!("a JSON Lines buffer") };
            text.clear();
            number += 1;
            let read = input.read_line(text);
            if !matches!(read, Ok(n) if n > 0) {
                // The end of the file, or an error after the lines read.
                rows.truncate(filled);
                if filled > 0 {
                    out.send(rows, None);
                }
                return read.map(|_| ()).map_err(|e| input_error(path, number, e.to_string()));
            }
            if text.trim().is_empty() {
                continue;
            }
            *line = number;
            filled += 1;
        }
        if !out.send(rows, None) {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests;
