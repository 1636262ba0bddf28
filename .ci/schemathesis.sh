#!/usr/bin/env bash
# Fuzzes the JSON/HTTP API from its OpenAPI document (/openapi.json) with
# schemathesis, a bounded number of cases an operation: no 5xx, every status,
# content type and body as the document says, invalid input rejected; then
# checks the server is still healthy. Needs the debug binary ($INDIKATOR_BIN,
# default target/debug/indikator, built by the caller), Python 3 with venv and
# pip, and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
examples=${SCHEMATHESIS_EXAMPLES:-40}
venv="${TMPDIR:-/tmp}/indikator-ci-tools/schemathesis-$version"
if [ ! -x "$venv/bin/schemathesis" ]; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "schemathesis==$version"; }; then
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "!!! SKIPPED: schemathesis $version cannot be installed (python3-venv, pip or PyPI missing);" >&2
    echo "!!! the JSON API was NOT fuzzed from its OpenAPI document" >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    rm -rf "$venv"
    exit 0
  fi
fi

bin=${INDIKATOR_BIN:-target/debug/indikator}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
log=$(mktemp)
"$bin" serve --listen "127.0.0.1:$port" --log-level warn 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT

get() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).status)' "$1" 2>/dev/null; }
for _ in $(seq 100); do
  [ "$(get "$base/openapi.json")" = 200 ] && break
  sleep 0.1
done

report=$(mktemp -d)
PYTHONPATH=.ci SCHEMATHESIS_HOOKS=schemathesis_hooks "$venv/bin/schemathesis" run "$base/openapi.json" \
  --max-examples "$examples" --seed 20261128 --generation-database none --no-color \
  --checks all \
  --exclude-checks positive_data_acceptance,ignored_auth,use_after_free,ensure_resource_availability,object_level_authorization \
  --report junit --report-dir "$report" \
  --warnings off

# The server survived and still answers.
if ! kill -0 $server 2>/dev/null; then
  echo "the server exited during the fuzzing:" >&2
  cat "$log" >&2
  exit 1
fi
[ "$(get "$base/v1/methodologies/ssb-2018")" = 200 ] || { echo "the server no longer answers" >&2; exit 1; }
"$bin" health --server "$base" >/dev/null
echo "schemathesis: every operation fuzzed ($examples cases each); the server is healthy"
