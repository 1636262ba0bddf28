use super::csv_blocks::{RecordEnds, last_record_end};
use super::*;

fn records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    reader.byte_records().map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
}

proptest::proptest! {
    /// Cut at every record end found (and at the last one, as blocks are),
    /// CSV bytes read as the same records as whole.
    #[test]
    fn cutting_at_record_ends_keeps_every_record_whole(
        parts in proptest::collection::vec(
            proptest::sample::select(vec!["a", "bc", ",", "\"", "\"\"", "\n", "\r\n", "\r", "x\"y", " "]),
            0..60,
        )
    ) {
        let bytes = parts.concat().into_bytes();
        let whole = records(&bytes);
        let mut pieces = Vec::new();
        let mut from = 0;
        for end in RecordEnds::new(&bytes, b',') {
            pieces.extend(records(&bytes[from..end]));
            from = end;
        }
        pieces.extend(records(&bytes[from..]));
        proptest::prop_assert_eq!(&pieces, &whole);
        if let Some(end) = last_record_end(&bytes, b',') {
            let mut halves = records(&bytes[..end]);
            halves.extend(records(&bytes[end..]));
            proptest::prop_assert_eq!(&halves, &whole);
        }
    }
}

/// Every item of a file, and its error if it has one (the stream stops
/// at an error without ending).
async fn read_all(path: &Path, format: InputFormat) -> (Vec<pb::ScoreRoundRequest>, Option<String>) {
    let (stream, mut errors) = RoundFile::open(path, Some(format))
        .unwrap()
        .into_requests(HeaderOverride { default_round_id: "file".into(), ..HeaderOverride::default() });
    let mut stream = std::pin::pin!(stream);
    let mut items = Vec::new();
    loop {
        tokio::select! {
            biased;
            item = stream.next() => match item {
                Some(item) => items.push(item),
                None => return (items, None),
            },
            Ok(error) = &mut errors => return (items, Some(error.to_string())),
        }
    }
}

fn record_ids(items: &[pb::ScoreRoundRequest]) -> Vec<String> {
    items
        .iter()
        .filter_map(|m| match &m.item {
            Some(Item::Record(r)) => Some(r.record_id.clone()),
            _ => None,
        })
        .collect()
}

fn record_line(id: &str) -> String {
    format!(r#"{{"record":{{"recordId":"{id}","response":{{"respondent":{{"surveyYear":2018}}}}}}}}"#)
}

#[tokio::test]
async fn chunks_that_stop_before_the_end_of_the_file_fail_the_file_instead_of_ending_it() {
    let (done_tx, done_rx) = mpsc::unbounded_channel();
    let (pool_tx, _pool_rx) = std_mpsc::channel();
    let convert = Convert::<u64> { message: Box::new(|_| 0), csv_row: Box::new(|_, _, _| unreachable!("no CSV here")) };
    let mut order = InOrder {
        path: "round.jsonl".into(),
        no_records: "no records",
        done: done_rx,
        waiting: BTreeMap::new(),
        next: 0,
        pool: pool_tx,
        header: Some(HeaderOverride::default()),
        convert: Arc::new(convert),
        error: None,
        stopped: false,
        records: Arc::new(AtomicU64::new(0)),
        lines: Arc::default(),
    };
    let chunk = |index, end| ParsedChunk {
        index,
        parsed: vec![Parsed::Record { item: index + 10, line: index + 2, survey_year: 2018 }],
        error: None,
        rows: Vec::new(),
        end,
    };
    // Chunk 1 arrives before chunk 0; chunk 2 never does (its thread stopped).
    done_tx.send(chunk(1, false)).unwrap();
    done_tx.send(chunk(0, false)).unwrap();
    assert_eq!(order.next_chunk().await.unwrap().unwrap(), vec![0, 10], "the header, then chunk 0");
    assert_eq!(order.next_chunk().await.unwrap().unwrap(), vec![11]);
    drop(done_tx);
    let error = order.next_chunk().await.expect("not the end of the file").unwrap_err();
    assert!(error.to_string().contains("stopped before its end"), "{error}");
    assert!(order.next_chunk().await.is_none(), "nothing follows an error");
}

#[tokio::test]
async fn a_file_of_many_chunks_arrives_in_file_order_after_a_header_made_from_its_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.jsonl");
    let (mut text, mut expected, mut line) = (String::new(), Vec::new(), 0);
    for i in 0..5 * CHUNK {
        if i % 97 == 5 {
            text.push_str("  \n");
            line += 1;
        }
        line += 1;
        // Every seventh record has no id and is named by its line.
        let id = if i % 7 == 3 { String::new() } else { format!("r{i}") };
        expected.push(if id.is_empty() { format!("line {line}") } else { id.clone() });
        text.push_str(&record_line(&id));
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    let (items, error) = read_all(&path, InputFormat::Jsonl).await;
    assert_eq!(error, None);
    let Some(Item::Header(header)) = &items[0].item else { panic!("the header comes first: {:?}", items[0]) };
    assert_eq!((header.round_id.as_str(), header.survey_year), ("file", 2018));
    assert_eq!(record_ids(&items), expected);
}

#[tokio::test]
async fn an_error_in_a_later_chunk_names_its_line_after_every_record_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.jsonl");
    let bad = 3 * CHUNK + 17;
    let lines: Vec<String> = (1..=4 * CHUNK)
        .map(|n| if n == bad { r#"{"record": {"response": 17}}"#.to_owned() } else { record_line(&format!("r{n}")) })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (items, error) = read_all(&path, InputFormat::Jsonl).await;
    let error = error.expect("the bad line stops the file");
    assert!(error.starts_with(&format!("{}:{bad}: ", path.display())), "{error}");
    assert_eq!(record_ids(&items), (1..bad).map(|n| format!("r{n}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_second_header_in_a_later_chunk_is_named_by_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-headers.jsonl");
    let header = r#"{"header":{"roundId":"r","surveyYear":2018}}"#;
    let mut lines = vec![header.to_owned()];
    lines.extend((2..=2 * CHUNK).map(|n| record_line(&format!("r{n}"))));
    lines.push(header.to_owned());
    lines.push(record_line("after"));
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (items, error) = read_all(&path, InputFormat::Jsonl).await;
    let error = error.expect("a second header stops the file");
    assert!(error.ends_with(&format!(":{}: a second round header", 2 * CHUNK + 1)), "{error}");
    assert_eq!(record_ids(&items).len(), 2 * CHUNK - 1);
}

#[tokio::test]
async fn a_bad_csv_cell_in_a_later_chunk_names_its_line_counting_line_breaks_inside_quotes() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/round-2018.jsonl")).unwrap();
    let message: pb::ScoreRoundRequest = serde_json::from_str(example.lines().nth(1).unwrap()).unwrap();
    let Some(Item::Record(record)) = message.item else { panic!("the second line is a record") };
    let columns = csv_format::columns();
    let kind = columns.iter().position(|c| c == "kind").unwrap();
    let name = columns.iter().position(|c| c == "name").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&columns).unwrap();
    let bad = 2 * CHUNK + 100;
    for n in 1..=3 * CHUNK {
        let mut row = csv_format::write_row(&pb::RoundRecord { record_id: format!("r{n}"), ..record.clone() });
        if n == CHUNK + 3 {
            row[name] = "two\nlines".into();
        }
        if n == bad {
            row[kind] = "no_such_kind".into();
        }
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    let (items, error) = read_all(&path, InputFormat::Csv).await;
    let error = error.expect("the bad cell stops the file");
    // The header row, the records before it, and the line break inside a name.
    let line = 1 + bad + 1;
    assert!(error.starts_with(&format!("{}:{line}: ", path.display())), "{error}");
    assert_eq!(record_ids(&items), (1..bad).map(|n| format!("r{n}")).collect::<Vec<_>>());
}

#[test]
fn record_lines_give_each_sequence_its_line_across_blank_lines_and_multi_line_records() {
    let mut lines = RecordLines::default();
    // Records on lines 2, 3, then 6 (a blank line and a two-line record before), 7, 8.
    for line in [2, 3, 6, 7, 8] {
        lines.push(line);
    }
    assert_eq!((0..6).map(|s| lines.line(s)).collect::<Vec<_>>(), [Some(2), Some(3), Some(6), Some(7), Some(8), None]);
    assert_eq!(lines.steps.len(), 2, "one step per change of distance, not one per record");
}
