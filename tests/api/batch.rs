use std::path::{Path, PathBuf};

use indikator::batch::{self, BatchJob, BatchOutcome};
use indikator::proto::v1 as pb;

use crate::helpers::spawn_app;

fn example_round() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/round-2018.jsonl")
}

fn job(input: &Path, out: Option<PathBuf>, server: Option<String>) -> BatchJob {
    BatchJob {
        input: input.to_owned(),
        format: None,
        server,
        out,
        round_id: None,
        survey_year: None,
        calibration: None,
        max_records: 1_000_000,
        print: false,
    }
}

fn group<'a>(outcome: &'a BatchOutcome, dimension: pb::GroupDimension, key: &str) -> &'a pb::GroupTables {
    outcome.summary.groups.iter().find(|g| g.dimension() == dimension && g.key == key).unwrap()
}

#[tokio::test]
async fn the_example_round_reproduces_the_published_2018_tables() {
    let outcome = batch::run(&job(&example_round(), None, None)).await.unwrap();
    let all = group(&outcome, pb::GroupDimension::Overall, "all");
    assert_eq!(all.n, 377);
    let grades: Vec<&[u64]> = all.composites.iter().map(|c| c.per_grade.as_slice()).collect();
    assert_eq!(grades, [&[34, 105, 29, 110, 99][..], &[28, 101, 51, 107, 90], &[31, 112, 111, 37, 86]]);
    let strategy = &all.scores[0];
    assert_eq!(strategy.per_count[0], 124, "municipalities without a strategy");
    let medians: Vec<f64> = all.scores.iter().map(|s| s.median).collect();
    // The strategy median is 10: 9 cannot coexist with 124 without strategy and Tabell 3.1.
    assert_eq!(medians, [10.0, 7.0, 8.0, 6.0, 6.0, 2.0]);
    let competence = all.competence.as_ref().unwrap();
    assert_eq!(format!("{:.3}", competence.share_large_hindrance), "0.419");
    assert_eq!(format!("{:.3}", competence.share_small_hindrance), "0.202");
    assert_eq!(format!("{:.3}", competence.share_tried_to_recruit), "0.292");
    assert_eq!(outcome.cards, 377);
}

#[tokio::test]
async fn the_batch_client_gives_the_same_report_against_a_server_and_in_process() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (remote, local) = (dir.path().join("remote.json"), dir.path().join("local.json"));
    batch::run(&job(&example_round(), Some(remote.clone()), Some(app.address.clone()))).await.unwrap();
    batch::run(&job(&example_round(), Some(local.clone()), None)).await.unwrap();
    let (remote, local) = (std::fs::read_to_string(remote).unwrap(), std::fs::read_to_string(local).unwrap());
    assert!(remote.len() > 100_000, "cards and summary were written");
    assert_eq!(remote, local);
    let report: serde_json::Value = serde_json::from_str(&local).unwrap();
    assert_eq!(report["scoreCards"].as_array().unwrap().len(), 377);
    assert_eq!(report["summary"]["accounting"]["scored"], "377", "uint64 is a string in proto3 JSON");
}

#[tokio::test]
async fn the_same_round_as_csv_gives_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("round.csv");
    let mut writer = csv::Writer::from_path(&csv_path).unwrap();
    writer.write_record(batch::csv_format::columns()).unwrap();
    for line in std::fs::read_to_string(example_round()).unwrap().lines() {
        let message: pb::ScoreRoundRequest = serde_json::from_str(line).unwrap();
        if let Some(pb::score_round_request::Item::Record(record)) = message.item {
            writer.write_record(batch::csv_format::write_row(&record)).unwrap();
        }
    }
    writer.flush().unwrap();
    let mut csv_job = job(&csv_path, None, None);
    csv_job.round_id = Some("ssb-2018-synthetic".into());
    let from_csv = batch::run(&csv_job).await.unwrap();
    let from_jsonl = batch::run(&job(&example_round(), None, None)).await.unwrap();
    assert_eq!(from_csv.summary, from_jsonl.summary);
}

#[tokio::test]
async fn a_malformed_line_is_named_and_nothing_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.jsonl");
    let mut lines: Vec<String> =
        std::fs::read_to_string(example_round()).unwrap().lines().take(10).map(str::to_owned).collect();
    lines[6] = "{\"record\": {\"response\": 17}}".into();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let error = batch::run(&job(&path, None, None)).await.unwrap_err().to_string();
    assert!(error.starts_with(&format!("{}:7: ", path.display())), "{error}");

    let app = spawn_app().await;
    let error = batch::run(&job(&path, None, Some(app.address.clone()))).await.unwrap_err().to_string();
    assert!(error.contains(":7: "), "{error}");
}

#[tokio::test]
async fn relative_calibration_is_chosen_on_the_command_line() {
    let mut relative = job(&example_round(), None, None);
    relative.calibration = Some(pb::Calibration::Relative);
    let outcome = batch::run(&relative).await.unwrap();
    let c = outcome.summary.calibration.unwrap();
    assert_eq!(c.used(), pb::Calibration::Relative);
    for i in &c.indicators {
        assert_eq!(i.used_cut_points, i.derived_cut_points, "{}", i.indicator);
    }
    // The derived strategy cuts differ from the published 6/10/12 only at the bottom.
    assert_eq!(c.indicators[0].derived_cut_points, [7, 10, 12]);
}
