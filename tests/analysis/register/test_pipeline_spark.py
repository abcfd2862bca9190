"""The same Ibis expressions on PySpark (local mode) give DuckDB's table and quality summary.

One Spark session and one run on a small extract that touches every definition (the hand
extract of test_pipeline.py plus turnover, AFP, concurrent-job and holiday cases), as Parquet.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.analysis.register.extracts import HAND_ABSENCES, HAND_EMPLOYMENTS, Row, write_parquet
from trepart.analysis.register import OUTPUT_COLUMNS, compute_indicators

EMPLOYMENTS: list[Row] = [
    *HAND_EMPLOYMENTS,
    ("P", "1103", "1980-01-01", "2022-01-01", "2023-06-30", 100, "quit"),
    ("Q", "1103", "1980-01-01", "2022-01-01", "2022-12-31", 100, "quit"),
    ("Q", "5001", "1980-01-01", "2023-01-01", None, 100, None),
    ("R", "1103", "1958-01-01", "2022-01-01", "2024-02-29", 60, "afp"),
    ("K", "4601", "1985-01-01", "2024-01-01", "2024-12-31", 50, None),
    ("K", "4601", "1985-01-01", "2024-01-01", "2024-12-31", 50, None),
    ("H", "3201", "1980-03-03", "2024-03-25", "2024-04-01", 50, "quit"),
]
ABSENCES: list[Row] = [
    *HAND_ABSENCES,
    ("K", "4601", "2024-01-02", "2024-01-03", 40, "doctor"),
    ("K", "4601", "2024-01-02", "2024-01-09", 20, "self"),
    ("H", "3201", "2024-03-27", "2024-03-31", 100, "self"),
    ("R", "1103", "2022-11-28", "2023-01-04", 50, "doctor"),
    ("Q", "1103", "2023-02-01", "2023-02-01", 100, "self"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("trepart-tests")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_and_duckdb_agree(spark: Any, tmp_path: Path) -> None:
    folder = write_parquet(tmp_path, EMPLOYMENTS, ABSENCES)
    on_duckdb = compute_indicators(folder)
    on_spark = compute_indicators(folder, engine="spark")
    assert on_spark.quality.engine == "spark"
    assert on_spark.table.schema == on_duckdb.table.schema
    got, expected = on_spark.table.to_pylist(), on_duckdb.table.to_pylist()
    assert [(r["municipality"], r["year"]) for r in got] == [
        (r["municipality"], r["year"]) for r in expected
    ]
    assert len(expected) == 11
    for mine, theirs in zip(got, expected, strict=True):
        for column in OUTPUT_COLUMNS:
            a, b = mine[column], theirs[column]
            if b is None or isinstance(b, str | int):
                assert a == b, (column, mine, theirs)
            else:
                assert a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (
                    column,
                    mine,
                    theirs,
                )
    assert on_spark.quality.to_json() | {"engine": "", "seconds": 0} == (
        on_duckdb.quality.to_json() | {"engine": "", "seconds": 0}
    )
    # The DuckDB side is itself pinned: two concurrent 50 % jobs, 2 days at 40 % and
    # 4 more days (4, 5, 8, 9 Jan) at 20 %.
    k = next(r for r in expected if (r["municipality"], r["year"]) == ("4601", 2024))
    assert math.isclose(k["lost_workdays"], 2 * 0.4 + 4 * 0.2)
    assert math.isclose(k["sick_leave_self_pct"], 100 * 6 * 0.2 / 252)
