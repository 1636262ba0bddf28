#!/bin/sh
# Times `indikator batch` on a CSV round against the CSV read floor and the polars
# reference, alternating every job in each repetition (BENCHMARKS.md, "The batch path").
#
#   tools/batch_bench.sh ROUND.csv REPEATS POLARS_PYTHON READ_FLOOR_BIN INDIKATOR_BIN...
#
# Each line: job, wall seconds, peak RSS in kB, user and system CPU seconds (GNU
# time's %e %M %U %S), and for a job that wrote a report (indikator, write-floor)
# its bytes. Every indikator binary writes the full JSON report (--out) into a
# scratch directory that is emptied after each job; `write-floor` writes as many
# bytes as the last report had into the same directory with `head -c`, the least
# writing it costs. Pass "-" as POLARS_PYTHON to leave polars out. An
# INDIKATOR_BIN given as
# `BIN::FLAG[::FLAG…]` runs BIN with those extra batch flags (e.g.
# `$T/indikator::--codes-only`, beside a plain `$T/indikator`); the job is named
# by the whole argument. The flag `@csv` stands for the CSV outputs instead of
# the JSON report: `--csv` (whose bytes are then reported) and `--tables-csv`,
# the outputs the polars reference writes. `write-floor-sync` writes the last
# report's bytes and waits for them to reach the disk (`sync FILE`), as
# indikator does before it puts an output in place.
set -eu
csv=$1 repeats=$2 python=$3 floor=$4
shift 4
here=$(dirname "$0")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
run() {
    label=$1
    shift
    /usr/bin/time -o "$scratch/time" -f "%e %M %U %S" "$@" >/dev/null 2>"$scratch/err" || { cat "$scratch/err" >&2; exit 1; }
    bytes=""
    for written in "$scratch/out/report.json" "$scratch/out/scores.csv"; do
        if [ -f "$written" ]; then
            report_bytes=$(stat -c %s "$written")
            bytes=" $report_bytes"
        fi
    done
    echo "$label $(cat "$scratch/time")$bytes"
    rm -rf "$scratch/out"
}
report_bytes=0
i=0
while [ "$i" -lt "$repeats" ]; do
    i=$((i + 1))
    run read-floor "$floor" "$csv"
    run read-floor-trim "$floor" "$csv" --trim
    for spec in "$@"; do
        bin=${spec%%::*}
        flags=""
        case $spec in
            *::*) flags=$(printf '%s' "${spec#*::}" | sed 's/::/ /g') ;;
        esac
        mkdir -p "$scratch/out"
        outputs="--out $scratch/out/report.json"
        case " $flags " in
            *" @csv "*)
                outputs="--csv $scratch/out/scores.csv --tables-csv $scratch/out/tables"
                flags=$(printf '%s' " $flags " | sed 's/ @csv / /')
                ;;
        esac
        # $outputs and $flags unquoted on purpose: one word per flag.
        # shellcheck disable=SC2086
        run "$spec" "$bin" batch "$csv" $outputs --quiet $flags
    done
    mkdir -p "$scratch/out"
    run write-floor sh -c "head -c $report_bytes /dev/zero > $scratch/out/report.json"
    mkdir -p "$scratch/out"
    run write-floor-sync sh -c "head -c $report_bytes /dev/zero > $scratch/out/report.json && sync $scratch/out/report.json"
    if [ "$python" != "-" ]; then
        run polars "$python" "$here/polars_reference.py" "$csv" --out-dir "$scratch/out"
    fi
done
