"""Shared fixtures: the repository, the `indikator` binary and the example
rounds as JSON Lines and CSV files, each with what `indikator batch` writes
for it."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]


def target_dir() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    return target if target.is_absolute() else ROOT / target


@dataclass
class Binaries:
    indikator: Path
    round_csv: Path


@pytest.fixture(scope="session")
def binaries() -> Binaries:
    """`target/debug/indikator` and the `round_csv` example, built if needed."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--bin", "indikator", "--example", "round_csv"], cwd=ROOT, check=True
    )
    debug = target_dir() / "debug"
    return Binaries(indikator=debug / "indikator", round_csv=debug / "examples" / "round_csv")


def read_csv(path: Path) -> List[List[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@dataclass
class Batch:
    """What `indikator batch FILE --csv … --tables-csv … --out …` wrote."""

    cards: List[List[str]]
    tables: Dict[str, List[List[str]]]
    report: Path


def run_batch(binaries: Binaries, path: Path, out: Path, *flags: str) -> Batch:
    out.mkdir(parents=True, exist_ok=True)
    cards, tables, report = out / "cards.csv", out / "tables", out / "report.json"
    subprocess.run(
        [str(binaries.indikator), "batch", str(path), "--csv", str(cards), "--tables-csv", str(tables),
         "--out", str(report), *flags],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return Batch(
        cards=read_csv(cards),
        tables={p.stem: read_csv(p) for p in sorted(tables.glob("*.csv"))},
        report=report,
    )


def round_csv(binaries: Binaries, source: Path, rows: int, out: Path) -> Path:
    """A CSV round of `rows` rows made from a JSON Lines round's records."""
    with open(out, "wb") as f:
        subprocess.run([str(binaries.round_csv), "--rows", str(rows), "--source", str(source)], cwd=ROOT,
                       check=True, stdout=f)
    return out


@pytest.fixture(scope="session")
def server(binaries: Binaries, tmp_path_factory: pytest.TempPathFactory):
    """`indikator serve` on a free loopback port (port 0: it says in its log
    where it listens), once its health check says SERVING: its base URL."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(binaries.indikator), "serve", "--listen", "127.0.0.1:0", "--log-format", "text",
             "--log-level", "info", "--drain-delay", "0s", "--shutdown-grace", "1s"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        address = None
        deadline = time.monotonic() + 30
        while address is None and time.monotonic() < deadline and process.poll() is None:
            for line in log.read_text(errors="replace").splitlines():
                found = re.search(r"127\.0\.0\.1:[0-9]+", line)
                if "serving indikator.v1.IndicatorService" in line and found:
                    address = found.group(0)
                    break
            else:
                time.sleep(0.1)
        if address is None:
            pytest.fail(f"the server did not say where it listens; its log:\n{log.read_text()}")
        url = f"http://{address}"
        while time.monotonic() < deadline:
            health = subprocess.run([str(binaries.indikator), "health", "--server", url, "--timeout", "1s"],
                                    capture_output=True)
            if health.returncode == 0:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the server at {url} never answered its health check SERVING; its log:\n{log.read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
