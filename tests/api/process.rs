//! The real binary as a child process: for signals and environment-driven
//! configuration (OTLP export).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct ServerProcess {
    pub child: Child,
    pub address: String,
    /// Every stderr line after the start-up line (kept so the pipe never fills).
    log: mpsc::Receiver<String>,
}

impl ServerProcess {
    pub fn start(envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indikator"))
            .args(["serve", "--listen", "127.0.0.1:0", "--shutdown-grace", "10s"])
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let address = loop {
            let line = rx.recv_timeout(Duration::from_secs(20)).expect("the server logs its address");
            if line.contains("serving indikator.v1.IndicatorService") {
                let start = line.find("127.0.0.1:").expect("address in the log line");
                let port: String = line[start + 10..].chars().take_while(char::is_ascii_digit).collect();
                break format!("http://127.0.0.1:{port}");
            }
        };
        Self { child, address, log: rx }
    }

    /// The next log line containing `needle` (waits up to 20 s for it).
    pub fn log_line_containing(&self, needle: &str) -> String {
        loop {
            let line = self.log.recv_timeout(Duration::from_secs(20)).expect("the server logs the line");
            if line.contains(needle) {
                return line;
            }
        }
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

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
