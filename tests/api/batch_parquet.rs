//! Parquet round files, and the Parquet and Excel outputs of `indikator batch`.
//! The Parquet files are written here with the parquet crate from the CSV
//! form of the example round.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, BooleanArray, DictionaryArray, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use indikator_app::proto::v1 as pb;
use indikator_client::batch::{self, BatchJob};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::WriterProperties;

use crate::batch::{example_round, indikator_batch, job};
use crate::helpers::spawn_app;

/// The example round as a CSV round file (header and rows as `csv_format` writes them).
fn example_csv(dir: &Path) -> PathBuf {
    jsonl_to_csv(&example_round(), &dir.join("round.csv"))
}

/// A JSON Lines round's records as a CSV round file at `path`.
fn jsonl_to_csv(jsonl: &Path, path: &Path) -> PathBuf {
    let path = path.to_owned();
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(batch::csv_format::columns()).unwrap();
    for line in std::fs::read_to_string(jsonl).unwrap().lines() {
        let message: pb::ScoreRoundRequest = serde_json::from_str(line).unwrap();
        if let Some(pb::score_round_request::Item::Record(record)) = message.item {
            writer.write_record(batch::csv_format::write_row(&record)).unwrap();
        }
    }
    writer.flush().unwrap();
    path
}

/// A CSV file's header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

/// Writes record batches to a Parquet file in row groups of 100 rows.
fn write_parquet(path: &Path, batches: Vec<RecordBatch>) {
    let file = std::fs::File::create(path).unwrap();
    let properties = WriterProperties::builder().set_max_row_group_row_count(Some(100)).build();
    let mut writer = ArrowWriter::try_new(file, batches[0].schema(), Some(properties)).unwrap();
    for batch in &batches {
        writer.write(batch).unwrap();
    }
    writer.close().unwrap();
}

const YES_NO: [&str; 4] = ["has_strategy", "has_projects", "tried_to_recruit", "uses_cloud"];
const LISTS: [&str; 4] = ["strategy_areas", "project_areas", "recruitment_difficulties", "cloud_areas"];

/// The CSV file as Parquet: every column as strings (empty cells as empty
/// strings), or in the natural Arrow types (integers, booleans, lists, a
/// dictionary, nulls for empty cells), in batches of 150 rows.
fn csv_to_parquet(csv: &Path, parquet: &Path, typed: bool) {
    let (header, rows) = read_csv(csv);
    let mut batches = Vec::new();
    for chunk in rows.chunks(150) {
        let columns: Vec<(String, ArrayRef, bool)> = header
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let cells: Vec<&str> = chunk.iter().map(|row| row[c].as_str()).collect();
                let optional = || cells.iter().map(|cell| (!cell.is_empty()).then_some(*cell));
                let array: ArrayRef = if !typed {
                    Arc::new(StringArray::from(cells.clone()))
                } else if ["organisation_number", "inhabitants", "municipality_number", "county_number"]
                    .contains(&name.as_str())
                {
                    Arc::new(optional().map(|c| c.map(|c| c.parse::<i64>().unwrap())).collect::<Int64Array>())
                } else if name == "survey_year" {
                    Arc::new(optional().map(|c| c.map(|c| c.parse::<i32>().unwrap())).collect::<Int32Array>())
                } else if YES_NO.contains(&name.as_str()) {
                    Arc::new(optional().map(|c| c.map(|c| c == "yes")).collect::<BooleanArray>())
                } else if LISTS.contains(&name.as_str()) {
                    let mut list = ListBuilder::new(StringBuilder::new());
                    for cell in &cells {
                        if cell.is_empty() {
                            list.append_null();
                        } else {
                            list.append_value(cell.split(';').map(Some));
                        }
                    }
                    Arc::new(list.finish())
                } else if name == "kind" {
                    Arc::new(optional().collect::<DictionaryArray<Int32Type>>())
                } else {
                    Arc::new(optional().collect::<StringArray>())
                };
                (name.clone(), array, true)
            })
            .collect();
        batches.push(RecordBatch::try_from_iter_with_nullable(columns).unwrap());
    }
    write_parquet(parquet, batches);
}

/// A Parquet file's header and rows, each cell as the CSV exports write it
/// (a number as `{}` writes it, a boolean as `yes`/`no`, a null as empty).
fn read_parquet_as_text(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let header = reader.schema().fields().iter().map(|f| f.name().clone()).collect();
    let mut rows = Vec::new();
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        for i in 0..batch.num_rows() {
            let row = batch
                .columns()
                .iter()
                .map(|column| {
                    if column.is_null(i) {
                        return String::new();
                    }
                    match column.data_type() {
                        DataType::Utf8 => column.as_string::<i32>().value(i).to_owned(),
                        DataType::Int64 => column.as_primitive::<Int64Type>().value(i).to_string(),
                        DataType::Float64 => format!("{}", column.as_primitive::<Float64Type>().value(i)),
                        DataType::Boolean => (if column.as_boolean().value(i) { "yes" } else { "no" }).to_owned(),
                        other => panic!("a column of type {other} in {}", path.display()),
                    }
                })
                .collect();
            rows.push(row);
        }
    }
    (header, rows)
}

/// The round read from `input` with every output but the HTML report.
fn outputs_job(input: &Path, out: &Path) -> BatchJob {
    let mut job = job(input, Some(out.with_extension("json")), None);
    job.round_id = Some("ssb-2018-synthetic".into());
    job.csv = Some(out.with_extension("csv"));
    job.tables_csv = Some(out.with_extension("tables"));
    job
}

/// The files of a directory by name, with their bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn the_example_round_as_parquet_of_strings_or_of_typed_columns_gives_the_csv_rounds_reports() {
    let dir = tempfile::tempdir().unwrap();
    let csv = example_csv(dir.path());
    let (strings, typed) = (dir.path().join("strings.parquet"), dir.path().join("typed.parquet"));
    csv_to_parquet(&csv, &strings, false);
    csv_to_parquet(&csv, &typed, true);

    let from_csv = batch::run(&outputs_job(&csv, &dir.path().join("from-csv"))).await.unwrap();
    assert_eq!(from_csv.cards, 377);
    let app = spawn_app().await;
    for (input, name) in [(&strings, "strings"), (&typed, "typed")] {
        for server in [None, Some(app.address.clone())] {
            let out = dir.path().join(format!("from-{name}-{}", server.is_some()));
            let mut parquet_job = outputs_job(input, &out);
            parquet_job.server = server.clone();
            let outcome = batch::run(&parquet_job).await.unwrap();
            let what = format!("{name}, server: {}", server.is_some());
            assert_eq!(outcome.summary, from_csv.summary, "{what}");
            let read = |base: &Path, ext: &str| std::fs::read_to_string(base.with_extension(ext)).unwrap();
            let csv_base = dir.path().join("from-csv");
            assert_eq!(read(&out, "json"), read(&csv_base, "json"), "{what}: the JSON report");
            assert_eq!(read(&out, "csv"), read(&csv_base, "csv"), "{what}: the --csv cards");
            assert_eq!(files(&out.with_extension("tables")), files(&csv_base.with_extension("tables")), "{what}");
        }
    }
}

#[tokio::test]
async fn a_bad_parquet_cell_is_named_by_its_row_and_column_and_nothing_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let csv = example_csv(dir.path());
    let (header, mut rows) = read_csv(&csv);
    let hindrance = header.iter().position(|c| c == "hindrance").unwrap();
    rows[212][hindrance] = "big".into();
    let bad_csv = dir.path().join("bad.csv");
    let mut writer = csv::Writer::from_path(&bad_csv).unwrap();
    writer.write_record(&header).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    let path = dir.path().join("bad.parquet");
    csv_to_parquet(&bad_csv, &path, true);
    let expected = format!(
        "{}:213: column `hindrance`: unknown value \"big\" (expected one of: very_small, fairly_small, neither, fairly_large, very_large, dont_know)",
        path.display()
    );
    let out = dir.path().join("report.json");
    let error = batch::run(&job(&path, Some(out.clone()), None)).await.unwrap_err().to_string();
    assert_eq!(error, expected, "the row is the record's 1-based index");
    let app = spawn_app().await;
    let error = batch::run(&job(&path, Some(out.clone()), Some(app.address.clone()))).await.unwrap_err().to_string();
    assert_eq!(error, expected, "against a server");
    assert!(!out.exists(), "nothing is written");

    // An integer where a key belongs: named before anything is read.
    let kinds = dir.path().join("kinds.parquet");
    let mut columns: Vec<(&str, ArrayRef)> =
        ["organisation_number", "municipality_number", "county_number", "name", "inhabitants", "survey_year"]
            .into_iter()
            .map(|c| (c, Arc::new(StringArray::from(vec!["1"])) as ArrayRef))
            .collect();
    columns.push(("kind", Arc::new(Int64Array::from(vec![1]))));
    write_parquet(&kinds, vec![RecordBatch::try_from_iter(columns).unwrap()]);
    let error = batch::run(&job(&kinds, None, None)).await.unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            "{}: column `kind`: an Arrow column of type Int64 cannot be read here (expected Utf8, LargeUtf8, Utf8View or a dictionary of strings)",
            kinds.display()
        )
    );
}

#[tokio::test]
async fn parquet_outputs_read_back_as_the_csv_exports_cells() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let mut job = outputs_job(&example_round(), &out);
    job.parquet = Some(out.with_extension("parquet"));
    job.tables_parquet = Some(out.with_extension("tables-parquet"));
    batch::run(&job).await.unwrap();

    let (csv_header, csv_rows) = read_csv(&out.with_extension("csv"));
    let (parquet_header, parquet_rows) = read_parquet_as_text(&out.with_extension("parquet"));
    assert_eq!(parquet_header, csv_header);
    assert_eq!(parquet_rows.len(), 377);
    assert_eq!(parquet_rows, csv_rows);
    let types = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(out.with_extension("parquet")).unwrap())
        .unwrap()
        .schema()
        .clone();
    let type_of = |name: &str| types.field_with_name(name).unwrap().data_type().clone();
    assert_eq!(type_of("strategy_score"), DataType::Int64);
    assert_eq!(type_of("flag_empty_block"), DataType::Boolean);
    assert_eq!(type_of("services_share_at_3"), DataType::Float64);
    assert_eq!(type_of("municipality_number"), DataType::Utf8);

    let tables = files(&out.with_extension("tables"));
    let parquet_tables = files(&out.with_extension("tables-parquet"));
    assert_eq!(parquet_tables.len(), tables.len(), "every table and the rejections");
    for (name, _) in &tables {
        let parquet_name = name.replace(".csv", ".parquet");
        let csv_table = read_csv(&out.with_extension("tables").join(name));
        let parquet_table = read_parquet_as_text(&out.with_extension("tables-parquet").join(&parquet_name));
        assert_eq!(parquet_table, csv_table, "{parquet_name}");
    }
}

/// A Python with openpyxl: `INDIKATOR_OPENPYXL_PYTHON` (CI's venv), else
/// `python3` where it has openpyxl.
fn openpyxl_python() -> Option<String> {
    if let Ok(python) = std::env::var("INDIKATOR_OPENPYXL_PYTHON") {
        return Some(python);
    }
    let found = std::process::Command::new("python3").args(["-c", "import openpyxl"]).output();
    found.is_ok_and(|o| o.status.success()).then(|| "python3".to_owned())
}

/// Reads the workbook with openpyxl: per sheet its name, and per non-empty
/// cell its coordinate, value (as JSON) and number format.
const READ_WORKBOOK: &str = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
sheets = []
for sheet in book.worksheets:
    cells = [[c.coordinate, c.value, c.number_format] for row in sheet.iter_rows() for c in row if c.value is not None]
    sheets.append({"name": sheet.title, "cells": cells})
print(json.dumps(sheets))
"#;

#[tokio::test]
async fn indikator_batch_xlsx_writes_a_workbook_that_openpyxl_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("round.xlsx");
    let cards = dir.path().join("cards.csv");
    let (workbook_arg, cards_arg) = (workbook.display().to_string(), cards.display().to_string());
    let run =
        indikator_batch(&["examples/round-2018.jsonl", "--quiet", "--xlsx", &workbook_arg, "--csv", &cards_arg]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let bytes = std::fs::read(&workbook).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an Office Open XML file is a ZIP archive");

    let Some(python) = openpyxl_python() else {
        assert!(std::env::var_os("CI_REQUIRE_OPENPYXL").is_none(), "CI needs openpyxl (INDIKATOR_OPENPYXL_PYTHON)");
        eprintln!("!!!! no Python with openpyxl: the workbook was NOT read back (set INDIKATOR_OPENPYXL_PYTHON)");
        return;
    };
    let output = std::process::Command::new(&python).args(["-c", READ_WORKBOOK, &workbook_arg]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let sheets: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sheets = sheets.as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Sammensatte indikatorer",
            "Robusthet",
            "Enkle indikatorer",
            "Antall",
            "Kompetanse",
            "KS 2018",
            "Riksrevisjonen 2015",
            "Kalibrering",
            "Publiserte tall",
            "Poengkort"
        ]
    );
    assert!(names.iter().all(|n| n.chars().count() <= 31));
    let cells = |sheet: usize| sheets[sheet]["cells"].as_array().unwrap().clone();
    let at = |cells: &[serde_json::Value], coordinate: &str| {
        cells.iter().find(|c| c[0] == coordinate).map(|c| (c[1].clone(), c[2].as_str().unwrap().to_owned()))
    };

    // The first block of the composite grades: digital priority for all respondents.
    let composite = cells(0);
    assert_eq!(at(&composite, "A3").unwrap().0, "Digital prioritering (Tabell 3.1)");
    assert_eq!(at(&composite, "A4").unwrap().0, "Gruppe");
    assert_eq!(at(&composite, "A5").unwrap().0, "Grunnlag (n)");
    assert_eq!(at(&composite, "B5").unwrap().0, 377);
    assert_eq!(at(&composite, "A6").unwrap().0, "Svar");
    let (n, _) = at(&composite, "B7").unwrap();
    let (share, format) = at(&composite, "C7").unwrap();
    assert_eq!(format, "0.0 %", "a share is shown as a percentage with one decimal");
    let share = share.as_f64().expect("a share is a number, not text");
    assert!((share - n.as_f64().unwrap() / 377.0).abs() < 1e-12, "{share}");

    // The municipalities' grades beside the published 2018 counts.
    let published = composite.iter().find(|c| c[1] == "Publisert andel").expect("a published share column");
    assert!(published[0].as_str().unwrap().starts_with('E'), "{published}");

    // The score cards: the --csv columns, a row per card, numbers as numbers.
    let (header, rows) = read_csv(&cards);
    let card_cells = cells(names.len() - 1);
    assert_eq!(at(&card_cells, "A1").unwrap().0, header[0].as_str());
    let score = header.iter().position(|h| h == "strategy_score").unwrap();
    let (value, _) = at(&card_cells, &format!("{}2", column_letter(score))).unwrap();
    assert_eq!(value.as_f64(), Some(rows[0][score].parse::<f64>().unwrap()), "a score is a number");
    let in_column_a = |c: &&serde_json::Value| {
        c[0].as_str().unwrap().strip_prefix('A').is_some_and(|row| row.bytes().all(|b| b.is_ascii_digit()))
    };
    let rows_written = card_cells.iter().filter(in_column_a).count();
    assert_eq!(rows_written, rows.len() + 1, "a header and a row per card");
    let numbers = card_cells.iter().filter(|c| c[1].is_number()).count();
    assert!(numbers > 377 * 10, "scores and counts are numbers: {numbers}");
}

/// Excel's name of a 0-based column: A, …, Z, AA, ….
fn column_letter(column: usize) -> String {
    let (mut n, mut name) = (column + 1, String::new());
    while n > 0 {
        name.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    name
}

/// `indikator compare` reads rounds with the batch reader: a pair of Parquet
/// rounds compares as the same pair of CSV rounds does.
#[tokio::test]
async fn indikator_compare_reads_parquet_rounds_as_their_csv_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (csv_dir, parquet_dir) = (dir.path().join("csv"), dir.path().join("parquet"));
    std::fs::create_dir_all(&csv_dir).unwrap();
    std::fs::create_dir_all(&parquet_dir).unwrap();
    let mut reports = Vec::new();
    let rounds = ["round-2018", "round-2020"];
    for round in rounds {
        let csv = jsonl_to_csv(&examples.join(format!("{round}.jsonl")), &csv_dir.join(format!("{round}.csv")));
        csv_to_parquet(&csv, &parquet_dir.join(format!("{round}.parquet")), true);
    }
    for (side, extension) in [(&csv_dir, "csv"), (&parquet_dir, "parquet")] {
        let out = dir.path().join(format!("{extension}.jsonl"));
        let job = indikator_client::compare::CompareJob {
            baseline: side.join(format!("{}.{extension}", rounds[0])),
            current: side.join(format!("{}.{extension}", rounds[1])),
            correspondence: Some(examples.join("correspondence-2020.csv")),
            server: None,
            out: Some(out.clone()),
            max_records: 1_000_000,
            catalogues: indikator_core::catalogue::Catalogues::shipped().clone(),
            print: false,
            token_file: None,
            tls: Default::default(),
            html: None,
        };
        indikator_client::compare::run(&job).await.unwrap();
        reports.push(std::fs::read_to_string(out).unwrap());
    }
    assert!(reports[0].len() > 10_000, "a comparison was written");
    assert_eq!(reports[0], reports[1]);
}
