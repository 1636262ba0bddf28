#!/usr/bin/env bash
# The Python package's checks: builds `indikator` from python/ and installs it
# into a fresh-enough venv (pip install ./python: maturin from PyPI, the
# extension compiled from this checkout every run), then runs its tests
# (python/tests, pytest) against `target/debug/indikator`, which they build.
# Before that it checks the extension's formatting and clippy, that it depends on no transport
# (indikator-server, indikator-client, tonic, hyper) and that python/Cargo.lock
# picks the root Cargo.lock's versions of the crates both lock.
#
# Needs cargo, Python 3 with venv and pip, and PyPI. Where venv/pip are
# missing it tries apt-get; if they still cannot be had the Python package is
# skipped with a loud banner, never silently. A failing test fails the script.
#
# The venv (pytest, pandas, polars, pyarrow, matplotlib) is cached in
# ${CARGO_TARGET_DIR:-target}/python/venv and the extension's Cargo build in
# ${CARGO_TARGET_DIR:-target} (dev profile); the package itself is reinstalled
# from source each run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
cache="$target/python"
mkdir -p "$cache"

banner() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!!! SKIPPED: $* !!!!" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}

echo "== python: the extension's dependencies (no transport)"
found=$(cargo tree --locked --manifest-path python/Cargo.toml -e normal --prefix none | awk '{print $1}' | sort -u |
  grep -E '^(indikator-server|indikator-client|tonic|tonic-.*|hyper|hyper-util|h2|tower|axum)$' || true)
if [ -n "$found" ]; then
  echo "FAILED: the Python extension depends on: $(echo $found)" >&2
  exit 1
fi
echo "indikator-python: none of indikator-server, indikator-client, tonic, hyper, h2, tower, axum"

echo "== python: rustfmt and clippy of the extension (a workspace of its own)"
cargo fmt --manifest-path python/Cargo.toml --check
CARGO_TARGET_DIR="$target" cargo clippy --locked --manifest-path python/Cargo.toml --all-targets -- -D warnings

echo "== python: python/Cargo.lock has the root Cargo.lock's versions of the crates both lock"
python3 - <<'PY'
import re, sys
def versions(path):
    found = {}
    for name, version in re.findall(r'\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', open(path).read()):
        found.setdefault(name, set()).add(version)
    return found
root, ours = versions("Cargo.lock"), versions("python/Cargo.lock")
differ = [f"{n}: {sorted(v)} (root: {sorted(root[n])})" for n, v in sorted(ours.items()) if n in root and not v & root[n]]
if differ:
    sys.exit("FAILED: python/Cargo.lock locks other versions than Cargo.lock:\n  " + "\n  ".join(differ))
print(f"{sum(1 for n in ours if n in root)} crates in both locks, at the root's versions")
PY

apt_install() {
  command -v apt-get >/dev/null || return 1
  local sudo_=""
  if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null || return 1; sudo_="sudo -n"; fi
  $sudo_ apt-get update -qq || return 1
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

venv="$cache/venv"
echo "== python: the venv ($venv)"
if [ ! -x "$venv/bin/pip" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    apt_install python3-venv python3-pip || true
    if ! python3 -m venv "$venv"; then
      rm -rf "$venv"
      banner "Python package: python3 -m venv does not work here and python3-venv could not be installed"
      exit 0
    fi
  fi
fi
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check pytest pandas polars pyarrow matplotlib; then
  banner "Python package: pip could not install pytest, pandas, polars, pyarrow and matplotlib"
  exit 0
fi

echo "== python: pip install ./python (built from source)"
# A fresh build environment with maturin from PyPI, as `pip install ./python`
# anywhere. The tests need the extension's answers, not its speed: it is built
# with the dev profile into the shared target directory, where `cargo test` has
# already built the crates it shares with the service (a release build from
# scratch takes ten minutes on two cores). `pip install ./python` elsewhere
# builds it with the release profile.
MATURIN_PEP517_ARGS="--profile dev" CARGO_TARGET_DIR="$target" "$venv/bin/pip" install --quiet \
  --disable-pip-version-check --force-reinstall --no-deps ./python
"$venv/bin/python" -c 'import indikator; print("indikator", indikator.__file__)'

echo "== python: pytest python/tests"
# No cache folder in the work tree.
CARGO_TARGET_DIR="$target" "$venv/bin/pytest" -p no:cacheprovider -q python/tests
