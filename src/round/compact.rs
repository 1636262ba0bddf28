//! Compact per-respondent values a round keeps for every record until its
//! score cards are sent: what makes a 1,000,000-record round fit in memory.

use crate::domain::OrganisationNumber;
use crate::methodology::ssb2018::Hindrance;
use crate::scoring::ssb2018::{Flags, Measures, RecruitmentStatus};

/// A KS area mean (on 0–5) in two bytes: the mean rounded to 4 decimals, or
/// unscored. Means are published to one or two decimals; four keep every
/// difference a reader can see, and ranks are taken on the stored value, so a
/// card's rank always agrees with its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KsScore(u16);

impl KsScore {
    /// Steps per point of the 0–5 scale.
    const SCALE: f64 = 10_000.0;
    /// The largest stored value: a mean of 5.
    pub const MAX: u16 = 50_000;
    pub const UNSCORED: Self = Self(u16::MAX);

    /// `None` (and NaN) are unscored; a mean is clamped to 0–5 (catalogue
    /// values are validated to that range, so clamping only guards rounding).
    pub fn new(mean: Option<f64>) -> Self {
        match mean {
            Some(m) if !m.is_nan() => Self((m.clamp(0.0, 5.0) * Self::SCALE).round() as u16),
            _ => Self::UNSCORED,
        }
    }

    pub fn mean(self) -> Option<f64> {
        (self != Self::UNSCORED).then(|| f64::from(self.0) / Self::SCALE)
    }

    /// The stored step, 0..=[`KsScore::MAX`]; `None` when unscored.
    pub fn step(self) -> Option<u16> {
        (self != Self::UNSCORED).then_some(self.0)
    }
}

/// National ranks of one KS area: how many respondents scored above each
/// possible stored value (200 kB per area, whatever the round's size).
#[derive(Debug, Clone)]
pub struct Ranking {
    /// `above[v]`: respondents with a stored score greater than `v`.
    above: Vec<u32>,
    ranked: u32,
}

impl Ranking {
    /// Heap bytes of one ranking.
    pub const BYTES: usize = (KsScore::MAX as usize + 1) * std::mem::size_of::<u32>();

    pub fn new() -> Self {
        Self { above: vec![0; usize::from(KsScore::MAX) + 1], ranked: 0 }
    }

    /// Counts one score (unscored ones are not ranked).
    pub fn add(&mut self, score: KsScore) {
        if let Some(step) = score.step() {
            // `above` holds counts per value until `finish` turns them into suffix sums.
            self.above[usize::from(step)] += 1;
            self.ranked += 1;
        }
    }

    /// Turns the counts per value into counts above each value.
    pub fn finish(&mut self) {
        let mut above = 0;
        for slot in self.above.iter_mut().rev() {
            let here = *slot;
            *slot = above;
            above += here;
        }
    }

    /// 1 = highest (ties share a rank); 0 when unscored. Only after `finish`.
    pub fn rank(&self, score: KsScore) -> u32 {
        score.step().map_or(0, |step| 1 + self.above[usize::from(step)])
    }

    /// Respondents with the area scored.
    pub fn ranked(&self) -> u32 {
        self.ranked
    }
}

impl Default for Ranking {
    fn default() -> Self {
        Self::new()
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
    fn a_ks_score_keeps_four_decimals_and_the_ends_of_the_scale() {
        for (mean, stored) in [(0.0, 0.0), (5.0, 5.0), (2.5, 2.5), (10.0 / 3.0, 3.3333), (1.23456, 1.2346)] {
            assert_eq!(KsScore::new(Some(mean)).mean(), Some(stored), "{mean}");
        }
        assert_eq!(KsScore::new(None).mean(), None);
        assert_eq!(KsScore::new(Some(f64::NAN)), KsScore::UNSCORED);
        assert_eq!(KsScore::new(Some(5.000_01)).step(), Some(KsScore::MAX));
    }

    #[test]
    fn ranks_count_the_scores_above_and_ties_share_a_rank() {
        let scores = [5.0, 1.25, 2.5, 2.5, 0.0].map(|m| KsScore::new(Some(m)));
        let mut ranking = Ranking::new();
        for s in scores {
            ranking.add(s);
        }
        ranking.add(KsScore::UNSCORED);
        ranking.finish();
        let ranks = scores.map(|s| ranking.rank(s));
        assert_eq!(ranks, [1, 4, 2, 2, 5]);
        assert_eq!(ranking.rank(KsScore::UNSCORED), 0);
        assert_eq!(ranking.ranked(), 5);
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
