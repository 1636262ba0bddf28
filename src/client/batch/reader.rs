//! Reads a round file lazily on a thread of its own and hands its messages to
//! the round as a bounded stream; the first bad line stops everything.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use tokio::sync::{mpsc, oneshot};

use super::{BatchError, csv_format};
use crate::proto::v1::{self as pb, score_round_request::Item};

/// Messages handed to the round at a time: one wake-up of the round per chunk,
/// not per record.
const CHUNK: usize = 512;

/// Chunks read ahead of the round; bounds the reader's memory (with [`CHUNK`],
/// about as many messages as one at a time used to).
const READ_AHEAD: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One `indikator.v1.ScoreRoundRequest` per line (proto3 JSON), header first.
    Jsonl,
    /// A header row, then one respondent per row (see docs/batch-formats.md).
    Csv,
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

/// An opened round file.
pub struct RoundFile {
    path: PathBuf,
    format: InputFormat,
    file: File,
    len: u64,
    /// CSV: the field delimiter (a comma unless given).
    delimiter: Option<u8>,
}

impl RoundFile {
    pub fn open(path: &Path, format: Option<InputFormat>) -> Result<Self, BatchError> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| BatchError::Io(name.clone(), e))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let format = format.unwrap_or_else(|| {
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                InputFormat::Csv
            } else {
                InputFormat::Jsonl
            }
        });
        Ok(Self { path: path.to_owned(), format, file, len, delimiter: None })
    }

    /// CSV: read cells separated by `delimiter` (`None`: a comma).
    pub fn with_delimiter(mut self, delimiter: Option<u8>) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The round's messages (header first) as a stream, and a receiver that
    /// yields the first input error. After an error the stream never ends, so
    /// the round is never completed with part of the file: drop the call.
    pub fn into_requests(
        self,
        header: HeaderOverride,
    ) -> (impl Stream<Item = pb::ScoreRoundRequest> + Send + 'static, oneshot::Receiver<BatchError>) {
        let (tx, rx) = mpsc::channel::<Result<Vec<pb::ScoreRoundRequest>, BatchError>>(READ_AHEAD);
        let (error_tx, error_rx) = oneshot::channel();
        // Records taken by the round so far, for the progress bar's rate.
        let records = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted_records = records.clone();
        std::thread::spawn(move || {
            let progress = ProgressBar::new(self.len).with_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} {records} eta {eta}",
                )
                .expect("valid template")
                .with_key("records", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let n = counted_records.load(std::sync::atomic::Ordering::Relaxed);
                    let seconds = state.elapsed().as_secs_f64();
                    let rate = if seconds > 0.0 { n as f64 / seconds } else { 0.0 };
                    let unit = if n == 1 { "record" } else { "records" };
                    let _ = write!(w, "{n} {unit} ({rate:.0} records/s)");
                }),
            );
            let name = self.path.display().to_string();
            let counted = progress.wrap_read(self.file);
            let mut out = Sender { tx, chunk: Vec::with_capacity(CHUNK) };
            let result = match self.format {
                InputFormat::Jsonl => read_jsonl(&name, counted, &header, &mut out),
                InputFormat::Csv => read_csv(&name, counted, self.delimiter.unwrap_or(b','), &header, &mut out),
            };
            progress.finish_and_clear();
            // What was read before an error still reaches the round first.
            if out.flush()
                && let Err(e) = result
            {
                let _ = out.tx.blocking_send(Err(e));
            }
        });
        let stream = futures::stream::unfold((rx, Some(error_tx)), move |(mut rx, mut error_tx)| {
            let records = records.clone();
            async move {
                loop {
                    match rx.recv().await {
                        Some(Ok(chunk)) => {
                            let n = chunk.iter().filter(|m| matches!(m.item, Some(Item::Record(_)))).count();
                            records.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                            return Some((futures::stream::iter(chunk), (rx, error_tx)));
                        }
                        Some(Err(e)) => {
                            if let Some(tx) = error_tx.take() {
                                let _ = tx.send(e);
                            }
                            futures::future::pending::<()>().await;
                        }
                        None => return None,
                    }
                }
            }
        });
        (Box::pin(stream.flatten()), error_rx)
    }
}

/// Hands the messages read to the round in chunks of [`CHUNK`].
struct Sender {
    tx: mpsc::Sender<Result<Vec<pb::ScoreRoundRequest>, BatchError>>,
    chunk: Vec<pb::ScoreRoundRequest>,
}

impl Sender {
    /// Sends what is pending; `false` once the round no longer listens.
    fn flush(&mut self) -> bool {
        if self.chunk.is_empty() {
            return true;
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.tx.blocking_send(Ok(chunk)).is_ok()
    }
}

fn input_error(path: &str, line: u64, message: impl Into<String>) -> BatchError {
    BatchError::Input { path: path.to_owned(), line, message: message.into() }
}

/// Queues one message, sending a full chunk; `false` once the round no longer listens.
fn send(tx: &mut Sender, message: pb::ScoreRoundRequest) -> bool {
    tx.chunk.push(message);
    tx.chunk.len() < CHUNK || tx.flush()
}

fn record_message(mut record: pb::RoundRecord, line: u64) -> pb::ScoreRoundRequest {
    if record.record_id.is_empty() {
        record.record_id = format!("line {line}");
    }
    pb::ScoreRoundRequest { item: Some(Item::Record(record)) }
}

/// The round header for a file without one: the command line's fields, and
/// the first record's survey year unless `--survey-year` was given.
fn header_for(first: &pb::RoundRecord, header: &HeaderOverride) -> pb::ScoreRoundRequest {
    let year = first.response.as_ref().and_then(|r| r.respondent.as_ref()).map_or(0, |r| r.survey_year);
    let made = header.apply(pb::RoundHeader { survey_year: year, ..Default::default() });
    pb::ScoreRoundRequest { item: Some(Item::Header(made)) }
}

fn read_jsonl(path: &str, input: impl Read, header: &HeaderOverride, tx: &mut Sender) -> Result<(), BatchError> {
    let mut header_sent = false;
    for (index, line) in BufReader::new(input).lines().enumerate() {
        let number = index as u64 + 1;
        let line = line.map_err(|e| input_error(path, number, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let message: pb::ScoreRoundRequest = serde_json::from_str(&line)
            .map_err(|e| input_error(path, number, format!("not a ScoreRoundRequest in proto JSON: {e}")))?;
        let message = match message.item {
            Some(Item::Header(h)) if !header_sent => {
                header_sent = true;
                pb::ScoreRoundRequest { item: Some(Item::Header(header.apply(h))) }
            }
            Some(Item::Header(_)) => return Err(input_error(path, number, "a second round header")),
            Some(Item::Record(record)) => {
                if !header_sent {
                    header_sent = true;
                    if !send(tx, header_for(&record, header)) {
                        return Ok(());
                    }
                }
                record_message(record, number)
            }
            None => return Err(input_error(path, number, "neither a header nor a record")),
        };
        if !send(tx, message) {
            return Ok(());
        }
    }
    if !header_sent {
        return Err(input_error(path, 1, "the file has no header and no records"));
    }
    Ok(())
}

/// Counts the lines before a byte offset of what it reads, for line numbers
/// that are right whatever the line ending (the csv crate's own count is one
/// low after a `\r\n`). Holds only the newlines not yet passed.
struct LineCounter<R> {
    inner: R,
    read: u64,
    state: std::rc::Rc<std::cell::RefCell<Lines>>,
}

#[derive(Default)]
struct Lines {
    /// Offsets of the newlines read and not yet counted.
    pending: std::collections::VecDeque<u64>,
    /// Newlines counted (all at offsets below the last position asked for).
    counted: u64,
}

impl Lines {
    /// The 1-based line of the record starting at `byte`; a position on the
    /// `\n` of a `\r\n` belongs to the line after it.
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.pending.front().is_some_and(|&at| at <= byte) {
            self.pending.pop_front();
            self.counted += 1;
        }
        self.counted + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        let read = self.read;
        state.pending.extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| read + i as u64));
        self.read += n as u64;
        Ok(n)
    }
}

/// The delimiter a header row that read as one column seems to use.
fn likely_delimiter(header: &csv::StringRecord) -> Option<char> {
    if header.len() != 1 {
        return None;
    }
    [';', '\t', '|'].into_iter().find(|d| header[0].contains(*d))
}

fn read_csv(
    path: &str,
    input: impl Read,
    delimiter: u8,
    header: &HeaderOverride,
    tx: &mut Sender,
) -> Result<(), BatchError> {
    let lines = std::rc::Rc::new(std::cell::RefCell::new(Lines::default()));
    let input = LineCounter { inner: input, read: 0, state: lines.clone() };
    let line_at =
        |position: Option<&csv::Position>, or: u64| position.map_or(or, |p| lines.borrow_mut().line_at(p.byte()));
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(false).delimiter(delimiter).from_reader(input);
    let columns = reader.headers().map_err(|e| input_error(path, 1, csv_message(&e)))?.clone();
    if columns.is_empty() || (columns.len() == 1 && columns[0].is_empty()) {
        return Err(input_error(
            path,
            1,
            "the file is empty: a CSV round file needs a header row and a row per respondent",
        ));
    }
    if let Some(d) = likely_delimiter(&columns) {
        let (shown, flag) =
            if d == '\t' { ("a tab".to_owned(), "tab".to_owned()) } else { (format!("`{d}`"), d.to_string()) };
        return Err(input_error(
            path,
            1,
            format!(
                "the header row reads as one column: the cells seem to be separated by {shown}, not by `{}`; pass --delimiter '{flag}'",
                delimiter as char
            ),
        ));
    }
    let columns = csv_format::CsvHeader::parse(&columns).map_err(|e| input_error(path, 1, e.to_string()))?;
    let mut header_sent = false;
    let mut row = csv::StringRecord::new();
    loop {
        let line = lines.borrow_mut().line_at(reader.position().byte());
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = line_at(e.position(), line);
                return Err(input_error(path, at, csv_message(&e)));
            }
        }
        let line = line_at(row.position(), line);
        let record = csv_format::parse_row(&columns, &row).map_err(|e| input_error(path, line, e.to_string()))?;
        if !header_sent {
            header_sent = true;
            if !send(tx, header_for(&record, header)) {
                return Ok(());
            }
        }
        if !send(tx, record_message(record, line)) {
            return Ok(());
        }
    }
    if !header_sent {
        return Err(input_error(path, 1, "the file has a header row but no records"));
    }
    Ok(())
}

/// The csv crate's message, with what to do where it is terse.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let cells = if *len == 1 { "1 cell".to_owned() } else { format!("{len} cells") };
            let hint = if len < expected_len {
                "; if a cell opens a quote `\"` that is never closed, the quote runs the rows after it into that cell"
            } else {
                ""
            };
            format!("the row has {cells} but the header has {expected_len} columns{hint}")
        }
        _ => e.to_string(),
    }
}
