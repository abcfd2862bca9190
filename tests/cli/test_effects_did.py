"""`trepart effects did`: the documented JSON contract, the table, and errors with exit code 2.

Reference numbers: R ``did`` 2.5.1 on ``mpdta`` (Callaway & Sant'Anna 2021), as listed in
/work/shared/data/reference/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.helpers import REFERENCE, run_trepart

MPDTA = str(REFERENCE / "mpdta.csv")
BASE = (
    "effects",
    "did",
    "--data",
    MPDTA,
    "--unit",
    "countyreal",
    "--time",
    "year",
    "--cohort",
    "first.treat",
    "--outcome",
    "lemp",
)


def test_json_contract_on_mpdta_equals_r_did() -> None:
    result = run_trepart(*BASE, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    cells = {(c["group"], c["time"]): c for c in document["att_gt"]}
    assert len(cells) == 12
    assert round(cells[(2004, 2006)]["att"], 4) == -0.1373
    assert round(cells[(2004, 2006)]["se"], 4) == 0.0364
    assert round(cells[(2007, 2004)]["att"], 4) == 0.0305
    aggregates = document["aggregates"]
    simple = aggregates["simple"]["overall"]
    assert (round(simple["att"], 4), round(simple["se"], 4)) == (-0.0400, 0.0120)
    assert round(aggregates["dynamic"]["overall"]["att"], 4) == -0.0772
    assert [row["e"] for row in aggregates["dynamic"]["by"]] == [-3, -2, -1, 0, 1, 2, 3]
    assert round(aggregates["group"]["overall"]["att"], 3) == -0.031
    assert [row["group"] for row in aggregates["group"]["by"]] == [2004, 2006, 2007]
    assert [row["time"] for row in aggregates["calendar"]["by"]] == [2004, 2005, 2006, 2007]
    assert {"att", "se"} <= aggregates["calendar"]["overall"].keys()
    assert round(document["pretest_p"], 3) == 0.168
    assert document["se_type"] == "analytic"


def test_bootstrap_is_seeded_and_clustered_by_request(tmp_path: Path) -> None:
    frame = pd.read_csv(MPDTA).assign(state=lambda f: f["countyreal"] // 1000)
    path = tmp_path / "mpdta.parquet"
    frame.to_parquet(path)
    args = [a if a != MPDTA else str(path) for a in BASE]
    options = ("--bootstrap", "199", "--seed", "9", "--cluster", "state", "--json")
    first = run_trepart(*args, *options)
    again = run_trepart(*args, *options)
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    document = json.loads(first.stdout)
    assert document["se_type"] == "bootstrap"
    assert document["n_clusters"] == frame["state"].nunique()
    assert document["critical_value"] > 1.96


def test_table_output() -> None:
    result = run_trepart(*BASE, "--control", "notyet", "--method", "reg")
    assert result.returncode == 0, result.stderr
    assert "Group-time ATT(g,t)" in result.stdout
    assert "Pre-test of parallel trends" in result.stdout


def test_a_bad_value_is_reported_with_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    lines = Path(MPDTA).read_text().splitlines()
    lines[3] = lines[3].replace(",2007.0,", ",soon,", 1)
    path.write_text("\n".join(lines) + "\n")
    result = run_trepart(*[a if a != MPDTA else str(path) for a in BASE])
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}:4:first.treat: 'soon' is not a number\n"


def test_unknown_column_and_bad_option_values_exit_with_2() -> None:
    missing = run_trepart(*BASE[:-1], "employment")
    assert missing.returncode == 2
    assert "'employment' not found" in missing.stderr
    bad = run_trepart(*BASE, "--method", "ols")
    assert bad.returncode == 2
    assert "Error: --method must be dr, ipw or reg" in bad.stderr
