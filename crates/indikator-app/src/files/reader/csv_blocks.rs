//! CSV round files cut into blocks of whole records on the reading thread,
//! and each block's records read on a parsing thread.

use std::io::Read;

use super::{Chunks, Convert, FileError, Parsed, Raw, csv_format, input_error};

/// Bytes of a CSV file handed to a parsing thread at a time, at least (whole
/// records: a block ends where a record does).
const CSV_BLOCK: usize = 512 * 1024;

/// What the parsing threads need of a CSV file's header row.
pub(super) struct CsvLayout {
    columns: csv_format::CsvHeader,
    delimiter: u8,
}

/// Parses the records of a CSV block; `newlines`: the file's newlines before it.
pub(super) fn parse_csv_block<T>(
    block: &[u8],
    newlines: u64,
    layout: &CsvLayout,
    path: &str,
    convert: &Convert<T>,
    parsed: &mut Vec<Parsed<T>>,
) -> Result<(), FileError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(layout.delimiter).from_reader(block);
    let mut lines = BlockLines { block, counted_to: 0, newlines };
    let mut row = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = lines.line_at(e.position().map_or(block.len(), |p| p.byte() as usize));
                return Err(input_error(path, line, csv_message(&e)));
            }
        }
        let line = lines.line_at(row.position().map_or(0, |p| p.byte() as usize));
        // Rows are read as they are (`flexible`): a row of the wrong length is
        // the parser's `CellCount`, which says what an unclosed quote does.
        let (item, survey_year) =
            (convert.csv_row)(&layout.columns, &row, line).map_err(|e| input_error(path, line, e.to_string()))?;
        parsed.push(Parsed::Record { item, line, survey_year });
    }
}

/// Line numbers of a block's records, counted as they are asked for in order.
struct BlockLines<'a> {
    block: &'a [u8],
    /// Newlines are counted up to here…
    counted_to: usize,
    /// …and this many lie before it in the file.
    newlines: u64,
}

impl BlockLines<'_> {
    /// The 1-based line of the record starting at `byte` of the block; a
    /// position on the `\n` of a `\r\n` belongs to the line after it.
    fn line_at(&mut self, byte: usize) -> u64 {
        let to = (byte + 1).min(self.block.len()).max(self.counted_to);
        self.newlines += memchr::memchr_iter(b'\n', &self.block[self.counted_to..to]).count() as u64;
        self.counted_to = to;
        self.newlines + 1
    }
}

/// The delimiter a header row that read as one column seems to use.
fn likely_delimiter(header: &csv::StringRecord) -> Option<char> {
    if header.len() != 1 {
        return None;
    }
    [';', '\t', '|'].into_iter().find(|d| header[0].contains(*d))
}

/// Reads the header row into `layout`, then hands on the records in blocks
/// of whole records, which the parsing threads read.
pub(super) fn read_csv(
    path: &str,
    mut input: impl Read,
    delimiter: u8,
    layout: &std::sync::OnceLock<CsvLayout>,
    out: &mut Chunks,
) -> Result<(), FileError> {
    // Bytes read and not yet handed on.
    let mut carry = Vec::with_capacity(2 * CSV_BLOCK);
    // Newlines before `carry`, for line numbers.
    let mut newlines = 0u64;
    let mut eof = false;
    let mut read_more = |carry: &mut Vec<u8>, newlines: u64| -> Result<bool, FileError> {
        let want = CSV_BLOCK as u64;
        let read = (&mut input)
            .take(want)
            .read_to_end(carry)
            .map_err(|e| input_error(path, newlines + 1, format!("cannot read the file: {e}")))?;
        Ok((read as u64) < want)
    };
    let header_end = loop {
        if let Some(end) = RecordEnds::new(&carry, delimiter).next() {
            break end;
        }
        if eof {
            break carry.len();
        }
        eof = read_more(&mut carry, newlines)?;
    };
    let header = {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(&carry[..header_end]);
        let mut header = csv::StringRecord::new();
        reader.read_record(&mut header).map_err(|e| input_error(path, 1, csv_message(&e)))?;
        header
    };
    if header.is_empty() || (header.len() == 1 && header[0].trim_start_matches('\u{feff}').is_empty()) {
        return Err(input_error(
            path,
            1,
            "the file is empty: a CSV round file needs a header row and a row per respondent",
        ));
    }
    if let Some(d) = likely_delimiter(&header) {
        let (shown, flag) =
            if d == '\t' { ("a tab".to_owned(), "tab".to_owned()) } else { (format!("`{d}`"), d.to_string()) };
        return Err(input_error(
            path,
            1,
            format!(
                "the header row reads as one column: the cells seem to be separated by {shown}, not by `{}`; pass --delimiter '{flag}'",
                delimiter as char
            ),
        ));
    }
    let columns = csv_format::CsvHeader::parse(&header).map_err(|e| input_error(path, 1, e.to_string()))?;
    let _ = layout.set(CsvLayout { columns, delimiter });
    newlines += memchr::memchr_iter(b'\n', &carry[..header_end]).count() as u64;
    carry.drain(..header_end);
    loop {
        // Read until the bytes hold a block's worth of whole records (or the file ends).
        let end = loop {
            if eof {
                break carry.len();
            }
            if carry.len() >= CSV_BLOCK
                && let Some(end) = last_record_end(&carry, delimiter)
            {
                break end;
            }
            eof = read_more(&mut carry, newlines)?;
        };
        if end == 0 {
            return Ok(());
        }
        let Some(mut rows) = out.buffer() else { return Ok(()) };
        rows.truncate(1);
        if rows.is_empty() {
            rows.push((0, Raw::CsvBlock(Vec::with_capacity(2 * CSV_BLOCK))));
        }
        let (before, Raw::CsvBlock(block)) = &mut rows[0] else { unreachable!("a CSV buffer") };
        // The bytes read become the block; only what follows its last record is copied.
        std::mem::swap(block, &mut carry);
        carry.clear();
        carry.extend_from_slice(&block[end..]);
        block.truncate(end);
        *before = newlines;
        newlines += memchr::memchr_iter(b'\n', block).count() as u64;
        if !out.send(rows, None) {
            return Ok(());
        }
    }
}

/// Where the last whole record of `bytes` (which start at a record's start)
/// ends: after its line end. `None` when no record ends in them.
pub(super) fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(QUOTE, bytes).is_none() {
        // Without quotes every line end ends a record.
        return memchr::memrchr2(b'\n', b'\r', bytes).map(|at| at + 1);
    }
    RecordEnds::new(bytes, delimiter).last()
}

const QUOTE: u8 = b'"';

/// The ends of the records in CSV bytes, as the csv crate reads them (quoted
/// cells may hold line ends; `""` inside one is a quote; a quote inside an
/// unquoted cell is a character): each just after the `\n` or `\r` that ends a
/// record. Blank lines end none.
pub(super) struct RecordEnds<'a> {
    bytes: &'a [u8],
    at: usize,
    delimiter: u8,
    state: CsvState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvState {
    StartRecord,
    StartField,
    InField,
    InQuotes,
    /// A quote in a quoted cell: its end, or the first of `""`.
    QuoteInQuotes,
}

impl<'a> RecordEnds<'a> {
    pub(super) fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        Self { bytes, at: 0, delimiter, state: CsvState::StartRecord }
    }
}

impl Iterator for RecordEnds<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        use CsvState::*;
        while let Some(&b) = self.bytes.get(self.at) {
            self.at += 1;
            let line_end = b == b'\n' || b == b'\r';
            self.state = match (self.state, b) {
                (StartRecord, _) if line_end => StartRecord,
                (StartRecord | StartField, QUOTE) => InQuotes,
                (InQuotes, QUOTE) => QuoteInQuotes,
                (InQuotes, _) => InQuotes,
                (QuoteInQuotes, QUOTE) => InQuotes,
                (_, b) if b == self.delimiter => StartField,
                (_, _) if line_end => {
                    self.state = StartRecord;
                    return Some(self.at);
                }
                _ => InField,
            };
        }
        None
    }
}

/// The csv crate's message; for a cell that is not UTF-8 without its record
/// and byte counts, which count from the start of a block.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("cell {} is not UTF-8 (after its first {} bytes)", err.field() + 1, err.valid_up_to())
        }
        _ => e.to_string(),
    }
}
