//! KS digital maturity by area (docs/method.md §2) and the Auditor General's service
//! coverage (docs/method.md §3), over a validated [`Catalogue`].
//!
//! Answers reach this module already valued: [`crate::catalogue::ItemDef::value`]
//! turns each typed answer into a value on 0–5 (or "unanswered"); here those values
//! are averaged per area, and reported service levels are counted.

use crate::catalogue::Catalogue;

/// One area's maturity: the mean of its answered items' values, with coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaScore {
    /// Items of the area with a value; "vet ikke" and items not sent do not count.
    pub answered: u32,
    /// Items in the area; coverage is `answered / total`.
    pub total: u32,
    /// Mean value on 0–5 of the answered items ("Samlet sum … dividert med antall
    /// spørsmål"); `Some` only when `answered > 0` and the coverage reaches the minimum.
    pub mean: Option<f64>,
}

impl AreaScore {
    /// Share of the area's items answered, 0 for an area without items.
    pub fn coverage(&self) -> f64 {
        if self.total == 0 { 0.0 } else { f64::from(self.answered) / f64::from(self.total) }
    }
}

/// One area's answers as whole numbers: the sum of its answered items' values
/// in units of `1 / Catalogue::value_denominator`, and how many were answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AreaSum {
    pub units: u64,
    pub answered: u32,
    pub total: u32,
}

impl AreaSum {
    /// Whether the area is scored: at least one item and `min_coverage` of them answered.
    pub fn covered(&self, min_coverage: f64) -> bool {
        // The ratio, not `min_coverage * total`: 3/10 meets 0.3, 0.3 * 10 > 3.
        self.answered > 0 && f64::from(self.answered) / f64::from(self.total) >= min_coverage
    }

    /// The area's score: its exact mean, when covered.
    pub fn score(&self, denominator: u64, min_coverage: f64) -> AreaScore {
        AreaScore {
            answered: self.answered,
            total: self.total,
            mean: self.covered(min_coverage).then(|| exact_mean(self.units, self.answered, denominator)),
        }
    }
}

/// `units / (denominator × answered)`: the mean of the answered values as the
/// f64 nearest to the exact fraction (one division of two whole numbers that
/// f64 holds exactly), so Score and a round give the same bits.
pub fn exact_mean(units: u64, answered: u32, denominator: u64) -> f64 {
    units as f64 / (denominator * u64::from(answered)) as f64
}

/// Sums every area of a questionnaire catalogue in whole units, in area order.
/// `values[i]` is the value of catalogue item `i` (`None` = unanswered or not
/// sent; entries beyond the catalogue's items are ignored).
pub fn area_sums(catalogue: &Catalogue, values: &[Option<f64>]) -> Vec<AreaSum> {
    let mut sums = vec![AreaSum::default(); catalogue.areas.len()];
    for (i, item) in catalogue.items.iter().enumerate() {
        let sum = &mut sums[item.area];
        sum.total += 1;
        if let Some(value) = values.get(i).copied().flatten() {
            sum.answered += 1;
            sum.units += catalogue.units(value);
        }
    }
    sums
}

/// Scores every area of a questionnaire catalogue, in area order: the exact
/// mean of the answered items' values ([`area_sums`], [`exact_mean`]). An area
/// is scored when at least one item and at least `min_coverage` of its items
/// are answered.
pub fn score_areas(catalogue: &Catalogue, values: &[Option<f64>], min_coverage: f64) -> Vec<AreaScore> {
    area_sums(catalogue, values).iter().map(|s| s.score(catalogue.value_denominator, min_coverage)).collect()
}

/// Service coverage of one municipality (or of one area of its services).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceCoverage {
    /// Services considered (the catalogue's, or one area's).
    pub total: u32,
    /// Services with a reported level; the shares are over these.
    pub reported: u32,
    /// Services offered online at all (level ≥ 1, «digitalt førstevalg»).
    pub at_least_1: u32,
    /// Services whose received data also goes electronically into the case system.
    pub at_least_2: u32,
    /// Services where the municipality also answers electronically (level 3).
    pub at_3: u32,
    /// `at_least_1 / reported`; 0 when none is reported.
    pub share_at_least_1: f64,
    /// `at_least_2 / reported`; 0 when none is reported.
    pub share_at_least_2: f64,
    /// `at_3 / reported`; 0 when none is reported.
    pub share_at_3: f64,
    /// Some service was reported and every reported one is at level 0 (the report's
    /// "none offered": 37 of 261 municipalities in 2015).
    pub none_offered: bool,
}

/// Service coverage from reported levels. `levels[i]` is the level 0–3 of service `i`
/// (`None` = not reported).
pub fn service_coverage(levels: &[Option<u8>]) -> ServiceCoverage {
    coverage_of(levels.iter().copied())
}

/// [`service_coverage`] per area of a service-list catalogue, in area order.
/// `levels[i]` is the level of catalogue service `i`; services beyond the end of
/// `levels` are not reported.
pub fn service_coverage_by_area(catalogue: &Catalogue, levels: &[Option<u8>]) -> Vec<ServiceCoverage> {
    (0..catalogue.areas.len())
        .map(|area| {
            coverage_of(
                catalogue
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.area == area)
                    .map(|(i, _)| levels.get(i).copied().flatten()),
            )
        })
        .collect()
}

/// A service list's answers scored: the coverage overall and per area.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceResults {
    pub overall: ServiceCoverage,
    /// In the catalogue's area order.
    pub by_area: Vec<ServiceCoverage>,
}

/// [`service_coverage`] overall and [`service_coverage_by_area`]: what a
/// response's service list scores.
pub fn score_services(catalogue: &Catalogue, levels: &[Option<u8>]) -> ServiceResults {
    ServiceResults { overall: service_coverage(levels), by_area: service_coverage_by_area(catalogue, levels) }
}

fn coverage_of(levels: impl Iterator<Item = Option<u8>>) -> ServiceCoverage {
    let (mut total, mut reported, mut at_least_1, mut at_least_2, mut at_3) = (0, 0, 0, 0, 0);
    for level in levels {
        total += 1;
        let Some(level) = level else { continue };
        debug_assert!(level <= 3, "levels are validated to 0–3");
        reported += 1;
        at_least_1 += u32::from(level >= 1);
        at_least_2 += u32::from(level >= 2);
        at_3 += u32::from(level >= 3);
    }
    let share = |n: u32| if reported == 0 { 0.0 } else { f64::from(n) / f64::from(reported) };
    ServiceCoverage {
        total,
        reported,
        at_least_1,
        at_least_2,
        at_3,
        share_at_least_1: share(at_least_1),
        share_at_least_2: share(at_least_2),
        share_at_3: share(at_3),
        none_offered: reported > 0 && at_least_1 == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{self, TypedAnswer};

    fn ks() -> Catalogue {
        catalogue::shipped().into_iter().find(|c| c.id == catalogue::KS_2018).unwrap()
    }

    fn riksrevisjonen() -> Catalogue {
        catalogue::shipped().into_iter().find(|c| c.id == catalogue::RIKSREVISJONEN_2015).unwrap()
    }

    /// Item indices of one area, in file order.
    fn items_of(catalogue: &Catalogue, area: &str) -> Vec<usize> {
        let area = catalogue.area_index(area).unwrap();
        (0..catalogue.items.len()).filter(|&i| catalogue.items[i].area == area).collect()
    }

    /// Values for a catalogue with the first `n` items of `area` answered `value`.
    fn answer_first(catalogue: &Catalogue, area: &str, n: usize, value: f64) -> Vec<Option<f64>> {
        let mut values = vec![None; catalogue.items.len()];
        for &i in items_of(catalogue, area).iter().take(n) {
            values[i] = Some(value);
        }
        values
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn an_area_mean_averages_only_answered_items_and_dont_know_leaves_one_unanswered() {
        let ks = ks();
        let item = |id: &str| ks.item_index(id).unwrap();
        let mut values = vec![None; ks.items.len()];
        // Informasjonssikkerhet (5 items): sik-1 «samtlige» 5.0, sik-2 «tilfeldig» 1.0,
        // sik-3 «vet ikke», sik-5 «formål og behov» 2.0; sik-4 not sent.
        let answers = [
            ("sik-1", TypedAnswer::Choice("samtlige")),
            ("sik-2", TypedAnswer::Choice("tilfeldig-ressurs")),
            ("sik-3", TypedAnswer::Choice("vet-ikke")),
            ("sik-5", TypedAnswer::Choice("formal-og-behov")),
        ];
        for (id, answer) in &answers {
            values[item(id)] = ks.items[item(id)].value(answer).unwrap();
        }
        // Brukeren i sentrum: bis-1 three of six involvement forms (2.5), bis-2 DontKnow.
        values[item("bis-1")] =
            ks.items[item("bis-1")].value(&TypedAnswer::Choices(vec!["moteplasser", "henvendelser", "andre"])).unwrap();
        values[item("bis-2")] = ks.items[item("bis-2")].value(&TypedAnswer::DontKnow).unwrap();

        let scores = score_areas(&ks, &values, 0.5);
        assert_eq!(scores.len(), 8);
        let security = scores[ks.area_index("informasjonssikkerhet-og-personvern").unwrap()];
        assert_eq!((security.answered, security.total), (3, 5));
        assert!(close(security.mean.unwrap(), (5.0 + 1.0 + 2.0) / 3.0));
        let user = scores[ks.area_index("brukeren-i-sentrum").unwrap()];
        assert_eq!((user.answered, user.total, user.mean), (1, 2, Some(2.5)));
        let health = scores[ks.area_index("helse-og-velferd").unwrap()];
        assert_eq!((health.answered, health.total, health.mean), (0, 12, None));
    }

    #[test]
    fn exactly_half_of_2_12_and_6_items_or_3_of_5_is_scored_and_one_less_is_not() {
        let ks = ks();
        let cases = [
            ("brukeren-i-sentrum", 2, 1),
            ("ikt-som-innsatsfaktor", 12, 6),
            ("effektiv-digitalisering", 6, 3),
            ("informasjonssikkerhet-og-personvern", 5, 3),
        ];
        for (area, total, enough) in cases {
            let index = ks.area_index(area).unwrap();
            let scored = score_areas(&ks, &answer_first(&ks, area, enough, 4.0), 0.5)[index];
            assert_eq!((scored.total, scored.answered, scored.mean), (total, enough as u32, Some(4.0)), "{area}");
            let unscored = score_areas(&ks, &answer_first(&ks, area, enough - 1, 4.0), 0.5)[index];
            assert_eq!((unscored.answered, unscored.mean), (enough as u32 - 1, None), "{area}");
        }
    }

    #[test]
    fn an_area_with_nothing_answered_is_unscored_even_with_a_tiny_minimum_coverage() {
        let ks = ks();
        let scores = score_areas(&ks, &[], 1e-9);
        assert!(scores.iter().all(|s| s.answered == 0 && s.mean.is_none()));
        let one = score_areas(&ks, &answer_first(&ks, "helse-og-velferd", 1, 0.0), 1e-9);
        assert_eq!(one[ks.area_index("helse-og-velferd").unwrap()].mean, Some(0.0));
    }

    #[test]
    fn coverage_compares_the_ratio_so_3_of_10_meets_a_minimum_of_0_3() {
        // 0.3 * 10.0 is 3.0000000000000004, so comparing counts would refuse it.
        let mut catalogue = ks();
        let area = catalogue.area_index("ikt-som-innsatsfaktor").unwrap();
        let mut kept = 0;
        catalogue.items.retain(|i| {
            kept += usize::from(i.area == area);
            i.area != area || kept <= 10
        });
        let score = score_areas(&catalogue, &answer_first(&catalogue, "ikt-som-innsatsfaktor", 3, 1.0), 0.3)[area];
        assert_eq!((score.answered, score.total, score.mean), (3, 10, Some(1.0)));
        assert!(close(score.coverage(), 0.3));
    }

    #[test]
    fn a_full_answer_at_every_value_scores_that_value_in_every_area() {
        let ks = ks();
        for value in [0.0, 5.0 / 3.0, 5.0] {
            let values = vec![Some(value); ks.items.len()];
            for (score, area) in score_areas(&ks, &values, ks.min_coverage).iter().zip(&ks.areas) {
                assert_eq!(score.answered, score.total, "{}", area.id);
                assert!(close(score.mean.unwrap(), value), "{}", area.id);
            }
        }
    }

    #[test]
    fn an_area_mean_is_the_f64_nearest_the_exact_fraction_whatever_the_answer_order() {
        let ks = ks();
        assert_eq!(ks.value_denominator, 168);
        // bis-1 «andre» alone (1 of 6 forms: 5/6) and bis-2 ja (5): 35/12.
        let bis = |first: &str| {
            let mut values = vec![None; ks.items.len()];
            let one = ks.item_index("bis-1").unwrap();
            values[one] = ks.items[one].value(&TypedAnswer::Choices(vec![first])).unwrap();
            values[ks.item_index("bis-2").unwrap()] = Some(5.0);
            score_areas(&ks, &values, 0.5)[ks.area_index("brukeren-i-sentrum").unwrap()].mean.unwrap()
        };
        assert_eq!(bis("andre"), 35.0 / 12.0);
        assert_eq!(bis("andre").to_bits(), 2.9166666666666665f64.to_bits());
        // Twelve items at 5/3 each: the mean is the nearest f64 to 5/3.
        let area = ks.area_index("helse-og-velferd").unwrap();
        let values: Vec<Option<f64>> = ks.items.iter().map(|i| (i.area == area).then_some(5.0 / 3.0)).collect();
        assert_eq!(score_areas(&ks, &values, 0.5)[area].mean, Some(5.0 / 3.0));
    }

    #[test]
    fn service_coverage_shares_are_over_reported_services() {
        let c = service_coverage(&[Some(0), Some(1), Some(2), Some(3), None, Some(3)]);
        assert_eq!((c.total, c.reported, c.at_least_1, c.at_least_2, c.at_3), (6, 5, 4, 3, 2));
        assert!(close(c.share_at_least_1, 0.8));
        assert!(close(c.share_at_least_2, 0.6));
        assert!(close(c.share_at_3, 0.4));
        assert!(!c.none_offered);
    }

    #[test]
    fn none_offered_needs_a_reported_service_and_every_reported_one_at_level_0() {
        assert!(service_coverage(&[Some(0), None, Some(0)]).none_offered);
        assert!(!service_coverage(&[Some(0), Some(1)]).none_offered);
        let nothing = service_coverage(&[None, None]);
        assert!(!nothing.none_offered);
        assert_eq!((nothing.reported, nothing.share_at_least_1, nothing.share_at_3), (0, 0.0, 0.0));
        assert!(!service_coverage(&[]).none_offered);
    }

    #[test]
    fn service_coverage_by_area_counts_each_area_s_services() {
        let rr = riksrevisjonen();
        let mut levels = vec![Some(0); rr.services.len()];
        // Oppvekst og utdanning: barnehageplass at 3, sfo-plass at 1; the rest 0.
        levels[rr.service_index("barnehageplass").unwrap()] = Some(3);
        levels[rr.service_index("sfo-plass").unwrap()] = Some(1);
        // Plan, bygg og geodata: nothing reported.
        for (i, s) in rr.services.iter().enumerate() {
            if rr.areas[s.area].id == "plan-bygg-og-geodata" {
                levels[i] = None;
            }
        }
        let by_area = service_coverage_by_area(&rr, &levels);
        assert_eq!(by_area.len(), 3);
        let [oppvekst, helse, plan] = [by_area[0], by_area[1], by_area[2]];
        assert_eq!((oppvekst.total, oppvekst.reported, oppvekst.at_least_1, oppvekst.at_3), (6, 6, 2, 1));
        assert!(close(oppvekst.share_at_least_1, 2.0 / 6.0));
        assert!(!oppvekst.none_offered);
        assert_eq!((helse.total, helse.reported, helse.at_least_1), (7, 7, 0));
        assert!(helse.none_offered);
        assert_eq!((plan.total, plan.reported, plan.none_offered), (6, 0, false));
        // The whole municipality: 2 of the 13 reported services online.
        let all = service_coverage(&levels);
        assert_eq!((all.total, all.reported, all.at_least_1), (19, 13, 2));
    }
}
