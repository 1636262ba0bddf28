//! `indikator batch` and `compare` exit statuses, from the real binary, and
//! rejections named by the line of the file their record starts on.

use crate::batch::indikator_batch;
use crate::reports::{example_csv_rows, write_csv};

/// Four example records as CSV with CRLF line ends: the third's name holds a
/// line break (so it takes lines 4 and 5) and the fourth (line 6) is from
/// 2019, which the round (2018, from the first record) rejects. Returns the
/// rejected record's id.
fn csv_round(path: &std::path::Path) -> String {
    let mut rows = example_csv_rows(4);
    let column = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (name, year, id) = (column("name"), column("survey_year"), column("record_id"));
    rows[3][name] = "Kommune med\r\nlinjeskift".into();
    rows[4][year] = "2019".into();
    write_csv(path, &rows, b',', true);
    rows[4][id].clone()
}

#[tokio::test]
async fn a_round_with_one_rejected_record_exits_3_and_names_its_csv_line_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("round.csv");
    let id = csv_round(&input);
    assert!(std::fs::read_to_string(&input).unwrap().contains("\r\n"), "CRLF line ends");
    let (out, tables) = (dir.path().join("report.json"), dir.path().join("tables"));
    let (input, out_arg, tables_arg) =
        (input.display().to_string(), out.display().to_string(), tables.display().to_string());
    let run = indikator_batch(&[&input, "--out", &out_arg, "--tables-csv", &tables_arg]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("4 records: 3 scored, 1 rejected"), "{}", run.stderr);
    assert!(
        run.stderr.contains("indikator: 1 record rejected: exit status 3 (--allow-rejected makes it 0)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains(&format!(
            "  rejected line 6 {id:?}: response.respondent.survey_year: 2019 is not the round's survey year 2018"
        )),
        "{}",
        run.stdout
    );
    // The reports are written all the same, and name the line.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["scoreCards"].as_array().unwrap().len(), 3);
    let rejection = &report["rejections"][0];
    assert_eq!(
        (&rejection["line"], &rejection["recordId"], &rejection["sequence"]),
        (&6.into(), &id.into(), &"3".into())
    );
    let csv = std::fs::read_to_string(tables.join("rejections.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "line,record_id,sequence,reason,fields");
    assert!(lines[1].starts_with(&format!("6,{},3,", report["rejections"][0]["recordId"].as_str().unwrap())), "{csv}");
    assert!(lines[1].ends_with(",response.respondent.survey_year"), "{csv}");
    assert_eq!(lines.len(), 2);

    // Scored on a server, the rejection names the same line.
    let app = crate::helpers::spawn_app().await;
    let remote = dir.path().join("remote.json").display().to_string();
    let run = indikator_batch(&[&input, "--quiet", "--server", &app.address, "--out", &remote]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    let remote: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&remote).unwrap()).unwrap();
    assert_eq!(remote["rejections"], report["rejections"]);

    let allowed = indikator_batch(&[&input, "--quiet", "--allow-rejected"]).await;
    assert_eq!(allowed.code, Some(0), "{}", allowed.stderr);
    assert!(allowed.stderr.contains("4 records: 3 scored, 1 rejected"), "{}", allowed.stderr);
}

#[tokio::test]
async fn a_json_lines_rejection_names_its_line_past_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.jsonl");
    let example = std::fs::read_to_string(crate::batch::example_round()).unwrap();
    let mut lines: Vec<String> = example.lines().take(3).map(str::to_owned).collect();
    // Header (line 1), record (2), blank (3), record (4), blank (5), the second record again (6: a repeat).
    lines.insert(2, String::new());
    lines.push(String::new());
    lines.push(lines[3].clone());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let run = indikator_batch(&[path.to_str().unwrap()]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stdout.contains("  rejected line 6 "), "{}", run.stdout);
}

#[tokio::test]
async fn a_wrong_command_line_exits_2_and_other_failures_exit_1() {
    let unknown_flag = indikator_batch(&["examples/round-2018.jsonl", "--no-such-flag"]).await;
    assert_eq!(unknown_flag.code, Some(2), "{}", unknown_flag.stderr);
    let no_scheme = indikator_batch(&["examples/round-2018.jsonl", "--server", "localhost:1"]).await;
    assert_eq!(no_scheme.code, Some(2), "{}", no_scheme.stderr);
    let missing = indikator_batch(&["examples/no-such-round.jsonl"]).await;
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    assert!(missing.stderr.contains("no-such-round.jsonl"), "{}", missing.stderr);
    let scored = indikator_batch(&["examples/round-2018.jsonl", "--quiet"]).await;
    assert_eq!(scored.code, Some(0), "{}", scored.stderr);
}

#[tokio::test]
async fn a_workbook_or_a_compressed_file_is_named_by_its_bytes_whatever_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8], &str); 5] = [
        (
            "xlsx.csv",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
            "an Excel workbook (.xlsx)",
        ),
        (
            "ods.csv",
            b"PK\x03\x04\x14\x00\x00\x08\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "an OpenDocument spreadsheet (.ods)",
        ),
        ("xls.csv", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "an Excel 97–2003 workbook (.xls)"),
        ("gzip.csv", &[0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0], "gzip-compressed: decompress it first"),
        ("gzip.jsonl", &[0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0], "gzip-compressed: decompress it first"),
    ];
    for (name, bytes, what) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = indikator_batch(&[path.to_str().unwrap()]).await;
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("{}: {what}", path.display())), "{name}: {}", run.stderr);
        if name.starts_with('x') || name.starts_with('o') {
            assert!(run.stderr.contains("save it as CSV"), "{name}: {}", run.stderr);
        }
    }
}

#[tokio::test]
async fn a_municipality_number_short_of_its_leading_zero_is_rejected_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.csv");
    let mut rows = example_csv_rows(2);
    let column = rows[0].iter().position(|c| c == "municipality_number").unwrap();
    let number = rows[2][column].clone();
    assert!(number.starts_with('0'), "the example's second record is in a county numbered 0N: {number}");
    rows[2][column] = number.trim_start_matches('0').to_owned();
    write_csv(&path, &rows, b',', false);
    let run = indikator_batch(&[path.to_str().unwrap()]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    let hint = format!(
        "{} looks like {number} with its leading zero lost (a spreadsheet that read the column as numbers?); write \
         {number}, and keep the column as text",
        number.trim_start_matches('0')
    );
    assert!(run.stdout.contains("rejected line 3 ") && run.stdout.contains(&hint), "{}", run.stdout);
}

#[test]
fn a_closed_stdout_ends_the_printing_quietly_with_the_runs_status() {
    // `| head -0`: a pipe whose reader has gone before anything is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_indikator"))
        .args(["batch", "examples/round-2018.jsonl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("INDIKATOR_SERVER")
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe") && !stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("377 records: 377 scored, 0 rejected"), "{stderr}");
}

#[tokio::test]
async fn a_comparison_with_a_rejected_record_exits_3_unless_rejections_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.jsonl");
    let example = std::fs::read_to_string(crate::batch::example_round()).unwrap();
    // The last record from 2019 in a 2018 round: rejected.
    let mut lines: Vec<String> = example.lines().map(str::to_owned).collect();
    let last = lines.pop().unwrap();
    assert!(last.contains("\"surveyYear\":2018"), "{last}");
    lines.push(last.replace("\"surveyYear\":2018", "\"surveyYear\":2019"));
    std::fs::write(&current, lines.join("\n") + "\n").unwrap();
    let current = current.display().to_string();
    let compare = |extra: &'static [&'static str]| {
        let current = current.clone();
        async move {
            let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"));
            command.args(["compare", "examples/round-2018.jsonl", &current, "--quiet"]).args(extra);
            command.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("INDIKATOR_SERVER");
            command.output().await.unwrap()
        }
    };
    let rejected = compare(&[]).await;
    let stderr = String::from_utf8_lossy(&rejected.stderr);
    assert_eq!(rejected.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("indikator: 1 record rejected: exit status 3"), "{stderr}");
    let allowed = compare(&["--allow-rejected"]).await;
    assert_eq!(allowed.status.code(), Some(0), "{}", String::from_utf8_lossy(&allowed.stderr));
}
