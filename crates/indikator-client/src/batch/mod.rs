//! `indikator batch`: reads a round from a JSON Lines or CSV file, scores it on
//! a server (`--server`) or in-process with the same code the server runs,
//! prints the summary as tables and writes the full report as JSON, and on
//! request the CSV exports and the HTML report ([`crate::report`]).
//! Every output is staged beside its destination and put in place only when
//! the run succeeded (`output`). File formats: `docs/batch-formats.md`.

mod output;
pub(crate) use output::Staged;
mod print;
mod print_items;
mod typed_outputs;

use std::io::Write;
use std::path::{Path, PathBuf};

use futures::{Stream, StreamExt};
use tonic::Request;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::connect::{self, ClientTls, ConnectError};
use crate::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use crate::report;
use indikator_app::round_fold::{RoundOutput, fold_items};
use indikator_core::catalogue::Catalogues;
use indikator_core::round::{RoundError, RoundLimits};

pub use indikator_app::files::{
    FileError, HeaderOverride, InputFormat, RecordLines, RoundFile, arrow_rows, csv_format,
};

/// Everything `indikator batch` was asked to do.
#[derive(Debug, Clone)]
pub struct BatchJob {
    pub input: PathBuf,
    /// `None`: guess from the extension (`.csv` is CSV, anything else JSON Lines).
    pub format: Option<InputFormat>,
    /// `None`: score in-process.
    pub server: Option<String>,
    /// Where to write the full report as JSON.
    pub out: Option<PathBuf>,
    /// Where to write one CSV row per scored respondent.
    pub csv: Option<PathBuf>,
    /// A directory to write every summary table into, as a CSV file each.
    pub tables_csv: Option<PathBuf>,
    /// Where to write the `csv` columns as a typed Parquet file.
    pub parquet: Option<PathBuf>,
    /// A directory to write every summary table into, as a Parquet file each.
    pub tables_parquet: Option<PathBuf>,
    /// Where to write the tables and score cards as an Excel workbook.
    pub xlsx: Option<PathBuf>,
    /// Where to write the HTML report.
    pub html: Option<PathBuf>,
    /// The HTML report shows groups under this many respondents as «få svar».
    pub small_group: u64,
    /// CSV input: the field delimiter (`None`: a comma).
    pub delimiter: Option<u8>,
    /// Header fields that replace (or, for CSV, make) the file's round header.
    pub round_id: Option<String>,
    pub survey_year: Option<u32>,
    pub calibration: Option<pb::Calibration>,
    /// Set the header's `codes_only`: score cards without the labels
    /// GetMethodology gives. The JSON report's cards are then code-only; the
    /// CSV export and the HTML report take the labels from the methodology, so
    /// they are the same either way (a file whose header already sets it is
    /// scored so too).
    pub codes_only: bool,
    /// In-process only: the round size limit.
    pub max_records: u64,
    /// In-process: the catalogues KS and service answers are scored against;
    /// both ways: the catalogues the printed summary labels items from.
    pub catalogues: Catalogues,
    /// Print the summary tables to stdout.
    pub print: bool,
    /// With a server: a file holding the access token to send.
    pub token_file: Option<PathBuf>,
    /// With an `https://` server: the CA, client certificate and server name.
    pub tls: ClientTls,
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A round file could not be read: which, where and why.
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The server could not be reached, or the connection failed.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("the server refused the round: {} ({})", .0.message(), connect::code_name(.0.code()))]
    Remote(tonic::Status),
    #[error("the round failed: {0}")]
    Round(RoundError),
    #[error("the server answered without a summary")]
    NoSummary,
    #[error(transparent)]
    Token(#[from] super::token::TokenError),
}

/// What a batch run produced.
#[derive(Debug)]
pub struct BatchOutcome {
    pub summary: pb::RoundSummary,
    pub cards: u64,
}

/// Runs a batch job end to end. The run is one trace: a root span `batch`,
/// and for a server the `ScoreRound` call as its child, whose context goes to
/// the server in the call's metadata (so the server's span joins the trace).
pub async fn run(job: &BatchJob) -> Result<BatchOutcome, BatchError> {
    let span = tracing::info_span!(
        target: indikator_app::CALL_SPAN_TARGET,
        "batch",
        otel.name = "batch",
        otel.kind = "internal",
        otel.status_code = Empty,
        input_format = ?job.format,
        server = job.server.is_some(),
        records = Empty,
    );
    let outcome = run_in(job).instrument(span.clone()).await;
    match &outcome {
        Ok(outcome) => {
            span.record("records", outcome.summary.accounting.as_ref().map_or(0, |a| a.received));
        }
        Err(_) => {
            span.record("otel.status_code", "error");
        }
    }
    outcome
}

async fn run_in(job: &BatchJob) -> Result<BatchOutcome, BatchError> {
    let file = RoundFile::open(&job.input, job.format)?.with_delimiter(job.delimiter);
    let lines = file.record_lines();
    let header = job_header(job);
    let mut outputs = Outputs::create(job, lines.clone())?;

    let outcome = match &job.server {
        Some(server) => {
            let channel = connect::channel(server, &job.tls, None).await?;
            let call_span = tracing::info_span!(
                target: indikator_app::CALL_SPAN_TARGET,
                "rpc",
                otel.name = "indikator.v1.IndicatorService/ScoreRound",
                otel.kind = "client",
                rpc.system = "grpc",
                rpc.service = "indikator.v1.IndicatorService",
                rpc.method = "ScoreRound",
                rpc.grpc.status_code = Empty,
            );
            // The server's span becomes this call's child.
            let context = call_span.context();
            let mut client = IndicatorServiceClient::with_interceptor(channel, move |mut request: Request<()>| {
                crate::propagation::inject(&context, request.metadata_mut());
                Ok(request)
            })
            .max_decoding_message_size(64 * 1024 * 1024)
            .max_encoding_message_size(64 * 1024 * 1024);
            let (requests, errors) = file.into_requests(header);
            let call = async {
                let request = super::token::request(requests, job.token_file.as_deref())?;
                let remote = |status| BatchError::remote(server, &job.tls, status);
                let responses = client.score_round(request).await.map_err(remote)?.into_inner();
                collect(responses.map(|r| r.map_err(remote)), &mut outputs).await
            };
            let call = async {
                let outcome = call.await;
                let code = match &outcome {
                    Ok(_) => tonic::Code::Ok,
                    Err(BatchError::Remote(status)) => status.code(),
                    Err(_) => tonic::Code::Unknown,
                };
                call_span.record("rpc.grpc.status_code", code as i32);
                outcome
            }
            .instrument(call_span.clone());
            tokio::select! {
                result = call => result,
                Ok(error) = errors => Err(error.into()),
            }
        }
        None => {
            let limits = RoundLimits { max_records: job.max_records };
            // Records are parsed and validated on every core as they are read.
            let (items, errors) = file.into_items(header, job.catalogues.clone());
            let fold = fold_items(items.map(Ok::<_, std::convert::Infallible>), limits, &job.catalogues);
            let report = tokio::select! {
                report = fold => report.map_err(BatchError::Round)?,
                Ok(error) = errors => return Err(error.into()),
            };
            let mut output = RoundOutput::new(report);
            let cards = outputs.cards_in_parallel(&mut output)?;
            collect(futures::stream::iter(output.map(Ok)), &mut outputs)
                .await
                .map(|outcome| BatchOutcome { cards: outcome.cards + cards, ..outcome })
        }
    }?;
    // Every output is complete before any replaces what was there.
    for file in outputs.finish(job, &outcome.summary)? {
        file.commit()?;
    }
    if job.print {
        let lines = lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let printed = print::summary(&mut std::io::stdout().lock(), &outcome.summary, &job.catalogues, &lines);
        match printed {
            // A reader that stopped reading (`indikator batch … | head`) has
            // what it wanted; the reports are in place.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            printed => printed.map_err(|e| BatchError::Io("stdout".into(), e))?,
        }
    }
    Ok(outcome)
}

impl BatchError {
    /// A failed call: the server's status, or what the connection ran into.
    pub fn remote(server: &str, tls: &ClientTls, status: tonic::Status) -> Self {
        match connect::call_failure(server, tls, status) {
            Ok(status) => BatchError::Remote(status),
            Err(e) => BatchError::Connect(e),
        }
    }
}

fn job_header(job: &BatchJob) -> HeaderOverride {
    HeaderOverride {
        round_id: job.round_id.clone(),
        survey_year: job.survey_year,
        calibration: job.calibration,
        codes_only: job.codes_only,
        ..HeaderOverride::for_file(&job.input)
    }
}

async fn collect(
    mut responses: impl Stream<Item = Result<pb::ScoreRoundResponse, BatchError>> + Unpin,
    outputs: &mut Outputs,
) -> Result<BatchOutcome, BatchError> {
    let mut cards = 0;
    while let Some(response) = responses.next().await {
        match response?.item {
            Some(pb::score_round_response::Item::ScoreCard(card)) => {
                cards += 1;
                outputs.card(card)?;
            }
            Some(pb::score_round_response::Item::Rejection(rejection)) => outputs.rejection(&rejection)?,
            Some(pb::score_round_response::Item::Summary(summary)) => {
                return Ok(BatchOutcome { summary, cards });
            }
            None => {}
        }
    }
    Err(BatchError::NoSummary)
}

/// The files a run writes, staged until it succeeds.
struct Outputs {
    json: Option<ReportWriter>,
    /// `rejections.csv` of `--tables-csv`.
    rejections: Option<CsvFile>,
    /// The file line of each record read, to name a rejection's.
    lines: std::sync::Arc<std::sync::Mutex<RecordLines>>,
    csv: Option<(CsvFile, indikator_app::render::csv::CardColumns)>,
    /// The score cards, kept for the HTML report.
    cards: Option<Vec<pb::ScoreCard>>,
    /// Buffers of the last card written one at a time, to render the next into.
    spare: Option<Buffers>,
    /// `--parquet`, `--tables-parquet`, `--xlsx`.
    typed: typed_outputs::TypedOutputs,
}

impl Outputs {
    /// Creates the temporary files (so an unwritable place fails before the run).
    fn create(job: &BatchJob, lines: std::sync::Arc<std::sync::Mutex<RecordLines>>) -> Result<Self, BatchError> {
        let json = job.out.as_deref().map(ReportWriter::create).transpose()?;
        let csv = match &job.csv {
            Some(path) => {
                let mut file = CsvFile::create(path)?;
                let columns = indikator_app::render::csv::CardColumns::new(&job.catalogues);
                file.row(&columns.header())?;
                Some((file, columns))
            }
            None => None,
        };
        let rejections = match &job.tables_csv {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| BatchError::Io(dir.display().to_string(), e))?;
                let mut file = CsvFile::create(&dir.join(REJECTIONS_CSV))?;
                file.row(&["line", "record_id", "sequence", "reason", "fields"])?;
                Some(file)
            }
            None => None,
        };
        let cards = job.html.as_ref().map(|_| Vec::new());
        let typed = typed_outputs::TypedOutputs::create(job)?;
        Ok(Self { json, rejections, lines, csv, cards, spare: None, typed })
    }

    /// Writes one rejection, under the file line its record starts on.
    fn rejection(&mut self, rejection: &pb::Rejection) -> Result<(), BatchError> {
        let line = self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).line(rejection.sequence);
        if let Some(w) = self.json.as_mut() {
            w.rejection(rejection, line)?;
        }
        let fields: Vec<&str> = rejection.field_violations.iter().map(|v| v.field.as_str()).collect();
        let row = [
            line.map_or(String::new(), |l| l.to_string()),
            rejection.record_id.clone(),
            rejection.sequence.to_string(),
            rejection.reason.clone(),
            fields.join(";"),
        ];
        if let Some(file) = self.rejections.as_mut() {
            file.row(&row)?;
        }
        self.typed.rejection(&row)
    }

    /// Writes one score card (as [`Outputs::cards_in_parallel`] writes a chunk).
    fn card(&mut self, card: pb::ScoreCard) -> Result<(), BatchError> {
        let columns = self.csv.as_ref().map(|(_, columns)| columns);
        let rendered = Rendered::of(
            std::iter::once(card),
            self.spare.take(),
            self.json.is_some(),
            columns,
            self.cards.is_some(),
            self.typed.columns(),
        );
        self.spare = Some(self.write_rendered(rendered)?);
        Ok(())
    }

    /// Builds and writes the score cards not yet taken from `output`, in
    /// chunks on every core (each thread grades, converts and renders a chunk,
    /// this one writes them in order): the same bytes as [`Outputs::card`] one
    /// at a time. Returns the cards written.
    fn cards_in_parallel(&mut self, output: &mut RoundOutput) -> Result<u64, BatchError> {
        let chunks = output.take_card_chunks(CARD_CHUNK);
        let report = output.report();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks.len());
        if threads == 0 {
            return Ok(0);
        }
        let json = self.json.is_some();
        let columns = self.csv.as_ref().map(|(_, columns)| columns.clone());
        let csv = columns.as_ref();
        let keep = self.cards.is_some();
        let typed = self.typed.columns().cloned();
        let cells = typed.as_ref();
        if !json && csv.is_none() && !keep && cells.is_none() {
            // No output shows a card: they need not be built.
            return Ok(chunks.iter().map(|&(_, len)| len as u64).sum());
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        // Chunks written so far: a thread starts a chunk only within
        // `2 × threads` of it, so a thread held up (on a busy machine) cannot
        // leave the others piling chunks up in memory.
        let progress = (std::sync::Mutex::new(0usize), std::sync::Condvar::new());
        let ahead = 2 * threads;
        // The JSON and CSV buffers written, for the threads to fill again
        // (allocating and freeing half a megabyte a chunk costs page faults).
        let pool = std::sync::Mutex::new(Vec::<Buffers>::new());
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Rendered)>(threads);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, chunks, progress, pool) = (&next, &chunks, &progress, &pool);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(start, len)) = chunks.get(i) else { return };
                        let (written, turn) = progress;
                        let written = written.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let written = turn
                            .wait_while(written, |written| i >= *written + ahead)
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        drop(written);
                        let buffer = pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
                        let cards = indikator_app::round_fold::score_cards(report, start, len);
                        let rendered = Rendered::of(cards, buffer, json, csv, keep, cells);
                        if tx.send((i, rendered)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            // Chunks arrive out of order; they are written in order.
            let mut waiting = std::collections::BTreeMap::new();
            let mut written = 0;
            let mut cards = 0;
            let result = (|| {
                for (i, rendered) in rx {
                    waiting.insert(i, rendered);
                    while let Some(rendered) = waiting.remove(&written) {
                        written += 1;
                        *progress.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = written;
                        progress.1.notify_all();
                        cards += rendered.cards;
                        let buffer = self.write_rendered(rendered)?;
                        pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(buffer);
                    }
                }
                Ok(cards)
            })();
            // On an error the threads still waiting go on and find no receiver.
            *progress.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = usize::MAX / 2;
            progress.1.notify_all();
            result
        })
    }

    /// Writes a chunk; gives back its buffers, emptied.
    fn write_rendered(&mut self, mut rendered: Rendered) -> Result<Buffers, BatchError> {
        if let Some(w) = self.json.as_mut() {
            w.rendered_cards(&rendered.json, rendered.cards)?;
        }
        if let Some((file, _)) = self.csv.as_mut() {
            file.rendered_rows(&rendered.csv)?;
        }
        if let Some(cards) = self.cards.as_mut() {
            cards.extend(rendered.kept);
        }
        self.typed.cards(&rendered.cells)?;
        rendered.json.clear();
        rendered.csv.clear();
        rendered.cells.clear();
        Ok(Buffers { json: rendered.json, csv: rendered.csv, cells: rendered.cells })
    }

    /// Every output complete, none yet in place.
    fn finish(self, job: &BatchJob, summary: &pb::RoundSummary) -> Result<Vec<output::Staged>, BatchError> {
        let mut done = Vec::new();
        if let Some(w) = self.json {
            done.push(w.finish(summary)?);
        }
        if let Some((file, _)) = self.csv {
            done.push(file.finish()?);
        }
        if let Some(file) = self.rejections {
            done.push(file.finish()?);
        }
        if let Some(dir) = &job.tables_csv {
            for table in indikator_app::render::csv::tables(summary) {
                let mut file = CsvFile::create(&dir.join(table.name))?;
                file.row(&table.header)?;
                for row in &table.rows {
                    file.row(row)?;
                }
                done.push(file.finish()?);
            }
        }
        if let (Some(path), Some(cards)) = (&job.html, self.cards) {
            let mut file = output::Staged::create(path)?;
            let html = report::html::render_with(summary, &cards, &job.catalogues, job.small_group);
            file.write_all(html.as_bytes()).map_err(|e| BatchError::Io(file.name(), e))?;
            done.push(file);
        }
        done.extend(self.typed.finish(job, summary)?);
        Ok(done)
    }
}

/// The file of `--tables-csv` that lists the rejected records.
const REJECTIONS_CSV: &str = "rejections.csv";

/// Score cards per chunk built on one thread.
const CARD_CHUNK: usize = 256;

/// Bytes a score card takes in the JSON report, about (to size buffers).
const CARD_JSON_BYTES: usize = 2048;

/// A chunk of score cards as the outputs write them.
struct Rendered {
    cards: u64,
    /// Each card as a JSON report entry: `,\n` and the card.
    json: Vec<u8>,
    /// The cards' CSV rows, as the CSV file has them.
    csv: Vec<u8>,
    /// The cards themselves, for the HTML report.
    kept: Vec<pb::ScoreCard>,
    /// The cards' cells, for the typed outputs.
    cells: report::parquet::CellRows,
}

/// Emptied buffers of a chunk written, to render another into.
#[derive(Default)]
struct Buffers {
    json: Vec<u8>,
    csv: Vec<u8>,
    cells: report::parquet::CellRows,
}

impl Rendered {
    /// `buffers`: ones to write into, if there are some to reuse.
    fn of(
        cards: impl Iterator<Item = pb::ScoreCard>,
        buffers: Option<Buffers>,
        json: bool,
        csv: Option<&indikator_app::render::csv::CardColumns>,
        keep: bool,
        cells: Option<&indikator_app::render::csv::CardColumns>,
    ) -> Self {
        let Buffers { json: mut json_buffer, csv: csv_buffer, cells: cells_buffer } = buffers.unwrap_or_default();
        if json {
            json_buffer.reserve(CARD_CHUNK * CARD_JSON_BYTES);
        }
        let mut rendered =
            Rendered { cards: 0, json: json_buffer, csv: csv_buffer, kept: Vec::new(), cells: cells_buffer };
        for card in cards {
            rendered.cards += 1;
            if json {
                rendered.json.extend_from_slice(b",\n");
                if !indikator_app::render::card_json::write(&mut rendered.json, &card) {
                    serde_json::to_writer(&mut rendered.json, &card).expect("messages serialise");
                }
            }
            if let Some(columns) = csv {
                let mut row = CsvRow { out: &mut rendered.csv, cells: 0 };
                columns.write_row(&card, &mut |cell| row.cell(cell.as_bytes()));
                row.end();
            }
            if let Some(columns) = cells {
                columns.write_row(&card, &mut |cell| rendered.cells.cell(cell));
                rendered.cells.end_row();
            }
            if keep {
                rendered.kept.push(card);
            }
        }
        rendered
    }
}

/// A staged CSV file (RFC 4180 quoting, `\n` line ends).
struct CsvFile {
    name: String,
    file: output::Staged,
    /// A row being written, emptied after each.
    row: Vec<u8>,
}

impl CsvFile {
    fn create(path: &Path) -> Result<Self, BatchError> {
        let file = output::Staged::create(path)?;
        Ok(Self { name: file.name(), file, row: Vec::new() })
    }

    fn row<S: AsRef<[u8]>>(&mut self, cells: &[S]) -> Result<(), BatchError> {
        csv_row(&mut self.row, cells);
        let written = self.file.write_all(&self.row).map_err(|e| BatchError::Io(self.name.clone(), e));
        self.row.clear();
        written
    }

    /// Rows already written as CSV ([`csv_row`], [`CsvRow`]).
    fn rendered_rows(&mut self, rows: &[u8]) -> Result<(), BatchError> {
        self.file.write_all(rows).map_err(|e| BatchError::Io(self.name.clone(), e))
    }

    fn finish(self) -> Result<output::Staged, BatchError> {
        Ok(self.file)
    }
}

/// Appends a row to `out` as every CSV file of the batch job is written
/// (RFC 4180): cells separated by `,`; a cell holding `,`, `"`, `\r` or `\n`
/// in double quotes, each `"` doubled; `\n` at the end; a row of one empty
/// cell as `""` (so that it is not a blank line). The same bytes as the csv
/// crate's writer.
fn csv_row<S: AsRef<[u8]>>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = S>) {
    let mut cells = cells.into_iter();
    let Some(first) = cells.next() else {
        return;
    };
    let first = first.as_ref();
    let mut row = CsvRow { out, cells: 0 };
    row.cell(first);
    let mut more = false;
    for cell in cells {
        more = true;
        row.cell(cell.as_ref());
    }
    if !more && first.is_empty() {
        row.out.extend_from_slice(b"\"\"");
    }
    row.end();
}

/// A CSV row being appended ([`csv_row`]).
struct CsvRow<'a> {
    out: &'a mut Vec<u8>,
    cells: usize,
}

impl CsvRow<'_> {
    fn cell(&mut self, cell: &[u8]) {
        if self.cells > 0 {
            self.out.push(b',');
        }
        self.cells += 1;
        if cell.iter().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            self.out.push(b'"');
            for part in cell.split_inclusive(|&b| b == b'"') {
                self.out.extend_from_slice(part);
                if part.last() == Some(&b'"') {
                    self.out.push(b'"');
                }
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(cell);
        }
    }

    fn end(self) {
        self.out.push(b'\n');
    }
}

/// Writes `{"scoreCards":[…],"rejections":[…],"summary":{…}}` as the messages arrive.
struct ReportWriter {
    path: String,
    out: output::Staged,
    /// Entries written to the open array.
    written: u64,
    /// Whether the `rejections` array has been opened.
    in_rejections: bool,
}

impl ReportWriter {
    fn create(path: &Path) -> Result<Self, BatchError> {
        let out = output::Staged::create(path)?;
        let mut w = Self { path: out.name(), out, written: 0, in_rejections: false };
        w.write(b"{\"scoreCards\":[")?;
        Ok(w)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), BatchError> {
        self.out.write_all(bytes).map_err(|e| BatchError::Io(self.path.clone(), e))
    }

    fn entry(&mut self, json: &[u8]) -> Result<(), BatchError> {
        self.write(if self.written > 0 { b",\n" } else { b"\n" })?;
        self.written += 1;
        self.write(json)
    }

    /// `count` cards rendered as entries (each `,\n` and the card).
    fn rendered_cards(&mut self, entries: &[u8], count: u64) -> Result<(), BatchError> {
        if count == 0 {
            return Ok(());
        }
        // The first entry of the array has no comma.
        let entries = if self.written == 0 { &entries[1..] } else { entries };
        self.written += count;
        self.write(entries)
    }

    fn open_rejections(&mut self) -> Result<(), BatchError> {
        if !self.in_rejections {
            self.in_rejections = true;
            self.written = 0;
            self.write(b"\n],\n\"rejections\":[")?;
        }
        Ok(())
    }

    /// A rejection as proto3 JSON, with `line` (the file line its record
    /// starts on) first when it is known.
    fn rejection(&mut self, rejection: &pb::Rejection, line: Option<u64>) -> Result<(), BatchError> {
        self.open_rejections()?;
        let json = serde_json::to_vec(rejection).expect("messages serialise");
        match line {
            Some(line) => {
                let mut entry = format!("{{\"line\":{line}").into_bytes();
                if json.len() > 2 {
                    entry.push(b',');
                }
                entry.extend_from_slice(&json[1..]);
                self.entry(&entry)
            }
            None => self.entry(&json),
        }
    }

    /// The complete report, not yet in place.
    fn finish(mut self, summary: &pb::RoundSummary) -> Result<output::Staged, BatchError> {
        self.open_rejections()?;
        self.write(b"\n],\n\"summary\":")?;
        let json = serde_json::to_vec_pretty(summary).expect("messages serialise");
        self.write(&json)?;
        self.write(b"}\n")?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_the_bytes_the_csv_crate_writes() {
        let cells = ["", "a", "a,b", "\"", "x\"y\"", "line\nbreak", "cr\r", " spaced ", "ø", "#", "\"\""];
        let mut rows: Vec<Vec<&str>> = cells.iter().map(|c| vec![*c]).collect();
        for a in cells {
            for b in cells {
                rows.push(vec![a, b]);
                rows.push(vec![b, "", a]);
            }
        }
        for row in rows {
            let mut ours = Vec::new();
            csv_row(&mut ours, &row);
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record(&row).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs.into_inner().unwrap()).unwrap());
        }
    }
}
