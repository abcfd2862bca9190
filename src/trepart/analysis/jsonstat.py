"""SSB tables saved as JSON-stat2 (e.g. KOSTRA table 12362), read into indicator values.

SSB's API answers with one JSON-stat 2.0 *dataset*: ``id`` (the dimension ids in order),
``size`` (the number of categories of each), ``dimension[id].category.index`` (category code →
position) and ``.label``, and ``value``: one flat array in row-major order (the last dimension
varies fastest), or an object ``{"flat index": value}`` when the dataset is sparse. ``status``
(a string for every cell, an array, or an object by flat index) marks cells such as ``..``
(not available yet), ``.`` (cannot exist) or ``:`` (suppressed).

A :class:`MappingSpec` says what the cells mean for Trepart: which dimension is the region,
which is time, which category to keep of each other dimension (e.g. function ``FG2`` and art
``AG1``), and which ``ContentsCode`` becomes which indicator, times which factor (KOSTRA gives
NOK in thousands: factor 1000).

Regions with a 4-digit code are municipalities; every other region (``EAK`` the whole country,
``EAKUO`` the country without Oslo, county codes, KOSTRA groups ``EKG13``) is returned
separately as a comparison series: SSB's national figure is a useful national average.
Missing cells (``null`` or a status of ``.``, ``..``, ``:``) are skipped and counted.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trepart.analysis import municipalities
from trepart.analysis.indicator_files import (
    COLUMNS,
    ParsedFile,
    Progress,
    validate_records,
)
from trepart.analysis.indicators import Indicator

__all__ = [
    "MISSING_STATUSES",
    "PRESETS",
    "ComparisonRow",
    "Dataset",
    "Dimension",
    "JsonStatError",
    "JsonStatImport",
    "MappingSpec",
    "Measure",
    "extract",
    "load_mapping",
    "parse",
    "read",
    "read_file",
]

MISSING_STATUSES = frozenset({".", "..", ":", "...", "-"})
_MUNICIPALITY = re.compile(r"[0-9]{4}")
_YEAR = re.compile(r"([0-9]{4})")
_QUARTER = re.compile(r"([0-9]{4})K([1-4])")


class JsonStatError(ValueError):
    """The file is not a JSON-stat2 dataset, or the mapping does not fit it."""


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    #: category codes in index order
    codes: tuple[str, ...]
    labels: Mapping[str, str]
    #: per category code: SSB's ``unit`` (e.g. ``{"base": "1000 kr", "decimals": 0}``)
    units: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    label: str
    source: str
    updated: str
    ids: tuple[str, ...]
    sizes: tuple[int, ...]
    dimensions: Mapping[str, Dimension]
    #: flat index → value (None for a null cell); only cells present in the file
    values: Mapping[int, float | None]
    #: flat index → status symbol
    status: Mapping[int, str]
    roles: Mapping[str, tuple[str, ...]]
    extension: Mapping[str, Any]

    @property
    def table_id(self) -> str | None:
        """SSB's table number (``extension.px.tableid``), if given."""
        px = self.extension.get("px")
        table = px.get("tableid") if isinstance(px, Mapping) else None
        return str(table) if table is not None else None

    def cells(self) -> Iterator[tuple[dict[str, str], float | None, str | None]]:
        """Every cell of the full cube: (dimension id → category code, value, status)."""
        strides = _strides(self.sizes)
        total = math.prod(self.sizes)
        for flat in range(total):
            position = {
                dim: self.dimensions[dim].codes[(flat // stride) % size]
                for dim, stride, size in zip(self.ids, strides, self.sizes, strict=True)
            }
            yield position, self.values.get(flat), self.status.get(flat)


def _strides(sizes: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for size in reversed(sizes):
        strides.append(step)
        step *= size
    return tuple(reversed(strides))


def read(path: Path | str) -> Dataset:
    """Read a saved JSON-stat2 dataset."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise JsonStatError(f"{Path(path).name}: not JSON ({error})") from None
    return parse(raw)


def parse(raw: Any) -> Dataset:
    """Check and read a JSON-stat2 dataset already decoded from JSON."""
    if not isinstance(raw, dict):
        raise JsonStatError("not a JSON-stat2 dataset: the top level is not an object")
    if raw.get("class") != "dataset":
        raise JsonStatError(f"not a JSON-stat2 dataset: class is {raw.get('class')!r}")
    if str(raw.get("version", "")) != "2.0":
        raise JsonStatError(f"JSON-stat version {raw.get('version')!r}: only 2.0 is supported")
    ids = raw.get("id")
    sizes = raw.get("size")
    if not (isinstance(ids, list) and isinstance(sizes, list) and len(ids) == len(sizes)):
        raise JsonStatError("'id' and 'size' must be lists of the same length")
    dimensions = {dim: _dimension(dim, raw.get("dimension", {}).get(dim)) for dim in ids}
    for dim, size in zip(ids, sizes, strict=True):
        if len(dimensions[dim].codes) != size:
            raise JsonStatError(
                f"dimension {dim} has {len(dimensions[dim].codes)} categories but size {size}"
            )
    total = math.prod(sizes)
    values = _by_index(raw.get("value"), total, "value")
    for flat, value in values.items():
        if value is not None and not isinstance(value, int | float):
            raise JsonStatError(f"value at index {flat} is {value!r}, not a number")
    status_raw = raw.get("status")
    status: dict[int, str]
    if isinstance(status_raw, str):
        status = dict.fromkeys(range(total), status_raw)
    else:
        status = {
            k: str(v) for k, v in _by_index(status_raw, total, "status").items() if v is not None
        }
    roles = {k: tuple(v) for k, v in (raw.get("role") or {}).items()}
    return Dataset(
        label=str(raw.get("label", "")),
        source=str(raw.get("source", "")),
        updated=str(raw.get("updated", "")),
        ids=tuple(ids),
        sizes=tuple(sizes),
        dimensions=dimensions,
        values={k: None if v is None else float(v) for k, v in values.items()},
        status=status,
        roles=roles,
        extension=raw.get("extension") or {},
    )


def _dimension(dim: str, raw: Any) -> Dimension:
    if not isinstance(raw, dict) or not isinstance(raw.get("category"), dict):
        raise JsonStatError(f"dimension {dim} is missing or has no category")
    category = raw["category"]
    index = category.get("index")
    labels = category.get("label") or {}
    if isinstance(index, list):
        codes = tuple(str(c) for c in index)
    elif isinstance(index, dict):
        codes = tuple(str(c) for c, _ in sorted(index.items(), key=lambda item: item[1]))
    elif index is None and len(labels) == 1:
        codes = tuple(labels)  # a single category may leave the index out
    else:
        raise JsonStatError(f"dimension {dim} has no category index")
    return Dimension(
        id=dim,
        label=str(raw.get("label", dim)),
        codes=codes,
        labels={str(k): str(v) for k, v in labels.items()},
        units=category.get("unit") or {},
    )


def _by_index(raw: Any, total: int, name: str) -> dict[int, Any]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"'{name}' has {len(raw)} cells but the sizes give {total}")
        return dict(enumerate(raw))
    if isinstance(raw, dict):
        try:
            return {int(k): v for k, v in raw.items()}
        except ValueError:
            raise JsonStatError(f"'{name}' keys must be flat indices") from None
    raise JsonStatError(f"'{name}' must be a list or an object")


# -- what the cells mean for Trepart ---------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One ContentsCode → one indicator, the value multiplied by ``factor``."""

    indicator: str
    factor: float = 1.0


@dataclass(frozen=True)
class MappingSpec:
    region: str
    time: str
    #: the ContentsCode-like dimension whose categories are mapped by ``measures``
    contents: str
    measures: Mapping[str, Measure]
    #: dimension → the one category to keep (other dimensions must have one category)
    filters: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MappingSpec:
        try:
            measures = {
                code: Measure(str(m["indicator"]), float(m.get("factor", 1)))
                for code, m in dict(raw["measures"]).items()
            }
            return cls(
                region=str(raw["region"]),
                time=str(raw["time"]),
                contents=str(raw.get("contents", "ContentsCode")),
                measures=measures,
                filters={str(k): str(v) for k, v in dict(raw.get("filters", {})).items()},
                source=str(raw.get("source", "")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise JsonStatError(f"malformed mapping: {error!r}") from None


#: Built-in mappings, by name.
PRESETS: Mapping[str, MappingSpec] = {
    # KOSTRA 12362 "Utgifter, etter region, funksjon, art": gross operating expenses
    # (art AG1 "Brutto driftsutgifter") over all functions (FG2 "Totalt"), in 1000 NOK.
    "kostra-12362": MappingSpec(
        region="KOKkommuneregion0000",
        time="Tid",
        contents="ContentsCode",
        measures={"KOSbelop0000": Measure("operating_expenses_nok", 1000.0)},
        filters={"KOKfunksjon0000": "FG2", "KOKart0000": "AG1"},
        source="SSB tabell 12362",
    ),
}


def load_mapping(name_or_path: str | Path) -> MappingSpec:
    """A preset by name (see :data:`PRESETS`) or a mapping JSON file::

    {"region": "KOKkommuneregion0000", "time": "Tid", "contents": "ContentsCode",
     "filters": {"KOKfunksjon0000": "FG2", "KOKart0000": "AG1"},
     "measures": {"KOSbelop0000": {"indicator": "operating_expenses_nok", "factor": 1000}},
     "source": "SSB tabell 12362"}
    """
    if str(name_or_path) in PRESETS:
        return PRESETS[str(name_or_path)]
    path = Path(name_or_path)
    if not path.is_file():
        raise JsonStatError(
            f"no mapping '{name_or_path}': give a JSON file or one of {', '.join(PRESETS)}"
        )
    try:
        return MappingSpec.from_json(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as error:
        raise JsonStatError(f"{path.name}: not JSON ({error})") from None


@dataclass(frozen=True)
class ComparisonRow:
    """A value for a region that is not a municipality (country, county, KOSTRA group)."""

    region: str
    label: str
    indicator: str
    year: int
    quarter: int | None
    value: float


@dataclass(frozen=True)
class JsonStatImport:
    #: municipality values, validated like a template file (all-or-nothing)
    parsed: ParsedFile
    comparison: tuple[ComparisonRow, ...]
    #: cells skipped because they were null or marked missing
    missing: int
    #: (region code, label) of the regions returned as comparison series
    other_regions: tuple[tuple[str, str], ...]


def _period(code: str) -> tuple[int, int | None]:
    if match := _QUARTER.fullmatch(code):
        return int(match.group(1)), int(match.group(2))
    if match := _YEAR.fullmatch(code):
        return int(match.group(1)), None
    raise JsonStatError(f"time category '{code}' is neither a year (2019) nor a quarter (2019K1)")


def _check_spec(dataset: Dataset, spec: MappingSpec) -> None:
    for dim in (spec.region, spec.time, spec.contents, *spec.filters):
        if dim not in dataset.dimensions:
            raise JsonStatError(
                f"the mapping names dimension {dim}, which the dataset does not have "
                f"(it has {', '.join(dataset.ids)})"
            )
    for dim, code in spec.filters.items():
        if code not in dataset.dimensions[dim].codes:
            raise JsonStatError(
                f"dimension {dim} has no category {code} "
                f"(it has {', '.join(dataset.dimensions[dim].codes)})"
            )
    named = {spec.region, spec.time, spec.contents, *spec.filters}
    for dim, size in zip(dataset.ids, dataset.sizes, strict=True):
        if dim not in named and size > 1:
            raise JsonStatError(
                f"dimension {dim} has {size} categories: say which to keep in the mapping's filters"
            )
    unknown = set(spec.measures) - set(dataset.dimensions[spec.contents].codes)
    if unknown:
        raise JsonStatError(f"{spec.contents} has no {', '.join(sorted(unknown))}")


def extract(
    dataset: Dataset,
    spec: MappingSpec,
    *,
    file_name: str,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> JsonStatImport:
    """Turn a dataset's cells into indicator rows, validated like a template file.

    Each kept cell becomes a row: municipality = the region code, the year (or quarter, for
    time codes like ``2020K1``), the measure's indicator and value × factor. Errors are
    reported per cell with the cell's categories instead of a row number.
    """
    _check_spec(dataset, spec)
    source = source or spec.source or (f"SSB tabell {dataset.table_id}" if dataset.table_id else "")
    regions = dataset.dimensions[spec.region]
    records: list[tuple[int, list[Any]]] = []
    comparison: list[ComparisonRow] = []
    others: dict[str, str] = {}
    missing = 0
    for flat, (position, value, status) in enumerate(dataset.cells()):
        if any(position[dim] != code for dim, code in spec.filters.items()):
            continue
        measure = spec.measures.get(position[spec.contents])
        if measure is None:
            continue
        if value is None or (status in MISSING_STATUSES):
            missing += 1
            continue
        region = position[spec.region]
        year, quarter = _period(position[spec.time])
        scaled = value * measure.factor
        if _MUNICIPALITY.fullmatch(region):
            # The "row number" of a cell is its position in the value array, from 1.
            records.append((flat + 1, [region, measure.indicator, year, quarter, scaled, source]))
        else:
            label = regions.labels.get(region, region)
            others[region] = label
            comparison.append(
                ComparisonRow(region, label, measure.indicator, year, quarter, scaled)
            )
    header = ["municipality", "indicator", "year", "quarter", "value", "source"]
    assert set(header) <= set(COLUMNS)
    parsed = validate_records(
        header,
        records,
        file_name=file_name,
        fmt="jsonstat",
        total=len(records),
        indicators=indicators,
        klass=klass,
        progress=progress,
    )
    return JsonStatImport(
        parsed=_with_cell_names(parsed, records, spec, dataset),
        comparison=tuple(comparison),
        missing=missing,
        other_regions=tuple(sorted(others.items())),
    )


def _with_cell_names(
    parsed: ParsedFile, records: list[tuple[int, list[Any]]], spec: MappingSpec, dataset: Dataset
) -> ParsedFile:
    """Errors name the cell (region and time) rather than a made-up row number."""
    if parsed.ok:
        return parsed
    from dataclasses import replace

    by_number = {number: cells for number, cells in records}
    errors = []
    for error in parsed.errors:
        cells = by_number.get(error.row or 0)
        if cells is None:
            errors.append(error)
            continue
        period = f"{cells[2]}" if cells[3] is None else f"{cells[2]}K{cells[3]}"
        where = f"{spec.region}={cells[0]},{spec.time}={period}"
        errors.append(replace(error, row=None, column=f"{where}:{error.column}"))
    return replace(parsed, errors=tuple(errors))


def read_file(
    path: Path | str,
    mapping: MappingSpec | str | Path,
    *,
    indicators: Mapping[str, Indicator] | None = None,
    klass: municipalities.Klass | None = None,
    source: str | None = None,
    progress: Progress | None = None,
) -> JsonStatImport:
    """Read a saved JSON-stat2 file and extract indicator rows with ``mapping``."""
    spec = mapping if isinstance(mapping, MappingSpec) else load_mapping(mapping)
    return extract(
        read(path),
        spec,
        file_name=Path(path).name,
        indicators=indicators,
        klass=klass,
        source=source,
        progress=progress,
    )
