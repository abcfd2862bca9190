"""Fixtures of the indicator store tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from trepart.analysis.indicator_files import IndicatorRow, ParsedFile

DATA = Path(__file__).parent.parent / "data" / "indicators"


def parsed(*rows: IndicatorRow, name: str = "test.csv") -> ParsedFile:
    """A validated file holding ``rows`` (row numbers 2, 3, ... as in a file)."""
    numbered = tuple(
        IndicatorRow(*row.key, row.value, row.source, row=number)
        for number, row in enumerate(rows, start=2)
    )
    return ParsedFile(name, "csv", numbered)


@pytest.fixture
def analyst(db: None) -> User:
    return User.objects.create_user("analyst", password="x")
