//! Compact per-respondent values a round keeps for every record until its
//! score cards are sent: what makes a 1,000,000-record round fit in memory.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

use crate::domain::OrganisationNumber;

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

/// Which organisation numbers a round has scored, and at which position: a
/// hash table of positions into the round's records (4 bytes a slot, where a
/// map from number to position would take 8), the number itself read back
/// from the record.
#[derive(Debug, Default)]
pub struct SeenIndex {
    positions: HashTable<u32>,
    /// Seeded per round, so no client can choose numbers that collide.
    hasher: RandomState,
}

impl SeenIndex {
    /// The position of the record with `number`, looked up through `number_at`.
    pub fn get(&self, number: OrganisationNumber, number_at: impl Fn(u32) -> OrganisationNumber) -> Option<u32> {
        self.positions.find(self.hasher.hash_one(number), |&p| number_at(p) == number).copied()
    }

    /// Adds `number` at `position` (the caller has checked it is not there).
    pub fn insert(&mut self, number: OrganisationNumber, position: u32, number_at: impl Fn(u32) -> OrganisationNumber) {
        let hasher = &self.hasher;
        self.positions.insert_unique(hasher.hash_one(number), position, |&p| hasher.hash_one(number_at(p)));
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
    fn the_seen_index_finds_each_number_at_its_position() {
        let numbers: Vec<OrganisationNumber> =
            ["958935420", "964338531", "971526920"].iter().map(|n| OrganisationNumber::parse(n).unwrap()).collect();
        let at = |p: u32| numbers[p as usize];
        let mut index = SeenIndex::default();
        for (p, &n) in numbers.iter().enumerate() {
            assert_eq!(index.get(n, at), None);
            index.insert(n, p as u32, at);
        }
        for (p, &n) in numbers.iter().enumerate() {
            assert_eq!(index.get(n, at), Some(p as u32));
        }
    }
}
