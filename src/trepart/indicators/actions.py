"""Every write to the indicator store goes through these ``do_*`` actions.

Each runs in one transaction (all-or-nothing) and records one audit event: one per import,
not one per row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from trepart.analysis import indicator_files
from trepart.analysis import indicators as catalogue
from trepart.analysis.indicator_files import IndicatorRow, ParsedFile
from trepart.core.audit import record
from trepart.indicators.models import (
    CustomIndicator,
    ImportBatch,
    ImportFormat,
    IndicatorValue,
    known_indicators,
)

Actor = AbstractBaseUser | AnonymousUser | None
#: called as ``progress(done, total)`` while values are written
Progress = Callable[[int, int | None], None]

#: rows per executemany round (and per progress report)
WRITE_CHUNK = 5000
#: ids per ``id IN (...)``: below SQLite's historic limit of 999 parameters
ID_CHUNK = 900

Key = tuple[str, str, int, int | None]


class ImportRejected(ValueError):
    """The file has errors (or names unknown indicators): nothing was written."""

    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        super().__init__(f"{parsed.file_name}: {parsed.error_count} errors, nothing imported")


def _sql(template: str, *, columns: Sequence[str] = ()) -> str:
    quote = connection.ops.quote_name
    return template.format(
        table=quote(IndicatorValue._meta.db_table),
        columns=", ".join(quote(c) for c in columns),
        params=", ".join(["%s"] * len(columns)),
    )


# Plain parametrised SQL through Django's connection, run with executemany: the ORM's
# bulk_create and bulk_update build one model instance and one expression per row, which
# made 100 000 rows take a minute; this takes seconds on SQLite and PostgreSQL alike.
_INSERT_COLUMNS = (
    "municipality_code",
    "indicator_id",
    "year",
    "quarter",
    "value",
    "source",
    "batch_id",
    "row_number",
    "is_synthetic",
)


@functools.cache
def _insert_sql() -> str:
    return _sql("INSERT INTO {table} ({columns}) VALUES ({params})", columns=_INSERT_COLUMNS)


@dataclass(frozen=True)
class _Existing:
    id: int
    value: float
    source: str
    is_synthetic: bool


@transaction.atomic
def do_import(
    actor: Actor,
    parsed: ParsedFile,
    *,
    file_name: str | None = None,
    fmt: str | None = None,
    note: str = "",
    is_synthetic: bool = False,
    progress: Progress | None = None,
) -> ImportBatch:
    """Store every row of a validated file as one batch, or nothing at all.

    A row whose key (municipality, indicator, year, quarter) already has a current value
    supersedes it (the old row is kept, with ``superseded_at``/``superseded_by``), unless the
    value, source and synthetic flag are the same: then nothing changes and it is counted as
    unchanged, so importing the same file twice stores nothing new.
    Raises ImportRejected when the file has errors or names an unknown indicator.
    """
    if not parsed.ok:
        raise ImportRejected(parsed)
    known = known_indicators()
    unknown = sorted({row.indicator for row in parsed.rows} - set(known))
    if unknown:
        raise ImportRejected(
            _rejected(parsed, f"unknown indicators: {', '.join(unknown)} (nothing imported)")
        )
    fmt = fmt or parsed.format
    if fmt not in ImportFormat.values:
        raise ValueError(f"unknown import format {fmt!r}; use one of {ImportFormat.values}")
    batch = ImportBatch.objects.create(
        file_name=parsed.file_name if file_name is None else file_name,
        format=fmt,
        imported_by=actor if isinstance(actor, User) and actor.pk else None,
        row_count=len(parsed.rows),
        note=note,
    )
    created, superseded, unchanged = _store(batch, parsed.rows, is_synthetic, progress)
    batch.created_count = created
    batch.superseded_count = superseded
    batch.unchanged_count = unchanged
    batch.save(update_fields=("created_count", "superseded_count", "unchanged_count"))
    years = [row.year for row in parsed.rows]
    record(
        actor,
        "indicators.imported",
        batch,
        file_name=batch.file_name,
        format=fmt,
        rows=len(parsed.rows),
        created=created,
        superseded=superseded,
        unchanged=unchanged,
        indicators=sorted({row.indicator for row in parsed.rows}),
        years=[min(years), max(years)] if years else [],
        is_synthetic=is_synthetic,
    )
    return batch


def _rejected(parsed: ParsedFile, reason: str) -> ParsedFile:
    error = indicator_files.FileError(parsed.file_name, None, "", reason)
    return ParsedFile(parsed.file_name, parsed.format, (), (error,))


def _store(
    batch: ImportBatch,
    rows: Sequence[IndicatorRow],
    is_synthetic: bool,
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Write ``rows`` under ``batch``; returns (created, superseded, unchanged)."""
    existing = _current(rows)
    to_write: list[IndicatorRow] = []
    replaced: list[int] = []
    unchanged = 0
    for row in rows:
        old = existing.get(row.key)
        if old is None:
            to_write.append(row)
        elif (old.value, old.source, old.is_synthetic) == (row.value, row.source, is_synthetic):
            unchanged += 1
        else:
            to_write.append(row)
            replaced.append(old.id)

    now = timezone.now()
    # The old rows stop being current first: the partial unique constraint allows one current
    # row per key, and it cannot be deferred.
    for start in range(0, len(replaced), ID_CHUNK):
        IndicatorValue.objects.filter(id__in=replaced[start : start + ID_CHUNK]).update(
            superseded_at=now
        )
    total = len(to_write)
    with connection.cursor() as cursor:
        for start in range(0, total, WRITE_CHUNK):
            cursor.executemany(
                _insert_sql(),
                [
                    (
                        row.municipality,
                        row.indicator,
                        row.year,
                        row.quarter,
                        row.value,
                        row.source,
                        batch.pk,
                        row.row,
                        is_synthetic,
                    )
                    for row in to_write[start : start + WRITE_CHUNK]
                ],
            )
            if progress is not None:
                progress(min(start + WRITE_CHUNK, total), total)
    if replaced:
        # Each row superseded now points to the current row of its key: one set-based UPDATE
        # that finds it through the partial unique index (a row-by-row UPDATE was quadratic
        # on SQLite's in-memory databases).
        newer = (
            IndicatorValue.objects.filter(
                superseded_at__isnull=True,
                municipality_code=OuterRef("municipality_code"),
                indicator_id=OuterRef("indicator_id"),
                year=OuterRef("year"),
            )
            .annotate(quarter_or_0=Coalesce("quarter", 0))
            .filter(quarter_or_0=Coalesce(OuterRef("quarter"), 0))
            .values("id")[:1]
        )
        IndicatorValue.objects.filter(superseded_at=now, superseded_by__isnull=True).update(
            superseded_by=Subquery(newer)
        )
    if progress is not None:
        progress(total, total)
    return len(to_write) - len(replaced), len(replaced), unchanged


def _current(rows: Sequence[IndicatorRow]) -> dict[Key, _Existing]:
    """The current values stored for the keys of ``rows``."""
    if not rows:
        return {}
    keys = {row.key for row in rows}
    found: dict[Key, _Existing] = {}
    candidates = IndicatorValue.objects.filter(
        superseded_at__isnull=True,
        indicator_id__in=sorted({row.indicator for row in rows}),
        year__in=sorted({row.year for row in rows}),
    ).values_list(
        "id",
        "municipality_code",
        "indicator_id",
        "year",
        "quarter",
        "value",
        "source",
        "is_synthetic",
    )
    for pk, code, indicator, year, quarter, value, source, synthetic in candidates.iterator(
        chunk_size=10_000
    ):
        key = (code, indicator, year, quarter)
        if key in keys:
            found[key] = _Existing(pk, value, source, synthetic)
    return found


@transaction.atomic
def do_correct_value(
    actor: Actor,
    *,
    municipality_code: str,
    indicator_id: str,
    year: int,
    quarter: int | None,
    value: float,
    source: str,
    note: str = "",
) -> IndicatorValue:
    """Enter or correct one value by hand; the value it replaces is kept as history.

    Validated like a file row (code valid that year, value in range for the unit);
    ValidationError naming the field otherwise.
    """
    parsed = indicator_files.validate_records(
        ["municipality", "indicator", "year", "quarter", "value", "source"],
        [(1, [municipality_code, indicator_id, year, quarter, value, source])],
        file_name="",
        fmt="manual",
        indicators=known_indicators(),
    )
    if not parsed.ok:
        raise ValidationError({error.column or "__all__": error.reason for error in parsed.errors})
    row = parsed.rows[0]
    old = (
        IndicatorValue.objects.filter(superseded_at__isnull=True)
        .filter(
            municipality_code=row.municipality,
            indicator_id=row.indicator,
            year=row.year,
            quarter=row.quarter,
        )
        .first()
    )
    batch = ImportBatch.objects.create(
        format=ImportFormat.MANUAL,
        imported_by=actor if isinstance(actor, User) and actor.pk else None,
        row_count=1,
        note=note,
    )
    # A hand-entered row has no row number in any file.
    created, superseded, unchanged = _store(
        batch, [IndicatorRow(*row.key, row.value, row.source)], False, None
    )
    batch.created_count, batch.superseded_count, batch.unchanged_count = (
        created,
        superseded,
        unchanged,
    )
    batch.save(update_fields=("created_count", "superseded_count", "unchanged_count"))
    current = IndicatorValue.objects.get(
        superseded_at__isnull=True,
        municipality_code=row.municipality,
        indicator_id=row.indicator,
        year=row.year,
        quarter=row.quarter,
    )
    record(
        actor,
        "indicators.corrected" if old else "indicators.entered",
        current,
        old_value=None if old is None else old.value,
        old_id=None if old is None else old.pk,
        value=row.value,
        source=row.source,
        note=note,
    )
    return current


@transaction.atomic
def do_add_custom_indicator(
    actor: Actor,
    *,
    indicator_id: str,
    unit: str,
    lower_is_better: bool | None,
    aggregation: str,
    weight: str | None = None,
    name_nb: str,
    name_nn: str,
    name_en: str,
    help_nb: str,
    help_nn: str,
    help_en: str,
    definition: str,
    source: str,
    decimals: int = 1,
) -> CustomIndicator:
    """Add a user-defined indicator, validated by ``catalogue.custom_indicator``.

    ValidationError naming each bad field (an id taken by a built-in or another custom
    indicator, a weighted mean without a volume weight, an empty text...).
    """
    others = {c.indicator_id: c.as_indicator() for c in CustomIndicator.objects.select_for_update()}
    try:
        indicator = catalogue.custom_indicator(
            indicator_id,
            unit=unit,
            lower_is_better=lower_is_better,
            aggregation=aggregation,
            weight=weight or None,
            name_nb=name_nb,
            name_nn=name_nn,
            name_en=name_en,
            help_nb=help_nb,
            help_nn=help_nn,
            help_en=help_en,
            definition=definition,
            source=source,
            decimals=decimals,
            others=others,
        )
    except catalogue.InvalidIndicator as error:
        fields = {"id": "indicator_id"}
        raise ValidationError(
            {fields.get(name, name): message for name, message in error.errors.items()}
        ) from None
    custom = CustomIndicator.objects.create(
        indicator_id=indicator.id,
        unit=indicator.unit,
        lower_is_better=indicator.lower_is_better,
        aggregation=indicator.aggregation,
        weight=indicator.weight or "",
        name_nb=indicator.name_nb,
        name_nn=indicator.name_nn,
        name_en=indicator.name_en,
        help_nb=indicator.help_nb,
        help_nn=indicator.help_nn,
        help_en=indicator.help_en,
        definition=indicator.definition,
        source=indicator.source,
        decimals=indicator.decimals,
        created_by=actor if isinstance(actor, User) and actor.pk else None,
    )
    record(actor, "indicators.custom_added", custom, definition=indicator.to_json())
    return custom
