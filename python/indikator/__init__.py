"""Norwegian municipal digitalisation indicators, scored in-process.

The scoring is indikator's own (the Rust application layer the server and
``indikator batch`` run); this package only hands it data and shapes what
comes back:

- :func:`score_round` scores a survey round given as a data frame (pandas,
  polars), a pyarrow ``Table`` or ``RecordBatchReader`` (anything with
  ``__arrow_c_stream__``), or a ``.csv``, ``.jsonl`` or ``.parquet`` round
  file, and returns a :class:`Round`: the score cards and summary tables as
  pyarrow Tables with the columns and cells of ``indikator batch --csv`` and
  ``--tables-csv``, the summary as ``--out`` writes it, the rejected records;
- :func:`score` scores one response as ``POST /v1/score`` does;
- :func:`methodology` tells what ``GetMethodology`` tells.

Columns of a round given as data are those of the CSV round format
(``docs/batch-formats.md``); strings and natural Arrow types (integers,
booleans, lists of strings) are both read. Input that cannot be scored raises
:class:`InputError` naming the row and column (or the JSON field); records that
are read but fail validation are not dropped: they are listed in
:attr:`Round.rejected`.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

import pyarrow as pa

from . import _indikator
from ._indikator import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars

__all__ = ["InputError", "Round", "score_round", "score", "methodology", "round_columns"]

#: What :func:`score_round` reads: a data frame, an Arrow stream or a path.
RoundData = Union[str, "os.PathLike[str]", Any]


class Round:
    """A scored round.

    Attributes:
        cards: one row per scored respondent, the columns and cells of
            ``indikator batch FILE --csv`` (strings; a cell the CSV leaves
            empty is null).
        tables: every summary table by name (``composite_grades``,
            ``scores``, …, and ``rejections``), each the file
            ``NAME.csv`` that ``--tables-csv`` writes.
        summary: the round summary in proto3 JSON (what ``--out`` writes
            under ``"summary"``; 64-bit counts are strings there).
        rejected: the records rejected, one row each: ``line`` (the file line
            or the row it was read from, where known), ``record_id``,
            ``sequence``, ``reason``, ``fields`` (the fields named, ``;``-joined).
        accounting: ``received``, ``scored`` and ``rejected`` records as
            integers (every record received is scored or rejected).
    """

    cards: pa.Table
    tables: Dict[str, pa.Table]
    summary: Dict[str, Any]
    rejected: pa.Table
    accounting: Dict[str, int]

    def __init__(self, scored: "_indikator.ScoredRound") -> None:
        self.cards = pa.table(scored.cards)
        self.tables = {
            name[: -len(".csv")] if name.endswith(".csv") else name: pa.table(table) for name, table in scored.tables
        }
        self.summary = json.loads(scored.summary_json)
        self.rejected = self.tables["rejections"]
        counts = self.summary.get("accounting", {})
        self.accounting = {key: int(counts.get(key, 0)) for key in ("received", "scored", "rejected")}

    def _table(self, name: str) -> pa.Table:
        if name == "cards":
            return self.cards
        if name == "rejected":
            return self.rejected
        try:
            return self.tables[name]
        except KeyError:
            known = ", ".join(["cards", "rejected", *self.tables])
            raise KeyError(f"no table {name!r}; the round has: {known}") from None

    def to_pandas(self, table: str = "cards") -> "pandas.DataFrame":
        """A table as a pandas DataFrame: ``"cards"`` (the default),
        ``"rejected"`` or a name of :attr:`tables`."""
        return self._table(table).to_pandas()

    def to_polars(self, table: str = "cards") -> "polars.DataFrame":
        """A table as a polars DataFrame (see :meth:`to_pandas`)."""
        import polars

        frame = polars.from_arrow(self._table(table))
        assert isinstance(frame, polars.DataFrame)
        return frame

    def __repr__(self) -> str:
        a = self.accounting
        return (
            f"<indikator.Round {self.summary.get('roundId', '')!r}: {a['received']} received, "
            f"{a['scored']} scored, {a['rejected']} rejected>"
        )


def _is_pandas(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "columns")


def _arrow_stream(data: Any) -> Any:
    """An object with ``__arrow_c_stream__`` holding ``data``'s rows."""
    if _is_pandas(data):
        # pandas' index is not a column of the round.
        data = pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data)
    raise TypeError(
        "score_round reads a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader "
        "(anything with __arrow_c_stream__), or the path of a .csv, .jsonl or .parquet round file; "
        f"not a {type(data).__name__}"
    )


def score_round(
    data: RoundData,
    *,
    calibration: str = "published",
    round_id: Optional[str] = None,
    survey_year: Optional[int] = None,
    catalogue_dir: Union[str, "os.PathLike[str]", None] = None,
    codes_only: bool = False,
) -> Round:
    """Scores a survey round in-process, as ``indikator batch`` does.

    Args:
        data: a pandas or polars DataFrame, a pyarrow Table or
            RecordBatchReader (anything with ``__arrow_c_stream__``) with the
            columns of the CSV round format; or the path of a ``.csv``,
            ``.jsonl`` or ``.parquet`` round file (any other name is read as
            JSON Lines, as ``indikator batch`` reads it).
        calibration: ``"published"`` (the published 2018 bands) or
            ``"relative"`` (cut points derived from the round).
        round_id: the round's id (default: the file's header, else its name
            without extension; for data, ``"round"``).
        survey_year: the round's survey year (default: the file's header,
            else the first record's).
        catalogue_dir: a directory of catalogue TOML files replacing the
            shipped ones (as ``--catalogue-dir``).
        codes_only: score cards without labels (the header's ``codes_only``).

    Raises:
        InputError: input that cannot be read (naming the file line or row and
            the column) or a round that cannot be scored (a bad header, too
            many records).
    """
    options = dict(
        calibration=calibration,
        round_id=round_id,
        survey_year=survey_year,
        catalogue_dir=None if catalogue_dir is None else os.fspath(catalogue_dir),
        codes_only=codes_only,
    )
    if isinstance(data, (str, os.PathLike)):
        # Read as `indikator batch PATH` reads it (CSV, JSON Lines or Parquet).
        return Round(_indikator.score_round_file(os.fspath(data), **options))
    return Round(_indikator.score_round_arrow(_arrow_stream(data), **options))


def score(response: Dict[str, Any], *, catalogue_dir: Union[str, "os.PathLike[str]", None] = None) -> Dict[str, Any]:
    """Scores one response, as ``POST /v1/score`` does.

    Args:
        response: the request body in proto3 JSON, ``{"response": {...}}``
            (``examples/score-request.json``).
        catalogue_dir: a directory of catalogue TOML files replacing the shipped ones.

    Returns:
        The answer in proto3 JSON, ``{"results": {...}}``, as the server gives it.

    Raises:
        InputError: a field that cannot be read or does not validate, named by
            its JSON path (``response.respondent.kind``).
    """
    text = json.dumps(response)
    dir_ = None if catalogue_dir is None else os.fspath(catalogue_dir)
    return json.loads(_indikator.score(text, catalogue_dir=dir_))


def methodology(
    id: Optional[str] = None, *, catalogue_dir: Union[str, "os.PathLike[str]", None] = None
) -> Dict[str, Any]:
    """What ``GetMethodology`` tells: ``{"methodologies": [...]}``, every
    methodology or only the one with ``id`` (``ssb-2018``, ``ks-2018``, …).

    Raises:
        InputError: an unknown id (the message lists the known ones).
    """
    dir_ = None if catalogue_dir is None else os.fspath(catalogue_dir)
    return json.loads(_indikator.methodology(id, catalogue_dir=dir_))


def round_columns() -> List[str]:
    """The columns of the CSV round format, in canonical order."""
    return _indikator.round_columns()
