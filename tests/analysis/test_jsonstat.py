"""SSB JSON-stat2 (KOSTRA 12362, a hand-written fixture in tests/data) to indicator rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trepart.analysis import jsonstat
from trepart.analysis.indicator_files import IndicatorRow

FIXTURE = Path(__file__).parent.parent / "data" / "indicators" / "kostra_12362.json"


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return raw


def test_the_dataset_is_read_as_ssb_writes_it() -> None:
    dataset = jsonstat.read(FIXTURE)
    assert dataset.ids == (
        "KOKkommuneregion0000",
        "KOKfunksjon0000",
        "KOKart0000",
        "ContentsCode",
        "Tid",
    )
    assert dataset.sizes == (5, 2, 1, 1, 6)
    assert dataset.table_id == "12362"
    assert dataset.roles["geo"] == ("KOKkommuneregion0000",)
    assert dataset.dimensions["Tid"].codes == ("2015", "2016", "2017", "2018", "2019", "2020")
    assert dataset.dimensions["ContentsCode"].units["KOSbelop0000"]["base"] == "1000 kr"
    # Row-major order, the last dimension fastest: Oslo is the third region.
    cells = list(dataset.cells())
    position, value, status = cells[2 * 12 + 3]
    assert position["KOKkommuneregion0000"] == "0301" and position["Tid"] == "2018"
    assert (value, status) == (None, "..")


def _lunner(rows: tuple[IndicatorRow, ...]) -> list[tuple[str, int, float]]:
    return [(r.municipality, r.year, r.value) for r in rows if r.municipality in ("0533", "3054")]


def test_the_kostra_preset_gives_operating_expenses_in_nok() -> None:
    result = jsonstat.read_file(FIXTURE, "kostra-12362")
    assert result.parsed.ok, result.parsed.error_lines()
    # 1000 kr × 1000: Lunner 0533 until 2019, 3054 from 2020 (each year in its own structure).
    assert _lunner(result.parsed.rows) == [
        ("0533", 2015, 820_000_000.0),
        ("0533", 2016, 844_600_000.0),
        ("0533", 2017, 869_200_000.0),
        ("0533", 2018, 893_800_000.0),
        ("0533", 2019, 918_400_000.0),
        ("3054", 2020, 943_000_000.0),
    ]
    assert {r.indicator for r in result.parsed.rows} == {"operating_expenses_nok"}
    assert {r.source for r in result.parsed.rows} == {"SSB tabell 12362"}
    # Oslo 2018 is "..", Lunner 0533 2020 and 3054 2015–2019 are "." : 7 cells of FG2/AG1.
    assert result.missing == 7
    assert len(result.parsed.rows) == 11
    assert [r.year for r in result.parsed.rows if r.municipality == "0301"] == [
        2015,
        2016,
        2017,
        2019,
        2020,
    ]


def test_regions_that_are_not_municipalities_become_comparison_series() -> None:
    result = jsonstat.read_file(FIXTURE, "kostra-12362")
    assert result.other_regions == (("EAK", "Landet"), ("EKG13", "Kostragruppe 13"))
    national = [(c.year, c.value) for c in result.comparison if c.region == "EAK"]
    assert national[0] == (2015, 420_000_000_000.0)
    assert len(national) == 6


def test_a_sparse_value_object_reads_like_the_array() -> None:
    raw = _raw()
    raw["value"] = {str(i): v for i, v in enumerate(raw["value"]) if v is not None}
    dense = jsonstat.extract(
        jsonstat.read(FIXTURE), jsonstat.PRESETS["kostra-12362"], file_name="dense"
    )
    sparse = jsonstat.extract(
        jsonstat.parse(raw), jsonstat.PRESETS["kostra-12362"], file_name="sparse"
    )
    assert sparse.parsed.rows == dense.parsed.rows
    assert sparse.missing == dense.missing


def test_a_mapping_file_with_another_function_and_a_factor(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "region": "KOKkommuneregion0000",
                "time": "Tid",
                "filters": {"KOKfunksjon0000": "120", "KOKart0000": "AG1"},
                "measures": {"KOSbelop0000": {"indicator": "consultant_spending_nok", "factor": 1}},
                "source": "test",
            }
        )
    )
    result = jsonstat.read_file(FIXTURE, mapping)
    oslo_2015 = next(r for r in result.parsed.rows if r.municipality == "0301")
    assert (oslo_2015.indicator, oslo_2015.value, oslo_2015.source) == (
        "consultant_spending_nok",
        4_400_000.0,
        "test",
    )


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda raw: raw.update({"version": "1.0"}), "only 2.0"),
        (lambda raw: raw.update({"class": "collection"}), "not a JSON-stat2 dataset"),
        (lambda raw: raw.update({"size": [5, 2, 1, 1, 5]}), "has 6 categories but size 5"),
        (lambda raw: raw.update({"value": [1, 2]}), "'value' has 2 cells"),
    ],
)
def test_malformed_datasets(change: Any, message: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(jsonstat.JsonStatError, match=message):
        jsonstat.parse(raw)


@pytest.mark.parametrize(
    "filters,message",
    [
        ({"KOKfunksjon0000": "FG2"}, None),  # art has one category: no filter needed
        ({"KOKart0000": "AG1"}, "KOKfunksjon0000 has 2 categories"),
        ({"KOKfunksjon0000": "999", "KOKart0000": "AG1"}, "has no category 999"),
        ({"Nope": "x", "KOKfunksjon0000": "FG2"}, "names dimension Nope"),
    ],
)
def test_the_mapping_must_fit_the_dataset(filters: dict[str, str], message: str | None) -> None:
    spec = jsonstat.MappingSpec(
        region="KOKkommuneregion0000",
        time="Tid",
        contents="ContentsCode",
        measures={"KOSbelop0000": jsonstat.Measure("operating_expenses_nok", 1000)},
        filters=filters,
    )
    dataset = jsonstat.read(FIXTURE)
    if message is None:
        assert jsonstat.extract(dataset, spec, file_name="x").parsed.ok
    else:
        with pytest.raises(jsonstat.JsonStatError, match=message):
            jsonstat.extract(dataset, spec, file_name="x")


def test_a_code_not_valid_that_year_is_an_error_naming_the_cell() -> None:
    raw = _raw()
    # Pretend SSB published Lunner 2020 under its old code.
    raw["dimension"]["KOKkommuneregion0000"]["category"]["index"] = {
        "EAK": 0,
        "EKG13": 1,
        "0301": 2,
        "0533": 3,
        "0534": 4,
    }
    raw["value"][4 * 12 + 5] = 1  # 0534 Gran 2020 is not valid either (3055 from 2020)
    result = jsonstat.extract(jsonstat.parse(raw), jsonstat.PRESETS["kostra-12362"], file_name="t")
    assert not result.parsed.ok
    assert str(result.parsed.errors[0]).startswith(
        "t:KOKkommuneregion0000=0534,Tid=2020:municipality: municipality code '0534' is not valid"
    )


def test_quarterly_time_codes() -> None:
    raw = _raw()
    raw["dimension"]["Tid"]["category"]["index"] = {f"2020K{q}": q - 1 for q in range(1, 5)} | {
        "2021K1": 4,
        "2021K2": 5,
    }
    raw["dimension"]["Tid"]["category"]["label"] = {}
    result = jsonstat.extract(jsonstat.parse(raw), jsonstat.PRESETS["kostra-12362"], file_name="q")
    # 0533 is not valid in 2020: those cells are errors; the shape is what is tested here.
    periods = {(e.column.split(",")[1].split(":")[0]) for e in result.parsed.errors}
    assert "Tid=2020K1" in periods


def test_an_unknown_preset_or_missing_file() -> None:
    with pytest.raises(jsonstat.JsonStatError, match="kostra-12362"):
        jsonstat.load_mapping("no-such-preset")
