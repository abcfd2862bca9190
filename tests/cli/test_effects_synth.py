"""`trepart effects synth`: the documented CLI contract (docs/effects-synth.md), run for real.

The Basque reference data (Abadie & Gardeazabal 2003, shipped with R ``Synth``) must give the
published synthetic Basque Country: Cataluña 0.851 and Madrid 0.149, every other region 0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.analysis.effects.test_synth import BASQUE as SYNTH_BASQUE
from tests.analysis.effects.test_synth import BASQUE_PREDICTORS
from tests.helpers import run_trepart

BASQUE = str(SYNTH_BASQUE)
PREDICTORS = BASQUE_PREDICTORS


def basque_args(*extra: str, unit: str = "regionname") -> list[str]:
    treated, spain = (
        ("Basque Country (Pais Vasco)", "Spain (Espana)") if unit == "regionname" else ("17", "1")
    )
    args = ["effects", "synth", "--data", BASQUE, "--unit", unit, "--time", "year"]
    args += ["--outcome", "gdpcap", "--treated", treated, "--treatment-time", "1970"]
    args += ["--exclude", spain, "--optimize-period", "1960-1969"]
    for spec in PREDICTORS:
        args += ["--predictor", spec]
    return [*args, *extra]


def synth_json(*args: str) -> dict[str, object]:
    result = run_trepart(*args, "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.fixture(scope="module")
def by_name() -> dict[str, object]:
    return synth_json(*basque_args())


@pytest.mark.parametrize(
    "unit,cataluna,madrid",
    [("regionname", "Cataluna", "Madrid (Comunidad De)"), ("regionno", "10", "14")],
)
def test_basque_weights_are_the_published_ones(
    unit: str, cataluna: str, madrid: str, by_name: dict[str, object]
) -> None:
    document = by_name if unit == "regionname" else synth_json(*basque_args(unit=unit))
    weights = document["weights"]
    assert isinstance(weights, dict) and len(weights) == 16
    assert round(weights[cataluna], 3) == 0.851
    assert round(weights[madrid], 3) == 0.149
    assert all(round(w, 3) == 0 for key, w in weights.items() if key not in (cataluna, madrid))
    if unit == "regionno":
        assert sorted(weights, key=int) == [str(n) for n in [*range(2, 17), 18]]


def test_basque_json_contract(by_name: dict[str, object]) -> None:
    document = by_name
    assert list(document["v"]) == PREDICTORS  # type: ignore[call-overload]
    assert sum(document["v"].values()) == pytest.approx(1.0)  # type: ignore[attr-defined]
    assert document["loss_v"] == pytest.approx(0.008864606, rel=1e-4)  # R Synth's MSPE (LOSS V)
    effects = document["effects"]
    assert isinstance(effects, list)
    assert [row["time"] for row in effects] == list(range(1955, 1998))
    assert set(effects[0]) == {"time", "treated", "synthetic", "gap"}
    for row in effects:
        assert row["gap"] == pytest.approx(row["treated"] - row["synthetic"])
    assert effects[0]["gap"] == pytest.approx(0.15023473, abs=2e-5)  # Synth's gaps[1955]
    pre = [row["gap"] for row in effects if row["time"] < 1970]
    assert document["rmspe_pre"] == pytest.approx(math.sqrt(np.mean(np.square(pre))))
    assert (
        document["treatment_time"] == 1970 and document["treated"] == "Basque Country (Pais Vasco)"
    )
    balance = {row["predictor"]: row for row in document["predictors"]}  # type: ignore[attr-defined]
    assert balance["gdpcap:1960-1969"]["treated"] == pytest.approx(5.285, abs=5e-4)
    assert balance["popdens:1969"]["donor_mean"] == pytest.approx(99.414, abs=5e-4)
    assert "placebos" not in document


def test_basque_placebos() -> None:
    document = synth_json(*basque_args("--placebos"))
    placebos = document["placebos"]
    assert isinstance(placebos, dict)
    units = placebos["units"]
    assert len(units) == 16 and all(u["error"] is None for u in units)
    for entry in units:
        assert entry["ratio"] == pytest.approx(entry["rmspe_post"] / entry["rmspe_pre"])
        assert len(entry["gaps"]) == 43
    treated_ratio = document["rmspe_post"] / document["rmspe_pre"]  # type: ignore[operator]
    assert placebos["treated_ratio"] == pytest.approx(treated_ratio)
    rank = 1 + sum(1 for u in units if u["ratio"] >= treated_ratio)
    assert (placebos["rank"], placebos["units_compared"]) == (rank, 17)
    assert placebos["p_value"] == pytest.approx(rank / 17)


def test_human_output_has_weights_balance_and_fit() -> None:
    result = run_trepart(*basque_args("--placebos"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for text in ("Cataluna", "0.851", "Madrid (Comunidad De)", "0.149", "Predictor balance"):
        assert text in out
    for text in ("RMSPE before treatment", "placebo p-value", "Gap per time", "1997"):
        assert text in out


def _generated(tmp_path: Path) -> Path:
    """A small panel with years stored as floats and integer unit codes, as Parquet."""
    rng = np.random.default_rng(5)
    rows = []
    for code in range(101, 108):
        level, trend = rng.normal(10, 2), rng.normal(0.2, 0.05)
        for year in range(1990, 2006):
            rows.append(
                {
                    "kommune": float(code),
                    "aar": float(year),
                    "sykefravaer": level + trend * (year - 1990) + rng.normal(0, 0.05),
                    "ansatte": rng.normal(500, 50),
                }
            )
    path = tmp_path / "panel.parquet"
    pd.DataFrame(rows).to_parquet(path)
    return path


def test_parquet_with_float_years_and_codes(tmp_path: Path) -> None:
    path = _generated(tmp_path)
    document = synth_json(
        "effects", "synth", "--data", str(path), "--unit", "kommune", "--time", "aar",
        "--outcome", "sykefravaer", "--treated", "101", "--treatment-time", "2000",
        "--predictor", "sykefravaer:1990-1994", "--predictor", "sykefravaer:1999",
        "--predictor", "ansatte", "--exclude", "107", "--placebos",
        "--placebo-max-pre-mspe", "5",
    )  # fmt: skip
    assert sorted(document["weights"]) == ["102", "103", "104", "105", "106"]  # type: ignore[arg-type]
    assert sum(document["weights"].values()) == pytest.approx(1.0)  # type: ignore[attr-defined]
    assert [row["time"] for row in document["effects"]] == list(range(1990, 2006))  # type: ignore[attr-defined]
    assert list(document["v"]) == ["sykefravaer:1990-1994", "sykefravaer:1999", "ansatte"]  # type: ignore[call-overload]
    assert document["optimize_period"] == [1990, 1999]
    placebos = document["placebos"]
    assert isinstance(placebos, dict)
    assert len(placebos["units"]) == 5 and placebos["max_pre_mspe_ratio"] == 5
    limit = 5 * document["rmspe_pre"] ** 2  # type: ignore[operator]
    compared = [u["unit"] for u in placebos["units"] if u["rmspe_pre"] ** 2 <= limit]
    assert [u["unit"] for u in placebos["units"] if u["compared"]] == compared
    assert placebos["units_compared"] == 1 + len(compared)


@pytest.mark.parametrize(
    "change,message",
    [
        (["--outcome", "gdp"], "no column 'gdp'"),
        (["--treated", "Atlantis"], "no unit 'Atlantis' in column 'regionname'"),
        (["--treatment-time", "2005"], "treatment time 2005 is outside the data's times"),
        (
            ["--predictor", "school.illit:1960"],
            "unit Basque Country (Pais Vasco) has no 'school.illit' value in 1960",
        ),
        (["--optimize-period", "1960:1969"], "--optimize-period '1960:1969'"),
        (["--data", "/work/shared/data/reference/README.md"], "unknown file type '.md'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(change: list[str], message: str) -> None:
    args = basque_args()
    option = change[0]
    if option == "--predictor":
        args += change
    else:
        position = args.index(option)
        args[position + 1] = change[1]
    result = run_trepart(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr


def test_too_few_donors_exits_2(tmp_path: Path) -> None:
    path = _generated(tmp_path)
    args = ["effects", "synth", "--data", str(path), "--unit", "kommune", "--time", "aar"]
    args += ["--outcome", "sykefravaer", "--treated", "101", "--treatment-time", "2000"]
    args += ["--predictor", "ansatte"]
    for code in ("102", "103", "104", "105", "106"):
        args += ["--exclude", code]
    result = run_trepart(*args)
    assert result.returncode == 2
    assert "too few donors: 1 unit(s)" in result.stderr
