#!/bin/sh
# Times the Python package's score_round on a CSV round against `indikator
# batch` writing the score cards as CSV and against the polars reference
# (tools/polars_reference.py), one run each in turn (BENCHMARKS.md, "The Python
# package").
#
#   tools/python_bench.sh ROUND.csv VENV_PYTHON INDIKATOR_BIN
#
# VENV_PYTHON is a Python with `indikator` (pip install ./python: a release
# build) and polars installed. Each line: job, wall seconds, peak RSS in kB,
# user and system CPU seconds (GNU time's %e %M %U %S).
#   indikator-batch-csv   indikator batch ROUND.csv --csv cards.csv
#   python-score_round    indikator.score_round("ROUND.csv"): the cards and
#                         tables as Arrow tables in memory
#   python-score_round+parquet  the same, then the cards written with
#                         pyarrow.parquet.write_table
#   python-polars-frame   indikator.score_round(polars.read_csv("ROUND.csv")):
#                         the round handed over as Arrow record batches
#   polars-reference      tools/polars_reference.py ROUND.csv --out-dir DIR
set -eu
csv=$1 python=$2 indikator=$3
here=$(dirname "$0")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run() {
    label=$1
    shift
    mkdir -p "$scratch/out"
    /usr/bin/time -o "$scratch/time" -f "%e %M %U %S" "$@" >"$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
    echo "$label $(cat "$scratch/time")"
    rm -rf "$scratch/out"
}
run indikator-batch-csv "$indikator" batch "$csv" --csv "$scratch/out/cards.csv"
run python-score_round "$python" -c '
import sys, indikator
r = indikator.score_round(sys.argv[1])
assert r.cards.num_rows == r.accounting["scored"]
' "$csv"
run python-score_round+parquet "$python" -c '
import sys, indikator, pyarrow.parquet as pq
r = indikator.score_round(sys.argv[1])
pq.write_table(r.cards, sys.argv[2])
' "$csv" "$scratch/out/cards.parquet"
run python-polars-frame "$python" -c '
import sys, indikator, polars
r = indikator.score_round(polars.read_csv(sys.argv[1]))
assert r.cards.num_rows == r.accounting["scored"]
' "$csv"
run polars-reference "$python" "$here/polars_reference.py" "$csv" --out-dir "$scratch/out"
