"""The donor-weight problem: exact simplex-constrained least squares (``_synth_qp``)."""

from __future__ import annotations

import numpy as np
import pytest

from trepart.analysis.effects._synth_qp import simplex_weights


def _kkt_violation(x1: np.ndarray, x0: np.ndarray, v: np.ndarray, w: np.ndarray) -> float:
    """How far w is from optimal: w on the simplex, and the gradient of the objective equal
    (to the multiplier) on the support and no smaller off it."""
    gradient = 2 * x0.T @ (v * (x0 @ w - x1))
    support = w > 1e-12
    multiplier = float(np.mean(gradient[support]))
    scale = max(1.0, float(np.max(np.abs(gradient))))
    on_support = float(np.max(np.abs(gradient[support] - multiplier)))
    off_support = float(np.max(multiplier - gradient[~support], initial=0.0))
    return max(on_support, off_support, abs(w.sum() - 1) * scale, -float(w.min())) / scale


@pytest.mark.parametrize(
    "x1,x0,expected",
    [
        pytest.param(
            [2.0, 3.0], [[1.0, 2.0, 5.0], [1.0, 3.0, 0.0]], [0, 1, 0], id="equals a donor"
        ),
        pytest.param([1.5, 2.0], [[1.0, 2.0, 9.0], [2.0, 2.0, 9.0]], [0.5, 0.5, 0], id="midpoint"),
        pytest.param(
            [0.0, 5.0], [[-1.0, 1.0, 0.0], [0.0, 0.0, -3.0]], [0.5, 0.5, 0], id="projection"
        ),
        pytest.param([10.0, 10.0], [[0.0, 1.0], [0.0, 2.0]], [0, 1], id="nearest vertex"),
        pytest.param(
            [1.0, 1.0], [[0.0, 2.0, 0.0, 2.0], [0.0, 2.0, 2.0, 0.0]], None, id="inside the hull"
        ),
    ],
)
def test_known_solutions(
    x1: list[float], x0: list[list[float]], expected: list[float] | None
) -> None:
    a1, a0 = np.array(x1), np.array(x0)
    w = simplex_weights(a1, a0, np.ones(len(a1)))
    assert w.min() >= 0 and w.sum() == pytest.approx(1, abs=1e-14)
    if expected is not None:
        assert w == pytest.approx(np.array(expected, dtype=float), abs=1e-12)
    else:  # many exact solutions: the fit must be perfect
        assert a0 @ w == pytest.approx(a1, abs=1e-12)


def test_predictor_weights_change_the_answer() -> None:
    # Donor 0 matches the first predictor, donor 1 the second; V decides.
    x1 = np.array([0.0, 0.0])
    x0 = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert simplex_weights(x1, x0, np.array([1.0, 0.0])) == pytest.approx([1, 0], abs=1e-12)
    assert simplex_weights(x1, x0, np.array([0.0, 1.0])) == pytest.approx([0, 1], abs=1e-12)
    # Equal weights: min (1 - w)^2 + w^2 at w = 1/2.
    assert simplex_weights(x1, x0, np.array([0.5, 0.5])) == pytest.approx([0.5, 0.5], abs=1e-12)
    # v = (0.8, 0.2): min 0.8 w1^2 + 0.2 (1 - w1)^2 at w1 = 0.2 (weight on donor 1).
    w = simplex_weights(x1, x0, np.array([0.8, 0.2]))
    assert w == pytest.approx([0.8, 0.2], abs=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_random_problems_satisfy_the_optimality_conditions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 8))
    j = int(rng.integers(2, 25))  # often more donors than predictors
    x0 = rng.normal(size=(k, j)) * rng.uniform(0.1, 1000, size=(k, 1))
    x1 = rng.normal(size=k) * 2 * np.abs(x0).max(axis=1)
    v = rng.dirichlet(np.full(k, 0.5))
    w = simplex_weights(x1, x0, v)
    assert _kkt_violation(x1, x0, v, w) < 1e-9
    # No other feasible point does better (random points on the simplex).
    objective = float((x1 - x0 @ w) @ (v * (x1 - x0 @ w)))
    others = rng.dirichlet(np.ones(j), size=200)
    residuals = x1[None, :] - others @ x0.T
    assert objective <= float(np.min(np.sum(v * residuals**2, axis=1))) * (1 + 1e-12)
