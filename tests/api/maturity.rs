//! `ks-2018` and `riksrevisjonen-2015` end to end: rounds, score cards, custom catalogues.

use indikator_client::proto::v1::{self as pb, maturity_answer::Answer, score_round_request::Item as In};
use indikator_core::catalogue::Catalogues;
use indikator_core::domain::OrganisationNumber;
use indikator_server::ServerSettings;

use crate::helpers::{spawn_app, spawn_app_with, violated_fields};

/// The n-th distinct valid organisation number.
fn org(n: u32) -> String {
    (n * 1000..)
        .find_map(|k| {
            let digits: Vec<u32> = format!("{:08}", 10_000_000 + k).chars().map(|c| c.to_digit(10).unwrap()).collect();
            OrganisationNumber::check_digit(&digits).map(|d| format!("{:08}{d}", 10_000_000 + k))
        })
        .unwrap()
}

fn respondent(n: u32, municipality: &str, inhabitants: u32) -> pb::Respondent {
    pb::Respondent {
        organisation_number: org(n),
        kind: pb::RespondentKind::Municipality as i32,
        municipality_number: municipality.into(),
        county_number: String::new(),
        name: format!("Kommune {municipality}"),
        inhabitants,
        survey_year: 2015,
    }
}

fn header(year: u32) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(In::Header(pb::RoundHeader {
            round_id: "maturity".into(),
            survey_year: year,
            calibration: pb::Calibration::Published as i32,
            min_coverage: 0.0,
            codes_only: false,
        })),
    }
}

fn record(id: String, response: pb::SurveyResponse) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest { item: Some(In::Record(pb::RoundRecord { record_id: id, response: Some(response) })) }
}

async fn round(
    client: &mut pb::indicator_service_client::IndicatorServiceClient<tonic::transport::Channel>,
    messages: Vec<pb::ScoreRoundRequest>,
) -> (Vec<pb::ScoreCard>, pb::RoundSummary) {
    let mut inbound = client.score_round(futures::stream::iter(messages)).await.unwrap().into_inner();
    let mut cards = Vec::new();
    while let Some(m) = inbound.message().await.unwrap() {
        match m.item.unwrap() {
            pb::score_round_response::Item::ScoreCard(c) => cards.push(c),
            pb::score_round_response::Item::Summary(s) => return (cards, s),
            pb::score_round_response::Item::Rejection(r) => panic!("unexpected rejection {r:?}"),
        }
    }
    panic!("no summary")
}

/// 261 municipalities, 128 of them under 5,000 inhabitants: 37 offer none of the 19
/// services online (29 of them small); the other 224 offer 6 each, so 1,344 of the
/// 4,959 (municipality, service) pairs are at level ≥ 1: 27.1 %.
#[tokio::test]
async fn a_round_built_on_the_2015_figures_reproduces_the_published_headlines() {
    let mut app = spawn_app().await;
    let services = &Catalogues::shipped().riksrevisjonen_2015.services;
    assert_eq!(services.len(), 19);
    let mut messages = vec![header(2015)];
    for i in 0..261u32 {
        let small = i < 128;
        let none = if small { i < 29 } else { i < 128 + 8 };
        let municipality = format!("{}{:02}", ["46", "50", "18"][(i / 87) as usize], i % 87 + 1);
        let levels = services
            .iter()
            .enumerate()
            .map(|(s, service)| pb::ServiceLevel {
                service_id: service.id.clone(),
                level: if none || (s + i as usize) % 19 >= 6 { 0 } else { 1 + (s as u32 % 3) },
            })
            .collect();
        let response = pb::SurveyResponse {
            respondent: Some(respondent(i + 1, &municipality, if small { 3_000 } else { 8_000 })),
            riksrevisjonen_2015: Some(pb::Riksrevisjonen2015Answers { services: levels, ..Default::default() }),
            ..Default::default()
        };
        messages.push(record(municipality, response));
    }
    let (cards, summary) = round(&mut app.client, messages).await;
    assert_eq!(cards.len(), 261);
    let overall = summary.groups[0].riksrevisjonen_2015.as_ref().unwrap();
    assert_eq!((overall.municipalities, overall.with_none), (261, 37));
    assert_eq!((overall.municipalities_under_5000, overall.with_none_under_5000), (128, 29));
    assert_eq!((overall.pairs, overall.pairs_at_least_1), (4_959, 1_344));
    assert_eq!((overall.share_pairs_at_least_1 * 100.0).round(), 27.0);
    assert_eq!((overall.share_with_none * 100.0).round(), 14.0);
    assert_eq!(overall.by_area.len(), 3);
    assert_eq!(overall.by_service.len(), 19);
    assert_eq!(overall.by_area.iter().map(|a| a.pairs_at_least_1).sum::<u64>(), 1_344);
    let small = summary
        .groups
        .iter()
        .find(|g| g.key == "SIZE_CLASS_2000_TO_4999")
        .and_then(|g| g.riksrevisjonen_2015.as_ref())
        .unwrap();
    assert_eq!((small.municipalities, small.with_none), (128, 29));
    let first = cards[0].results.as_ref().unwrap().riksrevisjonen_2015.as_ref().unwrap();
    assert!(first.none_offered);
}

fn ks_answers(choices: usize, yes: bool) -> pb::Ks2018Answers {
    let options = ["moteplasser", "henvendelser", "undersokelser", "tjenestedesign", "prosessanalyser", "andre"];
    pb::Ks2018Answers {
        answers: vec![
            pb::MaturityAnswer {
                item_id: "bis-1".into(),
                answer: Some(Answer::Choices(pb::ChoiceList {
                    option_ids: options[..choices].iter().map(|s| s.to_string()).collect(),
                })),
            },
            pb::MaturityAnswer { item_id: "bis-2".into(), answer: Some(Answer::Yes(yes)) },
        ],
    }
}

/// «Brukeren i sentrum» (bis-1: share of 6 forms × 5; bis-2: ja 5, nei 0):
/// A 4601 Vestland 5.0 · B 4602 Vestland 1.25 · C 1103 Rogaland 2.5 · D 0301 Oslo 2.5.
/// National mean 2.8125; Vestland 3.125; Vestlandet (A, B, C) 2.916…; Østlandet 2.5.
/// Ranks: A 1, C and D 2 (tied), B 4.
#[tokio::test]
async fn ks_score_cards_put_each_area_beside_county_region_and_national_means_with_ranks() {
    let mut app = spawn_app().await;
    let specs = [("A", "4601", 6, true), ("B", "4602", 3, false), ("C", "1103", 6, false), ("D", "0301", 0, true)];
    let mut messages = vec![header(2018)];
    for (n, (id, municipality, choices, yes)) in specs.into_iter().enumerate() {
        let mut r = respondent(n as u32 + 1, municipality, 10_000);
        r.survey_year = 2018;
        let response =
            pb::SurveyResponse { respondent: Some(r), ks_2018: Some(ks_answers(choices, yes)), ..Default::default() };
        messages.push(record(id.into(), response));
    }
    let (cards, summary) = round(&mut app.client, messages).await;
    let card = |id: &str| {
        let c = cards.iter().find(|c| c.record_id == id).unwrap();
        c.ks_2018.iter().find(|a| a.area_id == "brukeren-i-sentrum").unwrap().clone()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let a = card("A");
    assert_eq!((a.score, a.national_rank, a.ranked), (Some(5.0), 1, 4));
    assert!(close(a.national_mean, 2.8125) && close(a.county_mean, 3.125) && close(a.region_mean, 8.75 / 3.0));
    let b = card("B");
    assert_eq!((b.score, b.national_rank), (Some(1.25), 4));
    let c = card("C");
    assert_eq!((c.score, c.national_rank), (Some(2.5), 2));
    assert!(close(c.county_mean, 2.5) && close(c.region_mean, 8.75 / 3.0));
    let d = card("D");
    assert_eq!((d.score, d.national_rank), (Some(2.5), 2));
    assert!(close(d.county_mean, 2.5) && close(d.region_mean, 2.5));
    // Areas nobody answered are unscored and unranked.
    let other = cards[0].ks_2018.iter().find(|x| x.area_id == "helse-og-velferd").unwrap();
    assert_eq!((other.score, other.national_rank, other.ranked), (None, 0, 0));

    let national = &summary.groups[0].ks_2018;
    let bis = national.iter().find(|m| m.area_id == "brukeren-i-sentrum").unwrap();
    assert_eq!(bis.n, 4);
    assert!(close(bis.mean, 2.8125));
    assert_eq!(bis.published_national_mean, 1.9);
    assert_eq!(summary.min_coverage, 0.5);
}

#[tokio::test]
async fn a_round_may_raise_the_minimum_coverage() {
    let mut app = spawn_app().await;
    let mut r = respondent(1, "4601", 10_000);
    r.survey_year = 2018;
    let mut answers = ks_answers(6, true);
    answers.answers.pop(); // 1 of 2 items: exactly half
    let response = pb::SurveyResponse { respondent: Some(r), ks_2018: Some(answers), ..Default::default() };
    let mut strict = header(2018);
    if let Some(In::Header(h)) = strict.item.as_mut() {
        h.min_coverage = 0.75;
    }
    let (cards, summary) = round(&mut app.client, vec![strict, record("x".into(), response.clone())]).await;
    assert_eq!(summary.min_coverage, 0.75);
    assert_eq!(cards[0].ks_2018[0].score, None, "half is below 0.75");
    let (cards, _) = round(&mut app.client, vec![header(2018), record("x".into(), response)]).await;
    assert_eq!(cards[0].ks_2018[0].score, Some(5.0), "half meets the default");
}

const CUSTOM_KS: &str = r#"
id = "ks-2018"
name_nb = "Egen modenhetsmåling"
name_en = "Our own maturity survey"
source = "Our municipality, 2025"
provenance = "published"

[[areas]]
id = "selvbetjening"
name_nb = "Selvbetjening"
name_en = "Self-service"
provenance = "published"

[[items]]
id = "sb-1"
area = "selvbetjening"
question_nb = "Hvor digital er søknaden om barnehageplass?"
question_en = "How digital is the kindergarten application?"
answer = "level"
provenance = "published"
"#;

#[tokio::test]
async fn a_custom_catalogue_from_a_directory_replaces_the_shipped_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ks.toml"), CUSTOM_KS).unwrap();
    let catalogues = Catalogues::load(Some(dir.path())).unwrap();
    let mut app = spawn_app_with(ServerSettings { catalogues, ..ServerSettings::default() }).await;

    let methodology = app
        .client
        .get_methodology(pb::GetMethodologyRequest { methodology_id: "ks-2018".into() })
        .await
        .unwrap()
        .into_inner()
        .methodologies
        .remove(0);
    assert_eq!(methodology.name, "Egen modenhetsmåling");
    let catalogue = methodology.catalogue.unwrap();
    assert_eq!(catalogue.items.len(), 1);
    assert_eq!(catalogue.items[0].answer_type, "level");

    let mut request = crate::helpers::example_request();
    let response = request.response.as_mut().unwrap();
    response.ks_2018 = Some(pb::Ks2018Answers {
        answers: vec![pb::MaturityAnswer { item_id: "sb-1".into(), answer: Some(Answer::Level(2)) }],
    });
    let results = app.client.score(request.clone()).await.unwrap().into_inner().results.unwrap();
    let area = &results.ks_2018.unwrap().areas[0];
    assert_eq!((area.area_id.as_str(), area.score), ("selvbetjening", Some(10.0 / 3.0)));

    // The shipped item ids are gone.
    let mut shipped = ks_answers(1, true);
    shipped.answers.truncate(1);
    request.response.as_mut().unwrap().ks_2018 = Some(shipped);
    let status = app.client.score(request.clone()).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["response.ks_2018.answers[0].item_id"]);

    // More answers than the catalogue has items: one violation for the list.
    request.response.as_mut().unwrap().ks_2018 = Some(ks_answers(1, true));
    let status = app.client.score(request).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["response.ks_2018.answers"]);
}

#[test]
fn a_broken_catalogue_directory_is_refused_naming_file_item_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ks.toml"), CUSTOM_KS.replace("answer = \"level\"", "answer = \"slider\"")).unwrap();
    let error = Catalogues::load(Some(dir.path())).unwrap_err().to_string();
    assert!(error.contains("ks.toml") && error.contains("sb-1") && error.contains("slider"), "{error}");
}
