//! Count → score bands, and their relative derivation from a round (docs/method.md §1.5).

/// The three cut points of a count indicator: `lower[k]` is the smallest count
/// with score `k + 2`. A count of 0 scores 0; any other count below `lower[0]`
/// scores 1. Invariant: `1 < lower[0] < lower[1] < lower[2]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calibration {
    lower: [u32; 3],
}

/// A band of counts that share one score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub score: u8,
    pub min_count: u32,
    pub max_count: u32,
}

impl Calibration {
    /// Cut points as published; panics at compile time if they are not increasing.
    pub const fn new(lower: [u32; 3]) -> Self {
        assert!(1 < lower[0] && lower[0] < lower[1] && lower[1] < lower[2]);
        Self { lower }
    }

    /// The smallest count with score 2, 3 and 4.
    pub const fn cut_points(&self) -> [u32; 3] {
        self.lower
    }

    /// Score 0–4 of a count.
    pub fn score(&self, count: u32) -> u8 {
        if count == 0 {
            return 0;
        }
        1 + self.lower.iter().filter(|&&cut| count >= cut).count() as u8
    }

    /// The five bands of this calibration for counts `0..=max_count`.
    pub fn bands(&self, max_count: u32) -> [Band; 5] {
        let [a, b, c] = self.lower;
        [
            Band { score: 0, min_count: 0, max_count: 0 },
            Band { score: 1, min_count: 1, max_count: a - 1 },
            Band { score: 2, min_count: a, max_count: b - 1 },
            Band { score: 3, min_count: b, max_count: c - 1 },
            Band { score: 4, min_count: c, max_count: max_count.max(c) },
        ]
    }

    /// Derives cut points from the calibration base's histogram of counts
    /// (docs/method.md §1.5). `histogram[c]` is the base's respondents with count `c`;
    /// entries above `max_count` (the indicator's highest count, M) are ignored.
    ///
    /// Over the non-zero counts X, the cuts are three thresholds
    /// 1 ≤ t1 < t2 < t3 < M (band 1 = 1..t1, band 2 = t1+1..t2, band 3 =
    /// t2+1..t3, band 4 = t3+1..M, so every band is a non-empty range): t2 in
    /// [2, M−2] minimises |#{x ≤ t2} − #{x > t2}|, then t1 in [1, t2−1] the same
    /// imbalance within {x ≤ t2} and t3 in [t2+1, M−1] within {x > t2}; ties go to
    /// the lower threshold, an empty half to the middle of its range (rounded down).
    ///
    /// The guard: fewer than [`MIN_NONZERO`] non-zero counts, or fewer than
    /// [`MIN_DISTINCT`] distinct ones, derive nothing (the published cuts stay).
    pub fn derive(histogram: &[u64], max_count: u32) -> Result<Self, NotDerived> {
        let m = max_count.min(histogram.len().saturating_sub(1) as u32);
        if max_count < 4 {
            return Err(NotDerived::RangeTooSmall { max_count });
        }
        let nonzero: u64 = histogram.iter().take(m as usize + 1).skip(1).sum();
        if nonzero < MIN_NONZERO {
            return Err(NotDerived::TooFewNonzero { nonzero });
        }
        let distinct = histogram.iter().take(m as usize + 1).skip(1).filter(|&&n| n > 0).count();
        if distinct < MIN_DISTINCT {
            return Err(NotDerived::TooFewDistinct { distinct });
        }
        let h = |c: u32| histogram.get(c as usize).copied().unwrap_or(0);
        let t2 = most_even_threshold(&h, (1, max_count), (2, max_count - 2));
        let t1 = most_even_threshold(&h, (1, t2), (1, t2 - 1));
        let t3 = most_even_threshold(&h, (t2 + 1, max_count), (t2 + 1, max_count - 1));
        Ok(Self::new([t1 + 1, t2 + 1, t3 + 1]))
    }
}

/// Fewest respondents with a non-zero count that the derivation needs.
pub const MIN_NONZERO: u64 = 20;
/// Fewest distinct non-zero counts that the derivation needs.
pub const MIN_DISTINCT: usize = 4;

/// Why no cut points were derived from a round: its indicator keeps the published ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotDerived {
    /// The base has fewer than [`MIN_NONZERO`] respondents with a non-zero count.
    TooFewNonzero { nonzero: u64 },
    /// The base's non-zero counts take fewer than [`MIN_DISTINCT`] values.
    TooFewDistinct { distinct: usize },
    /// The indicator's highest count is below 4: three cuts do not fit.
    RangeTooSmall { max_count: u32 },
}

impl std::fmt::Display for NotDerived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::TooFewNonzero { nonzero } => write!(
                f,
                "{nonzero} municipalities with a non-zero count, fewer than {MIN_NONZERO}: \
                 too few to define half; the published cuts are kept"
            ),
            Self::TooFewDistinct { distinct } => write!(
                f,
                "{distinct} distinct non-zero counts, fewer than {MIN_DISTINCT}: \
                 a round with no spread cannot define half; the published cuts are kept"
            ),
            Self::RangeTooSmall { max_count } => {
                write!(f, "the highest count is {max_count}: three cuts need at least 4; the published cuts are kept")
            }
        }
    }
}

/// The threshold `t` in `[from, to]` that best balances the counts in
/// `[lo, t]` against those in `[t + 1, hi]` (`h(c)`: respondents with count
/// `c`); the lowest on ties, the middle of `[from, to]` (rounded down) when
/// `[lo, hi]` holds nobody.
fn most_even_threshold(h: &impl Fn(u32) -> u64, (lo, hi): (u32, u32), (from, to): (u32, u32)) -> u32 {
    let total: u64 = (lo..=hi).map(h).sum();
    if total == 0 {
        return from + (to - from) / 2;
    }
    let mut below: u64 = (lo..from).map(h).sum();
    let mut best = (u64::MAX, from);
    for t in from..=to {
        below += h(t);
        let gap = below.abs_diff(total - below);
        if gap < best.0 {
            best = (gap, t);
        }
    }
    best.1
}

/// Median of every count in a histogram, the zeros at `histogram[0]` included
/// (mean of the two middle values for an even number); `None` when it is
/// empty. The caller puts at `histogram[0]` only the zeros in the median's base.
pub fn median(histogram: &[u64]) -> Option<f64> {
    let n: u64 = histogram.iter().sum();
    if n == 0 {
        return None;
    }
    let nth = |rank: u64| -> u32 {
        let mut seen = 0;
        for (count, &k) in histogram.iter().enumerate() {
            seen += k;
            if seen > rank {
                return count as u32;
            }
        }
        unreachable!("rank below total")
    };
    let (lo, hi) = (nth((n - 1) / 2), nth(n / 2));
    Some(f64::from(lo + hi) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methodology::ssb2018 as m;

    /// Every band edge of every published count indicator, from docs/method.md §1.
    #[test]
    fn every_published_band_edge_scores_as_documented() {
        // (indicator, [(count, score)]) with the counts at both sides of each edge.
        let table: [(&m::CountIndicator, &[(u32, u8)]); 6] = [
            (&m::STRATEGY, &[(0, 0), (1, 1), (5, 1), (6, 2), (9, 2), (10, 3), (11, 3), (12, 4), (13, 4)]),
            (&m::PROJECTS, &[(0, 0), (1, 1), (4, 1), (5, 2), (6, 2), (7, 3), (8, 3), (9, 4), (10, 4)]),
            (&m::INTERNAL_CAPACITY, &[(0, 0), (1, 1), (4, 1), (5, 2), (7, 2), (8, 3), (10, 3), (11, 4), (12, 4)]),
            (&m::CLOUD, &[(0, 0), (1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (15, 4)]),
            (&m::PROCUREMENT, &[(0, 0), (1, 1), (3, 1), (4, 2), (5, 2), (6, 3), (7, 3), (8, 4)]),
            (&m::SERVICE_OFFER, &[(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (6, 3), (7, 4), (14, 4)]),
        ];
        for (indicator, edges) in table {
            for &(count, score) in edges {
                assert_eq!(indicator.published.score(count), score, "{} count {count}", indicator.id);
            }
        }
    }

    #[test]
    fn bands_cover_every_count_once_and_agree_with_score() {
        for indicator in m::COUNT_INDICATORS {
            let bands = indicator.published.bands(indicator.max_count);
            for count in 0..=indicator.max_count {
                let containing: Vec<_> =
                    bands.iter().filter(|b| b.min_count <= count && count <= b.max_count).collect();
                assert_eq!(containing.len(), 1, "{} count {count}", indicator.id);
                assert_eq!(containing[0].score, indicator.published.score(count));
            }
        }
    }

    fn histogram(max: usize, counts: &[u32]) -> Vec<u64> {
        let mut h = vec![0; max + 1];
        for &c in counts {
            h[c as usize] += 1;
        }
        h
    }

    /// A histogram over `0..=max` with `times` respondents at each of `counts`.
    fn spread(max: usize, counts: &[u32], times: u64) -> Vec<u64> {
        let mut h = histogram(max, counts);
        h.iter_mut().for_each(|n| *n *= times);
        h
    }

    #[test]
    fn derived_cuts_split_the_nonzero_counts_most_evenly_and_ignore_zeros() {
        // Counts 1..=8 three times each (24 non-zero): t2 = 4 (12 | 12), then
        // t1 = 2 (1,2 | 3,4) and t3 = 6 (5,6 | 7,8): lowest counts 3, 5, 7.
        let mut h = spread(8, &[1, 2, 3, 4, 5, 6, 7, 8], 3);
        h[0] = 100;
        assert_eq!(Calibration::derive(&h, 8).unwrap().cut_points(), [3, 5, 7]);
    }

    #[test]
    fn a_round_with_most_counts_at_1_splits_them_off_as_evenly_as_the_ranges_allow() {
        // 1,042 at 1 and 398 above: t2 cannot be 1 (band 1 needs a range below
        // it), so t2 = 2 is the most even split still available.
        let mut h = vec![0u64; 11];
        h[1] = 1_042;
        h[2] = 150;
        h[3] = 153;
        h[5] = 95;
        let cuts = Calibration::derive(&h, 10).unwrap().cut_points();
        assert_eq!(cuts[1], 3, "t2 = 2: 1,192 | 248 beats t2 = 3: 1,345 | 95");
        assert_eq!(cuts[0], 2, "t1 = 1 is the only threshold below t2");
        assert!(cuts[2] > cuts[1] && cuts[2] <= 10, "{cuts:?}");
    }

    #[test]
    fn derived_cuts_take_the_lower_threshold_on_ties() {
        // 10 at 2, 10 at 5, 5 at 7 and 5 at 8: every t2 in 2..=6 splits 10 | 20
        // or 20 | 10, so the lowest, 2, is taken.
        let mut h = spread(8, &[2, 5], 10);
        h[7] = 5;
        h[8] = 5;
        let cuts = Calibration::derive(&h, 8).unwrap().cut_points();
        assert_eq!(cuts, [2, 3, 6], "t1 = 1 (the only one), t2 = 2, t3 = 5 (5 | 7,8: 10 | 10, the lowest)");
    }

    #[test]
    fn the_guard_keeps_too_few_or_too_alike_counts_from_deriving_cuts() {
        assert_eq!(
            Calibration::derive(&spread(13, &[1, 2, 3, 4], 4), 13),
            Err(NotDerived::TooFewNonzero { nonzero: 16 })
        );
        assert_eq!(
            Calibration::derive(&spread(13, &[5, 9, 12], 10), 13),
            Err(NotDerived::TooFewDistinct { distinct: 3 })
        );
        assert_eq!(Calibration::derive(&spread(13, &[7], 500), 13), Err(NotDerived::TooFewDistinct { distinct: 1 }));
        assert!(Calibration::derive(&spread(13, &[1, 2, 3, 4], 5), 13).is_ok(), "20 and 4 are enough");
        assert_eq!(Calibration::derive(&spread(3, &[1, 2, 3], 10), 3), Err(NotDerived::RangeTooSmall { max_count: 3 }));
        let reason = NotDerived::TooFewNonzero { nonzero: 2 }.to_string();
        assert!(reason.contains("fewer than 20") && reason.contains("published cuts are kept"), "{reason}");
    }

    #[test]
    fn every_derived_band_is_a_non_empty_range_below_the_indicator_maximum() {
        // Everything at the top: t3 must still leave M for band 4.
        let h = spread(10, &[7, 8, 9, 10], 10);
        let cuts = Calibration::derive(&h, 10).unwrap();
        let [a, b, c] = cuts.cut_points();
        assert!(1 < a && a < b && b < c && c <= 10, "{a} {b} {c}");
    }

    #[test]
    fn an_empty_half_takes_the_middle_of_its_range() {
        let h = |c: u32| u64::from(c == 3);
        assert_eq!(most_even_threshold(&h, (5, 10), (5, 9)), 7);
        assert_eq!(most_even_threshold(&h, (1, 4), (1, 3)), 1, "every threshold is off by one: the lowest");
    }

    #[test]
    fn the_median_counts_the_zeros_given_and_averages_even_middles() {
        assert_eq!(median(&histogram(13, &[9, 9, 10])), Some(9.0));
        assert_eq!(median(&histogram(13, &[0, 6, 8])), Some(6.0));
        assert_eq!(median(&histogram(13, &[6, 8])), Some(7.0));
        assert_eq!(median(&histogram(13, &[0, 0, 0, 9])), Some(0.0));
        assert_eq!(median(&histogram(13, &[])), None);
    }
}
