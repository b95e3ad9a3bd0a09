"""`factcheck links` against web servers on 127.0.0.1: dead, moved, slow and refused links,
robots.txt, retries, HEAD-then-GET, per-host limits, the cache, the three formats, and
the repo's own claims against a local mirror of every page they cite."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from conftest import ENV, REPO, make_site_in
from localweb import Answer, LocalWeb, Request, serve
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.cli.links import _Progress
from mkdocs_factcheck.tools.linkcheck import USER_AGENT, Settings, check_urls, claim_paths, collect

T = TypeVar("T")
ALLOW_LOCAL = frozenset({"127.0.0.1"})

FACTCHECK = [sys.executable, "-m", "mkdocs_factcheck.cli"]
# The local servers are on 127.0.0.1, which the checker refuses unless allowed.
LOCAL = ["--allow-host", "127.0.0.1"]
FAST = ["--timeout", "1", "--retries", "1", "--slow", "0.4", "--max-age", "0", *LOCAL]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FACTCHECK, *args], cwd=cwd, env={**ENV, "CI": "true"}, capture_output=True,
                          text=True, timeout=120)


def claim_file(web: LocalWeb, *, appearance: str, sources: list[str], archive: str = "", quote: str = "") -> str:
    """A valid claim citing the given paths of the local server, one per line (line numbers known)."""
    lines = ["claim: The claim.", "claimant: Someone", f"appearance: {web.url(appearance)}",
             "verdict: misleading", "summary: The short answer.", "sources:"]
    for path in sources:
        lines += ["  - title: A report", f"    url: {web.url(path)}"]
    if archive:
        lines.append(f"    archive_url: {web.url(archive)}")
    if quote:
        lines += ["quotes:", "  - expert: An Expert", "    text: Words.", f"    source: {web.url(quote)}"]
    lines.append("published: 2025-01-30")
    return "\n".join(lines) + "\n"


def flaky(failures: int) -> object:
    """503 for the first `failures` requests, then 200."""
    seen: list[Request] = []

    def answer(request: Request) -> Answer:
        seen.append(request)
        return Answer(503, headers={"Retry-After": "0"}) if len(seen) <= failures else Answer(200)

    return answer


ROUTES = {
    "/robots.txt": Answer(200, b"User-agent: *\nDisallow: /private/\n"),
    "/ok": Answer(200),
    "/gone": Answer(404),
    "/old": Answer(301, headers={"Location": "/new"}),
    "/new": Answer(200),
    "/temporary": Answer(302, headers={"Location": "/ok"}),
    "/removed": Answer(302, headers={"Location": "/"}),
    "/": Answer(200, b"front page"),
    "/slow": Answer(200, delay=0.6),
    "/hang": Answer(200, delay=3),
    "/private/page": Answer(200),
    "/forbidden": Answer(403),
    "/no-head": lambda r: Answer(405) if r.method == "HEAD" else Answer(200),
}


@pytest.fixture
def web() -> object:
    with serve({**ROUTES, "/flaky": flaky(1)}) as local:  # type: ignore[dict-item]
        yield local


def test_each_kind_of_problem_is_reported_at_its_line(tmp_path: Path, web: LocalWeb) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("mixed.yml", claim_file(
        web, appearance="/ok",
        sources=["/gone", "/old", "/temporary", "/slow", "/hang", "/private/page", "/forbidden",
                 "/no-head", "/flaky"],
        archive="/ok", quote="/gone"))
    proc = run("links", "--format", "json", *FAST, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    found = {(f["url"].removeprefix(web.base), f["line"], f["status"]) for f in data["findings"]}
    # sources start on line 7, two lines each; the quote's source is on line 29
    assert found == {
        ("/gone", 8, "dead"), ("/old", 10, "moved"), ("/slow", 14, "slow"), ("/hang", 16, "dead"),
        ("/private/page", 18, "skipped"), ("/forbidden", 20, "refused"), ("/gone", 29, "dead"),
    }
    by_url = {f["url"].removeprefix(web.base): f for f in data["findings"]}
    assert by_url["/old"]["final_url"] == web.url("/new")
    assert by_url["/gone"]["code"] == 404 and by_url["/gone"]["field"] in ("source url", "quote source")
    assert "no answer within 1 s" in by_url["/hang"]["message"]
    assert data["checked"] == {"files": 1, "urls": 10}
    assert "10 links in 1 claim file checked: 3 dead" in proc.stderr
    # robots.txt was read once and its disallowed page never asked for
    assert web.paths().count("/robots.txt") == 1
    assert "/private/page" not in web.paths()
    # HEAD first, GET when HEAD is refused; a 503 is asked again; a 404 gets one GET, no retry
    assert web.paths("HEAD").count("/no-head") == 1 and web.paths("GET").count("/no-head") == 1
    assert web.paths().count("/flaky") == 2
    assert web.paths("HEAD").count("/gone") == 1 and web.paths("GET").count("/gone") == 1
    assert {r.headers["user-agent"] for r in web.requests} == {USER_AGENT}


def test_text_and_github_formats(tmp_path: Path, web: LocalWeb) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("one.yml", claim_file(web, appearance="/old", sources=["/gone"]))
    text = run("links", *FAST, cwd=tmp_path)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0] == f"claims/one.yml:3:13: moved: appearance {web.url('/old')}: " \
                       f"moved permanently (301) to {web.url('/new')}"
    assert lines[1] == f"claims/one.yml:8:10: dead: source url {web.url('/gone')}: 404 Not Found"
    assert lines[-1] == "2 links in 1 claim file checked: 1 dead, 1 moved"
    assert text.stderr == ""  # no progress bar outside a terminal
    github = run("links", "--format", "github", *FAST, cwd=tmp_path).stdout.splitlines()
    assert github[0].startswith("::warning file=claims/one.yml,line=3,col=13,title=moved link::appearance http")
    assert github[1].startswith("::error file=claims/one.yml,line=8,col=10,title=dead link::source url http")


def test_only_warnings_exit_0_and_invalid_files_are_reported(tmp_path: Path, web: LocalWeb) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("moved.yml", claim_file(web, appearance="/ok", sources=["/old", "/removed"]))
    warned = run("links", *FAST, "claims/moved.yml", cwd=tmp_path)
    assert warned.returncode == 0
    assert f"claims/moved.yml:10:10: moved: source url {web.url('/removed')}: redirected to the site's front " \
           f"page ({web.url('/')}): the page is probably gone" in warned.stdout
    site.write_claim("broken.yml", "claim: x\n")
    proc = run("links", *FAST, cwd=tmp_path)
    assert proc.returncode == 1
    assert "claims/broken.yml:1:1: missing required key 'claimant'" in proc.stdout
    assert "not checked" in proc.stdout.splitlines()[-1]
    assert run("links", "nowhere.yml", cwd=tmp_path).returncode == 2
    assert run("links", "--concurrency", "0", cwd=tmp_path).returncode == 2


def test_a_read_only_cache_folder_still_gives_the_report(tmp_path: Path, web: LocalWeb) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("one.yml", claim_file(web, appearance="/ok", sources=["/gone"]))
    (tmp_path / "cache-is-a-file").write_text("", encoding="utf-8")
    proc = run("links", *FAST, "--cache", "cache-is-a-file/links.json", cwd=tmp_path)
    assert proc.returncode == 1 and "dead: source url" in proc.stdout
    assert "warning: cannot write the cache cache-is-a-file/links.json" in proc.stderr


def test_results_are_cached_for_max_age(tmp_path: Path, web: LocalWeb) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("one.yml", claim_file(web, appearance="/ok", sources=["/gone"]))
    first = run("links", "--timeout", "1", *LOCAL, cwd=tmp_path)
    asked = len(web.requests)
    assert first.returncode == 1 and asked >= 3
    cache = json.loads((tmp_path / ".cache" / "factcheck" / "links.json").read_text(encoding="utf-8"))
    assert set(cache["results"]) == {web.url("/ok"), web.url("/gone")}
    second = run("links", "--timeout", "1", *LOCAL, cwd=tmp_path)
    assert second.stdout == first.stdout and len(web.requests) == asked  # nobody was asked again
    run("links", "--timeout", "1", "--max-age", "0", *LOCAL, cwd=tmp_path)
    assert len(web.requests) > asked


def run_checks(checks: Coroutine[Any, Any, T]) -> T:
    """Run the checks in a thread of their own: the browser tests' Playwright keeps an event
    loop running in the main thread for the whole session, and asyncio.run refuses to nest."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, checks).result()


def test_requests_to_one_host_are_bounded() -> None:
    with serve({"/robots.txt": Answer(404)}, fallback=Answer(200, delay=0.5)) as web:
        urls = [web.url(f"/page/{i}") for i in range(12)]
        results = run_checks(check_urls(urls, Settings(per_host=3, concurrency=10, retries=0, allow_hosts=ALLOW_LOCAL)))
    assert {r.status for r in results.values()} == {"ok"}
    assert 2 <= web.most_busy <= 3  # in parallel, never past the bound (a loaded machine may see 2)


def test_progress_shows_on_a_terminal_only(capsys: pytest.CaptureFixture[str]) -> None:
    shown, hidden = _Progress(True), _Progress(False)
    for progress in (shown, hidden):
        progress(3, 40)
        progress.close()
    assert capsys.readouterr().err == "\rchecked 3/40 links\r\x1b[K"


def test_claim_paths_take_files_and_folders(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    (site.claims / "sub").mkdir()
    a = site.write_claim("a.yml", "x: 1\n")
    b = site.write_claim("sub/b.yaml", "x: 1\n")
    assert claim_paths([], site.claims) == [a, b]
    assert claim_paths([site.claims / "sub", a, a], site.claims) == [b, a]


def mirror_path(url: str) -> str:
    parts = urlsplit(url)
    return f"/{parts.netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def mirror_of(urls: set[str]) -> dict[str, Answer]:
    """Routes answering every cited URL at /<host>/<path>?<query> on the local server."""
    return {"/robots.txt": Answer(404)} | {mirror_path(url): Answer(200, b"mirrored page") for url in urls}


def test_the_repos_own_claims_pass_against_a_local_mirror() -> None:
    files = claim_paths([], REPO / "claims")
    citations, errors = collect(files, REPO, DEFAULT_SCALE, 1024 * 1024)
    assert errors == [] and files
    urls = {c.url for c in citations}
    assert len(urls) >= 20
    routes = mirror_of(urls)
    with serve(routes) as web:  # type: ignore[arg-type]
        settings = Settings(rewrite=lambda url: web.url(mirror_path(url)), per_host=4, retries=0,
                            timeout=60, slow=60, allow_hosts=ALLOW_LOCAL)  # a busy CI machine is not a slow source
        results = run_checks(check_urls(sorted(urls), settings))
        asked = set(web.paths("HEAD"))
    assert {url: r.status for url, r in results.items() if r.status != "ok"} == {}
    assert asked == set(routes) - {"/robots.txt"}  # every cited page was asked for, once
