"""score_round gives what `indikator batch` writes, cell for cell, whatever
form the round comes in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet
import pytest

import indikator
from conftest import ROOT, Binaries, read_csv, round_csv, run_batch

EXAMPLES = sorted((ROOT / "examples").glob("*.jsonl"))
# The example rounds whose records the CSV round format holds (the KS round's
# catalogue answers have no CSV columns).
CSV_SOURCES = ["round-2015.jsonl", "round-2018.jsonl", "round-2020.jsonl"]


def cells(table: pa.Table) -> List[List[str]]:
    """A table as CSV rows: the header, then each row (a null as an empty cell)."""
    columns = [column.to_pylist() for column in table.columns]
    return [table.column_names] + [["" if v is None else v for v in row] for row in zip(*columns)]


def assert_same_as_batch(scored: indikator.Round, path: Path, out: Path, binaries: Binaries, *flags: str) -> None:
    batch = run_batch(binaries, path, out, *flags)
    assert cells(scored.cards) == batch.cards
    assert sorted(scored.tables) == sorted(batch.tables)
    for name, rows in batch.tables.items():
        assert cells(scored.tables[name]) == rows, name
    assert scored.summary == json.loads(batch.report.read_text())["summary"]
    assert cells(scored.rejected) == batch.tables["rejections"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_round_scores_to_the_csv_exports_of_indikator_batch(example, binaries, tmp_path):
    scored = indikator.score_round(example)
    assert scored.accounting["received"] > 0
    assert_same_as_batch(scored, example, tmp_path, binaries)


@pytest.mark.parametrize("source", CSV_SOURCES)
def test_the_example_rounds_as_csv_files_score_to_the_csv_exports_of_indikator_batch(source, binaries, tmp_path):
    jsonl = ROOT / "examples" / source
    records = sum(1 for line in jsonl.read_text().splitlines() if line.strip()) - 1
    path = round_csv(binaries, jsonl, records, tmp_path / "round.csv")
    scored = indikator.score_round(path)
    assert scored.accounting["received"] == records
    assert_same_as_batch(scored, path, tmp_path / "batch", binaries)


def test_the_relative_calibration_and_a_given_round_id_and_year_are_those_of_indikator_batch(binaries, tmp_path):
    path = ROOT / "examples" / "round-2018.jsonl"
    scored = indikator.score_round(path, calibration="relative", round_id="r", survey_year=2018, codes_only=True)
    assert scored.summary["roundId"] == "r"
    assert_same_as_batch(
        scored, path, tmp_path, binaries,
        "--calibration", "relative", "--round-id", "r", "--survey-year", "2018", "--codes-only",
    )


@pytest.fixture(scope="module")
def large_round(binaries, tmp_path_factory) -> Path:
    """A generated CSV round of 20,000 rows."""
    path = tmp_path_factory.mktemp("large") / "round-20k.csv"
    return round_csv(binaries, ROOT / "examples" / "round-2018.jsonl", 20_000, path)


def test_a_20000_row_csv_round_scores_to_the_csv_exports_of_indikator_batch(large_round, binaries, tmp_path):
    scored = indikator.score_round(large_round)
    assert scored.accounting == {"received": 20_000, "scored": 20_000, "rejected": 0}
    assert scored.cards.num_rows == 20_000
    assert_same_as_batch(scored, large_round, tmp_path, binaries)


def test_pandas_polars_pyarrow_parquet_and_csv_give_the_same_round(large_round, tmp_path):
    import pandas
    import polars

    by_path = indikator.score_round(large_round, round_id="same")
    # Natural types: pandas and polars infer integers (municipality numbers
    # lose their leading zeros, which the reader puts back).
    frame = pandas.read_csv(large_round)
    assert frame["municipality_number"].dtype.kind == "i"
    # pyarrow infers types too (an all-empty column as the null type).
    table = pyarrow.csv.read_csv(large_round)
    assert pa.types.is_null(table.schema.field("county_number").type)
    # Strings only, in batches.
    strings = pyarrow.csv.read_csv(
        large_round, convert_options=pyarrow.csv.ConvertOptions(column_types={c: pa.string() for c in table.column_names})
    )
    parquet = tmp_path / "round.parquet"
    pyarrow.parquet.write_table(strings, parquet, row_group_size=3000)
    typed_parquet = tmp_path / "typed.parquet"
    polars.read_csv(large_round).write_parquet(typed_parquet, row_group_size=5000)
    inputs = {
        "pandas": frame,
        # The form a statistician writes first: every column as text, empty cells as NaN.
        "pandas of strings": pandas.read_csv(large_round, dtype=str),
        "polars": polars.read_csv(large_round),
        "pyarrow table": table,
        "record batch reader": pa.RecordBatchReader.from_batches(strings.schema, strings.to_batches(max_chunksize=999)),
        "parquet path": parquet,
        "parquet path as str": str(parquet),
        "typed parquet path": typed_parquet,
    }
    for name, data in inputs.items():
        scored = indikator.score_round(data, round_id="same")
        assert scored.cards.equals(by_path.cards), name
        assert scored.tables.keys() == by_path.tables.keys(), name
        for table_name, t in by_path.tables.items():
            assert scored.tables[table_name].equals(t), (name, table_name)
        assert scored.summary == by_path.summary, name


def test_to_pandas_and_to_polars_give_the_tables(large_round):
    scored = indikator.score_round(large_round)
    cards = scored.to_pandas()
    assert len(cards) == 20_000 and list(cards.columns) == scored.cards.column_names
    grades = scored.to_polars("composite_grades")
    assert grades.columns == scored.tables["composite_grades"].column_names
    assert grades.height == scored.tables["composite_grades"].num_rows
    with pytest.raises(KeyError, match="no table 'nope'"):
        scored.to_pandas("nope")
