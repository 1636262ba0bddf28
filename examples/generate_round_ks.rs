//! Generates a synthetic `ks-2018` survey round of 215 respondents that reproduces
//! KS / Rambøll's published 2018 figures (docs/method.md §2, §6) when run through a round.
//!
//! ```sh
//! cargo run --example generate_round_ks -- --seed 2018 > examples/round-ks-2018.jsonl
//! ```
//!
//! JSON Lines of `indikator.v1.ScoreRoundRequest`: the header (`ks-2018-synthetic`,
//! survey year 2018, published calibration), then 205 municipalities and 10 county
//! municipalities, each with a `ks_2018` block answering the shipped catalogue's
//! items area by area.
//!
//! # What it reproduces
//!
//! * 215 respondents answered some part of the survey and 141 every part (all eight
//!   areas); the others answered one to seven areas;
//! * the eight area means over the municipalities, to the published decimal: 1.9,
//!   2.1, 2.6, 2.9, 3.2, 2.7, 3.0, 3.0 (the county municipalities' means are held
//!   to the same targets, so the means over every respondent round the same way);
//! * «To tredjedeler» covered by a strategy or guidelines for information security
//!   (sik-1: any answer but «ingen»), and 49 % with a strategy/plan for cloud
//!   services (sik-5: «Ja, strategi/plan er utarbeidet»).
//!
//! The third item figure the publication quotes (6 % do not follow a standard for
//! accessible web content) has no item in the shipped catalogue, so no round has it.
//!
//! Answers are drawn around each area's target, then moved one step at a time
//! (never on sik-1 and sik-5, whose counts are fixed first) until each mean is
//! within 0.02 of its target. Every answer is a real answer (no «vet ikke»), so
//! every answered area is scored. Everything random comes from a SplitMix64
//! generator seeded with `--seed`.

#[path = "common/synthetic.rs"]
mod synthetic;

use clap::Parser;
use indikator::catalogue::{AnswerType, Catalogues, ItemDef};
use indikator::proto::v1 as pb;
use indikator::round::figures::checks;
use indikator::round::{CalibrationMode, RecordAnswers, RoundConfig};
use indikator::testing as validate;
use pb::maturity_answer::Answer;
use synthetic::SplitMix64;

/// Generates a synthetic ks-2018 round (JSON Lines of ScoreRoundRequest) on stdout.
#[derive(Parser)]
struct Args {
    /// Seed of the pseudo-random generator; the same seed gives the same file.
    #[arg(long, default_value_t = 2018)]
    seed: u64,
}

const ROUND_ID: &str = "ks-2018-synthetic";
const SURVEY_YEAR: u32 = 2018;
const MUNICIPALITIES: usize = 205;
/// County municipalities, one per county of the 2018 structure but Oslo's.
const COUNTY_MUNICIPALITIES: [&str; 10] = ["01", "02", "04", "05", "06", "07", "08", "11", "12", "15"];
/// Respondents that answered every area.
const ALL_PARTS: usize = 141;
/// sik-1 answered other than «ingen»: two in three; sik-5 «strategi-plan»: 49 %.
const SIK_1_SHARE: f64 = 2.0 / 3.0;
const SIK_5_SHARE: f64 = 0.49;

/// Municipalities per county in the 2018 structure, scaled to 205.
const COUNTY_QUOTAS: [(&str, usize); 18] = [
    ("01", 9),
    ("02", 11),
    ("03", 1),
    ("04", 11),
    ("05", 12),
    ("06", 10),
    ("07", 4),
    ("08", 9),
    ("09", 7),
    ("10", 7),
    ("11", 12),
    ("12", 16),
    ("14", 12),
    ("15", 17),
    ("18", 21),
    ("19", 12),
    ("20", 10),
    ("50", 24),
];

/// One item's real answers, ascending by value.
fn choices(item: &ItemDef) -> Vec<(Answer, f64)> {
    let mut c: Vec<(Answer, f64)> = match item.answer {
        AnswerType::Degree => (1..=5).map(|k| (Answer::Degree(k), f64::from(k))).collect(),
        AnswerType::YesNo => {
            let value = |id: &str| item.options.iter().find(|o| o.id == id).and_then(|o| o.value).unwrap_or(0.0);
            vec![(Answer::Yes(false), value("nei")), (Answer::Yes(true), value("ja"))]
        }
        AnswerType::SingleChoice => {
            item.options.iter().filter_map(|o| o.value.map(|v| (Answer::Choice(o.id.clone()), v))).collect()
        }
        AnswerType::MultiChoice { max_count } => (0..=max_count as usize)
            .map(|k| {
                let ids = item.options.iter().take(k).map(|o| o.id.clone()).collect();
                (Answer::Choices(pb::ChoiceList { option_ids: ids }), 5.0 * k as f64 / f64::from(max_count))
            })
            .collect(),
        AnswerType::Level => (0..=3).map(|l| (Answer::Level(l), 5.0 * f64::from(l) / 3.0)).collect(),
    };
    c.sort_by(|a, b| a.1.total_cmp(&b.1));
    c
}

struct Respondent {
    organisation_number: String,
    municipality: Option<String>,
    county: String,
    inhabitants: u32,
    /// Per catalogue item: the index of its answer among [`choices`]; `None` = its
    /// area was not answered.
    answers: Vec<Option<usize>>,
}

fn main() {
    let args = Args::parse();
    let mut rng = SplitMix64::new(args.seed);
    let ks = &Catalogues::shipped().ks_2018;
    assert_eq!(COUNTY_QUOTAS.iter().map(|q| q.1).sum::<usize>(), MUNICIPALITIES);
    let items: Vec<Vec<(Answer, f64)>> = ks.items.iter().map(choices).collect();
    let areas = ks.areas.len();
    let targets: Vec<f64> = ks.areas.iter().map(|a| a.published_national_mean.expect("published")).collect();

    let numbers = synthetic::municipality_numbers(&mut rng, &COUNTY_QUOTAS);
    let total = MUNICIPALITIES + COUNTY_MUNICIPALITIES.len();
    let organisations = synthetic::organisation_numbers(&mut rng, total);
    let mut respondents: Vec<Respondent> = organisations
        .into_iter()
        .enumerate()
        .map(|(i, organisation_number)| {
            let (municipality, county, inhabitants) = if i < MUNICIPALITIES {
                let n = numbers[i].clone();
                (Some(n.clone()), n[..2].to_owned(), synthetic::inhabitants(&mut rng, 300, 200_000))
            } else {
                (None, COUNTY_MUNICIPALITIES[i - MUNICIPALITIES].to_owned(), 0)
            };
            Respondent { organisation_number, municipality, county, inhabitants, answers: vec![None; ks.items.len()] }
        })
        .collect();

    // Who answered which areas: 141 every area, the others one to seven.
    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    for (k, &r) in order.iter().enumerate() {
        let answered: Vec<bool> = if k < ALL_PARTS {
            vec![true; areas]
        } else {
            let mut some: Vec<usize> = (0..areas).collect();
            rng.shuffle(&mut some);
            let n = 1 + rng.below(areas - 1);
            (0..areas).map(|a| some[..n].contains(&a)).collect()
        };
        for (i, item) in ks.items.iter().enumerate() {
            if answered[item.area] {
                // Drawn around the area's target.
                let aim = targets[item.area] + 3.0 * (rng.unit() - 0.5);
                let best = (0..items[i].len())
                    .min_by(|&a, &b| (items[i][a].1 - aim).abs().total_cmp(&(items[i][b].1 - aim).abs()))
                    .expect("an item has answers");
                respondents[r].answers[i] = Some(best);
            }
        }
    }

    // sik-1 and sik-5: exact counts among the municipalities that answered them.
    let fixed: Vec<usize> = ["sik-1", "sik-5"].iter().map(|id| ks.item_index(id).expect("shipped")).collect();
    for (&i, (share, matching)) in fixed.iter().zip([(SIK_1_SHARE, "ingen"), (SIK_5_SHARE, "strategi-plan")]) {
        let ids: Vec<String> = items[i]
            .iter()
            .map(|(a, _)| match a {
                Answer::Choice(id) => id.clone(),
                _ => unreachable!("sik-1 and sik-5 are single choices"),
            })
            .collect();
        let hit = ids.iter().position(|id| id == matching).expect("the option");
        let mut who: Vec<usize> = (0..MUNICIPALITIES).filter(|&r| respondents[r].answers[i].is_some()).collect();
        rng.shuffle(&mut who);
        let n = who.len();
        // sik-1 counts the answers other than «ingen»; sik-5 the «strategi-plan» ones.
        let wanted = (share * n as f64).round() as usize;
        let with_hit = if matching == "ingen" { n - wanted } else { wanted };
        for (k, &r) in who.iter().enumerate() {
            let others: Vec<usize> = (0..ids.len()).filter(|&o| o != hit).collect();
            respondents[r].answers[i] = Some(if k < with_hit { hit } else { others[rng.below(others.len())] });
        }
    }

    // Move answers one step at a time until each area's mean is within 0.02 of its target,
    // over the municipalities and over the county municipalities.
    for group in [0..MUNICIPALITIES, MUNICIPALITIES..total] {
        for (area, &target) in targets.iter().enumerate() {
            let area_items: Vec<usize> = (0..ks.items.len()).filter(|&i| ks.items[i].area == area).collect();
            let movable: Vec<usize> = area_items.iter().copied().filter(|i| !fixed.contains(i)).collect();
            let members: Vec<usize> =
                group.clone().filter(|&r| respondents[r].answers[area_items[0]].is_some()).collect();
            if members.is_empty() {
                continue;
            }
            for _ in 0..200_000 {
                let score = |r: &Respondent| {
                    area_items.iter().map(|&i| items[i][r.answers[i].expect("answered")].1).sum::<f64>()
                        / area_items.len() as f64
                };
                let mean = members.iter().map(|&r| score(&respondents[r])).sum::<f64>() / members.len() as f64;
                let gap = target - mean;
                if gap.abs() <= 0.02 {
                    break;
                }
                let r = members[rng.below(members.len())];
                let i = movable[rng.below(movable.len())];
                let at = respondents[r].answers[i].expect("answered");
                if gap > 0.0 && at + 1 < items[i].len() {
                    respondents[r].answers[i] = Some(at + 1);
                } else if gap < 0.0 && at > 0 {
                    respondents[r].answers[i] = Some(at - 1);
                }
            }
        }
    }

    let mut lines = vec![
        serde_json::to_string(&pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
                round_id: ROUND_ID.into(),
                survey_year: SURVEY_YEAR,
                calibration: pb::Calibration::Published as i32,
                ..Default::default()
            })),
        })
        .expect("serialisable"),
    ];
    for (k, r) in respondents.iter().enumerate() {
        let (kind, name) = match &r.municipality {
            Some(n) => (pb::RespondentKind::Municipality, format!("Syntetisk kommune {n}")),
            None => (pb::RespondentKind::CountyMunicipality, format!("Syntetisk fylkeskommune {}", r.county)),
        };
        let answers = ks
            .items
            .iter()
            .zip(&r.answers)
            .filter_map(|(item, &at)| {
                let i = ks.item_index(&item.id).expect("shipped");
                at.map(|at| pb::MaturityAnswer { item_id: item.id.clone(), answer: Some(items[i][at].0.clone()) })
            })
            .collect();
        let response = pb::SurveyResponse {
            respondent: Some(pb::Respondent {
                organisation_number: r.organisation_number.clone(),
                kind: kind as i32,
                municipality_number: r.municipality.clone().unwrap_or_default(),
                county_number: if r.municipality.is_some() { String::new() } else { r.county.clone() },
                name,
                inhabitants: r.inhabitants,
                survey_year: SURVEY_YEAR,
            }),
            ks_2018: Some(pb::Ks2018Answers { answers }),
            ..Default::default()
        };
        let id = r.municipality.clone().unwrap_or_else(|| format!("fylke-{}", r.county));
        lines.push(synthetic::record_line(format!("{id}-{k}"), response));
    }
    let summary = verify(&lines);
    synthetic::write_round(&lines);
    eprintln!("generate_round_ks: seed {}\n{summary}", args.seed);
}

/// Reads every line back, validates it, folds the round and checks every published
/// KS figure; panics on a miss. Returns the summary for stderr.
fn verify(lines: &[String]) -> String {
    let mut round = indikator::testing::round(RoundConfig {
        round_id: ROUND_ID.into(),
        survey_year: SURVEY_YEAR as u16,
        calibration: CalibrationMode::Published,
    });
    for line in &lines[1..] {
        let request: pb::ScoreRoundRequest = serde_json::from_str(line).expect("each line parses");
        let Some(pb::score_round_request::Item::Record(record)) = request.item else { panic!("a record") };
        let v = validate::survey_response(record.response.as_ref(), "response").expect("valid");
        let answers = RecordAnswers {
            ks_2018: v.ks_2018.as_deref(),
            ks_2018_chosen: v.ks_2018_chosen.as_ref(),
            ..Default::default()
        };
        round.add(&record.record_id, &v.respondent, answers);
    }
    let report = round.finish();
    let figures = checks(&report.tables, &report.items, &report.catalogues);
    let mut s = format!("  records: {} respondents (+ header), all valid\n", report.scored);
    for f in &figures {
        assert!(f.agrees, "{}: {} (published {})", f.figure.id, f.value, f.figure.published);
        s += &format!(
            "  {}: {:.3} ({} of {}; published {})\n",
            f.figure.id, f.value, f.count, f.base, f.figure.published
        );
    }
    assert_eq!(figures.len(), 12, "every ks-2018 figure is checked");
    // The means over every respondent round the same way.
    let overall = report.tables.overall();
    for (a, area) in report.catalogues.ks_2018.areas.iter().enumerate() {
        let published = area.published_national_mean.expect("published");
        let mean = overall.ks_mean(a);
        assert!((mean - published).abs() < 0.05, "{} over every respondent: {mean}", area.id);
    }
    s += "  all published figures agree (the area means over every respondent too)";
    s
}
