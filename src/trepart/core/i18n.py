"""The interface language as the analysis layer names it."""

from __future__ import annotations

from django.utils.translation import get_language

from trepart.analysis.indicators import Language


def ui_language() -> Language:
    """The active language: "nb", "nn" or "en" (bokmål when none is active)."""
    language = get_language()
    if language == "nn":
        return "nn"
    if language == "en":
        return "en"
    return "nb"
