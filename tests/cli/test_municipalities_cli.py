"""`trepart municipalities`: translate, list, history and search from the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trepart.cli.municipalities import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- translate ---------------------------------------------------------------------------


def test_translate_json_is_exactly_the_documented_line() -> None:
    code, out, err = run(
        "translate", "0533", "--from", "2006-01-01", "--to", "2024-01-01", "--json"
    )
    assert (code, err) == (0, "")
    assert out == (
        '{"code": "0533", "from": "2006-01-01", "to": "2024-01-01", '
        '"kind": "renumbered", "codes": ["3234"]}\n'
    )


@pytest.mark.parametrize(
    "args,expected",
    [
        pytest.param(
            ["1507", "--from", "2020", "--to", "2024"],
            {
                "code": "1507",
                "from": "2020-01-01",
                "to": "2024-01-01",
                "kind": "split",
                "codes": ["1508", "1580"],
            },
            id="a split is JSON too, with every code",
        ),
        pytest.param(
            ["1017", "--from", "2019", "--to", "2020"],
            {
                "code": "1017",
                "from": "2019-01-01",
                "to": "2020-01-01",
                "kind": "merged",
                "codes": ["4204"],
            },
            id="Songdalen merged, with bare years as dates",
        ),
        pytest.param(
            ["4204", "--from", "2024-01-01", "--to", "2019-01-01"],
            {
                "code": "4204",
                "from": "2024-01-01",
                "to": "2019-01-01",
                "kind": "split",
                "codes": ["1001", "1017", "1018"],
            },
            id="Kristiansand backwards",
        ),
    ],
)
def test_translate_json(args: list[str], expected: dict[str, object]) -> None:
    code, out, _ = run("translate", *args, "--json")
    assert code == 0
    assert json.loads(out) == expected
    assert out.count("\n") == 1


def test_translate_tells_a_person_what_happened_step_by_step() -> None:
    code, out, _ = run("translate", "0533", "--from", "2006", "--to", "2024")
    assert code == 0
    assert "0533 Lunner (2006-01-01) → 3234 Lunner (2024-01-01): renumbered" in out
    assert "0533 Lunner" in out and "3054 Lunner" in out and "2020-01-01" in out


def test_translate_says_a_split_needs_weights() -> None:
    code, out, _ = run("translate", "1507", "--from", "2020", "--to", "2024")
    assert code == 0
    flat = " ".join(out.split())
    assert "split" in flat
    assert "cannot be translated to 2024-01-01 without weights" in flat
    assert "1508 Ålesund" in flat and "1580 Haram" in flat


def test_translate_names_the_partners_of_a_merger() -> None:
    _, out, _ = run("translate", "1017", "--from", "2019", "--to", "2020")
    flat = " ".join(out.split())
    assert "4204 Kristiansand also covers 1001 Kristiansand, 1018 Søgne of 2019-01-01" in flat


# -- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        pytest.param(
            ["translate", "0533", "--from", "2024", "--to", "2006"],
            "Error: municipality code '0533' is not valid on 2024-01-01; "
            "it was valid 2002-01-01 to 2019-12-31 (Lunner)",
            id="a code not valid on the from-date",
        ),
        pytest.param(
            ["translate", "0000", "--from", "2024", "--to", "2006", "--json"],
            "Error: unknown municipality code '0000'",
            id="an unknown code, also with --json",
        ),
        pytest.param(
            ["translate", "533", "--from", "2006", "--to", "2024"],
            "Error: malformed municipality code '533'",
            id="a code without its leading zero",
        ),
        pytest.param(
            ["translate", "0533", "--from", "1999", "--to", "2024"],
            "Error: no municipal structure before 2002-01-01",
            id="a date before 2002",
        ),
        pytest.param(
            ["translate", "0533", "--from", "2006-02-30", "--to", "2024"],
            "Error: invalid date '2006-02-30'",
            id="an impossible date",
        ),
        pytest.param(
            ["list", "--on", "1.1.2024"], "Error: invalid date '1.1.2024'", id="a Norwegian date"
        ),
        pytest.param(["history", "1248"], "Error: unknown municipality code '1248'", id="history"),
        pytest.param(["search", " "], "Error: empty search", id="an empty search"),
    ],
)
def test_bad_input_exits_2_with_the_message_on_stderr(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert "Traceback" not in err


def test_a_missing_option_exits_2() -> None:
    code, _, _ = run("translate", "0533", "--to", "2024")
    assert code == 2


# -- list, history, search --------------------------------------------------------------


@pytest.mark.parametrize(
    "args,count",
    [
        (["--on", "2002"], 434),
        (["--on", "2020-01-01"], 356),
        (["--on", "2024"], 357),
        (["--on", "2024", "--include-unknown"], 358),
    ],
)
def test_list_json_counts(args: list[str], count: int) -> None:
    code, out, _ = run("list", *args, "--json")
    assert code == 0
    assert len(json.loads(out)) == count


def test_list_json_rows() -> None:
    _, out, _ = run("list", "--on", "2024", "--json")
    assert json.loads(out)[0] == {
        "code": "0301",
        "name": "Oslo",
        "valid_from": "2002-01-01",
        "valid_to": None,
    }


def test_list_defaults_to_today_and_credits_ssb() -> None:
    code, out, _ = run("list")
    assert code == 0
    assert "Statistisk sentralbyrå (SSB)" in " ".join(out.split())


def test_history_json() -> None:
    code, out, _ = run("history", "0533", "--json")
    history = json.loads(out)
    assert code == 0
    assert history["periods"] == [
        {"code": "0533", "name": "Lunner", "valid_from": "2002-01-01", "valid_to": "2020-01-01"}
    ]
    assert [c["new_code"] for c in history["successors"]] == ["3054"]


def test_history_table() -> None:
    code, out, _ = run("history", "1507")
    assert code == 0
    assert "1546 Sandøy" in out and "1580 Haram" in out


def test_search_json_newest_first() -> None:
    code, out, _ = run("search", "lunner", "--json")
    assert code == 0
    assert [m["code"] for m in json.loads(out)] == ["3234", "3054", "0533"]


def test_search_on_a_date() -> None:
    _, out, _ = run("search", "lunner", "--on", "2006", "--json")
    assert [m["code"] for m in json.loads(out)] == ["0533"]


def test_search_without_matches_says_so() -> None:
    code, out, _ = run("search", "Atlantis")
    assert (code, out) == (0, "No municipality matches 'Atlantis'.\n")
