use std::path::{Path, PathBuf};

use indikator_app::proto::v1 as pb;
use indikator_client::batch::{self, BatchJob, BatchOutcome};

use crate::helpers::spawn_app;

pub fn example_round() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/round-2018.jsonl")
}

pub fn job(input: &Path, out: Option<PathBuf>, server: Option<String>) -> BatchJob {
    BatchJob {
        input: input.to_owned(),
        format: None,
        server,
        out,
        csv: None,
        tables_csv: None,
        parquet: None,
        tables_parquet: None,
        xlsx: None,
        html: None,
        small_group: indikator_app::render::SMALL_GROUP,
        delimiter: None,
        round_id: None,
        survey_year: None,
        calibration: None,
        codes_only: false,
        max_records: 1_000_000,
        catalogues: indikator_core::catalogue::Catalogues::shipped().clone(),
        print: false,
        token_file: None,
        tls: Default::default(),
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
async fn the_batch_client_gives_the_same_report_csv_export_and_tables_against_a_server_and_in_process() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (remote, local) = (dir.path().join("remote.json"), dir.path().join("local.json"));
    // Against a server the cards are written one by one as they arrive;
    // in-process they are rendered in chunks on every core.
    let with_csv = |out: &Path, server: Option<String>| {
        let mut job = job(&example_round(), Some(out.to_owned()), server);
        job.csv = Some(out.with_extension("csv"));
        job.tables_csv = Some(out.with_extension("tables"));
        job
    };
    batch::run(&with_csv(&remote, Some(app.address.clone()))).await.unwrap();
    batch::run(&with_csv(&local, None)).await.unwrap();
    let (remote_csv, local_csv) = (
        std::fs::read_to_string(remote.with_extension("csv")).unwrap(),
        std::fs::read_to_string(local.with_extension("csv")).unwrap(),
    );
    assert_eq!(remote_csv.lines().count(), 378, "a header and a row per scored respondent");
    assert_eq!(remote_csv, local_csv);
    for table in std::fs::read_dir(remote.with_extension("tables")).unwrap() {
        let table = table.unwrap();
        let local_table = local.with_extension("tables").join(table.file_name());
        assert_eq!(std::fs::read(table.path()).unwrap(), std::fs::read(local_table).unwrap());
    }
    let (remote, local) = (std::fs::read_to_string(remote).unwrap(), std::fs::read_to_string(local).unwrap());
    assert!(remote.len() > 100_000, "cards and summary were written");
    assert_eq!(remote, local);
    let report: serde_json::Value = serde_json::from_str(&local).unwrap();
    assert_eq!(report["scoreCards"].as_array().unwrap().len(), 377);
    assert_eq!(report["summary"]["accounting"]["scored"], "377", "uint64 is a string in proto3 JSON");
}

#[tokio::test]
async fn the_same_round_as_csv_gives_the_same_summary_and_the_same_report_against_a_server() {
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
    let mut csv_job = job(&csv_path, Some(dir.path().join("local.json")), None);
    csv_job.round_id = Some("ssb-2018-synthetic".into());
    let from_csv = batch::run(&csv_job).await.unwrap();
    let from_jsonl = batch::run(&job(&example_round(), None, None)).await.unwrap();
    assert_eq!(from_csv.summary, from_jsonl.summary);

    // In-process, rows are read straight into what validation reads; a
    // server gets them as messages. The reports are the same.
    let app = spawn_app().await;
    let mut remote_job = csv_job.clone();
    remote_job.server = Some(app.address.clone());
    remote_job.out = Some(dir.path().join("remote.json"));
    batch::run(&remote_job).await.unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(read("remote.json"), read("local.json"));
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

// ---- `indikator batch` as users run it ----

/// The printed tables of `indikator batch examples/round-2018.jsonl`, checked by
/// hand against docs/batch.md and docs/method.md's published 2018 figures. When a change
/// to the round tables is meant to change them, rewrite the file with
/// `UPDATE_GOLDEN=1 cargo test --test api batch_prints`, and read the diff before
/// committing it.
const GOLDEN: &str = "tests/golden/batch-round-2018.txt";

pub struct BatchRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `indikator batch ARGS` in the crate's directory (no `INDIKATOR_*` from
/// the test's environment: `INDIKATOR_SERVER` would pick a server).
pub async fn indikator_batch(args: &[&str]) -> BatchRun {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"));
    command.arg("batch").args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("INDIKATOR_") {
            command.env_remove(&name);
        }
    }
    let output = command.output().await.expect("run indikator batch");
    BatchRun {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 on stdout"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn golden() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN)).expect(GOLDEN)
}

/// `actual` is `expected`, or the first line that differs is named.
fn assert_same_text(actual: &str, expected: &str, what: &str) {
    for (i, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "{what}: line {} differs", i + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count(), "{what}: line count");
    assert_eq!(actual, expected, "{what}");
}

#[tokio::test]
async fn indikator_batch_prints_the_example_rounds_tables() {
    let run = indikator_batch(&["examples/round-2018.jsonl"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("377 records: 377 scored, 0 rejected; 377 score cards"), "{}", run.stderr);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN), &run.stdout).unwrap();
        eprintln!("rewrote {GOLDEN}: review the diff");
    }
    assert_same_text(&run.stdout, &golden(), GOLDEN);
}

#[tokio::test]
async fn indikator_batch_against_a_server_prints_the_same_tables_and_writes_the_report() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let out_arg = out.display().to_string();
    let run = indikator_batch(&["examples/round-2018.jsonl", "--server", &app.address, "--out", &out_arg]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_same_text(&run.stdout, &golden(), "against a server");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(report["scoreCards"].as_array().unwrap().len(), 377);
    assert_eq!(report["summary"]["accounting"]["scored"], "377");

    // `--quiet` prints nothing.
    let quiet = indikator_batch(&["examples/round-2018.jsonl", "--quiet"]).await;
    assert_eq!((quiet.code, quiet.stdout.as_str()), (Some(0), ""), "{}", quiet.stderr);
}

#[tokio::test]
async fn indikator_batch_round_id_replaces_the_files() {
    let run = indikator_batch(&["examples/round-2018.jsonl", "--round-id", "kommuner-2018"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = golden().replacen("Round ssb-2018-synthetic (", "Round kommuner-2018 (", 1);
    assert_same_text(&run.stdout, &expected, "--round-id");
}

#[tokio::test]
async fn indikator_batch_survey_year_replaces_the_files() {
    // Every record is from 2018: a 2019 round rejects them all.
    let run = indikator_batch(&["examples/round-2018.jsonl", "--survey-year", "2019"]).await;
    assert_eq!(run.code, Some(3), "every record rejected: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Round ssb-2018-synthetic (survey year 2019)");
    assert_eq!(lines[1], "Records: 377 received, 0 scored, 377 rejected");
    assert_eq!(
        lines[2],
        "  rejected line 2 \"0101\": response.respondent.survey_year: 2018 is not the round's survey year 2019"
    );

    // A file whose header says 2019, set back to 2018 on the command line, gives the example's tables.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round-2018.jsonl");
    let text = std::fs::read_to_string(example_round()).unwrap();
    let relabelled = text.replacen("\"surveyYear\":2018", "\"surveyYear\":2019", 1);
    assert!(relabelled.lines().next().unwrap().contains("\"header\""), "the header is the first line");
    std::fs::write(&path, relabelled).unwrap();
    let path = path.display().to_string();
    let relabelled = indikator_batch(&[&path]).await;
    assert!(relabelled.stdout.contains("377 received, 0 scored, 377 rejected"), "{}", relabelled.stdout);
    let run = indikator_batch(&[&path, "--survey-year", "2018"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_same_text(&run.stdout, &golden(), "--survey-year 2018 over a 2019 header");
}

#[tokio::test]
async fn indikator_batch_calibration_relative_uses_the_derived_cut_points() {
    let run = indikator_batch(&["examples/round-2018.jsonl", "--calibration", "relative"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("\nCalibration used: relative (cuts derived from this round)\n"), "{}", run.stdout);
    let golden = golden();
    // indicator, median, published median, published cuts, derived cuts, used cuts.
    let rows = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .filter(|l| l.starts_with("ssb-2018/"))
            .map(|l| l.split_whitespace().map(str::to_owned).collect())
            .collect()
    };
    let (relative, published) = (rows(&run.stdout), rows(&golden));
    assert_eq!(relative.len(), 6);
    for (r, p) in relative.iter().zip(&published) {
        assert_eq!(r[..5], p[..5], "the same medians and cut points are derived");
        assert_eq!(r[5], r[4], "{}: the derived cut points are used", r[0]);
    }
    assert_eq!(relative[0][5], "7/10/12", "strategy");
    assert_ne!(run.stdout, golden);
}

/// `value` with every `label`, `labelEn` and KS area `name` removed.
fn strip_labels(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("label");
            map.remove("labelEn");
            if let Some(areas) = map.get_mut("ks2018").and_then(|k| k.get_mut("areas")).and_then(|a| a.as_array_mut()) {
                for area in areas {
                    area.as_object_mut().unwrap().remove("name");
                }
            }
            map.values_mut().for_each(strip_labels);
        }
        serde_json::Value::Array(values) => values.iter_mut().for_each(strip_labels),
        _ => {}
    }
}

/// `--codes-only`, in-process and against a server: the JSON report's cards
/// are the normal ones without their labels (an ssb-2018 card a third
/// smaller), and nothing else changes: the printed tables, the CSV export and
/// the HTML report (which take the labels from the methodology) and the
/// summary tables are byte for byte those of a normal run.
#[tokio::test]
async fn indikator_batch_codes_only_writes_code_only_cards_and_every_other_output_unchanged() {
    let app = spawn_app().await;
    for example in ["examples/round-2018.jsonl", "examples/round-ks-2018.jsonl"] {
        let dir = tempfile::tempdir().unwrap();
        let runs = [
            ("normal", &[][..]),
            ("codes", &["--codes-only"][..]),
            ("remote", &["--codes-only", "--server", &app.address][..]),
        ];
        let mut outputs = Vec::new();
        for (name, flags) in runs {
            let out = dir.path().join(name);
            std::fs::create_dir(&out).unwrap();
            let path = |file: &str| out.join(file).display().to_string();
            let (json, csv, html, tables) =
                (path("report.json"), path("cards.csv"), path("report.html"), path("tables"));
            let mut args = vec![example, "--out", &json, "--csv", &csv, "--html", &html, "--tables-csv", &tables];
            args.extend(flags);
            let run = indikator_batch(&args).await;
            assert_eq!(run.code, Some(0), "{example} {name}: {}", run.stderr);
            // Every output but the JSON report, by name.
            let mut files: Vec<(String, Vec<u8>)> =
                ["cards.csv", "report.html"].map(|f| (f.to_owned(), std::fs::read(out.join(f)).unwrap())).into();
            for entry in std::fs::read_dir(out.join("tables")).unwrap() {
                let table = entry.unwrap().path();
                let name = format!("tables/{}", table.file_name().unwrap().to_string_lossy());
                files.push((name, std::fs::read(&table).unwrap()));
            }
            files.sort();
            outputs.push((run.stdout, std::fs::read_to_string(&json).unwrap(), files));
        }
        let (normal, codes, remote) = (&outputs[0], &outputs[1], &outputs[2]);
        assert_eq!(codes.1, remote.1, "{example}: the same report in-process and against a server");
        for other in [codes, remote] {
            assert_eq!(other.0, normal.0, "{example}: the printed tables");
            let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            assert_eq!(names(&other.2), names(&normal.2), "{example}");
            for ((name, a), (_, b)) in other.2.iter().zip(&normal.2) {
                assert!(a == b, "{example}: {name} differs");
            }
        }
        let (mut normal_json, codes_json): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(&normal.1).unwrap(), serde_json::from_str(&codes.1).unwrap());
        assert!(!codes.1.contains("\"labelEn\""), "{example}: no card carries a label");
        assert_eq!(codes_json["summary"], normal_json["summary"]);
        strip_labels(&mut normal_json["scoreCards"]);
        assert_eq!(codes_json["scoreCards"], normal_json["scoreCards"], "{example}: the same cards but for the labels");
        let cards = |report: &str| report.split("\n],\n\"rejections\"").next().unwrap().len() as f64;
        let saved = 1.0 - cards(&codes.1) / cards(&normal.1);
        // An ssb-2018 card loses a third; a KS card only its areas' names.
        let expected = if example.contains("ks") { 0.1 } else { 0.3 };
        assert!(saved > expected, "{example}: the cards take {saved:.3} less");
    }
}
