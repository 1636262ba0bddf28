#!/bin/sh
# Times `indikator batch` on the same round as CSV and as Parquet, alternating
# the jobs in each repetition (BENCHMARKS.md, "Parquet rounds").
#
#   tools/parquet_bench.sh REPEATS INDIKATOR_BIN ROUND[::FLAG…]...
#
# Each ROUND (a .csv or a .parquet file) is read by INDIKATOR_BIN with the full
# JSON report written (--out) into a scratch directory that is emptied after
# each job. Extra batch flags follow the round after `::` (e.g.
# `ROUND.parquet::--format::parquet`); the flag `@parquet` stands for the
# typed outputs instead of the JSON report: `--parquet` and `--tables-parquet`,
# and `@csv` for `--csv` and `--tables-csv`. Each line: job, wall seconds,
# peak RSS in kB, user and system CPU seconds (GNU time's %e %M %U %S), and
# the bytes of the main output written.
set -eu
repeats=$1 bin=$2
shift 2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
i=0
while [ "$i" -lt "$repeats" ]; do
    i=$((i + 1))
    for spec in "$@"; do
        round=${spec%%::*}
        flags=""
        case $spec in
            *::*) flags=$(printf '%s' "${spec#*::}" | sed 's/::/ /g') ;;
        esac
        mkdir -p "$scratch/out"
        outputs="--out $scratch/out/report.json"
        written="$scratch/out/report.json"
        case " $flags " in
            *" @parquet "*)
                outputs="--parquet $scratch/out/scores.parquet --tables-parquet $scratch/out/tables"
                written="$scratch/out/scores.parquet"
                flags=$(printf '%s' " $flags " | sed 's/ @parquet / /')
                ;;
            *" @csv "*)
                outputs="--csv $scratch/out/scores.csv --tables-csv $scratch/out/tables"
                written="$scratch/out/scores.csv"
                flags=$(printf '%s' " $flags " | sed 's/ @csv / /')
                ;;
        esac
        # $outputs and $flags unquoted on purpose: one word per flag.
        # shellcheck disable=SC2086
        /usr/bin/time -o "$scratch/time" -f "%e %M %U %S" "$bin" batch "$round" $outputs --quiet $flags \
            >/dev/null 2>"$scratch/err" || { cat "$scratch/err" >&2; exit 1; }
        echo "$spec $(cat "$scratch/time") $(stat -c %s "$written")"
        rm -rf "$scratch/out"
    done
done
