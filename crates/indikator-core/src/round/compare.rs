//! Comparing two rounds respondent by respondent and group by group
//! (docs/method.md §7).
//!
//! Pure like the rest of [`crate::round`]: the two rounds are folded into
//! [`RoundReport`]s first (compact per-respondent state, never the records),
//! then matched: by organisation number, or, for municipalities, by
//! municipality number through a [`Correspondence`] (old number → new number,
//! many-to-one for mergers). The baseline's municipalities are folded under
//! their current number ([`Correspondence::apply`]), so every group (county
//! included) is in the current structure on both sides. A respondent present
//! in one round only is counted as entered or left, never dropped.
//!
//! Memory beside the two reports: per current respondent a 16-byte sort key,
//! per matched pair 8 bytes, per baseline respondent that left 4 bytes, and
//! one read position ([`Cursor`]) per 64 respondents of each round.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{MunicipalityNumber, Respondent, RespondentKind};
use crate::scoring::ssb2018::{self, Count};

use super::tables::{GroupKey, GroupTables, share};
use super::{CalibrationMode, Card, Cursor, RecordState, RoundConfig, RoundError, RoundReport, SSB_2018};

/// Records between two stored read positions.
const CHECKPOINT_EVERY: usize = 64;

/// How respondents of the two rounds are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBy {
    OrganisationNumber,
    /// Municipalities by municipality number (through the correspondence);
    /// other respondents by organisation number.
    MunicipalityNumber,
}

/// A correspondence table: baseline municipality number → current number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correspondence {
    map: HashMap<MunicipalityNumber, MunicipalityNumber>,
    lines: usize,
}

fn invalid(field: impl Into<String>, description: impl Into<String>) -> RoundError {
    RoundError::Protocol(vec![(field.into(), description.into())])
}

impl Correspondence {
    /// Parses and checks `(old, new)` lines; `label(i)` names line `i` in an
    /// error (a field path or a file line). Refused: a number that is not a
    /// municipality number, an old number mapped twice, and an old number
    /// mapped to a number that is itself mapped on (a chain, which every
    /// cycle is). A line mapping a number to itself is allowed (unchanged).
    pub fn parse<'a>(
        lines: impl IntoIterator<Item = (&'a str, &'a str)>,
        label: impl Fn(usize) -> String,
    ) -> Result<Self, RoundError> {
        let mut map = HashMap::new();
        let mut line_of = HashMap::new();
        let mut order = Vec::new();
        for (i, (old, new)) in lines.into_iter().enumerate() {
            let parse = |raw: &str, side: &str| {
                MunicipalityNumber::parse(raw.trim())
                    .map_err(|e| invalid(format!("{}.{side}", label(i)), format!("{raw:?}: {e}")))
            };
            let (old, new) = (parse(old, "old_number")?, parse(new, "new_number")?);
            if let Some(&first) = line_of.get(&old) {
                return Err(invalid(
                    format!("{}.old_number", label(i)),
                    format!("municipality number {old} is mapped twice (first at {})", label(first)),
                ));
            }
            line_of.insert(old, i);
            map.insert(old, new);
            order.push(old);
        }
        for old in order {
            let new = map[&old];
            if new == old {
                continue;
            }
            if let Some(&next) = map.get(&new)
                && next != new
            {
                let cycle = if next == old { "a cycle" } else { "a chain" };
                return Err(invalid(
                    format!("{}.new_number", label(line_of[&old])),
                    format!(
                        "{old} → {new}, but {new} is itself mapped to {next} (at {}): {cycle}; give each baseline \
                         number the number it has in the current round",
                        label(line_of[&new])
                    ),
                ));
            }
        }
        let lines = map.len();
        Ok(Self { map, lines })
    }

    /// Lines in the table.
    pub fn lines(&self) -> usize {
        self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The current number of a baseline municipality number.
    pub fn current(&self, number: MunicipalityNumber) -> MunicipalityNumber {
        self.map.get(&number).copied().unwrap_or(number)
    }

    /// The baseline respondent as it is grouped and matched: a municipality
    /// under its current number and county. `None`: unchanged.
    pub fn apply(&self, respondent: &Respondent) -> Option<Respondent> {
        let number = respondent.municipality?;
        let current = self.current(number);
        (respondent.kind == RespondentKind::Municipality && current != number).then(|| Respondent {
            municipality: Some(current),
            county: Some(current.county()),
            ..respondent.clone()
        })
    }
}

/// Whether two round headers can be compared (docs/method.md §7): the same
/// calibration and KS minimum coverage, the current year not before the
/// baseline's. Errors name the current header's field.
pub fn check_comparable(
    baseline: (&RoundConfig, f64),
    current: (&RoundConfig, f64),
    prefix: &str,
) -> Result<(), RoundError> {
    let mut v = Vec::new();
    let name = |mode: CalibrationMode| match mode {
        CalibrationMode::Published => "published",
        CalibrationMode::Relative => "relative",
    };
    if baseline.0.calibration != current.0.calibration {
        v.push((
            format!("{prefix}.calibration"),
            format!(
                "the baseline is scored under the {} calibration, this round under the {}: rounds compare under one \
                 calibration (docs/method.md §7)",
                name(baseline.0.calibration),
                name(current.0.calibration)
            ),
        ));
    }
    if baseline.1 != current.1 {
        v.push((
            format!("{prefix}.min_coverage"),
            format!(
                "the baseline's KS minimum coverage is {}, this round's {}: KS areas compare under one minimum",
                baseline.1, current.1
            ),
        ));
    }
    if current.0.survey_year < baseline.0.survey_year {
        v.push((
            format!("{prefix}.survey_year"),
            format!(
                "{} is before the baseline's survey year {}: send the earlier round first",
                current.0.survey_year, baseline.0.survey_year
            ),
        ));
    }
    if v.is_empty() { Ok(()) } else { Err(RoundError::Protocol(v)) }
}

/// Where a respondent was present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Both,
    Entered,
    Left,
}

/// One respondent then and now.
#[derive(Debug)]
pub struct Pairing<'a> {
    pub presence: Presence,
    pub baseline: Option<Card<'a>>,
    pub current: Option<Card<'a>>,
    /// Baseline respondents matched to the current one (more than one: a merger).
    pub predecessors: u32,
}

/// One group's transitions and counts of matched, entered and left respondents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTransitions {
    pub matched: u64,
    pub entered: u64,
    pub left: u64,
    /// Per composite (priority, use, activity): grade then × grade now.
    pub transitions: [[[u64; 5]; 5]; 3],
}

/// Counts of a transition table: (n, rose, stayed, fell).
pub fn movement(table: &[[u64; 5]; 5]) -> (u64, u64, u64, u64) {
    let (mut rose, mut stayed, mut fell) = (0, 0, 0);
    for (then, row) in table.iter().enumerate() {
        for (now, &n) in row.iter().enumerate() {
            match now.cmp(&then) {
                std::cmp::Ordering::Greater => rose += n,
                std::cmp::Ordering::Equal => stayed += n,
                std::cmp::Ordering::Less => fell += n,
            }
        }
    }
    (rose + stayed + fell, rose, stayed, fell)
}

/// A value then and now.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shift {
    pub then: Option<f64>,
    pub now: Option<f64>,
}

impl Shift {
    pub fn new(then: Option<f64>, now: Option<f64>) -> Self {
        Self { then, now }
    }

    /// now − then, when both are known.
    pub fn change(&self) -> Option<f64> {
        Some(self.now? - self.then?)
    }
}

/// Shares in percent per score 0–4 and the mean score of `count` in a group.
pub fn score_distribution(g: Option<&GroupTables>, count: Count) -> (u64, [f64; 5], Option<f64>) {
    let Some(g) = g else { return (0, [0.0; 5], None) };
    let per = g.per_score[count as usize];
    let n: u64 = per.iter().sum();
    let shares = per.map(|k| 100.0 * share(k, n));
    let mean = (n > 0).then(|| per.iter().enumerate().map(|(s, &k)| s as f64 * k as f64).sum::<f64>() / n as f64);
    (n, shares, mean)
}

/// Two rounds, matched.
#[derive(Debug)]
pub struct Comparison {
    pub baseline: RoundReport,
    pub current: RoundReport,
    pub match_by: MatchBy,
    /// Correspondence lines applied.
    pub correspondence_lines: usize,
    /// (current, baseline) record indices of the matched pairs, by current index.
    pairs: Vec<(u32, u32)>,
    /// Baseline record indices that left, in order.
    left: Vec<u32>,
    baseline_at: Vec<Cursor>,
    current_at: Vec<Cursor>,
    groups: BTreeMap<GroupKey, GroupTransitions>,
}

/// Where the cards of a [`Comparison`] are read from.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairCursor {
    current: usize,
    pair: usize,
    left: usize,
}

fn key(record: &RecordState, by: MatchBy) -> u64 {
    match (by, record.kind, record.municipality) {
        (MatchBy::MunicipalityNumber, RespondentKind::Municipality, Some(m)) => 1 << 40 | u64::from(m.value()),
        _ => u64::from(record.organisation_number.value()),
    }
}

fn checkpoints(report: &RoundReport) -> Vec<Cursor> {
    let mut at = Vec::with_capacity(report.stored.records.len() / CHECKPOINT_EVERY + 1);
    let mut cursor = Cursor::default();
    for i in 0..report.stored.records.len() {
        if i % CHECKPOINT_EVERY == 0 {
            at.push(cursor);
        }
        report.stored.next(&mut cursor, &report.shape, &report.rejections);
    }
    at
}

fn card_at<'a>(report: &'a RoundReport, at: &[Cursor], i: usize) -> Card<'a> {
    let mut cursor = at[i / CHECKPOINT_EVERY];
    for _ in 0..i % CHECKPOINT_EVERY {
        report.stored.next(&mut cursor, &report.shape, &report.rejections);
    }
    report.next_card(&mut cursor).expect("a stored record")
}

fn composites(report: &RoundReport, record: &RecordState) -> [Option<u8>; 3] {
    if record.has(SSB_2018) {
        ssb2018::grade(&record.measures(), &report.calibration.used).composites()
    } else {
        [None; 3]
    }
}

/// Which methodologies a round has scored respondents in, by name.
fn methodologies(report: &RoundReport) -> Vec<&'static str> {
    let Some(all) = report.tables.get(GroupKey::Overall) else { return Vec::new() };
    let mut names = Vec::new();
    if all.per_score.iter().flatten().any(|&n| n > 0) {
        names.push(crate::methodology::ssb2018::ID);
    }
    if all.ks.iter().any(|&(_, n)| n > 0) {
        names.push(crate::catalogue::KS_2018);
    }
    if all.services.municipalities > 0 {
        names.push(crate::catalogue::RIKSREVISJONEN_2015);
    }
    names
}

/// Bytes a comparison of rounds with `baseline` and `current` scored
/// respondents holds beside the two reports, at most.
pub fn footprint(baseline: u64, current: u64) -> usize {
    let cursors = (baseline + current) as usize / CHECKPOINT_EVERY + 2;
    current as usize * 16 + baseline as usize * 8 + cursors * std::mem::size_of::<Cursor>()
}

impl Comparison {
    /// Matches the two rounds and counts every group's transitions. Fails,
    /// naming the records, when two current respondents have one matching key
    /// (the fold refuses them first), or when both rounds have scored
    /// respondents but no methodology in common. Baseline respondents may
    /// share a key: a merger.
    pub fn new(
        baseline: RoundReport,
        current: RoundReport,
        match_by: MatchBy,
        correspondence_lines: usize,
    ) -> Result<Self, RoundError> {
        let (then, now) = (methodologies(&baseline), methodologies(&current));
        if !then.is_empty() && !now.is_empty() && !then.iter().any(|m| now.contains(m)) {
            return Err(invalid(
                "current.header",
                format!(
                    "the rounds share no methodology: the baseline answers {}, this round {}",
                    then.join(", "),
                    now.join(", ")
                ),
            ));
        }
        let baseline_at = checkpoints(&baseline);
        let current_at = checkpoints(&current);
        let duplicate = |report: &RoundReport, at: &[Cursor], side: &str, first: usize, second: usize| {
            let (a, b) = (card_at(report, at, first), card_at(report, at, second));
            invalid(
                format!("{side}.records[{}].response.respondent.municipality_number", b.sequence),
                format!(
                    "municipality number {} is given by two respondents of the {side} round (records {:?} and {:?}): \
                     matching by municipality number needs one respondent per municipality",
                    b.respondent.municipality.map(|m| m.to_string()).unwrap_or_default(),
                    a.record_id,
                    b.record_id
                ),
            )
        };
        let mut keys: Vec<(u64, u32)> =
            current.stored.records.iter().enumerate().map(|(i, r)| (key(r, match_by), i as u32)).collect();
        keys.sort_unstable();
        if let Some(w) = keys.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(duplicate(&current, &current_at, "current", w[0].1 as usize, w[1].1 as usize));
        }
        let mut pairs = Vec::new();
        let mut left = Vec::new();
        for (b, record) in baseline.stored.records.iter().enumerate() {
            let k = key(record, match_by);
            match keys.binary_search_by_key(&k, |&(key, _)| key) {
                Ok(at) => pairs.push((keys[at].1, b as u32)),
                Err(_) => left.push(b as u32),
            }
        }
        drop(keys);
        pairs.sort_unstable();
        let mut groups: BTreeMap<GroupKey, GroupTransitions> = BTreeMap::new();
        let mut next_pair = 0;
        for (c, record) in current.stored.records.iter().enumerate() {
            let first = next_pair;
            while pairs.get(next_pair).is_some_and(|&(pc, _)| pc as usize == c) {
                next_pair += 1;
            }
            let now = composites(&current, record);
            for key in GroupKey::of(record) {
                let g = groups.entry(key).or_default();
                if first == next_pair {
                    g.entered += 1;
                }
                for &(_, b) in &pairs[first..next_pair] {
                    g.matched += 1;
                    let then = composites(&baseline, &baseline.stored.records[b as usize]);
                    for (k, (then, now)) in then.into_iter().zip(now).enumerate() {
                        if let (Some(t), Some(n)) = (then, now) {
                            g.transitions[k][usize::from(t)][usize::from(n)] += 1;
                        }
                    }
                }
            }
        }
        for &b in &left {
            for key in GroupKey::of(&baseline.stored.records[b as usize]) {
                groups.entry(key).or_default().left += 1;
            }
        }
        Ok(Self { baseline, current, match_by, correspondence_lines, pairs, left, baseline_at, current_at, groups })
    }

    /// Every group either round has, with its transitions (empty where
    /// nobody of the group is in the current round or left), in report order.
    pub fn groups(&self) -> Vec<(GroupKey, GroupTransitions)> {
        let mut keys: Vec<GroupKey> = self.groups.keys().copied().collect();
        keys.extend(self.baseline.tables.groups().map(|(k, _)| k));
        keys.extend(self.current.tables.groups().map(|(k, _)| k));
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter().map(|k| (k, self.groups.get(&k).cloned().unwrap_or_default())).collect()
    }

    /// Pairs matched, respondents entered and left, overall.
    pub fn totals(&self) -> (u64, u64, u64) {
        let g = self.groups.get(&GroupKey::Overall).cloned().unwrap_or_default();
        (g.matched, g.entered, g.left)
    }

    /// The next respondent's cards (start from `PairCursor::default()`):
    /// current respondents in order, each after its predecessors, then the
    /// baseline respondents that left.
    pub fn next_pairing(&self, cursor: &mut PairCursor) -> Option<Pairing<'_>> {
        let records = self.current.stored.records.len();
        if cursor.current < records {
            let c = cursor.current;
            let here = |p: usize| self.pairs.get(p).is_some_and(|&(pc, _)| pc as usize == c);
            if here(cursor.pair) {
                let first = self.pairs.partition_point(|&(pc, _)| (pc as usize) < c);
                let end = self.pairs.partition_point(|&(pc, _)| pc as usize <= c);
                let b = self.pairs[cursor.pair].1 as usize;
                cursor.pair += 1;
                if !here(cursor.pair) {
                    cursor.current += 1;
                }
                return Some(Pairing {
                    presence: Presence::Both,
                    baseline: Some(card_at(&self.baseline, &self.baseline_at, b)),
                    current: Some(card_at(&self.current, &self.current_at, c)),
                    predecessors: (end - first) as u32,
                });
            }
            cursor.current += 1;
            return Some(Pairing {
                presence: Presence::Entered,
                baseline: None,
                current: Some(card_at(&self.current, &self.current_at, c)),
                predecessors: 0,
            });
        }
        let b = *self.left.get(cursor.left)? as usize;
        cursor.left += 1;
        Some(Pairing {
            presence: Presence::Left,
            baseline: Some(card_at(&self.baseline, &self.baseline_at, b)),
            current: None,
            predecessors: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(lines: &[(&str, &str)]) -> Result<Correspondence, RoundError> {
        Correspondence::parse(lines.iter().copied(), |i| format!("line {}", i + 1))
    }

    fn message(e: RoundError) -> String {
        e.to_string()
    }

    #[test]
    fn a_merger_maps_two_numbers_to_one() {
        let t = table(&[("1201", "4601"), ("1247", "4601"), ("0301", "0301")]).unwrap();
        let n = |s: &str| MunicipalityNumber::parse(s).unwrap();
        assert_eq!(t.current(n("1247")), n("4601"));
        assert_eq!(t.current(n("0301")), n("0301"));
        assert_eq!(t.current(n("1103")), n("1103"));
        assert_eq!(t.lines(), 3);
    }

    #[test]
    fn bad_tables_name_the_line() {
        let e = message(table(&[("1201", "4601"), ("1201", "4602")]).unwrap_err());
        assert!(e.starts_with("line 2.old_number: municipality number 1201 is mapped twice (first at line 1)"), "{e}");
        let e = message(table(&[("1201", "4601"), ("4601", "1201")]).unwrap_err());
        assert!(e.contains("a cycle"), "{e}");
        assert!(e.starts_with("line 1.new_number"), "{e}");
        let e = message(table(&[("1201", "4601"), ("4601", "4602")]).unwrap_err());
        assert!(e.contains("a chain"), "{e}");
        let e = message(table(&[("1201", "9901")]).unwrap_err());
        assert!(e.starts_with("line 1.new_number: \"9901\""), "{e}");
        let e = message(table(&[("12x1", "4601")]).unwrap_err());
        assert!(e.starts_with("line 1.old_number"), "{e}");
    }

    #[test]
    fn movement_counts_rose_stayed_fell() {
        let mut t = [[0; 5]; 5];
        t[1][2] = 3;
        t[2][2] = 4;
        t[4][0] = 1;
        assert_eq!(movement(&t), (8, 3, 4, 1));
    }
}
