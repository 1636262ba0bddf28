//! The batch client's output files: never lost on a failed run, CSV exports
//! equal to the JSON report, the HTML report, and errors a user can act on.

use std::path::Path;

use crate::batch::indikator_batch;

/// Every file in `dir`, name and bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_failed_run_leaves_existing_outputs_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).display().to_string();
    for name in ["report.json", "report.csv", "report.html"] {
        std::fs::write(dir.path().join(name), format!("the previous {name}\n")).unwrap();
    }
    // A round whose eighth line is unreadable: cards are written before it fails.
    let mut lines: Vec<String> =
        std::fs::read_to_string(crate::batch::example_round()).unwrap().lines().take(20).map(str::to_owned).collect();
    lines[7] = "{\"record\": {\"response\": 17}}".into();
    std::fs::write(dir.path().join("broken.jsonl"), lines.join("\n")).unwrap();
    let before = snapshot(dir.path());

    let outputs = ["--out", &d("report.json"), "--csv", &d("report.csv"), "--html", &d("report.html")];
    let failures: [&[&str]; 3] = [
        &[&d("missing.jsonl")],
        &[&d("broken.jsonl")],
        &["examples/round-2018.jsonl", "--server", "http://127.0.0.1:1"],
    ];
    for args in failures {
        let args: Vec<&str> = args.iter().chain(outputs.iter()).copied().collect();
        let run = indikator_batch(&args).await;
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(snapshot(dir.path()), before, "{args:?} changed or left files");
    }

    // A run that succeeds replaces them.
    let args: Vec<&str> = ["examples/round-2018.jsonl", "--quiet"].iter().chain(outputs.iter()).copied().collect();
    let run = indikator_batch(&args).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let after = snapshot(dir.path());
    assert_eq!(after.len(), before.len(), "no temporary files are left");
    for (name, bytes) in &after {
        if name.starts_with("report.") {
            assert!(bytes.len() > 10_000, "{name} was written");
        }
    }
}

#[tokio::test]
async fn the_csv_export_has_one_row_per_scored_respondent_equal_to_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let (json, csv_path, tables) = (dir.path().join("r.json"), dir.path().join("r.csv"), dir.path().join("tables"));
    let args = [
        "examples/round-2018.jsonl",
        "--quiet",
        "--out",
        json.to_str().unwrap(),
        "--csv",
        csv_path.to_str().unwrap(),
        "--tables-csv",
        tables.to_str().unwrap(),
    ];
    let run = indikator_batch(&args).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let cards = report["scoreCards"].as_array().unwrap();

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    for name in &header {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name:?} is not snake_case"
        );
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), cards.len());
    assert_eq!(rows.len(), 377);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    for (row, card) in rows.iter().zip(cards) {
        let results = &card["results"];
        let ssb = &results["ssb2018"];
        assert_eq!(row[column("record_id")], *card["recordId"].as_str().unwrap());
        assert_eq!(row[column("organisation_number")], *results["respondent"]["organisationNumber"].as_str().unwrap());
        for indicator in ["strategy", "projects", "internalCapacity", "cloud", "procurement", "serviceOffer"] {
            let snake =
                indicator.replace("internalCapacity", "internal_capacity").replace("serviceOffer", "service_offer");
            let score = &ssb[indicator];
            assert_eq!(row[column(&format!("{snake}_score"))], score["score"].as_u64().unwrap_or(0).to_string());
            assert_eq!(row[column(&format!("{snake}_count"))], score["count"].as_u64().unwrap_or(0).to_string());
            assert_eq!(row[column(&format!("{snake}_label"))], *score["label"].as_str().unwrap());
        }
        for (composite, snake) in [
            ("digitalPriority", "digital_priority"),
            ("digitalUse", "digital_use"),
            ("digitalActivity", "digital_activity"),
        ] {
            let grade = &ssb[composite];
            assert_eq!(row[column(&format!("{snake}_grade"))], grade["grade"].as_u64().unwrap_or(0).to_string());
            assert_eq!(row[column(&format!("{snake}_code"))], *grade["code"].as_str().unwrap());
            assert_eq!(row[column(&format!("{snake}_label_en"))], *grade["labelEn"].as_str().unwrap());
            let fragile: Vec<String> = ssb["fragileGrades"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter(|f| f["composite"] == format!("ssb-2018/{snake}"))
                .map(|f| {
                    let indicator = f["indicator"].as_str().unwrap().trim_start_matches("ssb-2018/");
                    format!("{indicator}{:+}", f["countChange"].as_i64().unwrap())
                })
                .collect();
            assert_eq!(row[column(&format!("{snake}_fragile"))], fragile.join(";"));
        }
    }

    // Every summary table, tidy; the composite grades add up to the JSON summary's.
    let mut grades = csv::Reader::from_path(tables.join("composite_grades.csv")).unwrap();
    assert_eq!(grades.headers().unwrap(), vec!["dimension", "group", "group_label", "item", "answer", "n", "share"]);
    let overall: Vec<String> = grades
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "overall" && &r[3] == "ssb-2018/digital_priority")
        .map(|r| r[5].to_owned())
        .collect();
    let published: Vec<String> = report["summary"]["groups"][0]["composites"][0]["perGrade"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(overall, published);
    // Fragile grades and calibration differences per composite, as the JSON summary's.
    let mut robustness = csv::Reader::from_path(tables.join("composite_robustness.csv")).unwrap();
    let overall: Vec<(String, String, String)> = robustness
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "overall")
        .map(|r| (r[3].to_owned(), r[4].to_owned(), r[5].to_owned()))
        .collect();
    let mut expected = Vec::new();
    for c in report["summary"]["groups"][0]["composites"].as_array().unwrap() {
        let number = |v: &serde_json::Value| v.as_str().unwrap_or("0").to_owned();
        let id = c["indicator"].as_str().unwrap().to_owned();
        expected.push((id.clone(), "fragile".to_owned(), number(&c["fragile"])));
        expected.push((id, "differ_between_calibrations".to_owned(), number(&c["differBetweenCalibrations"])));
    }
    assert_eq!(overall, expected);
    assert!(overall.iter().any(|(_, what, n)| what == "fragile" && n != "0"), "the example round has fragile grades");
    for name in ["simple_scores.csv", "counts.csv", "competence.csv", "calibration.csv", "ks_2018_means.csv"] {
        let mut table = csv::Reader::from_path(tables.join(name)).unwrap();
        assert!(table.headers().unwrap().len() >= 7, "{name}");
    }
}

// ---- errors a user can act on ----

/// The example round as CSV rows (header first), each a line of cells.
pub fn example_csv_rows(records: usize) -> Vec<Vec<String>> {
    use indikator_app::proto::v1 as pb;
    use indikator_client::batch::csv_format::{columns, write_row};
    let mut rows = vec![columns()];
    for line in std::fs::read_to_string(crate::batch::example_round()).unwrap().lines() {
        let message: pb::ScoreRoundRequest = serde_json::from_str(line).unwrap();
        if let Some(pb::score_round_request::Item::Record(record)) = message.item {
            rows.push(write_row(&record));
        }
        if rows.len() > records {
            break;
        }
    }
    rows
}

/// Writes rows as CSV with the delimiter and line ending given.
pub fn write_csv(path: &Path, rows: &[Vec<String>], delimiter: u8, crlf: bool) {
    let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    let mut writer = csv::WriterBuilder::new().delimiter(delimiter).terminator(terminator).from_path(path).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

fn failure(run: &crate::batch::BatchRun) -> &str {
    assert_eq!(run.code, Some(1), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    &run.stderr
}

#[tokio::test]
async fn a_server_address_without_a_scheme_says_to_add_http() {
    let run = indikator_batch(&["examples/round-2018.jsonl", "--server", "localhost:50051"]).await;
    assert_eq!(run.code, Some(2), "a wrong command line: {}", run.stderr);
    assert!(run.stderr.contains("http://localhost:50051"), "{}", run.stderr);
}

#[tokio::test]
async fn a_refused_connection_says_refused() {
    let run = indikator_batch(&["examples/round-2018.jsonl", "--server", "http://127.0.0.1:1"]).await;
    let stderr = failure(&run);
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:1"), "{stderr}");
}

#[tokio::test]
async fn csv_errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let rows = example_csv_rows(3);

    // An unterminated quote.
    let quote = dir.path().join("quote.csv");
    let mut text = String::new();
    write_csv(&quote, &rows, b',', false);
    text.push_str(&std::fs::read_to_string(&quote).unwrap());
    text.push_str("\"never closed,1,2\n");
    std::fs::write(&quote, text).unwrap();
    let run = indikator_batch(&[quote.to_str().unwrap()]).await;
    let stderr = failure(&run);
    assert!(stderr.contains("quote"), "{stderr}");

    // An empty file.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let run = indikator_batch(&[empty.to_str().unwrap()]).await;
    let stderr = failure(&run);
    assert!(stderr.contains("empty"), "{stderr}");

    // `;` between the cells: the message says so and how to pass it; `--delimiter` reads it.
    let semicolons = dir.path().join("semicolons.csv");
    write_csv(&semicolons, &rows, b';', false);
    let run = indikator_batch(&[semicolons.to_str().unwrap()]).await;
    let stderr = failure(&run);
    assert!(stderr.contains("`;`") && stderr.contains("--delimiter ';'"), "{stderr}");
    let run = indikator_batch(&[semicolons.to_str().unwrap(), "--delimiter", ";", "--quiet"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("3 records: 3 scored"), "{}", run.stderr);
}

#[tokio::test]
async fn line_numbers_are_right_with_crlf_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = example_csv_rows(5);
    let kind = rows[0].iter().position(|c| c == "kind").unwrap();
    rows[4][kind] = "no_such_kind".into(); // the fifth line of the file
    for (crlf, name) in [(false, "lf.csv"), (true, "crlf.csv")] {
        let path = dir.path().join(name);
        write_csv(&path, &rows, b',', crlf);
        let run = indikator_batch(&[path.to_str().unwrap()]).await;
        let stderr = failure(&run);
        assert!(stderr.contains(&format!("{name}:5: ")), "{name}: {stderr}");
    }
}

#[tokio::test]
async fn one_record_is_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    write_csv(&path, &example_csv_rows(1), b',', true);
    let run = indikator_batch(&[path.to_str().unwrap(), "--quiet"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("1 record: 1 scored, 0 rejected; 1 score card\n"), "{}", run.stderr);
}

// ---- the HTML report ----

/// Charts in the example round's report: three composite tables, six simple
/// scores, the county comparison and one chart per run of `ssb-2018` items
/// with the same answers (the example round has no KS answers).
const EXAMPLE_CHARTS: usize = 21;

/// Where the browser check leaves the report, its screenshot and the browser's
/// logs (a CI artefact): `target/html-report/`.
fn artefacts() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium() -> Option<std::path::PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

/// Hosts Chromium itself calls (time, updates, accounts, dictionaries) even
/// with background networking off; any other URL is the page's.
fn browser_own(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("").split(['/', '?', ':']).next().unwrap_or("");
    ["google.com", "googleapis.com", "gvt1.com"].iter().any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Runs headless Chromium on `page` with `extra` flags; its stdout and stderr.
fn run_chromium(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("start chromium");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[tokio::test]
async fn the_html_report_is_self_contained_and_opens_in_a_browser_without_errors_or_fetches() {
    let dir = artefacts();
    let page = dir.join("report-2018.html");
    let run = indikator_batch(&["examples/round-2018.jsonl", "--quiet", "--html", page.to_str().unwrap()]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), EXAMPLE_CHARTS);
    assert_eq!(html.matches("<title id=\"chart-").count(), EXAMPLE_CHARTS, "every chart is named by a <title>");
    assert_eq!(html.matches("<table id=\"chart-").count(), EXAMPLE_CHARTS, "every chart has its numbers as a table");
    assert_eq!(html.matches("<article class=\"card\"").count(), 377);
    for fetch in ["src=", "href=\"http", "url(", "@import", "<link"] {
        assert!(!html.contains(fetch), "the report fetches nothing: {fetch}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(html.contains("Digital prioritering") && html.contains("Digital priority"), "Norwegian and English");
    // Item charts mark the published figures beside the round's, and the
    // figures table sets each one beside the round's value.
    let items = &html[html.find("id=\"items\"").expect("the item section")..];
    assert!(items.contains("Informasjonssikkerhet") && items.contains("93,8 %"), "published beside round");
    assert!(html[html.find("id=\"figures\"").expect("the figures section")..].contains("SSB Rapporter 2019"));

    let Some(browser) = chromium() else {
        // .ci/run found one: not finding it here is a failure, not a skip.
        assert!(std::env::var_os("CI_REQUIRE_CHROMIUM").is_none(), "CI_REQUIRE_CHROMIUM is set but no chromium found");
        eprintln!(
            "\n\n!!!!!!!!\n!!!!!!!! CHROMIUM NOT FOUND: the HTML report was NOT opened in a browser \
             (install Debian's `chromium`; .ci/run does). The file checks above ran.\n!!!!!!!!\n"
        );
        return;
    };
    let netlog = dir.join("netlog.json");
    let (dom, log) =
        run_chromium(&browser, &page, &["--dump-dom".into(), format!("--log-net-log={}", netlog.display())]);
    std::fs::write(dir.join("chromium.log"), &log).unwrap();
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let netlog_text = std::fs::read_to_string(&netlog).unwrap();
    let net: serde_json::Value = serde_json::from_str(&netlog_text).unwrap_or_else(|_| {
        // A net log cut short by the browser's exit lacks its closing brackets.
        serde_json::from_str(&format!("{}]}}", netlog_text.trim_end().trim_end_matches(','))).unwrap()
    });
    let mut urls = Vec::new();
    for event in net["events"].as_array().unwrap() {
        if let Some(url) = event["params"]["url"].as_str()
            && !url.starts_with("file:")
            && !url.starts_with("data:")
            && !browser_own(url)
        {
            urls.push(url.to_owned());
        }
    }
    assert!(urls.is_empty(), "the page made network requests: {urls:?}");
    assert_eq!(dom.matches("<svg").count(), EXAMPLE_CHARTS, "charts in the rendered page");
    assert_eq!(dom.matches("<article class=\"card").count(), 377, "score cards in the rendered page");
    assert_eq!(dom.matches("<article class=\"card\"").count(), 50, "the script shows the first page of 50 cards");
    assert!(dom.contains("side 1 / 8 (377 kort / cards)"), "the pager ran");

    let checks = page_checks(&browser, &dir, &html);
    assert!(checks.charts == EXAMPLE_CHARTS, "{checks:?}");
    assert!(checks.codes.is_empty(), "raw enum codes in the visible text: {:?}", checks.codes);
    assert!(checks.points.is_empty(), "decimal points in bokmål text: {:?}", checks.points);
    assert!(checks.overlaps.is_empty(), "chart texts drawn over each other: {:#?}", checks.overlaps);
    assert!(checks.axes.is_empty(), "percentage axes not ending at 100 %: {:?}", checks.axes);
    assert!(checks.untitled.is_empty(), "charts without a title: {:?}", checks.untitled);
    accessibility(&browser, &dir, &html, "report-2018");

    let screenshot = dir.join("report-2018.png");
    run_chromium(
        &browser,
        &page,
        &[format!("--screenshot={}", screenshot.display()), "--window-size=1280,1800".into()],
    );
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000, "a screenshot at {}", screenshot.display());
    eprintln!("screenshot: {}", screenshot.display());
}

#[tokio::test]
async fn the_html_report_of_a_thousand_respondents_stays_under_ten_megabytes() {
    use indikator_app::proto::v1 as pb;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let job = crate::batch::job(&crate::batch::example_round(), Some(json.clone()), None);
    let outcome = indikator_client::batch::run(&job).await.unwrap();
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let cards: Vec<pb::ScoreCard> =
        report["scoreCards"].as_array().unwrap().iter().map(|c| serde_json::from_value(c.clone()).unwrap()).collect();
    let thousand: Vec<pb::ScoreCard> = cards.iter().cycle().take(1000).cloned().collect();
    let html = indikator_client::report::html::render(
        &outcome.summary,
        &thousand,
        indikator_core::catalogue::Catalogues::shipped(),
    );
    assert_eq!(html.matches("<article class=\"card\"").count(), 1000);
    assert!(html.len() < 10_000_000, "{} bytes", html.len());
    eprintln!("1,000 score cards: {} bytes", html.len());
}

#[tokio::test]
async fn ks_areas_and_service_levels_reach_the_csv_and_the_score_card() {
    let dir = tempfile::tempdir().unwrap();
    let request: serde_json::Value = serde_json::from_str(include_str!("../../examples/score-request.json")).unwrap();
    let record = serde_json::json!({"record": {"recordId": "oslo", "response": request["response"]}});
    let round = dir.path().join("oslo.jsonl");
    std::fs::write(&round, format!("{record}\n")).unwrap();
    let (csv_path, html) = (dir.path().join("r.csv"), dir.path().join("r.html"));
    let run = indikator_batch(&[
        round.to_str().unwrap(),
        "--quiet",
        "--csv",
        csv_path.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ])
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"))].to_owned();
    assert_eq!(cell("county_name"), "Oslo");
    let ks_scores: Vec<String> = header
        .iter()
        .zip(row.iter())
        .filter(|(h, v)| h.starts_with("ks_") && h.ends_with("_score") && !v.is_empty())
        .map(|(h, _)| h.to_owned())
        .collect();
    assert!(!ks_scores.is_empty(), "some KS area is scored");
    let area = ks_scores[0].trim_end_matches("_score");
    assert_eq!(cell(&format!("{area}_national_mean")), cell(&ks_scores[0]), "alone in the round, it is the mean");
    assert_eq!(cell("services_reported"), "19");
    assert_eq!(cell("services_none_offered"), "no");

    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("KS-område <span class=\"en\" lang=\"en\">KS area</span>"), "the card's målkort");
    assert!(html.contains("Landsdel <span class=\"en\" lang=\"en\">region</span>"));
    assert!(
        html.contains("Alle tjenester <span class=\"en\" lang=\"en\">all services</span>"),
        "the card's service levels"
    );
    assert!(html.contains("id=\"ks\""), "the round's KS means");
}

/// What the injected page check (`tests/api/browser/checks.js`) found.
#[derive(Debug, serde::Deserialize)]
struct PageChecks {
    charts: usize,
    codes: Vec<String>,
    points: Vec<String>,
    overlaps: Vec<String>,
    axes: Vec<String>,
    untitled: Vec<String>,
}

/// The text of the `<pre id="{id}">` a script injected into the page wrote.
fn injected_result(dom: &str, id: &str) -> String {
    let open = format!("<pre id=\"{id}\">");
    let start = dom.find(&open).unwrap_or_else(|| panic!("the injected script wrote no #{id}")) + open.len();
    let end = dom[start..].find("</pre>").unwrap() + start;
    dom[start..end].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Runs `script` in a copy of `html` (named `name` in `dir`) in Chromium; a
/// page whose policy allows no script (the comparison's) is given leave to
/// run inline ones.
fn run_injected(browser: &Path, dir: &Path, html: &str, name: &str, script: &str, budget_ms: u32) -> String {
    let page = dir.join(name);
    let html = if html.contains("script-src") {
        html.to_owned()
    } else {
        html.replacen("style-src 'unsafe-inline';", "style-src 'unsafe-inline'; script-src 'unsafe-inline';", 1)
    };
    std::fs::write(&page, html.replacen("</body>", &format!("<script>{script}</script></body>"), 1)).unwrap();
    let (dom, _) = run_chromium(
        browser,
        &page,
        &["--dump-dom".into(), "--window-size=1280,1800".into(), format!("--virtual-time-budget={budget_ms}")],
    );
    dom
}

/// The page checks of the report `html`, run in Chromium.
fn page_checks(browser: &Path, dir: &Path, html: &str) -> PageChecks {
    let dom = run_injected(browser, dir, html, "checks.html", include_str!("browser/checks.js"), 5000);
    serde_json::from_str(&injected_result(&dom, "report-checks")).unwrap()
}

/// axe-core: `INDIKATOR_AXE` (the path of `axe.min.js`; `.ci/run` installs
/// it), else the copy `.ci/run` caches under `${TMPDIR:-/tmp}`.
fn axe_core() -> Option<String> {
    if let Some(path) = std::env::var_os("INDIKATOR_AXE") {
        return Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("INDIKATOR_AXE {path:?}: {e}")));
    }
    let tmp = std::env::var_os("TMPDIR").map_or_else(|| std::path::PathBuf::from("/tmp"), std::path::PathBuf::from);
    std::fs::read_to_string(tmp.join("indikator-ci-tools/axe/node_modules/axe-core/axe.min.js")).ok()
}

/// axe-core's WCAG 2.1 A and AA rules find no violation in the report `html`.
fn accessibility(browser: &Path, dir: &Path, html: &str, name: &str) {
    let Some(axe) = axe_core() else {
        eprintln!(
            "\n\n!!!!!!!!\n!!!!!!!! AXE-CORE NOT FOUND: {name} was NOT checked for WCAG 2.1 AA \
             (set INDIKATOR_AXE to axe.min.js; .ci/run installs it).\n!!!!!!!!\n"
        );
        return;
    };
    let script = format!("{axe}\n{}", include_str!("browser/axe-run.js"));
    let dom = run_injected(browser, dir, html, &format!("{name}-axe.html"), &script, 60_000);
    let violations: serde_json::Value = serde_json::from_str(&injected_result(&dom, "axe-result")).unwrap();
    assert_eq!(violations.as_array().map(Vec::len), Some(0), "{name}: WCAG 2.1 AA violations: {violations:#}");
    eprintln!("{name}: axe-core found no WCAG 2.1 A or AA violation");
}

/// One row of a chart as drawn: its key, its segments (answer, value) in
/// order and its published marker (figure, answers, value, from the end).
#[derive(Debug)]
struct DrawnRow {
    key: String,
    segments: Vec<(String, f64)>,
    marker: Option<(String, Vec<String>, f64, bool)>,
}

fn attribute<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("{name}=\"");
    let start = text.find(&open)? + open.len();
    Some(&text[start..start + text[start..].find('"')?])
}

/// Every chart row of `html` with its segments and marker.
fn drawn_rows(html: &str) -> Vec<DrawnRow> {
    html.split("<g class=\"row\" data-row=\"")
        .skip(1)
        .map(|chunk| {
            let chunk = &chunk[..chunk.find("class=\"n\"").unwrap()];
            let segments = chunk
                .split("<rect class=\"segment\" ")
                .skip(1)
                .map(|s| {
                    (
                        attribute(s, "data-answer").unwrap().to_owned(),
                        attribute(s, "data-value").unwrap().parse().unwrap(),
                    )
                })
                .collect();
            let marker = chunk.split_once("<g class=\"marker\" ").map(|(_, m)| {
                (
                    attribute(m, "data-figure").unwrap().to_owned(),
                    attribute(m, "data-answers").unwrap().split(' ').map(str::to_owned).collect(),
                    attribute(m, "data-value").unwrap().parse().unwrap(),
                    attribute(m, "data-from-end").unwrap() == "true",
                )
            });
            DrawnRow { key: chunk[..chunk.find('"').unwrap()].to_owned(), segments, marker }
        })
        .collect()
}

#[tokio::test]
async fn every_published_marker_counts_the_same_answers_as_the_bar_it_is_drawn_on() {
    use indikator_core::methodology::figures::{Measure, PUBLISHED_FIGURES};
    use indikator_core::methodology::ssb2018 as m;
    let dir = tempfile::tempdir().unwrap();
    let (json, page) = (dir.path().join("r.json"), dir.path().join("r.html"));
    let run = indikator_batch(&[
        "examples/round-2018.jsonl",
        "--quiet",
        "--out",
        json.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ])
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let summary = &report["summary"];
    let municipalities = summary["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "RESPONDENT_KIND_MUNICIPALITY")
        .expect("the headline group");
    // The round's share of `answers` of an item, from the summary's counts.
    let round_share = |item: &str, answers: &[String]| {
        let layout = summary["itemLayout"].as_array().unwrap().iter().find(|l| l["item"] == item).unwrap();
        let d = municipalities["items"].as_array().unwrap().iter().find(|d| d["item"] == item).unwrap();
        let n: f64 = d["n"].as_str().unwrap().parse().unwrap();
        let count: f64 = layout["answers"]
            .as_array()
            .unwrap()
            .iter()
            .zip(d["counts"].as_array().unwrap())
            .filter(|(a, _)| answers.iter().any(|x| x == a.as_str().unwrap()))
            .map(|(_, c)| c.as_str().unwrap().parse::<f64>().unwrap())
            .sum();
        count / n
    };

    let html = std::fs::read_to_string(&page).unwrap();
    let rows = drawn_rows(&html);
    let mut item_markers = 0;
    for row in rows.iter().filter(|r| r.marker.is_some()) {
        let (figure, answers, value, from_end) = row.marker.clone().unwrap();
        let Some(published) = PUBLISHED_FIGURES.iter().find(|f| f.id == figure) else {
            // A composite table's published count: the bar is that grade's share.
            let composite = m::COMPOSITES.iter().find(|c| figure == format!("ssb-2018/{}/{}", c.id, row.key)).unwrap();
            let grade: usize = row.key.trim_start_matches("grade-").parse().unwrap();
            let total: u32 = composite.published_counts.iter().sum();
            assert_eq!(answers, vec![row.key.clone()], "{figure}");
            assert!(
                (value - f64::from(composite.published_counts[grade]) / f64::from(total)).abs() < 1e-12,
                "{figure}"
            );
            continue;
        };
        let Measure::Item { item, answers: counted, .. } = published.measure else {
            panic!("{figure}: a marker on an item bar is an item figure")
        };
        item_markers += 1;
        assert_eq!(row.key, item, "{figure} is drawn on its own item's bar");
        let mut expected: Vec<&str> = counted.to_vec();
        let mut drawn: Vec<&str> = answers.iter().map(String::as_str).collect();
        expected.sort_unstable();
        drawn.sort_unstable();
        assert_eq!(drawn, expected, "{figure}: the marker counts the figure's answers");
        assert_eq!(value, published.value, "{figure}: the marker is at the published value");
        // The bar's part up to the marker is exactly those answers.
        let k = counted.len();
        let part: Vec<&(String, f64)> =
            if from_end { row.segments.iter().rev().take(k).collect() } else { row.segments.iter().take(k).collect() };
        let mut part_answers: Vec<&str> = part.iter().map(|(a, _)| a.as_str()).collect();
        part_answers.sort_unstable();
        assert_eq!(part_answers, expected, "{figure}: the marked part of the bar counts the same answers");
        let part_share: f64 = part.iter().map(|(_, v)| v).sum();
        assert!((part_share - round_share(item, &answers)).abs() < 1e-9, "{figure}: {part_share}");
    }
    assert!(item_markers >= 10, "{item_markers} item markers");

    // Receiving invoices: «ja, helt» or «ja, delvis» beside the published 93,4 %.
    let invoices = rows.iter().find(|r| r.key == "PROCUREMENT_ACTIVITY_RECEIVING_INVOICES").unwrap();
    let (figure, answers, value, from_end) = invoices.marker.clone().expect("a marker on receiving invoices");
    assert_eq!(figure, "ssb-2018/fig-5.2/receiving_invoices");
    assert_eq!(answers, ["PROCUREMENT_ANSWER_YES_FULLY", "PROCUREMENT_ANSWER_YES_PARTLY"]);
    assert!(!from_end && value == 0.934);
    let items = &html[html.find("id=\"items\"").unwrap()..];
    assert!(items.contains("«ja, helt» eller «ja, delvis»"), "the figures table names the answers counted");
    // A figure the bar cannot show as one part («nei» between «ja, delvis» and
    // «vet ikke») has no marker, and the table says so.
    let award = rows.iter().find(|r| r.key == "PROCUREMENT_ACTIVITY_EVALUATION_AND_AWARD").unwrap();
    assert!(award.marker.is_none());
    assert!(items.contains("nei: stolpen viser ikke disse svarene samlet"));
}

#[tokio::test]
async fn the_comparison_report_opens_in_a_browser_without_console_messages_raw_codes_or_wcag_violations() {
    let dir = artefacts();
    let page = dir.join("compare-2018-2020.html");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "compare",
            "examples/round-2018.jsonl",
            "examples/round-2020.jsonl",
            "--correspondence",
            "examples/correspondence-2020.csv",
            "--quiet",
            "--html",
        ])
        .arg(&page)
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    for fetch in ["src=", "href=\"http", "url(", "@import", "<link", "<script"] {
        assert!(!html.contains(fetch), "the comparison fetches and runs nothing: {fetch}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert_eq!(html.matches("<table class=\"heat\"").count(), 3, "a heat map per composite");
    assert!(html.contains("slått sammen til") && html.contains("Kom til") && html.contains("Falt bort"));
    assert!(html.contains("Informasjonssikkerhet"), "item labels, not codes, among the largest changes");

    let Some(browser) = chromium() else {
        eprintln!(
            "\n\n!!!!!!!!\n!!!!!!!! CHROMIUM NOT FOUND: the comparison report was NOT opened in a browser.\n!!!!!!!!\n"
        );
        return;
    };
    let (dom, log) = run_chromium(&browser, &page, &["--dump-dom".into()]);
    std::fs::write(dir.join("chromium-compare.log"), &log).unwrap();
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("Overganger mellom karakterer"));
    let checks = page_checks(&browser, &dir, &html);
    assert!(checks.codes.is_empty(), "raw enum codes in the visible text: {:?}", checks.codes);
    assert!(checks.points.is_empty(), "decimal points in bokmål text: {:?}", checks.points);
    accessibility(&browser, &dir, &html, "compare-2018-2020");
}

#[tokio::test]
async fn a_county_of_one_respondent_is_greyed_as_few_respondents_unless_the_small_group_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let county_chart = |html: &str| {
        let start = html.find("id=\"chart-counties\"").expect("the county chart");
        html[start..start + html[start..].find("</svg>").unwrap()].to_owned()
    };
    let oslo = |chart: &str| {
        let start = chart.find("data-row=\"03\"").expect("Oslo's row");
        chart[start..start + chart[start..].find("</g>").unwrap()].to_owned()
    };
    let page = dir.path().join("default.html");
    let run = indikator_batch(&["examples/round-2018.jsonl", "--quiet", "--html", page.to_str().unwrap()]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    let chart = county_chart(&html);
    assert!(oslo(&chart).contains("få svar") && !oslo(&chart).contains("class=\"segment\""), "{}", oslo(&chart));
    assert_eq!(chart.matches("class=\"small\"").count(), 1, "only Oslo (n = 1) is under 5");
    assert!(html.contains("Fylker med færre enn 5 respondenter vises grå"), "the chart says why");

    let page = dir.path().join("one.html");
    let run = indikator_batch(&[
        "examples/round-2018.jsonl",
        "--quiet",
        "--small-group",
        "1",
        "--html",
        page.to_str().unwrap(),
    ])
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let chart = county_chart(&std::fs::read_to_string(&page).unwrap());
    assert!(!chart.contains("få svar") && oslo(&chart).contains("class=\"segment\""));

    let run = indikator_batch(&["examples/round-2018.jsonl", "--small-group", "0"]).await;
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--small-group"), "{}", run.stderr);
}

#[tokio::test]
async fn a_failed_comparison_leaves_an_existing_html_report_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("compare.html");
    std::fs::write(&page, "the previous report\n").unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["compare", "examples/round-2018.jsonl", "examples/no-such-round.jsonl", "--quiet", "--html"])
        .arg(&page)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "the previous report\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
}
