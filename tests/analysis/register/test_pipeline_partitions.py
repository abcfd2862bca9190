"""How the pipeline partitions its work does not change the result.

The engine chooses how many buckets the windows are partitioned by (Spark: several, DuckDB:
none) and in how many parts the absences are processed. Each choice must give the same table
and quality figures, here on DuckDB with a generated extract with overlapping spells.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from trepart.analysis.register import _engine, compute_indicators, synth


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("extract")
    synth.write(synth.generate(300, 2019, 2022, seed=11), folder)
    return folder


def run(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    result = compute_indicators(folder)
    quality = result.quality.to_json()
    quality.pop("seconds")
    return result.table.to_pylist(), quality


def same(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> bool:
    if len(got) != len(expected):
        return False
    for a, b in zip(got, expected, strict=True):
        for key, value in b.items():
            other = a[key]
            if isinstance(value, float) and isinstance(other, float):
                if not math.isclose(other, value, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif other != value:
                return False
    return True


def test_buckets_and_parts_give_the_same_result(
    extract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, quality = run(extract)
    assert table
    monkeypatch.setattr(_engine.DuckDBBackend, "buckets", 8)
    monkeypatch.setattr(_engine.DuckDBBackend, "spells_per_chunk", 2_000)
    partitioned, partitioned_quality = run(extract)
    assert same(partitioned, table)
    assert partitioned_quality == quality
