#!/usr/bin/env bash
# Makes the pictures of the reports under docs/ (docs/reports.md shows them):
#   docs/report-screenshot.png  the example round's HTML report: the header,
#                               Tabell 3.1 with its chart, and one score card;
#   docs/report-items.png       its item charts (ICT functions, the single
#                               questions, hindrance; stacked answers and
#                               published markers);
#   docs/compare-screenshot.png `indikator compare --html` of the 2018 and
#                               2020 example rounds.
# The other sections are hidden by a style added to a copy of each report.
# Needs Debian's chromium. Usage: scripts/readme-screenshot.sh (INDIKATOR=path/to/indikator
# to use a built binary instead of cargo run --release).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
indikator() {
  if [ -n "${INDIKATOR:-}" ]; then "$INDIKATOR" "$@"; else cargo run --quiet --release -- "$@"; fi
}
# shot REPORT STYLE WIDTH HEIGHT OUT
shot() {
  sed "s|</head>|<style>$2</style></head>|" "$1" > "$work/shot.html"
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --virtual-time-budget=3000 --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$work/shot.png" "file://$work/shot.html" 2>/dev/null
  cp "$work/shot.png" "$5"
  ls -l "$5"
}
indikator batch examples/round-2018.jsonl --quiet --html "$work/report.html"
shot "$work/report.html" \
  '#scores,#counties,#items,#figures,#headline figure:nth-of-type(n+2),.card:nth-child(n+2),footer{display:none}' \
  1000 1500 docs/report-screenshot.png
shot "$work/report.html" \
  'header,#headline,#scores,#counties,#figures,#cards,footer,#items>p,#items figure:nth-of-type(-n+4),#items figure:nth-of-type(n+8){display:none}' \
  1000 2200 docs/report-items.png
indikator compare examples/round-2018.jsonl examples/round-2020.jsonl \
  --correspondence examples/correspondence-2020.csv --quiet --html "$work/compare.html"
shot "$work/compare.html" '#means,#largest table:nth-of-type(2),#respondents,footer{display:none}' \
  1000 2300 docs/compare-screenshot.png
