"""R ``optim``'s Nelder–Mead and BFGS as ``Synth`` runs them (``_synth_optim``).

The expected numbers are the output of the example in R's ``?optim`` (Rosenbrock's banana
function from c(-1.2, 1)): ``optim(c(-1.2, 1), fr)`` gives par 1.000260 1.000506, value
8.825241e-08 after 195 function evaluations; ``optim(c(-1.2, 1), fr, NULL, method = "BFGS")``
gives par 0.9998044 0.9996084, value 3.827383e-08. Matching them digit for digit shows the
searches take R's path, which is what reproducing ``Synth`` results needs.
"""

from __future__ import annotations

import numpy as np
import pytest

from trepart.analysis.effects._synth_optim import bfgs, central_gradient, nelder_mead


def rosenbrock(x: np.ndarray) -> float:
    return float(100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2)


def test_nelder_mead_takes_r_optims_path() -> None:
    found = nelder_mead(rosenbrock, np.array([-1.2, 1.0]))
    assert found.x == pytest.approx([1.000260, 1.000506], abs=5e-7)
    assert found.value == pytest.approx(8.825241e-08, rel=1e-6)
    assert found.evaluations == 195
    assert found.converged


def test_bfgs_with_numerical_gradient_takes_r_optims_path() -> None:
    found = bfgs(rosenbrock, np.array([-1.2, 1.0]))
    assert found.x == pytest.approx([0.9998044, 0.9996084], abs=5e-8)
    assert found.value == pytest.approx(3.827383e-08, rel=1e-6)
    assert found.converged


def test_nelder_mead_stops_after_its_evaluation_budget() -> None:
    found = nelder_mead(rosenbrock, np.array([-1.2, 1.0]), max_evaluations=50)
    assert not found.converged
    assert 50 < found.evaluations <= 53


def test_central_gradient_of_a_quadratic_is_exact() -> None:
    def quadratic(x: np.ndarray) -> float:
        return float(3 * x[0] ** 2 + x[0] * x[1] - 2 * x[1])

    assert central_gradient(quadratic, np.array([1.0, 2.0])) == pytest.approx([8.0, -1.0])


def test_searches_are_deterministic() -> None:
    start = np.array([0.3, -0.7])
    for search in (nelder_mead, bfgs):
        first, second = search(rosenbrock, start), search(rosenbrock, start)
        assert np.array_equal(first.x, second.x)
        assert (first.value, first.evaluations) == (second.value, second.evaluations)


def test_a_start_where_the_objective_is_not_finite_is_refused() -> None:
    with pytest.raises(ValueError, match="not finite"):
        nelder_mead(lambda x: float("inf"), np.array([1.0]))
    with pytest.raises(ValueError, match="not finite"):
        bfgs(lambda x: float("nan"), np.array([1.0]))
