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
    assert_eq!(keys.len(), 1 + 1 + 3 + 3 + 2, "overall, one kind, three size classes, three counties, two regions");
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

/// The answer counts of `item` in `group`, with its base n.
fn item_counts(report: &RoundReport, group: GroupKey, methodology: &str, item: &str) -> (u64, Vec<u64>) {
    let g = report.tables.get(group).unwrap();
    let (n, counts) = g.items.find(&report.items, methodology, item).unwrap();
    (n, counts.to_vec())
}

/// The hand-built round's item tables (docs/method.md §6), worked out per group from
/// the six municipalities above. Areas are ticked from the first (a count of n
/// ticks areas 0..n); sourcing is «Utelukkende interne» for the first n functions,
/// «Overveiende eksterne» for the rest; procurement «Ja, delvis» for the first n
/// activities, «Nei» for the rest.
#[test]
fn the_hand_built_round_gives_the_hand_computed_item_tables() {
    let report = hand_round(CalibrationMode::Published).finish();
    let all = GroupKey::Overall;
    let item = |group, id: &str| item_counts(&report, group, m::ID, id);
    // Overall. Strategy answered by 1–4 (5 has only hindrance, 6 no block): yes 1, 3, 4.
    assert_eq!(item(all, "HAS_STRATEGY"), (4, vec![3, 1]));
    // Of the three with a strategy (13, 6, 10 areas): area 1 all; area 7 (reuse of
    // data) 13 and 10; area 13 only 13.
    assert_eq!(item(all, "STRATEGY_AREA_DIGITAL_SERVICES_FOR_CITIZENS"), (3, vec![3, 0]));
    assert_eq!(item(all, "STRATEGY_AREA_REUSE_AND_SHARING_OF_DATA"), (3, vec![2, 1]));
    assert_eq!(item(all, "STRATEGY_AREA_COLLABORATION_WITH_OTHER_AGENCIES"), (3, vec![1, 2]));
    // Projects 10, 7, 4, none: three with projects; area 5 (faster case handling)
    // ticked by 10 and 7.
    assert_eq!(item(all, "HAS_PROJECTS"), (4, vec![3, 1]));
    assert_eq!(item(all, "PROJECT_EFFECT_AREA_FASTER_CASE_HANDLING"), (3, vec![2, 1]));
    // Sourcing 12, 5, 8 internal (4 has no block): function 6 internal for 12 and 8.
    let sourcing = |internal, external| {
        let mut v = vec![0; 7];
        v[0] = internal;
        v[3] = external;
        v
    };
    assert_eq!(item(all, "ICT_FUNCTION_SECURITY_TESTING"), (3, sourcing(3, 0)));
    assert_eq!(item(all, "ICT_FUNCTION_DIGITALISATION_PROJECT_MANAGEMENT"), (3, sourcing(2, 1)));
    assert_eq!(item(all, "ICT_FUNCTION_OPERATE_PC_ENVIRONMENT"), (3, sourcing(1, 2)));
    // Tried: 1 (fine) and 3 (struggled) of 1–4; difficulties among those two.
    assert_eq!(item(all, "TRIED_TO_RECRUIT"), (4, vec![2, 2]));
    assert_eq!(item(all, "RECRUITMENT_DIFFICULTIES"), (2, vec![1, 1]));
    // Hindrance: very small, very large, fairly large, neither, don't know.
    assert_eq!(item(all, "HINDRANCE_DEGREE"), (5, vec![1, 0, 1, 1, 1, 1]));
    // Cloud 10, 4, 1, none: communication all three; area 4 (virtual meeting
    // rooms) 10 and 4; development platform (area 5) only 10.
    assert_eq!(item(all, "USES_CLOUD"), (4, vec![3, 1]));
    assert_eq!(item(all, "CLOUD_AREA_COMMUNICATION"), (3, vec![3, 0]));
    assert_eq!(item(all, "CLOUD_AREA_VIRTUAL_MEETING_ROOMS"), (3, vec![2, 1]));
    assert_eq!(item(all, "CLOUD_AREA_DEVELOPMENT_PLATFORM"), (3, vec![1, 2]));
    // Digital procurement: 8, 6 and 2 activities (3 has none, so is not in the base).
    // Activity 1 «ja, delvis» for all three; activity 3 for 8 and 6; activity 8 for 8.
    assert_eq!(item(all, "PROCUREMENT_ACTIVITY_PLANNING"), (3, vec![0, 3, 0, 0]));
    assert_eq!(item(all, "PROCUREMENT_ACTIVITY_EVALUATION_AND_AWARD"), (3, vec![0, 2, 1, 0]));
    assert_eq!(item(all, "PROCUREMENT_ACTIVITY_CONTRACT_FOLLOW_UP"), (3, vec![0, 1, 2, 0]));
    // Service modes of 1–4 (none, some, about half, most, all, don't know, not relevant):
    // open access: all, some, none, don't know; simple: all, none, none, not relevant;
    // complex: all, none, none, some; self-activated: all, none, none, none.
    assert_eq!(item(all, "SERVICE_MODE_OPEN_ACCESS"), (4, vec![1, 1, 0, 0, 1, 1, 0]));
    assert_eq!(item(all, "SERVICE_MODE_SIMPLE_INDIVIDUAL"), (4, vec![2, 0, 0, 0, 1, 0, 1]));
    assert_eq!(item(all, "SERVICE_MODE_COMPLEX_INDIVIDUAL"), (4, vec![2, 1, 0, 0, 1, 0, 0]));
    assert_eq!(item(all, "SERVICE_MODE_SELF_ACTIVATED"), (4, vec![3, 0, 0, 0, 1, 0, 0]));

    // 10 000–19 999 (3 and 4): both have a strategy (6, 10): area 7 only 10.
    let class = GroupKey::SizeClass(SizeClass::From10000To19999);
    assert_eq!(item(class, "HAS_STRATEGY"), (2, vec![2, 0]));
    assert_eq!(item(class, "STRATEGY_AREA_REUSE_AND_SHARING_OF_DATA"), (2, vec![1, 1]));
    assert_eq!(item(class, "HAS_PROJECTS"), (2, vec![1, 1]));
    assert_eq!(item(class, "ICT_FUNCTION_SECURITY_TESTING"), (1, sourcing(1, 0)));
    assert_eq!(item(class, "TRIED_TO_RECRUIT"), (2, vec![1, 1]));
    assert_eq!(item(class, "RECRUITMENT_DIFFICULTIES"), (1, vec![1, 0]));
    assert_eq!(item(class, "HINDRANCE_DEGREE"), (2, vec![0, 0, 1, 1, 0, 0]));
    // Only 4 uses digital procurement (2 activities).
    assert_eq!(item(class, "PROCUREMENT_ACTIVITY_EVALUATION_AND_AWARD"), (1, vec![0, 0, 1, 0]));
    assert_eq!(item(class, "SERVICE_MODE_OPEN_ACCESS"), (2, vec![1, 0, 0, 0, 0, 1, 0]));

    // Vestland (46: 2, 3, 4, 5): strategy none, 6, 10; hindrance very large,
    // fairly large, neither, don't know.
    let vestland = GroupKey::County(CountyNumber::parse("46").unwrap());
    assert_eq!(item(vestland, "HAS_STRATEGY"), (3, vec![2, 1]));
    assert_eq!(item(vestland, "HINDRANCE_DEGREE"), (4, vec![0, 0, 1, 1, 1, 1]));
    assert_eq!(item(vestland, "TRIED_TO_RECRUIT"), (3, vec![1, 2]));
    // Vestlandet (Vestland and Rogaland: 1103 has no block): the same counts.
    let region = |name: &str| GroupKey::Region(crate::domain::regions().iter().position(|r| *r == name).unwrap() as u8);
    let vestlandet = region("Vestlandet");
    assert_eq!(report.tables.get(vestlandet).unwrap().n, 5);
    assert_eq!(item(vestlandet, "HINDRANCE_DEGREE"), (4, vec![0, 0, 1, 1, 1, 1]));
    // Østlandet: Oslo alone.
    assert_eq!(item(region("Østlandet"), "HAS_STRATEGY"), (1, vec![1, 0]));

    // Survey parts: 1–5 have the block; 4 lacks sourcing, 5 has hindrance only.
    let parts = &report.tables.overall().items;
    assert_eq!(parts.blocks[0], [5, 5, 3]);
    assert_eq!(parts.parts[..8], [4, 4, 3, 4, 5, 4, 4, 4]);
    assert_eq!(parts.blocks[1], [0, 0, 0]);
}

/// The missing round tables: competence profile, strategy × projects, shares by size.
#[test]
fn the_hand_built_round_gives_the_hand_computed_profile_cross_and_size_tables() {
    let report = hand_round(CalibrationMode::Published).finish();
    let all = report.tables.overall();
    // 1 INTERNAL (12 → 4), recruited fine; 2 EXTERNAL (5 → 2), not tried; 3 INTERNAL
    // (8 → 3), struggled; 4 has no sourcing.
    assert_eq!(all.competence_profile, [[0, 1, 1], [1, 0, 0]]);
    // (S, P): 1 (4, 4), 2 (0, 3), 3 (2, 1), 4 (3, 0).
    let mut cross = [[0; 5]; 5];
    for (s, p) in [(4, 4), (0, 3), (2, 1), (3, 0)] {
        cross[s][p] += 1;
    }
    assert_eq!(all.strategy_by_projects, cross);
    // ≥ 50 000: 1 (projects, cloud, tried without problems) and 2 (projects,
    // cloud, not tried); 1103 has no block.
    let large = all.by_size[SizeClass::From50000 as usize];
    assert_eq!((large.projects, large.cloud, large.tried, large.difficulties), ((2, 2), (2, 2), (2, 1), (1, 0)));
    // 10 000–19 999: 3 (projects, cloud, struggled), 4 (neither, not tried).
    let middle = all.by_size[SizeClass::From10000To19999 as usize];
    assert_eq!((middle.projects, middle.cloud, middle.tried, middle.difficulties), ((2, 1), (2, 1), (2, 1), (1, 1)));
    assert_eq!(all.by_size[SizeClass::From2000To4999 as usize], tables::SizeShares::default());
}

/// KS and service items, worked out by hand: A (municipality 0301) chose two
/// involvement options in bis-1, «ja» in bis-2, and reports barnehageplass at
/// level 2 and sfo-plass at 0; B (county municipality 46) an empty selection in
/// bis-1 and «vet ikke» in bis-2; C (municipality 4601) «vet ikke» in bis-1 and
/// barnehageplass at level 3.
#[test]
fn ks_options_and_service_levels_are_tallied_per_group_with_their_bases() {
    use crate::catalogue::TypedAnswer;
    let catalogues = Catalogues::shipped();
    let ks = &catalogues.ks_2018;
    let services = &catalogues.riksrevisjonen_2015;
    let mut round = shipped_round(RoundConfig {
        round_id: "ks".into(),
        survey_year: 2018,
        calibration: CalibrationMode::Published,
    });
    let answer = |pairs: &[(&str, TypedAnswer)]| {
        let mut values = vec![None; ks.items.len()];
        let mut chosen = ChosenAnswers::new(ks.items.len());
        for (id, typed) in pairs {
            let i = ks.item_index(id).unwrap();
            values[i] = ks.items[i].value(typed).unwrap();
            let (slot, options) = ks.items[i].chosen(typed).unwrap();
            chosen.slots[i] = Some(slot);
            chosen.choices.extend(options.into_iter().map(|o| (i as u16, o)));
        }
        (values, chosen)
    };
    let levels = |pairs: &[(&str, u8)]| {
        let mut l = vec![None; services.services.len()];
        for (id, level) in pairs {
            l[services.service_index(id).unwrap()] = Some(*level);
        }
        l
    };
    let a =
        answer(&[("bis-1", TypedAnswer::Choices(vec!["henvendelser", "andre"])), ("bis-2", TypedAnswer::YesNo(true))]);
    let b = answer(&[("bis-1", TypedAnswer::Choices(vec![])), ("bis-2", TypedAnswer::DontKnow)]);
    let c = answer(&[("bis-1", TypedAnswer::DontKnow)]);
    let a_levels = levels(&[("barnehageplass", 2), ("sfo-plass", 0)]);
    let c_levels = levels(&[("barnehageplass", 3)]);
    let county = Respondent {
        kind: RespondentKind::CountyMunicipality,
        municipality: None,
        county: Some(CountyNumber::parse("46").unwrap()),
        ..respondent(&org(20_000_000), "4601", 600_000)
    };
    let records = [
        (respondent(&org(10_000_000), "0301", 673_469), &a, Some(&a_levels)),
        (county, &b, None),
        (respondent(&org(30_000_000), "4601", 285_000), &c, Some(&c_levels)),
    ];
    for (i, (who, (values, chosen), levels)) in records.iter().enumerate() {
        let all = RecordAnswers {
            ks_2018: Some(values),
            ks_2018_chosen: Some(chosen),
            riksrevisjonen_2015: levels.map(|l| l.as_slice()),
            ..RecordAnswers::default()
        };
        round.add(&i.to_string(), who, all);
    }
    let report = round.finish();
    let ks_item = |group, id: &str| item_counts(&report, group, crate::catalogue::KS_2018, id);
    // bis-1 slots (ingen-valgt, valgt, vet-ikke): B, A, C. Its options are of A and
    // B (a selection, the empty one included).
    assert_eq!(ks_item(GroupKey::Overall, "bis-1"), (3, vec![1, 1, 1]));
    assert_eq!(ks_item(GroupKey::Overall, "bis-1/henvendelser"), (2, vec![1, 1]));
    assert_eq!(ks_item(GroupKey::Overall, "bis-1/moteplasser"), (2, vec![0, 2]));
    // bis-2 (ja, nei, vet-ikke): A ja, B vet ikke.
    assert_eq!(ks_item(GroupKey::Overall, "bis-2"), (2, vec![1, 0, 1]));
    // Municipalities only (A, C).
    let municipalities = GroupKey::Kind(RespondentKind::Municipality);
    assert_eq!(ks_item(municipalities, "bis-1"), (2, vec![0, 1, 1]));
    assert_eq!(ks_item(municipalities, "bis-1/andre"), (1, vec![1, 0]));
    assert_eq!(ks_item(municipalities, "bis-2"), (1, vec![1, 0, 0]));
    // Services (levels 0–3): barnehageplass 2 (A), 3 (C); sfo-plass 0 (A).
    let service = |id: &str| item_counts(&report, GroupKey::Overall, crate::catalogue::RIKSREVISJONEN_2015, id);
    assert_eq!(service("barnehageplass"), (2, vec![0, 0, 1, 1]));
    assert_eq!(service("sfo-plass"), (1, vec![1, 0, 0, 0]));
    // Parts: all three answered «Brukeren i sentrum» (C with «vet ikke»), none another area.
    let tallies = &report.tables.overall().items;
    assert_eq!(tallies.blocks[1], [3, 3, 0]);
    assert_eq!(tallies.blocks[2], [2, 2, 0], "only the first area is reported");
    // Level shares: A and C transfer data (level ≥ 2), C answers electronically.
    let s = &report.tables.overall().services;
    assert_eq!((s.municipalities, s.with_level_2, s.with_level_3, s.with_none), (2, 2, 1, 0));
    assert_eq!(s.area_municipalities[0], [2, 2, 2, 1]);
    assert_eq!(s.by_size[SizeClass::From50000 as usize], [2, 0, 2, 1]);
}

#[test]
fn item_tallies_are_counted_in_the_footprint_and_do_not_grow_with_the_round() {
    let mut round = hand_round(CalibrationMode::Published);
    let before = round.footprint();
    let a = answers(Spec { hindrance: Some("neither"), ..NONE });
    // More respondents in groups the round already has: only the per-record state grows.
    for i in 0..100u32 {
        round.add_valid(&format!("x{i}"), &respondent(&org(10_000_000 + 4 * i), "4602", 17_000), Some(&a));
    }
    // 28 bytes of state, the id and name, and the records' vector doubling.
    let per_record = (round.footprint() - before) as f64 / 100.0;
    assert!(per_record < 100.0, "{per_record} bytes a record");
    assert!(before > round.layout.tallies_bytes() * 8, "the groups' tallies are counted");
}

/// A round over the shipped catalogues and their minimum coverage.
fn shipped_round(config: RoundConfig) -> RoundAggregator {
    let catalogues = Catalogues::shipped().clone();
    let min_coverage = catalogues.ks_2018.min_coverage;
    RoundAggregator::new(config, catalogues, min_coverage)
}

/// Every figure counts answers its item has: a published answer set is a subset of
/// the item's answers in the round's layout, so no mapping counts an answer that
/// cannot occur.
#[test]
fn every_published_figure_s_answers_are_answers_of_its_item() {
    use crate::methodology::figures::{Measure, PUBLISHED_FIGURES};
    let layout = items::Layout::of(Catalogues::shipped());
    let mut checked = 0;
    for f in PUBLISHED_FIGURES {
        let (methodology, ids, answers): (&str, &[&str], &[&str]) = match &f.measure {
            Measure::Item { methodology, item, answers } => (methodology, std::slice::from_ref(item), answers),
            Measure::ItemsSum { methodology, items, answers } | Measure::ItemsMean { methodology, items, answers } => {
                (methodology, items, answers)
            }
            Measure::Rank { methodology, item, answers, .. } => (methodology, std::slice::from_ref(item), answers),
            _ => continue,
        };
        assert_eq!(methodology, f.methodology, "{}", f.id);
        for id in ids {
            let spec = layout
                .items
                .iter()
                .find(|s| s.methodology == methodology && s.item == *id)
                .unwrap_or_else(|| panic!("{}: no item {methodology} {id}", f.id));
            for answer in answers {
                assert!(spec.answers.iter().any(|a| a == answer), "{}: {id} has no answer {answer}", f.id);
            }
            assert!(!answers.is_empty() && answers.len() < spec.answers.len(), "{}: a proper subset", f.id);
        }
        checked += 1;
    }
    assert!(checked > 60, "{checked} item figures");
}

/// A figure is computed on its population: a KS figure on the sector (a county
/// municipality counts), an SSB figure on the municipalities (a state agency does not).
#[test]
fn a_published_figure_is_computed_on_its_population() {
    use crate::catalogue::TypedAnswer;
    use crate::methodology::figures::Over;
    let catalogues = Catalogues::shipped();
    let ks = &catalogues.ks_2018;
    let mut round =
        shipped_round(RoundConfig { round_id: "p".into(), survey_year: 2018, calibration: CalibrationMode::Published });
    let sik_1 = |option: &str| {
        let i = ks.item_index("sik-1").unwrap();
        let typed = TypedAnswer::Choice(option);
        let mut values = vec![None; ks.items.len()];
        values[i] = ks.items[i].value(&typed).unwrap();
        let mut chosen = ChosenAnswers::new(ks.items.len());
        chosen.slots[i] = Some(ks.items[i].chosen(&typed).unwrap().0);
        (values, chosen)
    };
    let (samtlige, ingen) = (sik_1("samtlige"), sik_1("ingen"));
    let county = Respondent {
        kind: RespondentKind::CountyMunicipality,
        municipality: None,
        county: Some(CountyNumber::parse("46").unwrap()),
        ..respondent(&org(20_000_000), "4601", 600_000)
    };
    let agency = Respondent {
        kind: RespondentKind::StateAgency,
        municipality: None,
        county: None,
        ..respondent(&org(30_000_000), "4601", 0)
    };
    let with_strategy = answers(Spec { strategy: Some(8), ..NONE });
    let without_strategy = answers(Spec { strategy: Some(0), ..NONE });
    let municipality = respondent(&org(10_000_000), "0301", 673_469);
    fn ks_answers((values, chosen): &(Vec<Option<f64>>, ChosenAnswers)) -> RecordAnswers<'_> {
        RecordAnswers { ks_2018: Some(values.as_slice()), ks_2018_chosen: Some(chosen), ..RecordAnswers::default() }
    }
    round.add("m", &municipality, RecordAnswers { ssb_2018: Some(&with_strategy), ..ks_answers(&samtlige) });
    round.add("c", &county, ks_answers(&ingen));
    round.add("a", &agency, RecordAnswers { ssb_2018: Some(&without_strategy), ..RecordAnswers::default() });
    let report = round.finish();
    let checks = figures::checks(&report.tables, &report.items, &report.catalogues);
    let check = |id: &str| checks.iter().find(|c| c.figure.id == id).unwrap_or_else(|| panic!("{id}"));
    let sik = check("ks-2018/item/sik-1/every_unit");
    assert_eq!((sik.figure.over, sik.count, sik.base), (Over::Everyone, 1, 2), "both kinds of the sector");
    let without = check("ssb-2018/fig-3.4/without_strategy");
    assert_eq!((without.figure.over, without.count, without.base), (Over::Municipalities, 0, 1), "no agency");
}
