"""Donor weights W for given predictor weights V: an exact simplex-constrained least squares.

The synthetic control's inner problem is

    minimise (x1 - X0 w)' V (x1 - X0 w)   subject to   w >= 0,  sum(w) = 1,

with V diagonal and non-negative. Because sum(w) = 1, x1 - X0 w = -(X0 - x1 1') w, so with
B = V^(1/2) (X0 - x1 1') the problem is the point of least norm in the convex hull of B's
columns. That point follows exactly from one non-negative least-squares problem (Lawson &
Hanson, Solving Least Squares Problems, 1974/1995):

    u* = argmin_{u >= 0} ||B u||^2 + (1'u - 1)^2,    w* = u* / 1'u*.

Proof: write u = t w with t >= 0 and w on the simplex; the objective is t^2 ||B w||^2 +
(t - 1)^2, minimised over w by the least-norm point w* whatever t is, and then over t at
t = 1 / (1 + ||B w*||^2) > 0. Scaling B by a positive constant leaves w* unchanged, which is
used to keep the problem well scaled. Lawson–Hanson's active-set NNLS terminates with the exact
least-squares solution on its final support, so W is exact to rounding (no interior-point
tolerance such as R's ``ipop`` margin), and it copes with more donors than predictors.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls


def simplex_weights(
    x1: NDArray[np.float64], x0: NDArray[np.float64], v: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The w >= 0, sum(w) = 1 minimising (x1 - x0 w)' diag(v) (x1 - x0 w).

    ``x1`` has one entry per predictor, ``x0`` one row per predictor and one column per donor,
    ``v`` one non-negative weight per predictor.
    """
    b = np.sqrt(v)[:, None] * (x0 - x1[:, None])
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    if scale > 0:
        b = b / scale
    system = np.vstack([b, np.ones((1, x0.shape[1]))])
    target = np.zeros(system.shape[0])
    target[-1] = 1.0
    u, _ = nnls(system, target, maxiter=50 * system.shape[1] + 100)
    total = float(u.sum())
    if not total > 0:  # pragma: no cover - the last row makes u = 0 never optimal
        raise ArithmeticError("the donor-weight problem has no solution")
    weights: NDArray[np.float64] = u / total
    return weights
