"""`trepart demo` and `trepart serve`: the README's first command, driven from outside."""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
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


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = command
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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
        children = _children(server.pid)
        server.terminate()
        server.wait(timeout=90)
    # Stopping the server stops gunicorn and the background worker with it.
    assert server.returncode == 0
    assert any("trepart.cli worker" in command for command in children.values()), children
    assert [pid for pid in children if _running(pid)] == []


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


def test_an_import_sent_to_the_api_is_done_by_the_background_worker(
    served: tuple[str, str],
) -> None:
    """`trepart serve` starts `trepart worker` beside gunicorn: the queued import runs."""
    base, _ = served
    auth = "Basic " + base64.b64encode(b"koordinator:trepart-demo-koordinator").decode()
    good = Path(__file__).resolve().parents[1] / "data" / "indicators" / "good.csv"
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{good.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + good.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base + "/api/indicators/imports",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": auth,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        job = json.loads(response.read())
    deadline = time.monotonic() + 60
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        poll = urllib.request.Request(job["url"], headers={"Authorization": auth})
        with urllib.request.urlopen(poll, timeout=10) as response:
            job = json.loads(response.read())
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["rows"] == 6
    assert result["created"] + result["superseded"] + result["unchanged"] == 6
