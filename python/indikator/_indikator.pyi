"""The extension module under :mod:`indikator` (Rust, PyO3). Use :mod:`indikator`."""

from typing import List, Optional, Tuple

class InputError(ValueError):
    """Input that cannot be scored: a file, a row, a cell or a JSON field, named in the message."""

class ArrowTable:
    """Record batches of strings, read through the Arrow PyCapsule stream interface."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __len__(self) -> int: ...

class ScoredRound:
    """A scored round as the extension returns it."""

    @property
    def cards(self) -> ArrowTable: ...
    @property
    def tables(self) -> List[Tuple[str, ArrowTable]]: ...
    @property
    def summary_json(self) -> str: ...

def score_round_file(
    path: str,
    *,
    calibration: str,
    round_id: Optional[str] = None,
    survey_year: Optional[int] = None,
    catalogue_dir: Optional[str] = None,
    codes_only: bool = False,
) -> ScoredRound: ...
def score_round_arrow(
    data: object,
    *,
    calibration: str,
    round_id: Optional[str] = None,
    survey_year: Optional[int] = None,
    catalogue_dir: Optional[str] = None,
    codes_only: bool = False,
) -> ScoredRound: ...
def score(request_json: str, *, catalogue_dir: Optional[str] = None) -> str: ...
def methodology(methodology_id: Optional[str] = None, *, catalogue_dir: Optional[str] = None) -> str: ...
def round_columns() -> List[str]: ...
