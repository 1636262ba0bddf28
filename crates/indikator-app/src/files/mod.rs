//! Round files (`docs/batch-formats.md`): the CSV round format
//! ([`csv_format`]), JSON Lines and Parquet (record batches read as rows of
//! the CSV format, [`arrow_rows`], which also reads any Arrow data: a
//! DataFrame handed over by the Python package), read lazily into round messages or, for
//! an in-process round, straight into validated records ([`reader`]). A line
//! that cannot be read stops the run with [`FileError::Input`], naming the
//! file, the line and (for a CSV cell) the column and an excerpt of the value.

pub mod arrow_rows;
pub mod csv_format;
mod reader;

pub use reader::{HeaderOverride, InputFormat, RecordLines, RoundFile};

/// Why a round file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// A line that cannot be read: where, and what is wrong.
    #[error("{path}:{line}: {message}")]
    Input { path: String, line: u64, message: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// The file is not a round file (a workbook, a compressed file): what it is.
    #[error("{0}: {1}")]
    Format(String, String),
}
