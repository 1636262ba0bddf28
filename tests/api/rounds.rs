//! Rounds as docs/method.md specifies them: the relative calibration's rule, guard and
//! base (§1.5), exact KS scores (§2), the respondents each methodology covers (§3,
//! §5) and empty blocks (§1.4).

use indikator_app::proto::v1::{
    self as pb, maturity_answer::Answer, score_round_request::Item as In, score_round_response::Item as Out,
};
use indikator_core::domain::OrganisationNumber;

use crate::helpers::spawn_app;

/// The n-th distinct valid organisation number (from 30,000,000 on).
fn org(n: u32) -> String {
    (30_000_000 + n * 100..)
        .find_map(|k| {
            let digits: Vec<u32> = format!("{k:08}").chars().map(|c| c.to_digit(10).unwrap()).collect();
            OrganisationNumber::check_digit(&digits).map(|d| format!("{k:08}{d}"))
        })
        .unwrap()
}

fn municipality(n: u32, number: &str) -> pb::Respondent {
    pb::Respondent {
        organisation_number: org(n),
        kind: pb::RespondentKind::Municipality as i32,
        municipality_number: number.into(),
        county_number: String::new(),
        name: format!("Kommune {number}"),
        inhabitants: 5_000,
        survey_year: 2018,
    }
}

fn county_municipality(n: u32, county: &str) -> pb::Respondent {
    pb::Respondent {
        kind: pb::RespondentKind::CountyMunicipality as i32,
        municipality_number: String::new(),
        county_number: county.into(),
        name: format!("Fylkeskommune {county}"),
        inhabitants: 0,
        ..municipality(n, "")
    }
}

fn state_agency(n: u32) -> pb::Respondent {
    pb::Respondent {
        kind: pb::RespondentKind::StateAgency as i32,
        name: format!("Etat {n}"),
        ..county_municipality(n, "")
    }
}

fn header(calibration: pb::Calibration) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(In::Header(pb::RoundHeader {
            round_id: "repro".into(),
            survey_year: 2018,
            calibration: calibration as i32,
            ..Default::default()
        })),
    }
}

fn record(id: &str, response: pb::SurveyResponse) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest { item: Some(In::Record(pb::RoundRecord { record_id: id.into(), response: Some(response) })) }
}

fn strategy(areas: &[pb::StrategyArea]) -> pb::Ssb2018Answers {
    pb::Ssb2018Answers {
        strategy: Some(pb::Ssb2018Strategy { has_strategy: true, areas: areas.iter().map(|&a| a as i32).collect() }),
        ..Default::default()
    }
}

/// Strategy areas 1..=n.
fn strategy_count(n: i32) -> pb::Ssb2018Answers {
    let areas: Vec<pb::StrategyArea> = (1..=n).map(|a| pb::StrategyArea::try_from(a).unwrap()).collect();
    strategy(&areas)
}

struct Round {
    cards: Vec<pb::ScoreCard>,
    rejections: Vec<pb::Rejection>,
    summary: pb::RoundSummary,
}

async fn run(messages: Vec<pb::ScoreRoundRequest>) -> Round {
    let mut app = spawn_app().await;
    let mut inbound = app.client.score_round(futures::stream::iter(messages)).await.unwrap().into_inner();
    let (mut cards, mut rejections) = (Vec::new(), Vec::new());
    while let Some(m) = inbound.message().await.unwrap() {
        match m.item.unwrap() {
            Out::ScoreCard(c) => cards.push(c),
            Out::Rejection(r) => rejections.push(r),
            Out::Summary(summary) => return Round { cards, rejections, summary },
        }
    }
    panic!("no summary")
}

fn indicator<'a>(summary: &'a pb::RoundSummary, id: &str) -> &'a pb::IndicatorCalibration {
    summary.calibration.as_ref().unwrap().indicators.iter().find(|i| i.indicator == id).unwrap()
}

fn kind_group(summary: &pb::RoundSummary, kind: pb::RespondentKind) -> Option<&pb::GroupTables> {
    summary.groups.iter().find(|g| g.dimension() == pb::GroupDimension::RespondentKind && g.key == kind.as_str_name())
}

/// Issue 12's reproduction: two municipalities with one and two strategy areas,
/// scored relatively. Two non-zero counts cannot define half: both keep the
/// published cuts (score 1 «veldig lav»), and the report says why.
#[tokio::test]
async fn a_relative_round_too_small_to_define_half_keeps_the_published_cuts_and_says_why() {
    use pb::StrategyArea::{DigitalServicesForCitizens as Citizens, InformationSecurity as Security};
    let response = |respondent, answers| pb::SurveyResponse {
        respondent: Some(respondent),
        ssb_2018: Some(answers),
        ..Default::default()
    };
    let round = run(vec![
        header(pb::Calibration::Relative),
        record(
            "a",
            response(
                pb::Respondent { organisation_number: "958935420".into(), ..municipality(0, "0301") },
                strategy(&[Citizens]),
            ),
        ),
        record(
            "b",
            response(
                pb::Respondent { organisation_number: "964338531".into(), ..municipality(0, "4601") },
                strategy(&[Citizens, Security]),
            ),
        ),
    ])
    .await;
    let scores: Vec<(u32, u32)> = round
        .cards
        .iter()
        .map(|c| {
            let s = c.results.as_ref().unwrap().ssb_2018.as_ref().unwrap().strategy.as_ref().unwrap();
            (s.count, s.score)
        })
        .collect();
    assert_eq!(scores, [(1, 1), (2, 1)], "the published 1–5 band, not «veldig høy»");
    let strategy = indicator(&round.summary, "ssb-2018/strategy");
    assert_eq!(strategy.used_cut_points, [6, 10, 12]);
    assert!(strategy.derived_cut_points.is_empty());
    assert!(strategy.not_derived_reason.contains("fewer than 20"), "{}", strategy.not_derived_reason);
    assert_eq!((strategy.nonzero, strategy.median_base, strategy.median), (2, 2, 1.5));
    assert!(round.summary.calibration.as_ref().unwrap().base.contains("municipalities"));
}

/// Relative cuts come from municipalities only: twenty state agencies with 13
/// strategy areas move neither the cuts nor the median, and are scored with the
/// municipalities' cuts; every table exists for each kind.
#[tokio::test]
async fn relative_cuts_derive_from_municipalities_and_other_kinds_are_scored_with_them() {
    let mut messages = vec![header(pb::Calibration::Relative)];
    // Municipalities: strategy counts 1..=8, three each (24 non-zero).
    for i in 0..24u32 {
        let response = pb::SurveyResponse {
            respondent: Some(municipality(i, &format!("46{:02}", i + 1))),
            ssb_2018: Some(strategy_count(i as i32 % 8 + 1)),
            ..Default::default()
        };
        messages.push(record(&format!("m{i}"), response));
    }
    for i in 0..20u32 {
        let response = pb::SurveyResponse {
            respondent: Some(state_agency(100 + i)),
            ssb_2018: Some(strategy_count(13)),
            ..Default::default()
        };
        messages.push(record(&format!("s{i}"), response));
    }
    let round = run(messages).await;
    assert!(round.rejections.is_empty(), "{:?}", round.rejections);
    let strategy = indicator(&round.summary, "ssb-2018/strategy");
    // §1.5 over 1..=8 (three each), M = 13: t2 = 4 (12 | 12), t1 = 2, t3 = 6.
    assert_eq!(strategy.derived_cut_points, [3, 5, 7]);
    assert_eq!(strategy.used_cut_points, [3, 5, 7]);
    assert_eq!((strategy.nonzero, strategy.median), (24, 4.5));
    let agency = round.cards.iter().find(|c| c.record_id == "s0").unwrap();
    let score = agency.results.as_ref().unwrap().ssb_2018.as_ref().unwrap().strategy.as_ref().unwrap().score;
    assert_eq!(score, 4, "13 areas under the municipalities' cuts");

    let municipalities = kind_group(&round.summary, pb::RespondentKind::Municipality).unwrap();
    let agencies = kind_group(&round.summary, pb::RespondentKind::StateAgency).unwrap();
    assert_eq!((municipalities.n, agencies.n), (24, 20));
    assert_eq!(municipalities.scores[0].per_score, [0, 6, 6, 6, 6]);
    assert_eq!(agencies.scores[0].per_score, [0, 0, 0, 0, 20]);
    for g in [municipalities, agencies] {
        assert_eq!((g.scores.len(), g.composites.len()), (6, 3), "{}", g.key);
        assert!(g.competence.is_some(), "{}", g.key);
    }
}

fn bis(andre_only: bool) -> pb::Ks2018Answers {
    let options: Vec<String> =
        if andre_only { vec!["andre".into()] } else { vec!["moteplasser".into(), "henvendelser".into()] };
    pb::Ks2018Answers {
        answers: vec![
            pb::MaturityAnswer {
                item_id: "bis-1".into(),
                answer: Some(Answer::Choices(pb::ChoiceList { option_ids: options })),
            },
            pb::MaturityAnswer { item_id: "bis-2".into(), answer: Some(Answer::Yes(true)) },
        ],
    }
}

/// `bis-1` «andre» and `bis-2` ja: Score gives 35/12 = 2.9166666666666665; so does
/// the round's card, and the means are means of those exact scores.
#[tokio::test]
async fn a_round_s_ks_area_score_is_the_same_number_score_gives_and_means_are_of_exact_scores() {
    let mut app = spawn_app().await;
    let response = |n: u32, number: &str, andre_only: bool| pb::SurveyResponse {
        respondent: Some(municipality(n, number)),
        ks_2018: Some(bis(andre_only)),
        ..Default::default()
    };
    let scored = app
        .client
        .score(pb::ScoreRequest { response: Some(response(1, "4601", true)) })
        .await
        .unwrap()
        .into_inner()
        .results
        .unwrap();
    let area = |areas: &[pb::AreaResult]| areas.iter().find(|a| a.area_id == "brukeren-i-sentrum").unwrap().score;
    let exact = area(&scored.ks_2018.unwrap().areas).unwrap();
    assert_eq!(exact.to_bits(), 2.9166666666666665f64.to_bits());

    // 2 of 6 forms (5/3) and ja: 10/3.
    let round = run(vec![
        header(pb::Calibration::Published),
        record("a", response(1, "4601", true)),
        record("b", response(2, "4602", false)),
        record(
            "c",
            pb::SurveyResponse {
                respondent: Some(county_municipality(3, "46")),
                ks_2018: Some(bis(true)),
                ..Default::default()
            },
        ),
    ])
    .await;
    let card = |id: &str| {
        let c = round.cards.iter().find(|c| c.record_id == id).unwrap();
        let inner = area(&c.results.as_ref().unwrap().ks_2018.as_ref().unwrap().areas).unwrap();
        let beside = c.ks_2018.iter().find(|a| a.area_id == "brukeren-i-sentrum").unwrap().clone();
        assert_eq!(beside.score.map(f64::to_bits), Some(inner.to_bits()), "card and inner results agree");
        beside
    };
    let (a, b, c) = (card("a"), card("b"), card("c"));
    assert_eq!(a.score.unwrap().to_bits(), exact.to_bits());
    assert_eq!(b.score.unwrap().to_bits(), (10.0f64 / 3.0).to_bits());
    let mean = (exact + 10.0 / 3.0 + exact) / 3.0;
    assert_eq!(a.national_mean.to_bits(), mean.to_bits());
    assert_eq!(a.county_mean.to_bits(), mean.to_bits(), "the county municipality of 46 is in Vestland too");
    assert_eq!((a.national_rank, b.national_rank, c.national_rank), (2, 1, 2));
    let national = round.summary.groups[0].ks_2018.iter().find(|m| m.area_id == "brukeren-i-sentrum").unwrap();
    assert_eq!((national.n, national.mean.to_bits()), (3, mean.to_bits()));
}

fn services(levels: &[u32]) -> pb::Riksrevisjonen2015Answers {
    let catalogue = &indikator_core::catalogue::Catalogues::shipped().riksrevisjonen_2015;
    pb::Riksrevisjonen2015Answers {
        services: catalogue
            .services
            .iter()
            .zip(levels)
            .map(|(s, &level)| pb::ServiceLevel { service_id: s.id.clone(), level })
            .collect(),
        ..Default::default()
    }
}

/// Issue 12's five records: a municipality offering a service, one offering
/// none, one whose block is empty, a county municipality and a state agency
/// with the block. The base is the two municipalities that answered it.
#[tokio::test]
async fn the_auditor_general_s_base_is_the_round_s_municipalities_that_answered_the_block() {
    let with = |respondent: pb::Respondent, block: pb::Riksrevisjonen2015Answers| pb::SurveyResponse {
        respondent: Some(respondent),
        riksrevisjonen_2015: Some(block),
        ..Default::default()
    };
    let round = run(vec![
        header(pb::Calibration::Published),
        record("offers", with(municipality(1, "4601"), services(&[1, 0, 3]))),
        record("none", with(municipality(2, "4602"), services(&[0, 0]))),
        record("empty", with(municipality(3, "4640"), services(&[]))),
        record("county", with(county_municipality(4, "46"), services(&[0]))),
        record("agency", with(state_agency(5), services(&[0]))),
        record(
            "agency-ks",
            pb::SurveyResponse { respondent: Some(state_agency(6)), ks_2018: Some(bis(true)), ..Default::default() },
        ),
    ])
    .await;
    let refused: Vec<(&str, Vec<&str>)> = round
        .rejections
        .iter()
        .map(|r| (r.record_id.as_str(), r.field_violations.iter().map(|f| f.field.as_str()).collect()))
        .collect();
    assert_eq!(
        refused,
        [
            ("county", vec!["response.riksrevisjonen_2015"]),
            ("agency", vec!["response.riksrevisjonen_2015"]),
            ("agency-ks", vec!["response.ks_2018"]),
        ]
    );
    let overall = round.summary.groups[0].riksrevisjonen_2015.as_ref().unwrap();
    assert_eq!((overall.municipalities, overall.with_none), (2, 1));
    assert_eq!((overall.pairs, overall.pairs_at_least_1), (5, 2));
    let vestland = round.summary.groups.iter().find(|g| g.key == "46").unwrap();
    assert_eq!(vestland.riksrevisjonen_2015.as_ref().unwrap().municipalities, 2);
}

/// A present but empty procurement block is unscored on the card and left out
/// of the round's tables, not counted as 0 (profile EXTERNAL).
#[tokio::test]
async fn an_empty_block_in_a_round_is_unscored_flagged_and_left_out_of_the_tables() {
    let response = |n: u32, activities: Vec<pb::ProcurementActivityAnswer>, functions: Vec<pb::IctFunctionAnswer>| {
        pb::SurveyResponse {
            respondent: Some(municipality(n, "0301")),
            ssb_2018: Some(pb::Ssb2018Answers {
                procurement: Some(pb::Ssb2018Procurement { activities }),
                sourcing: Some(pb::Ssb2018Sourcing { functions }),
                ..Default::default()
            }),
            ..Default::default()
        }
    };
    let no = vec![pb::ProcurementActivityAnswer {
        activity: pb::ProcurementActivity::ReceivingInvoices as i32,
        answer: pb::ProcurementAnswer::No as i32,
    }];
    let round = run(vec![
        header(pb::Calibration::Published),
        record("empty", response(1, Vec::new(), Vec::new())),
        record("answered", response(2, no, Vec::new())),
    ])
    .await;
    let empty = round.cards[0].results.as_ref().unwrap();
    let ssb = empty.ssb_2018.as_ref().unwrap();
    assert_eq!((&ssb.procurement, &ssb.internal_capacity), (&None, &None));
    assert_eq!(ssb.competence_profile, None);
    let flagged: Vec<&str> =
        empty.flags.iter().filter(|f| f.code() == pb::FlagCode::EmptyBlock).map(|f| f.field.as_str()).collect();
    assert_eq!(flagged, ["ssb_2018.sourcing", "ssb_2018.procurement"]);
    let all = &round.summary.groups[0];
    let procurement = all.scores.iter().find(|s| s.indicator == "ssb-2018/procurement").unwrap();
    assert_eq!((procurement.n, procurement.per_score[0]), (1, 1), "only the answered block");
    let internal = all.scores.iter().find(|s| s.indicator == "ssb-2018/internal_capacity").unwrap();
    assert_eq!(internal.n, 0, "both sourcing blocks were empty");
}

/// The messages of an example round file, with the header's `codes_only` set as given.
fn example_round(text: &str, codes_only: bool) -> Vec<pb::ScoreRoundRequest> {
    text.lines()
        .map(|line| {
            let mut message: pb::ScoreRoundRequest = serde_json::from_str(line).unwrap();
            if let Some(In::Header(h)) = message.item.as_mut() {
                h.codes_only = codes_only;
            }
            message
        })
        .collect()
}

/// Every label text of a card's results: scores', grades' and the competence
/// profile's `label` and `label_en`, and the KS areas' `name`.
fn labels(r: &pb::IndicatorResults) -> Vec<&str> {
    let mut texts = Vec::new();
    if let Some(s) = &r.ssb_2018 {
        for score in [&s.strategy, &s.projects, &s.internal_capacity, &s.cloud, &s.procurement, &s.service_offer] {
            texts.extend(score.iter().flat_map(|x| [x.label.as_str(), x.label_en.as_str()]));
        }
        for grade in [&s.digital_priority, &s.digital_use, &s.digital_activity] {
            texts.extend(grade.iter().flat_map(|x| [x.label.as_str(), x.label_en.as_str()]));
        }
        texts.extend(s.competence_profile.iter().flat_map(|x| [x.label.as_str(), x.label_en.as_str()]));
    }
    texts.extend(r.ks_2018.iter().flat_map(|k| k.areas.iter().map(|a| a.name.as_str())));
    texts
}

/// `r` with every text [`labels`] lists emptied.
fn without_labels(mut r: pb::IndicatorResults) -> pb::IndicatorResults {
    if let Some(s) = r.ssb_2018.as_mut() {
        for score in [&mut s.strategy, &mut s.projects, &mut s.internal_capacity, &mut s.cloud, &mut s.procurement]
            .into_iter()
            .chain([&mut s.service_offer])
            .flatten()
        {
            (score.label, score.label_en) = Default::default();
        }
        for grade in [&mut s.digital_priority, &mut s.digital_use, &mut s.digital_activity].into_iter().flatten() {
            (grade.label, grade.label_en) = Default::default();
        }
        if let Some(c) = s.competence_profile.as_mut() {
            (c.label, c.label_en) = Default::default();
        }
    }
    for area in r.ks_2018.iter_mut().flat_map(|k| k.areas.iter_mut()) {
        area.name.clear();
    }
    r
}

/// The round header's `codes_only`: every card is the normal card with its
/// label texts emptied (record ids, sequences, codes, scores, counts, grades,
/// KS and service figures, flags all the same), the summary is the same, and
/// the cards' proto3 JSON is about a third smaller. The JSON route takes it too.
#[tokio::test]
async fn a_code_only_round_gives_the_same_ids_codes_scores_and_grades_as_a_normal_round_with_every_label_empty() {
    for (name, text) in [
        ("round-2018", include_str!("../../examples/round-2018.jsonl")),
        ("round-ks-2018", include_str!("../../examples/round-ks-2018.jsonl")),
        ("round-2015", include_str!("../../examples/round-2015.jsonl")),
    ] {
        let normal = run(example_round(text, false)).await;
        let codes = run(example_round(text, true)).await;
        assert!(!codes.cards.is_empty(), "{name}: cards");
        assert_eq!(codes.cards.len(), normal.cards.len(), "{name}");
        assert_eq!(codes.rejections, normal.rejections, "{name}");
        assert_eq!(codes.summary, normal.summary, "{name}: the summary does not change");
        let (mut labelled, mut json_normal, mut json_codes) = (0, 0, 0);
        for (n, c) in normal.cards.iter().zip(&codes.cards) {
            let (n_results, c_results) = (n.results.clone().unwrap(), c.results.clone().unwrap());
            assert!(
                labels(&c_results).iter().all(|l| l.is_empty()),
                "{name} {}: {:?}",
                c.record_id,
                labels(&c_results)
            );
            labelled += labels(&n_results).iter().filter(|l| !l.is_empty()).count();
            assert_eq!((&c.record_id, c.sequence, &c.ks_2018), (&n.record_id, n.sequence, &n.ks_2018), "{name}");
            assert_eq!(c_results, without_labels(n_results), "{name} {}", c.record_id);
            json_normal += serde_json::to_vec(n).unwrap().len();
            json_codes += serde_json::to_vec(c).unwrap().len();
        }
        // The 2015 round's cards hold service results only, which have no label.
        assert!(labelled > 0 || name == "round-2015", "{name}: the normal cards carry labels");
        if name == "round-2018" {
            let saved = 1.0 - json_codes as f64 / json_normal as f64;
            assert!(saved > 0.3, "{name}: {json_codes} bytes of JSON instead of {json_normal} ({saved:.3} saved)");
        }
    }

    // `"codesOnly": true` in a JSON Lines round.
    let app = spawn_app().await;
    let text = include_str!("../../examples/round-2018.jsonl");
    let body: String = example_round(text, true).iter().map(|m| serde_json::to_string(m).unwrap() + "\n").collect();
    assert!(body.lines().next().unwrap().contains("\"codesOnly\":true"), "the header's JSON name");
    let answer =
        crate::http::call(&app.address, "POST", "/v1/rounds:score", &[("content-type", "application/x-ndjson")], body)
            .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let text = answer.text();
    let cards: Vec<&str> = text.lines().filter(|l| l.starts_with("{\"scoreCard\"")).collect();
    assert_eq!(cards.len(), 377);
    for card in cards {
        assert!(!card.contains("\"label") && card.contains("\"code\":\"digital_priority."), "{card}");
    }
}
