//! Output files that appear only when the run succeeded: each is written to a
//! temporary file in its destination's directory and renamed into place by
//! [`Staged::commit`]; dropped uncommitted (a failed run), the temporary file
//! is removed and whatever stood at the destination stays byte for byte.
//!
//! A file is on disk before it is put in place (`fsync`). A large one is
//! synced as it grows, by a thread of its own every [`SYNC_EVERY`] bytes,
//! so that the disk writes overlap the run instead of all waiting at the end;
//! an error of any of those syncs fails the commit.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use tempfile::NamedTempFile;

use super::BatchError;

/// Bytes written between two syncs of a growing file.
const SYNC_EVERY: u64 = 64 * 1024 * 1024;

/// A file being written for `path`, not yet in place.
#[derive(Debug)]
pub(crate) struct Staged {
    path: PathBuf,
    file: io::BufWriter<NamedTempFile>,
    /// Bytes written since the last sync was asked for.
    unsynced: u64,
    /// Syncs the file as it grows; started by the first [`SYNC_EVERY`] bytes.
    syncer: Option<Syncer>,
}

/// A thread that syncs a file when asked, keeping the first error.
#[derive(Debug)]
struct Syncer {
    ask: mpsc::SyncSender<()>,
    thread: std::thread::JoinHandle<()>,
    error: Arc<Mutex<Option<io::Error>>>,
}

impl Syncer {
    fn start(file: std::fs::File) -> Self {
        // One request waiting is enough: a sync covers every byte written before it.
        let (ask, asked) = mpsc::sync_channel::<()>(1);
        let error = Arc::new(Mutex::new(None));
        let kept = error.clone();
        let thread = std::thread::spawn(move || {
            while asked.recv().is_ok() {
                if let Err(e) = file.sync_data() {
                    kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(e);
                }
            }
        });
        Self { ask, thread, error }
    }

    /// Waits for the syncs asked for; the first error of any of them.
    fn finish(self) -> io::Result<()> {
        drop(self.ask);
        let _ = self.thread.join();
        let error = self.error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        error.map_or(Ok(()), Err)
    }
}

impl Staged {
    /// A temporary file beside `path` (same directory, so the rename is atomic).
    pub(crate) fn create(path: &Path) -> Result<Self, BatchError> {
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
        Ok(Self { path: path.to_owned(), file: io::BufWriter::new(file), unsynced: 0, syncer: None })
    }

    /// The destination, for messages.
    pub(crate) fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// Flushes and renames the file into place, replacing what was there.
    pub(crate) fn commit(self) -> Result<(), BatchError> {
        let name = self.name();
        let file = self.file.into_inner().map_err(|e| BatchError::Io(name.clone(), e.into_error()))?;
        if let Some(syncer) = self.syncer {
            syncer.finish().map_err(|e| BatchError::Io(name.clone(), e))?;
        }
        file.as_file().sync_all().map_err(|e| BatchError::Io(name.clone(), e))?;
        file.persist(&self.path).map_err(|e| BatchError::Io(name, e.error))?;
        Ok(())
    }
}

/// A workbook is written with seeks back (its ZIP directory).
impl io::Seek for Staged {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        self.file.seek(position)
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.file.write(buf)?;
        self.unsynced += written as u64;
        if self.unsynced >= SYNC_EVERY {
            self.unsynced = 0;
            // What was written so far goes to the file, then to the disk.
            self.file.flush()?;
            let syncer = match &mut self.syncer {
                Some(syncer) => syncer,
                None => self.syncer.insert(Syncer::start(self.file.get_ref().as_file().try_clone()?)),
            };
            // A sync still waiting will cover these bytes too.
            let _ = syncer.ask.try_send(());
        }
        Ok(written)
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
    fn a_file_synced_as_it_grows_is_committed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.json");
        let mut staged = Staged::create(&path).unwrap();
        let block = vec![b'x'; 1024 * 1024];
        let blocks = SYNC_EVERY as usize / block.len() * 2 + 3;
        for _ in 0..blocks {
            staged.write_all(&block).unwrap();
        }
        assert!(staged.syncer.is_some(), "more than {SYNC_EVERY} bytes start the syncing thread");
        staged.commit().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), (blocks * block.len()) as u64);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        // Dropped uncommitted while syncing: the committed file stays, no litter.
        let mut staged = Staged::create(&path).unwrap();
        for _ in 0..blocks {
            staged.write_all(b"y").unwrap();
            staged.write_all(&block).unwrap();
        }
        drop(staged);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), (blocks * block.len()) as u64);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_fails_before_anything_runs() {
        let staged = Staged::create(Path::new("no-such-dir-xyz/report.json"));
        assert!(staged.is_err(), "a missing directory is an error before anything runs");
    }
}
