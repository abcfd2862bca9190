"""`trepart indicators ...` run as a user would: exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run_trepart

DATA = Path(__file__).parent.parent / "data" / "indicators"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    return path


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = run_trepart("indicators", *args, TREPART_DATA_DIR=str(data_dir))
    return result.returncode, result.stdout, result.stderr


def test_import_then_export_round_trip(data_dir: Path, tmp_path: Path) -> None:
    code, out, err = _run(data_dir, "import", str(DATA / "excel_nb.csv"), "--note", "test")
    assert code == 0, err
    assert "Imported excel_nb.csv as import 1: 6 rows (6 new, 0 replaced, 0 already stored)." in out
    exported = tmp_path / "out.csv"
    code, out, err = _run(data_dir, "export", str(exported))
    assert code == 0, err
    assert out.strip() == f"Wrote 6 values to {exported}."
    # Importing the export again changes nothing.
    code, out, _ = _run(data_dir, "import", str(exported))
    assert "(0 new, 0 replaced, 6 already stored)" in out


def test_a_bad_file_prints_every_error_exits_2_and_writes_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    code, _out, err = _run(data_dir, "import", str(DATA / "many_errors.csv"))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith("many_errors.csv:2:municipality: '301' is not a municipality")
    assert lines[-1] == "Nothing was imported: 11 errors in many_errors.csv."
    assert len(lines) == 12
    code, _out, err = _run(data_dir, "import", str(DATA / "one_bad_row.csv"))
    assert code == 2 and "one_bad_row.csv:4:municipality:" in err
    exported = tmp_path / "out.csv"
    _run(data_dir, "export", str(exported))
    assert exported.read_text().splitlines() == [
        "municipality,municipality_name,indicator,year,quarter,value,source"
    ]


def test_dry_run_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    code, out, _ = _run(data_dir, "import", str(DATA / "good.csv"), "--dry-run")
    assert code == 0
    assert out.strip() == "good.csv: 6 rows are valid; nothing written (--dry-run)."
    exported = tmp_path / "out.xlsx"
    code, out, _ = _run(data_dir, "export", str(exported))
    assert out.strip() == f"Wrote 0 values to {exported}."


def test_jsonstat_with_the_kostra_preset(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "12362.json"
    shutil.copy(DATA / "kostra_12362.json", source)
    code, out, err = _run(data_dir, "import", str(source))
    assert code == 2 and "needs --mapping" in err
    code, out, err = _run(data_dir, "import", str(source), "--mapping", "kostra-12362")
    assert code == 0, err
    assert "11 rows (11 new" in out
    assert "7 missing cells skipped" in out
    assert "EAK Landet" in out
    exported = tmp_path / "lunner.csv"
    code, out, err = _run(
        data_dir, "export", str(exported), "--municipality", "3234", "--structure", "2024"
    )
    assert code == 0, err
    lines = exported.read_text().splitlines()
    assert len(lines) == 1 + 6  # Lunner 2015–2020, all under 3234
    assert lines[1].startswith("3234,Lunner,operating_expenses_nok,2015,,820000000,harmonised")


def test_template_and_list(data_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "mal.xlsx"
    code, out, _ = _run(data_dir, "template", str(template))
    assert code == 0 and template.is_file()
    code, out, _ = _run(data_dir, "import", str(template), "--dry-run")
    assert code == 0 and "2 rows are valid" in out
    code, out, _ = _run(data_dir, "list", "--json")
    listed = json.loads(out)
    assert listed[0]["id"] == "sick_leave_pct" and listed[0]["custom"] is False


@pytest.mark.parametrize(
    "args,message",
    [
        (["import", "missing.csv"], "no such file"),
        (["import", str(DATA / "good.csv"), "--format", "ods"], "unknown format"),
        (["export", "{tmp}/out.ods"], "cannot tell the format"),
        (["export", "{tmp}/out.csv", "--indicator", "nope"], "unknown indicator 'nope'"),
        (["export", "{tmp}/out.csv", "--structure", "1990"], "no municipal structure before"),
        (["template", "{tmp}/t.csv", "--dialect", "fancy"], "unknown dialect"),
    ],
)
def test_bad_arguments_exit_2(
    data_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, _out, err = _run(data_dir, *[arg.format(tmp=tmp_path) for arg in args])
    assert code == 2
    assert message in err
    assert not any(path.suffix in (".csv", ".ods") for path in tmp_path.iterdir())
