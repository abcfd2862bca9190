"""Norwegian municipalities and their code changes, 2002–2024 (SSB Klass 131).

The data is SSB's "Standard for kommuneinndeling" (classification 131), packaged with
Trepart: one *version* of the municipal structure per file, each valid from its
``validFrom`` up to the next version's (the latest is open-ended), and the table of
code changes between them. Credit: Statistisk sentralbyrå (SSB), NLOD / CC BY 4.0.

A time series that spans several versions needs its municipality codes translated to one
chosen version first: :meth:`Klass.translate` does that for one code and says whether the
code was unchanged, renumbered, merged with others, or split (and so cannot be translated
without weights).

>>> klass = load()
>>> klass.translate("0533", date(2006, 1, 1), date(2024, 1, 1)).codes
('3234',)
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Literal

__all__ = [
    "FIRST_DATE",
    "KINDS",
    "UNKNOWN_CODE",
    "CodeChange",
    "CodeHistory",
    "Kind",
    "Klass",
    "KlassDataError",
    "Municipality",
    "MunicipalityError",
    "Translation",
    "load",
    "parse_date",
]

Kind = Literal["unchanged", "renumbered", "merged", "split"]
KINDS: tuple[Kind, ...] = ("unchanged", "renumbered", "merged", "split")

# The packaged data starts with the 2002 version; nothing earlier can be validated.
FIRST_DATE = date(2002, 1, 1)
# "Uoppgitt": present in every version, never changed, not a municipality.
UNKNOWN_CODE = "9999"

_CODE = re.compile(r"[0-9]{4}")
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VERSION_FILE = re.compile(r"klass131-[0-9]{4}\.json")
_CHANGES_FILE = "klass131-changes-1972-2024.json"

# The date type is spelled through an alias inside classes that have a field named "date".
_Date = date


class MunicipalityError(ValueError):
    """Bad input: an unknown, malformed or not-yet/no-longer valid code, or a bad date."""


class KlassDataError(RuntimeError):
    """The packaged Klass data contradicts itself (a bug in the data, not in the input)."""


@dataclass(frozen=True)
class Municipality:
    """One municipality code with one name over one continuous span of time.

    ``valid_to`` is exclusive; ``None`` means still valid in the latest version.
    """

    code: str
    name: str
    valid_from: date
    valid_to: date | None

    def valid_on(self, on: date) -> bool:
        """Return whether this code+name was in force on ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def to_json(self) -> dict[str, str | None]:
        """Return ``{"code", "name", "valid_from", "valid_to"}`` (ISO dates, valid_to or None)."""
        return {
            "code": self.code,
            "name": self.name,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
        }


@dataclass(frozen=True)
class CodeChange:
    """One row of SSB's change table: ``old_code`` became (part of) ``new_code`` on ``date``.

    A merger is several rows with one ``new_code``; a split is one ``old_code`` with several
    rows; a row with ``old_code == new_code`` keeps the code (a merger into it, or a new name).
    """

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    date: _Date

    def to_json(self) -> dict[str, str]:
        """Return ``{"date", "old_code", "old_name", "new_code", "new_name"}`` with an ISO date."""
        return {
            "date": self.date.isoformat(),
            "old_code": self.old_code,
            "old_name": self.old_name,
            "new_code": self.new_code,
            "new_name": self.new_name,
        }


@dataclass(frozen=True)
class Translation:
    """Where one municipality code of ``from_date`` ends up on ``to_date``.

    ``codes`` (ascending) and ``names`` are the resulting codes and their names on
    ``to_date``; ``changes`` are the change rows applied along the way, in the order applied.
    ``kind`` is ``"split"`` when there are several resulting codes, ``"merged"`` when another
    code of ``from_date`` also ends up in the one resulting code, otherwise ``"unchanged"``
    (same code) or ``"renumbered"`` (new code).
    """

    code: str
    from_date: date
    to_date: date
    kind: Kind
    codes: tuple[str, ...]
    names: tuple[str, ...]
    changes: tuple[CodeChange, ...]

    @property
    def needs_weights(self) -> bool:
        """Return True when the code was split: its values must be shared out with weights."""
        return self.kind == "split"

    def to_json(self) -> dict[str, str | list[str]]:
        """Return exactly ``{"code", "from", "to", "kind", "codes"}`` (ISO dates), in that order."""
        return {
            "code": self.code,
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "kind": self.kind,
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class CodeHistory:
    """Everything the packaged data says about one code from 2002 on.

    ``periods``: each consecutive span of versions with the same name, oldest first.
    ``predecessors``: change rows into this code from another code.
    ``successors``: change rows from this code into another code.
    ``events``: every change row (2002 onwards) touching the code, by date.
    """

    code: str
    periods: tuple[Municipality, ...]
    predecessors: tuple[CodeChange, ...]
    successors: tuple[CodeChange, ...]
    events: tuple[CodeChange, ...]

    def to_json(self) -> dict[str, object]:
        """Return ``{"code", "periods", "predecessors", "successors", "events"}``, JSON-ready."""
        return {
            "code": self.code,
            "periods": [p.to_json() for p in self.periods],
            "predecessors": [c.to_json() for c in self.predecessors],
            "successors": [c.to_json() for c in self.successors],
            "events": [c.to_json() for c in self.events],
        }


@dataclass(frozen=True)
class _Version:
    valid_from: date
    valid_to: date | None
    names: Mapping[str, str]


# For one change date: code -> (the rows that replace it, the codes replacing it).
_Step = dict[str, tuple[tuple[CodeChange, ...], tuple[str, ...]]]


@dataclass(frozen=True)
class _Mapping:
    """Every code of one version translated to another version."""

    results: Mapping[str, tuple[tuple[str, ...], tuple[CodeChange, ...]]]
    sources: Mapping[str, tuple[str, ...]]  # resulting code -> the source codes reaching it


class Klass:
    """The packaged Klass 131 versions and change table: immutable once built."""

    __slots__ = (
        "_backward",
        "_changes",
        "_forward",
        "_mappings",
        "_on",
        "_periods",
        "_sorted_on",
        "_starts",
        "_versions",
    )

    def __init__(
        self,
        versions: Iterable[tuple[date, date | None, Mapping[str, str]]],
        changes: Iterable[CodeChange],
    ) -> None:
        """Build from ``(valid_from, valid_to, {code: name})`` versions and the change rows.

        Raises KlassDataError when the versions overlap, leave gaps or are empty, or when a
        change row falls between two versions' start dates.
        """
        ordered = sorted(versions, key=lambda v: v[0])
        if not ordered:
            raise KlassDataError("no Klass 131 versions to load")
        self._versions = tuple(_Version(f, t, dict(n)) for f, t, n in ordered)
        for before, after in zip(self._versions, self._versions[1:], strict=False):
            if before.valid_to != after.valid_from:
                raise KlassDataError(
                    f"Klass 131 version from {before.valid_from} ends {before.valid_to}, "
                    f"but the next version starts {after.valid_from}"
                )
        for version in self._versions:
            for code in version.names:
                if not _CODE.fullmatch(code):
                    raise KlassDataError(
                        f"malformed code {code!r} in the Klass 131 version "
                        f"from {version.valid_from}"
                    )
        self._starts = tuple(v.valid_from for v in self._versions)
        self._changes = tuple(sorted(changes, key=lambda c: c.date))
        self._forward, self._backward = self._index_changes()
        self._periods, self._on = self._build_periods()
        self._sorted_on = tuple(tuple(m for _, m in sorted(on.items())) for on in self._on)
        self._mappings: dict[tuple[int, int], _Mapping] = {}

    def _index_changes(self) -> tuple[dict[date, _Step], dict[date, _Step]]:
        forward: dict[date, dict[str, list[CodeChange]]] = {}
        backward: dict[date, dict[str, list[CodeChange]]] = {}
        first = self._starts[0]
        for change in self._changes:
            if change.date <= first:
                continue  # already part of the first version
            if change.date not in self._starts:
                # Translation caches by version, so a change must start a version.
                raise KlassDataError(
                    f"change {change.old_code}→{change.new_code} on {change.date} "
                    "does not fall on the start of a Klass 131 version"
                )
            forward.setdefault(change.date, {}).setdefault(change.old_code, []).append(change)
            backward.setdefault(change.date, {}).setdefault(change.new_code, []).append(change)

        def freeze(
            index: dict[date, dict[str, list[CodeChange]]], forwards: bool
        ) -> dict[date, _Step]:
            return {
                on: {
                    code: (
                        tuple(rows),
                        tuple(sorted({r.new_code if forwards else r.old_code for r in rows})),
                    )
                    for code, rows in by_code.items()
                }
                for on, by_code in index.items()
            }

        return freeze(forward, True), freeze(backward, False)

    def _build_periods(
        self,
    ) -> tuple[dict[str, tuple[Municipality, ...]], tuple[dict[str, Municipality], ...]]:
        spans: dict[str, list[tuple[str, date, date | None, list[int]]]] = {}
        for index, version in enumerate(self._versions):
            for code, name in version.names.items():
                runs = spans.setdefault(code, [])
                if runs and runs[-1][0] == name and runs[-1][2] == version.valid_from:
                    _, start, _, indices = runs[-1]
                    indices.append(index)
                    runs[-1] = (name, start, version.valid_to, indices)
                else:
                    runs.append((name, version.valid_from, version.valid_to, [index]))
        periods: dict[str, tuple[Municipality, ...]] = {}
        on: tuple[dict[str, Municipality], ...] = tuple({} for _ in self._versions)
        for code, runs in spans.items():
            municipalities = []
            for name, start, end, indices in runs:
                municipality = Municipality(code, name, start, end)
                municipalities.append(municipality)
                for index in indices:
                    on[index][code] = municipality
            periods[code] = tuple(municipalities)
        return periods, on

    # -- the versions --------------------------------------------------------------

    @property
    def versions(self) -> tuple[tuple[date, date | None], ...]:
        """Return ``(valid_from, valid_to)`` of each version, oldest first.

        ``valid_to`` is exclusive; None for the latest, open-ended version.
        """
        return tuple((v.valid_from, v.valid_to) for v in self._versions)

    @property
    def latest(self) -> date:
        """Return the start date of the latest version."""
        return self._versions[-1].valid_from

    def version_on(self, on: date) -> tuple[date, date | None]:
        """Return ``(valid_from, valid_to)`` of the version in force on ``on``."""
        version = self._versions[self._version_index(on)]
        return version.valid_from, version.valid_to

    def _version_index(self, on: date) -> int:
        first, last = self._versions[0], self._versions[-1]
        if on < first.valid_from:
            raise MunicipalityError(
                f"no municipal structure before {first.valid_from} in the packaged Klass 131 data"
            )
        if last.valid_to is not None and on >= last.valid_to:
            raise MunicipalityError(
                f"no municipal structure on or after {last.valid_to} in the packaged Klass 131 data"
            )
        return bisect.bisect_right(self._starts, on) - 1

    # -- looking codes up ---------------------------------------------------------

    def municipalities_on(self, on: date, include_unknown: bool = False) -> list[Municipality]:
        """Return the municipalities in force on ``on``, sorted by code.

        Each spans the longest stretch of consecutive versions with the same code and name.
        Code 9999 "Uoppgitt" is left out unless ``include_unknown``.
        """
        listed = self._sorted_on[self._version_index(on)]
        return [m for m in listed if include_unknown or m.code != UNKNOWN_CODE]

    def municipality(self, code: str, on: date) -> Municipality:
        """Return the municipality with ``code`` on ``on``.

        Raises MunicipalityError when the code is malformed, unknown or not valid on ``on``.
        """
        index = self._version_index(on)
        code = self._known_code(code)
        found = self._on[index].get(code)
        if found is None:
            raise MunicipalityError(
                f"municipality code '{code}' is not valid on {on}; {self._describe_validity(code)}"
            )
        return found

    def history(self, code: str) -> CodeHistory:
        """Return the periods of ``code`` and every change row (2002 onwards) touching it."""
        code = self._known_code(code)
        events = tuple(
            c
            for c in self._changes
            if c.date >= self._starts[0] and code in (c.old_code, c.new_code)
        )
        return CodeHistory(
            code=code,
            periods=self._periods[code],
            predecessors=tuple(c for c in events if c.new_code == code and c.old_code != code),
            successors=tuple(c for c in events if c.old_code == code and c.new_code != code),
            events=events,
        )

    def search(
        self,
        query: str,
        on: date | None = None,
        limit: int = 50,
        *,
        include_unknown: bool = False,
    ) -> list[Municipality]:
        """Return up to ``limit`` municipalities matching ``query``.

        Digits match the start of the code ("05" finds 0501…0545); anything else matches
        part of the name, ignoring case but not accents (``"a"`` does not find ``"å"``).
        With ``on``, only municipalities in force that day, by code; without, every
        code+name span once, newest first. Code 9999 only with ``include_unknown``.
        """
        needle = unicodedata.normalize("NFC", query).strip()
        if not needle:
            raise MunicipalityError("empty search: give a municipality number or part of a name")
        if limit < 1:
            raise MunicipalityError(f"search limit must be at least 1, not {limit}")
        candidates: Iterable[Municipality]
        if on is not None:
            candidates = self.municipalities_on(on, include_unknown)
        else:
            every = (p for periods in self._periods.values() for p in periods)
            candidates = sorted(
                (p for p in every if include_unknown or p.code != UNKNOWN_CODE),
                key=lambda p: (-p.valid_from.toordinal(), p.code),
            )
        if _DIGITS.fullmatch(needle):
            matches = (m for m in candidates if m.code.startswith(needle))
        else:
            folded = needle.casefold()
            matches = (m for m in candidates if folded in m.name.casefold())
        found: list[Municipality] = []
        for municipality in matches:
            found.append(municipality)
            if len(found) == limit:
                break
        return found

    # -- translating ----------------------------------------------------------------

    def translate(self, code: str, from_date: date, to_date: date) -> Translation:
        """Return where ``code`` (valid on ``from_date``) ends up on ``to_date``.

        Forwards, every change row dated after ``from_date`` up to ``to_date`` replaces a code
        by its rows' new codes; backwards, the mirror image (newest first, a code replaced by
        the old codes of rows into it). Raises MunicipalityError when ``code`` is not valid on
        ``from_date`` or a date is outside the data.
        """
        source = self._version_index(from_date)
        target = self._version_index(to_date)
        code = self.municipality(code, from_date).code
        mapping = self._mapping(source, target)
        codes, changes = mapping.results[code]
        kind: Kind
        if len(codes) > 1:
            kind = "split"
        elif len(mapping.sources[codes[0]]) > 1:
            kind = "merged"
        elif codes[0] == code:
            kind = "unchanged"
        else:
            kind = "renumbered"
        names = tuple(self._on[target][c].name for c in codes)
        return Translation(code, from_date, to_date, kind, codes, names, changes)

    def sources(self, code: str, *, to_date: date, from_date: date) -> list[Municipality]:
        """Return the municipalities of ``from_date`` that translate into ``code`` of ``to_date``.

        ``code`` must be valid on ``to_date``. For a merger these are the parts to add
        together; for a code that is only renumbered, just its old self. Sorted by code.
        """
        target_index = self._version_index(to_date)
        source_index = self._version_index(from_date)
        code = self.municipality(code, to_date).code
        mapping = self._mapping(source_index, target_index)
        return [self._on[source_index][c] for c in mapping.sources[code]]

    def _mapping(self, source: int, target: int) -> _Mapping:
        key = (source, target)
        cached = self._mappings.get(key)
        if cached is None:
            cached = self._mappings[key] = self._build_mapping(source, target)
        return cached

    def _build_mapping(self, source: int, target: int) -> _Mapping:
        if source <= target:
            dates = self._starts[source + 1 : target + 1]
            steps = [self._forward[d] for d in dates if d in self._forward]
        else:
            dates = self._starts[target + 1 : source + 1][::-1]
            steps = [self._backward[d] for d in dates if d in self._backward]
        valid = self._on[target]
        results: dict[str, tuple[tuple[str, ...], tuple[CodeChange, ...]]] = {}
        sources: dict[str, list[str]] = {}
        for code in self._on[source]:
            codes, applied = _walk(code, steps)
            for result in codes:
                if result not in valid:
                    raise KlassDataError(
                        f"inconsistent Klass 131 data: code '{code}' of "
                        f"{self._starts[source]} translates to '{result}', which is not a "
                        f"code of the version from {self._starts[target]}"
                    )
                sources.setdefault(result, []).append(code)
            results[code] = (codes, applied)
        return _Mapping(results, {code: tuple(sorted(s)) for code, s in sources.items()})

    # -- messages -------------------------------------------------------------------

    def _known_code(self, code: str) -> str:
        cleaned = code.strip()
        if not _CODE.fullmatch(cleaned):
            hint = ""
            if _DIGITS.fullmatch(cleaned) and len(cleaned) < 4:
                hint = f"; did you mean '{cleaned.zfill(4)}'? The leading zero is part of the code"
            raise MunicipalityError(
                f"malformed municipality code {code!r}: expected 4 digits such as '0301'{hint}"
            )
        if cleaned not in self._periods:
            raise MunicipalityError(
                f"unknown municipality code '{cleaned}': it is in no Klass 131 version from "
                f"{self._starts[0]} to {self.latest}{self._describe_before(cleaned)}"
            )
        return cleaned

    def _describe_before(self, code: str) -> str:
        # Codes retired before 2002 are only in the change table: say what they were.
        rows = [c for c in self._changes if c.old_code == code and c.date <= self._starts[0]]
        if not rows:
            return ""
        last = rows[-1]
        became = f"{last.new_code} {last.new_name} on {last.date}"
        return f" (it was {last.old_name}, which became {became})"

    def _describe_validity(self, code: str) -> str:
        spans: list[tuple[date, date | None, list[str]]] = []
        for period in self._periods[code]:
            if spans and spans[-1][1] == period.valid_from:
                start, _, names = spans[-1]
                spans[-1] = (start, period.valid_to, [*names, period.name])
            else:
                spans.append((period.valid_from, period.valid_to, [period.name]))
        parts = []
        for start, end, names in spans:
            label = ", ".join(dict.fromkeys(names))
            if end is None:
                parts.append(f"it is valid from {start} ({label})")
            else:
                parts.append(f"it was valid {start} to {end - timedelta(days=1)} ({label})")
                became = [c for c in self._changes if c.old_code == code and c.date == end]
                if became:
                    into = ", ".join(f"{c.new_code} {c.new_name}" for c in became)
                    parts.append(f"on {end} it became {into}")
        return "; ".join(parts)


def _walk(code: str, steps: Iterable[_Step]) -> tuple[tuple[str, ...], tuple[CodeChange, ...]]:
    """Return the codes ``code`` becomes after the steps, and the rows applied, in order."""
    current: tuple[str, ...] = (code,)
    applied: list[CodeChange] = []
    for step in steps:
        following: set[str] = set()
        for each in current:
            replaced = step.get(each)
            if replaced is None:
                following.add(each)
            else:
                rows, codes = replaced
                applied.extend(rows)
                following.update(codes)
        current = tuple(sorted(following))
    return current, tuple(applied)


def parse_date(text: str) -> date:
    """Return the date in ``text``: ``YYYY-MM-DD``, or a bare year ``YYYY`` meaning 1 January.

    Raises MunicipalityError for anything else.
    """
    cleaned = text.strip()
    try:
        if _YEAR.fullmatch(cleaned):
            return date(int(cleaned), 1, 1)
        if _ISO_DATE.fullmatch(cleaned):
            return date.fromisoformat(cleaned)
    except ValueError as error:
        raise MunicipalityError(f"invalid date {text!r}: {error}") from None
    raise MunicipalityError(
        f"invalid date {text!r}: expected YYYY-MM-DD or a year YYYY, such as 2024-01-01 or 2024"
    )


@functools.cache
def load() -> Klass:
    """Return the Klass 131 data packaged with Trepart (read once, then cached)."""
    folder = resources.files("trepart.analysis").joinpath("data", "klass131")
    versions: list[tuple[date, date | None, dict[str, str]]] = []
    for entry in folder.iterdir():
        if not _VERSION_FILE.fullmatch(entry.name):
            continue
        raw = json.loads(entry.read_text(encoding="utf-8"))
        valid_to = raw.get("validTo")
        versions.append(
            (
                date.fromisoformat(raw["validFrom"]),
                None if valid_to is None else date.fromisoformat(valid_to),
                # Names are stripped: the 2002 version spells 0701 " Borre ".
                {item["code"]: item["name"].strip() for item in raw["classificationItems"]},
            )
        )
    raw_changes = json.loads(folder.joinpath(_CHANGES_FILE).read_text(encoding="utf-8"))
    changes = [
        CodeChange(
            old_code=row["oldCode"],
            old_name=row["oldName"].strip(),
            new_code=row["newCode"],
            new_name=row["newName"].strip(),
            date=date.fromisoformat(row["changeOccurred"]),
        )
        for row in raw_changes["codeChanges"]
    ]
    return Klass(versions, changes)
