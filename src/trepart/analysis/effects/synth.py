"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010, 2011).

One treated unit, a donor pool of untreated units, a panel of outcome and predictor values.
The synthetic control is the donor mix W (w >= 0, sum 1) whose predictors are closest to the
treated unit's before treatment; the effect at time t is the gap Y_treated(t) - sum_j w_j Y_j(t).

The estimator follows R ``Synth`` (``dataprep`` + ``synth``) definition by definition, so that
it reproduces published ``Synth`` results (the Basque Country: Cataluña 0.851, Madrid 0.149):

- a predictor is the mean of a variable over a period, skipping missing values (``na.rm``);
- each predictor row of X = [X1, X0] is divided by its standard deviation (n - 1) across the
  treated unit and the donors (no centring);
- for predictor weights V (non-negative, normalised to sum 1, parametrised as |p| / sum |p|),
  W(V) solves min (X1 - X0 W)' V (X1 - X0 W) on the simplex — exactly (``_synth_qp``);
- V minimises the outcome loss over the optimisation period,
  loss_v = (Z1 - Z0 W(V))' (Z1 - Z0 W(V)) / T, searched by Nelder–Mead and BFGS as R ``optim``
  runs them (``_synth_optim``), from equal weights and from the regression-based start
  diag(B B') of ``Synth`` (B: the slopes of each optimisation-period outcome on the scaled
  predictors, across units); the lowest loss wins (ties: the regression start, the first
  method, as in ``Synth``). With one predictor V = 1.

The problem is not convex: other starts can find lower pre-period losses with other weights.
Following ``Synth``'s starts and searches is a choice for reproducibility, documented in
docs/effects-synth.md.
Computation runs with the donors in an order fixed by their data, so the result does not
depend on the file's row order or on whether units are given by name or by number.

Inference is by in-space placebos (Abadie, Diamond & Hainmueller 2010, section 4): every donor
in turn is treated as if it were treated, with the remaining donors as its pool; the
permutation p-value is the share of all units (the treated one included) whose post/pre RMSPE
ratio is at least the treated unit's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from trepart.analysis.effects._synth_optim import Minimum, bfgs, nelder_mead
from trepart.analysis.effects._synth_qp import simplex_weights

__all__ = [
    "OptimizerRun",
    "PlaceboRun",
    "PlaceboTest",
    "Predictor",
    "SynthError",
    "SynthPanel",
    "SynthResult",
    "gaps_plot_data",
    "placebo_test",
    "prepare",
    "read_panel",
    "scale_predictors",
    "synth",
]

Progress = Callable[[int, int], None]
Array = NDArray[np.float64]

_NUMBER = r"-?\d+(?:\.\d+)?"
_PERIOD = re.compile(rf"^({_NUMBER})(?:-({_NUMBER}))?$")


class SynthError(ValueError):
    """Input the synthetic control cannot use; the message says what and where."""


def _format_time(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _plain_time(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


@dataclass(frozen=True)
class Predictor:
    """The mean of ``variable`` over ``start``–``end`` (missing values skipped).

    ``start`` and ``end`` None: the whole pre-treatment period. ``label`` is the specification
    as written (``gdpcap:1960-1969``), used as the predictor's name in results.
    """

    variable: str
    start: float | None
    end: float | None
    label: str

    @classmethod
    def parse(cls, spec: str) -> Predictor:
        """``VAR``, ``VAR:FROM`` (one period) or ``VAR:FROM-TO`` (inclusive)."""
        text = spec.strip()
        if not text:
            raise SynthError("an empty predictor: use VAR, VAR:FROM or VAR:FROM-TO")
        variable, colon, period = text.rpartition(":")
        if not colon:
            return cls(text, None, None, spec)
        match = _PERIOD.match(period.strip())
        if not variable or match is None:
            raise SynthError(
                f"predictor {spec!r}: the period must be FROM or FROM-TO in the time column's "
                "units, e.g. gdpcap:1960-1969"
            )
        start = float(match.group(1))
        end = float(match.group(2)) if match.group(2) is not None else start
        if end < start:
            raise SynthError(f"predictor {spec!r}: the period ends before it starts")
        return cls(variable, start, end, spec)


@dataclass(frozen=True)
class SynthPanel:
    """A panel ready for synthetic controls: predictor means and outcomes by unit.

    ``units`` are the treated unit followed by the donor pool (unit labels as strings);
    ``x`` holds one row per predictor and one column per unit; ``outcomes`` one row per time
    (``times``, sorted) and one column per unit, NaN where missing.
    """

    units: tuple[str, ...]
    predictors: tuple[Predictor, ...]
    x: Array
    times: tuple[float, ...]
    outcomes: Array
    treatment_time: float
    optimize_times: tuple[float, ...]
    outcome: str

    @property
    def treated(self) -> str:
        return self.units[0]

    @property
    def donors(self) -> tuple[str, ...]:
        return self.units[1:]


@dataclass(frozen=True)
class OptimizerRun:
    """One search for V: its start ("equal" or "regression"), method and the loss it reached."""

    start: str
    method: str
    loss: float
    evaluations: int
    converged: bool


@dataclass(frozen=True)
class SynthResult:
    """A fitted synthetic control.

    Outcomes and gaps are in the outcome's unit; ``loss_v`` is the mean squared gap over the
    optimisation period (R ``Synth``'s "MSPE (LOSS V)"); ``loss_w`` the V-weighted squared
    distance of the scaled predictors; RMSPE = sqrt(mean squared gap) over all times before
    (``rmspe_pre``) and from (``rmspe_post``) the treatment time; ``ratio`` = post / pre.
    """

    treated: str
    donors: tuple[str, ...]
    weights: tuple[float, ...]
    predictors: tuple[Predictor, ...]
    v: tuple[float, ...]
    treated_predictors: tuple[float, ...]
    synthetic_predictors: tuple[float, ...]
    donor_mean_predictors: tuple[float, ...]
    times: tuple[float, ...]
    treated_outcome: tuple[float, ...]
    synthetic_outcome: tuple[float, ...]
    treatment_time: float
    optimize_times: tuple[float, ...]
    loss_v: float
    loss_w: float
    rmspe_pre: float
    rmspe_post: float
    runs: tuple[OptimizerRun, ...] = field(default=())

    @property
    def gaps(self) -> tuple[float, ...]:
        return tuple(
            y - s for y, s in zip(self.treated_outcome, self.synthetic_outcome, strict=True)
        )

    @property
    def ratio(self) -> float:
        return self.rmspe_post / self.rmspe_pre if self.rmspe_pre > 0 else math.inf

    @property
    def weight_by_donor(self) -> dict[str, float]:
        return dict(zip(self.donors, self.weights, strict=True))

    @property
    def mean_post_gap(self) -> float:
        """The mean gap over the times from the treatment time on (missing gaps skipped)."""
        post = [
            gap
            for time, gap in zip(self.times, self.gaps, strict=True)
            if time >= self.treatment_time and not math.isnan(gap)
        ]
        return float(np.mean(post)) if post else math.nan

    def to_dict(self) -> dict[str, object]:
        """The documented JSON shape (docs/effects-synth.md)."""
        return {
            "treated": self.treated,
            "treatment_time": _plain_time(self.treatment_time),
            "donors": list(self.donors),
            "weights": {unit: float(w) for unit, w in zip(self.donors, self.weights, strict=True)},
            "v": {p.label: float(v) for p, v in zip(self.predictors, self.v, strict=True)},
            "predictors": [
                {
                    "predictor": p.label,
                    "variable": p.variable,
                    "treated": _json_number(t),
                    "synthetic": _json_number(s),
                    "donor_mean": _json_number(m),
                    "v": float(v),
                }
                for p, t, s, m, v in zip(
                    self.predictors,
                    self.treated_predictors,
                    self.synthetic_predictors,
                    self.donor_mean_predictors,
                    self.v,
                    strict=True,
                )
            ],
            "optimize_period": [
                _plain_time(self.optimize_times[0]),
                _plain_time(self.optimize_times[-1]),
            ],
            "loss_v": self.loss_v,
            "loss_w": self.loss_w,
            "rmspe_pre": self.rmspe_pre,
            "rmspe_post": _json_number(self.rmspe_post),
            "ratio": _json_number(self.ratio),
            "mean_post_gap": _json_number(self.mean_post_gap),
            "effects": [
                {
                    "time": _plain_time(t),
                    "treated": _json_number(y),
                    "synthetic": _json_number(s),
                    "gap": _json_number(y - s),
                }
                for t, y, s in zip(
                    self.times, self.treated_outcome, self.synthetic_outcome, strict=True
                )
            ],
            "optimizer": [
                {
                    "start": run.start,
                    "method": run.method,
                    "loss": run.loss,
                    "evaluations": run.evaluations,
                    "converged": run.converged,
                }
                for run in self.runs
            ],
        }


def _json_number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True)
class PlaceboRun:
    """A donor treated as if it were treated: its fit statistics, or why it could not run."""

    unit: str
    rmspe_pre: float
    rmspe_post: float
    ratio: float
    gaps: tuple[float, ...]
    error: str | None = None


@dataclass(frozen=True)
class PlaceboTest:
    """In-space placebo inference (Abadie, Diamond & Hainmueller 2010).

    ``p_value`` = (1 + number of placebos whose post/pre RMSPE ratio is at least the treated
    unit's) / (1 + number of placebos), over the placebos that ran and were not filtered out:
    with ``max_pre_mspe_ratio`` = k, placebos whose pre-treatment MSPE exceeds k times the
    treated unit's are left out (Abadie et al. 2010 show k = 20, 5 and 2). ``rank`` is the
    treated unit's place when all compared units are sorted by ratio, largest first.
    """

    treated: SynthResult
    runs: tuple[PlaceboRun, ...]
    max_pre_mspe_ratio: float | None

    def compared(self) -> tuple[PlaceboRun, ...]:
        """The placebos that count: run without error, with a ratio (not NaN for want of
        outcomes), and within the pre-fit filter."""
        kept = [run for run in self.runs if run.error is None and not math.isnan(run.ratio)]
        if self.max_pre_mspe_ratio is not None:
            limit = self.max_pre_mspe_ratio * self.treated.rmspe_pre**2
            kept = [run for run in kept if run.rmspe_pre**2 <= limit]
        return tuple(kept)

    def compared_units(self) -> set[str]:
        return {run.unit for run in self.compared()}

    @property
    def rank(self) -> int:
        return 1 + sum(1 for run in self.compared() if run.ratio >= self.treated.ratio)

    @property
    def p_value(self) -> float:
        return self.rank / (1 + len(self.compared()))

    def to_dict(self) -> dict[str, object]:
        compared = self.compared()
        compared_units = {run.unit for run in compared}
        return {
            "p_value": self.p_value,
            "rank": self.rank,
            "units_compared": 1 + len(compared),
            "max_pre_mspe_ratio": self.max_pre_mspe_ratio,
            "treated_ratio": _json_number(self.treated.ratio),
            "units": [
                {
                    "unit": run.unit,
                    "rmspe_pre": _json_number(run.rmspe_pre),
                    "rmspe_post": _json_number(run.rmspe_post),
                    "ratio": _json_number(run.ratio),
                    "compared": run.unit in compared_units,
                    "error": run.error,
                }
                for run in self.runs
            ],
        }


# -- reading and preparing the panel ----------------------------------------------------------


def read_panel(path: Path) -> pd.DataFrame:
    """Read a panel from a .csv or .parquet file (by extension)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SynthError(f"{path}: no such file")
    try:
        if suffix == ".csv":
            return pd.read_csv(path)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (ValueError, OSError) as error:
        raise SynthError(f"{path}: cannot read it: {error}") from None
    raise SynthError(f"{path}: unknown file type {suffix!r}: use .csv or .parquet")


def _unit_labels(column: pd.Series) -> pd.Series:
    """Unit values as strings; whole numbers stored as floats (17.0) become "17"."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype(float)
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 1
            raise SynthError(f"row {row}, column {column.name!r}: the unit is missing")
        if bool((values == values.round()).all()):
            return values.astype("int64").astype(str)
        return values.map(repr)
    labels = column.astype("string")
    if labels.isna().any():
        row = int(np.flatnonzero(labels.isna().to_numpy())[0]) + 1
        raise SynthError(f"row {row}, column {column.name!r}: the unit is missing")
    return labels.astype(str)


def _unit_key(value: str, labels: Iterable[str], numeric: bool) -> str | None:
    known = set(labels)
    if value in known:
        return value
    if numeric:
        try:
            number = float(value)
        except ValueError:
            return None
        key = str(int(number)) if number.is_integer() else repr(number)
        return key if key in known else None
    return None


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    converted = pd.to_numeric(values, errors="coerce")
    bad = converted.isna() & values.notna() & (values.astype("string").str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SynthError(f"row {row + 1}, column {column!r}: {values.iloc[row]!r} is not a number")
    return converted.astype(float)


def prepare(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treatment_time: float,
    predictors: Sequence[Predictor | str],
    exclude: Sequence[str] = (),
    optimize_period: tuple[float, float] | None = None,
) -> SynthPanel:
    """Check the panel and compute the predictor means and outcome matrix.

    Every unit but ``treated`` and ``exclude`` is a donor. Rows are numbered from 1 (the first
    data row) in error messages.
    """
    specs = tuple(p if isinstance(p, Predictor) else Predictor.parse(p) for p in predictors)
    if not specs:
        raise SynthError("give at least one predictor")
    labels = [p.label for p in specs]
    duplicated = sorted({label for label in labels if labels.count(label) > 1})
    if duplicated:
        raise SynthError(f"predictor {duplicated[0]!r} is given twice")
    needed = [unit, time, outcome, *(p.variable for p in specs)]
    missing = [column for column in dict.fromkeys(needed) if column not in panel.columns]
    if missing:
        raise SynthError(
            f"no column {missing[0]!r} in the data (columns: {', '.join(map(str, panel.columns))})"
        )
    if len(panel) == 0:
        raise SynthError("the data has no rows")
    unit_numeric = pd.api.types.is_numeric_dtype(panel[unit]) and not pd.api.types.is_bool_dtype(
        panel[unit]
    )
    units = _unit_labels(panel[unit])
    times = _numeric(panel, time)
    if times.isna().any():
        row = int(np.flatnonzero(times.isna().to_numpy())[0]) + 1
        raise SynthError(f"row {row}, column {time!r}: the time is missing")
    frame = pd.DataFrame({"unit": units.to_numpy(), "time": times.to_numpy()})
    duplicate = frame.duplicated(["unit", "time"])
    if duplicate.any():
        row = int(np.flatnonzero(duplicate.to_numpy())[0])
        raise SynthError(
            f"row {row + 1}: unit {frame['unit'].iloc[row]} has a second row for time "
            f"{_format_time(frame['time'].iloc[row])}"
        )
    columns = {outcome: _numeric(panel, outcome)}
    for p in specs:
        if p.variable not in columns:
            columns[p.variable] = _numeric(panel, p.variable)
    for name, values in columns.items():
        frame[f"v:{name}"] = values.to_numpy()

    all_units = list(dict.fromkeys(frame["unit"]))
    treated_key = _unit_key(str(treated), all_units, unit_numeric)
    if treated_key is None:
        raise SynthError(f"no unit {treated!r} in column {unit!r}")
    excluded: set[str] = set()
    for value in exclude:
        key = _unit_key(str(value), all_units, unit_numeric)
        if key is None:
            raise SynthError(f"no unit {value!r} in column {unit!r} (given to --exclude)")
        if key == treated_key:
            raise SynthError(f"the treated unit {value!r} cannot also be excluded")
        excluded.add(key)
    donors = [u for u in all_units if u != treated_key and u not in excluded]
    if len(donors) < 2:
        raise SynthError(
            f"too few donors: {len(donors)} unit(s) besides the treated and excluded ones; "
            "a synthetic control needs at least 2"
        )
    ordered_units = [treated_key, *_sorted_units(donors, unit_numeric)]

    all_times = sorted(set(frame["time"]))
    t0 = float(treatment_time)
    pre_times = [t for t in all_times if t < t0]
    if not pre_times or t0 > all_times[-1]:
        raise SynthError(
            f"the treatment time {_format_time(t0)} is outside the data's times "
            f"{_format_time(all_times[0])}–{_format_time(all_times[-1])}: there must be times "
            "before it and it must not be after the last"
        )

    if optimize_period is None:
        optimize_times = pre_times
    else:
        first, last = float(optimize_period[0]), float(optimize_period[1])
        if last < first:
            raise SynthError("the optimisation period ends before it starts")
        if last >= t0:
            raise SynthError(
                f"the optimisation period {_format_time(first)}–{_format_time(last)} must end "
                f"before the treatment time {_format_time(t0)}"
            )
        optimize_times = [t for t in all_times if first <= t <= last]
        if not optimize_times:
            raise SynthError(
                f"no times in the optimisation period {_format_time(first)}–{_format_time(last)}"
            )

    # Rows by time, so that the predictor means sum in the same order however the file is
    # sorted.
    frame = frame[frame["unit"].isin(ordered_units)].sort_values("time", kind="stable")
    outcomes = (
        frame.pivot(index="time", columns="unit", values=f"v:{outcome}")
        .reindex(index=all_times, columns=ordered_units)
        .to_numpy(dtype=float)
    )
    row_of = {t: i for i, t in enumerate(all_times)}
    for t in optimize_times:
        for j, u in enumerate(ordered_units):
            if math.isnan(outcomes[row_of[t], j]):
                raise SynthError(
                    f"unit {u} has no {outcome!r} for time {_format_time(t)}, which is in the "
                    "optimisation period"
                )

    x = np.empty((len(specs), len(ordered_units)))
    for i, p in enumerate(specs):
        start = p.start if p.start is not None else pre_times[0]
        end = p.end if p.end is not None else pre_times[-1]
        if end >= t0:
            raise SynthError(
                f"predictor {p.label!r}: its period must end before the treatment time "
                f"{_format_time(t0)}"
            )
        period = [t for t in all_times if start <= t <= end]
        if not period:
            raise SynthError(f"predictor {p.label!r}: no times in its period in the data")
        in_period = frame[(frame["time"] >= start) & (frame["time"] <= end)]
        means = in_period.groupby("unit")[f"v:{p.variable}"].mean()
        for j, u in enumerate(ordered_units):
            value = means.get(u, math.nan)
            if value is None or math.isnan(value):
                when = (
                    f"in {_format_time(start)}"
                    if start == end
                    else f"between {_format_time(start)} and {_format_time(end)}"
                )
                raise SynthError(
                    f"predictor {p.label!r}: unit {u} has no {p.variable!r} value {when}"
                )
            x[i, j] = float(value)
    return SynthPanel(
        units=tuple(ordered_units),
        predictors=specs,
        x=x,
        times=tuple(all_times),
        outcomes=outcomes,
        treatment_time=t0,
        optimize_times=tuple(optimize_times),
        outcome=outcome,
    )


def _sorted_units(units: list[str], numeric: bool) -> list[str]:
    if numeric:
        return sorted(units, key=float)
    return sorted(units)


# -- fitting ----------------------------------------------------------------------------------


def scale_predictors(x: Array) -> Array:
    """Each predictor row divided by its standard deviation (n - 1) across the units given
    (the treated unit and its donors), not centred — R ``Synth``'s normalisation."""
    divisor = x.std(axis=1, ddof=1)
    scaled: Array = x / divisor[:, None]
    return scaled


def _loss_function(x1: Array, x0: Array, z1: Array, z0: Array) -> Callable[[Array], float]:
    periods = len(z1)

    def loss(parameters: Array) -> float:
        magnitude = np.abs(parameters)
        total = float(magnitude.sum())
        if not total > 0 or not math.isfinite(total):
            return math.inf
        w = simplex_weights(x1, x0, magnitude / total)
        residual = z1 - z0 @ w
        return float(residual @ residual) / periods

    return loss


def _regression_start(x_scaled: Array, z: Array) -> Array | None:
    """``Synth``'s second start: diag(B B') normalised, B the slopes of Z on scaled X.

    None where R's ``solve`` would fail (a singular or computationally singular X'X).
    """
    design = np.column_stack([np.ones(x_scaled.shape[1]), x_scaled.T])
    gram = design.T @ design
    with np.errstate(all="ignore"):
        condition = np.linalg.cond(gram, 1)
    if not math.isfinite(condition) or condition * np.finfo(float).eps >= 1.0:
        return None
    slopes = np.linalg.solve(gram, design.T @ z.T)[1:]
    start = np.einsum("ij,ij->i", slopes, slopes)
    total = float(start.sum())
    if not total > 0 or not math.isfinite(total):
        return None
    normalised: Array = start / total
    return normalised


def _fit_v(x1: Array, x0: Array, z1: Array, z0: Array) -> tuple[Array, tuple[OptimizerRun, ...]]:
    k = len(x1)
    if k == 1:
        return np.ones(1), ()
    loss = _loss_function(x1, x0, z1, z0)
    starts: list[tuple[str, Array]] = [("equal", np.full(k, 1.0 / k))]
    regression = _regression_start(np.column_stack([x1, x0]), np.column_stack([z1, z0]))
    if regression is not None:
        starts.append(("regression", regression))
    runs: list[OptimizerRun] = []
    best: Minimum | None = None
    for name, start in starts:
        best_here: Minimum | None = None
        for method, search in (("Nelder-Mead", nelder_mead), ("BFGS", bfgs)):
            found = search(loss, start)
            runs.append(OptimizerRun(name, method, found.value, found.evaluations, found.converged))
            if best_here is None or found.value < best_here.value:
                best_here = found
        assert best_here is not None
        # Synth keeps the first start's result only if it is strictly better.
        if best is None or not best.value < best_here.value:
            best = best_here
    assert best is not None
    magnitude = np.abs(best.x)
    return magnitude / magnitude.sum(), tuple(runs)


def _rmspe(gaps: Array, mask: NDArray[np.bool_]) -> float:
    selected = gaps[mask & ~np.isnan(gaps)]
    return float(np.sqrt(np.mean(selected**2))) if selected.size else math.nan


def _canonical_order(data: SynthPanel, donors: Sequence[int], rows: list[int]) -> list[int]:
    """The donors sorted by their data (predictors, then optimisation-period outcomes; labels
    only to break exact ties).

    The V search is not convex, so rounding differences from a mere reordering of the donors
    (another sort order of the file, names instead of numbers as unit labels) could lead it to
    another local optimum; computing in an order fixed by the data makes the result depend on
    the data alone.
    """
    return sorted(
        donors,
        key=lambda j: (
            tuple(data.x[:, j]),
            tuple(data.outcomes[rows, j]),
            data.units[j],
        ),
    )


def _fit(data: SynthPanel, treated: int, donors: Sequence[int]) -> SynthResult:
    donors = list(donors)
    flat = [
        data.predictors[i].label
        for i in range(len(data.predictors))
        if np.ptp(data.x[i, donors]) == 0
    ]
    if flat:
        raise SynthError(
            f"predictor {flat[0]!r} has the same value for every donor of unit "
            f"{data.units[treated]}; leave it out"
        )
    rows = [data.times.index(t) for t in data.optimize_times]
    order = _canonical_order(data, donors, rows)
    scaled = scale_predictors(data.x[:, [treated, *order]])
    x1, x0 = scaled[:, 0], scaled[:, 1:]
    z = data.outcomes[rows][:, [treated, *order]]
    z1, z0 = z[:, 0], z[:, 1:]
    v, runs = _fit_v(x1, x0, z1, z0)
    w_canonical = simplex_weights(x1, x0, v)
    residual = z1 - z0 @ w_canonical
    loss_v = float(residual @ residual) / len(z1)
    distance = x1 - x0 @ w_canonical
    loss_w = float(distance @ (v * distance))
    weight_of = dict(zip(order, w_canonical, strict=True))
    w = np.array([weight_of[j] for j in donors])

    # Sums in the canonical order too, and over the donors with weight only, so that a
    # donor without an outcome at some time matters only if it is part of the mix.
    outcomes = data.outcomes[:, order]
    used = w_canonical > 0
    synthetic = outcomes[:, used] @ w_canonical[used]
    treated_outcome = data.outcomes[:, treated]
    gaps = treated_outcome - synthetic
    times = np.array(data.times)
    raw0 = data.x[:, order]
    return SynthResult(
        treated=data.units[treated],
        donors=tuple(data.units[j] for j in donors),
        weights=tuple(float(value) for value in w),
        predictors=data.predictors,
        v=tuple(float(value) for value in v),
        treated_predictors=tuple(float(value) for value in data.x[:, treated]),
        synthetic_predictors=tuple(float(value) for value in raw0 @ w_canonical),
        donor_mean_predictors=tuple(float(value) for value in raw0.mean(axis=1)),
        times=data.times,
        treated_outcome=tuple(float(value) for value in treated_outcome),
        synthetic_outcome=tuple(float(value) for value in synthetic),
        treatment_time=data.treatment_time,
        optimize_times=data.optimize_times,
        loss_v=loss_v,
        loss_w=loss_w,
        rmspe_pre=_rmspe(gaps, times < data.treatment_time),
        rmspe_post=_rmspe(gaps, times >= data.treatment_time),
        runs=runs,
    )


def synth(
    panel: pd.DataFrame | SynthPanel,
    *,
    unit: str = "",
    time: str = "",
    outcome: str = "",
    treated: str = "",
    treatment_time: float = math.nan,
    predictors: Sequence[Predictor | str] = (),
    exclude: Sequence[str] = (),
    optimize_period: tuple[float, float] | None = None,
) -> SynthResult:
    """Fit the synthetic control of ``treated`` (see the module docstring for the method).

    ``panel`` is a long data frame (one row per unit and time) or a prepared ``SynthPanel``.
    """
    data = (
        panel
        if isinstance(panel, SynthPanel)
        else prepare(
            panel,
            unit=unit,
            time=time,
            outcome=outcome,
            treated=treated,
            treatment_time=treatment_time,
            predictors=predictors,
            exclude=exclude,
            optimize_period=optimize_period,
        )
    )
    return _fit(data, 0, range(1, len(data.units)))


def placebo_test(
    data: SynthPanel,
    result: SynthResult | None = None,
    *,
    max_pre_mspe_ratio: float | None = None,
    progress: Progress | None = None,
) -> PlaceboTest:
    """In-space placebos: each donor in turn treated, the other donors (not the treated unit)
    as its pool, the same predictors and periods.

    A placebo that cannot be fitted (say a predictor without variation among its donors) is
    reported with its error and not compared.
    """
    if len(data.donors) < 3:
        raise SynthError("placebos need at least 3 donors (each placebo needs 2 donors of its own)")
    if max_pre_mspe_ratio is not None and not max_pre_mspe_ratio > 0:
        raise SynthError("the pre-treatment MSPE limit for placebos must be positive")
    fitted = result if result is not None else _fit(data, 0, range(1, len(data.units)))
    donors = list(range(1, len(data.units)))
    runs: list[PlaceboRun] = []
    for done, placebo in enumerate(donors):
        if progress is not None:
            progress(done, len(donors))
        pool = [j for j in donors if j != placebo]
        try:
            run = _fit(data, placebo, pool)
        except SynthError as error:
            runs.append(
                PlaceboRun(data.units[placebo], math.nan, math.nan, math.nan, (), str(error))
            )
            continue
        runs.append(PlaceboRun(run.treated, run.rmspe_pre, run.rmspe_post, run.ratio, run.gaps))
    if progress is not None:
        progress(len(donors), len(donors))
    return PlaceboTest(fitted, tuple(runs), max_pre_mspe_ratio)


def gaps_plot_data(result: SynthResult, placebos: PlaceboTest | None = None) -> pd.DataFrame:
    """The data of the gaps plot: one row per unit and time with the gap (treated - synthetic).

    Columns ``time``, ``unit``, ``gap``, ``role`` ("treated" or "placebo") and ``compared``
    (False for placebos left out of the p-value: failed or beyond the pre-fit filter).
    """
    rows: list[dict[str, object]] = [
        {
            "time": _plain_time(t),
            "unit": result.treated,
            "gap": g,
            "role": "treated",
            "compared": True,
        }
        for t, g in zip(result.times, result.gaps, strict=True)
    ]
    if placebos is not None:
        compared = placebos.compared_units()
        for run in placebos.runs:
            if run.error is not None:
                continue
            rows.extend(
                {
                    "time": _plain_time(t),
                    "unit": run.unit,
                    "gap": g,
                    "role": "placebo",
                    "compared": run.unit in compared,
                }
                for t, g in zip(result.times, run.gaps, strict=True)
            )
    return pd.DataFrame(rows, columns=["time", "unit", "gap", "role", "compared"])
