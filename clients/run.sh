#!/usr/bin/env bash
# The example clients against a real server: builds `indikator`, starts it on a
# free loopback port, waits for its health check, then runs
#   - clients/python/example.py (plain gRPC, grpcio): Score and ScoreRound, and
#   - clients/node/example.js (gRPC-Web over HTTP/1.1, Connect): Score,
#     GetMethodology and the health service's Check and Watch,
#   - curl calls to the JSON/HTTP API and docs/api.md's buf curl calls
#     (gRPC-Web, and gRPC over plain-text HTTP/2),
# checks that their output holds the expected results (the two example
# clients' output line for line what docs/api.md shows), and stops the server.
#
# Needs cargo, Python 3 with venv and pip, Node.js 20 or newer with npm, and
# PyPI and the npm registry. Where Python's venv/pip or Node.js/npm are missing
# it tries apt-get; a client that still cannot run is skipped with a loud
# banner, never silently. A failing client fails the script.
#
# The venv is cached in ${CARGO_TARGET_DIR:-target}/clients/ between runs; the
# node client installs into clients/node/node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
cache="$target/clients"
mkdir -p "$cache"

banner() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!!! SKIPPED: $* !!!!" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}

apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || return 1
  local sudo_=""
  if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null || return 1; sudo_="sudo -n"; fi
  if [ -z "$apt_updated" ]; then $sudo_ apt-get update -qq || return 1; apt_updated=1; fi
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Checks that each expected line fragment is in the output file.
expect() {
  local what=$1 file=$2; shift 2
  local missing=0
  for want in "$@"; do
    if ! grep -qF -- "$want" "$file"; then
      echo "FAILED: $what: the output lacks: $want" >&2
      missing=1
    fi
  done
  [ "$missing" = 0 ] || { echo "--- $what output:" >&2; cat "$file" >&2; return 1; }
  echo "$what: output as expected ($# checks)"
}

# Checks that the output file is, line for line, the ```text block that
# follows the line `<!-- clients/run.sh: NAME -->` in docs/api.md (the
# server's address shown as http://localhost:50051).
expect_doc() {
  local what=$1 name=$2 file=$3 shown
  shown=$(mktemp)
  awk -v mark="<!-- clients/run.sh: $name -->" '
    $0 == mark { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }
  ' docs/api.md >"$shown"
  if [ ! -s "$shown" ]; then
    echo "FAILED: $what: docs/api.md has no block after <!-- clients/run.sh: $name -->" >&2
    rm -f "$shown"
    return 1
  fi
  if ! sed "s|$url|http://localhost:50051|g" "$file" | diff -u "$shown" - >&2; then
    echo "FAILED: $what: the output differs from docs/api.md (above: - shown, + printed)" >&2
    rm -f "$shown"
    return 1
  fi
  rm -f "$shown"
  echo "$what: output is what docs/api.md shows"
}

echo "== clients: build the server (cargo build --locked --bin indikator)"
cargo build --locked --bin indikator
bin="$target/debug/indikator"

work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

echo "== clients: start the server on a free loopback port"
"$bin" serve --listen 127.0.0.1:0 --log-format text --log-level info --drain-delay 0s --shutdown-grace 1s >"$work/server.log" 2>&1 &
server_pid=$!
addr=""
for _ in $(seq 1 300); do
  addr=$(grep -m1 'serving indikator.v1.IndicatorService' "$work/server.log" | grep -oE '127\.0\.0\.1:[0-9]+' || true)
  [ -n "$addr" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "FAILED: the server did not say where it listens; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
url="http://$addr"
healthy=""
for _ in $(seq 1 60); do
  if "$bin" health --server "$url" --timeout 1s >/dev/null 2>&1; then healthy=1; break; fi
  sleep 0.5
done
if [ -z "$healthy" ]; then
  echo "FAILED: the server at $url never answered its health check SERVING; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
echo "server at $url: SERVING"

status=0
ran=() skipped=()

echo "== clients: Python (grpcio) — clients/python/example.py"
python=""
for p in python3 python; do command -v "$p" >/dev/null && { python=$p; break; }; done
venv="$cache/python-venv"
python_ready() { [ -n "$python" ] && { [ -x "$venv/bin/pip" ] || "$python" -m venv "$venv" >/dev/null 2>&1; } && [ -x "$venv/bin/pip" ]; }
if ! python_ready; then
  rm -rf "$venv"
  echo "no Python 3 with venv and pip: installing python3-venv and python3-pip with apt-get"
  apt_install python3 python3-venv python3-pip || true
  python=$(command -v python3 || true)
  python_ready || true
fi
if [ ! -x "$venv/bin/pip" ]; then
  banner "Python 3 with venv/pip cannot be installed: the Python client (clients/python) did NOT run"
  skipped+=("Python (gRPC)")
elif ! "$venv/bin/pip" install --quiet --disable-pip-version-check -r clients/python/requirements.txt; then
  echo "FAILED: pip install -r clients/python/requirements.txt" >&2
  status=1
else
  if ! (cd clients/python && "$venv/bin/python" example.py --server "$url") >"$work/python.out" 2>&1; then
    echo "FAILED: clients/python/example.py; its output:" >&2
    cat "$work/python.out" >&2
    status=1
  else
    cat "$work/python.out"
    ran+=("Python (gRPC)")
    expect_doc "Python client" python "$work/python.out" || status=1
    expect "Python client" "$work/python.out" \
      "Score: Oslo kommune (0301, Oslo, Østlandet)" \
      "ssb-2018 digital priority: grade 2 (Comprehensive strategy, few areas affected by projects)" \
      "ks-2018 areas scored: 2 of 8; brukeren-i-sentrum 3.75; digital-kompetanse-og-deltakelse 2.86" \
      "riksrevisjonen-2015: 19 of 19 services reported" \
      "flags: FLAG_CODE_SERVICE_MODES_UNKNOWN" \
      "ScoreRound: round-2018.jsonl: 377 score cards, 0 rejections, 1 summary" \
      "round ssb-2018-synthetic (2018): received 377, scored 377, rejected 0" \
      || status=1
  fi
fi

echo "== clients: gRPC-Web (Node.js, Connect) — clients/node/example.js"
node_major() { node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "no Node.js with npm: installing nodejs and npm with apt-get"
  apt_install nodejs npm || true
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  banner "Node.js with npm cannot be installed: the gRPC-Web client (clients/node) did NOT run"
  skipped+=("Node.js (gRPC-Web)")
elif [ "$(node_major)" -lt 20 ]; then
  banner "Node.js $(node --version) is older than 20 (Connect needs 20): the gRPC-Web client (clients/node) did NOT run"
  skipped+=("Node.js (gRPC-Web)")
else
  if ! (cd clients/node && npm ci --silent --no-audit --no-fund && npx --no-install buf generate) >"$work/node-setup.out" 2>&1; then
    echo "FAILED: npm ci / buf generate in clients/node; output:" >&2
    cat "$work/node-setup.out" >&2
    status=1
  elif ! (cd clients/node && node example.js "$url") >"$work/node.out" 2>&1; then
    echo "FAILED: clients/node/example.js; its output:" >&2
    cat "$work/node.out" >&2
    status=1
  else
    cat "$work/node.out"
    ran+=("Node.js (gRPC-Web)")
    expect_doc "gRPC-Web client" node "$work/node.out" || status=1
    expect "gRPC-Web client" "$work/node.out" \
      "Score (answered as application/grpc-web+proto): Oslo kommune (0301, Oslo, Østlandet)" \
      "ssb-2018 digital priority: grade 2 (Comprehensive strategy, few areas affected by projects)" \
      "ks-2018 areas scored: 2 of 8; brukeren-i-sentrum 3.75; digital-kompetanse-og-deltakelse 2.86" \
      "GetMethodology: 3 methodologies" \
      "ks-2018: Digital maturity in the municipal sector (catalogue: 8 areas, 63 items)" \
      "riksrevisjonen-2015: Digital first choice in municipal services (catalogue: 3 areas, 19 services, 5 questions)" \
      "Health/Check indikator.v1.IndicatorService: SERVING" \
      "Health/Watch (server stream), first message: SERVING" \
      || status=1
  fi
fi

echo "== clients: JSON over HTTP (curl) and buf curl — docs/api.md's commands"
if ! command -v curl >/dev/null; then
  echo "no curl: installing it with apt-get"
  apt_install curl || true
fi
if ! command -v curl >/dev/null; then
  banner "curl cannot be installed: the JSON/HTTP calls did NOT run"
  skipped+=("curl (JSON/HTTP)")
else
  {
    curl -sS -X POST "$url/v1/score" -H 'content-type: application/json' -d @examples/score-request.json
    echo
    curl -sS -X POST "$url/v1/rounds:score" -H 'content-type: application/x-ndjson' \
      --data-binary @examples/round-2018.jsonl | wc -l
    curl -sS -i -X POST "$url/v1/score" -H 'content-type: application/json' \
      -d '{"response": {"respondent": {"organisationNumber": "123"}}}'
    echo
    curl -sS "$url/v1/methodology"
    echo
  } >"$work/curl.out" 2>&1
  ran+=("curl (JSON/HTTP)")
  expect "curl (JSON/HTTP)" "$work/curl.out" \
    '"digitalPriority":{"grade":2,"code":"digital_priority.2"' \
    '378' \
    'HTTP/1.1 400 Bad Request' \
    '{"description":"\"123\" must be exactly 9 digits","field":"response.respondent.organisation_number"}' \
    '{"code":5,"message":"no route GET /v1/methodology; the routes are in /openapi.json"}' \
    || status=1
fi
buf=""
for candidate in clients/node/node_modules/.bin/buf "${TMPDIR:-/tmp}/indikator-ci-tools/node_modules/.bin/buf"; do
  [ -x "$candidate" ] && { buf=$candidate; break; }
done
if [ -z "$buf" ]; then
  banner "no buf (npm @bufbuild/buf): docs/api.md's buf curl calls did NOT run"
  skipped+=("buf curl")
else
  {
    "$buf" curl --protocol grpcweb --list-methods "$url"
    "$buf" curl --protocol grpcweb -d '{"methodologyId": "nope"}' "$url/indikator.v1.IndicatorService/GetMethodology" || true
    "$buf" curl --protocol grpcweb -d @examples/score-request.json "$url/indikator.v1.IndicatorService/Score"
    "$buf" curl --protocol grpc --http2-prior-knowledge -d @examples/score-request.json \
      "$url/indikator.v1.IndicatorService/Score" | sed 's/^/grpc: /'
  } >"$work/buf.out" 2>&1
  ran+=("buf curl")
  expect "buf curl" "$work/buf.out" \
    "indikator.v1.IndicatorService/ScoreRound" \
    '"code": "invalid_argument"' \
    '"code": "digital_priority.2"' \
    'grpc:         "code": "digital_priority.2"' \
    || status=1
fi

stop_server
if [ "$status" != 0 ]; then
  echo "--- server log:" >&2
  cat "$work/server.log" >&2
  echo "FAILED: the example clients" >&2
  exit 1
fi
echo "== clients: passed: ${ran[*]:-none}"
if [ "${#skipped[@]}" -gt 0 ]; then
  echo "!!!! clients: SKIPPED (see the banners above): ${skipped[*]} !!!!" >&2
fi
