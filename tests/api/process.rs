//! The real binary as a child process: for signals, configuration by flags and
//! environment variables, and memory measured from outside.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How long the binary may take to log its start-up line.
const START_UP: Duration = Duration::from_secs(20);

pub struct ServerProcess {
    pub child: Child,
    pub address: String,
    /// The line that announced the server (`serving indikator.v1.IndicatorService`).
    pub startup_line: String,
    /// Every stderr line after the start-up line (read on a thread, so the pipe never fills).
    log: UnboundedReceiver<String>,
}

/// Why the binary did not start serving.
#[derive(Debug)]
pub struct StartFailure {
    /// The exit code, once the process has ended.
    pub code: Option<i32>,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl ServerProcess {
    /// `indikator serve` on 127.0.0.1:0 with a 10 s grace and these environment variables.
    pub fn start(envs: &[(&str, &str)]) -> Self {
        Self::launch(&["serve", "--listen", "127.0.0.1:0", "--shutdown-grace", "10s"], envs)
            .unwrap_or_else(|failure| panic!("the server did not start: {failure:?}"))
    }

    /// Runs `indikator ARGS` with exactly these `INDIKATOR_*` and `OTEL_*`
    /// variables (any the test process has are removed) and waits for the
    /// start-up line, which must name a 127.0.0.1 address. Fails with the exit
    /// code and stderr when the process ends first.
    pub fn launch(args: &[&str], envs: &[(&str, &str)]) -> Result<Self, StartFailure> {
        Self::launch_in(std::path::Path::new("."), args, envs)
    }

    /// [`ServerProcess::launch`] with `dir` as the working directory.
    pub fn launch_in(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Result<Self, StartFailure> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_indikator"));
        command.args(args).current_dir(dir);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("INDIKATOR_") || name.starts_with("OTEL_") {
                command.env_remove(name.as_ref());
            }
        }
        let mut child = command
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stderr = child.stderr.take().unwrap();
        let (started_tx, started_rx) = mpsc::channel::<Result<String, String>>();
        let (log_tx, log) = unbounded_channel();
        std::thread::spawn(move || read_stderr(stderr, &started_tx, &log_tx));
        match started_rx.recv_timeout(START_UP) {
            Ok(Ok(startup_line)) => {
                let start = startup_line
                    .find("127.0.0.1:")
                    .unwrap_or_else(|| panic!("a 127.0.0.1 address in the start-up line: {startup_line}"));
                let port: String = startup_line[start + 10..].chars().take_while(char::is_ascii_digit).collect();
                Ok(Self { child, address: format!("http://127.0.0.1:{port}"), startup_line, log })
            }
            Ok(Err(stderr)) => {
                let code = child.wait().ok().and_then(|s| s.code());
                Err(StartFailure { code, stderr })
            }
            Err(_) => {
                let _ = child.kill();
                panic!("the server logged no start-up line within {START_UP:?}");
            }
        }
    }

    /// Waits for the next stderr line containing `needle` (lines before it are
    /// skipped) and returns it; panics after `timeout` or when the process ends.
    pub async fn log_line(&mut self, needle: &str, timeout: Duration) -> String {
        let wait = async {
            while let Some(line) = self.log.recv().await {
                if line.contains(needle) {
                    return line;
                }
            }
            panic!("the server's stderr ended without a line containing {needle:?}");
        };
        tokio::time::timeout(timeout, wait)
            .await
            .unwrap_or_else(|_| panic!("no log line containing {needle:?} within {timeout:?}"))
    }

    pub fn sigterm(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// Waits (without blocking the runtime) for the process to exit; its exit code.
    pub async fn wait(mut self) -> Option<i32> {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.child.kill();
        panic!("the server did not exit within 15 s");
    }
}

/// Reads the child's stderr to its end: lines up to the start-up line are kept
/// and the start-up line is sent on `started` (or, at the end of the stream
/// without one, everything read); later lines go to `log`.
fn read_stderr(
    stderr: std::process::ChildStderr,
    started: &mpsc::Sender<Result<String, String>>,
    log: &UnboundedSender<String>,
) {
    let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
    let mut before = String::new();
    for line in lines.by_ref() {
        if line.contains("serving indikator.v1.IndicatorService") {
            let _ = started.send(Ok(line));
            for line in lines {
                let _ = log.send(line);
            }
            return;
        }
        before.push_str(&line);
        before.push('\n');
    }
    let _ = started.send(Err(before));
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
