"""Norwegian municipalities and code translation (SSB Klass 131, 2002–2024).

The worked examples are SSB's own change table: Lunner, Bamble and Songdalen are the three
municipalities of the "Samarbeid lønner seg" study; Stavanger, Oslo and Ålesund show the
other kinds of change.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trepart.analysis.municipalities import (
    KINDS,
    UNKNOWN_CODE,
    CodeChange,
    Klass,
    KlassDataError,
    MunicipalityError,
    load,
    parse_date,
)

klass = load()
VERSION_STARTS = [start for start, _ in klass.versions]


def d(year: int, month: int = 1, day: int = 1) -> date:
    return date(year, month, day)


# -- translation: the worked examples --------------------------------------------------

TRANSLATIONS = [
    # code, from, to, kind, codes
    pytest.param("0533", 2006, 2020, "renumbered", ["3054"], id="Lunner 0533 became 3054 in 2020"),
    pytest.param("3054", 2020, 2024, "renumbered", ["3234"], id="Lunner 3054 became 3234 in 2024"),
    pytest.param("0533", 2006, 2024, "renumbered", ["3234"], id="Lunner 0533 is 3234 in 2024"),
    pytest.param("0814", 2002, 2020, "renumbered", ["3813"], id="Bamble 0814 became 3813 in 2020"),
    pytest.param("3813", 2020, 2024, "renumbered", ["4012"], id="Bamble 3813 became 4012 in 2024"),
    pytest.param("0814", 2002, 2024, "renumbered", ["4012"], id="Bamble 0814 is 4012 in 2024"),
    pytest.param("1017", 2019, 2020, "merged", ["4204"], id="Songdalen merged into Kristiansand"),
    pytest.param("1017", 2002, 2024, "merged", ["4204"], id="Songdalen 2002 is part of 4204"),
    pytest.param("1103", 2019, 2020, "merged", ["1103"], id="Stavanger kept its code in a merger"),
    pytest.param("0301", 2002, 2024, "unchanged", ["0301"], id="Oslo never changed"),
    pytest.param("1507", 2020, 2024, "split", ["1508", "1580"], id="Ålesund split in 2024"),
    pytest.param("1826", 2019, 2020, "unchanged", ["1826"], id="Hattfjelldal only got a name"),
    pytest.param("0533", 2006, 2006, "unchanged", ["0533"], id="the same date changes nothing"),
    pytest.param(
        "1534",
        2019,
        2024,
        "split",
        ["1508", "1580"],
        id="Haram went into 1507 in 2020, so codes cannot tell it came back in 2024",
    ),
    # backwards
    pytest.param(
        "4204", 2024, 2019, "split", ["1001", "1017", "1018"], id="Kristiansand back to 3"
    ),
    pytest.param("3234", 2024, 2006, "renumbered", ["0533"], id="Lunner 3234 back to 0533"),
    pytest.param("4012", 2024, 2002, "renumbered", ["0814"], id="Bamble 4012 back to 0814"),
    pytest.param("1508", 2024, 2020, "merged", ["1507"], id="Ålesund 1508 back is part of 1507"),
    pytest.param("1103", 2020, 2019, "split", ["1103", "1141", "1142"], id="Stavanger back to 3"),
    pytest.param("0301", 2024, 2002, "unchanged", ["0301"], id="Oslo backwards is Oslo"),
]


@pytest.mark.parametrize("code,from_year,to_year,kind,codes", TRANSLATIONS)
def test_translation_examples(
    code: str, from_year: int, to_year: int, kind: str, codes: list[str]
) -> None:
    translation = klass.translate(code, d(from_year), d(to_year))
    assert (translation.kind, list(translation.codes)) == (kind, codes)
    assert translation.needs_weights is (kind == "split")


def test_lunner_goes_through_3054_on_its_way_to_3234() -> None:
    translation = klass.translate("0533", d(2006), d(2024))
    assert [(c.old_code, c.new_code, c.date) for c in translation.changes] == [
        ("0533", "3054", d(2020)),
        ("3054", "3234", d(2024)),
    ]
    assert translation.names == ("Lunner",)


def test_backward_translation_applies_the_newest_change_first() -> None:
    translation = klass.translate("3234", d(2024), d(2006))
    assert [c.date for c in translation.changes] == [d(2024), d(2020)]


def test_ålesund_split_names_both_new_municipalities() -> None:
    translation = klass.translate("1507", d(2020), d(2024))
    assert translation.names == ("Ålesund", "Haram")


def test_a_date_inside_a_version_uses_that_version() -> None:
    # 2006 is valid 2006-01-01 to 2007-12-31; 2019-12-31 is still the 2019 structure.
    assert klass.translate("0533", d(2007, 6, 30), d(2019, 12, 31)).codes == ("0533",)
    assert klass.translate("0533", d(2007, 6, 30), d(2030, 5, 17)).codes == ("3234",)


def test_translation_json_has_exactly_the_documented_keys_in_order() -> None:
    translation = klass.translate("0533", d(2006), d(2024))
    assert list(translation.to_json().items()) == [
        ("code", "0533"),
        ("from", "2006-01-01"),
        ("to", "2024-01-01"),
        ("kind", "renumbered"),
        ("codes", ["3234"]),
    ]


def test_sources_lists_the_municipalities_a_merger_adds_together() -> None:
    merged = klass.sources("4204", to_date=d(2020), from_date=d(2019))
    assert [(m.code, m.name) for m in merged] == [
        ("1001", "Kristiansand"),
        ("1017", "Songdalen"),
        ("1018", "Søgne"),
    ]


# -- translation: errors ------------------------------------------------------------------

ERRORS = [
    pytest.param(
        "0533",
        2024,
        2006,
        "municipality code '0533' is not valid on 2024-01-01; "
        "it was valid 2002-01-01 to 2019-12-31 (Lunner)",
        id="a code no longer valid says when it was",
    ),
    pytest.param(
        "3234",
        2006,
        2024,
        "municipality code '3234' is not valid on 2006-01-01; it is valid from 2024-01-01 (Lunner)",
        id="a code not yet valid says from when",
    ),
    pytest.param("0000", 2006, 2024, "unknown municipality code '0000'", id="an unknown code"),
    pytest.param(
        "1248",
        2006,
        2024,
        "unknown municipality code '1248': it is in no Klass 131 version from 2002-01-01 to "
        "2024-01-01 (it was Laksevåg, which became 1201 Bergen on 1972-01-01)",
        id="a code retired before 2002 is unknown, with what it was",
    ),
    pytest.param(
        "533",
        2006,
        2024,
        "malformed municipality code '533': expected 4 digits such as '0301'; did you mean '0533'?",
        id="a code without its leading zero",
    ),
    pytest.param("Oslo", 2006, 2024, "malformed municipality code 'Oslo'", id="a name"),
    pytest.param(
        "0533",
        2001,
        2024,
        "no municipal structure before 2002-01-01 in the packaged Klass 131 data",
        id="a from-date before 2002",
    ),
    pytest.param(
        "0533",
        2006,
        1999,
        "no municipal structure before 2002-01-01 in the packaged Klass 131 data",
        id="a to-date before 2002",
    ),
]


@pytest.mark.parametrize("code,from_year,to_year,message", ERRORS)
def test_translation_errors(code: str, from_year: int, to_year: int, message: str) -> None:
    with pytest.raises(MunicipalityError) as raised:
        klass.translate(code, d(from_year), d(to_year))
    assert str(raised.value).startswith(message)


def test_a_retired_code_also_says_what_it_became() -> None:
    with pytest.raises(MunicipalityError, match="on 2020-01-01 it became 3054 Lunner"):
        klass.municipality("0533", d(2024))


def test_inconsistent_data_is_an_error_naming_the_codes() -> None:
    # 0101 disappears in 2003 without a change row saying where it went.
    broken = Klass([(d(2002), d(2003), {"0101": "A"}), (d(2003), None, {"0102": "B"})], [])
    with pytest.raises(KlassDataError, match="'0101' of 2002-01-01 translates to '0101'"):
        broken.translate("0101", d(2002), d(2003))


def test_versions_with_a_gap_are_refused() -> None:
    with pytest.raises(KlassDataError, match="ends 2003-01-01, but the next version starts"):
        Klass([(d(2002), d(2003), {}), (d(2004), None, {})], [])


def test_a_change_between_version_starts_is_refused() -> None:
    change = CodeChange("0101", "A", "0102", "B", d(2003, 7, 1))
    with pytest.raises(KlassDataError, match="does not fall on the start"):
        Klass([(d(2002), d(2003), {}), (d(2003), None, {})], [change])


# -- the whole data -----------------------------------------------------------------------


def test_versions_follow_each_other_and_the_latest_is_open_ended() -> None:
    assert VERSION_STARTS[0] == d(2002)
    assert klass.latest == d(2024)
    assert [to for _, to in klass.versions] == [*VERSION_STARTS[1:], None]


def test_every_code_translates_to_valid_codes_in_every_version() -> None:
    for from_date in VERSION_STARTS:
        codes = [m.code for m in klass.municipalities_on(from_date, include_unknown=True)]
        for to_date in VERSION_STARTS:
            valid = {m.code for m in klass.municipalities_on(to_date, include_unknown=True)}
            for code in codes:
                translation = klass.translate(code, from_date, to_date)
                assert translation.kind in KINDS
                assert set(translation.codes) <= valid, (code, from_date, to_date)
                assert list(translation.codes) == sorted(translation.codes)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_translating_back_finds_the_code_again(data: st.DataObject) -> None:
    from_date = data.draw(st.sampled_from(VERSION_STARTS), label="from")
    to_date = data.draw(st.sampled_from(VERSION_STARTS), label="to")
    municipality = data.draw(st.sampled_from(klass.municipalities_on(from_date)), label="code")
    there = klass.translate(municipality.code, from_date, to_date)
    for code in there.codes:
        assert municipality.code in klass.translate(code, to_date, from_date).codes


# -- municipalities on a date -----------------------------------------------------------


@pytest.mark.parametrize(
    "on,count",
    [
        pytest.param(d(2002), 434, id="2002 had 434 municipalities"),
        pytest.param(d(2019), 422, id="2019 had 422"),
        pytest.param(d(2020), 356, id="2020 had 356 after the regional reform"),
        pytest.param(d(2024), 357, id="2024 had 357 after Ålesund's split"),
        pytest.param(d(2031, 6, 1), 357, id="the latest version stays in force"),
    ],
)
def test_municipalities_on_a_date(on: date, count: int) -> None:
    assert len(klass.municipalities_on(on)) == count


def test_uoppgitt_is_left_out_unless_asked_for() -> None:
    assert UNKNOWN_CODE not in {m.code for m in klass.municipalities_on(d(2024))}
    with_unknown = klass.municipalities_on(d(2024), include_unknown=True)
    assert with_unknown[-1].code == UNKNOWN_CODE
    assert klass.translate(UNKNOWN_CODE, d(2002), d(2024)).kind == "unchanged"


def test_municipalities_are_sorted_by_code_and_span_their_whole_name() -> None:
    on_2006 = klass.municipalities_on(d(2006))
    assert [m.code for m in on_2006] == sorted(m.code for m in on_2006)
    lunner = klass.municipality("0533", d(2006))
    assert (lunner.name, lunner.valid_from, lunner.valid_to) == ("Lunner", d(2002), d(2020))
    assert klass.municipality("0301", d(2024)).valid_to is None


def test_names_are_trimmed() -> None:
    # The 2002 version spells it " Borre ".
    assert klass.municipality("0701", d(2002)).name == "Borre"


# -- history ----------------------------------------------------------------------------


def test_lunner_history_ends_with_its_renumbering() -> None:
    history = klass.history("0533")
    assert [(p.name, p.valid_from, p.valid_to) for p in history.periods] == [
        ("Lunner", d(2002), d(2020))
    ]
    assert history.predecessors == ()
    assert [c.new_code for c in history.successors] == ["3054"]


def test_ålesund_1507_was_merged_from_five_and_split_into_two() -> None:
    history = klass.history("1507")
    assert [c.old_code for c in history.predecessors] == ["1504", "1523", "1529", "1534", "1546"]
    assert [c.new_code for c in history.successors] == ["1508", "1580"]
    assert len(history.events) == 7


def test_stavanger_keeping_its_code_is_an_event_but_not_a_predecessor() -> None:
    history = klass.history("1103")
    assert ("1103", "1103") in [(c.old_code, c.new_code) for c in history.events]
    assert [c.old_code for c in history.predecessors] == ["1141", "1142"]
    assert history.successors == ()


def test_a_name_change_starts_a_new_period() -> None:
    names = [p.name for p in klass.history("1826").periods]
    assert names == ["Hattfjelldal", "Aarborte - Hattfjelldal"]


# -- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,on,expected",
    [
        pytest.param("lunner", None, ["3234", "3054", "0533"], id="all Lunner codes newest first"),
        pytest.param("LUNNER", d(2024), ["3234"], id="case does not matter"),
        pytest.param("ålesund", None, ["1508", "1507", "1504"], id="å finds Ålesund"),
        pytest.param("alesund", None, [], id="a does not find å"),
        pytest.param("0301", None, ["0301"], id="a full code"),
        pytest.param("323", d(2024), [f"323{i}" for i in (0, 2, 4, 6, 8)], id="a code prefix"),
        pytest.param("Uoppgitt", None, [], id="9999 is left out"),
    ],
)
def test_search(query: str, on: date | None, expected: list[str]) -> None:
    assert [m.code for m in klass.search(query, on=on)] == expected


def test_search_respects_the_limit() -> None:
    assert len(klass.search("a", limit=3)) == 3


def test_empty_search_is_an_error() -> None:
    with pytest.raises(MunicipalityError, match="empty search"):
        klass.search("  ")


# -- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [("2024-01-01", d(2024)), ("2006", d(2006)), (" 2019-12-31 ", d(2019, 12, 31))],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("2024-13-01", "invalid date '2024-13-01': month must be in 1..12"),
        ("01.01.2024", "invalid date '01.01.2024': expected YYYY-MM-DD or a year YYYY"),
        ("24", "invalid date '24': expected YYYY-MM-DD or a year YYYY"),
        ("", "invalid date '': expected"),
    ],
)
def test_malformed_dates(text: str, message: str) -> None:
    with pytest.raises(MunicipalityError) as raised:
        parse_date(text)
    assert str(raised.value).startswith(message)


# -- the layer rule ---------------------------------------------------------------------


def test_the_module_does_not_import_django() -> None:
    code = (
        "import sys, trepart.analysis.municipalities as m; m.load(); "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
