"""Staggered difference-in-differences: group-time ATT(g,t) and their aggregations.

Callaway & Sant'Anna (2021), "Difference-in-Differences with multiple time periods", following
the R package ``did`` (``att_gt`` + ``aggte``) and, for the 2×2 estimators, ``DRDID``
(Sant'Anna & Zhao 2020). See docs/effects-did.md for the method and how to read the results.

ATT(g,t) is the average effect in period ``t`` on the units first treated in period ``g`` (the
cohort), estimated by comparing the change of the outcome from a base period to ``t`` with that
of a comparison group (never-treated units, or units not yet treated by ``t``). The outcome is
in its own unit (e.g. percentage points of sick leave); so are every ATT and its SE.

A balanced panel uses the panel estimators; an unbalanced one (units missing in some periods,
including rows whose outcome is missing) uses the repeated-cross-section estimators with the
influence functions summed per unit, as R ``did`` does with ``allow_unbalanced_panel=TRUE``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from trepart.analysis.effects import _did_estimators as estimators
from trepart.analysis.effects._did_inference import (
    Bootstrap,
    analytic_se,
    multiplier_bootstrap,
    wald_pretest,
)

Array = NDArray[np.float64]
Control = Literal["never", "notyet"]
Method = Literal["dr", "ipw", "reg"]
BasePeriod = Literal["varying", "universal"]
Progress = Callable[[int, int], None]


class DidInputError(ValueError):
    """The panel or the settings cannot be used (message names file, row and column if known)."""


@dataclass(frozen=True)
class DidSettings:
    """Estimation settings; the defaults are R ``did``'s defaults.

    ``anticipation`` is in the unit of the time column (periods before ``g`` in which units may
    already react). ``bootstrap`` > 0 replaces analytic SEs by multiplier-bootstrap SEs and gives
    simultaneous confidence bands; ``cluster`` (a column name) clusters the bootstrap.
    ``balance`` drops units not observed in every period (R's default when the panel is
    unbalanced) instead of using the unbalanced-panel estimators.
    """

    control: Control = "never"
    method: Method = "dr"
    anticipation: float = 0
    base_period: BasePeriod = "varying"
    bootstrap: int = 0
    seed: int | None = None
    alpha: float = 0.05
    balance: bool = False


@dataclass(frozen=True)
class Cell:
    """One group-time average treatment effect ATT(g,t) with SE and confidence interval."""

    group: float
    time: float
    att: float
    se: float
    ci_low: float
    ci_high: float
    post: bool


@dataclass(frozen=True)
class AggregateRow:
    """One entry of an aggregation: its key (event time e, cohort g or period t) and estimate."""

    key: float
    att: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Aggregate:
    """An aggregation of the ATT(g,t): its overall estimate and, if it has any, its entries."""

    att: float
    se: float
    ci_low: float
    ci_high: float
    by: tuple[AggregateRow, ...] = ()
    critical_value: float = float("nan")


@dataclass(frozen=True)
class DidResult:
    """All group-time effects, the four aggregations and the parallel-trends pre-test."""

    cells: tuple[Cell, ...]
    simple: Aggregate
    dynamic: Aggregate
    group: Aggregate
    calendar: Aggregate
    pretest_statistic: float
    pretest_df: int
    pretest_p: float
    critical_value: float
    n_units: int
    n_clusters: int
    balanced: bool
    dropped_units: int
    settings: DidSettings
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON contract (docs/effects-did.md); NaN becomes null."""

        def num(value: float) -> float | None:
            return None if not np.isfinite(value) else float(value)

        def key(value: float) -> int | float:
            return int(value) if float(value).is_integer() else float(value)

        def aggregate(agg: Aggregate, name: str | None) -> dict[str, Any]:
            body: dict[str, Any] = {
                "overall": {
                    "att": num(agg.att),
                    "se": num(agg.se),
                    "ci_low": num(agg.ci_low),
                    "ci_high": num(agg.ci_high),
                }
            }
            if name is not None:
                body["by"] = [
                    {
                        name: key(row.key),
                        "att": num(row.att),
                        "se": num(row.se),
                        "ci_low": num(row.ci_low),
                        "ci_high": num(row.ci_high),
                    }
                    for row in agg.by
                ]
                body["critical_value"] = num(agg.critical_value)
            return body

        return {
            "att_gt": [
                {
                    "group": key(cell.group),
                    "time": key(cell.time),
                    "att": num(cell.att),
                    "se": num(cell.se),
                    "ci_low": num(cell.ci_low),
                    "ci_high": num(cell.ci_high),
                    "post": cell.post,
                }
                for cell in self.cells
            ],
            "aggregates": {
                "simple": aggregate(self.simple, None),
                "dynamic": aggregate(self.dynamic, "e"),
                "group": aggregate(self.group, "group"),
                "calendar": aggregate(self.calendar, "time"),
            },
            "pretest_p": num(self.pretest_p),
            "pretest_statistic": num(self.pretest_statistic),
            "pretest_df": self.pretest_df,
            "critical_value": num(self.critical_value),
            "n_units": self.n_units,
            "n_clusters": self.n_clusters,
            "balanced": self.balanced,
            "dropped_units": self.dropped_units,
            "se_type": "bootstrap" if self.settings.bootstrap > 0 else "analytic",
            "settings": asdict(self.settings),
            "notes": list(self.notes),
        }


# -- input -----------------------------------------------------------------------------------


def read_panel(
    path: Path,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
) -> pd.DataFrame:
    """Read a long panel (one row per unit and period) from CSV or Parquet, by extension.

    Every named column must exist and hold numbers (empty allowed for the cohort, meaning never
    treated, and for the outcome/covariates, meaning that row is missing). Errors name the file,
    the row (CSV: the line number; Parquet: the 1-based row) and the column.
    """
    names = [unit, time, cohort, outcome, *covariates]
    if cluster is not None:
        names.append(cluster)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            first_row = 2
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
            first_row = 1
        else:
            raise DidInputError(f"{path}: unknown file type {suffix!r}; use .csv or .parquet")
    except FileNotFoundError as error:
        raise DidInputError(f"{path}: no such file") from error
    except (OSError, ValueError, pd.errors.ParserError) as error:
        if isinstance(error, DidInputError):
            raise
        raise DidInputError(f"{path}: cannot be read: {error}") from error
    missing = [name for name in dict.fromkeys(names) if name not in frame.columns]
    if missing:
        raise DidInputError(
            f"{path}: column(s) {', '.join(map(repr, missing))} not found; "
            f"the file has {', '.join(map(repr, map(str, frame.columns)))}"
        )
    result = pd.DataFrame(index=frame.index)
    for name in dict.fromkeys(names):
        column = frame[name]
        text = column.astype("string").str.strip() if column.dtype == object else None
        if text is not None:
            blank = text.isna() | (text == "") | text.str.upper().isin(["NA", "NAN"])
            values = pd.to_numeric(text.where(~blank), errors="coerce")
            bad = values.isna() & ~blank
        else:
            values = pd.to_numeric(column, errors="coerce")
            bad = values.isna() & column.notna()
            blank = column.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DidInputError(
                f"{path}:{row + first_row}:{name}: {column.iloc[row]!r} is not a number"
            )
        if name in (unit, time) and blank.any():
            row = int(np.flatnonzero(blank.to_numpy())[0])
            raise DidInputError(f"{path}:{row + first_row}:{name}: empty ({name} is required)")
        result[name] = values.astype(np.float64)
    return result


@dataclass
class _Panel:
    """The panel after R ``did``'s preprocessing, as arrays indexed by unit and period."""

    periods: Array  # sorted periods (tlist)
    groups: Array  # cohorts with ATT(g,t) to estimate (glist)
    unit_cohort: Array  # per unit; 0 = never treated (or treated after the last period)
    unit_ids: Array
    unit_cluster: NDArray[np.intp] | None
    row_unit: NDArray[np.intp]
    row_period: NDArray[np.intp]
    y: Array
    x: Array  # rows × k, first column the intercept
    balanced: bool
    dropped_units: int
    notes: list[str]


def _prepare(
    frame: pd.DataFrame,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    covariates: Sequence[str],
    cluster: str | None,
    settings: DidSettings,
) -> _Panel:
    notes: list[str] = []
    names = list(dict.fromkeys([unit, time, cohort, outcome, *covariates]))
    if cluster is not None and cluster not in names:
        names.append(cluster)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise DidInputError(f"column(s) {', '.join(map(repr, missing))} not in the panel")
    data = pd.DataFrame({name: pd.to_numeric(frame[name], errors="raise") for name in names})
    data[cohort] = data[cohort].fillna(0.0)
    if data[[unit, time]].isna().any().any():
        raise DidInputError(f"{unit!r} and {time!r} must not be empty")
    if (data[cohort] < 0).any():
        raise DidInputError(f"{cohort!r} must be 0 (never treated) or the first treated period")
    if cluster is not None and data[cluster].isna().any():
        raise DidInputError(f"cluster column {cluster!r} has empty values")
    unit_code, unit_value = pd.factorize(data[unit])
    # Cohort and cluster are properties of a unit: they must not change over time.
    for name in [cohort] + ([cluster] if cluster is not None else []):
        values = data[name].to_numpy(np.float64)
        per_unit = np.empty(unit_value.size)
        per_unit[unit_code] = values
        changes = np.flatnonzero(per_unit[unit_code] != values)
        if changes.size:
            raise DidInputError(
                f"{name!r} changes over time for unit {unit_value[unit_code[changes[0]]]:g}; "
                "it must be constant within a unit"
            )
    time_code, time_value = pd.factorize(data[time])
    cell = unit_code.astype(np.int64) * time_value.size + time_code
    if np.bincount(cell).max() > 1:
        row = int(np.flatnonzero(pd.Series(cell).duplicated().to_numpy())[0])
        raise DidInputError(
            f"unit {data[unit].iloc[row]:g} appears more than once in period "
            f"{data[time].iloc[row]:g}"
        )
    complete = data[[outcome, *covariates]].notna().all(axis=1)
    if not complete.all():
        notes.append(f"{int((~complete).sum())} rows with a missing outcome or covariate dropped")
        data = data[complete]
    if data.empty:
        raise DidInputError("no rows with an outcome")

    anticipation = float(settings.anticipation)
    periods = np.sort(data[time].unique())
    # Cohorts first treated after the last period (net of anticipation) are never treated here.
    data.loc[data[cohort] > periods[-1] + anticipation, cohort] = 0.0
    last_cohort: float | None = None
    if not (data[cohort] == 0).any():
        # No never-treated units: R ``did`` uses the last cohort as the comparison group and
        # drops the periods from its treatment on.
        last_cohort = float(data[cohort].max())
        data = data[data[time] < last_cohort - anticipation]
        if settings.control == "never":
            data.loc[data[cohort] == last_cohort, cohort] = 0.0
        notes.append(
            f"no never-treated units: cohort {last_cohort:g} serves as comparison group, "
            f"periods from {last_cohort - anticipation:g} on are dropped"
        )
        if data.empty:
            raise DidInputError("no period before the last cohort's treatment remains")
        periods = np.sort(data[time].unique())
    first_treated = (data[cohort] > 0) & (data[cohort] <= periods[0] + anticipation)
    dropped = int(data.loc[first_treated, unit].nunique())
    if dropped:
        notes.append(f"{dropped} units treated in the first period dropped")
        data = data[~first_treated]
    periods = np.sort(data[time].unique())
    groups = np.sort(data.loc[data[cohort] > 0, cohort].unique())
    if last_cohort is not None and settings.control == "notyet":
        groups = groups[groups < last_cohort]
    if groups.size == 0:
        raise DidInputError("no treated cohort with a pre-treatment period to estimate")
    if periods.size < 2:
        raise DidInputError("the panel needs at least two periods")

    unit_ids, row_unit = np.unique(data[unit].to_numpy(), return_inverse=True)
    row_period = np.searchsorted(periods, data[time].to_numpy())
    balanced = len(data) == unit_ids.size * periods.size
    if not balanced and settings.balance:
        counts = np.bincount(row_unit, minlength=unit_ids.size)
        complete_units = counts == periods.size
        incomplete = int((~complete_units).sum())
        notes.append(f"{incomplete} units not observed in every period dropped (balanced)")
        dropped += incomplete
        data = data[complete_units[row_unit]]
        unit_ids, row_unit = np.unique(data[unit].to_numpy(), return_inverse=True)
        row_period = np.searchsorted(periods, data[time].to_numpy())
        balanced = True
        groups = groups[np.isin(groups, data[cohort].unique())]
        if groups.size == 0:
            raise DidInputError("no treated cohort left after balancing the panel")
    unit_cohort = np.zeros(unit_ids.size)
    unit_cohort[row_unit] = data[cohort].to_numpy()
    unit_cluster: NDArray[np.intp] | None = None
    if cluster is not None and cluster != unit:
        per_unit = np.zeros(unit_ids.size)
        per_unit[row_unit] = data[cluster].to_numpy()
        unit_cluster = np.unique(per_unit, return_inverse=True)[1].astype(np.intp)
    x = np.column_stack([np.ones(len(data)), data[list(covariates)].to_numpy(np.float64)])
    return _Panel(
        periods=periods.astype(np.float64),
        groups=groups.astype(np.float64),
        unit_cohort=unit_cohort,
        unit_ids=unit_ids.astype(np.float64),
        unit_cluster=unit_cluster,
        row_unit=row_unit.astype(np.intp),
        row_period=row_period.astype(np.intp),
        y=data[outcome].to_numpy(np.float64),
        x=x,
        balanced=balanced,
        dropped_units=dropped,
        notes=notes,
    )


# -- ATT(g,t) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CellPlan:
    group: float
    current: int  # period index of t
    base: int  # period index of the base period
    zero: bool  # universal base period: the base cell itself, ATT = 0 by construction


def _small_cohort_notes(
    panel: _Panel, plans: Sequence[_CellPlan], pre: NDArray[np.bool_]
) -> list[str]:
    """Warn where a cohort has few units for its pre-treatment cells.

    The pre-test's covariance block of a cohort is estimated from its own few members: with n
    units and k pre-treatment cells the Wald statistic behaves like Hotelling's T², not χ²(k),
    and over-rejects badly unless n is several times k (docs/evaluation.md measures it).
    """
    notes = []
    cells: dict[float, int] = {}
    for plan, is_pre in zip(plans, pre, strict=True):
        if is_pre:
            cells[plan.group] = cells.get(plan.group, 0) + 1
    for group, k in sorted(cells.items()):
        n = int(np.count_nonzero(panel.unit_cohort == group))
        if n < 3 * k:
            notes.append(
                f"cohort {group:g} has {n} units for {k} pre-treatment cells: the pre-test's "
                "p-value is unreliable (too small: it over-rejects); read the event study's "
                "pre-treatment estimates and their bands instead"
            )
    return notes


def _plan(panel: _Panel, settings: DidSettings) -> list[_CellPlan]:
    """Which (g,t) cells and base periods R ``did``'s ``compute.att_gt`` uses."""
    periods = panel.periods
    anticipation = float(settings.anticipation)
    universal = settings.base_period == "universal"
    plans = []
    for g in panel.groups:
        last_pre = int(np.flatnonzero(periods + anticipation < g)[-1])
        for current in range(0 if universal else 1, periods.size):
            base = last_pre if universal or g <= periods[current] else current - 1
            plans.append(_CellPlan(float(g), current, base, universal and base == current))
    return plans


def _comparison(panel: _Panel, plan: _CellPlan, settings: DidSettings) -> NDArray[np.bool_]:
    cohort = panel.unit_cohort
    if settings.control == "never":
        result: NDArray[np.bool_] = cohort == 0
        return result
    later = max(panel.periods[plan.current], panel.periods[plan.base])
    threshold = later + float(settings.anticipation)
    result = (cohort == 0) | ((cohort > threshold) & (cohort != plan.group))
    return result


class _BalancedCells:
    """ATT(g,t) on a balanced panel: the outcome and covariates as period × unit arrays (so one
    period's values are contiguous)."""

    def __init__(self, panel: _Panel, settings: DidSettings) -> None:
        n, periods = panel.unit_ids.size, panel.periods.size
        self.y = np.empty((periods, n))
        self.y[panel.row_period, panel.row_unit] = panel.y
        self.x = np.empty((periods, n, panel.x.shape[1]))
        self.x[panel.row_period, panel.row_unit] = panel.x
        self.estimator = estimators.PANEL_ESTIMATORS[settings.method]

    def estimate(
        self, plan: _CellPlan, treated: NDArray[np.bool_], used: NDArray[np.bool_]
    ) -> tuple[float, Array]:
        n = used.size
        dy = self.y[plan.current][used] - self.y[plan.base][used]
        x = self.x[min(plan.current, plan.base)][used]
        d = treated[used].astype(np.float64)
        att, influence = self.estimator(dy, d, x)
        full = np.zeros(n)
        full[used] = influence * (n / influence.size)
        return att, full


class _UnbalancedCells:
    """ATT(g,t) on an unbalanced panel with the repeated-cross-section estimators (R ``did``)."""

    def __init__(self, panel: _Panel, settings: DidSettings) -> None:
        self.panel = panel
        order = np.argsort(panel.row_period, kind="stable")
        bounds = np.searchsorted(panel.row_period[order], np.arange(panel.periods.size + 1))
        self.rows_at = [order[bounds[i] : bounds[i + 1]] for i in range(panel.periods.size)]
        self.estimator = estimators.RC_ESTIMATORS[settings.method]

    def estimate(
        self, plan: _CellPlan, treated: NDArray[np.bool_], used: NDArray[np.bool_]
    ) -> tuple[float, Array]:
        panel = self.panel
        rows = np.concatenate([self.rows_at[plan.current], self.rows_at[plan.base]])
        rows = rows[used[panel.row_unit[rows]]]
        units = panel.row_unit[rows]
        post = (panel.row_period[rows] == plan.current).astype(np.float64)
        d = treated[units].astype(np.float64)
        att, influence = self.estimator(panel.y[rows], post, d, panel.x[rows])
        n = used.size
        full: Array = np.asarray(
            np.bincount(units, weights=influence * (n / rows.size), minlength=n), dtype=np.float64
        )
        return att, full


def _att_gt(
    panel: _Panel, settings: DidSettings, progress: Progress | None
) -> tuple[list[_CellPlan], Array, Array, list[str]]:
    plans = _plan(panel, settings)
    n = panel.unit_ids.size
    influence = np.zeros((n, len(plans)), order="F")  # one contiguous column per cell
    att = np.zeros(len(plans))
    notes: list[str] = []
    cells: _BalancedCells | _UnbalancedCells = (
        _BalancedCells(panel, settings) if panel.balanced else _UnbalancedCells(panel, settings)
    )
    for index, plan in enumerate(plans):
        if progress is not None:
            progress(index, len(plans))
        if plan.zero:
            continue
        treated = panel.unit_cohort == plan.group
        used = treated | _comparison(panel, plan, settings)
        try:
            att[index], influence[:, index] = cells.estimate(plan, treated, used)
        except estimators.CellError as error:
            att[index] = np.nan
            influence[:, index] = 0.0
            notes.append(
                f"ATT({plan.group:g},{panel.periods[plan.current]:g}) not estimated: {error}"
            )
    if progress is not None:
        progress(len(plans), len(plans))
    return plans, att, influence, notes


# -- aggregations (R ``did``'s ``compute.aggte``) ----------------------------------------------


@dataclass(frozen=True)
class _Column:
    """An aggregated estimate; its influence function is ``cells @ IF_cells + codes[unit_code]``.

    Every aggregated influence function is a linear combination of the ATT(g,t) influence
    functions and of cohort-membership indicators (the estimated-weights term, R's ``wif``), so
    it is kept as coefficients over that small basis: the bootstrap then multiplies the draws by
    the basis once instead of by every aggregated column.
    """

    key: float
    att: float
    cells: Array  # coefficients over the ATT(g,t) cells (all plans, NaN cells get 0)
    codes: Array  # coefficients over the cohort codes (glist, then "not in an estimated cohort")


class _Aggregator:
    def __init__(self, panel: _Panel, plans: list[_CellPlan], att: Array):
        self.ok = np.flatnonzero(np.isfinite(att))
        self.n_cells = len(plans)
        self.group = np.array([p.group for p in plans])[self.ok]
        self.time = np.array([panel.periods[p.current] for p in plans])[self.ok]
        self.att = att[self.ok]
        n = panel.unit_ids.size
        self.glist = panel.groups
        self.n_codes = self.glist.size + 1
        cohort_code = np.searchsorted(self.glist, panel.unit_cohort)
        matches = (cohort_code < self.glist.size) & (
            self.glist[np.minimum(cohort_code, self.glist.size - 1)] == panel.unit_cohort
        )
        # Units outside every estimated cohort get the extra last code (never equal to a group).
        self.unit_code = np.where(matches, cohort_code, self.glist.size).astype(np.intp)
        counts = np.bincount(self.unit_code, minlength=self.n_codes)
        self.pgg = counts[: self.glist.size] / n  # share of units in each cohort
        self.pg = self.pgg[np.searchsorted(self.glist, self.group)]

    def _cells(self, which: NDArray[np.bool_], weights: Array) -> Array:
        full = np.zeros(self.n_cells)
        full[self.ok[which]] = weights
        return full

    def _weight_codes(self, codes: NDArray[np.intp], pg: Array, att: Array) -> Array:
        """Influence of estimating the cohort-share weights (R's ``wif``) times ``att``, as
        coefficients per cohort code: (1{G=g_k} - pg_k)/S weighted by att, minus the effect of
        estimating the denominator S = sum(pg_k)."""
        total = pg.sum()
        per_code_att = np.bincount(codes, weights=att, minlength=self.n_codes)
        per_code_count = np.bincount(codes, minlength=self.n_codes).astype(np.float64)
        weighted = float(pg @ att)
        result: Array = (per_code_att - weighted) / total - (
            per_code_count - total
        ) * weighted / total**2
        return result

    def _weighted(self, which: NDArray[np.bool_], key: float) -> _Column:
        pg = self.pg[which]
        weights = pg / pg.sum()
        att = self.att[which]
        codes = np.searchsorted(self.glist, self.group[which])
        return _Column(
            key,
            float(weights @ att),
            self._cells(which, weights),
            self._weight_codes(codes, pg, att),
        )

    @staticmethod
    def _mean(rows: list[_Column]) -> _Column:
        return _Column(
            float("nan"),
            float(np.mean([row.att for row in rows])),
            np.mean([row.cells for row in rows], axis=0),
            np.mean([row.codes for row in rows], axis=0),
        )

    def simple(self) -> _Column:
        return self._weighted(self.group <= self.time, float("nan"))

    def dynamic(self) -> tuple[_Column, list[_Column]]:
        event = self.time - self.group
        rows = [self._weighted(event == e, float(e)) for e in np.unique(event)]
        return self._mean([row for row in rows if row.key >= 0]), rows

    def by_group(self) -> tuple[_Column, list[_Column]]:
        rows, shares = [], []
        for index, g in enumerate(self.glist):
            which = (self.group == g) & (self.time >= g)
            if not which.any():
                continue
            weights = self.pg[which] / self.pg[which].sum()
            rows.append(
                _Column(
                    float(g),
                    float(self.att[which].mean()),
                    self._cells(which, weights),
                    np.zeros(self.n_codes),
                )
            )
            shares.append(index)
        pgg = self.pgg[shares]
        share = pgg / pgg.sum()
        att = np.array([row.att for row in rows])
        cells = np.column_stack([row.cells for row in rows]) @ share
        codes = self._weight_codes(np.asarray(shares, dtype=np.intp), pgg, att)
        return _Column(float("nan"), float(share @ att), cells, codes), rows

    def calendar(self) -> tuple[_Column, list[_Column]]:
        post = self.group <= self.time
        periods = np.unique(self.time[post])
        rows = [self._weighted(post & (self.time == t), float(t)) for t in periods]
        return self._mean(rows), rows


# -- the estimator ---------------------------------------------------------------------------


def estimate(
    frame: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    settings: DidSettings | None = None,
    progress: Progress | None = None,
) -> DidResult:
    """Estimate every ATT(g,t), the simple, dynamic, group and calendar aggregations and the
    parallel-trends pre-test from a long panel (one row per unit and period).

    ``cohort`` holds the first treated period (0 or empty: never treated). Standard errors are
    analytic (influence functions) unless ``settings.bootstrap`` > 0.
    """
    settings = settings or DidSettings()
    if settings.control not in ("never", "notyet"):
        raise DidInputError(f"unknown comparison group {settings.control!r}: use never or notyet")
    if settings.method not in ("dr", "ipw", "reg"):
        raise DidInputError(f"unknown method {settings.method!r}: use dr, ipw or reg")
    if settings.base_period not in ("varying", "universal"):
        raise DidInputError(f"unknown base period {settings.base_period!r}")
    if settings.anticipation < 0:
        raise DidInputError("anticipation must be 0 or more")
    if settings.bootstrap < 0:
        raise DidInputError("the number of bootstrap draws must be 0 or more")
    if not 0 < settings.alpha < 1:
        raise DidInputError("alpha must be between 0 and 1")
    if cluster is not None and settings.bootstrap == 0 and cluster != unit:
        raise DidInputError(
            "clustered standard errors need the multiplier bootstrap: set the number of "
            "bootstrap draws (R did does not cluster analytic standard errors either)"
        )
    panel = _prepare(frame, unit, time, cohort, outcome, covariates, cluster, settings)
    plans, att, influence, cell_notes = _att_gt(panel, settings, progress)
    n = panel.unit_ids.size
    aggregator = _Aggregator(panel, plans, att)
    if aggregator.att.size == 0:
        raise DidInputError("no ATT(g,t) could be estimated: " + "; ".join(cell_notes))
    simple = aggregator.simple()
    dynamic, dynamic_rows = aggregator.dynamic()
    group, group_rows = aggregator.by_group()
    calendar, calendar_rows = aggregator.calendar()

    blocks = {
        "simple": [simple],
        "dynamic": [dynamic],
        "dynamic_by": dynamic_rows,
        "group": [group],
        "group_by": group_rows,
        "calendar": [calendar],
        "calendar_by": calendar_rows,
    }
    # Coefficients of every reported column over the basis [cell IFs, cohort indicators].
    n_cells, n_codes = len(plans), aggregator.n_codes
    coefficient_columns = [np.vstack([np.eye(n_cells), np.zeros((n_codes, n_cells))])]
    spans: dict[str, NDArray[np.intp]] = {"cells": np.arange(n_cells, dtype=np.intp)}
    start = n_cells
    for name, items in blocks.items():
        coefficient_columns.append(
            np.column_stack([np.concatenate([item.cells, item.codes]) for item in items])
        )
        spans[name] = np.arange(start, start + len(items), dtype=np.intp)
        start += len(items)
    coefficients = np.concatenate(coefficient_columns, axis=1)
    basis = np.empty((n, n_cells + n_codes), order="F")
    basis[:, :n_cells] = influence
    basis[:, n_cells:] = np.eye(n_codes)[aggregator.unit_code]

    z = float(stats.norm.ppf(1 - settings.alpha / 2))
    boot: Bootstrap | None = None
    if settings.bootstrap > 0:
        boot = multiplier_bootstrap(
            basis, coefficients, settings.bootstrap, settings.seed, panel.unit_cluster
        )
        se = boot.se()
    else:
        se = analytic_se(basis, coefficients)
    n_clusters = boot.n_clusters if boot is not None else n

    def band(name: str) -> float:
        if boot is None:
            return z
        cols = spans[name]
        crit = boot.critical_value(cols, settings.alpha)
        # R falls back to pointwise intervals when the band is narrower or undefined.
        return crit if np.isfinite(crit) and crit >= z else z

    cell_crit = band("cells")
    cells = []
    for index, plan in enumerate(plans):
        value, error = float(att[index]), float(se[index])
        if plan.zero:
            error = float("nan")
        cells.append(
            Cell(
                group=plan.group,
                time=float(panel.periods[plan.current]),
                att=value,
                se=error,
                ci_low=value - cell_crit * error,
                ci_high=value + cell_crit * error,
                post=bool(plan.group <= panel.periods[plan.current]),
            )
        )

    def build(name: str, overall: _Column, rows: list[_Column] | None) -> Aggregate:
        overall_se = float(se[spans[name][0]])
        by: tuple[AggregateRow, ...] = ()
        crit = float("nan")
        if rows is not None:
            crit = band(name + "_by")
            by = tuple(
                AggregateRow(
                    row.key,
                    row.att,
                    float(se[col]),
                    row.att - crit * float(se[col]),
                    row.att + crit * float(se[col]),
                )
                for row, col in zip(rows, spans[name + "_by"], strict=True)
            )
        return Aggregate(
            att=overall.att,
            se=overall_se,
            ci_low=overall.att - z * overall_se,
            ci_high=overall.att + z * overall_se,
            by=by,
            critical_value=crit,
        )

    # Pre-test: all pre-treatment ATT(g,t) with a usable analytic SE (R drops the others).
    analytic = se[: len(plans)] if boot is None else analytic_se(influence, np.eye(n_cells))
    pre = np.array(
        [
            plan.group > panel.periods[plan.current]
            and np.isfinite(att[i])
            and np.isfinite(analytic[i])
            for i, plan in enumerate(plans)
        ],
        dtype=bool,
    )
    test = wald_pretest(att[pre], influence[:, pre])
    pretest_notes = _small_cohort_notes(panel, plans, pre) if test else []
    return DidResult(
        cells=tuple(cells),
        simple=build("simple", simple, None),
        dynamic=build("dynamic", dynamic, dynamic_rows),
        group=build("group", group, group_rows),
        calendar=build("calendar", calendar, calendar_rows),
        pretest_statistic=test.statistic if test else float("nan"),
        pretest_df=test.df if test else 0,
        pretest_p=test.p_value if test else float("nan"),
        critical_value=cell_crit,
        n_units=n,
        n_clusters=n_clusters,
        balanced=panel.balanced,
        dropped_units=panel.dropped_units,
        settings=settings,
        notes=tuple(panel.notes + cell_notes + pretest_notes),
    )
