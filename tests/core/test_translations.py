"""Every user-facing string is translated to bokmål and nynorsk (the source strings are English)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import trepart

PACKAGE = Path(trepart.__file__).parent
LANGUAGES = ("nb", "nn")


def _catalogue(language: str, root: Path = PACKAGE) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = _catalogue(language)
    assert len(catalogue) > 50
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    for entry in _catalogue(language).translated_entries():
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            for form in entry.msgstr_plural.values():
                # The singular form may write out "one" instead of the count.
                assert set(_placeholders(form)) <= set(expected), entry.msgid
            assert _placeholders(entry.msgstr_plural[1]) == expected, entry.msgid
        else:
            assert _placeholders(entry.msgstr) == _placeholders(entry.msgid), entry.msgid


def test_the_catalogues_hold_every_string_in_the_code(tmp_path: Path) -> None:
    """makemessages on a copy of the package finds no message the catalogues lack."""
    copy = tmp_path / "trepart"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "data"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            *[f"--locale={language}" for language in LANGUAGES],
            "--no-obsolete",
            "--ignore=static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    for language in LANGUAGES:
        in_code = {entry.msgid for entry in _catalogue(language, copy)}
        in_catalogue = {entry.msgid for entry in _catalogue(language) if not entry.obsolete}
        assert sorted(in_code - in_catalogue) == [], f"missing in {language}"
        assert sorted(in_catalogue - in_code) == [], f"no longer used in {language}"
