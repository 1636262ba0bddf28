//! The round's tables: one accumulator per group of respondents.

use std::collections::BTreeMap;

use crate::catalogue::Catalogues;
use crate::domain::{CountyNumber, RespondentKind, SizeClass};
use crate::methodology::bands::median;
use crate::methodology::ssb2018::Hindrance;
use crate::scoring::ssb2018::{Count, Flag, RecruitmentStatus, Results};

use super::items::ItemTallies;
use super::{HISTOGRAM_LEN, RecordState};

/// Which group a table covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKey {
    Overall,
    Kind(RespondentKind),
    SizeClass(SizeClass),
    County(CountyNumber),
    /// A region («landsdel»): its position in [`crate::domain::regions`].
    Region(u8),
}

impl GroupKey {
    /// The groups a record counts in: overall, its kind, size class, county and region.
    pub fn of(record: &RecordState) -> impl Iterator<Item = GroupKey> {
        Cell::of(record).groups()
    }
}

/// The records that count in the same groups: the finest partition of a
/// round by its [`GroupKey`]s (kind × size class × county). Counts tallied per
/// cell and summed into each of its groups at the end equal counts tallied
/// per group, with one tally per record instead of one per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cell([Option<GroupKey>; 5]);

impl Cell {
    pub fn of(record: &RecordState) -> Self {
        Self([
            Some(GroupKey::Overall),
            Some(GroupKey::Kind(record.kind)),
            record.size_class().map(GroupKey::SizeClass),
            record.county.map(GroupKey::County),
            record.county.map(|c| GroupKey::Region(c.county().region_index())),
        ])
    }

    /// The groups its records count in.
    pub fn groups(self) -> impl Iterator<Item = GroupKey> {
        self.0.into_iter().flatten()
    }
}

/// Counts for one group. Every cell counts respondents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupTables {
    /// Scored respondents in the group.
    pub n: u64,
    /// Per [`Count`]: respondents per score 0–4.
    pub per_score: [[u64; 5]; 6],
    /// Per [`Count`]: respondents per count.
    pub per_count: [[u64; HISTOGRAM_LEN]; 6],
    /// Per [`Count`]: respondents with count 0 that are in the median's base
    /// (docs/method.md §1.5: e.g. a strategy with no area, not a missing strategy).
    pub median_zeros: [u64; 6],
    /// Per composite (priority, use, activity): respondents per grade 0–4.
    pub per_grade: [[u64; 5]; 3],
    /// Per composite: fragile grades (docs/method.md §7, grade robustness).
    pub fragile: [u64; 3],
    /// Per composite: grades that differ under the round's other calibration
    /// (published ↔ relative).
    pub differ_between_calibrations: [u64; 3],
    /// Per [`RecruitmentStatus`].
    pub recruitment: [u64; 3],
    /// Per hindrance group (low, neither, high, unknown).
    pub hindrance: [u64; 4],
    /// Hindrance group × recruitment status.
    pub hindrance_by_recruitment: [[u64; 3]; 4],
    /// Hindrance group × sourcing group (internal, external).
    pub hindrance_by_sourcing: [[u64; 2]; 4],
    /// The competence profile (Fig. 4.8): sourcing group (internal, external) ×
    /// recruitment status.
    pub competence_profile: [[u64; 3]; 2],
    /// Strategy score × project score (rows 0–4 × columns 0–4).
    pub strategy_by_projects: [[u64; 5]; 5],
    /// Per size class (in [`SizeClass::ALL`] order): the shares SSB gives by size.
    pub by_size: [SizeShares; 7],
    /// Service modes answered «Vet ikke» / «Ikke relevant», summed.
    pub service_modes_unknown: u64,
    /// KS: (sum of the exact scores in arrival order, respondents scored) per area.
    pub ks: Vec<(f64, u64)>,
    /// The Auditor General's service coverage.
    pub services: ServiceTables,
    /// Every item's base and answer counts, and the respondents per survey part.
    pub items: ItemTallies,
}

/// Counts behind the shares SSB gives by size class (Fig. 3.2, 4.3, 4.4 and the
/// cloud footnote of Fig. 5.1): (answered the question, answered yes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SizeShares {
    /// Has ICT projects, among those who answered.
    pub projects: (u64, u64),
    /// Uses cloud services, among those who answered.
    pub cloud: (u64, u64),
    /// Tried to recruit ICT specialists, among those who answered.
    pub tried: (u64, u64),
    /// Had difficulties, among those who tried.
    pub difficulties: (u64, u64),
}

/// Service-coverage counts of a group: its municipalities that answered the
/// block, i.e. reported at least one service (docs/method.md §3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceTables {
    pub municipalities: u64,
    /// Every reported service at level 0.
    pub with_none: u64,
    pub municipalities_under_5000: u64,
    pub with_none_under_5000: u64,
    /// (municipality, service) pairs reported, and those at level ≥ 1.
    pub pairs: u64,
    pub pairs_at_least_1: u64,
    /// Per catalogue area: (pairs, pairs at level ≥ 1).
    pub by_area: Vec<(u64, u64)>,
    /// Per catalogue service: (reported, at level ≥ 1).
    pub by_service: Vec<(u64, u64)>,
    /// Municipalities with at least one service at level ≥ 2 (received data
    /// transferred electronically) and at level 3 (answers electronically).
    pub with_level_2: u64,
    pub with_level_3: u64,
    /// Pairs at level ≥ 2 and at level 3.
    pub pairs_at_least_2: u64,
    pub pairs_at_3: u64,
    /// Per catalogue area: municipalities that reported a service of the area,
    /// and those with a service of it at level ≥ 1, ≥ 2 and = 3.
    pub area_municipalities: Vec<[u64; 4]>,
    /// Per size class: municipalities, with none offered, with a service at
    /// level ≥ 2, with one at level 3.
    pub by_size: [[u64; 4]; 7],
}

/// The catalogue shapes the tables are laid out by.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    pub ks_areas: usize,
    /// Items per KS area.
    pub ks_area_sizes: Vec<usize>,
    /// Whether KS answered counts take a byte each (see [`super::compact::answered`]).
    pub ks_answered_wide: bool,
    /// Whether KS area sums take two words each (see [`super::compact::sums`]).
    pub ks_sums_wide: bool,
    /// The KS catalogue's value unit ([`crate::catalogue::Catalogue::value_denominator`]).
    pub ks_denominator: u64,
    /// Area of each service.
    pub service_area: Vec<usize>,
    pub service_areas: usize,
}

impl Shape {
    pub fn of(catalogues: &Catalogues) -> Self {
        let ks = &catalogues.ks_2018;
        let ks_area_sizes: Vec<usize> = (0..ks.areas.len()).map(|a| ks.area_size(a)).collect();
        let largest = ks_area_sizes.iter().copied().max().unwrap_or(0) as u64;
        Self {
            ks_areas: ks_area_sizes.len(),
            ks_answered_wide: super::compact::answered::wide(&ks_area_sizes),
            ks_sums_wide: super::compact::sums::wide(5 * ks.value_denominator * largest),
            ks_denominator: ks.value_denominator,
            ks_area_sizes,
            service_area: catalogues.riksrevisjonen_2015.services.iter().map(|s| s.area).collect(),
            service_areas: catalogues.riksrevisjonen_2015.areas.len(),
        }
    }

    pub fn services(&self) -> usize {
        self.service_area.len()
    }

    /// The exact KS mean of `area` from one respondent's packed sums and
    /// answered counts: the same bits as Score's ([`crate::scoring::maturity::exact_mean`]).
    pub fn ks_mean(&self, sums: &[u16], answered: &[u8], area: usize) -> Option<f64> {
        let score = super::compact::sums::get(sums, area, self.ks_sums_wide);
        score.mean(super::compact::answered::get(answered, area, self.ks_answered_wide), self.ks_denominator)
    }
}

/// Index of a hindrance group in the tables.
pub fn hindrance_index(h: Hindrance) -> usize {
    match h {
        Hindrance::Low => 0,
        Hindrance::Neither => 1,
        Hindrance::High => 2,
        Hindrance::Unknown => 3,
    }
}

/// One scored respondent as the tables count it.
#[derive(Clone, Copy)]
pub struct Graded<'a> {
    pub record: &'a RecordState,
    /// `ssb-2018` grades; `None` without the block.
    pub results: Option<&'a Results>,
    /// KS area scores (exact means; `None` = unscored); `None` without the block.
    pub ks: Option<&'a [Option<f64>]>,
    /// Service levels (255 = not reported); `None` without the block.
    pub levels: Option<&'a [u8]>,
    /// The composite grades under the round's other calibration; `None` when
    /// both calibrations are the same (or without the block).
    pub other_grades: Option<[Option<u8>; 3]>,
}

impl GroupTables {
    fn add(&mut self, graded: Graded<'_>, shape: &Shape) {
        let Graded { record, results, ks, levels, other_grades } = graded;
        self.n += 1;
        if let Some(scores) = ks {
            self.ks.resize(shape.ks_areas, (0.0, 0));
            for (area, score) in scores.iter().enumerate() {
                if let Some(mean) = *score {
                    self.ks[area].0 += mean;
                    self.ks[area].1 += 1;
                }
            }
        }
        // The Auditor General's figures cover municipalities only (docs/method.md §3, §5);
        // validation refuses the block from other kinds.
        if let Some(levels) = levels
            && record.kind == RespondentKind::Municipality
        {
            self.services.add(levels, record.inhabitants, shape);
        }
        let Some(r) = results else { return };
        let measures = record.measures();
        for count in Count::ALL {
            if let Some(s) = r.simple(count) {
                self.per_score[count as usize][usize::from(s.score)] += 1;
                self.per_count[count as usize][usize::from(s.count)] += 1;
            }
            if measures.in_median_base(count) == Some(0) {
                self.median_zeros[count as usize] += 1;
            }
        }
        for (i, grade) in r.composites().into_iter().enumerate() {
            if let Some(g) = grade {
                self.per_grade[i][usize::from(g)] += 1;
                self.fragile[i] += u64::from(r.robustness.is_fragile(i));
            }
            if let Some(other) = other_grades {
                self.differ_between_calibrations[i] += u64::from(other[i] != grade);
            }
        }
        if let Some(status) = r.recruitment {
            self.recruitment[status as usize] += 1;
        }
        if let Some((group, status)) = r.competence_profile() {
            self.competence_profile[group as usize][status as usize] += 1;
        }
        if let (Some(s), Some(p)) = (r.simple(Count::Strategy), r.simple(Count::Projects)) {
            self.strategy_by_projects[usize::from(s.score)][usize::from(p.score)] += 1;
        }
        if let Some(class) = record.size_class() {
            let row = &mut self.by_size[class as usize];
            let yes = |count: Count, flag: Flag| {
                measures.counts[count as usize].map(|n| n > 0 || measures.flags.contains(flag))
            };
            let tally = |cell: &mut (u64, u64), answer: Option<bool>| {
                if let Some(yes) = answer {
                    cell.0 += 1;
                    cell.1 += u64::from(yes);
                }
            };
            tally(&mut row.projects, yes(Count::Projects, Flag::ProjectsWithoutAreas));
            tally(&mut row.cloud, yes(Count::Cloud, Flag::CloudWithoutAreas));
            tally(&mut row.tried, r.recruitment.map(|s| s != RecruitmentStatus::NotTried));
            let struggled = r.recruitment.filter(|&s| s != RecruitmentStatus::NotTried);
            tally(&mut row.difficulties, struggled.map(|s| s == RecruitmentStatus::Struggled));
        }
        if let Some(h) = r.hindrance.map(hindrance_index) {
            self.hindrance[h] += 1;
            if let Some(status) = r.recruitment {
                self.hindrance_by_recruitment[h][status as usize] += 1;
            }
            if let Some(group) = r.sourcing_group {
                self.hindrance_by_sourcing[h][group as usize] += 1;
            }
        }
        self.service_modes_unknown += u64::from(record.measures().service_modes_unknown);
    }

    /// KS mean of `area` over the group (0 when nobody has it scored).
    pub fn ks_mean(&self, area: usize) -> f64 {
        match self.ks.get(area) {
            Some(&(sum, n)) if n > 0 => sum / n as f64,
            _ => 0.0,
        }
    }

    /// Respondents with a score for `count` (the n of its cells).
    pub fn scored(&self, count: Count) -> u64 {
        self.per_score[count as usize].iter().sum()
    }

    /// The counts of `count` in the median's base (docs/method.md §1.5).
    fn median_histogram(&self, count: Count) -> [u64; HISTOGRAM_LEN] {
        let mut histogram = self.per_count[count as usize];
        histogram[0] = self.median_zeros[count as usize];
        histogram
    }

    /// Median of `count` in this group, over the indicator's median base.
    pub fn median(&self, count: Count) -> Option<f64> {
        median(&self.median_histogram(count))
    }

    /// Respondents of this group in the median's base of `count`.
    pub fn median_base(&self, count: Count) -> u64 {
        self.median_histogram(count).iter().sum()
    }

    /// Share with a large hindrance among those who answered the question.
    pub fn share_large_hindrance(&self) -> f64 {
        share(self.hindrance[2], self.hindrance.iter().sum())
    }

    pub fn share_small_hindrance(&self) -> f64 {
        share(self.hindrance[0], self.hindrance.iter().sum())
    }

    /// Share who tried to recruit among those who answered the question.
    pub fn share_tried_to_recruit(&self) -> f64 {
        let answered: u64 = self.recruitment.iter().sum();
        share(answered - self.recruitment[RecruitmentStatus::NotTried as usize], answered)
    }

    /// Share who did not try to recruit among those with a large hindrance.
    pub fn share_not_tried_among_large_hindrance(&self) -> f64 {
        let row = self.hindrance_by_recruitment[2];
        share(row[RecruitmentStatus::NotTried as usize], row.iter().sum())
    }
}

impl ServiceTables {
    fn add(&mut self, levels: &[u8], inhabitants: u32, shape: &Shape) {
        if levels.iter().all(|&level| level == u8::MAX) {
            return;
        }
        self.by_area.resize(shape.service_areas, (0, 0));
        self.by_service.resize(shape.services(), (0, 0));
        self.area_municipalities.resize(shape.service_areas, [0; 4]);
        let mut reported = 0;
        let mut offered = 0;
        let (mut level_2, mut level_3) = (false, false);
        // Per area: [reported, any ≥ 1, any ≥ 2, any = 3]; on the stack for
        // catalogues of up to 16 areas.
        let (mut inline, mut spilled) = ([[false; 4]; 16], Vec::new());
        let areas: &mut [[bool; 4]] = if shape.service_areas <= inline.len() {
            &mut inline[..shape.service_areas]
        } else {
            spilled.resize(shape.service_areas, [false; 4]);
            &mut spilled
        };
        for (service, &level) in levels.iter().enumerate() {
            if level == u8::MAX {
                continue;
            }
            reported += 1;
            let at_least_1 = u64::from(level >= 1);
            offered += at_least_1;
            level_2 |= level >= 2;
            level_3 |= level == 3;
            self.pairs_at_least_2 += u64::from(level >= 2);
            self.pairs_at_3 += u64::from(level == 3);
            let area = &mut areas[shape.service_area[service]];
            for (flag, holds) in area.iter_mut().zip([true, level >= 1, level >= 2, level == 3]) {
                *flag |= holds;
            }
            self.by_service[service].0 += 1;
            self.by_service[service].1 += at_least_1;
            self.by_area[shape.service_area[service]].0 += 1;
            self.by_area[shape.service_area[service]].1 += at_least_1;
        }
        self.municipalities += 1;
        self.pairs += reported;
        self.pairs_at_least_1 += offered;
        let none = offered == 0;
        self.with_none += u64::from(none);
        self.with_level_2 += u64::from(level_2);
        self.with_level_3 += u64::from(level_3);
        for (counts, flags) in self.area_municipalities.iter_mut().zip(areas.iter()) {
            for (count, flag) in counts.iter_mut().zip(*flags) {
                *count += u64::from(flag);
            }
        }
        if inhabitants > 0 {
            let row = &mut self.by_size[SizeClass::of(inhabitants) as usize];
            for (count, flag) in row.iter_mut().zip([true, none, level_2, level_3]) {
                *count += u64::from(flag);
            }
        }
        if inhabitants > 0 && inhabitants < 5_000 {
            self.municipalities_under_5000 += 1;
            self.with_none_under_5000 += u64::from(none);
        }
    }
}

/// `part / whole`, 0 for an empty base.
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Every group's tables for a round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundTables {
    groups: BTreeMap<GroupKey, GroupTables>,
}

impl RoundTables {
    pub(super) fn add(&mut self, graded: Graded<'_>, shape: &Shape) {
        for key in GroupKey::of(graded.record) {
            self.groups.entry(key).or_default().add(graded, shape);
        }
    }

    /// Sets each group's item tallies (taken as the round's records arrived).
    pub(super) fn set_items(&mut self, items: BTreeMap<GroupKey, ItemTallies>) {
        for (key, tallies) in items {
            self.groups.entry(key).or_default().items = tallies;
        }
    }

    /// Groups in report order: overall, kinds, size classes, counties (by
    /// number), regions (in the county table's order).
    pub fn groups(&self) -> impl Iterator<Item = (GroupKey, &GroupTables)> {
        self.groups.iter().map(|(k, g)| (*k, g))
    }

    pub fn get(&self, key: GroupKey) -> Option<&GroupTables> {
        self.groups.get(&key)
    }

    /// The overall group (empty for a round with no scored record).
    pub fn overall(&self) -> GroupTables {
        self.groups.get(&GroupKey::Overall).cloned().unwrap_or_default()
    }
}
