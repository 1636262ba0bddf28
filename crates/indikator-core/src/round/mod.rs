//! Whole survey rounds: folds validated records into compact per-respondent
//! state, then grades them under the round's calibration and tabulates every
//! distribution overall, by respondent kind, by size class and by county.
//!
//! Pure like [`crate::scoring`]: no I/O, no async, no protobuf. The raw
//! responses are never kept: a [`RoundAggregator`] holds, per scored
//! respondent, one [`RecordState`] (28 bytes) plus its record id and name in a
//! shared text arena, and one bit in the set of organisation numbers seen
//! ([`compact::SeenNumbers`], at most 2.5 MB for Norwegian numbers). A
//! respondent that answered `ks-2018` adds 2½ bytes per area (20 for the
//! shipped 8 areas: the area's sum of values in whole catalogue units, a
//! [`KsScore`], in 16 bits, and the items answered in 4 bits; a catalogue whose
//! sums can reach 65,535 units takes 32 bits per sum). From those two the
//! area's exact mean follows, the same bits Score gives (docs/method.md §2). One
//! that answered `riksrevisjonen-2015` adds half a byte per service (10 bytes
//! for 19). National ranks take one entry per distinct score of a KS area,
//! whatever the round's size. Relative calibration is derived from the
//! round's municipalities (docs/method.md §1.5). Records are read back in arrival
//! order ([`Cursor`]), which is how score cards are sent.
//!
//! Imports `scoring`, `catalogue`, `methodology` and `domain`; errors are its
//! own ([`RoundError`]), turned into statuses by the gRPC layer.

mod compact;
pub mod compare;
pub mod figures;
pub mod items;
pub mod tables;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use compact::{KsScore, Ranking};
use compact::{PackedMeasures, SeenNumbers, answered, levels, sums};
pub use tables::{GroupKey, GroupTables, RoundTables};

use crate::catalogue::{Catalogues, ChosenAnswers};
use crate::domain::{CountyNumber, MunicipalityNumber, OrganisationNumber, Respondent, RespondentKind, SizeClass};
use crate::methodology::bands::{Calibration, NotDerived, median};
use crate::scoring::maturity::{self, AreaScore};
use crate::scoring::ssb2018::{self, Answers, Calibrations, Count, Measures, Results};

/// Bytes a group's entry in the item-tally map may take beside its counters.
const GROUP_NODE_BYTES: usize = 128;

/// Histogram length of a count indicator: counts 0..=15 (the largest max count).
pub const HISTOGRAM_LEN: usize = 16;

/// How the round's count indicators are banded (docs/method.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrationMode {
    Published,
    Relative,
}

/// Why a round failed as a whole: nothing of it is scored.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    /// The header is missing, malformed or repeated: (field, description),
    /// the first of them in the message.
    #[error("{}", .0.first().map(|(f, d)| format!("{f}: {d}")).unwrap_or_default())]
    Protocol(Vec<(String, String)>),
    /// More records than the round's limit.
    #[error("the round has more than {max} records (the server's max round size); nothing was scored")]
    TooManyRecords { max: u64 },
    /// The memory the round needs is not available.
    #[error("{0}")]
    OutOfMemory(String),
    /// The stream of the round's messages failed.
    #[error("{0}")]
    Inbound(Box<dyn std::error::Error + Send + Sync>),
}

/// Limits that protect the server from one oversized round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundLimits {
    /// Records (scored + rejected) a round may carry.
    pub max_records: u64,
}

impl RoundLimits {
    /// The server's default.
    pub const DEFAULT_MAX_RECORDS: u64 = 1_000_000;
}

impl Default for RoundLimits {
    fn default() -> Self {
        Self { max_records: Self::DEFAULT_MAX_RECORDS }
    }
}

/// What the round header fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundConfig {
    pub round_id: String,
    pub survey_year: u16,
    pub calibration: CalibrationMode,
}

/// One scored respondent, reduced to what grading, tabulating and its score
/// card need: 28 bytes. Its record id and name, KS scores and service levels
/// follow in the round's flat arrays in the same order, so records are read
/// in order (see [`Cursor`]); its sequence follows from the rejections'.
#[derive(Debug, Clone, Copy)]
pub struct RecordState {
    /// Counts and categories: everything the grades depend on.
    measures: PackedMeasures,
    /// Grouping by respondent kind.
    pub kind: RespondentKind,
    /// Which answer blocks the response had ([`SSB_2018`], [`KS_2018`], [`SERVICES`]).
    blocks: u8,
    /// To echo the identity in the score card.
    pub organisation_number: OrganisationNumber,
    pub municipality: Option<MunicipalityNumber>,
    /// Grouping by county.
    pub county: Option<CountyNumber>,
    /// Lengths in bytes of the record id and the name in the text arena.
    id_len: u16,
    name_len: u16,
    /// Inhabitants (0 = not given), for the size class.
    pub inhabitants: u32,
}

/// [`RecordState::blocks`] bits.
const SSB_2018: u8 = 1;
const KS_2018: u8 = 2;
const SERVICES: u8 = 4;

/// A validated record's answers, per methodology (`None` = block absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordAnswers<'a> {
    pub ssb_2018: Option<&'a Answers>,
    /// Value per `ks-2018` item.
    pub ks_2018: Option<&'a [Option<f64>]>,
    /// The `ks-2018` answers themselves, for the item tables (`None`: not tallied).
    pub ks_2018_chosen: Option<&'a ChosenAnswers>,
    /// Level per `riksrevisjonen-2015` service.
    pub riksrevisjonen_2015: Option<&'a [Option<u8>]>,
    /// The answers to the `riksrevisjonen-2015` questions, for the item tables.
    pub riksrevisjonen_2015_chosen: Option<&'a ChosenAnswers>,
}

impl RecordState {
    pub fn size_class(&self) -> Option<SizeClass> {
        (self.inhabitants > 0).then(|| SizeClass::of(self.inhabitants))
    }

    pub fn measures(&self) -> Measures {
        self.measures.into()
    }

    fn has(&self, block: u8) -> bool {
        self.blocks & block != 0
    }
}

/// The round's records and what follows them, in arrival order.
#[derive(Debug, Default)]
struct Stored {
    records: Vec<RecordState>,
    /// Record ids and names, back to back.
    text: String,
    /// KS area sums of the records with a `ks_2018` block, packed ([`sums`]),
    /// one run per respondent.
    ks_scores: Vec<u16>,
    /// KS items answered per area, packed ([`answered`]), one run per respondent.
    ks_answered: Vec<u8>,
    /// Service levels of the records with a `riksrevisjonen_2015` block, packed
    /// ([`levels`]).
    service_levels: Vec<u8>,
}

/// A position among a round's records: the next record and where its data starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cursor {
    record: usize,
    text: usize,
    ks: usize,
    answered: usize,
    services: usize,
    /// Rejections with a sequence before the next record's.
    rejections: usize,
}

/// One record as read through a [`Cursor`].
struct Entry<'a> {
    record: &'a RecordState,
    sequence: u64,
    id: &'a str,
    name: &'a str,
    /// Packed KS area sums and answered counts.
    ks: Option<(&'a [u16], &'a [u8])>,
    /// Packed service levels.
    services: Option<&'a [u8]>,
}

impl Stored {
    /// The record at `cursor`, moving it to the next one. `rejections` are the
    /// round's, in sequence order.
    fn next(&self, cursor: &mut Cursor, shape: &tables::Shape, rejections: &[Rejection]) -> Option<Entry<'_>> {
        let record = self.records.get(cursor.record)?;
        let mut sequence = (cursor.record + cursor.rejections) as u64;
        while rejections.get(cursor.rejections).is_some_and(|r| r.sequence == sequence) {
            cursor.rejections += 1;
            sequence += 1;
        }
        let id = &self.text[cursor.text..cursor.text + usize::from(record.id_len)];
        cursor.text += id.len();
        let name = &self.text[cursor.text..cursor.text + usize::from(record.name_len)];
        cursor.text += name.len();
        let ks = record.has(KS_2018).then(|| {
            let scores = cursor.ks..cursor.ks + sums::words_for(shape.ks_areas, shape.ks_sums_wide);
            let counts = cursor.answered..cursor.answered + answered::bytes_for(shape.ks_areas, shape.ks_answered_wide);
            cursor.ks = scores.end;
            cursor.answered = counts.end;
            (&self.ks_scores[scores], &self.ks_answered[counts])
        });
        let services = record.has(SERVICES).then(|| {
            let range = cursor.services..cursor.services + levels::bytes_for(shape.services());
            cursor.services = range.end;
            &self.service_levels[range]
        });
        cursor.record += 1;
        Some(Entry { record, sequence, id, name, ks, services })
    }
}

/// A record that was not scored, and why. Rejections that give the same
/// reason share one [`RejectionDetail`], so a round of many alike bad records
/// keeps one copy of their reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub record_id: String,
    pub sequence: u64,
    detail: Arc<RejectionDetail>,
}

impl Rejection {
    /// One line: the first problem, and how many there were.
    pub fn reason(&self) -> &str {
        &self.detail.reason
    }

    /// (field path, description), at most [`MAX_VIOLATIONS_PER_REJECTION`].
    pub fn field_violations(&self) -> &[(String, String)] {
        &self.detail.field_violations
    }
}

/// Why a record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RejectionDetail {
    reason: String,
    field_violations: Vec<(String, String)>,
}

/// Field violations a round keeps per rejected record (the reason counts them all).
pub const MAX_VIOLATIONS_PER_REJECTION: usize = 10;

/// Longest reason a round keeps per rejected record.
pub const MAX_REASON_BYTES: usize = 400;

/// Bytes of distinct rejection details a round keeps. Past them, further
/// records are still rejected and accounted for, with a reason that says the
/// details were omitted.
pub const MAX_REJECTION_DETAIL_BYTES: usize = 8 * 1024 * 1024;

/// The distinct rejection details of a round, within [`MAX_REJECTION_DETAIL_BYTES`].
#[derive(Debug, Default)]
struct RejectionDetails {
    distinct: std::collections::HashSet<Arc<RejectionDetail>>,
    bytes: usize,
    /// Shared by every rejection past the byte limit.
    omitted: Option<Arc<RejectionDetail>>,
}

impl RejectionDetails {
    fn intern(&mut self, reason: String, mut field_violations: Vec<(String, String)>) -> Arc<RejectionDetail> {
        field_violations.truncate(MAX_VIOLATIONS_PER_REJECTION);
        let detail = RejectionDetail { reason: clip(reason, MAX_REASON_BYTES), field_violations };
        if let Some(known) = self.distinct.get(&detail) {
            return known.clone();
        }
        let bytes = detail.bytes();
        if self.bytes + bytes > MAX_REJECTION_DETAIL_BYTES {
            return self
                .omitted
                .get_or_insert_with(|| {
                    Arc::new(RejectionDetail {
                        reason: format!(
                            "rejected; details omitted: this round's rejections already hold {} MiB of distinct \
                             reasons (fix the earlier ones and send the round again)",
                            MAX_REJECTION_DETAIL_BYTES >> 20
                        ),
                        field_violations: Vec::new(),
                    })
                })
                .clone();
        }
        self.bytes += bytes;
        let detail = Arc::new(detail);
        self.distinct.insert(detail.clone());
        detail
    }
}

impl RejectionDetail {
    /// Heap bytes, with allocator and table overhead.
    fn bytes(&self) -> usize {
        const PER_ALLOCATION: usize = 32;
        let strings: usize = self.field_violations.iter().map(|(f, d)| f.len() + d.len() + 2 * PER_ALLOCATION).sum();
        std::mem::size_of::<Self>() + self.reason.len() + strings + 3 * PER_ALLOCATION
    }
}

/// `s` cut to at most `max` bytes on a char boundary.
fn clip(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// Accumulates a round.
#[derive(Debug)]
pub struct RoundAggregator {
    config: RoundConfig,
    /// Scored records and their data.
    stored: Stored,
    /// Organisation numbers scored, to refuse a second response.
    seen: SeenNumbers,
    rejections: Vec<Rejection>,
    /// The distinct reasons of `rejections`.
    details: RejectionDetails,
    /// Rejections of repeated organisation numbers (index into `rejections`),
    /// whose description names the first record: filled in by `finish`, in one
    /// pass over the records.
    duplicates: Vec<(usize, OrganisationNumber)>,
    /// Records received (scored + rejected).
    received: u64,
    /// The calibration base's count histograms (calibration-free): the round's
    /// municipalities, each in the base of the indicator's median (docs/method.md
    /// §1.5; zeros only where they belong to that base).
    histograms: [[u64; HISTOGRAM_LEN]; 6],
    /// The catalogues the round's KS and service answers were validated against.
    catalogues: Catalogues,
    /// KS: the share of an area's items that must be answered.
    min_coverage: f64,
    /// The catalogues' dimensions, as the stored arrays are laid out.
    shape: tables::Shape,
    /// Every item's distribution, as the groups' counters are laid out.
    layout: Arc<items::Layout>,
    /// Per cell (the records that count in the same groups): item and
    /// survey-part counters, tallied as records arrive and summed into the
    /// groups' at [`Self::finish`].
    items: BTreeMap<tables::Cell, items::ItemTallies>,
    /// The groups of the cells so far, for the footprint.
    item_groups: std::collections::BTreeSet<GroupKey>,
    /// The counters of the record being added.
    hits: items::Hits,
}

/// The calibration a round was graded with, and what it was chosen from.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationUsed {
    pub mode: CalibrationMode,
    pub used: Calibrations,
    /// Per [`Count`]: derived from the round's municipalities (docs/method.md §1.5),
    /// or why not (the guard).
    pub derived: [Result<Calibration, NotDerived>; 6],
    /// Per [`Count`]: median over the municipalities in the indicator's median base.
    pub medians: [Option<f64>; 6],
    /// Per [`Count`]: the municipalities the median is over.
    pub median_base: [u64; 6],
    /// Per [`Count`]: municipalities with a non-zero count (the derivation's base).
    pub nonzero: [u64; 6],
}

/// Everything a round produced, ready to be rendered.
#[derive(Debug)]
pub struct RoundReport {
    pub config: RoundConfig,
    pub received: u64,
    pub scored: u64,
    pub rejections: Vec<Rejection>,
    pub calibration: CalibrationUsed,
    pub tables: RoundTables,
    /// KS minimum coverage used.
    pub min_coverage: f64,
    pub catalogues: Catalogues,
    /// How each group's item tallies are laid out.
    pub items: Arc<items::Layout>,
    /// The round header's `codes_only`: score cards leave out the labels
    /// GetMethodology gives. How cards are written, not what is computed:
    /// nothing of the round depends on it.
    pub codes_only: bool,
    stored: Stored,
    shape: tables::Shape,
    /// Per KS area: national ranks.
    ks_ranking: Vec<Ranking>,
    /// Per region («landsdel»): KS (sum, n) per area.
    ks_regions: HashMap<&'static str, Vec<(f64, u64)>>,
}

/// One scored record, graded, as its score card shows it.
#[derive(Debug, Clone)]
pub struct Card<'a> {
    pub record_id: &'a str,
    pub sequence: u64,
    pub respondent: Respondent,
    /// `None` when the response had no `ssb_2018` block.
    pub results: Option<Results>,
    /// KS score card, one per area; `None` without a `ks_2018` block.
    pub ks_2018: Option<Vec<AreaCard>>,
    /// Level per service; `None` without a `riksrevisjonen_2015` block.
    pub riksrevisjonen_2015: Option<Vec<Option<u8>>>,
}

/// One KS area on a score card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaCard {
    pub score: AreaScore,
    pub county_mean: f64,
    pub region_mean: f64,
    pub national_mean: f64,
    /// 1 = highest in the round (ties share the rank); 0 when unscored.
    pub national_rank: u32,
    /// Respondents with the area scored.
    pub ranked: u32,
}

impl RoundAggregator {
    /// A round scored against `catalogues`, KS areas needing `min_coverage`.
    pub fn new(config: RoundConfig, catalogues: Catalogues, min_coverage: f64) -> Self {
        Self {
            config,
            stored: Stored::default(),
            seen: SeenNumbers::default(),
            rejections: Vec::new(),
            details: RejectionDetails::default(),
            duplicates: Vec::new(),
            received: 0,
            histograms: [[0; HISTOGRAM_LEN]; 6],
            shape: tables::Shape::of(&catalogues),
            layout: Arc::new(items::Layout::of(&catalogues)),
            items: BTreeMap::new(),
            item_groups: std::collections::BTreeSet::new(),
            hits: items::Hits::default(),
            catalogues,
            min_coverage,
        }
    }

    pub fn config(&self) -> &RoundConfig {
        &self.config
    }

    /// Records received so far (scored + rejected).
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Whether a respondent with this organisation number was already scored.
    pub fn has_scored(&self, number: OrganisationNumber) -> bool {
        self.seen.contains(number)
    }

    /// Folds a record that passed validation. It is still rejected when its
    /// survey year is not the round's or its respondent was already scored.
    pub fn add_valid(&mut self, record_id: &str, respondent: &Respondent, answers: Option<&Answers>) {
        self.add(record_id, respondent, RecordAnswers { ssb_2018: answers, ..RecordAnswers::default() });
    }

    /// Folds a record that passed validation, with every methodology's answers.
    pub fn add(&mut self, record_id: &str, respondent: &Respondent, all: RecordAnswers<'_>) {
        let answers = all.ssb_2018;
        let sequence = self.next_sequence();
        if u32::from(respondent.survey_year) != u32::from(self.config.survey_year) {
            let description =
                format!("{} is not the round's survey year {}", respondent.survey_year, self.config.survey_year);
            let detail = self.details.intern(
                format!("response.respondent.survey_year: {description}"),
                vec![("response.respondent.survey_year".into(), description)],
            );
            self.rejections.push(Rejection { record_id: record_id.to_owned(), sequence, detail });
            return;
        }
        if !self.seen.insert(respondent.organisation_number) {
            self.duplicates.push((self.rejections.len(), respondent.organisation_number));
            let detail = self.details.intern(String::new(), Vec::new());
            self.rejections.push(Rejection { record_id: record_id.to_owned(), sequence, detail });
            return;
        }

        let id = truncate(record_id, u16::MAX as usize);
        let name = truncate(&respondent.name, u16::MAX as usize);
        let measures = answers.map(ssb2018::measure).unwrap_or_default();
        let stored = &mut self.stored;
        let mut blocks = if answers.is_some() { SSB_2018 } else { 0 };
        if let Some(values) = all.ks_2018 {
            blocks |= KS_2018;
            let areas = maturity::area_sums(&self.catalogues.ks_2018, values);
            let scores = areas.iter().map(|s| KsScore::new(s, self.min_coverage));
            sums::push(&mut stored.ks_scores, scores, self.shape.ks_sums_wide);
            answered::push(&mut stored.ks_answered, areas.iter().map(|s| s.answered), self.shape.ks_answered_wide);
        }
        if let Some(reported) = all.riksrevisjonen_2015 {
            blocks |= SERVICES;
            levels::push(&mut stored.service_levels, reported);
        }
        if respondent.kind == RespondentKind::Municipality {
            for count in Count::ALL {
                if let Some(n) = measures.in_median_base(count) {
                    self.histograms[count as usize][usize::from(n)] += 1;
                }
            }
        }
        stored.text.push_str(id);
        stored.text.push_str(name);
        let record = RecordState {
            measures: measures.into(),
            kind: respondent.kind,
            blocks,
            organisation_number: respondent.organisation_number,
            municipality: respondent.municipality,
            county: respondent.county,
            id_len: id.len() as u16,
            name_len: name.len() as u16,
            inhabitants: respondent.inhabitants.unwrap_or(0),
        };
        self.layout.hits(&all, &mut self.hits);
        let cell = tables::Cell::of(&record);
        match self.items.get_mut(&cell) {
            Some(tallies) => tallies.add(&self.hits),
            None => {
                let mut tallies = self.layout.tallies();
                tallies.add(&self.hits);
                self.items.insert(cell, tallies);
                self.item_groups.extend(cell.groups());
            }
        }
        self.stored.records.push(record);
    }

    /// Folds a record that failed validation.
    pub fn add_rejected(&mut self, record_id: &str, reason: String, field_violations: Vec<(String, String)>) {
        let sequence = self.next_sequence();
        let detail = self.details.intern(reason, field_violations);
        self.rejections.push(Rejection { record_id: record_id.to_owned(), sequence, detail });
    }

    /// Heap bytes the round holds so far (what it reserves from the server's
    /// memory budget as it grows), allocator overhead included.
    pub fn footprint(&self) -> usize {
        fn heap<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        let stored = &self.stored;
        let ids: usize = self.rejections.iter().map(|r| r.record_id.capacity()).sum::<usize>();
        heap(&stored.records)
            + stored.text.capacity()
            + heap(&stored.ks_scores)
            + heap(&stored.ks_answered)
            + heap(&stored.service_levels)
            + self.seen.bytes()
            + heap(&self.rejections)
            + ids
            + self.details.bytes
            + heap(&self.duplicates)
            // Rankings built at finish: at most one entry per stored area score.
            + stored.ks_scores.len() * compact::Ranking::BYTES_PER_RANKED
            // Item tallies: one set of counters per cell, and per group once
            // summed at finish, plus the maps' nodes.
            + (self.items.len() + self.item_groups.len()) * (self.layout.tallies_bytes() + GROUP_NODE_BYTES)
            + self.hits.bytes()
    }

    fn next_sequence(&mut self) -> u64 {
        self.received += 1;
        self.received - 1
    }

    /// Names the first record in each duplicate's rejection (one pass).
    fn describe_duplicates(&mut self, shape: &tables::Shape) {
        if self.duplicates.is_empty() {
            return;
        }
        let mut first: HashMap<OrganisationNumber, Option<(String, u64)>> =
            self.duplicates.iter().map(|&(_, n)| (n, None)).collect();
        let mut cursor = Cursor::default();
        while let Some(e) = self.stored.next(&mut cursor, shape, &self.rejections) {
            if let Some(slot @ None) = first.get_mut(&e.record.organisation_number) {
                *slot = Some((e.id.to_owned(), e.sequence));
            }
        }
        for &(at, number) in &self.duplicates {
            let (id, sequence) = first[&number].clone().unwrap_or_default();
            let description = format!(
                "organisation number {number} was already scored in this round (record {id:?}, sequence {sequence})"
            );
            self.rejections[at].detail = self.details.intern(
                format!("duplicate respondent: {description}"),
                vec![("response.respondent.organisation_number".into(), description)],
            );
        }
    }

    /// Chooses the calibration, grades every record and tabulates the round.
    pub fn finish(mut self) -> RoundReport {
        let shape = std::mem::take(&mut self.shape);
        self.describe_duplicates(&shape);
        let derived: [Result<Calibration, NotDerived>; 6] =
            std::array::from_fn(|i| Calibration::derive(&self.histograms[i], Count::ALL[i].indicator().max_count));
        let medians = self.histograms.map(|h| median(&h));
        let median_base = self.histograms.map(|h| h.iter().sum());
        let nonzero = self.histograms.map(|h| h[1..].iter().sum());
        let used = match self.config.calibration {
            CalibrationMode::Published => Calibrations::published(),
            CalibrationMode::Relative => {
                let published = Calibrations::published();
                Calibrations(std::array::from_fn(|i| derived[i].unwrap_or(published.0[i])))
            }
        };
        // The other calibration, graded in the same pass to count the grades it
        // would change (docs/method.md §7).
        let other = match self.config.calibration {
            CalibrationMode::Published => Calibrations(std::array::from_fn(|i| derived[i].unwrap_or(used.0[i]))),
            CalibrationMode::Relative => Calibrations::published(),
        };
        let other = (other != used).then_some(other);
        let calibration =
            CalibrationUsed { mode: self.config.calibration, used, derived, medians, median_base, nonzero };
        let areas = shape.ks_areas;
        let mut tables = RoundTables::default();
        let mut ks_ranking = vec![Ranking::new(); areas];
        let mut ks_regions: HashMap<&'static str, Vec<(f64, u64)>> = HashMap::new();
        let mut cursor = Cursor::default();
        let mut unpacked = Vec::with_capacity(shape.services());
        let mut means = Vec::with_capacity(areas);
        while let Some(e) = self.stored.next(&mut cursor, &shape, &self.rejections) {
            let record = e.record;
            let results = record.has(SSB_2018).then(|| ssb2018::grade(&record.measures(), &used));
            let ks = e.ks.map(|(scores, counts)| {
                means.clear();
                means.extend((0..areas).map(|area| shape.ks_mean(scores, counts, area)));
                means.as_slice()
            });
            let levels = e.services.map(|packed| {
                levels::unpack(packed, shape.services(), &mut unpacked);
                unpacked.as_slice()
            });
            let other_grades = other
                .filter(|_| record.has(SSB_2018))
                .map(|other| ssb2018::grade(&record.measures(), &other).composites());
            tables.add(tables::Graded { record, results: results.as_ref(), ks, levels, other_grades }, &shape);
            if let Some(scores) = ks {
                let region = record.county.map_or("", |c| c.county().region.as_str());
                let sums = ks_regions.entry(region).or_insert_with(|| vec![(0.0, 0); areas]);
                for (area, &mean) in scores.iter().enumerate() {
                    ks_ranking[area].add(mean);
                    if let Some(mean) = mean {
                        sums[area].0 += mean;
                        sums[area].1 += 1;
                    }
                }
            }
        }
        for ranking in &mut ks_ranking {
            ranking.finish();
        }
        let mut groups: BTreeMap<GroupKey, items::ItemTallies> = BTreeMap::new();
        for (cell, tallies) in std::mem::take(&mut self.items) {
            for key in cell.groups() {
                match groups.entry(key) {
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(tallies.clone());
                    }
                    std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(&tallies),
                }
            }
        }
        tables.set_items(groups);
        RoundReport {
            config: self.config,
            received: self.received,
            scored: self.stored.records.len() as u64,
            rejections: self.rejections,
            calibration,
            tables,
            min_coverage: self.min_coverage,
            catalogues: self.catalogues,
            items: self.layout,
            codes_only: false,
            stored: self.stored,
            shape,
            ks_ranking,
            ks_regions,
        }
    }
}

impl RoundReport {
    /// Score cards in arrival order, graded under the round's calibration.
    /// Lazy: each card is built as it is taken.
    pub fn cards(&self) -> impl Iterator<Item = Card<'_>> + '_ {
        let mut cursor = Cursor::default();
        std::iter::from_fn(move || self.next_card(&mut cursor))
    }

    /// Moves `cursor` past the next score card without grading it; `false`
    /// when there is none. With it, cards can be built from several positions
    /// at once.
    pub fn skip_card(&self, cursor: &mut Cursor) -> bool {
        self.stored.next(cursor, &self.shape, &self.rejections).is_some()
    }

    /// The score card at `cursor` (start from `Cursor::default()`), moving it on.
    pub fn next_card(&self, cursor: &mut Cursor) -> Option<Card<'_>> {
        let e = self.stored.next(cursor, &self.shape, &self.rejections)?;
        let r = e.record;
        Some(Card {
            record_id: e.id,
            sequence: e.sequence,
            respondent: Respondent {
                organisation_number: r.organisation_number,
                kind: r.kind,
                municipality: r.municipality,
                county: r.county,
                name: e.name.to_owned(),
                inhabitants: (r.inhabitants > 0).then_some(r.inhabitants),
                survey_year: self.config.survey_year,
            },
            results: r.has(SSB_2018).then(|| ssb2018::grade(&r.measures(), &self.calibration.used)),
            ks_2018: e.ks.map(|(scores, answered)| self.ks_card(r, scores, answered)),
            riksrevisjonen_2015: e.services.map(|packed| levels::iter(packed, self.shape.services()).collect()),
        })
    }

    fn ks_card(&self, r: &RecordState, scores: &[u16], counts: &[u8]) -> Vec<AreaCard> {
        let national = self.tables.get(GroupKey::Overall);
        let county = r.county.and_then(|c| self.tables.get(GroupKey::County(c)));
        let region = r.county.and_then(|c| self.ks_regions.get(c.county().region.as_str()));
        (0..self.shape.ks_areas)
            .map(|area| {
                let score = self.shape.ks_mean(scores, counts, area);
                let ranking = &self.ks_ranking[area];
                AreaCard {
                    score: AreaScore {
                        answered: answered::get(counts, area, self.shape.ks_answered_wide),
                        total: self.shape.ks_area_sizes[area] as u32,
                        mean: score,
                    },
                    county_mean: county.map_or(0.0, |g| g.ks_mean(area)),
                    region_mean: region.map_or(0.0, |sums| mean(sums[area])),
                    national_mean: national.map_or(0.0, |g| g.ks_mean(area)),
                    national_rank: ranking.rank(score),
                    ranked: ranking.ranked(),
                }
            })
            .collect()
    }
}

fn mean((sum, n): (f64, u64)) -> f64 {
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests;
