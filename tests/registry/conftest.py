"""Fixtures of the registry tests: see ``registry_fixtures`` for the programme they build."""

from __future__ import annotations

import pytest

from tests.registry.registry_fixtures import Kkp, make_programme


@pytest.fixture
def kkp(db: None) -> Kkp:
    return make_programme()
