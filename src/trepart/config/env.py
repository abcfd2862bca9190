"""Settings read from the environment, declared as data so they can be documented and checked.

Every setting Trepart reads from the environment is listed in ``SETTINGS`` with its default and
help text; ``docs/configuration.md`` documents each one and a test fails when one is missing.
A value that cannot be parsed stops start-up with ``ImproperlyConfigured`` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

#: The repository root when Trepart runs from a source checkout (editable install), else None.
SOURCE_ROOT: Path | None = (
    Path(__file__).resolve().parents[3]
    if (Path(__file__).resolve().parents[3] / "pyproject.toml").is_file()
    else None
)

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use 'true' or 'false'")


def parse_list(name: str, raw: str) -> list[str]:
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"Unexpected value {name}={raw!r}: use a comma-separated list without empty items"
        )
    return items


def parse_path(name: str, raw: str) -> Path:
    if not raw.strip():
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}: give a directory path")
    return Path(raw).expanduser().resolve()


def parse_str(name: str, raw: str) -> str:
    if not raw.strip():
        raise ImproperlyConfigured(f"{name} is set but empty")
    return raw


def parse_positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use a whole number") from None
    if value < 0:
        raise ImproperlyConfigured(f"Unexpected value {name}={raw!r}, use a number ≥ 0")
    return value


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    parse: Callable[[str, str], Any]


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TREPART_DEBUG",
        "false",
        "Django debug mode: detailed error pages and no HTTPS hardening. Never true in production.",
        parse_bool,
    ),
    Setting(
        "TREPART_SECRET_KEY",
        None,
        "Django's secret key (at least 50 random characters). When unset, Trepart generates one "
        "and keeps it in `secret_key` in the data directory.",
        parse_str,
    ),
    Setting(
        "TREPART_ALLOWED_HOSTS",
        "localhost,127.0.0.1,[::1]",
        "Comma-separated host names the server answers to.",
        parse_list,
    ),
    Setting(
        "TREPART_DATA_DIR",
        None,
        "Directory for the SQLite database, the generated secret key, collected static files "
        "and uploads. Default: `var/` in the source checkout.",
        parse_path,
    ),
    Setting(
        "DATABASE_URL",
        None,
        "Database URL, e.g. `postgres://user:password@host:5432/trepart`. "
        "Default: SQLite in the data directory (`trepart.sqlite3`).",
        parse_str,
    ),
    Setting(
        "TREPART_HTTPS",
        "true",
        "Whether the site is served over HTTPS (redirect to HTTPS, HSTS, secure cookies). "
        "Set to false only for a local demo on http://127.0.0.1.",
        parse_bool,
    ),
    Setting(
        "TREPART_HSTS_SECONDS",
        "31536000",
        "Strict-Transport-Security max-age in seconds when TREPART_HTTPS is true.",
        parse_positive_int,
    ),
    Setting(
        "TREPART_MAX_UPLOAD_MB",
        "200",
        "The largest file (MB) the web page and the API accept for an import.",
        parse_positive_int,
    ),
    Setting(
        "TREPART_BEHIND_PROXY",
        "false",
        "Trust the X-Forwarded-Proto header from a reverse proxy that terminates HTTPS.",
        parse_bool,
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The parsed value of a declared setting, or None when it is unset and has no default."""
    setting = _BY_NAME[name]
    env = os.environ if environ is None else environ
    raw = env.get(name, setting.default)
    if raw is None:
        return None
    return setting.parse(name, raw)
