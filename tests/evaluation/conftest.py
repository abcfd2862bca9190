"""Fixtures of the effect study tests: the demo registry and panel, tasks run at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User

from tests.indicators.conftest import parsed
from trepart.analysis.indicator_files import IndicatorRow
from trepart.indicators.actions import do_import
from trepart.indicators.demo import load_demo_panel
from trepart.registry.demo import load_demo


@pytest.fixture
def demo(db: None) -> None:
    """The demo programmes, cohorts and the synthetic panel with its known effects."""
    load_demo()
    load_demo_panel()


@pytest.fixture
def registry(db: None) -> None:
    """The demo programmes and cohorts, and two stored indicators (enough for the forms)."""
    load_demo()
    do_import(
        None,
        parsed(
            IndicatorRow("3234", "sick_leave_pct", 2010, None, 9.0, "test"),
            IndicatorRow("3234", "turnover_pct", 2010, None, 11.0, "test"),
        ),
    )


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background tasks run inside the request (as soon as the transaction commits)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def analyst(db: None) -> User:
    """An account with the permission to start effect studies."""
    user = User.objects.create_user("analyst", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_effectstudy"))
    return user
