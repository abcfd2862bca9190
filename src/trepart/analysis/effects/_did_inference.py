"""Inference for the staggered DiD: analytic SEs, the multiplier bootstrap and the pre-test.

The influence functions are per unit (``n`` rows) and scaled so that ``sum(if**2) / n**2`` is the
variance of the estimate (R ``did``: ``sqrt(mean(if^2) / n)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Array = NDArray[np.float64]

# R ``did`` treats a standard error this small as zero (a degenerate cell) and reports NA.
_SE_FLOOR = float(np.sqrt(np.finfo(float).eps) * 10)
# Draws per chunk are chosen so one chunk of multipliers stays near this many float64 values.
_CHUNK_VALUES = 64_000_000


def analytic_se(basis: Array, coefficients: Array) -> Array:
    """Standard errors ``sqrt(mean(if**2) / n)`` of the influence functions
    ``basis @ coefficients`` (one per column); NaN where R reports NA (a degenerate estimate)."""
    n = basis.shape[0]
    gram = basis.T @ basis
    variance = np.einsum("ij,ik,kj->j", coefficients, gram, coefficients) / n / n
    se: Array = np.sqrt(np.maximum(variance, 0.0))
    se[~(se > _SE_FLOOR)] = np.nan
    return se


@dataclass(frozen=True)
class Bootstrap:
    """Multiplier-bootstrap draws ``sqrt(m) * mean_c(v_c * s_c)`` of every influence column.

    ``m`` is the number of clusters (units when not clustered) and ``s_c`` the influence function
    summed within a cluster; ``v_c`` are Rademacher multipliers (±1 with probability ½), as in
    R ``did`` (``BMisc::multiplier_bootstrap``).
    """

    draws: Array  # (B, K)
    n_units: int
    n_clusters: int
    sigma: Array = field(init=False)  # per column: IQR of the draws / IQR of N(0,1)

    def __post_init__(self) -> None:
        draws = self.draws
        finite = np.all(np.isfinite(draws), axis=0)
        usable = finite & (np.einsum("ij,ij->j", draws, draws) > _SE_FLOOR)
        sigma = np.full(draws.shape[1], np.nan)
        if usable.any():
            q75, q25 = np.quantile(draws[:, usable], [0.75, 0.25], axis=0, method="inverted_cdf")
            spread = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
            spread[~(spread > 0)] = np.nan
            sigma[usable] = spread
        object.__setattr__(self, "sigma", sigma)

    def se(self) -> Array:
        """Bootstrap SEs: the interquartile range of the draws over that of N(0,1), scaled."""
        se: Array = self.sigma * np.sqrt(self.n_clusters) / self.n_units
        return se

    def critical_value(self, columns: NDArray[np.intp], alpha: float) -> float:
        """Sup-t critical value of a simultaneous band over ``columns`` (R ``mboot``)."""
        sigma = self.sigma[columns]
        keep = np.isfinite(sigma)
        if not keep.any():
            return float("nan")
        t_max = np.max(np.abs(self.draws[:, columns[keep]] / sigma[keep]), axis=1)
        t_max = t_max[np.isfinite(t_max)]
        if t_max.size == 0:
            return float("nan")
        return float(np.quantile(t_max, 1 - alpha, method="inverted_cdf"))


def multiplier_bootstrap(
    basis: Array,
    coefficients: Array,
    iterations: int,
    seed: int | None,
    clusters: NDArray[np.intp] | None = None,
) -> Bootstrap:
    """Run ``iterations`` multiplier-bootstrap draws of the influence functions
    ``basis @ coefficients`` (one per column).

    The draws are linear in the influence function, so they are computed on the few basis
    columns and mapped to every column afterwards. ``clusters`` gives each unit's cluster code
    (0..m-1); the influence function is summed within clusters and one multiplier is drawn per
    cluster (R ``did`` sums within clusters too). Draws are made in chunks (a matrix product per
    chunk) so memory stays bounded for large panels; ``seed`` makes them reproducible.
    """
    n_units = basis.shape[0]
    if clusters is None:
        sums = basis
    else:
        n_groups = int(clusters.max()) + 1
        sums = np.zeros((n_groups, basis.shape[1]))
        _rowsum(sums, clusters, basis)
    m = sums.shape[0]
    rng = np.random.default_rng(seed)
    base_draws = np.empty((iterations, basis.shape[1]))
    chunk = max(1, min(iterations, _CHUNK_VALUES // max(m, 1)))
    for start in range(0, iterations, chunk):
        size = min(chunk, iterations - start)
        base_draws[start : start + size] = _rademacher(rng, size, m) @ sums
    base_draws *= np.sqrt(m) / m
    return Bootstrap(draws=base_draws @ coefficients, n_units=n_units, n_clusters=m)


def _rademacher(rng: np.random.Generator, rows: int, columns: int) -> Array:
    """A rows × columns matrix of independent ±1 (probability ½ each), as float64.

    Drawn as random bytes unpacked to bits (one random bit per entry), which is an order of
    magnitude faster than drawing integers: the multipliers dominate the bootstrap's cost on
    large panels.
    """
    count = rows * columns
    bits = np.unpackbits(np.frombuffer(rng.bytes((count + 7) // 8), dtype=np.uint8), count=count)
    signs: Array = np.multiply(bits, -2.0, dtype=np.float64)
    signs += 1.0
    return signs.reshape(rows, columns)


def _rowsum(out: Array, codes: NDArray[np.intp], values: Array) -> None:
    """Sum ``values`` rows into ``out`` by ``codes`` (column by column with bincount: fast)."""
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=out.shape[0])


@dataclass(frozen=True)
class WaldTest:
    """Wald test that all pre-treatment ATT(g,t) are zero (R ``did``'s pre-test)."""

    statistic: float
    df: int
    p_value: float


def wald_pretest(att: Array, influence: Array) -> WaldTest | None:
    """``W = n a' V^-1 a`` with ``V = IF'IF / n``, chi-square with ``len(a)`` degrees of freedom.

    Returns None when there is no pre-treatment cell or the covariance matrix is singular
    (R ``did`` then reports no test).
    """
    if att.size == 0:
        return None
    n = influence.shape[0]
    covariance = influence.T @ influence / n
    inverse_norm = np.linalg.norm(np.linalg.pinv(covariance), 1)
    rcond = 1.0 / (np.linalg.norm(covariance, 1) * inverse_norm) if inverse_norm > 0 else 0.0
    if not np.isfinite(rcond) or rcond <= np.finfo(float).eps:
        return None
    statistic = float(n * att @ np.linalg.solve(covariance, att))
    return WaldTest(statistic, int(att.size), float(stats.chi2.sf(statistic, att.size)))
