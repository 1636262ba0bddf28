"""score and methodology answer as the server does; bad input raises
InputError naming where it is."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
from pathlib import Path

import pandas
import pytest

import indikator
from conftest import ROOT, round_csv

REQUEST = json.loads((ROOT / "examples" / "score-request.json").read_text())


def http(url: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_score_gives_the_answer_of_post_v1_score(server):
    answer = indikator.score(REQUEST)
    assert answer["results"]
    assert answer == http(f"{server}/v1/score", REQUEST)


def test_methodology_gives_what_get_methodology_says(server):
    assert indikator.methodology() == http(f"{server}/v1/methodologies")
    assert indikator.methodology("ks-2018") == http(f"{server}/v1/methodologies/ks-2018")
    assert [m["id"] for m in indikator.methodology("ssb-2018")["methodologies"]] == ["ssb-2018"]


def test_an_unknown_methodology_raises_input_error_listing_the_known_ones():
    with pytest.raises(indikator.InputError, match=r'unknown methodology "nope"; known: .*ssb-2018'):
        indikator.methodology("nope")


def test_input_error_is_a_value_error():
    assert issubclass(indikator.InputError, ValueError)


def test_a_response_field_of_the_wrong_kind_raises_input_error_naming_its_json_path():
    request = json.loads(json.dumps(REQUEST))
    request["response"]["respondent"]["kind"] = "RESPONDENT_KIND_NONSENSE"
    with pytest.raises(indikator.InputError, match=r"^response\.respondent\.kind: unknown variant `RESPONDENT_KIND_NONSENSE`, expected one of [^\n]*`$"):
        indikator.score(request)


def test_a_response_that_does_not_validate_raises_input_error_naming_the_field():
    request = json.loads(json.dumps(REQUEST))
    request["response"]["respondent"]["organisationNumber"] = "958935421"
    with pytest.raises(indikator.InputError, match=r"response\.respondent\.organisation_number"):
        indikator.score(request)


@pytest.fixture()
def small_round(binaries, tmp_path) -> Path:
    return round_csv(binaries, ROOT / "examples" / "round-2018.jsonl", 5, tmp_path / "small.csv")


def test_a_bad_cell_in_a_csv_file_raises_input_error_naming_line_and_column(small_round):
    rows = list(csv.reader(small_round.open(newline="")))
    rows[3][rows[0].index("kind")] = "castle"
    with small_round.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(indikator.InputError, match=r"small\.csv:4: column `kind`: unknown value \"castle\""):
        indikator.score_round(small_round)


def test_a_bad_cell_in_a_data_frame_raises_input_error_naming_row_and_column(small_round):
    frame = pandas.read_csv(small_round, dtype=str, keep_default_na=False)
    frame.loc[1, "has_strategy"] = "maybe"
    with pytest.raises(indikator.InputError, match=r"row 2: column `has_strategy`"):
        indikator.score_round(frame)


def test_a_column_of_a_type_it_cannot_be_read_from_raises_input_error_naming_it(small_round):
    frame = pandas.read_csv(small_round)
    frame["name"] = 1.5
    with pytest.raises(indikator.InputError, match=r"column `name`"):
        indikator.score_round(frame)


def test_an_unknown_column_raises_input_error_naming_it(small_round):
    frame = pandas.read_csv(small_round, dtype=str)
    frame["colour"] = "blue"
    with pytest.raises(indikator.InputError, match=r"unknown column `colour`"):
        indikator.score_round(frame)


def test_records_that_fail_validation_are_listed_as_rejected_not_dropped(small_round):
    frame = pandas.read_csv(small_round, dtype=str, keep_default_na=False)
    frame.loc[2, "organisation_number"] = "123"
    scored = indikator.score_round(frame)
    assert scored.accounting == {"received": 5, "scored": 4, "rejected": 1}
    rejected = scored.rejected.to_pylist()
    assert len(rejected) == 1
    assert rejected[0]["record_id"] == frame.loc[2, "record_id"]
    assert rejected[0]["line"] == "3"
    assert "organisation_number" in rejected[0]["fields"]
    assert scored.cards.num_rows == 4


def test_an_unknown_calibration_raises_input_error(small_round):
    with pytest.raises(indikator.InputError, match="calibration"):
        indikator.score_round(small_round, calibration="median")


def test_a_round_without_rows_raises_input_error(small_round):
    frame = pandas.read_csv(small_round, dtype=str).iloc[0:0]
    with pytest.raises(indikator.InputError, match="no rows"):
        indikator.score_round(frame)


def test_something_that_is_not_a_round_raises_type_error():
    with pytest.raises(TypeError, match="not a list"):
        indikator.score_round([1, 2, 3])
