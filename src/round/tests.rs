//! A round built by hand, whose every table is worked out in the comments.

use super::*;
use crate::domain::{CountyNumber, MunicipalityNumber, OrganisationNumber, RespondentKind, SizeClass};
use crate::methodology::{Item, ssb2018 as m};
use crate::scoring::ssb2018::{Answers, Count, Portfolio, Recruitment};

fn respondent(org: &str, municipality: &str, inhabitants: u32) -> Respondent {
    let municipality = MunicipalityNumber::parse(municipality).unwrap();
    Respondent {
        organisation_number: OrganisationNumber::parse(org).unwrap(),
        kind: RespondentKind::Municipality,
        municipality: Some(municipality),
        county: Some(municipality.county()),
        name: format!("Kommune {municipality}"),
        inhabitants: Some(inhabitants),
        survey_year: 2018,
    }
}

/// A valid organisation number built from `n` (first eight digits + check digit).
fn org(n: u32) -> String {
    (n..)
        .find_map(|k| {
            let digits: Vec<u32> = format!("{k:08}").chars().map(|c| c.to_digit(10).unwrap()).collect();
            OrganisationNumber::check_digit(&digits).map(|d| format!("{k:08}{d}"))
        })
        .unwrap()
}

fn portfolio(count: Option<u32>) -> Option<Portfolio> {
    count.map(|n| Portfolio { exists: n > 0, areas: ((1u32 << n) - 1) as u16 })
}

fn key_index<T>(table: &[(Item, T)], key: &str) -> u8 {
    table.iter().position(|(i, _)| i.key == key).unwrap() as u8
}

struct Spec {
    strategy: Option<u32>,
    projects: Option<u32>,
    internal: Option<u32>,
    recruitment: Option<(bool, bool)>,
    hindrance: Option<&'static str>,
    cloud: Option<u32>,
    procurement: Option<u32>,
    service: Option<[&'static str; 4]>,
}

fn answers(s: Spec) -> Answers {
    let sourcing = s.internal.map(|n| {
        let mut f = [Some(key_index(&m::SOURCING, "mainly_external")); 12];
        for slot in f.iter_mut().take(n as usize) {
            *slot = Some(key_index(&m::SOURCING, "exclusively_internal"));
        }
        f
    });
    let procurement = s.procurement.map(|n| {
        let mut a = [Some(key_index(&m::PROCUREMENT_ANSWERS, "no")); 8];
        for slot in a.iter_mut().take(n as usize) {
            *slot = Some(key_index(&m::PROCUREMENT_ANSWERS, "yes_partly"));
        }
        a
    });
    Answers {
        strategy: portfolio(s.strategy),
        projects: portfolio(s.projects),
        sourcing,
        recruitment: s.recruitment.map(|(tried, difficulties)| Recruitment { tried, difficulties }),
        hindrance: s.hindrance.map(|k| key_index(&m::HINDRANCE, k)),
        cloud: portfolio(s.cloud),
        procurement,
        service_offer: s.service.map(|modes| modes.map(|k| Some(key_index(&m::SERVICE_EXTENTS, k)))),
    }
}

const NONE: Spec = Spec {
    strategy: None,
    projects: None,
    internal: None,
    recruitment: None,
    hindrance: None,
    cloud: None,
    procurement: None,
    service: None,
};

/// Six municipalities:
/// 1. Oslo 0301 (≥ 50 000): S 13→4, P 10→4 (DP 4); internal 12→4 INTERNAL; recruited fine; hindrance LOW;
///    cloud 10→4, procurement 8→4 (DU 4); service 14 points→4 (DA 4).
/// 2. 4601 (≥ 50 000): no strategy S 0, P 7→3 (DP 3); internal 5→2 EXTERNAL; not tried; HIGH;
///    cloud 4→2, procurement 6→3 (DU 3); service 1 point→1 (DA 2).
/// 3. 4602 (10 000–19 999): S 6→2, P 4→1 (DP 1); internal 8→3 INTERNAL; struggled; HIGH;
///    cloud 1→1, procurement 0→0 (DU 0); service 0 (DA 0).
/// 4. 4640 (10 000–19 999): S 10→3, no projects P 0 (DP 2); no sourcing block; not tried; NEITHER;
///    no cloud C 0, procurement 2→1 (DU 0); service 2 points (complex «some») →2 (DA 1); 2 unknown modes.
/// 5. 4645 (2 000–4 999): only hindrance «vet ikke» (UNKNOWN).
/// 6. 1103 (≥ 50 000): no `ssb_2018` block.
fn hand_round(calibration: CalibrationMode) -> RoundAggregator {
    let mut round = shipped_round(RoundConfig { round_id: "r".into(), survey_year: 2018, calibration });
    let records: [(&str, u32, u32, Option<Spec>); 6] = [
        (
            "0301",
            673_469,
            1,
            Some(Spec {
                strategy: Some(13),
                projects: Some(10),
                internal: Some(12),
                recruitment: Some((true, false)),
                hindrance: Some("very_small"),
                cloud: Some(10),
                procurement: Some(8),
                service: Some(["all"; 4]),
            }),
        ),
        (
            "4601",
            285_000,
            2,
            Some(Spec {
                strategy: Some(0),
                projects: Some(7),
                internal: Some(5),
                recruitment: Some((false, false)),
                hindrance: Some("very_large"),
                cloud: Some(4),
                procurement: Some(6),
                service: Some(["some", "none", "none", "none"]),
            }),
        ),
        (
            "4602",
            17_000,
            3,
            Some(Spec {
                strategy: Some(6),
                projects: Some(4),
                internal: Some(8),
                recruitment: Some((true, true)),
                hindrance: Some("fairly_large"),
                cloud: Some(1),
                procurement: Some(0),
                service: Some(["none"; 4]),
            }),
        ),
        (
            "4640",
            12_000,
            4,
            Some(Spec {
                strategy: Some(10),
                projects: Some(0),
                internal: None,
                recruitment: Some((false, false)),
                hindrance: Some("neither"),
                cloud: Some(0),
                procurement: Some(2),
                service: Some(["dont_know", "not_relevant", "some", "none"]),
            }),
        ),
        ("4645", 3_000, 5, Some(Spec { hindrance: Some("dont_know"), ..NONE })),
        ("1103", 145_000, 6, None),
    ];
    for (number, inhabitants, n, spec) in records {
        let answers = spec.map(answers);
        round.add_valid(&format!("rec-{n}"), &respondent(&org(10_000_000 * n), number, inhabitants), answers.as_ref());
    }
    round
}

#[test]
fn the_hand_built_round_gives_the_hand_computed_overall_tables() {
    let report = hand_round(CalibrationMode::Published).finish();
    let all = report.tables.overall();
    assert_eq!(all.n, 6);
    assert_eq!(all.per_score[Count::Strategy as usize], [1, 0, 1, 1, 1]);
    assert_eq!(all.per_score[Count::Projects as usize], [1, 1, 0, 1, 1]);
    assert_eq!(all.per_score[Count::InternalCapacity as usize], [0, 0, 1, 1, 1]);
    assert_eq!(all.per_score[Count::Cloud as usize], [1, 1, 1, 0, 1]);
    assert_eq!(all.per_score[Count::Procurement as usize], [1, 1, 0, 1, 1]);
    assert_eq!(all.per_score[Count::ServiceOffer as usize], [1, 1, 1, 0, 1]);
    assert_eq!(all.per_grade, [[0, 1, 1, 1, 1], [2, 0, 0, 1, 1], [1, 1, 1, 0, 1]]);
    assert_eq!(all.per_count[Count::Strategy as usize][..14], [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
    // Medians over each indicator's base (docs/method.md §1.5): strategy 13, 6, 10 (4601
    // has none); projects 10, 7, 4; internal 12, 5, 8; cloud 10, 4, 1; procurement
    // over everyone scored 8, 6, 0, 2; service offer 14, 1, 0, 2.
    let medians: Vec<Option<f64>> = Count::ALL.iter().map(|&c| all.median(c)).collect();
    assert_eq!(medians, [Some(10.0), Some(7.0), Some(8.0), Some(4.0), Some(4.0), Some(1.5)]);
    let bases: Vec<u64> = Count::ALL.iter().map(|&c| all.median_base(c)).collect();
    assert_eq!(bases, [3, 3, 3, 3, 4, 4]);
    assert_eq!(all.recruitment, [2, 1, 1]);
    assert_eq!(all.hindrance, [1, 1, 2, 1]);
    assert_eq!(all.hindrance_by_recruitment, [[0, 1, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0]]);
    assert_eq!(all.hindrance_by_sourcing, [[1, 0], [0, 0], [1, 1], [0, 0]]);
    assert_eq!(all.share_large_hindrance(), 0.4);
    assert_eq!(all.share_small_hindrance(), 0.2);
    assert_eq!(all.share_tried_to_recruit(), 0.5);
    assert_eq!(all.share_not_tried_among_large_hindrance(), 0.5);
    assert_eq!(all.service_modes_unknown, 2);
}

#[test]
fn the_hand_built_round_gives_the_hand_computed_size_class_and_county_tables() {
    let report = hand_round(CalibrationMode::Published).finish();
    let class = report.tables.get(GroupKey::SizeClass(SizeClass::From10000To19999)).unwrap();
    assert_eq!(class.n, 2);
    assert_eq!(class.per_score[Count::Strategy as usize], [0, 0, 1, 1, 0]);
    assert_eq!(class.per_grade, [[0, 1, 1, 0, 0], [2, 0, 0, 0, 0], [1, 1, 0, 0, 0]]);
    assert_eq!(class.hindrance, [0, 1, 1, 0]);

    let vestland = report.tables.get(GroupKey::County(CountyNumber::parse("46").unwrap())).unwrap();
    assert_eq!(vestland.n, 4);
    assert_eq!(vestland.per_grade[0], [0, 1, 1, 1, 0]);
    assert_eq!(vestland.hindrance, [0, 1, 2, 1]);
    assert_eq!(vestland.recruitment, [2, 0, 1]);

    let keys: Vec<GroupKey> = report.tables.groups().map(|(k, _)| k).collect();
    assert_eq!(keys.len(), 1 + 1 + 3 + 3, "overall, one kind, three size classes, three counties");
    assert_eq!(keys[0], GroupKey::Overall);
}

#[test]
fn every_record_is_accounted_for_and_a_repeated_respondent_is_rejected() {
    let mut round = hand_round(CalibrationMode::Published);
    let again = respondent(&org(10_000_000), "0301", 673_469);
    round.add_valid("rec-again", &again, None);
    let other_year = Respondent { survey_year: 2019, ..respondent(&org(70_000_000), "5001", 200_000) };
    round.add_valid("rec-2019", &other_year, None);
    round.add_rejected("rec-bad", "bad".into(), vec![("response".into(), "is required".into())]);
    let report = round.finish();
    assert_eq!((report.received, report.scored, report.rejections.len() as u64), (9, 6, 3));
    assert_eq!(report.received, report.scored + report.rejections.len() as u64);
    assert!(report.rejections[0].reason().starts_with("duplicate respondent"), "{:?}", report.rejections[0]);
    assert!(report.rejections[0].reason().contains("\"rec-1\""));
    assert_eq!(report.rejections[1].field_violations()[0].0, "response.respondent.survey_year");
    assert_eq!(report.rejections.iter().map(|r| r.sequence).collect::<Vec<_>>(), [6, 7, 8]);
    assert_eq!(report.tables.overall().n, 6, "not double counted");
}

#[test]
fn score_cards_come_back_in_order_with_identity_and_grades() {
    let report = hand_round(CalibrationMode::Published).finish();
    let cards: Vec<_> = report.cards().collect();
    assert_eq!(cards.len(), 6);
    assert_eq!(cards[0].record_id, "rec-1");
    assert_eq!(cards[0].respondent.name, "Kommune 0301");
    assert_eq!(cards[0].respondent.size_class(), Some(SizeClass::From50000));
    assert_eq!(cards[1].results.unwrap().digital_activity, Some(2));
    assert!(cards[5].results.is_none(), "no ssb_2018 block");
}

#[test]
fn a_published_round_uses_the_published_bands_and_reports_the_derived_ones() {
    let report = hand_round(CalibrationMode::Published).finish();
    assert_eq!(report.calibration.used, Calibrations::published());
    // Three non-zero strategy counts (6, 10, 13): the guard derives nothing.
    assert_eq!(report.calibration.derived[Count::Strategy as usize], Err(NotDerived::TooFewNonzero { nonzero: 3 }));
}

#[test]
fn a_relative_round_derives_its_cut_points_from_the_nonzero_counts() {
    // Strategy counts 0..=12 and 1..=12 again (24 non-zero, the zeros without a
    // strategy): median 6.5; t2 = 6 (12 | 12), t1 = 3, t3 = 9: cuts 4 | 7 | 10.
    let mut round = shipped_round(RoundConfig {
        round_id: "rel".into(),
        survey_year: 2018,
        calibration: CalibrationMode::Relative,
    });
    for (i, n) in (0..=12u32).chain(1..=12).enumerate() {
        let a = answers(Spec { strategy: Some(n), ..NONE });
        round.add_valid(&i.to_string(), &respondent(&org(1_000_000 * (i as u32 + 1)), "0301", 1), Some(&a));
    }
    let report = round.finish();
    assert_eq!(report.scored, 25);
    let c = &report.calibration;
    assert_eq!(c.medians[Count::Strategy as usize], Some(6.5));
    assert_eq!((c.nonzero[Count::Strategy as usize], c.median_base[Count::Strategy as usize]), (24, 24));
    assert_eq!(c.used.get(Count::Strategy).cut_points(), [4, 7, 10]);
    // Indicators without data keep the published bands, and say why.
    assert_eq!(c.used.get(Count::Cloud), m::CLOUD.published);
    assert_eq!(c.derived[Count::Cloud as usize], Err(NotDerived::TooFewNonzero { nonzero: 0 }));
    let scores: Vec<u8> =
        report.cards().take(13).map(|card| card.results.unwrap().simple(Count::Strategy).unwrap().score).collect();
    assert_eq!(scores, [0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
}

#[test]
fn a_scored_respondent_costs_28_bytes_of_state_plus_its_id_and_name() {
    assert_eq!(std::mem::size_of::<RecordState>(), 28);
}

/// A round over the shipped catalogues and their minimum coverage.
fn shipped_round(config: RoundConfig) -> RoundAggregator {
    let catalogues = Catalogues::shipped().clone();
    let min_coverage = catalogues.ks_2018.min_coverage;
    RoundAggregator::new(config, catalogues, min_coverage)
}
