//! The CSV exports as typed Parquet files: the score cards (`--parquet`, the
//! columns of [`csv::CardColumns`]) and the summary tables
//! (`--tables-parquet`, those of [`csv::tables`]). Each cell is the text the
//! CSV export writes, stored in its column's type ([`ColumnType`]): whole
//! numbers as `Int64`, other numbers as `Float64`, `yes`/`no` as `Boolean`,
//! the rest as `Utf8`; an empty cell is a null. Read back and written as `{}`
//! writes them (`yes`/`no` for a boolean), the cells are the CSV's.
//!
//! Rows are written as they come, in record batches of [`BATCH_ROWS`] and
//! row groups of at most [`ROW_GROUP_ROWS`]: memory holds a row group and,
//! until the footer, each row group's metadata, not the rows written.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};

use indikator_app::render::csv;

/// Rows gathered before they are handed to the Parquet writer as a batch.
pub const BATCH_ROWS: usize = 1024;

/// Rows in a row group at most (what the writer holds in memory).
pub const ROW_GROUP_ROWS: usize = 8 * 1024;

/// What a column's cells are stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `Utf8`.
    Text,
    /// `Int64`: counts, grades, scores on 0–4, ranks, years, lines.
    Integer,
    /// `Float64`: means, medians, shares.
    Number,
    /// `Boolean`: a `yes`/`no` cell.
    YesNo,
}

impl ColumnType {
    fn data_type(self) -> DataType {
        match self {
            ColumnType::Text => DataType::Utf8,
            ColumnType::Integer => DataType::Int64,
            ColumnType::Number => DataType::Float64,
            ColumnType::YesNo => DataType::Boolean,
        }
    }
}

/// The type of a column of the score cards ([`csv::CardColumns::header`]).
pub fn card_column_type(name: &str) -> ColumnType {
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| name.ends_with(s));
    if name.starts_with("flag_") || name == "services_none_offered" {
        ColumnType::YesNo
    } else if matches!(name, "sequence" | "survey_year" | "service_modes_unknown") {
        ColumnType::Integer
    } else if name.starts_with("ks_") {
        if ends(&["_answered", "_total", "_national_rank"]) { ColumnType::Integer } else { ColumnType::Number }
    } else if name.starts_with("services_") {
        if ends(&["_reported", "_total"]) { ColumnType::Integer } else { ColumnType::Number }
    } else if ends(&["_score", "_count", "_grade"]) {
        ColumnType::Integer
    } else {
        ColumnType::Text
    }
}

/// The type of a column of a summary table ([`csv::tables`]).
pub fn table_column_type(name: &str) -> ColumnType {
    match name {
        "n" | "median_base" | "nonzero" | "line" | "sequence" => ColumnType::Integer,
        "share" | "mean" | "published_national_mean" | "median" | "published_median" => ColumnType::Number,
        _ => ColumnType::Text,
    }
}

/// A table's file name under `--tables-parquet`: `composite_grades.csv` → `composite_grades.parquet`.
pub fn table_file_name(table: &csv::Table) -> String {
    format!("{}.parquet", table.name.strip_suffix(".csv").unwrap_or(table.name))
}

/// A Parquet file written row by row from the cells of a CSV export.
pub struct ParquetRows<W: Write + Send> {
    names: Vec<String>,
    columns: Vec<Builder>,
    schema: SchemaRef,
    writer: ArrowWriter<W>,
    buffered: usize,
}

enum Builder {
    Text(StringBuilder),
    Integer(Int64Builder),
    Number(Float64Builder),
    YesNo(BooleanBuilder),
}

impl Builder {
    fn new(column: ColumnType) -> Self {
        match column {
            ColumnType::Text => Builder::Text(StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 8)),
            ColumnType::Integer => Builder::Integer(Int64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::Number => Builder::Number(Float64Builder::with_capacity(BATCH_ROWS)),
            ColumnType::YesNo => Builder::YesNo(BooleanBuilder::with_capacity(BATCH_ROWS)),
        }
    }

    /// Appends a cell; `false` where its text is not of the column's type.
    fn append(&mut self, cell: &str) -> bool {
        match self {
            Builder::Text(b) => b.append_value(cell),
            _ if cell.is_empty() => self.append_null(),
            Builder::Integer(b) => match cell.parse() {
                Ok(n) => b.append_value(n),
                Err(_) => return false,
            },
            Builder::Number(b) => match cell.parse() {
                Ok(x) => b.append_value(x),
                Err(_) => return false,
            },
            Builder::YesNo(b) => match cell {
                "yes" => b.append_value(true),
                "no" => b.append_value(false),
                _ => return false,
            },
        }
        true
    }

    fn append_null(&mut self) {
        match self {
            Builder::Text(b) => b.append_null(),
            Builder::Integer(b) => b.append_null(),
            Builder::Number(b) => b.append_null(),
            Builder::YesNo(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Integer(b) => Arc::new(b.finish()),
            Builder::Number(b) => Arc::new(b.finish()),
            Builder::YesNo(b) => Arc::new(b.finish()),
        }
    }
}

impl<W: Write + Send> ParquetRows<W> {
    /// A file of these columns, each named and typed, written to `out`
    /// (snappy-compressed), statistics per row group.
    pub fn new(out: W, columns: impl IntoIterator<Item = (String, ColumnType)>) -> Result<Self, ParquetError> {
        let (names, types): (Vec<String>, Vec<ColumnType>) = columns.into_iter().unzip();
        let fields: Vec<Field> = names.iter().zip(&types).map(|(n, t)| Field::new(n, t.data_type(), true)).collect();
        let schema = Arc::new(Schema::new(fields));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            // Statistics per row group, not per page: the page index of every
            // row group would be held until the footer is written.
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(properties))?;
        let columns = types.into_iter().map(Builder::new).collect();
        Ok(Self { names, columns, schema, writer, buffered: 0 })
    }

    /// Appends a row of cells, one per column, as the CSV export writes them.
    pub fn row<'c>(&mut self, cells: impl IntoIterator<Item = &'c str>) -> Result<(), ParquetError> {
        let mut given = 0;
        for (i, cell) in cells.into_iter().enumerate() {
            let Some(column) = self.columns.get_mut(i) else {
                return Err(ParquetError::General(format!("a row of more than {} cells", self.names.len())));
            };
            if !column.append(cell) {
                let expected = match column {
                    Builder::Integer(_) => "a whole number",
                    Builder::Number(_) => "a number",
                    _ => "yes or no",
                };
                return Err(ParquetError::General(format!("column `{}`: {cell:?} is not {expected}", self.names[i])));
            }
            given += 1;
        }
        if given != self.columns.len() {
            return Err(ParquetError::General(format!("a row of {given} cells under {} columns", self.columns.len())));
        }
        self.buffered += 1;
        if self.buffered >= BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<(), ParquetError> {
        if self.buffered == 0 {
            return Ok(());
        }
        self.buffered = 0;
        let arrays = self.columns.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.writer.write(&batch)
    }

    /// Writes what is buffered and the file's footer; the writer back.
    pub fn finish(mut self) -> Result<W, ParquetError> {
        self.flush_batch()?;
        self.writer.into_inner()
    }
}

/// The score cards' file: [`csv::CardColumns::header`], typed by [`card_column_type`].
pub fn cards<W: Write + Send>(out: W, columns: &csv::CardColumns) -> Result<ParquetRows<W>, ParquetError> {
    ParquetRows::new(
        out,
        columns.header().into_iter().map(|name| {
            let column = card_column_type(&name);
            (name, column)
        }),
    )
}

/// A summary table's file, typed by [`table_column_type`].
pub fn table<W: Write + Send>(out: W, header: &[&str]) -> Result<ParquetRows<W>, ParquetError> {
    ParquetRows::new(out, header.iter().map(|name| (name.to_string(), table_column_type(name))))
}

/// Rows of cells as text, kept in one string: what a chunk of score cards
/// gives the Parquet and Excel outputs.
#[derive(Debug, Default, Clone)]
pub struct CellRows {
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    /// Where each row ends in `ends`.
    rows: Vec<usize>,
}

impl CellRows {
    pub fn cell(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Ends the row of the cells given since the last.
    pub fn end_row(&mut self) {
        self.rows.push(self.ends.len());
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
    }

    /// Each row's cells.
    pub fn rows(&self) -> impl Iterator<Item = impl Iterator<Item = &str> + '_> + '_ {
        let mut cell = 0;
        self.rows.iter().map(move |&end| {
            let cells = cell..end;
            cell = end;
            cells.map(|i| {
                let from = if i == 0 { 0 } else { self.ends[i - 1] };
                &self.text[from..self.ends[i]]
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_column_has_a_type_and_the_labels_stay_text() {
        let columns = csv::CardColumns::new(indikator_core::catalogue::Catalogues::shipped());
        let header = columns.header();
        let typed = |name: &str| card_column_type(name);
        assert_eq!(typed("strategy_score"), ColumnType::Integer);
        assert_eq!(typed("strategy_label"), ColumnType::Text);
        assert_eq!(typed("digital_use_grade"), ColumnType::Integer);
        assert_eq!(typed("digital_use_fragile"), ColumnType::Text);
        assert_eq!(typed("flag_empty_block"), ColumnType::YesNo);
        assert_eq!(typed("services_share_at_3"), ColumnType::Number);
        assert_eq!(typed("services_total"), ColumnType::Integer);
        assert_eq!(typed("organisation_number"), ColumnType::Text, "identifiers keep their leading zeros");
        assert_eq!(typed("municipality_number"), ColumnType::Text);
        let ks_score = header.iter().find(|c| c.starts_with("ks_") && c.ends_with("_score")).unwrap();
        assert_eq!(typed(ks_score), ColumnType::Number);
        let ks_rank = header.iter().find(|c| c.starts_with("ks_") && c.ends_with("_national_rank")).unwrap();
        assert_eq!(typed(ks_rank), ColumnType::Integer);
    }

    #[test]
    fn a_cell_not_of_its_type_is_refused_naming_the_column() {
        let mut file = table(Vec::new(), &["item", "n"]).unwrap();
        file.row(["a", "3"]).unwrap();
        file.row(["b", ""]).unwrap();
        let error = file.row(["c", "three"]).unwrap_err().to_string();
        assert!(error.contains("column `n`: \"three\" is not a whole number"), "{error}");
    }

    #[test]
    fn cell_rows_give_back_their_rows() {
        let mut rows = CellRows::default();
        for row in [["a", "", "c"], ["", "", ""], ["ø", "x", ""]] {
            for cell in row {
                rows.cell(cell);
            }
            rows.end_row();
        }
        let back: Vec<Vec<&str>> = rows.rows().map(Iterator::collect).collect();
        assert_eq!(back, [["a", "", "c"], ["", "", ""], ["ø", "x", ""]]);
    }
}
