"""Benchmark of the staggered DiD (issue 5, item 6): ``python bench/did/run.py``.

1. Generates a balanced panel of 500,000 units × 10 periods with 3 treated cohorts and a
   never-treated group (not timed) and times ``trepart.analysis.effects.did.estimate`` on it with
   all ATT(g,t), all four aggregations and 999 multiplier-bootstrap draws, in a subprocess of its
   own (wall time and peak RSS). Targets: ≤ 60 s and ≤ 4 GiB.
2. Side by side on a smaller panel that the peers handle: ours, ``csdid`` and ``differences``
   with the same settings (never-treated comparison, doubly robust, varying base period, no
   covariates, 999 bootstrap draws), each in its own subprocess, asserting identical ATT(g,t)
   (to 1e-8) and reporting the speed-up.

Writes results.json and results.md beside this file. Run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
COHORTS = (0, 4, 6, 8)  # 0 = never treated
SHARES = (0.4, 0.2, 0.2, 0.2)


def generate(n_units: int, periods: int, seed: int) -> pd.DataFrame:
    """A balanced panel with unit effects, a common trend and a dynamic effect after treatment."""
    rng = np.random.default_rng(seed)
    cohort = rng.choice(np.array(COHORTS, dtype=np.float64), size=n_units, p=SHARES)
    unit_effect = rng.normal(size=n_units)
    time = np.arange(1, periods + 1, dtype=np.float64)
    treated = (cohort[:, None] > 0) & (time[None, :] >= cohort[:, None])
    effect = np.where(treated, 1.0 + 0.2 * (time[None, :] - cohort[:, None]), 0.0)
    y = unit_effect[:, None] + 0.1 * time[None, :] + effect + rng.normal(size=(n_units, periods))
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(1, n_units + 1, dtype=np.float64), periods),
            "t": np.tile(time, n_units),
            "g": np.repeat(cohort, periods),
            "y": y.ravel(),
        }
    )


# Each runner reads the panel, imports its package (not timed), then estimates ATT(g,t) and the
# four aggregations with the bootstrap (timed) and prints
# {"seconds", "peak_rss_mib", "att_gt": [[g, t, att], ...], "simple": att}.
_COMMON = """
import contextlib, io, json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
frame = pd.read_parquet(sys.argv[1]); biters = int(sys.argv[2])
"""
_END = """
seconds = time.perf_counter() - start
# VmHWM: this process's own peak RSS (ru_maxrss would include the parent's peak before exec).
status = open("/proc/self/status").read().split("VmHWM:")[1].split()
rss = int(status[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mib": rss, "att_gt": cells, "simple": simple}))
"""
RUNNERS = {
    "trepart": """
from trepart.analysis.effects.did import DidSettings, estimate
start = time.perf_counter()
result = estimate(frame, unit="id", time="t", cohort="g", outcome="y",
                  settings=DidSettings(bootstrap=biters, seed=1))
cells = [[c.group, c.time, c.att] for c in result.cells]
simple = result.simple.att
""",
    "csdid": """
from csdid.att_gt import ATTgt
start = time.perf_counter()
model = ATTgt(yname="y", tname="t", idname="id", gname="g", data=frame, biters=biters)
with contextlib.redirect_stdout(io.StringIO()):
    model.fit(est_method="dr", base_period="varying", bstrap=True)
    res = model.results
    cells = [[float(g), float(t), float(a)]
             for g, t, a in zip(res["group"], res["year"], res["att"])]
    for kind in ("simple", "dynamic", "group", "calendar"):
        model.aggte(typec=kind, bstrap=True, biters=biters)
        if kind == "simple":
            simple = float(model.atte["overall_att"])
""",
    "differences": """
from differences import ATTgt
frame = frame.astype({"id": "int64", "t": "int64"})
data = frame.assign(g=frame["g"].where(frame["g"] > 0)).set_index(["id", "t"])
start = time.perf_counter()
model = ATTgt(data=data, cohort_column="g", base_period="varying")
with contextlib.redirect_stdout(io.StringIO()):
    model.fit(formula="y", est_method="dr", control_group="never_treated",
              boot_iterations=biters, random_state=1, progress_bar=False)
    table = model.results()
    cells = [[float(g), float(t), float(a)]
             for (g, _, t), a in zip(table.index, table.iloc[:, 0])]
    aggregated = {kind: model.aggregate(kind, overall=kind != "simple",
                                        boot_iterations=biters, random_state=1)
                  for kind in ("simple", "event", "cohort", "time")}
simple = float(aggregated["simple"].iloc[0, 0])
""",
}


def run(name: str, panel: Path, biters: int, timeout: float) -> dict[str, object]:
    code = _COMMON + RUNNERS[name] + _END
    wall = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, str(panel), str(biters)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.perf_counter() - wall
    if proc.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    return result


def same_cells(a: dict[str, object], b: dict[str, object]) -> float:
    """Largest |ATT(g,t) difference| between two runs (cells matched by (g, t))."""
    ours = {(g, t): att for g, t, att in a["att_gt"]}  # type: ignore[attr-defined]
    theirs = {(g, t): att for g, t, att in b["att_gt"]}  # type: ignore[attr-defined]
    if set(ours) != set(theirs):
        raise AssertionError(f"different cells: {sorted(set(ours) ^ set(theirs))}")
    return max(abs(ours[k] - theirs[k]) for k in ours)


def write_report(results: dict[str, object], note: str) -> None:
    """results.md: the numbers of results.json as tables, with the conditions of the run."""
    lines = [
        "# Staggered DiD benchmark — results",
        "",
        f"Written by `python bench/did/run.py` ({note}). Machine: "
        f"{results['machine']}; bootstrap draws: {results['biters']}.",  # type: ignore[index]
        "",
    ]
    large = results.get("large")
    if isinstance(large, dict):
        lines += [
            f"## Large panel: {large['units']:,} units × {large['periods']} periods, 3 cohorts",
            "",
            "ATT(g,t), the simple, dynamic, group and calendar aggregations, the pre-test and "
            f"{results['biters']} multiplier-bootstrap draws (one process, panel already read):",
            "",
            "| estimate time | wall time of the subprocess | peak RSS | target |",
            "|---|---|---|---|",
            f"| {large['seconds']:.1f} s | {large['wall_seconds']:.1f} s "
            f"| {large['peak_rss_mib']:.0f} MiB | ≤ 60 s, ≤ 4 GiB |",
            "",
        ]
    side = results.get("side_by_side")
    if isinstance(side, dict):
        lines += [
            f"## Side by side: {side['units']:,} units × {side['periods']} periods",
            "",
            "Same settings for all (never-treated comparison, doubly robust, varying base period, "
            f"{results['biters']} bootstrap draws, all four aggregations); imports not timed.",
            "",
            "| package | seconds | peak RSS (MiB) | simple ATT | max abs. ATT(g,t) difference |",
            "|---|---|---|---|---|",
        ]
        for name in ("trepart", "csdid", "differences"):
            diff = side["max_att_gt_difference"].get(name, 0.0)
            lines.append(
                f"| {name} | {side['seconds'][name]:.2f} | {side['peak_rss_mib'][name]:.0f} "
                f"| {side['simple'][name]:.12f} | {diff:.1e} |"
            )
        speed = side["speedup"]
        lines += [
            "",
            f"Speed-up: {speed['csdid']:.1f}× over csdid, {speed['differences']:.1f}× over "
            "differences (target ≥ 10×).",
            "",
        ]
    (HERE / "results.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500_000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--peer-units", type=int, default=20_000)
    parser.add_argument("--biters", type=int, default=999)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument(
        "--note", default="machine shared with other jobs", help="Conditions of the run."
    )
    parser.add_argument(
        "--report-only", action="store_true", help="Rewrite results.md from results.json."
    )
    args = parser.parse_args()
    if args.report_only:
        write_report(json.loads((HERE / "results.json").read_text()), args.note)
        return
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "biters": args.biters,
    }
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_large:
            big = Path(tmp) / "big.parquet"
            generate(args.units, args.periods, seed=1).to_parquet(big)
            large = run("trepart", big, args.biters, timeout=1800)
            large.pop("att_gt")
            results["large"] = {"units": args.units, "periods": args.periods, **large}
            print(f"large panel: {large['seconds']:.1f} s, {large['peak_rss_mib']:.0f} MiB")
        small = Path(tmp) / "small.parquet"
        generate(args.peer_units, args.periods, seed=2).to_parquet(small)
        side: dict[str, dict[str, object]] = {}
        for name in RUNNERS:
            side[name] = run(name, small, args.biters, timeout=3600)
            print(f"{name}: {side[name]['seconds']:.2f} s")
        diffs = {name: same_cells(side["trepart"], side[name]) for name in ("csdid", "differences")}
        for name, diff in diffs.items():
            assert diff < 1e-8, f"ATT(g,t) differ from {name} by {diff}"
        results["side_by_side"] = {
            "units": args.peer_units,
            "periods": args.periods,
            "seconds": {name: side[name]["seconds"] for name in side},
            "peak_rss_mib": {name: side[name]["peak_rss_mib"] for name in side},
            "max_att_gt_difference": diffs,
            "simple": {name: side[name]["simple"] for name in side},
            "speedup": {
                name: float(side[name]["seconds"]) / float(side["trepart"]["seconds"])  # type: ignore[arg-type]
                for name in ("csdid", "differences")
            },
        }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(results, args.note)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
