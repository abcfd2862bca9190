"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.helpers import run_trepart
from trepart.config import env

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("TREPART_DEBUG", "true", True),
        ("TREPART_DEBUG", "False", False),
        ("TREPART_DEBUG", "1", True),
        ("TREPART_HTTPS", "off", False),
        ("TREPART_ALLOWED_HOSTS", "example.no, www.example.no", ["example.no", "www.example.no"]),
        ("TREPART_HSTS_SECONDS", "3600", 3600),
        ("TREPART_DATA_DIR", "/srv/trepart", Path("/srv/trepart")),
    ],
)
def test_a_good_value_is_parsed(name: str, raw: str, expected: object) -> None:
    assert env.get(name, {name: raw}) == expected


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("TREPART_DEBUG", "maybe", "Unexpected value TREPART_DEBUG='maybe', use 'true' or 'false'"),
        ("TREPART_ALLOWED_HOSTS", "a,,b", "Unexpected value TREPART_ALLOWED_HOSTS='a,,b'"),
        ("TREPART_HSTS_SECONDS", "a year", "use a whole number"),
        ("TREPART_HSTS_SECONDS", "-1", "use a number ≥ 0"),
        ("TREPART_SECRET_KEY", " ", "TREPART_SECRET_KEY is set but empty"),
        ("TREPART_DATA_DIR", "", "give a directory path"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(name: str, raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        env.get(name, {name: raw})


def test_an_unset_setting_takes_its_default() -> None:
    assert env.get("TREPART_DEBUG", {}) is False
    assert env.get("TREPART_ALLOWED_HOSTS", {}) == ["localhost", "127.0.0.1", "[::1]"]
    assert env.get("DATABASE_URL", {}) is None


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text()
    missing = [s.name for s in env.SETTINGS if f"`{s.name}`" not in text]
    assert missing == []


def test_the_command_stops_with_a_clear_error_on_a_bad_setting(tmp_path: Path) -> None:
    result = run_trepart(
        "manage", "check", TREPART_DATA_DIR=str(tmp_path), TREPART_DEBUG="yes please"
    )
    assert result.returncode == 2
    assert "Unexpected value TREPART_DEBUG='yes please', use 'true' or 'false'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_deployment_check_passes_in_production_mode(tmp_path: Path) -> None:
    result = run_trepart(
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TREPART_DATA_DIR=str(tmp_path),
        TREPART_DEBUG="false",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    for _ in range(2):
        assert run_trepart("manage", "check", TREPART_DATA_DIR=str(tmp_path)).returncode == 0
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
