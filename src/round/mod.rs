//! Whole survey rounds: folds validated records into compact per-respondent
//! state, then grades them under the round's calibration and tabulates every
//! distribution overall, by respondent kind, by size class and by county.
//!
//! Pure like [`crate::scoring`]: no I/O, no async, no protobuf. The raw
//! responses are never kept: a [`RoundAggregator`] holds, per scored
//! respondent, one [`RecordState`] (52 bytes) plus its record id and name in a
//! shared text arena (their lengths in bytes), plus about 10 bytes in the
//! duplicate index ([`compact`]) — about 62 bytes + id + name per respondent. A
//! respondent that answered `ks-2018` adds 3 bytes per area (24 for the shipped
//! 8 areas: a [`KsScore`] and the items answered); one that answered
//! `riksrevisjonen-2015` adds 1 byte per service (19). National ranks take a
//! fixed 200 kB per KS area, whatever the round's size.

pub mod compact;
pub mod tables;

use std::collections::HashMap;
use std::ops::Range;

use compact::SeenIndex;
pub use compact::{KsScore, Ranking};
pub use tables::{GroupKey, GroupTables, RoundTables};

use crate::catalogue::Catalogues;
use crate::domain::{CountyNumber, MunicipalityNumber, OrganisationNumber, Respondent, RespondentKind, SizeClass};
use crate::scoring::bands::{Calibration, median_of_nonzero};
use crate::scoring::maturity::{self, AreaScore};
use crate::scoring::ssb2018::{self, Answers, Calibrations, Count, Measures, Results};

/// Histogram length of a count indicator: counts 0..=15 (the largest max count).
pub const HISTOGRAM_LEN: usize = 16;

/// How the round's count indicators are banded (METHOD.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrationMode {
    Published,
    Relative,
}

/// What the round header fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundConfig {
    pub round_id: String,
    pub survey_year: u16,
    pub calibration: CalibrationMode,
}

/// One scored respondent, reduced to what grading and tabulating need.
#[derive(Debug, Clone, Copy)]
pub struct RecordState {
    /// Counts and categories: everything the grades depend on.
    pub measures: Measures,
    /// To echo the identity in the score card.
    pub organisation_number: OrganisationNumber,
    pub municipality: Option<MunicipalityNumber>,
    /// Grouping by county.
    pub county: Option<CountyNumber>,
    /// Grouping by respondent kind.
    pub kind: RespondentKind,
    /// Inhabitants (0 = not given), for the size class.
    pub inhabitants: u32,
    /// Whether the response had an `ssb_2018` block at all.
    pub has_ssb_2018: bool,
    /// Where the record id and then the name start in the text arena.
    text_start: u32,
    /// Length in bytes of the record id; the name follows it.
    id_len: u16,
    name_len: u16,
    /// Position among the round's records (scored and rejected).
    pub sequence: u32,
    /// Where this respondent's KS area scores start in the KS arrays
    /// (`u32::MAX`: no `ks_2018` block).
    ks_slot: u32,
    /// Where its service levels start (`u32::MAX`: no `riksrevisjonen_2015` block).
    services_slot: u32,
}

const ABSENT: u32 = u32::MAX;

/// A validated record's answers, per methodology (`None` = block absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordAnswers<'a> {
    pub ssb_2018: Option<&'a Answers>,
    /// Value per `ks-2018` item.
    pub ks_2018: Option<&'a [Option<f64>]>,
    /// Level per `riksrevisjonen-2015` service.
    pub riksrevisjonen_2015: Option<&'a [Option<u8>]>,
}

impl RecordState {
    pub fn size_class(&self) -> Option<SizeClass> {
        (self.inhabitants > 0).then(|| SizeClass::of(self.inhabitants))
    }
}

/// A record that was not scored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub record_id: String,
    pub sequence: u64,
    pub reason: String,
    /// (field path, description).
    pub field_violations: Vec<(String, String)>,
}

/// Accumulates a round.
#[derive(Debug)]
pub struct RoundAggregator {
    config: RoundConfig,
    /// One per scored record, in arrival order.
    records: Vec<RecordState>,
    /// Record ids and names of scored records, back to back.
    text: String,
    /// Organisation number → index in `records`, to refuse a second response.
    seen: SeenIndex,
    rejections: Vec<Rejection>,
    /// Records received (scored + rejected).
    received: u64,
    /// Overall count histograms (calibration-free), for relative calibration.
    histograms: [[u64; HISTOGRAM_LEN]; 6],
    /// The catalogues the round's KS and service answers were validated against.
    catalogues: Catalogues,
    /// KS: the share of an area's items that must be answered.
    min_coverage: f64,
    /// KS area score per respondent with a block and area, flat.
    ks_scores: Vec<KsScore>,
    /// KS items answered per respondent and area, flat (same layout).
    ks_answered: Vec<u8>,
    /// Service level per respondent with a block and service (255 = not reported), flat.
    service_levels: Vec<u8>,
}

/// The calibration a round was graded with, and what it was chosen from.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationUsed {
    pub mode: CalibrationMode,
    pub used: Calibrations,
    /// Per [`Count`]: derived from this round, when derivable.
    pub derived: [Option<Calibration>; 6],
    /// Per [`Count`]: median of the round's non-zero counts.
    pub medians: [Option<f64>; 6],
    /// Per [`Count`]: respondents with a non-zero count.
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
    records: Vec<RecordState>,
    text: String,
    ks_scores: Vec<KsScore>,
    ks_answered: Vec<u8>,
    service_levels: Vec<u8>,
    /// Per KS area: national ranks.
    ks_ranking: Vec<Ranking>,
    /// Per region («landsdel»): KS (sum, n) per area.
    ks_regions: HashMap<String, Vec<(f64, u64)>>,
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
    /// A round with the shipped catalogues and their minimum coverage.
    pub fn new(config: RoundConfig) -> Self {
        let catalogues = Catalogues::shipped().clone();
        let min_coverage = catalogues.ks_2018.min_coverage;
        Self::with_catalogues(config, catalogues, min_coverage)
    }

    pub fn with_catalogues(config: RoundConfig, catalogues: Catalogues, min_coverage: f64) -> Self {
        Self {
            config,
            records: Vec::new(),
            text: String::new(),
            seen: SeenIndex::default(),
            rejections: Vec::new(),
            received: 0,
            histograms: [[0; HISTOGRAM_LEN]; 6],
            catalogues,
            min_coverage,
            ks_scores: Vec::new(),
            ks_answered: Vec::new(),
            service_levels: Vec::new(),
        }
    }

    pub fn config(&self) -> &RoundConfig {
        &self.config
    }

    /// Records received so far (scored + rejected).
    pub fn received(&self) -> u64 {
        self.received
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
            self.rejections.push(Rejection {
                record_id: record_id.to_owned(),
                sequence,
                reason: format!("response.respondent.survey_year: {description}"),
                field_violations: vec![("response.respondent.survey_year".into(), description)],
            });
            return;
        }
        let records = &self.records;
        let number_at = |p: u32| records[p as usize].organisation_number;
        if let Some(first) = self.seen.get(respondent.organisation_number, number_at) {
            let first = &self.records[first as usize];
            let description = format!(
                "organisation number {} was already scored in this round (record {:?}, sequence {})",
                respondent.organisation_number,
                self.record_id(first),
                first.sequence
            );
            self.rejections.push(Rejection {
                record_id: record_id.to_owned(),
                sequence,
                reason: format!("duplicate respondent: {description}"),
                field_violations: vec![("response.respondent.organisation_number".into(), description)],
            });
            return;
        }

        let id = truncate(record_id, u16::MAX as usize);
        let name = truncate(&respondent.name, u16::MAX as usize);
        if self.text.len() + id.len() + name.len() > u32::MAX as usize {
            self.rejections.push(Rejection {
                record_id: truncate(record_id, 64).to_owned(),
                sequence,
                reason: "the round's record ids and names exceed 4 GiB; split the round".into(),
                field_violations: Vec::new(),
            });
            return;
        }
        let measures = answers.map(ssb2018::measure).unwrap_or_default();
        let ks_slot = match all.ks_2018 {
            Some(values) => {
                let slot = self.ks_scores.len() as u32;
                for s in maturity::score_areas(&self.catalogues.ks_2018, values, self.min_coverage) {
                    self.ks_scores.push(KsScore::new(s.mean));
                    self.ks_answered.push(s.answered.min(255) as u8);
                }
                slot
            }
            None => ABSENT,
        };
        let services_slot = match all.riksrevisjonen_2015 {
            Some(levels) => {
                let slot = self.service_levels.len() as u32;
                self.service_levels.extend(levels.iter().map(|l| l.unwrap_or(u8::MAX)));
                slot
            }
            None => ABSENT,
        };
        for count in Count::ALL {
            if let Some(n) = measures.counts[count as usize] {
                self.histograms[count as usize][usize::from(n)] += 1;
            }
        }
        let text_start = self.text.len() as u32;
        self.text.push_str(id);
        self.text.push_str(name);
        let records = &self.records;
        self.seen
            .insert(respondent.organisation_number, records.len() as u32, |p| records[p as usize].organisation_number);
        self.records.push(RecordState {
            measures,
            organisation_number: respondent.organisation_number,
            municipality: respondent.municipality,
            county: respondent.county,
            kind: respondent.kind,
            inhabitants: respondent.inhabitants.unwrap_or(0),
            has_ssb_2018: answers.is_some(),
            text_start,
            id_len: id.len() as u16,
            name_len: name.len() as u16,
            sequence: sequence as u32,
            ks_slot,
            services_slot,
        });
    }

    /// Folds a record that failed validation.
    pub fn add_rejected(&mut self, record_id: &str, reason: String, field_violations: Vec<(String, String)>) {
        let sequence = self.next_sequence();
        self.rejections.push(Rejection { record_id: record_id.to_owned(), sequence, reason, field_violations });
    }

    fn next_sequence(&mut self) -> u64 {
        self.received += 1;
        self.received - 1
    }

    fn record_id<'a>(&'a self, r: &RecordState) -> &'a str {
        text_of(&self.text, r).0
    }

    /// Chooses the calibration, grades every record and tabulates the round.
    pub fn finish(self) -> RoundReport {
        let derived = self.histograms.map(|h| Calibration::derive(&h));
        let medians = self.histograms.map(|h| median_of_nonzero(&h));
        let nonzero = self.histograms.map(|h| h[1..].iter().sum());
        let used = match self.config.calibration {
            CalibrationMode::Published => Calibrations::published(),
            CalibrationMode::Relative => {
                let published = Calibrations::published();
                Calibrations(std::array::from_fn(|i| derived[i].unwrap_or(published.0[i])))
            }
        };
        let calibration = CalibrationUsed { mode: self.config.calibration, used, derived, medians, nonzero };
        let shape = tables::Shape::of(&self.catalogues);
        let areas = shape.ks_areas;
        let mut tables = RoundTables::default();
        let mut ks_ranking = vec![Ranking::new(); areas];
        let mut ks_regions: HashMap<String, Vec<(f64, u64)>> = HashMap::new();
        for record in &self.records {
            let results = record.has_ssb_2018.then(|| ssb2018::grade(&record.measures, &used));
            let ks = slice(&self.ks_scores, record.ks_slot, areas);
            let levels = slice(&self.service_levels, record.services_slot, shape.services());
            tables.add(tables::Graded { record, results: results.as_ref(), ks, levels }, &shape);
            if let Some(scores) = ks {
                let region = record.county.map(|c| c.county().region.clone()).unwrap_or_default();
                let sums = ks_regions.entry(region).or_insert_with(|| vec![(0.0, 0); areas]);
                for (area, &score) in scores.iter().enumerate() {
                    ks_ranking[area].add(score);
                    if let Some(mean) = score.mean() {
                        sums[area].0 += mean;
                        sums[area].1 += 1;
                    }
                }
            }
        }
        for ranking in &mut ks_ranking {
            ranking.finish();
        }
        RoundReport {
            config: self.config,
            received: self.received,
            scored: self.records.len() as u64,
            rejections: self.rejections,
            calibration,
            tables,
            min_coverage: self.min_coverage,
            catalogues: self.catalogues,
            records: self.records,
            text: self.text,
            ks_scores: self.ks_scores,
            ks_answered: self.ks_answered,
            service_levels: self.service_levels,
            ks_ranking,
            ks_regions,
        }
    }
}

impl RoundReport {
    /// Score cards in arrival order, graded under the round's calibration.
    /// Lazy: each card is built as it is taken.
    pub fn cards(&self) -> impl Iterator<Item = Card<'_>> + '_ {
        (0..self.records.len()).filter_map(|i| self.card(i))
    }

    /// The `index`-th score card (of [`RoundReport::scored`]).
    pub fn card(&self, index: usize) -> Option<Card<'_>> {
        self.records.get(index).map(|r| {
            let (record_id, name) = text_of(&self.text, r);
            Card {
                record_id,
                sequence: u64::from(r.sequence),
                respondent: Respondent {
                    organisation_number: r.organisation_number,
                    kind: r.kind,
                    municipality: r.municipality,
                    county: r.county,
                    name: name.to_owned(),
                    inhabitants: (r.inhabitants > 0).then_some(r.inhabitants),
                    survey_year: self.config.survey_year,
                },
                results: r.has_ssb_2018.then(|| ssb2018::grade(&r.measures, &self.calibration.used)),
                ks_2018: self.ks_card(r),
                riksrevisjonen_2015: slice(
                    &self.service_levels,
                    r.services_slot,
                    self.catalogues.riksrevisjonen_2015.services.len(),
                )
                .map(|levels| levels.iter().map(|&l| (l != u8::MAX).then_some(l)).collect()),
            }
        })
    }

    fn ks_card(&self, r: &RecordState) -> Option<Vec<AreaCard>> {
        let catalogue = &self.catalogues.ks_2018;
        let areas = catalogue.areas.len();
        let scores = slice(&self.ks_scores, r.ks_slot, areas)?;
        let answered = slice(&self.ks_answered, r.ks_slot, areas)?;
        let national = self.tables.overall();
        let county = r.county.and_then(|c| self.tables.get(GroupKey::County(c)));
        let region = r.county.and_then(|c| self.ks_regions.get(&c.county().region));
        Some(
            (0..areas)
                .map(|area| {
                    let score = scores[area];
                    let ranking = &self.ks_ranking[area];
                    AreaCard {
                        score: AreaScore {
                            answered: u32::from(answered[area]),
                            total: catalogue.area_size(area) as u32,
                            mean: score.mean(),
                        },
                        county_mean: county.map_or(0.0, |g| g.ks_mean(area)),
                        region_mean: region.map_or(0.0, |sums| mean(sums[area])),
                        national_mean: national.ks_mean(area),
                        national_rank: ranking.rank(score),
                        ranked: ranking.ranked(),
                    }
                })
                .collect(),
        )
    }
}

fn mean((sum, n): (f64, u64)) -> f64 {
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// The `len` values at `slot` of a flat array, or `None` for an absent block.
fn slice<T>(flat: &[T], slot: u32, len: usize) -> Option<&[T]> {
    (slot != ABSENT).then(|| &flat[slot as usize..slot as usize + len])
}

fn text_of<'a>(text: &'a str, r: &RecordState) -> (&'a str, &'a str) {
    let start = r.text_start as usize;
    let id: Range<usize> = start..start + usize::from(r.id_len);
    let name = id.end..id.end + usize::from(r.name_len);
    (&text[id], &text[name])
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
