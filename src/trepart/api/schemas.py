"""Response shapes of the REST API (OpenAPI schemas are generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema


class CohortOut(Schema):
    id: int
    programme: str
    name: str
    start_date: dt.date
    start_precision: Literal["day", "month", "year"]
    focus: str
    planned_size: int | None


class ProgrammeOut(Schema):
    slug: str
    name: str
    start_date: dt.date
    end_date: dt.date | None
    agreement_date: dt.date | None
    parties: list[str]
    description: str
    planned_size: int | None
    cohorts: list[CohortOut]


class ParticipationOut(Schema):
    id: int
    programme: str
    cohort_id: int
    cohort: str
    municipality_code: str
    municipality_name: str
    joined: dt.date
    left: dt.date | None
    is_demo: bool


class MunicipalityOut(Schema):
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None


class CodeChangeOut(Schema):
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    date: dt.date


class HistoryOut(Schema):
    code: str
    periods: list[MunicipalityOut]
    predecessors: list[CodeChangeOut]
    successors: list[CodeChangeOut]


class TranslationOut(Schema):
    code: str
    from_date: dt.date
    to_date: dt.date
    kind: Literal["unchanged", "renumbered", "merged", "split"]
    codes: list[str]
    names: list[str]
    needs_weights: bool
    changes: list[CodeChangeOut]


class ErrorOut(Schema):
    detail: str


class IndicatorOut(Schema):
    id: str
    unit: str
    lower_is_better: bool | None
    aggregation: str
    weight: str | None
    name_nb: str
    name_nn: str
    name_en: str
    help_nb: str
    help_nn: str
    help_en: str
    definition: str
    source: str
    decimals: int


class SeriesPointOut(Schema):
    year: int
    quarter: int | None
    value: float
    national: float | None


class IndicatorSeriesOut(Schema):
    indicator: str
    points: list[SeriesPointOut]


class MunicipalityIndicatorsOut(Schema):
    code: str
    name: str
    structure_date: dt.date
    synthetic: bool
    series: list[IndicatorSeriesOut]
    problems: int


class SeedCheckOut(Schema):
    municipality: str
    reading: str
    counted: dict[str, str]
    left_out: dict[str, str]
    printed_total: str
    recomputed_total: str
    difference: str
    agrees: bool
    rounding_allowance: str
    within_rounding: bool
    printed_share_pct: str
    implied_operating_expenses_mnok: str
    implied_operating_expenses_from_recomputed_mnok: str


class JobErrorOut(Schema):
    file: str
    row: int | None
    column: str
    reason: str


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    message: str
    errors: list[JobErrorOut]
    error_count: int
    result: dict[str, object]
    result_url: str
    url: str
    page: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class FormErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]
