"""`trepart demo` and `trepart serve`: the README's first command, driven from outside."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import clean_environ, run_trepart


def _environ(data_dir: Path) -> dict[str, str]:
    return clean_environ(TREPART_DATA_DIR=str(data_dir), TREPART_HTTPS="false")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("served")
    demo = run_trepart("demo", TREPART_DATA_DIR=str(data_dir), TREPART_HTTPS="false")
    assert demo.returncode == 0, demo.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "trepart.cli", "serve", "--port", str(port), "--workers", "1"],
        env=_environ(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(base + "/")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read() if server.stdout else ""
                    pytest.fail(f"trepart serve did not start:\n{output}")
                time.sleep(0.3)
        yield base, demo.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_demo_prints_the_demo_logins(served: tuple[str, str]) -> None:
    _base, demo_output = served
    assert "koordinator / trepart-demo-koordinator" in demo_output
    assert "admin / trepart-demo-admin" in demo_output


def test_serve_runs_gunicorn_with_the_demo_data(served: tuple[str, str]) -> None:
    base, _ = served
    status, html, headers = _get(base + "/program/kvalitetskommuneprogrammet/")
    assert status == 200
    assert "Pulje IV" in html
    assert "gunicorn" in headers.get("Server", "")
    assert headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_with_hashed_names_and_long_caching(
    served: tuple[str, str],
) -> None:
    base, _ = served
    _status, html, _headers = _get(base + "/")
    stylesheet = re.search(
        r'href="(/static/vendor/designsystemet/designsystemet\.[0-9a-f]+\.css)"', html
    )
    assert stylesheet, "the Designsystemet stylesheet is not linked with a hashed name"
    status, css, headers = _get(base + stylesheet.group(1))
    assert status == 200 and ".ds-button" in css
    assert "max-age=315360000" in headers["Cache-Control"]


def test_the_api_answers_through_the_server(served: tuple[str, str]) -> None:
    base, _ = served
    status, body, _ = _get(base + "/api/municipalities/1017/translate?from=2019&to=2020")
    assert status == 200
    assert '"kind":"merged"' in body.replace(" ", "")


def test_pdf_reports_render_with_the_collected_static_files(served: tuple[str, str]) -> None:
    base, _ = served
    with urllib.request.urlopen(base + "/besparelser/samarbeid-lonner-seg/pdf/", timeout=60) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "application/pdf"
        assert r.read(5) == b"%PDF-"
