"""The example site with the ``properdocs`` command, the MkDocs 1.x continuation.

ProperDocs finds the plugin through the ``properdocs.plugins`` entry point. It no longer ships
the ``mkdocs`` and ``readthedocs`` themes: they come from ``properdocs-theme-mkdocs`` and
``properdocs-theme-readthedocs`` (in the ``test`` extra).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import URLError

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE_CONFIGS

pytestmark = pytest.mark.clients

PROPERDOCS = str(Path(sys.executable).with_name("properdocs"))
PAGE = "learn/physics/questions/how-does-gausss-law-relate-electric-flux-to-enclosed-charge/"
TITLE = "How does Gauss's law relate electric flux to enclosed charge?"


def assert_quicktakes_page(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == [TITLE]
    assert soup.select_one("article.qt #answer math") is not None
    assert soup.select_one(".qt-related a[href]") is not None
    assert soup.find("link", href=lambda h: bool(h and h.endswith("quicktakes.css"))) is not None


@pytest.mark.parametrize("theme", list(EXAMPLE_CONFIGS))
def test_example_site_builds_strictly_with_properdocs(tmp_path: Path, theme: str) -> None:
    run = subprocess.run(
        [PROPERDOCS, "build", "--strict", "-f", str(EXAMPLE_CONFIGS[theme]), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert_quicktakes_page((tmp_path / PAGE / "index.html").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch_when_up(url: str, server: subprocess.Popen[bytes], log: Path, wait: float = 60) -> str:
    """GET ``url`` once the server answers; fail with its log when it exits or never does."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"properdocs serve exited: {log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"properdocs serve did not answer {url} within {wait} s")


def test_example_site_serves_with_properdocs(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    command = [PROPERDOCS, "serve", "--strict", "--no-livereload", "-a", address]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "-f", str(EXAMPLE_CONFIGS["mkdocs"])], stdout=output, stderr=output
        )
    try:
        assert_quicktakes_page(fetch_when_up(f"http://{address}/{PAGE}", server, log))
    finally:
        server.terminate()
        server.wait(timeout=30)
