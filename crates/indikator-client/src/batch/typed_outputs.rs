//! The typed outputs of a batch run: the score cards as Parquet
//! (`--parquet`), the summary tables and rejections as Parquet
//! (`--tables-parquet`), and the Excel workbook (`--xlsx`). Each is staged
//! as the other outputs are (`output::Staged`) and written as the cards and
//! rejections arrive, so memory stays bounded.

use std::path::Path;

use ::parquet::errors::ParquetError;

use crate::proto::v1 as pb;
use crate::report::parquet::{self, CellRows, ParquetRows};
use crate::report::xlsx::RoundWorkbook;
use indikator_app::render::csv::CardColumns;

use super::output::Staged;
use super::{BatchError, BatchJob};

/// The file of `--tables-parquet` that lists the rejected records.
const REJECTIONS_PARQUET: &str = "rejections.parquet";

/// A Parquet file being written to its staged destination.
struct ParquetFile {
    name: String,
    rows: ParquetRows<Staged>,
}

impl ParquetFile {
    fn create(
        path: &Path,
        make: impl FnOnce(Staged) -> Result<ParquetRows<Staged>, ParquetError>,
    ) -> Result<Self, BatchError> {
        let staged = Staged::create(path)?;
        let name = staged.name();
        let rows = make(staged).map_err(|e| io_error(&name, e))?;
        Ok(Self { name, rows })
    }

    fn row<'c>(&mut self, cells: impl IntoIterator<Item = &'c str>) -> Result<(), BatchError> {
        self.rows.row(cells).map_err(|e| io_error(&self.name, e))
    }

    fn finish(self) -> Result<Staged, BatchError> {
        self.rows.finish().map_err(|e| io_error(&self.name, e))
    }
}

fn io_error(name: &str, e: impl std::fmt::Display) -> BatchError {
    BatchError::Io(name.to_owned(), std::io::Error::other(e.to_string()))
}

/// `--parquet`, `--tables-parquet`, `--xlsx`, as asked for.
#[derive(Default)]
pub(super) struct TypedOutputs {
    cards: Option<ParquetFile>,
    rejections: Option<ParquetFile>,
    xlsx: Option<(String, RoundWorkbook)>,
    /// The score card columns, where an output shows cards.
    columns: Option<CardColumns>,
}

impl TypedOutputs {
    /// Creates the staged files (so an unwritable place fails before the run).
    pub(super) fn create(job: &BatchJob) -> Result<Self, BatchError> {
        let mut outputs = TypedOutputs::default();
        if job.parquet.is_none() && job.tables_parquet.is_none() && job.xlsx.is_none() {
            return Ok(outputs);
        }
        let columns = CardColumns::new(&job.catalogues);
        if let Some(path) = &job.parquet {
            outputs.cards = Some(ParquetFile::create(path, |out| parquet::cards(out, &columns))?);
        }
        if let Some(dir) = &job.tables_parquet {
            std::fs::create_dir_all(dir).map_err(|e| BatchError::Io(dir.display().to_string(), e))?;
            let header = ["line", "record_id", "sequence", "reason", "fields"];
            outputs.rejections =
                Some(ParquetFile::create(&dir.join(REJECTIONS_PARQUET), |out| parquet::table(out, &header))?);
        }
        if let Some(path) = &job.xlsx {
            // Tried here so that an unwritable place fails before the run.
            drop(Staged::create(path)?);
            let book = RoundWorkbook::new(&columns).map_err(|e| io_error(&path.display().to_string(), e))?;
            outputs.xlsx = Some((path.display().to_string(), book));
        }
        if outputs.cards.is_some() || outputs.xlsx.is_some() {
            outputs.columns = Some(columns);
        }
        Ok(outputs)
    }

    /// The columns to render each card's cells in, if an output wants them.
    pub(super) fn columns(&self) -> Option<&CardColumns> {
        self.columns.as_ref()
    }

    /// Writes rendered cards' cells.
    pub(super) fn cards(&mut self, rows: &CellRows) -> Result<(), BatchError> {
        if let Some(file) = self.cards.as_mut() {
            for cells in rows.rows() {
                file.row(cells)?;
            }
        }
        if let Some((name, book)) = self.xlsx.as_mut() {
            book.cards(rows).map_err(|e| io_error(name, e))?;
        }
        Ok(())
    }

    /// Writes a rejection as `rejections.csv` has it.
    pub(super) fn rejection(&mut self, cells: &[String; 5]) -> Result<(), BatchError> {
        match self.rejections.as_mut() {
            Some(file) => file.row(cells.iter().map(String::as_str)),
            None => Ok(()),
        }
    }

    /// Every typed output complete, none yet in place.
    pub(super) fn finish(self, job: &BatchJob, summary: &pb::RoundSummary) -> Result<Vec<Staged>, BatchError> {
        let mut done = Vec::new();
        if let Some(file) = self.cards {
            done.push(file.finish()?);
        }
        if let Some(file) = self.rejections {
            done.push(file.finish()?);
        }
        if let Some(dir) = &job.tables_parquet {
            for table in indikator_app::render::csv::tables(summary) {
                let path = dir.join(parquet::table_file_name(&table));
                let mut file = ParquetFile::create(&path, |out| parquet::table(out, &table.header))?;
                for row in &table.rows {
                    file.row(row.iter().map(String::as_str))?;
                }
                done.push(file.finish()?);
            }
        }
        if let (Some((_, book)), Some(path)) = (self.xlsx, &job.xlsx) {
            let mut file = Staged::create(path)?;
            let name = file.name();
            book.finish(summary, &job.catalogues, &mut file).map_err(|e| io_error(&name, e))?;
            done.push(file);
        }
        Ok(done)
    }
}
