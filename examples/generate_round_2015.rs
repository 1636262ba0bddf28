//! Generates a synthetic `riksrevisjonen-2015` survey round of 261 municipalities
//! that reproduces the Auditor General's published figures (Dokument 3:6
//! (2015–2016); docs/method.md §3, §6) when run through a round.
//!
//! ```sh
//! cargo run --example generate_round_2015 -- --seed 2015 > examples/round-2015.jsonl
//! ```
//!
//! JSON Lines of `indikator.v1.ScoreRoundRequest`: the header (`riksrevisjonen-2015-synthetic`,
//! survey year 2015, published calibration), then one record per municipality with a
//! `riksrevisjonen_2015` block reporting all 19 services of the shipped catalogue.
//!
//! # What it reproduces
//!
//! * 37 of 261 municipalities (14 %) offer none of the services online, 29 of the 128
//!   under 5,000 inhabitants (23 %);
//! * 1,339 of the 4,959 (municipality, service) pairs (27 %) are offered online (level ≥ 1);
//! * 130 municipalities (49.8 %, «rundt halvparten») transfer received data
//!   electronically for at least one service (level ≥ 2), 24 (9.2 %, «under ti
//!   prosent») can answer electronically (level 3), more often the larger the
//!   municipality but in every size class;
//! * the opinions and barriers of the catalogue's questions ([`QUESTION_SHARES`]):
//!   61 % disagree that the requirements are well coordinated, a majority that state
//!   and municipality cooperate well, a majority work unsystematically with benefits.
//!
//! Everything random comes from a SplitMix64 generator seeded with `--seed`.

#[path = "common/synthetic.rs"]
mod synthetic;

use clap::Parser;
use indikator_app::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::figures::PUBLISHED_FIGURES;
use indikator_core::round::figures::checks;
use indikator_core::round::{CalibrationMode, RecordAnswers, RoundConfig};
use indikator_testing as validate;
use pb::maturity_answer::Answer;
use synthetic::SplitMix64;

/// Generates a synthetic riksrevisjonen-2015 round (JSON Lines of ScoreRoundRequest) on stdout.
#[derive(Parser)]
struct Args {
    /// Seed of the pseudo-random generator; the same seed gives the same file.
    #[arg(long, default_value_t = 2015)]
    seed: u64,
}

const ROUND_ID: &str = "riksrevisjonen-2015-synthetic";
const SURVEY_YEAR: u32 = 2015;
const MUNICIPALITIES: usize = 261;
/// Municipalities without any service online: all of them, and under 5,000 inhabitants.
const WITH_NONE: usize = 37;
const WITH_NONE_UNDER_5000: usize = 29;
/// (municipality, service) pairs at level ≥ 1: 27 % of 261 × 19.
const PAIRS_ONLINE: usize = 1_339;
/// Municipalities with a service at level ≥ 2, and with one at level 3.
const WITH_LEVEL_2: usize = 130;
const WITH_LEVEL_3: usize = 24;

/// Answers to the catalogue's questions: per question, (answer, municipalities).
/// Seed 001: «61 prosent … ikke er nok koordinert» (159 of 261 = 60.9 %), «et
/// flertall» find the cooperation not good enough, «et flertall … ikke arbeider
/// systematisk med å realisere gevinster»; «mange» lack competence or find the
/// costs too high. The other answers are ours.
const QUESTION_SHARES: [(&str, &[(&str, usize)]); 5] = [
    (
        "kravene-koordinert",
        &[
            ("helt-uenig", 63),
            ("delvis-uenig", 96),
            ("verken-eller", 45),
            ("delvis-enig", 34),
            ("helt-enig", 8),
            ("ingen-oppfatning", 15),
        ],
    ),
    (
        "godt-samarbeid",
        &[
            ("helt-uenig", 49),
            ("delvis-uenig", 94),
            ("verken-eller", 52),
            ("delvis-enig", 46),
            ("helt-enig", 7),
            ("ingen-oppfatning", 13),
        ],
    ),
    ("hinder-kompetanse", &[("ja", 157), ("nei", 91), ("vet-ikke", 13)]),
    ("hinder-kostnader", &[("ja", 143), ("nei", 99), ("vet-ikke", 19)]),
    ("gevinstrealisering", &[("ja", 92), ("nei", 151), ("vet-ikke", 18)]),
];

/// The 2015 counties (pre-2020, with Sør- and Nord-Trøndelag), 2015's 428
/// municipalities scaled to 261.
const COUNTY_QUOTAS: [(&str, usize); 19] = [
    ("01", 11),
    ("02", 13),
    ("03", 1),
    ("04", 13),
    ("05", 16),
    ("06", 13),
    ("07", 9),
    ("08", 11),
    ("09", 9),
    ("10", 9),
    ("11", 16),
    ("12", 20),
    ("14", 16),
    ("15", 22),
    ("16", 15),
    ("17", 14),
    ("18", 27),
    ("19", 15),
    ("20", 11),
];

/// Municipalities per size class (inhabitants `min..=max`): 128 under 5,000.
const SIZE_QUOTAS: [(u32, u32, usize); 7] = [
    (200, 1_999, 60),
    (2_000, 4_999, 68),
    (5_000, 9_999, 50),
    (10_000, 19_999, 40),
    (20_000, 29_999, 15),
    (30_000, 49_999, 14),
    (50_000, 290_000, 14),
];

struct Municipality {
    number: String,
    organisation_number: String,
    inhabitants: u32,
    /// Level per catalogue service.
    levels: Vec<u32>,
    /// Per catalogue question: its answer.
    answers: Vec<pb::MaturityAnswer>,
}

fn main() {
    let args = Args::parse();
    let mut rng = SplitMix64::new(args.seed);
    assert_eq!(COUNTY_QUOTAS.iter().map(|q| q.1).sum::<usize>(), MUNICIPALITIES);
    assert_eq!(SIZE_QUOTAS.iter().map(|q| q.2).sum::<usize>(), MUNICIPALITIES);
    let services = &Catalogues::shipped().riksrevisjonen_2015.services;

    let numbers = synthetic::municipality_numbers(&mut rng, &COUNTY_QUOTAS);
    let organisations = synthetic::organisation_numbers(&mut rng, MUNICIPALITIES);
    let mut inhabitants: Vec<u32> = SIZE_QUOTAS
        .iter()
        .flat_map(|&(min, max, quota)| (0..quota).map(move |_| (min, max)))
        .map(|(min, max)| synthetic::inhabitants(&mut rng, min, max))
        .collect();
    rng.shuffle(&mut inhabitants);
    let mut municipalities: Vec<Municipality> = numbers
        .into_iter()
        .zip(organisations)
        .zip(inhabitants)
        .map(|((number, organisation_number), inhabitants)| Municipality {
            number,
            organisation_number,
            inhabitants,
            levels: vec![0; services.len()],
            answers: Vec::new(),
        })
        .collect();

    // Who offers nothing: 29 under 5,000, 8 above.
    let small: Vec<usize> = (0..MUNICIPALITIES).filter(|&i| municipalities[i].inhabitants < 5_000).collect();
    let large: Vec<usize> = (0..MUNICIPALITIES).filter(|&i| municipalities[i].inhabitants >= 5_000).collect();
    let mut none = pick(&mut rng, &small, WITH_NONE_UNDER_5000);
    none.extend(pick(&mut rng, &large, WITH_NONE - WITH_NONE_UNDER_5000));
    let online: Vec<usize> = (0..MUNICIPALITIES).filter(|i| !none.contains(i)).collect();

    // Services online per municipality: one each, the rest dealt by size.
    let mut count = vec![0usize; MUNICIPALITIES];
    for &i in &online {
        count[i] = 1;
    }
    let weight = |m: &Municipality| f64::from(m.inhabitants).ln();
    for _ in online.len()..PAIRS_ONLINE {
        let weights: Vec<f64> =
            online.iter().map(|&i| if count[i] < services.len() { weight(&municipalities[i]) } else { 0.0 }).collect();
        count[online[rng.weighted(&weights)]] += 1;
    }
    // Which services: by how common each is online (earlier catalogue entries more so).
    let popularity: Vec<f64> = (0..services.len()).map(|s| 1.0 / (1.0 + s as f64 * 0.15)).collect();
    for &i in &online {
        let mut left = popularity.clone();
        for _ in 0..count[i] {
            let s = rng.weighted(&left);
            left[s] = 0.0;
            municipalities[i].levels[s] = 1;
        }
    }
    // Level 2 (received data transferred) for 130 and level 3 for 24 of them, drawn by
    // size: the larger the municipality the likelier, but no size class left out.
    let size_weight = |i: usize| f64::from(municipalities[i].inhabitants).powf(0.35);
    let weights: Vec<f64> = online.iter().map(|&i| size_weight(i)).collect();
    let level_2: Vec<usize> = rng.weighted_subset(&weights, WITH_LEVEL_2).into_iter().map(|k| online[k]).collect();
    let weights: Vec<f64> = level_2.iter().map(|&i| size_weight(i)).collect();
    let level_3 = rng.weighted_subset(&weights, WITH_LEVEL_3);
    for (k, &i) in level_2.iter().enumerate() {
        let offered: Vec<usize> = (0..services.len()).filter(|&s| municipalities[i].levels[s] >= 1).collect();
        let upgraded = pick(&mut rng, &offered, offered.len().div_ceil(2));
        for (j, &s) in upgraded.iter().enumerate() {
            municipalities[i].levels[s] = if level_3.contains(&k) && j == 0 { 3 } else { 2 };
        }
    }

    // The questions: each answer's count dealt at random.
    let questions = &Catalogues::shipped().riksrevisjonen_2015.items;
    for question in questions {
        let (_, shares) = QUESTION_SHARES.iter().find(|(id, _)| *id == question.id).expect("every question dealt");
        let mut dealt: Vec<&str> = shares.iter().flat_map(|&(answer, n)| std::iter::repeat_n(answer, n)).collect();
        assert_eq!(dealt.len(), MUNICIPALITIES, "{}: every municipality answers", question.id);
        rng.shuffle(&mut dealt);
        for (m, answer) in municipalities.iter_mut().zip(dealt) {
            let answer = match answer {
                "ja" => Answer::Yes(true),
                "nei" => Answer::Yes(false),
                "vet-ikke" | "ingen-oppfatning" => Answer::DontKnow(true),
                option => Answer::Choice(option.to_owned()),
            };
            m.answers.push(pb::MaturityAnswer { item_id: question.id.clone(), answer: Some(answer) });
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
    for m in &municipalities {
        let response = pb::SurveyResponse {
            respondent: Some(pb::Respondent {
                organisation_number: m.organisation_number.clone(),
                kind: pb::RespondentKind::Municipality as i32,
                municipality_number: m.number.clone(),
                county_number: String::new(),
                name: format!("Syntetisk kommune {}", m.number),
                inhabitants: m.inhabitants,
                survey_year: SURVEY_YEAR,
            }),
            riksrevisjonen_2015: Some(pb::Riksrevisjonen2015Answers {
                services: services
                    .iter()
                    .zip(&m.levels)
                    .map(|(s, &level)| pb::ServiceLevel { service_id: s.id.clone(), level })
                    .collect(),
                answers: m.answers.clone(),
            }),
            ..Default::default()
        };
        lines.push(synthetic::record_line(m.number.clone(), response));
    }
    let summary = verify(&lines);
    synthetic::write_round(&lines);
    eprintln!("generate_round_2015: seed {}\n{summary}", args.seed);
}

/// `k` distinct members of `from`, at random.
fn pick(rng: &mut SplitMix64, from: &[usize], k: usize) -> Vec<usize> {
    let mut all = from.to_vec();
    rng.shuffle(&mut all);
    all.truncate(k);
    all
}

/// Reads every line back, validates it, folds the round and checks every published
/// figure of the Auditor General; panics on a miss. Returns the summary for stderr.
fn verify(lines: &[String]) -> String {
    let mut round = indikator_testing::round(RoundConfig {
        round_id: ROUND_ID.into(),
        survey_year: SURVEY_YEAR as u16,
        calibration: CalibrationMode::Published,
    });
    for line in &lines[1..] {
        let request: pb::ScoreRoundRequest = serde_json::from_str(line).expect("each line parses");
        let Some(pb::score_round_request::Item::Record(record)) = request.item else { panic!("a record") };
        let v = validate::survey_response(record.response.as_ref(), "response").expect("valid");
        let answers = RecordAnswers {
            riksrevisjonen_2015: v.riksrevisjonen_2015.as_deref(),
            riksrevisjonen_2015_chosen: v.riksrevisjonen_2015_chosen.as_deref(),
            ..Default::default()
        };
        round.add(&record.record_id, &v.respondent, answers);
    }
    let report = round.finish();
    assert_eq!(report.scored, MUNICIPALITIES as u64);
    let figures = checks(&report.tables, &report.items, &report.catalogues);
    let mut s = format!("  records: {MUNICIPALITIES} municipalities (+ header), all valid\n");
    for f in &figures {
        assert!(f.agrees, "{}: {} of {} (published {})", f.figure.id, f.count, f.base, f.figure.published);
        s += &format!("  {}: {} of {} (published {})\n", f.figure.id, f.count, f.base, f.figure.published);
    }
    let carried = PUBLISHED_FIGURES.iter().filter(|f| f.methodology == "riksrevisjonen-2015").count();
    assert_eq!(figures.len(), carried, "every riksrevisjonen-2015 figure is checked");
    s += "  all published figures agree";
    s
}
