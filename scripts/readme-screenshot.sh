#!/usr/bin/env bash
# Makes docs/report-screenshot.png, the README's picture of the example round's
# HTML report: the header, Tabell 3.1 with its chart, and one score card (the
# other sections hidden by a style added to a copy of the report).
# Needs Debian's chromium. Usage: scripts/readme-screenshot.sh (INDIKATOR=path/to/indikator
# to use a built binary instead of cargo run --release).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${INDIKATOR:-cargo run --quiet --release --} batch examples/round-2018.jsonl --quiet --html "$work/report.html"
style='<style>#scores,#counties,#headline figure:nth-of-type(n+2),.card:nth-child(n+2),footer{display:none}</style>'
sed "s|</head>|$style</head>|" "$work/report.html" > "$work/shot.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --virtual-time-budget=3000 --hide-scrollbars --window-size=1000,1300 \
  --screenshot="$work/shot.png" "file://$work/shot.html" 2>/dev/null
cp "$work/shot.png" docs/report-screenshot.png
ls -l docs/report-screenshot.png
