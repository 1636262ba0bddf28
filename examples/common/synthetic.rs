//! Shared by the example round generators: a seeded pseudo-random generator,
//! organisation numbers with a valid check digit, municipality numbers per
//! county, and the round's JSON Lines.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};

use indikator_app::proto::v1 as pb;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and good enough for synthetic data.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (rejection sampling, no modulo bias).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "empty range");
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// An index drawn with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.iter().rposition(|&w| w > 0.0).expect("a positive weight")
    }

    /// `k` distinct indices drawn by weight without replacement, in ascending order.
    pub fn weighted_subset(&mut self, weights: &[f64], k: usize) -> Vec<usize> {
        assert!(k <= weights.len());
        let mut left = weights.to_vec();
        let mut picked = Vec::with_capacity(k);
        for _ in 0..k {
            let i = self.weighted(&left);
            left[i] = 0.0;
            picked.push(i);
        }
        picked.sort_unstable();
        picked
    }
}

/// `n` distinct organisation numbers (first digit 9, valid modulus-11 check digit).
pub fn organisation_numbers(rng: &mut SplitMix64, n: usize) -> Vec<String> {
    const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut digits = [9; 8];
        for d in &mut digits[1..] {
            *d = rng.below(10) as u32;
        }
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            digit => digit,
        };
        let raw: String = digits.iter().chain([&check]).map(|d| char::from_digit(*d, 10).unwrap()).collect();
        if seen.insert(raw.clone()) {
            out.push(raw);
        }
    }
    out
}

/// Municipality numbers: `quota` distinct ones per county, sorted.
pub fn municipality_numbers(rng: &mut SplitMix64, quotas: &[(&str, usize)]) -> Vec<String> {
    let mut numbers = Vec::new();
    for &(county, quota) in quotas {
        if county == "03" {
            numbers.push("0301".to_owned());
            continue;
        }
        let mut suffixes: Vec<usize> = (1..=(2 * quota).clamp(20, 99)).collect();
        rng.shuffle(&mut suffixes);
        let mut chosen = suffixes[..quota].to_vec();
        chosen.sort_unstable();
        numbers.extend(chosen.into_iter().map(|s| format!("{county}{s:02}")));
    }
    numbers.sort();
    numbers
}

/// Inhabitants log-uniform in `min..=max`.
pub fn inhabitants(rng: &mut SplitMix64, min: u32, max: u32) -> u32 {
    let (lo, hi) = (f64::from(min).ln(), f64::from(max).ln());
    ((lo + rng.unit() * (hi - lo)).exp().round() as u32).clamp(min, max)
}

/// One record of a round as a JSON line (`ScoreRoundRequest`, proto3 JSON).
pub fn record_line(record_id: String, response: pb::SurveyResponse) -> String {
    let record = pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Record(pb::RoundRecord { record_id, response: Some(response) })),
    };
    serde_json::to_string(&record).expect("serialisable")
}

/// Writes the round's lines to stdout.
pub fn write_round(lines: &[String]) {
    let mut out = BufWriter::new(io::stdout().lock());
    for line in lines {
        writeln!(out, "{line}").expect("write to stdout");
    }
    out.flush().expect("write to stdout");
}
