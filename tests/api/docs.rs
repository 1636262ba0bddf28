//! Every command README.md and docs/*.md show with their output is run here
//! and its output compared with what the page shows.
//!
//! Such a command lives in a ```` ```console ```` block: `$ command` (a line
//! ending in `\` continues it, as does a here-document up to its end word),
//! then the lines it prints (stdout and stderr, as a terminal shows them).
//! Each block runs in a fresh temporary directory holding `examples/` (a
//! link to the repository's), with `indikator` on the `PATH`. A block that
//! names `localhost:50051` gets a server of its own, started (in that
//! directory) when the first command naming it runs, with the flags of a
//! `<!-- docs-test: serve FLAGS -->` line right above the block; its real
//! port is shown as 50051 again, and an HTTP answer's `date` header as
//! `date: …`. Nothing else is normalised.
//!
//! Another fenced block may not show a `$ ` prompt: a command shown with its
//! output is always checked. To rewrite the pages' outputs from what the
//! commands print: `UPDATE_GOLDEN=1 cargo test --test api docs_`, then read
//! the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::ServerProcess;

/// The address the pages show for the server a block gets.
const SHOWN_ADDRESS: &str = "localhost:50051";

/// A command of a console block and the output shown for it.
#[derive(Debug)]
struct Shown {
    command: String,
    /// 0-based line range of the output in the page.
    output: std::ops::Range<usize>,
}

#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    serve: Vec<String>,
    commands: Vec<Shown>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("BENCHMARKS.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The page's console blocks; a prompt in any other fenced block is an error.
fn blocks(name: &str, lines: &[&str]) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let fence_line = i;
        let console = info.trim() == "console";
        let serve = match fence_line.checked_sub(1).map(|p| lines[p].trim()) {
            Some(l) if l.starts_with("<!-- docs-test: serve") => l
                .trim_start_matches("<!-- docs-test: serve")
                .trim_end_matches("-->")
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let mut commands: Vec<Shown> = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            let line = lines[i];
            if let Some(first) = line.strip_prefix("$ ") {
                if !console {
                    return Err(format!(
                        "{name}:{}: a `$ ` prompt outside a ```console block: commands shown with their output are \
                         checked (tests/api/docs.rs); make it ```console, or drop the prompt",
                        i + 1
                    ));
                }
                let mut command = first.to_owned();
                // A here-document's end word: `<<'PY' > token` ends at a line `PY`.
                let heredoc = first.split("<<").nth(1).map(|rest| {
                    let word = rest.trim_start_matches('-').split_whitespace().next().unwrap_or_default();
                    word.trim_matches(['\'', '"']).to_owned()
                });
                let mut last = first;
                while i + 1 < lines.len()
                    && (last.ends_with('\\') || heredoc.as_deref().is_some_and(|w| !w.is_empty() && last != w))
                {
                    i += 1;
                    last = lines[i];
                    command.push('\n');
                    command.push_str(last);
                }
                commands.push(Shown { command, output: i + 1..i + 1 });
            } else if let Some(shown) = commands.last_mut() {
                shown.output.end = i + 1;
            } else if console && !line.trim().is_empty() {
                return Err(format!("{name}:{}: a ```console block starts with a `$ ` command", i + 1));
            }
            i += 1;
        }
        if console {
            blocks.push(Block { line: fence_line + 1, serve, commands });
        }
        i += 1;
    }
    Ok(blocks)
}

/// A directory for a block: `examples/` linked in.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("examples"), dir.path().join("examples")).unwrap();
    dir
}

/// Runs a command as a shell would, stderr with stdout; what it printed.
fn run(command: &str, dir: &Path) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_indikator")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut shell = Command::new("sh");
    shell.arg("-c").arg(format!("{{\n{command}\n}} 2>&1")).current_dir(dir).env("PATH", path);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("INDIKATOR_") || text.starts_with("OTEL_") {
            shell.env_remove(&name);
        }
    }
    let output = shell.output().expect("run sh");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An HTTP answer's `date` header (the time of the call) shown as `date: …`.
fn without_times(text: &str) -> String {
    let lines = text.split('\n').map(|line| {
        let header = line.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("date: "));
        if header && line.trim_end().ends_with("GMT") { "date: …" } else { line }
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// Lines without trailing blanks, and no blank lines at the end.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |p| p + 1);
    lines[..end].join("\n")
}

/// The programs the pages' commands use besides `indikator`.
const TOOLS: [&str; 4] = ["curl", "jq", "openssl", "python3"];

#[test]
fn docs_every_command_shown_with_its_output_prints_that_output() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<&str> =
        TOOLS.into_iter().filter(|tool| !std::env::split_paths(&path).any(|dir| dir.join(tool).is_file())).collect();
    assert!(
        missing.is_empty(),
        "the documentation's commands need {} on the PATH; missing: {missing:?}",
        TOOLS.join(", ")
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut differences = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&page).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let blocks = blocks(&name, &lines).unwrap_or_else(|e| panic!("{e}"));
        let mut rewrites: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for block in blocks {
            let dir = workspace();
            let mut server: Option<(ServerProcess, String)> = None;
            for shown in &block.commands {
                let mut command = shown.command.clone();
                if command.contains(SHOWN_ADDRESS) {
                    if server.is_none() {
                        let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--drain-delay", "0s"];
                        args.extend(block.serve.iter().map(String::as_str));
                        let process = ServerProcess::launch_in(dir.path(), &args, &[]).unwrap_or_else(|failure| {
                            panic!("{name}:{}: the block's server did not start: {failure:?}", block.line)
                        });
                        let address = process.address.trim_start_matches("http://").to_owned();
                        server = Some((process, address));
                    }
                    let (_, address) = server.as_ref().unwrap();
                    command = command.replace(SHOWN_ADDRESS, address);
                }
                let mut printed = run(&command, dir.path());
                if let Some((_, address)) = &server {
                    printed = printed.replace(address.as_str(), SHOWN_ADDRESS);
                }
                printed = without_times(&printed);
                let expected = tidy(&lines[shown.output.clone()].join("\n"));
                let printed = tidy(&printed);
                checked += 1;
                if printed != expected {
                    if update {
                        rewrites.push((shown.output.clone(), printed));
                    } else {
                        differences.push(format!(
                            "{name}:{} `{}`\n--- shown\n{expected}\n--- printed\n{printed}\n",
                            shown.output.start,
                            shown.command.lines().next().unwrap_or_default()
                        ));
                    }
                }
            }
        }
        if !rewrites.is_empty() {
            let mut lines: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            for (range, printed) in rewrites.into_iter().rev() {
                let new: Vec<String> =
                    if printed.is_empty() { Vec::new() } else { printed.lines().map(str::to_owned).collect() };
                lines.splice(range, new);
            }
            std::fs::write(&page, lines.join("\n") + "\n").unwrap();
            eprintln!("rewrote the outputs in {name}: read the diff");
        }
    }
    assert!(checked >= 10, "only {checked} commands with output found: is the ```console convention in use?");
    assert!(differences.is_empty(), "{} outputs differ:\n{}", differences.len(), differences.join("\n"));
}

#[test]
fn docs_a_prompt_outside_a_console_block_is_refused_and_a_console_block_is_parsed() {
    let page = "```sh\n$ ls\nfile\n```\n";
    let lines: Vec<&str> = page.lines().collect();
    assert!(blocks("page.md", &lines).unwrap_err().contains("page.md:2: a `$ ` prompt outside a ```console block"));
    let page = "<!-- docs-test: serve --auth-issuer x -->\n```console\n$ a \\\n  b\nout 1\nout 2\n$ cat <<'EOF'\nx\nEOF\n\
                $ c\n```\n";
    let lines: Vec<&str> = page.lines().collect();
    let blocks = blocks("page.md", &lines).unwrap();
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].serve, ["--auth-issuer", "x"]);
    let commands: Vec<(&str, std::ops::Range<usize>)> =
        blocks[0].commands.iter().map(|c| (c.command.as_str(), c.output.clone())).collect();
    assert_eq!(commands, [("a \\\n  b", 4..6), ("cat <<'EOF'\nx\nEOF", 9..9), ("c", 10..10)]);
}
