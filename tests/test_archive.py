"""`factcheck archive` against a fake Wayback availability API and Save Page Now on
127.0.0.1, answering in the real APIs' shapes; the claim file changes by the added
archive_url lines only, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import ENV, Site, factcheck, make_site_in
from localweb import Answer, LocalWeb, Request, serve
from mkdocs_factcheck.tools.archive import insert_archive_url, missing_archives

pytestmark = pytest.mark.network

# Comments, odd quoting, a folded title, one source already archived, a flow-style source.
CLAIM = """\
# yaml-language-server: $schema=../schema/claim.schema.json
claim: 'The claim, in single quotes.'   # a comment that must stay
claimant: Someone
verdict: misleading
summary: >-
  The short answer,
  folded over two lines.
sources:
  # the primary document
  - title: >-
      A report with a
      long title
    url: "https://docs.example.org/report"   # quoted on purpose
    publisher: Example Org
  - url: https://already.example.org/page
    title: Already archived
    archive_url: https://web.archive.org/web/2024/https://already.example.org/page
  -   title: Odd indentation
      url:   https://news.example.com/story?id=7&ref=rss
  - {title: Flow style, url: "https://flow.example.org/x"}
  - title: Never captured
    url: https://nowhere.example.net/lost
published: 2025-01-30
"""

CAPTURES = {
    "https://docs.example.org/report": "http://{host}/web/20250101120000/https://docs.example.org/report",
    "https://news.example.com/story?id=7&ref=rss": "http://{host}/web/20250102000000/https://news.example.com/story",
    "https://flow.example.org/x": "http://{host}/web/20250103000000/https://flow.example.org/x",
}


def fake_archive(captures: dict[str, str], save_states: list[dict[str, object]]) -> object:
    """The availability API and SPN2 as documented: GET /wayback/available?url=,
    POST /save (url=...) -> {url, job_id}, GET /save/status/<job_id> -> pending ... success."""

    def answer(request: Request) -> Answer:
        parts = urlsplit(request.path)
        if parts.path == "/wayback/available":
            url = parse_qs(parts.query)["url"][0]
            if url not in captures:
                return Answer(200, json.dumps({"url": url, "archived_snapshots": {}}).encode())
            closest = {"status": "200", "available": True, "url": captures[url],
                       "timestamp": captures[url].split("/web/")[1][:14]}
            return Answer(200, json.dumps({"url": url, "archived_snapshots": {"closest": closest}}).encode())
        if parts.path == "/save" and request.method == "POST":
            url = parse_qs(request.body.decode())["url"][0]
            return Answer(200, json.dumps({"url": url, "job_id": "spn2-3f2a9c4b7d"}).encode())
        if parts.path == "/save/status/spn2-3f2a9c4b7d":
            return Answer(200, json.dumps(save_states.pop(0) if len(save_states) > 1 else save_states[0]).encode())
        return Answer(404, b"{}")

    return answer


@pytest.fixture
def web() -> object:
    with serve({}) as local:
        local.fallback = fake_archive({u: c.format(host=f"127.0.0.1:{local.port}") for u, c in CAPTURES.items()},
                                      [{"status": "pending", "job_id": "spn2-3f2a9c4b7d"}])
        yield local


def run(web: LocalWeb, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return factcheck("archive", "--availability-api", web.url("/wayback/available"),
                     "--wayback", web.base, "--poll", "0.01", "--allow-host", "127.0.0.1", *args,
                     cwd=cwd, env=env or ENV, timeout=120)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site_in(tmp_path)


def without_archive_lines(data: bytes, added: list[bytes]) -> bytes:
    for line in added:
        assert data.count(line) == 1
        data = data.replace(line, b"", 1)
    return data


@pytest.mark.slow
def test_dry_run_shows_the_diff_and_write_adds_only_those_lines(site: Site, web: LocalWeb) -> None:
    path = site.write_claim("one.yml", CLAIM)
    before = path.read_bytes()
    dry = run(web, cwd=site.root)
    assert dry.returncode == 0, dry.stderr
    assert path.read_bytes() == before
    capture = CAPTURES["https://docs.example.org/report"].format(host=f"127.0.0.1:{web.port}")
    assert dry.stdout.startswith("--- a/claims/one.yml\n+++ b/claims/one.yml\n")
    assert f"+    archive_url: {capture}\n" in dry.stdout
    assert "no capture for https://nowhere.example.net/lost: no capture yet (--save asks for one)" in dry.stderr
    assert "claims/one.yml:20: the source is written as {...}; add `archive_url: " in dry.stderr
    # the source already archived was not asked about
    asked = [parse_qs(urlsplit(p).query)["url"][0] for p in web.paths()]
    assert sorted(asked) == sorted([*CAPTURES, "https://nowhere.example.net/lost"])

    wrote = run(web, "--write", cwd=site.root)
    assert wrote.returncode == 0 and wrote.stdout == dry.stdout
    after = path.read_bytes()
    news = CAPTURES["https://news.example.com/story?id=7&ref=rss"].format(host=f"127.0.0.1:{web.port}")
    added = [f"    archive_url: {capture}\n".encode(), f"      archive_url: {news}\n".encode()]
    assert without_archive_lines(after, added) == before
    lines = after.decode().splitlines()
    assert lines[lines.index('    url: "https://docs.example.org/report"   # quoted on purpose') + 1] == \
        f"    archive_url: {capture}"
    data = yaml.safe_load(after)
    assert [s.get("archive_url") for s in data["sources"]] == [
        capture, "https://web.archive.org/web/2024/https://already.example.org/page", news, None, None]
    assert factcheck("validate", cwd=site.root, env=ENV).returncode == 0
    again = run(web, "--write", cwd=site.root)
    assert again.stdout == "" and path.read_bytes() == after


@pytest.mark.slow
def test_line_breaks_and_byte_order_mark_are_kept(site: Site, web: LocalWeb) -> None:
    text = "claim: C\r\nclaimant: S\r\nverdict: misleading\r\nsummary: A.\r\nsources:\r\n" \
           "- title: T\r\n  url: https://docs.example.org/report\r\npublished: 2025-01-30"  # no final break
    path = site.claims / "crlf.yml"
    before = b"\xef\xbb\xbf" + text.encode()
    path.write_bytes(before)
    assert run(web, "--write", cwd=site.root).returncode == 0
    capture = CAPTURES["https://docs.example.org/report"].format(host=f"127.0.0.1:{web.port}")
    line = f"  archive_url: {capture}\r\n".encode()
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and without_archive_lines(after, [line]) == before
    url_line = b"  url: https://docs.example.org/report\r\n"
    assert after.index(line) == after.index(url_line) + len(url_line)


def test_a_url_on_the_last_line_without_a_line_break() -> None:
    text = "published: 2025-01-30\nsources:\n  - title: T\n    url: https://a.example.org/x  # end"
    (missing,) = missing_archives(Path("x.yml"), text)
    assert (missing.url, missing.line, missing.indent, missing.flow) == ("https://a.example.org/x", 3, 4, False)
    assert insert_archive_url(text, missing, "https://web.archive.org/web/2025/https://a.example.org/x") == \
        text + "\n    archive_url: https://web.archive.org/web/2025/https://a.example.org/x\n"
    odd = insert_archive_url(text, missing, "https://web.archive.org/web/2025/https://a.example.org/x #y")
    assert yaml.safe_load(odd)["sources"][0]["archive_url"].endswith("/x #y")


@pytest.mark.slow
def test_a_capture_off_the_archive_is_never_written(site: Site) -> None:
    path = site.write_claim("one.yml", CLAIM)
    before = path.read_bytes()
    with serve({}) as web:
        web.fallback = fake_archive({"https://docs.example.org/report": "https://evil.example.com/web/2025/x"}, [{}])
        proc = run(web, "--write", cwd=site.root)
    assert proc.returncode == 1
    assert "the availability API gave a capture off the archive's host: 'https://evil.example.com/web/2025/x'" \
        in proc.stderr
    assert path.read_bytes() == before


@pytest.mark.slow
def test_save_page_now_makes_the_missing_capture(site: Site, web: LocalWeb) -> None:
    path = site.write_claim("one.yml", CLAIM)
    no_keys = run(web, "--save", cwd=site.root, env={k: v for k, v in ENV.items() if not k.startswith("IA_")})
    assert no_keys.returncode == 2 and "IA_ACCESS_KEY and IA_SECRET_KEY" in no_keys.stderr
    web.fallback = fake_archive({}, [
        {"status": "pending", "job_id": "spn2-3f2a9c4b7d", "resources": []},
        {"status": "success", "job_id": "spn2-3f2a9c4b7d", "original_url": "https://nowhere.example.net/lost",
         "timestamp": "20251129010203", "duration_sec": 6.2, "resources": []},
    ])
    keys = {**ENV, "IA_ACCESS_KEY": "access", "IA_SECRET_KEY": "secret"}
    proc = run(web, "--save", "--write", str(path), cwd=site.root, env=keys)
    assert proc.returncode == 0, proc.stderr
    saves = [r for r in web.requests if r.method == "POST"]
    assert saves and {r.headers["authorization"] for r in saves} == {"LOW access:secret"}
    lost = yaml.safe_load(path.read_bytes())["sources"][4]
    assert lost["archive_url"] == f"{web.base}/web/20251129010203/https://nowhere.example.net/lost"


@pytest.mark.slow
def test_a_failed_save_is_reported_and_nothing_invented(site: Site, web: LocalWeb) -> None:
    path = site.write_claim("one.yml", CLAIM)
    web.fallback = fake_archive({}, [{"status": "error", "status_ext": "error:invalid-host-resolution",
                                      "message": "Couldn't resolve host for https://nowhere.example.net/lost."}])
    keys = {**ENV, "IA_ACCESS_KEY": "access", "IA_SECRET_KEY": "secret"}
    before = path.read_bytes()
    proc = run(web, "--save", "--write", cwd=site.root, env=keys)
    assert proc.returncode == 1
    assert "Save Page Now could not capture https://nowhere.example.net/lost: Couldn't resolve host" in proc.stderr
    assert path.read_bytes() == before


@pytest.mark.slow
def test_invalid_files_are_left_alone(site: Site, web: LocalWeb) -> None:
    path = site.write_claim("bad.yml", "claim: x\nsources:\n  - url: https://docs.example.org/report\n")
    proc = run(web, "--write", cwd=site.root)
    assert proc.returncode == 1 and "not archived: fix the file first" in proc.stderr
    assert path.read_text(encoding="utf-8").count("archive_url") == 0
    assert os.listdir(site.claims) == ["bad.yml"]
