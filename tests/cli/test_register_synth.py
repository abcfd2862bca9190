"""`trepart register synth`: a synthetic extract written through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.helpers import run_trepart
from trepart.analysis.register import synth
from trepart.cli.register import demo_participants


def _synth(tmp_path: Path, out: Path, *args: str) -> tuple[int, str, str]:
    done = run_trepart(
        "register", "synth", "--out", str(out), *args, TREPART_DATA_DIR=str(tmp_path / "data")
    )
    return done.returncode, done.stdout, done.stderr


def test_writes_a_parquet_extract_with_the_demo_programme_effect(tmp_path: Path) -> None:
    out = tmp_path / "extract"
    args = ("--employees", "300", "--years", "2006-2009", "--seed", "3")
    code, stdout, stderr = _synth(tmp_path, out, *args)
    assert code == 0, stderr
    assert "Wrote a synthetic extract" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "absences.parquet",
        "employments.parquet",
        "truth.json",
    ]
    employments = pq.read_table(out / "employments.parquet")
    assert employments.schema.equals(synth.EMPLOYMENT_SCHEMA)
    assert employments.num_rows >= 300
    truth = json.loads((out / "truth.json").read_text())
    assert truth["effects"][0]["effect"] == -0.4
    assert truth["effects"][0]["onset"] == "from the first full calendar year after joining"
    joined = {p["code"] for t in truth["treated"] for p in t["participants"]}
    assert len(joined) == 138  # Kvalitetskommuneprogrammet's municipalities in the demo
    # The same arguments give the same files, byte for byte.
    again = tmp_path / "again"
    assert _synth(tmp_path, again, *args)[0] == 0
    for name in ("employments.parquet", "absences.parquet", "truth.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes()


def test_writes_csv_without_an_effect(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    code, _stdout, stderr = _synth(
        tmp_path,
        out,
        *("--employees", "50", "--years", "2024-2024", "--format", "csv"),
        *("--participants", "none"),
    )
    assert code == 0, stderr
    header = (out / "absences.csv").read_text().splitlines()[0].replace('"', "")
    assert header == "employee_id,municipality,start_date,end_date,grade_pct,certified_by"
    assert json.loads((out / "truth.json").read_text())["treated"] == []


def test_reads_participants_from_a_file(tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("code,joined\n0533,2006-01-01\n0301,2023-05-02\n")
    out = tmp_path / "extract"
    code, _stdout, stderr = _synth(
        tmp_path,
        out,
        *("--employees", "40", "--years", "2024-2024", "--participants", str(members)),
        *("--effect", "-0.6"),
    )
    assert code == 0, stderr
    truth = json.loads((out / "truth.json").read_text())
    assert truth["effects"][0]["effect"] == -0.6
    assert {t["municipality"]: t["first_treated_year"] for t in truth["treated"]} == {
        "0301": 2024,
        "3234": 2006,  # Lunner's code in 2024
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--years", "2005-x"), "--years '2005-x': give FROM-TO"),
        (("--years", "1990-1995"), "2002 or later"),
        (("--employees", "0"), "at least 1"),
        (("--format", "xlsx"), "unknown format 'xlsx'"),
        (("--effect", "0.3", "--participants", "none"), "can only lower"),
        (("--participants", "members.csv"), "row 3: column joined: '2007-13-01' is not a date"),
        (("--out", "members.csv"), "members.csv exists and is not a folder"),
    ],
)
def test_bad_arguments_end_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "members.csv").write_text("code,joined\n0301,2007-01-01\n0533,2007-13-01\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "extract"
    if "--participants" not in args:
        args = (*args, "--participants", "none")  # no Django set-up needed: quicker
    code, _stdout, stderr = _synth(tmp_path, out, "--employees", "10", *args)
    assert code == 2
    assert stderr.startswith("Error: ") and message in stderr, stderr
    assert not out.exists()


@pytest.mark.django_db
def test_demo_participants_are_those_trepart_demo_registers() -> None:
    from trepart.indicators.demo import participants
    from trepart.registry.demo import load_demo

    load_demo()
    stored = sorted(participants(), key=lambda p: (p.joined, p.code))
    assert demo_participants() == stored
    assert len(stored) == 138
