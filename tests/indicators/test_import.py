"""Imports are all-or-nothing, keep their provenance, and are audited once per file."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.indicators.conftest import DATA, parsed
from trepart.analysis.indicator_files import IndicatorRow, ParsedFile, read_file
from trepart.core.models import AuditEvent
from trepart.indicators import actions
from trepart.indicators.actions import ImportRejected, do_import
from trepart.indicators.models import ImportBatch, IndicatorValue

pytestmark = pytest.mark.django_db


def test_a_good_file_is_stored_with_its_provenance(analyst: User) -> None:
    batch = do_import(analyst, read_file(DATA / "good.csv"))
    assert (batch.file_name, batch.format, batch.row_count, batch.created_count) == (
        "good.csv",
        "csv",
        6,
        6,
    )
    assert batch.imported_by == analyst
    lunner = IndicatorValue.objects.get(municipality_code="3054", indicator_id="sick_leave_pct")
    assert (lunner.year, lunner.quarter, lunner.value, lunner.source) == (
        2020,
        1,
        8.1,
        "Lunner kommune",
    )
    assert (lunner.batch, lunner.row_number, lunner.is_synthetic) == (batch, 5, False)
    event = AuditEvent.objects.get(action="indicators.imported")
    assert event.actor == analyst
    assert event.data["rows"] == 6 and event.data["years"] == [2019, 2020]
    assert AuditEvent.objects.count() == 1  # one per batch, not one per row


def test_a_file_with_errors_writes_nothing(analyst: User) -> None:
    bad = read_file(DATA / "one_bad_row.csv")
    with pytest.raises(ImportRejected) as caught:
        do_import(analyst, bad)
    assert caught.value.parsed.error_count == 1
    assert not IndicatorValue.objects.exists() and not ImportBatch.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_failure_while_writing_rolls_the_whole_import_back(
    analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "WRITE_CHUNK", 2)
    calls: list[int] = []

    def progress(done: int, total: int | None) -> None:
        calls.append(done)
        if done >= 4:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        do_import(analyst, read_file(DATA / "good.csv"), progress=progress)
    assert calls == [2, 4]
    assert not IndicatorValue.objects.exists() and not ImportBatch.objects.exists()


def test_an_indicator_unknown_to_the_store_is_refused(analyst: User) -> None:
    rows = parsed(IndicatorRow("0301", "made_up", 2019, None, 1.0))
    with pytest.raises(ImportRejected, match="1 errors"):
        do_import(analyst, rows)
    assert not IndicatorValue.objects.exists()


def test_importing_the_same_file_twice_stores_nothing_new(analyst: User) -> None:
    do_import(analyst, read_file(DATA / "good.csv"))
    again = do_import(analyst, read_file(DATA / "excel_nb.csv"))  # the same values
    assert (again.created_count, again.superseded_count, again.unchanged_count) == (0, 0, 6)
    assert IndicatorValue.objects.count() == 6


def test_synthetic_values_are_flagged(analyst: User) -> None:
    batch = do_import(
        None,
        parsed(IndicatorRow("0301", "headcount", 2019, None, 100.0, "demo")),
        fmt="demo",
        is_synthetic=True,
    )
    assert batch.format == "demo" and batch.imported_by is None
    assert IndicatorValue.objects.get().is_synthetic


def _many(count: int) -> ParsedFile:
    from trepart.analysis import municipalities

    codes = [
        m.code for m in municipalities.load().municipalities_on(municipalities.date(2024, 1, 1))
    ]
    ids = ("sick_leave_pct", "headcount", "fte_years", "lost_workdays", "turnover_pct")
    rows = []
    for index in range(count):
        code = codes[index % len(codes)]
        rest = index // len(codes)
        indicator = ids[rest % len(ids)]
        year = 2024 + rest // len(ids) % 70
        rows.append(IndicatorRow(code, indicator, year, None, float(index % 90), "bench"))
    assert len({r.key for r in rows}) == count
    return parsed(*rows, name="many.csv")


def test_a_large_import_is_fast(analyst: User, capsys: Any) -> None:
    """100 000 rows: on SQLite about 1 s new, 3 s when each supersedes a stored value."""
    rows = _many(100_000)
    start = time.perf_counter()
    batch = do_import(analyst, rows)
    first = time.perf_counter() - start
    assert batch.created_count == 100_000
    changed = ParsedFile(
        "many.csv",
        "csv",
        tuple(IndicatorRow(*r.key, r.value + 1, r.source, row=r.row) for r in rows.rows),
    )
    start = time.perf_counter()
    batch = do_import(analyst, changed)
    second = time.perf_counter() - start
    assert batch.superseded_count == 100_000
    assert IndicatorValue.objects.filter(superseded_at__isnull=True).count() == 100_000
    assert not IndicatorValue.objects.filter(
        superseded_at__isnull=False, superseded_by__isnull=True
    ).exists()
    with capsys.disabled():
        print(f"\n100 000 rows: new {first:.1f} s, all superseded {second:.1f} s")
    # Generous bounds for slow CI machines; the point is "seconds, not minutes".
    assert first < 60 and second < 120
