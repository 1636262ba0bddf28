//! Output files that appear only when the run succeeded: each is written to a
//! temporary file in its destination's directory and renamed into place by
//! [`Staged::commit`]; dropped uncommitted (a failed run), the temporary file
//! is removed and whatever stood at the destination stays byte for byte.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::BatchError;

/// A file being written for `path`, not yet in place.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    file: io::BufWriter<NamedTempFile>,
}

impl Staged {
    /// A temporary file beside `path` (same directory, so the rename is atomic).
    pub fn create(path: &Path) -> Result<Self, BatchError> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        // A replaced file keeps its permissions; a new one gets a plain file's,
        // not the private ones of a temporary file.
        #[cfg(unix)]
        let permissions = std::fs::metadata(path).map(|m| m.permissions()).unwrap_or_else(|_| {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::Permissions::from_mode(0o644)
        });
        #[cfg(unix)]
        builder.permissions(permissions);
        let file = builder.tempfile_in(dir).map_err(|e| BatchError::Io(path.display().to_string(), e))?;
        Ok(Self { path: path.to_owned(), file: io::BufWriter::new(file) })
    }

    /// The destination, for messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// Flushes and renames the file into place, replacing what was there.
    pub fn commit(self) -> Result<(), BatchError> {
        let name = self.name();
        let file = self.file.into_inner().map_err(|e| BatchError::Io(name.clone(), e.into_error()))?;
        file.as_file().sync_all().map_err(|e| BatchError::Io(name.clone(), e))?;
        file.persist(&self.path).map_err(|e| BatchError::Io(name, e.error))?;
        Ok(())
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_file_leaves_the_destination_as_it_was_and_no_litter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, b"before").unwrap();
        let mut staged = Staged::create(&path).unwrap();
        staged.write_all(b"half a report").unwrap();
        drop(staged);
        assert_eq!(std::fs::read(&path).unwrap(), b"before");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the temporary file is gone");

        let mut staged = Staged::create(&path).unwrap();
        staged.write_all(b"after").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"after");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_fails_before_anything_runs() {
        let staged = Staged::create(Path::new("no-such-dir-xyz/report.json"));
        assert!(staged.is_err(), "a missing directory is an error before anything runs");
    }
}
