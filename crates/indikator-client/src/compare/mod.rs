//! `indikator compare`: reads two round files (the baseline, then the current
//! round; JSON Lines or CSV, read by the batch reader) and a correspondence
//! file, compares them on a server (`--server`) or in-process with the same
//! code the server runs (docs/method.md §7), prints the transition tables and
//! the largest changes, and on request writes every message as JSON Lines.

mod html;
mod print;

use std::io::Write;
use std::path::{Path, PathBuf};

use futures::{Stream, StreamExt};

use crate::batch::{BatchError, FileError, HeaderOverride, InputFormat, RoundFile, Staged};
use crate::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use indikator_app::compare_fold::{CompareOutput, fold_comparison};
use indikator_app::decode::CompareItem;
use indikator_app::memory::MemoryBudget;
use indikator_core::catalogue::Catalogues;
use indikator_core::round::RoundLimits;
use indikator_core::round::compare::Correspondence;

pub use print::{GradeMove, Highlights, LARGEST, report};

/// Everything `indikator compare` was asked to do.
#[derive(Debug, Clone)]
pub struct CompareJob {
    pub baseline: PathBuf,
    pub current: PathBuf,
    /// A correspondence file: `old,new` municipality numbers per line.
    pub correspondence: Option<PathBuf>,
    /// `None`: compare in-process.
    pub server: Option<String>,
    /// Where to write every message of the comparison as JSON Lines.
    pub out: Option<PathBuf>,
    /// In-process only: the round size limit (per round).
    pub max_records: u64,
    /// In-process: the catalogues answers are scored against.
    pub catalogues: Catalogues,
    /// Print the transition tables and largest changes to stdout.
    pub print: bool,
    /// With a server: a file holding the access token to send.
    pub token_file: Option<PathBuf>,
    /// With an `https://` server: the CA, client certificate and server name.
    pub tls: crate::connect::ClientTls,
    /// Where to write the comparison as an HTML report.
    pub html: Option<PathBuf>,
}

/// What a comparison produced: the summary and what the report shows of the cards.
#[derive(Debug)]
pub struct CompareOutcome {
    pub summary: pb::ComparisonSummary,
    pub highlights: Highlights,
}

/// Reads a correspondence file: one `old,new` pair of municipality numbers per
/// line (a comma, semicolon or tab between them); blank lines, lines starting
/// with `#` and a first line that is not numbers (a heading) are skipped.
/// Checked here, so an error names the file's line.
pub fn read_correspondence(path: &Path) -> Result<Vec<pb::Correspondence>, BatchError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| BatchError::Io(name.clone(), e))?;
    let mut lines = Vec::new();
    let mut numbers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split([',', ';', '\t']).map(str::trim);
        let (old, new) = (fields.next().unwrap_or_default(), fields.next().unwrap_or_default());
        if lines.is_empty() && numbers.is_empty() && !old.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if new.is_empty() || fields.next().is_some() {
            return Err(BatchError::File(FileError::Input {
                path: name,
                line: i as u64 + 1,
                message: "expected two municipality numbers: old,new".into(),
            }));
        }
        numbers.push(i as u64 + 1);
        lines.push(pb::Correspondence { old_number: old.to_owned(), new_number: new.to_owned() });
    }
    Correspondence::parse(lines.iter().map(|c| (c.old_number.as_str(), c.new_number.as_str())), |i| {
        format!("line {}", numbers[i])
    })
    .map_err(|e| {
        let text = e.to_string();
        let line = text
            .strip_prefix("line ")
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        BatchError::File(FileError::Input { path: name.clone(), line, message: text })
    })?;
    Ok(lines)
}

/// One round file as CompareRounds messages; the first header carries the
/// correspondence when given.
fn side(
    path: &Path,
    correspondence: Vec<pb::Correspondence>,
) -> Result<
    (impl Stream<Item = pb::CompareRoundsRequest> + Send + 'static, tokio::sync::oneshot::Receiver<FileError>),
    BatchError,
> {
    let format = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")).then_some(InputFormat::Csv);
    let (requests, errors) = RoundFile::open(path, format)?.into_requests(HeaderOverride::for_file(path));
    let mut correspondence = Some(correspondence);
    let requests = requests.map(move |m| pb::CompareRoundsRequest {
        item: m.item.map(|item| match item {
            pb::score_round_request::Item::Header(round) => {
                pb::compare_rounds_request::Item::Header(pb::CompareRoundHeader {
                    round: Some(round),
                    correspondence: correspondence.take().unwrap_or_default(),
                    match_by: 0,
                })
            }
            pb::score_round_request::Item::Record(r) => pb::compare_rounds_request::Item::Record(r),
        }),
    });
    Ok((requests, errors))
}

/// Runs a comparison end to end.
pub async fn run(job: &CompareJob) -> Result<CompareOutcome, BatchError> {
    let correspondence = job.correspondence.as_deref().map(read_correspondence).transpose()?.unwrap_or_default();
    let (baseline, baseline_errors) = side(&job.baseline, correspondence)?;
    let (current, current_errors) = side(&job.current, Vec::new())?;
    let requests = baseline.chain(current);
    let errors = async {
        tokio::select! {
            Ok(e) = baseline_errors => BatchError::File(e),
            Ok(e) = current_errors => BatchError::File(e),
            else => futures::future::pending().await,
        }
    };
    let mut out = job.out.as_deref().map(JsonLines::create).transpose()?;
    let outcome = match &job.server {
        Some(server) => {
            let channel = crate::connect::channel(server, &job.tls, None).await?;
            let mut client = IndicatorServiceClient::new(channel)
                .max_decoding_message_size(64 * 1024 * 1024)
                .max_encoding_message_size(64 * 1024 * 1024);
            let call = async {
                let request = crate::token::request(requests, job.token_file.as_deref())?;
                let remote = |status| BatchError::remote(server, &job.tls, status);
                let responses = client.compare_rounds(request).await.map_err(remote)?.into_inner();
                collect(responses.map(|r| r.map_err(remote)), &mut out).await
            };
            tokio::select! {
                result = call => result,
                error = errors => Err(error),
            }
        }
        None => {
            let limits = RoundLimits { max_records: job.max_records };
            let budget = MemoryBudget::new(usize::MAX / 2);
            let catalogues = &job.catalogues;
            let items = requests.map(|m| Ok::<_, std::convert::Infallible>(CompareItem::from_message(m, catalogues)));
            let fold = fold_comparison(items, limits, catalogues, &budget);
            let (comparison, _reserved) = tokio::select! {
                folded = fold => folded.map_err(BatchError::Round)?,
                error = errors => return Err(error),
            };
            collect(futures::stream::iter(CompareOutput::new(comparison).map(Ok)), &mut out).await
        }
    }?;
    let html = match &job.html {
        Some(path) => {
            let mut file = Staged::create(path)?;
            let page = html::render(&outcome.summary, &outcome.highlights, &job.catalogues);
            file.write_all(page.as_bytes()).map_err(|e| BatchError::Io(file.name(), e))?;
            Some(file)
        }
        None => None,
    };
    if let Some(out) = out {
        out.commit()?;
    }
    if let Some(html) = html {
        html.commit()?;
    }
    if job.print {
        match report(&mut std::io::stdout().lock(), &outcome.summary, &outcome.highlights, &job.catalogues) {
            // A reader that stopped reading (`indikator compare … | head`) has
            // what it wanted; the report is in place.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            printed => printed.map_err(|e| BatchError::Io("stdout".into(), e))?,
        }
    }
    Ok(outcome)
}

async fn collect(
    mut responses: impl Stream<Item = Result<pb::CompareRoundsResponse, BatchError>> + Unpin,
    out: &mut Option<JsonLines>,
) -> Result<CompareOutcome, BatchError> {
    let mut highlights = Highlights::default();
    while let Some(response) = responses.next().await {
        let response = response?;
        if let Some(out) = out.as_mut() {
            out.line(&response)?;
        }
        match response.item {
            Some(pb::compare_rounds_response::Item::Card(card)) => highlights.add(&card),
            Some(pb::compare_rounds_response::Item::Summary(summary)) => {
                return Ok(CompareOutcome { summary, highlights });
            }
            None => {}
        }
    }
    Err(BatchError::NoSummary)
}

/// Every message of the comparison, one JSON object per line, written beside
/// its destination and renamed into place once the comparison succeeded.
struct JsonLines {
    path: PathBuf,
    partial: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
}

impl JsonLines {
    fn create(path: &Path) -> Result<Self, BatchError> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let partial = path.with_file_name(format!(".{name}.partial"));
        let file = std::fs::File::create(&partial).map_err(|e| BatchError::Io(path.display().to_string(), e))?;
        Ok(Self { path: path.to_owned(), partial, file: std::io::BufWriter::new(file) })
    }

    fn line(&mut self, message: &pb::CompareRoundsResponse) -> Result<(), BatchError> {
        let io = |e| BatchError::Io(self.path.display().to_string(), e);
        serde_json::to_writer(&mut self.file, message).map_err(|e| io(e.into()))?;
        self.file.write_all(b"\n").map_err(io)
    }

    fn commit(mut self) -> Result<(), BatchError> {
        let name = self.path.display().to_string();
        self.file.flush().map_err(|e| BatchError::Io(name.clone(), e))?;
        std::fs::rename(&self.partial, &self.path).map_err(|e| BatchError::Io(name, e))
    }
}

impl Drop for JsonLines {
    fn drop(&mut self) {
        // Committed: the partial file is gone and this does nothing.
        let _ = std::fs::remove_file(&self.partial);
    }
}

/// The groups a comparison leads with: everyone, then the municipalities
/// (the published tables' population).
fn headline(s: &pb::ComparisonSummary) -> Vec<&pb::GroupComparison> {
    s.groups
        .iter()
        .filter(|g| {
            g.dimension() == pb::GroupDimension::Overall
                || (g.dimension() == pb::GroupDimension::RespondentKind
                    && g.key == pb::RespondentKind::Municipality.as_str_name())
        })
        .collect()
}
