"""Shared helpers: write a small site into a temp folder and build it for real.

Builds and `factcheck` commands run in a forked child of the test process (forked.py):
a process of its own, with its exit code, output, folder and environment, without
starting Python and importing MkDocs again each time.
"""

from __future__ import annotations

import gzip
import inspect
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import forked
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
FACTCHECK = [sys.executable, "-m", "mkdocs_factcheck"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def mkdocs(*args: str, cwd: str | Path, env: dict[str, str] | None = ENV, timeout: float | None = 300,
           input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m mkdocs ARGS` in ``cwd``, as ``subprocess.run(..., capture_output=True, text=True)``
    gives it; ``env`` is the whole environment, as for subprocess."""
    return forked.run(forked.mkdocs_main, args, cwd=cwd, env=env, timeout=timeout, input=input,
                      command=[*MKDOCS, *args])


def factcheck(*args: str, cwd: str | Path, env: dict[str, str] | None = ENV, timeout: float | None = 300,
              input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`factcheck ARGS` in ``cwd`` (``cli.main``), as ``subprocess.run`` gives it."""
    return forked.run(forked.factcheck_main, args, cwd=cwd, env=env, timeout=timeout, input=input,
                      command=[*FACTCHECK, *args])


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its path there; a gzipped file (the sitemap, whose gzip
    header holds the build's date) by its content."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found[path.relative_to(folder).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


def claim_yaml(**overrides: object) -> str:
    """A valid claim file; keyword arguments replace or add top-level fields (None removes)."""
    data: dict[str, object] = {
        "claim": "DeepSeek developed its R1 model in two months for under $6 million.",
        "claimant": "DeepSeek",
        "claim_date": "2025-01-20",
        "appearance": "https://example.org/appearance",
        "verdict": "misleading",
        "summary": "The figure covers the final training run only.",
        "analysis": "Longer *analysis* here.",
        "sources": [{"title": "DeepSeek-V3 Technical Report", "url": "https://arxiv.org/abs/2412.19437",
                     "publisher": "arXiv", "date": "2024-12-27"}],
        "quotes": [{"expert": "Gavin Baker", "role": "Managing partner, Atreides Management",
                    "text": "The figure leaves out prior research costs.", "stance": "disputes"}],
        "tags": ["cost", "training"],
        "published": "2025-01-30",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    def page(self, url: str) -> str:
        path = self.site / url
        if url.endswith("/") or not url:
            path = path / "index.html"
        return path.read_text(encoding="utf-8")


@dataclass
class Site:
    root: Path

    @property
    def claims(self) -> Path:
        return self.root / "claims"

    def write_claim(self, name: str, text: str) -> Path:
        path = self.claims / name
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, *args: str) -> BuildResult:
        proc = mkdocs("build", *args, cwd=self.root)
        return BuildResult(proc.returncode, proc.stdout + proc.stderr, self.root / "site")


def make_site_in(root: Path, config_extra: str = "", plugin_options: str = "",
                 pages: dict[str, str] | None = None) -> Site:
    (root / "claims").mkdir(parents=True, exist_ok=True)
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    for name, text in (pages or {"index.md": "# Test site\n\n<!-- factcheck:latest -->\n"}).items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    options = textwrap.indent(textwrap.dedent(plugin_options).strip(), "      ") if plugin_options else ""
    (root / "mkdocs.yml").write_text(
        "site_name: Test desk\n"
        "site_url: https://checks.example.org/\n"
        "docs_dir: docs\n"
        "theme:\n  name: material\n"
        "plugins:\n  - search\n  - factcheck" + (":\n" + options if options else "") + "\n"
        + config_extra,
        encoding="utf-8",
    )
    return Site(root)


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    def factory(**kwargs: object) -> Site:
        return make_site_in(tmp_path, **kwargs)  # type: ignore[arg-type]

    return factory


REPO_SITE_PARTS = ("mkdocs.yml", "site_src", "claims", "overrides")
REPO_PLUGIN_ENTRY = "  - factcheck:\n"


def copy_repo_site(folder: Path, plugin_options: str = "") -> Path:
    """A copy of the repository's own site in ``folder``, ``plugin_options`` (YAML lines, e.g.
    "page_size: 2") added to its factcheck entry."""
    folder.mkdir(parents=True)
    for part in REPO_SITE_PARTS:
        source = REPO / part
        if source.is_dir():
            # With whatever a local `factcheck generate` left in site_src and its list of them:
            # the plugin and the generator both take those files as their own.
            shutil.copytree(source, folder / part)
        else:
            shutil.copy2(source, folder / part)
    if plugin_options:
        config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
        assert config.count(REPO_PLUGIN_ENTRY) == 1, "mkdocs.yml: the factcheck entry moved"
        options = textwrap.indent(textwrap.dedent(plugin_options).strip(), "      ") + "\n"
        (folder / "mkdocs.yml").write_text(config.replace(REPO_PLUGIN_ENTRY, REPO_PLUGIN_ENTRY + options),
                                           encoding="utf-8")
    return folder


# Browser tests: Playwright driving Debian's Chromium, never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve_folder(folder: Path):
    """Serve a built site on 127.0.0.1 (a free port) in a thread; returns (base_url, stop)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server.shutdown


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


# Markers (pyproject.toml): what a test's fixtures say about it, and which unmarked tests
# were slow anyway (so the fast lane, `-m "not slow and not browser"`, stays fast).
SLOW_FIXTURES = {"make_site"}
SLOW_UNMARKED = 1.0  # seconds (setup and call) an unmarked test may take before it is named
_unmarked_slow: dict[str, float] = {}


# Modules that carry no marks of their own (other work owns them): a test there whose code
# starts a process (`subprocess`, a `run(...)` helper) or builds a site is slow.
MARKED_BY_THEIR_CODE = {"test_cli.py", "test_architecture.py", "test_options.py"}
STARTS_A_PROCESS = re.compile(r"\bsubprocess\.|\brun\(|\.build\(|\bPopen\(")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        elif names & SLOW_FIXTURES or _starts_a_process(item):
            item.add_marker(pytest.mark.slow)


def _starts_a_process(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    if function is None or item.path.name not in MARKED_BY_THEIR_CODE:
        return False
    try:
        return bool(STARTS_A_PROCESS.search(inspect.getsource(function)))
    except (OSError, TypeError):
        return False


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when in ("setup", "call") and "slow" not in report.keywords:
        _unmarked_slow[report.nodeid] = _unmarked_slow.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: Any) -> None:
    slow = sorted(((t, n) for n, t in _unmarked_slow.items() if t > SLOW_UNMARKED), reverse=True)
    if slow:
        terminalreporter.section("unmarked slow tests")
        terminalreporter.write_line(f"{len(slow)} tests not marked slow took over {SLOW_UNMARKED} s "
                                    "(mark them slow, or make them fast):")
        for seconds, nodeid in slow:
            terminalreporter.write_line(f"  {seconds:6.2f}s {nodeid}")
