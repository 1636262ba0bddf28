//! `ScoreStream` and `ScoreRound`: the streaming RPCs, over any stream of
//! requests (a gRPC call or, for the batch client, a file).

use futures::{Stream, StreamExt};

use crate::memory::{MemoryBudget, Reservation};
use crate::proto::v1 as pb;
use crate::safe_text::LogSafe;
use indikator_core::catalogue::{Catalogue, Catalogues};
use indikator_core::domain::{RespondentKind, SizeClass};
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::compare::Correspondence;
use indikator_core::round::figures;
use indikator_core::round::tables::{ServiceTables, share};
use indikator_core::round::{
    AreaCard, CalibrationMode, CalibrationUsed, Card, Cursor, GroupKey, GroupTables, MAX_VIOLATIONS_PER_REJECTION,
    RecordAnswers, Rejection, RoundAggregator, RoundConfig, RoundError, RoundLimits, RoundReport,
};
use indikator_core::scoring::maturity::AreaScore;
use indikator_core::scoring::ssb2018::Count;

use bytes::{Bytes, BytesMut};
use prost::Message;

use crate::convert::Scored;
use crate::decode::{Record, Rejected, RoundItem};
use crate::score::{self, score_validated};
use crate::{MAX_RECORD_ID_BYTES, Violations, convert, encode, round_report, validate};

/// Rejections listed in the summary itself (all are streamed before it), as
/// long as they fit the summary's byte budget.
pub const REJECTIONS_IN_SUMMARY: usize = 1_000;

/// Default byte budget of the rejections listed in the summary.
pub const SUMMARY_REJECTIONS_BUDGET: usize = 1024 * 1024;

/// `google.rpc.Code.INVALID_ARGUMENT`, the code of a rejected record's error.
const INVALID_ARGUMENT: i32 = 3;

/// Longest round id: it is logged and echoed.
pub const MAX_ROUND_ID_BYTES: usize = 256;

/// Records folded between two checks of the round's footprint against its
/// reservation.
const RESERVE_EVERY: u64 = 256;

/// Room a round reserves beyond its state for grading and its summary.
const FINISH_ROOM: usize = 2 * 1024 * 1024;

fn violations_of(v: Violations) -> Vec<pb::FieldViolation> {
    v.into_vec().into_iter().map(|f| pb::FieldViolation { field: f.field, description: f.description }).collect()
}

/// The output of one ScoreStream request.
pub fn score_stream_record(
    sequence: u64,
    request: pb::ScoreStreamRequest,
    catalogues: &Catalogues,
) -> pb::ScoreStreamResponse {
    stream_output(sequence, Record::from_stream_message(request, catalogues), catalogues)
}

/// The output of one ScoreStream record: its results or why it was not scored.
pub fn stream_output(sequence: u64, record: Record, catalogues: &Catalogues) -> pb::ScoreStreamResponse {
    let outcome = match record.outcome {
        Ok(validated) => pb::score_stream_response::Outcome::Results(score_validated(&validated, catalogues)),
        Err(rejected) => pb::score_stream_response::Outcome::Error(record_error(rejected)),
    };
    pb::ScoreStreamResponse { record_id: record.record_id, sequence, outcome: Some(outcome) }
}

/// [`stream_output`] as its bytes, split off `buf` (results written straight
/// from the core's), and whether the record was scored.
pub fn stream_output_bytes(
    sequence: u64,
    record: Record,
    catalogues: &Catalogues,
    buf: &mut BytesMut,
) -> (Bytes, bool) {
    match record.outcome {
        Ok(validated) => (score::stream_results_bytes(sequence, &record.record_id, &validated, catalogues, buf), true),
        Err(rejected) => {
            let outcome = Some(pb::score_stream_response::Outcome::Error(record_error(rejected)));
            let answer = pb::ScoreStreamResponse { record_id: record.record_id, sequence, outcome };
            (encode::message(buf, &answer), false)
        }
    }
}

/// Why a streamed record was not scored, as its error.
fn record_error(rejected: Rejected) -> pb::RecordError {
    match rejected {
        Rejected::Invalid(violations) => pb::RecordError {
            code: INVALID_ARGUMENT,
            message: violations.message(),
            field_violations: violations_of(violations),
        },
        Rejected::Undecodable(problem) => {
            let field = if problem.field.is_empty() { "request".to_owned() } else { problem.field };
            pb::RecordError {
                code: INVALID_ARGUMENT,
                message: format!("{field}: {}", problem.description),
                field_violations: vec![pb::FieldViolation { field, description: problem.description }],
            }
        }
    }
}

/// ScoreRound messages (built in memory, not read from bytes) as round items.
pub fn round_items<'a, S, E>(
    inbound: S,
    catalogues: &'a Catalogues,
) -> impl Stream<Item = Result<RoundItem, E>> + Unpin + 'a
where
    S: Stream<Item = Result<pb::ScoreRoundRequest, E>> + Unpin + 'a,
{
    inbound.map(move |message| message.map(|m| RoundItem::from_message(m, catalogues)))
}

fn header_config(header: &pb::RoundHeader, catalogues: &Catalogues) -> Result<(RoundConfig, f64), RoundError> {
    let mut v = Violations::default();
    if header.round_id.trim().is_empty() {
        v.add("header.round_id", "is required");
    } else if header.round_id.len() > MAX_ROUND_ID_BYTES {
        v.add("header.round_id", format_args!("is longer than {MAX_ROUND_ID_BYTES} bytes"));
    }
    if !validate::SURVEY_YEARS.contains(&header.survey_year) {
        v.add(
            "header.survey_year",
            format!(
                "{} is outside {}–{}",
                header.survey_year,
                validate::SURVEY_YEARS.start(),
                validate::SURVEY_YEARS.end()
            ),
        );
    }
    let calibration = match pb::Calibration::try_from(header.calibration) {
        Ok(pb::Calibration::Published) => Some(CalibrationMode::Published),
        Ok(pb::Calibration::Relative) => Some(CalibrationMode::Relative),
        Ok(pb::Calibration::Unspecified) => {
            v.add("header.calibration", "must be CALIBRATION_PUBLISHED or CALIBRATION_RELATIVE");
            None
        }
        Err(_) => {
            v.add("header.calibration", format!("unknown value {}", header.calibration));
            None
        }
    };
    let min_coverage = if header.min_coverage == 0.0 { catalogues.ks_2018.min_coverage } else { header.min_coverage };
    if !(min_coverage > 0.0 && min_coverage <= 1.0) {
        v.add("header.min_coverage", format!("{} is outside (0, 1]; 0 means the default", header.min_coverage));
    }
    if !v.is_empty() {
        return Err(RoundError::Protocol(v.into_pairs()));
    }
    let config = RoundConfig {
        round_id: header.round_id.trim().to_owned(),
        survey_year: header.survey_year as u16,
        calibration: calibration.expect("checked"),
    };
    Ok((config, min_coverage))
}

/// Grows the round's reservation to its footprint. A round does not wait for
/// memory: rounds free theirs only when they end, so rounds waiting on each
/// other would all time out together; the one that cannot grow ends at once
/// and frees what it held for the others.
fn reserve(reservation: &mut Reservation, round: &RoundAggregator) -> Result<(), RoundError> {
    reservation.try_resize(round.footprint() + FINISH_ROOM).map_err(|e| RoundError::OutOfMemory(e.to_string()))
}

fn protocol_error(field: &str, description: &str) -> RoundError {
    RoundError::Protocol(vec![(field.to_owned(), description.to_owned())])
}

/// Reads a whole round (header, then records) and tabulates it. Fails the
/// whole round, with nothing emitted, on a missing or malformed header, a
/// second header, more records than `limits` allow, or a broken inbound stream.
pub async fn fold_round<S, E>(
    inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
) -> Result<RoundReport, RoundError>
where
    S: Stream<Item = Result<pb::ScoreRoundRequest, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fold_items(round_items(inbound, catalogues), limits, catalogues).await
}

/// [`fold_round`] over round items (records already validated).
pub async fn fold_items<S, E>(
    inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
) -> Result<RoundReport, RoundError>
where
    S: Stream<Item = Result<RoundItem, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fold(inbound, limits, catalogues, None, FoldOptions::default()).await.map(|(report, _)| report)
}

/// [`fold_round`] over round items, with the round's state reserved from
/// `budget` as it grows ([`RoundError::OutOfMemory`] when the budget is
/// spent). The reservation is returned with the report: hold it until the
/// report has been sent.
pub async fn fold_items_reserving<S, E>(
    inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
    budget: &MemoryBudget,
) -> Result<(RoundReport, Reservation), RoundError>
where
    S: Stream<Item = Result<RoundItem, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (report, reservation) = fold(inbound, limits, catalogues, Some(budget), FoldOptions::default()).await?;
    Ok((report, reservation.expect("a budget gives a reservation")))
}

/// How one side of a comparison is folded (docs/method.md §7).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FoldOptions<'a> {
    /// Baseline municipalities are folded under their current number.
    pub correspondence: Option<&'a Correspondence>,
    /// Field paths are prefixed with this side's name (`baseline`, `current`),
    /// and a repeated organisation number fails the whole call.
    pub side: Option<&'static str>,
    /// A municipality number given by two municipalities fails the whole
    /// call (matching by municipality number).
    pub unique_municipalities: bool,
}

/// The header a comparison side starts with, checked like ScoreRound's.
pub(crate) fn side_config(
    header: &pb::RoundHeader,
    catalogues: &Catalogues,
    prefix: &str,
) -> Result<(RoundConfig, f64), RoundError> {
    header_config(header, catalogues).map_err(|e| match e {
        RoundError::Protocol(pairs) => RoundError::Protocol(
            pairs
                .into_iter()
                .map(|(f, d)| (format!("{prefix}.{}", f.strip_prefix("header.").unwrap_or(&f)), d))
                .collect(),
        ),
        other => other,
    })
}

/// [`fold_items_reserving`] for one side of a comparison (its messages decoded).
pub(crate) async fn fold_side<S, E>(
    inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
    budget: &MemoryBudget,
    options: FoldOptions<'_>,
) -> Result<(RoundReport, Reservation), RoundError>
where
    S: Stream<Item = Result<RoundItem, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (report, reservation) = fold(inbound, limits, catalogues, Some(budget), options).await?;
    Ok((report, reservation.expect("a budget gives a reservation")))
}

async fn fold<S, E>(
    mut inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
    budget: Option<&MemoryBudget>,
    options: FoldOptions<'_>,
) -> Result<(RoundReport, Option<Reservation>), RoundError>
where
    S: Stream<Item = Result<RoundItem, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let inbound_error = |e: E| RoundError::Inbound(e.into());
    let header = match inbound.next().await.transpose().map_err(inbound_error)? {
        Some(RoundItem::Header(h)) => h,
        Some(_) => return Err(protocol_error("header", "the first message of a round must be its header")),
        None => return Err(protocol_error("header", "the round is empty: send a header, then the records")),
    };
    let mut fold = RoundFold::start(&header, limits, catalogues, budget, options)?;
    while let Some(item) = inbound.next().await.transpose().map_err(inbound_error)? {
        fold.push(item)?;
    }
    fold.finish()
}

/// A round being folded, one item at a time, after its header.
struct RoundFold<'a> {
    round: RoundAggregator,
    reservation: Option<Reservation>,
    limits: RoundLimits,
    options: FoldOptions<'a>,
    /// At most one entry per municipality number.
    municipalities: std::collections::HashMap<u16, String>,
    /// The header asked for score cards without labels.
    codes_only: bool,
}

impl<'a> RoundFold<'a> {
    fn start(
        header: &pb::RoundHeader,
        limits: RoundLimits,
        catalogues: &Catalogues,
        budget: Option<&MemoryBudget>,
        options: FoldOptions<'a>,
    ) -> Result<Self, RoundError> {
        let (config, min_coverage) = match options.side {
            Some(side) => side_config(header, catalogues, &format!("{side}.header.round"))?,
            None => header_config(header, catalogues)?,
        };
        let span = tracing::Span::current();
        span.record("round_id", tracing::field::display(LogSafe(&config.round_id)));
        tracing::info!(round_id = %LogSafe(&config.round_id), "round started");
        Ok(Self {
            round: RoundAggregator::new(config, catalogues.clone(), min_coverage),
            reservation: budget.map(MemoryBudget::reservation),
            limits,
            options,
            municipalities: std::collections::HashMap::new(),
            codes_only: header.codes_only,
        })
    }

    /// Folds one message after the header.
    fn push(&mut self, item: RoundItem) -> Result<(), RoundError> {
        let (round, options) = (&mut self.round, self.options);
        if let RoundItem::Record(Record { record_id, outcome: Err(Rejected::Undecodable(problem)) }) = &item {
            let field = if problem.field.is_empty() { "record".to_owned() } else { problem.field.clone() };
            round.add_rejected(
                record_id,
                format!("{field}: {}", problem.description),
                vec![(field, problem.description.clone())],
            );
            return Ok(());
        }
        if let Some(r) = self.reservation.as_mut()
            && round.received().is_multiple_of(RESERVE_EVERY)
        {
            reserve(r, round)?;
        }
        if round.received() >= self.limits.max_records {
            return Err(RoundError::TooManyRecords { max: self.limits.max_records });
        }
        match item {
            RoundItem::Record(record) if record.record_id.len() > MAX_RECORD_ID_BYTES => {
                let description = format!("is longer than {MAX_RECORD_ID_BYTES} bytes");
                round.add_rejected(
                    &validate::clip(&record.record_id, 64),
                    format!("record_id: {description}"),
                    vec![("record_id".into(), description)],
                );
            }
            RoundItem::Record(Record { record_id, outcome }) => match outcome {
                Ok(v) if options.side.is_some() && round.has_scored(v.respondent.organisation_number) => {
                    let side = options.side.unwrap_or_default();
                    return Err(RoundError::Protocol(vec![(
                        format!("{side}.records[{}].response.respondent.organisation_number", round.received()),
                        format!(
                            "organisation number {} appears twice in the {side} round (again in record {:?}); \
                             nothing was compared",
                            v.respondent.organisation_number,
                            validate::clip(&record_id, 64)
                        ),
                    )]));
                }
                Ok(v)
                    if options.unique_municipalities
                        && v.respondent.kind == indikator_core::domain::RespondentKind::Municipality
                        && let Some(number) = v.respondent.municipality
                        && let Some(first) = self.municipalities.get(&number.value()) =>
                {
                    let side = options.side.unwrap_or_default();
                    return Err(RoundError::Protocol(vec![(
                        format!("{side}.records[{}].response.respondent.municipality_number", round.received()),
                        format!(
                            "municipality number {number} is given by two respondents of the {side} round \
                             (records {first:?} and {:?}): matching by municipality number needs one \
                             respondent per municipality",
                            validate::clip(&record_id, 64)
                        ),
                    )]));
                }
                Ok(v) => {
                    if options.unique_municipalities
                        && v.respondent.kind == indikator_core::domain::RespondentKind::Municipality
                        && let Some(number) = v.respondent.municipality
                    {
                        self.municipalities.insert(number.value(), validate::clip(&record_id, 64));
                    }
                    round.add(
                        &record_id,
                        &options.correspondence.and_then(|c| c.apply(&v.respondent)).unwrap_or(v.respondent),
                        RecordAnswers {
                            ssb_2018: v.ssb_2018.as_ref(),
                            ks_2018: v.ks_2018.as_deref(),
                            ks_2018_chosen: v.ks_2018_chosen.as_ref(),
                            riksrevisjonen_2015: v.riksrevisjonen_2015.as_deref(),
                            riksrevisjonen_2015_chosen: v.riksrevisjonen_2015_chosen.as_deref(),
                        },
                    )
                }
                Err(Rejected::Invalid(violations)) => {
                    let message = violations.message();
                    let pairs = violations
                        .into_vec()
                        .into_iter()
                        .take(MAX_VIOLATIONS_PER_REJECTION)
                        .map(|f| (f.field, f.description))
                        .collect();
                    round.add_rejected(&record_id, message, pairs);
                }
                Err(Rejected::Undecodable(_)) => unreachable!("folded above"),
            },
            RoundItem::Header(_) => {
                return Err(protocol_error("header", "a round has one header, sent first; a second one arrived"));
            }
            RoundItem::Empty => round.add_rejected(
                "",
                "item: a round message must be a header or a record".into(),
                vec![("item".into(), "is required".into())],
            ),
        }
        Ok(())
    }

    /// The round's report, with its reservation grown to its final state.
    fn finish(mut self) -> Result<(RoundReport, Option<Reservation>), RoundError> {
        tracing::Span::current().record("records", self.round.received());
        if let Some(r) = self.reservation.as_mut() {
            reserve(r, &self.round)?;
        }
        let mut report = self.round.finish();
        report.codes_only = self.codes_only;
        Ok((report, self.reservation))
    }
}

/// Score cards, then the summary, built one at a time as the client reads.
pub struct RoundOutput {
    report: RoundReport,
    next_card: Cursor,
    next_rejection: usize,
    summary_sent: bool,
    /// Bytes the rejections listed in the summary may take.
    rejections_budget: usize,
}

impl RoundOutput {
    pub fn new(report: RoundReport) -> Self {
        Self::with_budget(report, SUMMARY_REJECTIONS_BUDGET)
    }

    /// With the rejections listed in the summary kept under `bytes` (a quarter
    /// of the server's message limit, say): the summary must fit one message.
    pub fn with_budget(report: RoundReport, bytes: usize) -> Self {
        Self { report, next_card: Cursor::default(), next_rejection: 0, summary_sent: false, rejections_budget: bytes }
    }
}

fn rejection(r: &Rejection) -> pb::Rejection {
    pb::Rejection {
        record_id: r.record_id.clone(),
        sequence: r.sequence,
        reason: r.reason().to_owned(),
        field_violations: r
            .field_violations()
            .iter()
            .map(|(field, description)| pb::FieldViolation { field: field.clone(), description: description.clone() })
            .collect(),
    }
}

/// Whether `report`'s score cards carry their labels (its header's `codes_only`).
fn labels(report: &RoundReport) -> convert::Labels {
    convert::Labels::codes_only(report.codes_only)
}

fn area_score_cards(catalogue: &Catalogue, cards: &[AreaCard]) -> Vec<pb::AreaScoreCard> {
    catalogue
        .areas
        .iter()
        .zip(cards)
        .map(|(area, c)| pb::AreaScoreCard {
            area_id: area.id.clone(),
            score: c.score.mean,
            county_mean: c.county_mean,
            region_mean: c.region_mean,
            national_mean: c.national_mean,
            national_rank: c.national_rank,
            ranked: c.ranked,
        })
        .collect()
}

/// A round's score card scored under the round's calibration (without
/// labels when its header asked for codes only), handed to `f` as the core
/// gave it.
fn with_card_scores<T>(report: &RoundReport, card: &Card<'_>, f: impl FnOnce(&Scored<'_>) -> T) -> T {
    let catalogues = &report.catalogues;
    let ks_scores: Option<Vec<AreaScore>> = card.ks_2018.as_ref().map(|areas| areas.iter().map(|a| a.score).collect());
    let services = card
        .riksrevisjonen_2015
        .as_ref()
        .map(|levels| indikator_core::scoring::maturity::score_services(&catalogues.riksrevisjonen_2015, levels));
    f(&Scored {
        respondent: &card.respondent,
        ssb_2018: card.results.as_ref(),
        ks_2018: ks_scores.as_deref(),
        riksrevisjonen_2015: services.as_ref(),
        catalogues,
        labels: labels(report),
    })
}

/// A round's score card as `IndicatorResults`.
pub(crate) fn card_results(report: &RoundReport, card: &Card<'_>) -> pb::IndicatorResults {
    with_card_scores(report, card, convert::indicator_results)
}

/// One graded record of a round as its score card message.
pub fn score_card(report: &RoundReport, card: Card<'_>) -> pb::ScoreCard {
    let results = card_results(report, &card);
    let ks_2018 =
        card.ks_2018.as_ref().map(|areas| area_score_cards(&report.catalogues.ks_2018, areas)).unwrap_or_default();
    pb::ScoreCard { record_id: card.record_id.to_owned(), results: Some(results), sequence: card.sequence, ks_2018 }
}

/// Score cards `start` onwards, `len` of them at most, as messages.
pub fn score_cards(report: &RoundReport, start: Cursor, len: usize) -> impl Iterator<Item = pb::ScoreCard> + '_ {
    let mut cursor = start;
    (0..len).map_while(move |_| report.next_card(&mut cursor).map(|card| score_card(report, card)))
}

impl RoundOutput {
    /// The round's report.
    pub fn report(&self) -> &RoundReport {
        &self.report
    }

    /// Takes the score cards not yet sent as chunks of `every` cards (the
    /// position of each chunk's first card and its length), for building them
    /// on several threads ([`score_cards`]); the iterator then goes on with the
    /// rejections and the summary.
    pub fn take_card_chunks(&mut self, every: usize) -> Vec<(Cursor, usize)> {
        let every = every.max(1);
        let mut chunks = Vec::new();
        loop {
            let start = self.next_card;
            let mut len = 0;
            while len < every && self.report.skip_card(&mut self.next_card) {
                len += 1;
            }
            if len == 0 {
                return chunks;
            }
            chunks.push((start, len));
        }
    }

    /// The next answer (as [`Iterator::next`] gives it) as its bytes, split
    /// off `buf`: score cards are written straight from the round's results.
    pub fn next_bytes(&mut self, buf: &mut BytesMut) -> Option<Bytes> {
        if let Some(card) = self.report.next_card(&mut self.next_card) {
            let report = &self.report;
            return Some(with_card_scores(report, &card, |scored| {
                encode::score_card(buf, card.record_id, card.sequence, scored, card.ks_2018.as_deref())
            }));
        }
        self.next().map(|answer| encode::message(buf, &answer))
    }
}

impl Iterator for RoundOutput {
    type Item = pb::ScoreRoundResponse;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(card) = self.report.next_card(&mut self.next_card) {
            return Some(pb::ScoreRoundResponse {
                item: Some(pb::score_round_response::Item::ScoreCard(score_card(&self.report, card))),
            });
        }
        if let Some(r) = self.report.rejections.get(self.next_rejection) {
            self.next_rejection += 1;
            return Some(pb::ScoreRoundResponse {
                item: Some(pb::score_round_response::Item::Rejection(rejection(r))),
            });
        }
        if self.summary_sent {
            return None;
        }
        self.summary_sent = true;
        let summary = summary(&self.report, self.rejections_budget);
        Some(pb::ScoreRoundResponse { item: Some(pb::score_round_response::Item::Summary(summary)) })
    }
}

/// The calibration base, in words (docs/method.md §1.5).
pub const CALIBRATION_BASE: &str = "the round's municipalities: cuts are derived from \
     them and medians reported over them; county municipalities and state agencies are scored with those cuts";

fn calibration_enum(mode: CalibrationMode) -> pb::Calibration {
    match mode {
        CalibrationMode::Published => pb::Calibration::Published,
        CalibrationMode::Relative => pb::Calibration::Relative,
    }
}

/// The round summary: accounting, calibration and every group's tables; the
/// first rejections are listed while they fit `rejections_budget` bytes.
pub fn summary(report: &RoundReport, rejections_budget: usize) -> pb::RoundSummary {
    let mut spent = 0;
    let listed: Vec<pb::Rejection> = report
        .rejections
        .iter()
        .take(REJECTIONS_IN_SUMMARY)
        .map(rejection)
        .take_while(|r| {
            spent += r.encoded_len() + 4;
            spent <= rejections_budget
        })
        .collect();
    let calibration = calibration_report(&report.calibration);
    pb::RoundSummary {
        round_id: report.config.round_id.clone(),
        survey_year: u32::from(report.config.survey_year),
        accounting: Some(pb::RoundAccounting {
            received: report.received,
            scored: report.scored,
            rejected: report.rejections.len() as u64,
            rejections: listed,
            parts: report
                .tables
                .get(GroupKey::Overall)
                .map(|g| round_report::parts(g, &report.items))
                .unwrap_or_default(),
        }),
        calibration: Some(calibration),
        groups: report.tables.groups().map(|(key, g)| group_tables(key, g, report)).collect(),
        min_coverage: report.min_coverage,
        published_figures: round_report::figures(&figures::checks(&report.tables, &report.items, &report.catalogues)),
        item_layout: round_report::item_layout(&report.items),
    }
}

/// The calibration a round used, beside the published and the derived cuts.
pub fn calibration_report(c: &CalibrationUsed) -> pb::CalibrationReport {
    pb::CalibrationReport {
        used: calibration_enum(c.mode) as i32,
        indicators: Count::ALL
            .iter()
            .map(|&count| {
                let i = count as usize;
                let indicator = count.indicator();
                pb::IndicatorCalibration {
                    indicator: format!("{}/{}", m::ID, indicator.id),
                    median: c.medians[i].unwrap_or(0.0),
                    published_median: indicator.published_median.unwrap_or(0.0),
                    published_cut_points: indicator.published.cut_points().to_vec(),
                    derived_cut_points: c.derived[i].map(|d| d.cut_points().to_vec()).unwrap_or_default(),
                    used_cut_points: c.used.get(count).cut_points().to_vec(),
                    nonzero: c.nonzero[i],
                    median_base: c.median_base[i],
                    not_derived_reason: c.derived[i].err().map(|why| why.to_string()).unwrap_or_default(),
                }
            })
            .collect(),
        base: CALIBRATION_BASE.into(),
    }
}

fn pair_shares(ids: impl Iterator<Item = String>, counts: &[(u64, u64)]) -> Vec<pb::PairShares> {
    ids.zip(counts)
        .map(|(id, &(pairs, at_least_1))| pb::PairShares {
            id,
            pairs,
            pairs_at_least_1: at_least_1,
            share_at_least_1: share(at_least_1, pairs),
        })
        .collect()
}

fn service_tables(s: &ServiceTables, catalogue: &Catalogue) -> Option<pb::ServiceCoverageTables> {
    (s.municipalities > 0).then(|| {
        let (levels, levels_by_area, levels_by_size_class) = round_report::service_levels(s, catalogue);
        pb::ServiceCoverageTables {
            municipalities: s.municipalities,
            with_none: s.with_none,
            share_with_none: share(s.with_none, s.municipalities),
            municipalities_under_5000: s.municipalities_under_5000,
            with_none_under_5000: s.with_none_under_5000,
            pairs: s.pairs,
            pairs_at_least_1: s.pairs_at_least_1,
            share_pairs_at_least_1: share(s.pairs_at_least_1, s.pairs),
            by_area: pair_shares(catalogue.areas.iter().map(|a| a.id.clone()), &s.by_area),
            by_service: pair_shares(catalogue.services.iter().map(|x| x.id.clone()), &s.by_service),
            share_with_none_under_5000: share(s.with_none_under_5000, s.municipalities_under_5000),
            levels: Some(levels),
            levels_by_area,
            levels_by_size_class,
            pairs_at_least_2: s.pairs_at_least_2,
            pairs_at_3: s.pairs_at_3,
        }
    })
}

/// A group's dimension, key and human-readable label.
pub fn group_label(key: GroupKey) -> (pb::GroupDimension, String, String) {
    match key {
        GroupKey::Overall => (pb::GroupDimension::Overall, "all".to_owned(), "Alle".to_owned()),
        GroupKey::Kind(kind) => {
            let label = match kind {
                RespondentKind::Municipality => "Kommuner",
                RespondentKind::CountyMunicipality => "Fylkeskommuner",
                RespondentKind::StateAgency => "Statlige virksomheter",
            };
            (pb::GroupDimension::RespondentKind, convert::respondent_kind(kind).as_str_name().into(), label.into())
        }
        GroupKey::SizeClass(class) => (
            pb::GroupDimension::SizeClass,
            convert::size_class(class).as_str_name().into(),
            format!("{} innbyggere", SizeClass::label(class)),
        ),
        GroupKey::County(county) => (pb::GroupDimension::County, county.to_string(), county.county().name.clone()),
        GroupKey::Region(region) => {
            let name = indikator_core::domain::regions()[usize::from(region)];
            (pb::GroupDimension::Region, name.to_owned(), name.to_owned())
        }
    }
}

fn group_tables(key: GroupKey, g: &GroupTables, report: &RoundReport) -> pb::GroupTables {
    let catalogues = &report.catalogues;
    let (dimension, key, label) = group_label(key);
    let composites = [&m::DIGITAL_PRIORITY, &m::DIGITAL_USE, &m::DIGITAL_ACTIVITY];
    let hindrance_rows = || m::HINDRANCE_GROUPS.iter().map(|i| i.key.to_uppercase()).collect::<Vec<_>>();
    pb::GroupTables {
        dimension: dimension as i32,
        key,
        label,
        n: g.n,
        scores: Count::ALL
            .iter()
            .map(|&count| {
                let indicator = count.indicator();
                pb::ScoreDistribution {
                    indicator: format!("{}/{}", m::ID, indicator.id),
                    n: g.scored(count),
                    per_score: g.per_score[count as usize].to_vec(),
                    per_count: g.per_count[count as usize][..=indicator.max_count as usize].to_vec(),
                    median: g.median(count).unwrap_or(0.0),
                    median_base: g.median_base(count),
                }
            })
            .collect(),
        composites: composites
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let n = g.per_grade[i].iter().sum();
                pb::GradeDistribution {
                    indicator: format!("{}/{}", m::ID, c.id),
                    n,
                    per_grade: g.per_grade[i].to_vec(),
                    fragile: g.fragile[i],
                    share_fragile: share(g.fragile[i], n),
                    differ_between_calibrations: g.differ_between_calibrations[i],
                }
            })
            .collect(),
        competence: Some(pb::CompetenceTables {
            recruitment: g.recruitment.to_vec(),
            hindrance: g.hindrance.to_vec(),
            hindrance_by_recruitment: Some(pb::CrossTable {
                rows: hindrance_rows(),
                columns: m::RECRUITMENT_STATUS.iter().map(|i| i.key.to_uppercase()).collect(),
                cells: g.hindrance_by_recruitment.iter().flatten().copied().collect(),
                n: g.hindrance_by_recruitment.iter().flatten().sum(),
            }),
            hindrance_by_sourcing: Some(pb::CrossTable {
                rows: hindrance_rows(),
                columns: m::SOURCING_GROUPS.iter().map(|i| i.key.to_uppercase()).collect(),
                cells: g.hindrance_by_sourcing.iter().flatten().copied().collect(),
                n: g.hindrance_by_sourcing.iter().flatten().sum(),
            }),
            share_large_hindrance: g.share_large_hindrance(),
            share_small_hindrance: g.share_small_hindrance(),
            share_tried_to_recruit: g.share_tried_to_recruit(),
            share_not_tried_among_large_hindrance: g.share_not_tried_among_large_hindrance(),
            competence_profile: Some(round_report::competence_profile(g)),
        }),
        service_modes_unknown: g.service_modes_unknown,
        ks_2018: if g.ks.is_empty() {
            Vec::new()
        } else {
            catalogues
                .ks_2018
                .areas
                .iter()
                .enumerate()
                .map(|(i, area)| pb::AreaMean {
                    area_id: area.id.clone(),
                    n: g.ks[i].1,
                    mean: g.ks_mean(i),
                    published_national_mean: area.published_national_mean.unwrap_or(0.0),
                })
                .collect()
        },
        riksrevisjonen_2015: service_tables(&g.services, &catalogues.riksrevisjonen_2015),
        items: round_report::items(g, &report.items),
        parts: round_report::parts(g, &report.items),
        strategy_by_projects: Some(round_report::strategy_by_projects(g)),
        by_size_class: round_report::by_size_class(g),
    }
}
