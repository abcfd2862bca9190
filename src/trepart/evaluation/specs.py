"""The settings of an effect study, as plain data stored (as JSON) with the study.

Everything an estimate depends on is here, so that a saved study can be rerun with the same
numbers: the cohorts, the comparison group, the method, the covariates, the bootstrap draws and
their seed, the municipal structure and the years. The software version is stored beside them
on the study (:attr:`EffectStudy.software_version`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "COMPARISONS",
    "DEFAULT_STRUCTURE_DATE",
    "METHODS",
    "DidSettings",
    "SettingsError",
    "SynthSettings",
    "did_from_json",
    "synth_from_json",
]

Comparison = Literal["never", "notyet"]
Method = Literal["dr", "ipw", "reg"]
COMPARISONS: tuple[Comparison, ...] = ("never", "notyet")
METHODS: tuple[Method, ...] = ("dr", "ipw", "reg")

#: the municipal structure studies are estimated in unless chosen otherwise (after the 2024
#: reform: every unit has one code through the whole series where Klass allows it)
DEFAULT_STRUCTURE_DATE = dt.date(2024, 1, 1)


class SettingsError(ValueError):
    """Stored settings that cannot be read back (a missing or malformed value)."""


@dataclass(frozen=True)
class DidSettings:
    """A staggered difference-in-differences study (Callaway & Sant'Anna).

    ``cohorts``: ids of the programme's cohorts whose members count as treated (a municipality
    counts from the first cohort it joined in the programme; members whose first cohort is not
    chosen are left out, never used as controls). ``cohort_names`` records their names.
    ``comparison``: never-treated units only, or also those not yet treated. ``method``:
    doubly robust, inverse probability weighting or outcome regression. ``anticipation``:
    years before the treatment year that may already be affected. ``bootstrap``: multiplier
    bootstrap draws (0: analytic standard errors only), with ``seed``.
    ``exclude_other_programmes``: leave out members of any other programme.
    """

    cohorts: tuple[int, ...]
    cohort_names: tuple[str, ...]
    comparison: Comparison = "never"
    method: Method = "dr"
    covariates: tuple[str, ...] = ()
    anticipation: int = 0
    bootstrap: int = 999
    seed: int = 2007
    structure_date: dt.date = DEFAULT_STRUCTURE_DATE
    years: tuple[int, int] = (2002, 2016)
    exclude_other_programmes: bool = False
    alpha: float = 0.05

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["structure_date"] = self.structure_date.isoformat()
        for name in ("cohorts", "cohort_names", "covariates", "years"):
            data[name] = list(data[name])
        return data


@dataclass(frozen=True)
class SynthSettings:
    """A synthetic-control study of one municipality (Abadie, Diamond & Hainmueller).

    ``municipality``: its code in the structure of ``structure_date``; ``treatment_year``: the
    first treated year. ``predictors``: indicators whose pre-treatment means the synthetic
    unit should match (the outcome's own pre-treatment values are always matched).
    ``donors_excluded``: codes left out of the donor pool, besides every programme member.
    ``placebos``: run the in-space placebo test (every donor in turn), for a p-value.
    """

    municipality: str
    treatment_year: int
    predictors: tuple[str, ...] = ()
    structure_date: dt.date = DEFAULT_STRUCTURE_DATE
    years: tuple[int, int] = (2002, 2016)
    donors_excluded: tuple[str, ...] = ()
    placebos: bool = True
    exclude_other_programmes: bool = False
    municipality_name: str = field(default="")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["structure_date"] = self.structure_date.isoformat()
        for name in ("predictors", "years", "donors_excluded"):
            data[name] = list(data[name])
        return data


def _date(data: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(data["structure_date"]))
    except (KeyError, ValueError) as error:
        raise SettingsError(f"bad structure_date: {error}") from None


def _years(data: dict[str, Any]) -> tuple[int, int]:
    try:
        first, last = (int(year) for year in data["years"])
    except (KeyError, TypeError, ValueError) as error:
        raise SettingsError(f"bad years: {error}") from None
    return first, last


def did_from_json(data: dict[str, Any]) -> DidSettings:
    """Read :class:`DidSettings` back from a study's stored settings."""
    try:
        return DidSettings(
            cohorts=tuple(int(c) for c in data["cohorts"]),
            cohort_names=tuple(str(n) for n in data.get("cohort_names", ())),
            comparison=data.get("comparison", "never"),
            method=data.get("method", "dr"),
            covariates=tuple(str(c) for c in data.get("covariates", ())),
            anticipation=int(data.get("anticipation", 0)),
            bootstrap=int(data.get("bootstrap", 0)),
            seed=int(data.get("seed", 2007)),
            structure_date=_date(data),
            years=_years(data),
            exclude_other_programmes=bool(data.get("exclude_other_programmes", False)),
            alpha=float(data.get("alpha", 0.05)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SettingsError(f"bad difference-in-differences settings: {error}") from None


def synth_from_json(data: dict[str, Any]) -> SynthSettings:
    """Read :class:`SynthSettings` back from a study's stored settings."""
    try:
        return SynthSettings(
            municipality=str(data["municipality"]),
            treatment_year=int(data["treatment_year"]),
            predictors=tuple(str(p) for p in data.get("predictors", ())),
            structure_date=_date(data),
            years=_years(data),
            donors_excluded=tuple(str(c) for c in data.get("donors_excluded", ())),
            placebos=bool(data.get("placebos", True)),
            exclude_other_programmes=bool(data.get("exclude_other_programmes", False)),
            municipality_name=str(data.get("municipality_name", "")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SettingsError(f"bad synthetic-control settings: {error}") from None
