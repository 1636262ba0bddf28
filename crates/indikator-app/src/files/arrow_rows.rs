//! Arrow record batches read as rows of the CSV round format
//! (`docs/batch-formats.md`, "Parquet"), for Parquet round files and for
//! data frames handed over in memory (pandas, polars, pyarrow).
//!
//! The columns are the CSV round file's, matched by name: a batch's schema is
//! checked once ([`ArrowRows::new`]: known columns, none twice, the identity
//! columns present, a type each column can be read from), then every row is
//! turned into the text a CSV file would hold in its cells ([`BatchRows::row`])
//! and read by the CSV row parser (`csv_format::parse_row`), so a Parquet row
//! and a CSV row holding the same answers read alike, with the same errors.
//!
//! A cell becomes text as follows:
//!
//! - strings (`Utf8`, `LargeUtf8`, `Utf8View`, or a dictionary of those): as they are;
//! - integers (any width, signed or unsigned) in `record_id`,
//!   `organisation_number`, `inhabitants` and `survey_year`: in decimal; in
//!   `municipality_number` and `county_number` padded with leading zeros to
//!   four and two digits (`301` → `0301`, `3` → `03`), the zeros a spreadsheet
//!   or `pandas.read_csv` drops; a number with more digits stays as it is
//!   (and the server refuses it);
//! - floating-point numbers in those columns: a whole number as the integer
//!   (`673469.0` → `673469`, what a data frame makes of an integer column with
//!   missing values), anything else is refused;
//! - booleans in the yes/no columns (`has_strategy`, `has_projects`,
//!   `tried_to_recruit`, `uses_cloud`): `yes` / `no`;
//! - lists of strings (`List`, `LargeList`) in the list columns
//!   (`strategy_areas`, …): the keys joined by `;`; a null item is skipped, an
//!   item holding `;` is refused;
//! - a null, of any type: an empty cell.
//!
//! Rows are numbered from 1 in the order they come ([`ArrowRows::records`]
//! takes the number of the batch's first row), which is what errors name.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};

use crate::files::csv_format::{self as f, CsvError, CsvHeader};
use crate::proto::v1 as pb;

/// Why a schema or a cell cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ArrowRowsError {
    /// The column names, as the CSV header is checked (unknown, twice, missing).
    #[error(transparent)]
    Columns(#[from] CsvError),
    /// A column of a type it cannot be read from.
    #[error("column `{column}`: an Arrow column of type {found} cannot be read here (expected {expected})")]
    Type { column: String, found: String, expected: &'static str },
    /// A batch whose columns are not those of the schema checked.
    #[error("a batch with other columns than the first: {found}")]
    Schema { found: String },
    /// A cell that has no text form in its column.
    #[error("column `{column}`: {message}")]
    Cell { column: String, message: String },
}

/// A row that cannot be read: its 1-based number and why.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("row {row}: {error}")]
pub struct RowError {
    pub row: u64,
    pub error: ArrowRowsError,
}

/// What a column holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A key, a name: text only.
    Text,
    /// `record_id`, `organisation_number`, `inhabitants`, `survey_year`: text or numbers.
    Number,
    /// `municipality_number` (4), `county_number` (2): text or numbers, padded to so many digits.
    Padded(usize),
    /// A yes/no column: text or booleans.
    YesNo,
    /// A list column: text or lists of strings.
    List,
}

impl Role {
    fn of(column: &str) -> Role {
        match column {
            f::RECORD_ID | f::ORGANISATION_NUMBER | f::INHABITANTS | f::SURVEY_YEAR => Role::Number,
            f::MUNICIPALITY_NUMBER => Role::Padded(4),
            f::COUNTY_NUMBER => Role::Padded(2),
            f::HAS_STRATEGY | f::HAS_PROJECTS | f::TRIED_TO_RECRUIT | f::USES_CLOUD => Role::YesNo,
            f::STRATEGY_AREAS | f::PROJECT_AREAS | f::RECRUITMENT_DIFFICULTIES | f::CLOUD_AREAS => Role::List,
            _ => Role::Text,
        }
    }

    fn expected(self) -> &'static str {
        const TEXT: &str = "Utf8, LargeUtf8, Utf8View or a dictionary of strings";
        match self {
            Role::Text => TEXT,
            Role::Number | Role::Padded(_) => {
                "Utf8, LargeUtf8, Utf8View, a dictionary of strings, an integer, Float32 or Float64"
            }
            Role::YesNo => "Utf8, LargeUtf8, Utf8View, a dictionary of strings or Boolean",
            Role::List => "Utf8, LargeUtf8, Utf8View, a dictionary of strings, or a List or LargeList of strings",
        }
    }

    fn accepts(self, data_type: &DataType) -> bool {
        // A column of the null type (pyarrow's type for a column whose
        // cells are all empty) reads as empty cells, whatever its column.
        string_type(data_type)
            || *data_type == DataType::Null
            || match self {
                Role::Text => false,
                Role::Number | Role::Padded(_) => {
                    data_type.is_integer() || matches!(data_type, DataType::Float32 | DataType::Float64)
                }
                Role::YesNo => *data_type == DataType::Boolean,
                Role::List => match data_type {
                    DataType::List(item) | DataType::LargeList(item) => string_type(item.data_type()),
                    _ => false,
                },
            }
    }
}

/// Strings, or a dictionary of strings.
fn string_type(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(key, value) => key.is_dictionary_key_type() && string_type(value),
        _ => false,
    }
}

/// The columns of record batches, checked once, to read their rows with.
#[derive(Debug, Clone)]
pub struct ArrowRows {
    header: CsvHeader,
    /// Per column of the schema: its name, role and type.
    columns: Vec<(String, Role, DataType)>,
}

impl ArrowRows {
    /// Checks a schema's columns: their names as a CSV header's
    /// ([`CsvHeader::parse`]), and that each has a type its column is read from.
    pub fn new(schema: &Schema) -> Result<Self, ArrowRowsError> {
        let names: csv::StringRecord = schema.fields().iter().map(|field| field.name().as_str()).collect();
        let header = CsvHeader::parse(&names)?;
        let mut columns = Vec::with_capacity(schema.fields().len());
        for field in schema.fields() {
            let name = field.name().trim().to_owned();
            let role = Role::of(&name);
            if !role.accepts(field.data_type()) {
                return Err(ArrowRowsError::Type {
                    column: name,
                    found: field.data_type().to_string(),
                    expected: role.expected(),
                });
            }
            columns.push((name, role, field.data_type().clone()));
        }
        Ok(Self { header, columns })
    }

    /// The columns as a CSV header, for `csv_format::parse_row` and
    /// `csv_format::parse_row_view` to read [`BatchRows::row`]'s cells under.
    pub fn header(&self) -> &CsvHeader {
        &self.header
    }

    /// A batch's rows, once its columns are found to be the schema's.
    pub fn rows<'b>(&'b self, batch: &'b RecordBatch) -> Result<BatchRows<'b>, ArrowRowsError> {
        let schema = batch.schema();
        let same = schema.fields().len() == self.columns.len()
            && schema
                .fields()
                .iter()
                .zip(&self.columns)
                .all(|(field, (name, _, data_type))| field.name().trim() == name && field.data_type() == data_type);
        if !same {
            let found: Vec<String> =
                schema.fields().iter().map(|f| format!("{} {}", f.name(), f.data_type())).collect();
            return Err(ArrowRowsError::Schema { found: found.join(", ") });
        }
        let columns = batch
            .columns()
            .iter()
            .zip(&self.columns)
            .map(|(array, (name, role, _))| Column::new(array, name, *role))
            .collect();
        Ok(BatchRows { len: batch.num_rows(), columns, text: String::new() })
    }

    /// A batch's records, each a `RoundRecord` as `csv_format::parse_row`
    /// reads the same cells, or the error of its row; `first_row`: the 1-based
    /// number of the batch's first row. A record without a `record_id` keeps
    /// it empty (the batch client names it `line N`, N its row). A batch
    /// with other columns than the schema's gives one error, under its first row.
    pub fn records<'a>(&'a self, batch: &'a RecordBatch, first_row: u64) -> Records<'a> {
        let rows = self.rows(batch).map_err(Some);
        Records { header: &self.header, rows, next: 0, first_row, cells: csv::StringRecord::new() }
    }
}

/// The records of a batch ([`ArrowRows::records`]).
pub struct Records<'a> {
    header: &'a CsvHeader,
    /// The batch's rows, or the error that it has other columns (until given).
    rows: Result<BatchRows<'a>, Option<ArrowRowsError>>,
    next: usize,
    first_row: u64,
    cells: csv::StringRecord,
}

impl Iterator for Records<'_> {
    type Item = Result<pb::RoundRecord, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = self.first_row + self.next as u64;
        let rows = match &mut self.rows {
            Ok(rows) => rows,
            Err(error) => return error.take().map(|error| Err(RowError { row, error })),
        };
        if self.next >= rows.len() {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(
            rows.row(i, &mut self.cells)
                .and_then(|()| f::parse_row(self.header, &self.cells).map_err(ArrowRowsError::from))
                .map_err(|error| RowError { row, error }),
        )
    }
}

/// The rows of one batch, as CSV cells.
pub struct BatchRows<'b> {
    len: usize,
    columns: Vec<Column<'b>>,
    /// A cell's text, reused.
    text: String,
}

impl BatchRows<'_> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i` (0-based in the batch) as the cells of a CSV row, in the
    /// schema's column order, into `cells` (cleared first).
    pub fn row(&mut self, i: usize, cells: &mut csv::StringRecord) -> Result<(), ArrowRowsError> {
        cells.clear();
        for column in &self.columns {
            self.text.clear();
            column
                .cell(i, &mut self.text)
                .map_err(|message| ArrowRowsError::Cell { column: column.name.to_owned(), message })?;
            cells.push_field(&self.text);
        }
        Ok(())
    }
}

/// One column of a batch, typed for reading its cells as text.
struct Column<'b> {
    name: &'b str,
    array: &'b ArrayRef,
    cells: Cells<'b>,
}

enum Cells<'b> {
    Strings(Strings<'b>),
    Integers {
        value: Box<dyn Fn(usize) -> i128 + 'b>,
        pad: usize,
    },
    Floats {
        value: Box<dyn Fn(usize) -> f64 + 'b>,
        pad: usize,
    },
    Booleans(&'b arrow_array::BooleanArray),
    Lists {
        offsets: Vec<usize>,
        items: Strings<'b>,
    },
    /// A column of the null type: every cell empty.
    Empty,
}

impl<'b> Column<'b> {
    fn new(array: &'b ArrayRef, name: &'b str, role: Role) -> Self {
        let pad = if let Role::Padded(digits) = role { digits } else { 0 };
        macro_rules! integers {
            ($($t:ty),*) => {
                match array.data_type() {
                    $(t if *t == <$t as arrow_array::ArrowPrimitiveType>::DATA_TYPE => {
                        let values = array.as_primitive::<$t>();
                        Some(Box::new(move |i| i128::from(values.value(i))) as Box<dyn Fn(usize) -> i128 + 'b>)
                    })*
                    _ => None,
                }
            };
        }
        let cells = if let Some(strings) = Strings::new(array) {
            Cells::Strings(strings)
        } else if *array.data_type() == DataType::Null {
            Cells::Empty
        } else if let Some(value) =
            integers!(Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type)
        {
            Cells::Integers { value, pad }
        } else if let Some(values) = array.as_primitive_opt::<Float64Type>() {
            Cells::Floats { value: Box::new(move |i| values.value(i)), pad }
        } else if let Some(values) = array.as_primitive_opt::<Float32Type>() {
            Cells::Floats { value: Box::new(move |i| f64::from(values.value(i))), pad }
        } else if let Some(values) = array.as_boolean_opt() {
            Cells::Booleans(values)
        } else if let Some(list) = array.as_list_opt::<i32>() {
            let offsets = list.value_offsets().iter().map(|&o| o as usize).collect();
            Cells::Lists { offsets, items: Strings::new(list.values()).expect("a list of strings, as checked") }
        } else if let Some(list) = array.as_list_opt::<i64>() {
            let offsets = list.value_offsets().iter().map(|&o| o as usize).collect();
            Cells::Lists { offsets, items: Strings::new(list.values()).expect("a list of strings, as checked") }
        } else {
            unreachable!("the column's type was checked against the schema")
        };
        Self { name, array, cells }
    }

    /// Appends cell `i` as text to `out` (nothing for a null).
    fn cell(&self, i: usize, out: &mut String) -> Result<(), String> {
        use std::fmt::Write as _;
        if self.array.is_null(i) {
            return Ok(());
        }
        match &self.cells {
            Cells::Strings(strings) => out.push_str(strings.get(i).unwrap_or("")),
            Cells::Integers { value, pad } => {
                let _ = write!(out, "{:0pad$}", value(i), pad = *pad);
            }
            Cells::Floats { value, pad } => {
                let x = value(i);
                if !(x.is_finite() && x.fract() == 0.0 && x.abs() < 1e18) {
                    return Err(format!("{x} is not a whole number"));
                }
                let _ = write!(out, "{:0pad$}", x as i64, pad = *pad);
            }
            Cells::Booleans(values) => out.push_str(if values.value(i) { f::YES } else { f::NO }),
            Cells::Empty => {}
            Cells::Lists { offsets, items } => {
                for item in offsets[i]..offsets[i + 1] {
                    let Some(key) = items.get(item) else { continue };
                    if key.contains(f::LIST_SEPARATOR) {
                        return Err(format!("the list item {:?} holds `{}`", excerpt(key), f::LIST_SEPARATOR));
                    }
                    if !out.is_empty() {
                        out.push(f::LIST_SEPARATOR);
                    }
                    out.push_str(key);
                }
            }
        }
        Ok(())
    }
}

/// At most 40 characters of client text, for a message.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// An array of strings of any of the string types, or a dictionary of them.
enum Strings<'b> {
    Utf8(&'b arrow_array::StringArray),
    LargeUtf8(&'b arrow_array::LargeStringArray),
    View(&'b arrow_array::StringViewArray),
    Dictionary { keys: &'b dyn Array, normalized: Vec<usize>, values: Box<Strings<'b>> },
}

impl<'b> Strings<'b> {
    fn new(array: &'b ArrayRef) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Utf8 => Strings::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Strings::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => Strings::View(array.as_string_view()),
            DataType::Dictionary(_, _) => {
                let dictionary = array.as_any_dictionary_opt()?;
                Strings::Dictionary {
                    keys: dictionary.keys(),
                    normalized: dictionary.normalized_keys(),
                    values: Box::new(Strings::new(dictionary.values())?),
                }
            }
            _ => return None,
        })
    }

    /// String `i`; `None` for a null.
    fn get(&self, i: usize) -> Option<&'b str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Dictionary { keys, normalized, values } => {
                if keys.is_null(i) {
                    None
                } else {
                    values.get(normalized[i])
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
