//! `batch`, `compare` and `health` from the real binary against TLS and
//! mutual-TLS servers started here, and each way of getting it wrong told in
//! words a user can act on.

use std::path::{Path, PathBuf};

use crate::helpers::spawn_app;
use crate::production::{Pki, pki, spawn_tls};

/// The PKI's files in a temporary directory.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(pki: &Pki) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (name, pem) in [("ca.pem", &pki.ca), ("c.pem", &pki.client_cert), ("c.key", &pki.client_key)] {
            std::fs::write(dir.path().join(name), pem).unwrap();
        }
        Self { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `indikator ARGS` in the crate's directory, without the test's `INDIKATOR_*` variables.
async fn indikator(args: &[&str]) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("INDIKATOR_") {
            command.env_remove(&name);
        }
    }
    let output = command.output().await.expect("run indikator");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

/// `http://127.0.0.1:PORT` as `https://localhost:PORT`.
fn https_localhost(address: &str) -> String {
    address.replace("http://127.0.0.1", "https://localhost")
}

#[tokio::test]
async fn batch_compare_and_health_are_served_by_a_mutual_tls_server_given_the_ca_and_a_client_certificate() {
    let pki = pki();
    let files = Files::new(&pki);
    let server = https_localhost(&spawn_tls(&pki, true).await);
    let (ca, cert, key) = (files.path("ca.pem"), files.path("c.pem"), files.path("c.key"));
    let tls = ["--ca-cert", &ca, "--client-cert", &cert, "--client-key", &key];
    let round = example("round-2018.jsonl").display().to_string();

    let mut args = vec!["batch", &round, "--server", &server, "--quiet"];
    args.extend(tls);
    let batch = indikator(&args).await;
    assert_eq!(batch.code, Some(0), "{}", batch.stderr);
    assert!(batch.stderr.contains("377 records: 377 scored, 0 rejected"), "{}", batch.stderr);

    let current = example("round-2020.jsonl").display().to_string();
    let correspondence = example("correspondence-2020.csv").display().to_string();
    let mut args = vec!["compare", &round, &current, "--correspondence", &correspondence, "--server", &server];
    args.extend(["--quiet"]);
    args.extend(tls);
    let compare = indikator(&args).await;
    assert_eq!(compare.code, Some(0), "{}", compare.stderr);
    assert!(compare.stderr.contains("comparison cards"), "{}", compare.stderr);

    let mut args = vec!["health", "--server", &server];
    args.extend(tls);
    let health = indikator(&args).await;
    assert_eq!((health.code, health.stdout.trim()), (Some(0), "SERVING"), "{}", health.stderr);

    // Without the client certificate the server refuses the connection.
    for command in ["batch", "health"] {
        let mut args = if command == "batch" { vec!["batch", &round] } else { vec!["health"] };
        args.extend(["--server", &server, "--ca-cert", &ca]);
        let refused = indikator(&args).await;
        assert_eq!(refused.code, Some(1), "{command}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("requires a client certificate (mutual TLS)")
                && refused.stderr.contains("give --client-cert FILE and --client-key FILE"),
            "{command}: {}",
            refused.stderr
        );
    }
}

#[tokio::test]
async fn an_unknown_ca_a_name_mismatch_and_plain_text_against_tls_are_each_named() {
    let pki = pki();
    let files = Files::new(&pki);
    let address = spawn_tls(&pki, false).await;
    let server = https_localhost(&address);
    let ca = files.path("ca.pem");
    for command in ["batch", "compare", "health"] {
        let round = example("round-2018.jsonl").display().to_string();
        let run = |server: String, extra: Vec<String>| {
            let round = round.clone();
            async move {
                let mut args: Vec<String> = match command {
                    "batch" => vec!["batch".into(), round, "--quiet".into()],
                    "compare" => vec!["compare".into(), round.clone(), round, "--quiet".into()],
                    _ => vec!["health".into()],
                };
                args.extend(["--server".into(), server]);
                args.extend(extra);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                indikator(&args).await
            }
        };
        let unknown_ca = run(server.clone(), vec![]).await;
        assert_eq!(unknown_ca.code, Some(1), "{command}");
        assert!(
            unknown_ca.stderr.contains(&format!(
                "cannot reach {server}: the server's certificate is signed by a CA this client does not trust: give \
                 that CA with --ca-cert FILE (INDIKATOR_CA_CERT)"
            )),
            "{command}: {}",
            unknown_ca.stderr
        );

        let by_ip = address.replace("http://", "https://");
        let mismatch = run(by_ip.clone(), vec!["--ca-cert".into(), ca.clone()]).await;
        assert_eq!(mismatch.code, Some(1), "{command}");
        assert!(
            mismatch.stderr.contains("the server's certificate is not valid for the name")
                && mismatch.stderr.contains("--tls-server-name NAME"),
            "{command}: {}",
            mismatch.stderr
        );
        let named = run(by_ip, vec!["--ca-cert".into(), ca.clone(), "--tls-server-name".into(), "localhost".into()]);
        let named = named.await;
        assert_eq!(named.code, Some(0), "{command}: {}", named.stderr);

        let plain = run(address.clone(), vec![]).await;
        assert_eq!(plain.code, Some(1), "{command}");
        assert!(
            plain.stderr.contains("speaks TLS") && plain.stderr.contains("write https://"),
            "{command}: {}",
            plain.stderr
        );
    }
}

#[tokio::test]
async fn tls_against_a_plain_text_server_and_tls_files_with_a_plain_text_url_are_named() {
    let app = spawn_app().await;
    let pki = pki();
    let files = Files::new(&pki);
    let https = app.address.replace("http://", "https://");
    for command in ["batch", "health"] {
        let round = example("round-2018.jsonl").display().to_string();
        let mut args = if command == "batch" { vec!["batch", &round] } else { vec!["health"] };
        args.extend(["--server", &https]);
        let run = indikator(&args).await;
        assert_eq!(run.code, Some(1), "{command}");
        assert!(
            run.stderr.contains("the server did not answer in TLS: it speaks plain text, so write http://"),
            "{command}: {}",
            run.stderr
        );

        let ca = files.path("ca.pem");
        let mut args = if command == "batch" { vec!["batch", &round] } else { vec!["health"] };
        args.extend(["--server", &app.address, "--ca-cert", &ca]);
        let run = indikator(&args).await;
        assert_eq!(run.code, Some(2), "{command}: a wrong command line");
        assert!(
            run.stderr.contains("--ca-cert is a TLS setting but the URL is plain text; write https://"),
            "{command}: {}",
            run.stderr
        );
    }
}

#[tokio::test]
async fn health_names_a_missing_scheme_and_a_refused_port_as_batch_does() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let refused = format!("http://127.0.0.1:{port}");
    let no_scheme = format!("127.0.0.1:{port}");
    for command in ["batch", "health"] {
        let round = example("round-2018.jsonl").display().to_string();
        for (server, code, expected) in [
            (&no_scheme, 2, format!("has no scheme: write http://{no_scheme} (or https://{no_scheme} for TLS)")),
            (&refused, 1, format!("cannot reach {refused}: connection refused (is the server running")),
        ] {
            let mut args = if command == "batch" { vec!["batch", &round] } else { vec!["health"] };
            args.extend(["--server", server]);
            let run = indikator(&args).await;
            assert_eq!(run.code, Some(code), "{command}");
            assert!(run.stderr.contains(&expected), "{command}: {}", run.stderr);
        }
    }
}
