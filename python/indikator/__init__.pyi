import os
from typing import Any, Dict, List, Optional, Union

import pandas
import polars
import pyarrow as pa

from ._indikator import InputError as InputError
from ._indikator import ScoredRound

RoundData = Union[str, "os.PathLike[str]", Any]
PathArg = Union[str, "os.PathLike[str]", None]

class Round:
    cards: pa.Table
    tables: Dict[str, pa.Table]
    summary: Dict[str, Any]
    rejected: pa.Table
    accounting: Dict[str, int]
    def __init__(self, scored: ScoredRound) -> None: ...
    def to_pandas(self, table: str = "cards") -> pandas.DataFrame: ...
    def to_polars(self, table: str = "cards") -> polars.DataFrame: ...

def score_round(
    data: RoundData,
    *,
    calibration: str = "published",
    round_id: Optional[str] = None,
    survey_year: Optional[int] = None,
    catalogue_dir: PathArg = None,
    codes_only: bool = False,
) -> Round: ...
def score(response: Dict[str, Any], *, catalogue_dir: PathArg = None) -> Dict[str, Any]: ...
def methodology(id: Optional[str] = None, *, catalogue_dir: PathArg = None) -> Dict[str, Any]: ...
def round_columns() -> List[str]: ...

__all__ = ["InputError", "Round", "score_round", "score", "methodology", "round_columns"]
