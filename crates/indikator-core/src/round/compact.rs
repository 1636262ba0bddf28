//! Compact per-respondent values a round keeps for every record until its
//! score cards are sent: what makes a 1,000,000-record round fit in memory.

use std::collections::HashMap;

use crate::domain::OrganisationNumber;
use crate::methodology::ssb2018::Hindrance;
use crate::scoring::maturity::{self, AreaSum};
use crate::scoring::ssb2018::{Flags, Measures, RecruitmentStatus};

/// A KS area's score as the round keeps it: the sum of its answered items'
/// values in whole units of `1 / Catalogue::value_denominator`, or unscored.
/// With the answered count beside it this is the exact mean
/// ([`maturity::exact_mean`]), the same bits Score gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KsScore(u32);

impl KsScore {
    pub const UNSCORED: Self = Self(u32::MAX);

    /// The score of an area sum: unscored below the minimum coverage.
    pub fn new(sum: &AreaSum, min_coverage: f64) -> Self {
        if sum.covered(min_coverage) {
            // Catalogue parsing bounds an area's sum below u32::MAX.
            Self(u32::try_from(sum.units).expect("an area's units fit 32 bits"))
        } else {
            Self::UNSCORED
        }
    }

    /// The sum in units; `None` when unscored.
    pub fn units(self) -> Option<u32> {
        (self != Self::UNSCORED).then_some(self.0)
    }

    /// The exact mean over `answered` items; `None` when unscored.
    pub fn mean(self, answered: u32, denominator: u64) -> Option<f64> {
        self.units().map(|units| maturity::exact_mean(u64::from(units), answered, denominator))
    }
}

/// KS area sums, one or two 16-bit words each: one when no area's sum can
/// reach `u16::MAX` (the shipped catalogue's largest is 5 × 168 × 12 = 10,080),
/// else two. All ones is unscored.
pub mod sums {
    use super::KsScore;

    /// Whether sums up to `max_units` need two words.
    pub fn wide(max_units: u64) -> bool {
        max_units >= u64::from(u16::MAX)
    }

    pub fn words_for(areas: usize, wide: bool) -> usize {
        if wide { 2 * areas } else { areas }
    }

    /// Appends one respondent's area scores.
    pub fn push(packed: &mut Vec<u16>, scores: impl IntoIterator<Item = KsScore>, wide: bool) {
        for score in scores {
            let units = score.units().unwrap_or(u32::MAX);
            if wide {
                packed.extend([units as u16, (units >> 16) as u16]);
            } else {
                packed.push(if score == KsScore::UNSCORED { u16::MAX } else { units as u16 });
            }
        }
    }

    /// The score of `area` in one respondent's packed sums.
    pub fn get(packed: &[u16], area: usize, wide: bool) -> KsScore {
        if wide {
            KsScore(u32::from(packed[2 * area]) | u32::from(packed[2 * area + 1]) << 16)
        } else {
            match packed[area] {
                u16::MAX => KsScore::UNSCORED,
                units => KsScore(u32::from(units)),
            }
        }
    }
}

/// National ranks of one KS area: how many respondents scored above each
/// score that occurs (one entry per distinct score, whatever the round's size:
/// scores are fractions with small denominators). Scores are compared as the
/// exact means the cards show, so a card's rank always agrees with its score.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Respondents per score, keyed by the mean's bits (non-negative f64s order
    /// as their bits); sorted by `finish`.
    counts: HashMap<u64, u32>,
    /// After `finish`: each score that occurs, ascending, with the respondents above it.
    above: Vec<(u64, u32)>,
    ranked: u32,
}

impl Ranking {
    /// Heap bytes a ranking may take per respondent ranked (hash table and
    /// sorted list entries with their slack).
    pub const BYTES_PER_RANKED: usize = 48;

    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one score (unscored ones are not ranked).
    pub fn add(&mut self, mean: Option<f64>) {
        if let Some(mean) = mean {
            *self.counts.entry(mean.to_bits()).or_default() += 1;
            self.ranked += 1;
        }
    }

    /// Turns the counts per score into counts above each score.
    pub fn finish(&mut self) {
        let mut counts: Vec<(u64, u32)> = std::mem::take(&mut self.counts).into_iter().collect();
        counts.sort_unstable_by_key(|&(bits, _)| std::cmp::Reverse(bits));
        let mut above = 0;
        for (_, n) in &mut counts {
            let here = *n;
            *n = above;
            above += here;
        }
        counts.reverse();
        self.above = counts;
    }

    /// 1 = highest (ties share a rank); 0 when unscored. Only after `finish`.
    pub fn rank(&self, mean: Option<f64>) -> u32 {
        let Some(mean) = mean else { return 0 };
        let bits = mean.to_bits();
        match self.above.binary_search_by_key(&bits, |&(b, _)| b) {
            Ok(i) => 1 + self.above[i].1,
            // A score that was not counted: everyone at the next higher score and above.
            Err(0) => 1 + self.ranked,
            Err(i) => 1 + self.above[i - 1].1,
        }
    }

    /// Respondents with the area scored.
    pub fn ranked(&self) -> u32 {
        self.ranked
    }
}

/// Which organisation numbers a round has scored: one bit per number, in
/// 8 KiB pages allocated as numbers arrive. The check digit follows from the
/// first eight digits, so a number is its first eight digits (10⁸ bits at most,
/// 12.5 MB; Norwegian organisation numbers start with 8 or 9, 2.5 MB at most;
/// 8 KiB for a round whose numbers fall in one range of 65,536).
#[derive(Debug, Default)]
pub struct SeenNumbers {
    pages: Vec<Option<Box<[u64; WORDS_PER_PAGE]>>>,
}

const WORDS_PER_PAGE: usize = 1024;
const BITS_PER_PAGE: usize = WORDS_PER_PAGE * 64;

impl SeenNumbers {
    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        let pages = self.pages.iter().flatten().count();
        self.pages.capacity() * std::mem::size_of::<Option<Box<[u64; WORDS_PER_PAGE]>>>() + pages * WORDS_PER_PAGE * 8
    }

    /// Marks `number` as seen; `false` when it already was.
    /// Whether `number` was inserted.
    pub fn contains(&self, number: OrganisationNumber) -> bool {
        let bit = (number.value() / 10) as usize;
        let (page, bit) = (bit / BITS_PER_PAGE, bit % BITS_PER_PAGE);
        self.pages.get(page).and_then(Option::as_ref).is_some_and(|words| words[bit / 64] & 1u64 << (bit % 64) != 0)
    }

    pub fn insert(&mut self, number: OrganisationNumber) -> bool {
        let bit = (number.value() / 10) as usize;
        let (page, bit) = (bit / BITS_PER_PAGE, bit % BITS_PER_PAGE);
        if self.pages.len() <= page {
            self.pages.resize_with(page + 1, || None);
        }
        let words = self.pages[page].get_or_insert_with(|| Box::new([0; WORDS_PER_PAGE]));
        let (word, mask) = (bit / 64, 1u64 << (bit % 64));
        let new = words[word] & mask == 0;
        words[word] |= mask;
        new
    }
}

/// [`Measures`] in 10 bytes instead of 16: a count of 255 is an absent block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedMeasures {
    counts: [u8; 6],
    recruitment: Option<RecruitmentStatus>,
    hindrance: Option<Hindrance>,
    service_modes_unknown: u8,
    flags: Flags,
}

impl From<Measures> for PackedMeasures {
    fn from(m: Measures) -> Self {
        Self {
            counts: m.counts.map(|c| c.unwrap_or(u8::MAX)),
            recruitment: m.recruitment,
            hindrance: m.hindrance,
            service_modes_unknown: m.service_modes_unknown,
            flags: m.flags,
        }
    }
}

impl From<PackedMeasures> for Measures {
    fn from(p: PackedMeasures) -> Self {
        Self {
            counts: p.counts.map(|c| (c != u8::MAX).then_some(c)),
            recruitment: p.recruitment,
            hindrance: p.hindrance,
            service_modes_unknown: p.service_modes_unknown,
            flags: p.flags,
        }
    }
}

/// Counts of answered items per KS area: two to a byte when no area has more
/// than 15 items (the shipped catalogue's largest has 12), else a byte each.
pub mod answered {
    /// Whether areas of these sizes need a byte per count.
    pub fn wide(area_sizes: &[usize]) -> bool {
        area_sizes.iter().any(|&n| n > 15)
    }

    pub fn bytes_for(areas: usize, wide: bool) -> usize {
        if wide { areas } else { areas.div_ceil(2) }
    }

    /// Appends one respondent's counts (at most the area's size each).
    pub fn push(packed: &mut Vec<u8>, counts: impl IntoIterator<Item = u32>, wide: bool) {
        let mut counts = counts.into_iter();
        if wide {
            packed.extend(counts.map(|n| n.min(255) as u8));
        } else {
            while let Some(low) = counts.next() {
                let high = counts.next().unwrap_or(0);
                packed.push(low.min(15) as u8 | (high.min(15) as u8) << 4);
            }
        }
    }

    /// The count of `area` in one respondent's packed counts.
    pub fn get(packed: &[u8], area: usize, wide: bool) -> u32 {
        u32::from(if wide { packed[area] } else { packed[area / 2] >> (4 * (area % 2)) & 0xF })
    }
}

/// Service levels (0–3, or not reported) two to a byte.
pub mod levels {
    const NOT_REPORTED: u8 = 0xF;

    /// Bytes that hold `services` levels.
    pub fn bytes_for(services: usize) -> usize {
        services.div_ceil(2)
    }

    /// Appends `levels` (`None` = not reported) to `packed`.
    pub fn push(packed: &mut Vec<u8>, levels: &[Option<u8>]) {
        let nibble = |l: Option<&Option<u8>>| match l {
            Some(Some(level)) => (*level).min(0xE),
            _ => NOT_REPORTED,
        };
        for pair in levels.chunks(2) {
            packed.push(nibble(pair.first()) | nibble(pair.get(1)) << 4);
        }
    }

    /// The `services` levels in `packed` (`None` = not reported).
    pub fn iter(packed: &[u8], services: usize) -> impl Iterator<Item = Option<u8>> + '_ {
        packed.iter().flat_map(|b| [b & 0xF, b >> 4]).take(services).map(|n| (n != NOT_REPORTED).then_some(n))
    }

    /// The `services` levels in `packed` into `out`, as `u8::MAX` for not reported.
    pub fn unpack(packed: &[u8], services: usize, out: &mut Vec<u8>) {
        out.clear();
        out.extend(iter(packed, services).map(|l| l.unwrap_or(u8::MAX)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ks_score_keeps_whole_units_and_its_mean_is_the_exact_one() {
        // 5/6 + 5 = 35/6 in units of 1/168.
        let sum = AreaSum { units: 980, answered: 2, total: 2 };
        let score = KsScore::new(&sum, 0.5);
        assert_eq!(score.units(), Some(980));
        assert_eq!(score.mean(2, 168), Some(35.0 / 12.0));
        assert_eq!(score.mean(2, 168), sum.score(168, 0.5).mean);
        assert_eq!(KsScore::new(&AreaSum { units: 490, answered: 1, total: 3 }, 0.5), KsScore::UNSCORED);
        assert_eq!(KsScore::UNSCORED.mean(2, 168), None);
    }

    #[test]
    fn area_sums_pack_in_one_word_unless_they_can_reach_u16_max() {
        let scores = [KsScore(0), KsScore::UNSCORED, KsScore(10_080), KsScore(70_000)];
        for wide in [false, true] {
            let kept = if wide { &scores[..] } else { &scores[..3] };
            let mut packed = Vec::new();
            sums::push(&mut packed, kept.iter().copied(), wide);
            assert_eq!(packed.len(), sums::words_for(kept.len(), wide));
            let back: Vec<KsScore> = (0..kept.len()).map(|a| sums::get(&packed, a, wide)).collect();
            assert_eq!(back, kept);
        }
        assert!(!sums::wide(65_534) && sums::wide(65_535));
    }

    #[test]
    fn ranks_count_the_scores_above_and_ties_share_a_rank() {
        let scores = [5.0, 1.25, 2.5, 2.5, 0.0, 35.0 / 12.0].map(Some);
        let mut ranking = Ranking::new();
        for s in scores {
            ranking.add(s);
        }
        ranking.add(None);
        ranking.finish();
        let ranks = scores.map(|s| ranking.rank(s));
        assert_eq!(ranks, [1, 5, 3, 3, 6, 2]);
        assert_eq!(ranking.rank(None), 0);
        assert_eq!(ranking.ranked(), 6);
        assert_eq!((ranking.rank(Some(4.0)), ranking.rank(Some(6.0))), (2, 1), "scores not counted rank among them");
    }

    #[test]
    fn each_number_is_new_once() {
        let numbers: Vec<OrganisationNumber> = ["958935420", "964338531", "971526920", "100000008"]
            .iter()
            .map(|n| OrganisationNumber::parse(n).unwrap())
            .collect();
        let mut seen = SeenNumbers::default();
        assert!(numbers.iter().all(|&n| seen.insert(n)));
        assert!(numbers.iter().all(|&n| !seen.insert(n)));
    }

    #[test]
    fn measures_survive_packing() {
        let m = Measures {
            counts: [Some(0), None, Some(15), Some(3), None, Some(7)],
            recruitment: Some(RecruitmentStatus::Struggled),
            hindrance: Some(Hindrance::High),
            service_modes_unknown: 2,
            ..Measures::default()
        };
        assert_eq!(Measures::from(PackedMeasures::from(m)), m);
        assert_eq!(Measures::from(PackedMeasures::from(Measures::default())), Measures::default());
        assert_eq!(std::mem::size_of::<PackedMeasures>(), 10);
    }

    #[test]
    fn answered_counts_pack_two_to_a_byte_unless_an_area_is_larger_than_15() {
        let counts = [0, 12, 15, 3, 7];
        for sizes in [[2, 12, 15, 6, 7], [2, 12, 16, 6, 7]] {
            let wide = answered::wide(&sizes);
            let mut packed = Vec::new();
            answered::push(&mut packed, counts, wide);
            assert_eq!(packed.len(), answered::bytes_for(counts.len(), wide));
            let back: Vec<u32> = (0..counts.len()).map(|a| answered::get(&packed, a, wide)).collect();
            assert_eq!(back, counts, "sizes {sizes:?}");
        }
        assert!(!answered::wide(&[2, 12, 15]) && answered::wide(&[16]));
    }

    #[test]
    fn service_levels_pack_two_to_a_byte() {
        let levels = [Some(3), None, Some(0), Some(1), Some(2)];
        let mut packed = Vec::new();
        levels::push(&mut packed, &levels);
        assert_eq!(packed.len(), levels::bytes_for(levels.len()));
        let mut out = Vec::new();
        levels::unpack(&packed, levels.len(), &mut out);
        assert_eq!(out, [3, u8::MAX, 0, 1, 2]);
    }
}
