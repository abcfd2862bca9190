"""The page "Import an HR-register extract": upload, background job, indicator values with
provenance, precise errors and nothing written on any of them."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from trepart.analysis import municipalities
from trepart.analysis import register as pipeline
from trepart.analysis.indicator_files import MAX_ERRORS
from trepart.analysis.indicators import CATALOGUE
from trepart.analysis.register import synth
from trepart.core.models import Job, JobStatus
from trepart.indicators import register_import
from trepart.indicators.models import ImportBatch, IndicatorValue

URL = "/indikatorer/import/registeruttrekk/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A hand-written extract. Oslo 2021 (Norwegian workdays in 2021: 254): a full-time and a
# half-time employee, 254 + 127 = 381 contracted workdays; a 5-day self-certified spell at
# 100 % (5 days lost) and a 10-workday doctor-certified spell at 50 % of a 50 % position
# (2.5 days). b quits in 2022, so turnover in 2021 is 1 of 2. Lunner's employee keeps the
# old number 0533 after the 2020 renumbering to 3054, takes AFP at the end of 2021 aged 62.
# d's spell lies outside every employment: 5 workdays reported, not counted.
EMPLOYMENTS = """employee_id,municipality,birth_date,start_date,end_date,fte_pct,end_reason
a,0301,1980-05-01,2021-01-01,,100,
b,0301,1960-03-01,2021-01-01,2022-06-30,50,quit
c,0533,1958-06-01,2019-01-01,2021-12-31,80,afp
"""
ABSENCES = """employee_id,municipality,start_date,end_date,grade_pct,certified_by
a,0301,2021-03-01,2021-03-05,100,self
b,0301,2021-04-12,2021-04-23,50,doctor
c,0533,2020-02-03,2020-02-07,100,doctor
d,0301,2021-06-07,2021-06-11,100,self
"""


def _zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def importer(db: None) -> User:
    user = User.objects.create_user("importer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="add_indicatorvalue"))
    return user


@pytest.fixture
def logged_in(client: Client, importer: User, settings: Any) -> Client:
    settings.TASKS = IMMEDIATE
    client.force_login(importer)
    return client


def _post(client: Client, capture: Any, **data: Any) -> Any:
    with capture(execute=True):
        return client.post(URL, data)


def _values() -> dict[tuple[str, str, int], float]:
    return {
        (v.municipality_code, v.indicator_id, v.year): v.value
        for v in IndicatorValue.objects.filter(superseded_at__isnull=True)
    }


# -- the page and who may use it ----------------------------------------------------------------


def test_the_page_needs_a_login_and_the_import_permission(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(User.objects.create_user("reader"))
    assert client.get(URL).status_code == 403
    upload = SimpleUploadedFile("x.zip", _zip({"employments.csv": EMPLOYMENTS}))
    assert client.post(URL, {"extract": upload}).status_code == 403
    assert not Job.objects.exists()


def test_the_page_offers_the_files_and_the_options(logged_in: Client) -> None:
    html = logged_in.get(URL).content.decode()
    assert "Import an HR-register extract" in html and 'enctype="multipart/form-data"' in html
    for name in ("extract", "employments", "absences", "skip_invalid", "synthetic", "note"):
        assert f'name="{name}"' in html
    # The indicator import page links here.
    assert f'href="{URL}"' in logged_in.get("/indikatorer/import/").content.decode()


@pytest.mark.parametrize(
    ("files", "field", "message"),
    [
        ({}, "extract", "Choose the extract: one zip file, or the two tables."),
        ({"employments": "employments.csv"}, "absences", "Choose the absences table too."),
        (
            {"extract": "x.zip", "absences": "absences.csv"},
            "extract",
            "Upload either the zip file or the two tables, not both.",
        ),
        ({"extract": "x.tar"}, "extract", "The file name must end in .zip."),
        (
            {"employments": "e.xlsx", "absences": "a.csv"},
            "employments",
            "The file name must end in .parquet or .csv.",
        ),
    ],
)
def test_the_form_refuses_what_cannot_be_an_extract(
    logged_in: Client, files: dict[str, str], field: str, message: str
) -> None:
    data = {key: SimpleUploadedFile(name, b"x") for key, name in files.items()}
    response = logged_in.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and escape(message) in html
    assert not Job.objects.exists()


def test_a_too_large_file_is_refused(logged_in: Client, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("x.zip", _zip({"employments.csv": EMPLOYMENTS}))
    response = logged_in.post(URL, {"extract": upload})
    assert response.status_code == 400 and "larger than" in response.content.decode()


# -- a hand-written extract --------------------------------------------------------------------


def test_a_hand_written_extract_lands_in_the_store_with_provenance(
    logged_in: Client,
    importer: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    upload = SimpleUploadedFile(
        "tiny.zip",
        _zip({"tiny/employments.csv": EMPLOYMENTS, "tiny/absences.csv": ABSENCES, "README": "x"}),
    )
    reported: list[tuple[float, str]] = []
    report = Job.report

    def recording(job: Job, progress: float, message: str = "", **params: Any) -> None:
        reported.append((progress, message))
        report(job, progress, message, **params)

    monkeypatch.setattr(Job, "report", recording)
    response = _post(logged_in, django_capture_on_commit_callbacks, extract=upload, note="test")
    # Progress goes forwards through unpacking, the pipeline's steps and the writing.
    assert [p for p, _ in reported] == sorted(p for p, _ in reported)
    messages = [m for _, m in reported]
    for step in ("Unpacking the extract", "Checking the input", "Computing the indicators"):
        assert step in messages
    assert messages[-1] == "Stored %(done)s of %(total)s new values"
    job = Job.objects.get()
    assert response["Location"] == f"/jobber/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.errors
    values = _values()
    assert values[("0301", "contracted_workdays", 2021)] == pytest.approx(381)
    assert values[("0301", "lost_workdays", 2021)] == pytest.approx(7.5)
    assert values[("0301", "sick_leave_pct", 2021)] == pytest.approx(100 * 7.5 / 381)
    assert values[("0301", "sick_leave_self_pct", 2021)] == pytest.approx(100 * 5 / 381)
    assert values[("0301", "sick_leave_doctor_pct", 2021)] == pytest.approx(100 * 2.5 / 381)
    assert values[("0301", "headcount", 2021)] == 2
    assert values[("0301", "fte_years", 2021)] == pytest.approx(1.5)
    # The catalogue's fulltime_share is a share (0–1), as the pipeline computes it.
    assert values[("0301", "fulltime_share", 2021)] == pytest.approx(0.5)
    assert values[("0301", "avg_fte_pct", 2021)] == pytest.approx(75)
    assert values[("0301", "turnover_pct", 2021)] == pytest.approx(50)
    # Lunner: 0533 on 1 January 2019, renumbered to 3054 on 1 January 2020 and 2021.
    assert values[("0533", "headcount", 2019)] == 1
    assert values[("3054", "sick_leave_pct", 2020)] == pytest.approx(100 * (5 * 0.8) / (254 * 0.8))
    assert values[("3054", "afp_uptake_pct", 2021)] == pytest.approx(100)
    assert not any(code == "0533" and year >= 2020 for code, _, year in values)
    # No value where the pipeline has none: turnover in the last year, AFP without anyone 62–66.
    assert ("0301", "turnover_pct", 2022) not in values
    assert ("0533", "afp_uptake_pct", 2019) not in values

    batch = ImportBatch.objects.get()
    assert batch.format == "register" and batch.file_name == "tiny.zip"
    assert batch.imported_by == importer and batch.row_count == len(values)
    assert batch.note.startswith("test\nHR-register extract tiny.zip, imported by job ")
    assert f"job {job.pk} started by importer" in batch.note
    assert "absence workdays outside every employment: 5 (1 employees)" in batch.note
    oslo = IndicatorValue.objects.get(municipality_code="0301", indicator_id="headcount", year=2021)
    # The computed table is sorted by municipality and year; its header is row 1.
    assert oslo.row_number == 2 and oslo.batch == batch and not oslo.is_synthetic
    assert oslo.source == "HR-register extract tiny.zip"
    lunner = IndicatorValue.objects.get(
        municipality_code="3054", indicator_id="headcount", year=2021
    )
    assert lunner.row_number == 6

    result = job.result
    assert result["rows"] == 5 and result["values"] == len(values)
    assert result["years"] == [2019, 2022] and result["municipality_count"] == 3
    assert result["renumbered"] == [{"code": "0533", "new_code": "3054", "years": [2020, 2021]}]
    assert result["missing"]["turnover_pct"] == 1 and result["ignored"] == ["README"]
    assert result["sources"] == {
        "employments": "tiny/employments.csv",
        "absences": "tiny/absences.csv",
    }
    html = logged_in.get(response["Location"]).content.decode()
    assert f"Imported {len(values)} values for 3 municipalities from tiny.zip." in html
    assert "Absence workdays outside every employment of the same employee" in html
    assert ": 5 (employees with such days: 1)" in html
    assert "0533 → 3054 (2020, 2021)" in html
    assert 'href="/kommuner/0301/indikatorer/"' in html
    assert 'href="/kommuner/3054/indikatorer/?struktur=2020-01-01"' in html
    assert 'href="/kommuner/0533/indikatorer/?struktur=2002-01-01"' in html
    assert (
        "Import of the HR-register extract tiny.zip" in logged_in.get("/jobber/").content.decode()
    )
    # The job's folder (upload and unpacked tables) is gone.
    assert not job.directory.exists()


def test_the_two_tables_uploaded_separately_and_imported_again(
    logged_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    def upload() -> None:
        _post(
            logged_in,
            django_capture_on_commit_callbacks,
            employments=SimpleUploadedFile("ansettelser.csv", EMPLOYMENTS.encode()),
            absences=SimpleUploadedFile("fravaer.CSV", ABSENCES.encode()),
            source="PAI 2023",
        )

    upload()
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result["file"] == "ansettelser.csv + fravaer.CSV"
    assert job.result["sources"] == {"employments": "ansettelser.csv", "absences": "fravaer.CSV"}
    first = _values()
    assert first[("0301", "headcount", 2021)] == 2
    assert {v.source for v in IndicatorValue.objects.all()} == {"PAI 2023"}
    upload()
    again = Job.objects.exclude(pk=job.pk).get()
    assert again.status == JobStatus.SUCCEEDED
    assert again.result["created"] == 0 and again.result["unchanged"] == len(first)
    assert _values() == first


def test_units_are_converted_to_the_catalogue_explicitly() -> None:
    assert register_import.unit_factor("share", "percent") == 100
    assert register_import.unit_factor("percent", "share") == 0.01
    assert register_import.unit_factor("days", "days") == 1
    with pytest.raises(ValueError, match="cannot convert days to persons"):
        register_import.unit_factor("days", "persons")
    # Every computed column has a unit, and every unit agrees with the catalogue's.
    assert set(register_import.REGISTER_UNITS) == set(pipeline.OUTPUT_COLUMNS) - {
        "municipality",
        "year",
    }
    assert register_import.column_factors(CATALOGUE) == dict.fromkeys(
        register_import.REGISTER_UNITS, 1.0
    )
    # Were the catalogue's fulltime_share a percentage, the share would be multiplied by 100.
    as_percent = {
        **CATALOGUE,
        "fulltime_share": dataclasses.replace(CATALOGUE["fulltime_share"], unit="percent"),
    }
    result = pipeline.RegisterResult(_table([("0301", 2021, {"fulltime_share": 0.25})]), _quality())
    converted = register_import.to_parsed_file(
        result, file_name="x", source="s", codes_from="e.csv", indicators=as_percent
    )
    assert [(r.indicator, r.value) for r in converted.parsed.rows] == [("fulltime_share", 25.0)]


def _table(rows: list[tuple[str, int, dict[str, float]]]) -> Any:
    columns: dict[str, list[Any]] = {name: [] for name in pipeline.OUTPUT_COLUMNS}
    for code, year, values in rows:
        for name in pipeline.OUTPUT_COLUMNS:
            columns[name].append(
                code if name == "municipality" else year if name == "year" else values.get(name)
            )
    return pa.table(columns, schema=pipeline.OUTPUT_SCHEMA)


def _quality() -> pipeline.QualitySummary:
    return pipeline.QualitySummary({}, {}, {}, 0, 0, None, None, "duckdb")


def test_codes_are_placed_on_1_january_of_each_year() -> None:
    klass = municipalities.load()
    placed = register_import.place_codes(
        [("0533", 2019), ("0533", 2024), ("3234", 2018), ("1017", 2020), ("1507", 2024)],
        klass,
    )
    assert placed.codes == {("0533", 2019): "0533", ("0533", 2024): "3234", ("3234", 2018): "0533"}
    assert placed.renumbered == {("0533", "3234"): [2024], ("3234", "0533"): [2018]}
    reasons = {(p.code, p.year): p.reason for p in placed.problems}
    assert set(reasons) == {("1017", 2020), ("1507", 2024)}
    assert (
        "'1017' (Songdalen) is not valid on 2020-01-01: it is part of 4204 Kristiansand"
        in (reasons[("1017", 2020)])
    )
    assert "divided between 1508 Ålesund, 1580 Haram" in reasons[("1507", 2024)]
    # A renumbered code beside its new code in the same year: two sets of values for one.
    both = register_import.place_codes([("0533", 2020), ("3054", 2020)], klass)
    assert [(p.code, p.year) for p in both.problems] == [("0533", 2020)]
    assert "codes 0533 and 3054 are both municipality 3054 on 2020-01-01" in both.problems[0].reason
    unknown = register_import.place_codes([("9876", 2020)], klass)
    assert unknown.problems and "9876" in unknown.problems[0].reason


# -- a generated extract -----------------------------------------------------------------------


def _generated(folder: Path, *, second_jobs: bool) -> Path:
    """A generated extract (150 positions, 2021–2023) as Parquet with its truth.json; without
    ``second_jobs``, employees with two employments in one municipality are left out."""
    extract = synth.generate(150, 2021, 2023, seed=5)
    if not second_jobs:
        employments = extract.employments
        pairs = Counter(
            zip(
                employments["employee_id"].to_pylist(),
                employments["municipality"].to_pylist(),
                strict=True,
            )
        )
        twice = pa.array(sorted({employee for (employee, _), n in pairs.items() if n > 1}))
        extract = dataclasses.replace(
            extract,
            employments=employments.filter(pc.invert(pc.is_in(employments["employee_id"], twice))),
        )
    synth.write(extract, folder, fmt="parquet")
    return folder


def _zipped(folder: Path, name: str) -> SimpleUploadedFile:
    members: dict[str, str | bytes] = {
        file: (folder / file).read_bytes()
        for file in ("employments.parquet", "absences.parquet", "truth.json")
    }
    return SimpleUploadedFile(name, _zip(members))


def test_a_generated_extract_round_trips(
    logged_in: Client, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    folder = _generated(tmp_path, second_jobs=False)
    expected = pipeline.compute_indicators(folder)
    _post(logged_in, django_capture_on_commit_callbacks, extract=_zipped(folder, "synth.zip"))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    # The generator's truth.json marks the values as synthetic.
    assert job.result["synthetic"] is True
    assert not IndicatorValue.objects.filter(is_synthetic=False).exists()
    stored = _values()
    wanted = {
        (row["municipality"], column, row["year"]): row[column]
        for row in expected.table.to_pylist()
        for column in register_import.REGISTER_UNITS
        if row[column] is not None
    }
    assert len(stored) == len(wanted) > 500
    assert stored == pytest.approx(wanted)
    assert job.result["rows"] == expected.table.num_rows
    assert job.result["years"] == [2021, 2023]
    read = expected.quality.rows_read
    assert [t["read"] for t in job.result["tables"]] == [read["employments"], read["absences"]]


def test_an_average_position_above_100_percent_is_stored(
    logged_in: Client, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    """Two positions of one employee in one municipality add up (the catalogue's avg_fte_pct
    = 100 × fte_years / headcount may exceed 100), and the store takes such a value."""
    folder = _generated(tmp_path, second_jobs=True)
    table = pipeline.compute_indicators(folder).table.to_pylist()
    above = {
        (row["municipality"], row["year"]): row["avg_fte_pct"]
        for row in table
        if row["avg_fte_pct"] is not None and row["avg_fte_pct"] > 100
    }
    assert above
    _post(logged_in, django_capture_on_commit_callbacks, extract=_zipped(folder, "synth.zip"))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    stored = {
        (v.municipality_code, v.year): v.value
        for v in IndicatorValue.objects.filter(indicator_id="avg_fte_pct")
    }
    for key, value in above.items():
        assert stored[key] == pytest.approx(value)


# -- broken extracts: precise errors, nothing written ------------------------------------------


def _assert_nothing_written() -> None:
    assert not IndicatorValue.objects.exists() and not ImportBatch.objects.exists()


def test_rows_that_break_the_schema_are_listed_and_nothing_is_written(
    logged_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    broken = (
        EMPLOYMENTS + "e,0301,1970-01-01,2021-13-01,,100,\nf,0302,1970-01-01,2021-01-01,,150,\n"
    )
    upload = SimpleUploadedFile(
        "broken.zip", _zip({"employments.csv": broken, "absences.csv": ABSENCES})
    )
    response = _post(logged_in, django_capture_on_commit_callbacks, extract=upload)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    _assert_nothing_written()
    found = {(e["file"], e["row"], e["column"]): e["reason"] for e in job.errors}
    assert set(found) == {
        ("employments.csv", 5, "start_date"),
        ("employments.csv", 6, "municipality"),
        ("employments.csv", 6, "fte_pct"),
    }
    assert "unknown municipality code" in found[("employments.csv", 6, "municipality")]
    assert job.error_count == 3 and job.result["row_errors"] is True
    html = logged_in.get(response["Location"]).content.decode()
    assert "Nothing was imported: the extract has errors (3)." in html
    assert "<code>fte_pct</code>" in html and '<td class="numeric">6</td>' in html
    assert "Skip invalid rows" in html


def test_skip_invalid_imports_the_rest_and_counts_what_it_left_out(
    logged_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    broken = EMPLOYMENTS + "f,0301,1970-01-01,2021-01-01,,150,\n"
    upload = SimpleUploadedFile(
        "broken.zip", _zip({"employments.csv": broken, "absences.csv": ABSENCES})
    )
    response = _post(
        logged_in, django_capture_on_commit_callbacks, extract=upload, skip_invalid="on"
    )
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert _values()[("0301", "headcount", 2021)] == 2  # f is left out
    employments = job.result["tables"][0]
    assert employments["read"] == 4 and employments["skipped"] == 1
    assert len(employments["reasons"]) == 1 and employments["reasons"][0][0].startswith("fte_pct")
    assert "employments: 4 rows read, 1 invalid rows skipped" in ImportBatch.objects.get().note
    html = logged_in.get(response["Location"]).content.decode()
    assert "Why rows of employments were skipped" in html


def test_a_code_that_cannot_be_placed_fails_the_job_and_writes_nothing(
    logged_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # Songdalen's employee keeps 1017 into 2020, when Songdalen is part of Kristiansand.
    employments = EMPLOYMENTS + "g,1017,1970-01-01,2019-01-01,2020-12-31,100,quit\n"
    response = _post(
        logged_in,
        django_capture_on_commit_callbacks,
        employments=SimpleUploadedFile("ansettelser.csv", employments.encode()),
        absences=SimpleUploadedFile("fravaer.csv", ABSENCES.encode()),
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    _assert_nothing_written()
    assert job.errors == [
        {
            "file": "ansettelser.csv",
            "row": None,
            "column": "municipality",
            "reason": "year 2020: '1017' (Songdalen) is not valid on 2020-01-01: it is part of "
            "4204 Kristiansand then (merged with other municipalities); give each employment "
            "the code valid on 1 January of each year (split employments that cross the change)",
        }
    ]
    html = logged_in.get(response["Location"]).content.decode()
    assert "Nothing was imported: the computed values have errors (1)." in html


def test_an_extract_without_rows_imports_nothing(
    logged_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    header_only = {
        "employments.csv": EMPLOYMENTS.splitlines()[0] + "\n",
        "absences.csv": ABSENCES.splitlines()[0] + "\n",
    }
    _post(
        logged_in,
        django_capture_on_commit_callbacks,
        extract=SimpleUploadedFile("empty.zip", _zip(header_only)),
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.message == "Nothing was imported: the extract holds no employments."
    assert job.errors[0]["file"] == "employments.csv"
    _assert_nothing_written()


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"employments.csv": EMPLOYMENTS}, "no absences.parquet or absences.csv in the zip"),
        (
            {"a/employments.csv": EMPLOYMENTS, "b/employments.csv": "", "absences.csv": ABSENCES},
            "employments is there twice (a/employments.csv and b/employments.csv)",
        ),
        (None, "not a readable zip file"),
    ],
)
def test_a_zip_without_the_two_tables_fails_the_job(
    logged_in: Client,
    django_capture_on_commit_callbacks: Any,
    members: dict[str, str | bytes] | None,
    reason: str,
) -> None:
    content = b"not a zip" if members is None else _zip(members)
    _post(
        logged_in,
        django_capture_on_commit_callbacks,
        extract=SimpleUploadedFile("x.zip", content),
    )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["file"] == "x.zip" and reason in job.errors[0]["reason"]
    _assert_nothing_written()


def test_unpacking_never_leaves_the_folder_and_stops_at_the_size_limit(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    archive.write_bytes(
        _zip({"../../outside/employments.csv": EMPLOYMENTS, "/abs/absences.csv": ABSENCES})
    )
    folder = tmp_path / "job" / "extract"
    unpacked = register_import.unpack_extract(archive, folder, limit=10_000, name="evil.zip")
    assert sorted(p.name for p in folder.iterdir()) == ["absences.csv", "employments.csv"]
    assert (folder / "employments.csv").read_text() == EMPLOYMENTS
    assert not (tmp_path / "outside").exists() and not Path("/abs/absences.csv").exists()
    assert unpacked.sources["employments"] == "../../outside/employments.csv"
    # A member that unpacks to more than the limit (a zip bomb) is refused, whatever its size
    # in the zip.
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip({"employments.csv": "0" * 200_000, "absences.csv": ABSENCES}))
    assert bomb.stat().st_size < 2000
    with pytest.raises(register_import.ExtractError, match=r"employments\.csv is larger than"):
        register_import.unpack_extract(bomb, tmp_path / "b", limit=100_000, name="bomb.zip")


def test_codes_that_cannot_be_placed_are_listed_up_to_the_error_limit() -> None:
    klass = municipalities.load()
    merged = [
        m.code
        for m in klass.municipalities_on(date(2019, 1, 1))
        if klass.translate(m.code, date(2019, 1, 1), date(2020, 1, 1)).kind == "merged"
    ]
    rows = [(code, year, {"headcount": 1.0}) for code in merged for year in (2020, 2021, 2022)]
    assert len(rows) > MAX_ERRORS
    converted = register_import.to_parsed_file(
        pipeline.RegisterResult(_table(rows), _quality()),
        file_name="x.zip",
        source="s",
        codes_from="employments.parquet",
        indicators=CATALOGUE,
    )
    parsed = converted.parsed
    assert not parsed.rows and len(parsed.errors) == MAX_ERRORS
    assert parsed.error_count == len(converted.placement.problems) > MAX_ERRORS
    # Stavanger kept its number 1103 when it took in Finnøy and Rennesøy: valid in 2020.
    assert ("1103", 2020) in converted.placement.codes
    assert ("1141", 2020) in {(p.code, p.year) for p in converted.placement.problems}
    assert {(e.file, e.row, e.column) for e in parsed.errors} == {
        ("employments.parquet", None, "municipality")
    }


def test_a_generated_extract_across_the_2020_reform_is_imported(
    logged_in: Client, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    """The generator gives each employment and spell the code valid on its dates (an
    employment crossing 1 January 2020 goes on under the new code), so a 2019–2021 extract
    has no merged codes after the merger and the import takes it whole."""
    synth.write(synth.generate(2_000, 2019, 2021, seed=7), tmp_path, fmt="parquet")
    _post(logged_in, django_capture_on_commit_callbacks, extract=_zipped(tmp_path, "synth.zip"))
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result["years"] == [2019, 2021]
    klass = municipalities.load()
    stored = {(code, year) for code, _, year in _values()}
    for code, year in stored:
        assert klass.municipality(code, date(year, 1, 1)).code == code
    # Values on both sides of the reform: Kristiansand (1001) and the municipalities merged
    # into new ones in 2019, the merged Kristiansand (4204) from 2020.
    assert {("1001", 2019), ("4204", 2020), ("4204", 2021)} <= stored
    in_2020 = {m.code for m in klass.municipalities_on(date(2020, 1, 1))}
    gone = {code for code, year in stored if year == 2019} - in_2020
    assert len(gone) > 50
    assert not {code for code, year in stored if year > 2019} & gone
