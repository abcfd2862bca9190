"""The two local optimisers R's ``optim()`` offers by default, as R ``Synth`` uses them.

R ``Synth`` searches the predictor weights V with ``optimx`` running R's ``optim()`` methods
"Nelder-Mead" and "BFGS" with their default settings. Both are J.C. Nash's algorithms (Compact
Numerical Methods for Computers, 2nd ed., 1990: Algorithm 19, the Nelder–Mead polytope search,
and Algorithm 21, the variable-metric (BFGS) method), re-implemented here from their published
descriptions with the settings ``optim()`` uses:

- Nelder–Mead: reflection 1, contraction 0.5, expansion 2, the first simplex built from the
  start by steps of a tenth of its largest coordinate, stop when the spread of the simplex's
  function values is below ``reltol * (|f(start)| + reltol)`` or after 500 evaluations;
- BFGS: gradients by central differences with step 1e-3, an Armijo backtracking line search
  (factor 0.2, acceptance 1e-4), stop when a step changes the value by no more than
  ``reltol * (|f| + reltol)`` (``reltol`` = sqrt(machine epsilon)) or after 100 iterations.

The nested synthetic-control problem is not convex, so which local optimum a search finds
depends on these details; following them is what lets the estimator reproduce published
``Synth`` results. Both searches are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Objective = Callable[[NDArray[np.float64]], float]

RELTOL = math.sqrt(np.finfo(float).eps)
_BIG = 1.0e35
_REL_TEST = 10.0
_STEP_REDUCTION = 0.2
_ACCEPTANCE = 1.0e-4


@dataclass(frozen=True)
class Minimum:
    """Where a search stopped: the point, its value, evaluations used, converged or not."""

    x: NDArray[np.float64]
    value: float
    evaluations: int
    converged: bool


def _finite_or_big(value: float) -> float:
    return value if math.isfinite(value) else _BIG


def nelder_mead(
    fn: Objective,
    start: NDArray[np.float64],
    *,
    max_evaluations: int = 500,
    reltol: float = RELTOL,
    alpha: float = 1.0,
    beta: float = 0.5,
    gamma: float = 2.0,
) -> Minimum:
    """Minimise ``fn`` from ``start`` by Nash's Nelder–Mead polytope search (R ``optim``)."""
    n = len(start)
    x0 = np.array(start, dtype=float)
    f0 = fn(x0)
    if not math.isfinite(f0):
        raise ValueError("the objective is not finite at the starting point")
    evaluations = 1
    tolerance = reltol * (abs(f0) + reltol)
    points = np.repeat(x0[None, :], n + 1, axis=0)
    values = np.empty(n + 1)
    values[0] = f0
    step = 0.1 * float(np.max(np.abs(x0))) or 0.1
    size = 0.0
    for j in range(1, n + 1):
        trial = step
        while points[j, j - 1] == x0[j - 1]:
            points[j, j - 1] = x0[j - 1] + trial
            trial *= 10
        size += trial
    old_size = size
    low = 0
    recompute = True
    converged = True
    while True:
        if recompute:
            for j in range(n + 1):
                if j != low:
                    values[j] = _finite_or_big(fn(points[j]))
                    evaluations += 1
            recompute = False
        value_low = value_high = values[low]
        high = low
        for j in range(n + 1):
            if j == low:
                continue
            if values[j] < value_low:
                low, value_low = j, values[j]
            if values[j] > value_high:
                high, value_high = j, values[j]
        if value_high <= value_low + tolerance:
            break
        centroid = (points.sum(axis=0) - points[high]) / n
        reflected = (1 + alpha) * centroid - alpha * points[high]
        value_reflected = _finite_or_big(fn(reflected))
        evaluations += 1
        if value_reflected < value_low:
            expanded = gamma * reflected + (1 - gamma) * centroid
            value_expanded = _finite_or_big(fn(expanded))
            evaluations += 1
            if value_expanded < value_reflected:
                points[high], values[high] = expanded, value_expanded
            else:
                points[high], values[high] = reflected, value_reflected
        else:
            if value_reflected < value_high:
                points[high], values[high] = reflected, value_reflected
            contracted = (1 - beta) * points[high] + beta * centroid
            value_contracted = _finite_or_big(fn(contracted))
            evaluations += 1
            if value_contracted < values[high]:
                points[high], values[high] = contracted, value_contracted
            elif value_reflected >= value_high:
                recompute = True
                size = 0.0
                for j in range(n + 1):
                    if j != low:
                        points[j] = beta * (points[j] - points[low]) + points[low]
                        size += float(np.sum(np.abs(points[j] - points[low])))
                if size < old_size:
                    old_size = size
                else:
                    converged = False
                    break
        if evaluations > max_evaluations:
            break
    return Minimum(
        points[low].copy(),
        float(values[low]),
        evaluations,
        converged and evaluations <= max_evaluations,
    )


def central_gradient(
    fn: Objective, x: NDArray[np.float64], step: float = 1.0e-3
) -> NDArray[np.float64]:
    """The gradient of ``fn`` at ``x`` by central differences (``optim``'s ``ndeps``)."""
    gradient = np.empty(len(x))
    probe = np.array(x, dtype=float)
    for i in range(len(x)):
        probe[i] = x[i] + step
        upper = fn(probe)
        probe[i] = x[i] - step
        lower = fn(probe)
        probe[i] = x[i]
        gradient[i] = (upper - lower) / (2 * step)
    if not np.all(np.isfinite(gradient)):
        raise ValueError("the numerical gradient is not finite")
    return gradient


def bfgs(
    fn: Objective,
    start: NDArray[np.float64],
    *,
    max_iterations: int = 100,
    reltol: float = RELTOL,
    gradient_step: float = 1.0e-3,
) -> Minimum:
    """Minimise ``fn`` from ``start`` by Nash's variable-metric method (R ``optim`` "BFGS")."""
    n = len(start)
    b = np.array(start, dtype=float)
    f = fn(b)
    if not math.isfinite(f):
        raise ValueError("the objective is not finite at the starting point")
    best = f
    evaluations = 1
    gradients = 1
    gradient = central_gradient(fn, b, gradient_step)
    iterations = 1
    last_reset = gradients
    inverse_hessian = np.eye(n)
    while True:
        if last_reset == gradients:
            inverse_hessian = np.eye(n)
        origin = b.copy()
        previous_gradient = gradient.copy()
        direction = -(inverse_hessian @ gradient)
        slope = float(direction @ gradient)
        if slope < 0.0:
            steplength = 1.0
            accepted = False
            while True:
                b = origin + steplength * direction
                unchanged = int(np.sum(_REL_TEST + origin == _REL_TEST + b))
                if unchanged < n:
                    f = fn(b)
                    evaluations += 1
                    accepted = math.isfinite(f) and f <= best + slope * steplength * _ACCEPTANCE
                    if not accepted:
                        steplength *= _STEP_REDUCTION
                if unchanged == n or accepted:
                    break
            enough = abs(f - best) > reltol * (abs(best) + reltol)
            if not enough:
                unchanged = n
                best = f
            if unchanged < n:
                best = f
                gradient = central_gradient(fn, b, gradient_step)
                gradients += 1
                iterations += 1
                step = steplength * direction
                change = gradient - previous_gradient
                curvature = float(step @ change)
                if curvature > 0:
                    projected = inverse_hessian @ change
                    factor = 1.0 + float(projected @ change) / curvature
                    inverse_hessian = (
                        inverse_hessian
                        + (
                            factor * np.outer(step, step)
                            - np.outer(projected, step)
                            - np.outer(step, projected)
                        )
                        / curvature
                    )
                else:
                    last_reset = gradients
            elif last_reset < gradients:
                unchanged = 0
                last_reset = gradients
        else:
            unchanged = 0
            if last_reset == gradients:
                unchanged = n
            else:
                last_reset = gradients
        if iterations >= max_iterations:
            break
        if gradients - last_reset > 2 * n:
            last_reset = gradients
        if unchanged == n and last_reset == gradients:
            break
    return Minimum(b.copy(), float(best), evaluations, iterations < max_iterations)
