//! Count → score bands, and their relative derivation from a round (METHOD.md §1.5).

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

    /// Derives cut points from a round's histogram of counts (`histogram[c]` =
    /// respondents with count `c`; `histogram.len() - 1` is the highest possible
    /// count). Among non-zero counts, the 2|3 cut splits them most evenly, then the
    /// 1|2 and 3|4 cuts split each half most evenly; ties go to the lower cut.
    /// Returns `None` when the indicator's range is too small for three cuts
    /// (highest count below 4) or the round has no non-zero count.
    pub fn derive(histogram: &[u64]) -> Option<Self> {
        let max = histogram.len().checked_sub(1)? as u32;
        if max < 4 || histogram[1..].iter().all(|&n| n == 0) {
            return None;
        }
        let middle = most_even_cut(histogram, 1, max, 3..=max - 1);
        let low = most_even_cut(histogram, 1, middle - 1, 2..=middle - 1);
        let high = most_even_cut(histogram, middle, max, middle + 1..=max);
        Some(Self::new([low, middle, high]))
    }
}

/// The cut `t` in `candidates` that best balances counts in `[from, t)` against
/// counts in `[t, to]`; the lowest such `t` on ties.
fn most_even_cut(histogram: &[u64], from: u32, to: u32, candidates: std::ops::RangeInclusive<u32>) -> u32 {
    let in_range = |lo: u32, hi: u32| -> u64 { (lo..=hi).map(|c| histogram[c as usize]).sum() };
    let mut best = *candidates.start();
    let mut best_gap = u64::MAX;
    for cut in candidates {
        let below = if cut > from { in_range(from, cut - 1) } else { 0 };
        let above = in_range(cut, to);
        let gap = below.abs_diff(above);
        if gap < best_gap {
            best = cut;
            best_gap = gap;
        }
    }
    best
}

/// Median of the non-zero counts in a histogram (mean of the two middle values
/// for an even number); `None` when every count is zero.
pub fn median_of_nonzero(histogram: &[u64]) -> Option<f64> {
    let n: u64 = histogram.iter().skip(1).sum();
    if n == 0 {
        return None;
    }
    let nth = |rank: u64| -> u32 {
        let mut seen = 0;
        for (count, &k) in histogram.iter().enumerate().skip(1) {
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

    /// Every band edge of every published count indicator, from METHOD.md §1.
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

    #[test]
    fn derived_cuts_split_nonzero_counts_most_evenly() {
        // Non-zero counts 1..=8 once each: median cut 5 (4 below, 4 above),
        // then 3 (1,2 | 3,4) and 7 (5,6 | 7,8). Zeros do not move the cuts.
        let h = histogram(8, &[0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(Calibration::derive(&h).unwrap().cut_points(), [3, 5, 7]);
    }

    #[test]
    fn derived_cuts_take_the_lower_threshold_on_ties() {
        // Counts 2,2,4,4 over 0..=6: cuts 3 and 4 both split 2|2; the lower (3) wins.
        let h = histogram(6, &[2, 2, 4, 4]);
        let cuts = Calibration::derive(&h).unwrap().cut_points();
        assert_eq!(cuts[1], 3);
        assert!(cuts[0] < cuts[1] && cuts[1] < cuts[2]);
    }

    #[test]
    fn deriving_needs_a_nonzero_count() {
        assert_eq!(Calibration::derive(&histogram(13, &[0, 0])), None);
        assert_eq!(Calibration::derive(&[0, 5, 5]), None);
    }

    #[test]
    fn median_of_nonzero_ignores_zeros_and_averages_even_middles() {
        assert_eq!(median_of_nonzero(&histogram(13, &[0, 0, 0, 9, 9, 10])), Some(9.0));
        assert_eq!(median_of_nonzero(&histogram(13, &[0, 6, 8])), Some(7.0));
        assert_eq!(median_of_nonzero(&histogram(13, &[0])), None);
    }
}
