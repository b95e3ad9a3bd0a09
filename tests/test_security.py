"""Issue 5: nothing a contributor writes can run in a reader's browser or break the build.

Every corpus payload (tests/attacks/) goes into every text field of a claim file;
real sites are built and every output is parsed the way its consumers read it:
HTML pages, the Atom feed, the JSON and CSV exports and the search index. Then the
malformed files: each must stop `mkdocs build` with a located error, no traceback,
no half-written site and no hang. SECURITY.md describes the threat model.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attacks
import feedparser
import lxml.html
import pytest
import yaml
from conftest import ENV, REPO, claim_yaml, factcheck, make_site_in, mkdocs
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_factcheck import cli
from mkdocs_factcheck.base.errors import printable
from mkdocs_factcheck.base.strings import strings_for
from mkdocs_factcheck.claims.catalog import build_catalog
from mkdocs_factcheck.claims.history import claim_histories
from mkdocs_factcheck.claims.loader import ClaimLoader, parse_claim
from mkdocs_factcheck.claims.model import browser_host
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.urls import RESERVED_IDS
from mkdocs_factcheck.output import jsonld
from mkdocs_factcheck.output.feeds import atom_feed, csv_export
from mkdocs_factcheck.output.markup import MarkdownRenderer, complexity_problem, plain_text, sanitize
from mkdocs_factcheck.output.render import Renderer, SiteInfo

SITE_NAME = "Test desk"  # conftest's mkdocs.yml
BUILD_TIMEOUT = 60


# Sites built once per run: a benign one (what the theme writes by itself) and the attack.


@pytest.fixture(scope="module")
def baseline() -> attacks.Baseline:
    built = attacks.baseline_site()
    assert built.returncode == 0, built.output
    return attacks.Baseline.of_site(built.site)


@pytest.fixture(scope="module")
def attack() -> attacks.BuiltSite:
    built = attacks.attack_site()
    assert built.returncode == 0, built.output
    assert "Traceback" not in built.output
    return built


@pytest.fixture(scope="module")
def expected_reviews(attack: attacks.BuiltSite) -> dict[str, dict[str, Any]]:
    """The ClaimReview each claim page must carry, from the library itself."""
    claim_set = ClaimLoader(DEFAULT_SCALE).load(attack.root / "claims")
    assert claim_set.ok, claim_set.errors
    renderer = _renderer()
    return {
        claim_id: jsonld.claim_review(
            claim, DEFAULT_SCALE, url=f"{attacks.SITE_URL}claims/{claim_id}/",
            organization=SITE_NAME, organization_url=attacks.SITE_URL,
            summary_text=renderer.claim_html(claim).summary_text)
        for claim_id, claim in claim_set.claims.items()
    }


def _renderer() -> Renderer:
    site = SiteInfo(name=SITE_NAME, url=attacks.SITE_URL, organization=SITE_NAME,
                    organization_url=attacks.SITE_URL, default_author=SITE_NAME)
    return Renderer(strings_for(None), DEFAULT_SCALE, site)


def _report(problems: list[str], limit: int = 40) -> str:
    shown = "\n".join(problems[:limit])
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problems:\n{shown}{more}"


# The attack site: every payload in every field, every output parsed.


@pytest.mark.slow
def test_every_payload_is_published(attack: attacks.BuiltSite) -> None:
    """Hostile text is valid text: nothing is dropped or refused, so all of it is tested."""
    pages = sorted(p.parent.name for p in (attack.site / "claims").glob("attack-*/index.html"))
    assert pages == sorted(name.removesuffix(".yml") for name in attack.files)
    assert len(pages) == len(attacks.corpus()) > 250


PAGE_GROUPS: dict[str, Callable[[str], bool]] = {
    "claim pages": lambda page: page.startswith("claims/attack-"),
    "claimant pages": lambda page: page.startswith("claimants/"),
    "expert pages": lambda page: page.startswith("experts/"),
    "tag pages": lambda page: page.startswith("tags/"),
    "listings and home": lambda page: not page.startswith(
        ("claims/attack-", "claimants/", "experts/", "tags/")),
}


@pytest.mark.slow
@pytest.mark.parametrize("group", PAGE_GROUPS)
def test_pages_hold_no_active_content(group: str, attack: attacks.BuiltSite,
                                      baseline: attacks.Baseline,
                                      expected_reviews: dict[str, dict[str, Any]]) -> None:
    """No script but the theme's own and our JSON-LD (which parses and equals the claim's
    ClaimReview), no handler, no script URL, no frame, form, style, base or meta
    refresh, and contributor links carry rel="nofollow noopener noreferrer ugc"."""
    problems: list[str] = []
    checked = 0
    for page, document in attacks.html_pages(attack.site):
        if not PAGE_GROUPS[group](page):
            continue
        checked += 1
        claim_id = page.removeprefix("claims/").rstrip("/") if group == "claim pages" else ""
        problems.extend(attacks.audit_page(page, document, baseline, expected_reviews.get(claim_id)))
    assert checked, f"no {group} found"
    assert not problems, _report(problems)


@pytest.mark.slow
def test_contributor_text_is_shown_as_text(attack: attacks.BuiltSite) -> None:
    """Escaped, not dropped or mangled: the page's title, heading and meta tags read back
    as exactly what the contributor wrote."""
    claim_set = ClaimLoader(DEFAULT_SCALE).load(attack.root / "claims")
    problems = []
    for claim_id, claim in claim_set.claims.items():
        document = lxml.html.document_fromstring(
            (attack.site / "claims" / claim_id / "index.html").read_bytes())
        written = " ".join(claim.claim.split())
        # The heading labels the claim and quotes it; titles lead with the verdict.
        quoted = document.get_element_by_id("claim").find_class("fc-claim__text")
        heading = " ".join(quoted[0].text_content().split()) if quoted else ""
        title = " ".join(document.findtext(".//title").split())
        og_title = " ".join(document.find(".//meta[@property='og:title']").get("content").split())
        if heading != written:
            problems.append(f"{claim_id}: h1 {heading!r} != {written!r}")
        if f"“{written}”" not in title:
            problems.append(f"{claim_id}: <title> {title!r} does not quote {written!r}")
        if f"“{written}”" not in og_title:
            problems.append(f"{claim_id}: og:title {og_title!r}")
    assert not problems, _report(problems)


@pytest.mark.slow
def test_templates_and_front_matter_are_not_evaluated(attack: attacks.BuiltSite) -> None:
    """`{{ 7*191 }}` stays as written (1337 nowhere), `---` cannot start front matter."""
    for page, document in attacks.html_pages(attack.site):
        for element in document.iter("script", "style"):
            element.drop_tree()
        text = document.text_content()
        assert "1337" not in text, page
        title = document.findtext(".//title") or ""
        assert not title.startswith("injected"), page
        description = document.find(".//meta[@name='description']")
        assert description is None or description.get("content") != "injected", page


@pytest.mark.slow
def test_feed_is_well_formed_and_inert(attack: attacks.BuiltSite) -> None:
    text = (attack.site / "feed.xml").read_text(encoding="utf-8")
    problems = attacks.audit_feed(text)
    assert not problems, _report(problems)
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries, "the feed has no entries"
    claim_set = ClaimLoader(DEFAULT_SCALE).load(attack.root / "claims")
    claims = {f"{attacks.SITE_URL}claims/{cid}/": claim for cid, claim in claim_set.claims.items()}
    for entry in feed.entries:
        claim = claims[entry.link]
        # The verdict label, then the claim as plain text: what the contributor wrote.
        assert " ".join(entry.title.split()).endswith(" ".join(claim.claim.split())), entry.link


@pytest.mark.slow
def test_json_exports_parse_and_hold_the_text_as_written(attack: attacks.BuiltSite) -> None:
    claim_set = ClaimLoader(DEFAULT_SCALE).load(attack.root / "claims")
    export = json.loads((attack.site / "claims.json").read_text(encoding="utf-8"))
    records = {record["id"]: record for record in export["claims"]}
    assert set(records) == set(claim_set.claims)
    for claim_id, claim in claim_set.claims.items():
        assert records[claim_id]["claim"] == claim.claim
        assert records[claim_id]["summary"] == claim.summary
        assert attacks.url_scheme(records[claim_id]["url"]) == "https"
    for other in attack.site.glob("*.json"):
        json.loads(other.read_text(encoding="utf-8"))  # every JSON output parses


@pytest.mark.slow
def test_csv_cells_never_start_a_formula(attack: attacks.BuiltSite) -> None:
    text = (attack.site / "claims.csv").read_text(encoding="utf-8")
    problems = attacks.audit_csv(text)
    assert not problems, _report(problems)
    formulas = [p for p in attacks.corpus() if p.lstrip().startswith(attacks.FORMULA_STARTS)]
    assert formulas and any(f"'{f.strip()}" in text for f in formulas), "no formula reached the CSV"


@pytest.mark.slow
def test_search_index_is_inert(attack: attacks.BuiltSite) -> None:
    text = (attack.site / "search" / "search_index.json").read_text(encoding="utf-8")
    problems = attacks.audit_search_index(text)
    assert not problems, _report(problems)


# The auditor itself: it must see what it is looking for.


INJECTIONS = {
    "img onerror": '<img src="x" onerror="alert(1)">',
    "script": "<script>alert(1)</script>",
    "external script": '<script src="https://xss.example/x.js"></script>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="https://xss.example/">',
    "javascript link": '<a href="java&#x09;script:alert(1)">x</a>',
    "data link": '<a href="data:text/html,x">x</a>',
    "iframe": '<iframe src="https://xss.example/"></iframe>',
    "form": '<form action="https://xss.example/"><input name="q"></form>',
    "style attribute": '<p style="position:fixed;inset:0">x</p>',
    "style element": "<style>body{display:none}</style>",
    "outbound link without rel": '<a href="https://xss.example/">x</a>',
}


@pytest.mark.slow
@pytest.mark.parametrize("injection", INJECTIONS)
def test_the_auditor_sees_an_injection(injection: str, baseline: attacks.Baseline) -> None:
    built = attacks.baseline_site()
    page = built.site / "claims" / "benign-000" / "index.html"
    html = page.read_text(encoding="utf-8")
    clean = lxml.html.document_fromstring(html)
    review = json.loads(clean.find(".//script[@type='application/ld+json']").text)
    assert not attacks.audit_page("claims/benign-000/", clean, baseline, review)
    for spot in ("</title>", '<div class="fc-summary">'):  # in the head and in the body
        dirty = lxml.html.document_fromstring(html.replace(spot, spot + INJECTIONS[injection], 1))
        assert attacks.audit_page("claims/benign-000/", dirty, baseline, review), spot


def test_the_auditor_sees_a_broken_feed_and_a_formula() -> None:
    assert attacks.audit_feed('<?xml version="1.0"?>\n<feed>\x01</feed>')
    assert attacks.audit_csv('id,claim\r\nx,"=1+1"\r\n')
    assert attacks.audit_fragment('<a href="javascript:alert(1)">x</a>')


# URL fields: anything but an absolute http(s) address is refused, with its location.


def _key_line(text: str, key: str) -> int:
    pattern = re.compile(rf"^\s*(?:- )?{re.escape(key)}:")
    return next(n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line))


URL_KEYS = {"appearance": ("appearance", "appearance"), "source.url": ("url", "sources.0.url"),
            "source.archive_url": ("archive_url", "sources.0.archive_url"),
            "quote.source": ("source", "quotes.0.source")}


@pytest.mark.parametrize("url", attacks.load("urls"))
@pytest.mark.parametrize("field", attacks.URL_FIELDS)
def test_url_fields_refuse_other_schemes(field: str, url: str) -> None:
    text = attacks.dump(attacks.claim_data({}, {field: url}))
    result = parse_claim(text.encode(), "claims/bad-url.yml", "bad-url", DEFAULT_SCALE)
    assert result.claim is None, f"{field} accepted {url!r}"
    key, dotted = URL_KEYS[field]
    errors = [e for e in result.errors if dotted in e.message or f"'{key}'" in e.message]
    assert errors, [str(e) for e in result.errors]
    assert errors[0].path == "claims/bad-url.yml"
    assert errors[0].line == _key_line(text, key), str(errors[0])


@pytest.mark.slow
def test_a_build_with_script_urls_fails_and_names_them(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("good.yml", claim_yaml())
    bad = {"javascript:alert(1)": "appearance", "data:text/html,<script>alert(1)</script>": "source.url",
           "vbscript:msgbox(1)": "quote.source", "java\tscript:alert(1)": "source.archive_url"}
    for n, (url, field) in enumerate(bad.items()):
        site.write_claim(f"bad-{n}.yml", attacks.dump(attacks.claim_data({}, {field: url})))
    output = _failed_build(site.root)
    for n in range(len(bad)):
        assert re.search(rf"claims/bad-{n}\.yml:[1-9]\d*:\d+: ", output), output


# Malformed files: a located error from `mkdocs build`, never a traceback, a hang or a
# half-written site. Each case gets a site with one good claim next to the bad file.

LAUGHS = "\n".join(
    [textwrap.dedent("""\
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]""")]
    + [f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]" for p, c in zip("bcdefgh", "cdefghi", strict=True)]
) + "\n"


def _valid(**overrides: object) -> bytes:
    return claim_yaml(**overrides).encode()


MALFORMED: dict[str, tuple[dict[str, bytes], str]] = {
    # case: ({file name: bytes}, the file the error must name)
    "over max_file_bytes": ({"big.yml": _valid(analysis="x" * 3000)}, "big.yml"),  # limit: 2,000
    "billion laughs": ({"laughs.yml": LAUGHS.encode()}, "laughs.yml"),
    "alias of a whole claim": ({"alias.yml": b"base: &b {claim: x}\n<<: *b\n"}, "alias.yml"),
    "10,000 nested flow lists": ({"deep.yml": b"claim: " + b"[" * 10000 + b"]" * 10000 + b"\n"},
                                 "deep.yml"),
    "10,000 unclosed brackets": ({"open.yml": b"[" * 10000}, "open.yml"),
    "deeply nested block mappings": (
        {"nest.yml": "".join("  " * i + f"k{i}:\n" for i in range(200)).encode()}, "nest.yml"),
    "not UTF-8": ({"latin1.yml": _valid() + "author: Jos\xe9\n".encode("latin-1")}, "latin1.yml"),
    "UTF-16": ({"utf16.yml": claim_yaml().encode("utf-16")}, "utf16.yml"),
    "empty file": ({"empty.yml": b""}, "empty.yml"),
    "only a comment": ({"comment.yml": b"# nothing here\n"}, "comment.yml"),
    "top-level list": ({"list.yml": b"- claim: x\n- claim: y\n"}, "list.yml"),
    "top-level string": ({"scalar.yml": b"just a sentence\n"}, "scalar.yml"),
    "two documents": ({"two.yml": _valid() + b"---\n" + _valid()}, "two.yml"),
    "duplicate keys": ({"dup.yml": _valid() + b"claim: Said twice.\n"}, "dup.yml"),
    "same stem .yml and .yaml": ({"twin.yml": _valid(), "twin.yaml": _valid()}, "twin.yaml"),
    "name with a space": ({"Foo Bar.yml": _valid()}, "Foo Bar.yml"),
    "name with two dots": ({"x..yml": _valid()}, "x..yml"),
    "name with capitals": ({"UPPER.yml": _valid()}, "UPPER.yml"),
    "name with a leading hyphen": ({"-x.yml": _valid()}, "-x.yml"),
    "related id with a path": ({"rel.yml": _valid(related=["../x"])}, "rel.yml"),
    "python object tag": ({"pyobj.yml": _valid(claim=None)
                           + b'claim: !!python/object/apply:os.system ["echo pwned"]\n'}, "pyobj.yml"),
    "unknown local tag": ({"tag.yml": _valid(claim=None) + b"claim: !include /etc/passwd\n"}, "tag.yml"),
    "impossible date": ({"date.yml": _valid(published=None) + b"published: 2025-13-45\n"}, "date.yml"),
    "impossible time": ({"time.yml": _valid(published=None) + b"published: 2025-01-01T25:00:00\n"},
                        "time.yml"),
    "bad !!int": ({"int.yml": _valid(author=None) + b"author: !!int twelve\n"}, "int.yml"),
    "!!timestamp on a word": ({"stamp.yml": _valid(author=None) + b'author: !!timestamp "soon"\n'},
                              "stamp.yml"),
    "!!bool on a word": ({"bool.yml": _valid(author=None) + b"author: !!bool maybe\n"}, "bool.yml"),
    "!!binary that is not base64": ({"bin.yml": _valid(author=None) + 'author: !!binary "é"\n'.encode()},
                                    "bin.yml"),
    "5,000-digit number": ({"digits.yml": _valid(author=None) + b"author: " + b"9" * 5000 + b"\n"},
                           "digits.yml"),
    "unhashable key": ({"key.yml": _valid() + b"? [a, b]\n: c\n"}, "key.yml"),
    "merge of a scalar": ({"merge.yml": _valid() + b"<<: [1]\n"}, "merge.yml"),
    "raw NUL byte": ({"nul.yml": _valid(author=None) + b"author: a\x00b\n"}, "nul.yml"),
    "raw control character": ({"ctrl.yml": _valid(author=None) + b"author: a\x1bb\n"}, "ctrl.yml"),
    "tab indentation": ({"tabs.yml": b"claim: x\nsources:\n\t- title: t\n"}, "tabs.yml"),
}


def _failed_build(root: Path, timeout: float = BUILD_TIMEOUT) -> str:
    """Run `mkdocs build` (bounded in time) and check it failed cleanly; return its output."""
    started = time.monotonic()
    try:
        proc = mkdocs("build", cwd=root, env=ENV, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mkdocs build still running after {timeout} s")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the build succeeded:\n{output}"
    assert "Traceback" not in output, output
    written = sorted(str(p.relative_to(root)) for p in (root / "site").glob("claims/*/index.html"))
    assert not written, f"a failed build left claim pages: {written}"
    assert time.monotonic() - started < timeout
    return output


@pytest.mark.slow
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_file_stops_the_build_with_a_located_error(case: str, tmp_path: Path) -> None:
    files, named = MALFORMED[case]
    options = "max_file_bytes: 2000" if case == "over max_file_bytes" else ""
    site = make_site_in(tmp_path, plugin_options=options)
    site.write_claim("good.yml", claim_yaml())
    for name, raw in files.items():
        (site.claims / name).write_bytes(raw)
    output = _failed_build(site.root)
    assert re.search(rf"claims/{re.escape(named)}:\d+:\d+: \S", output), output


@pytest.mark.parametrize("claim_id", ["../x", "..", "x/../../y", "a/b", "a\\b", "", ".hidden",
                                      "x..", "Foo Bar", "x\x00y", "<script>", "%2e%2e", "é"])
def test_ids_that_are_not_slugs_are_refused(claim_id: str) -> None:
    """The id becomes a URL and a folder: whatever stem a file has, only a slug passes."""
    result = parse_claim(claim_yaml().encode(), "claims/odd.yml", claim_id, DEFAULT_SCALE)
    assert result.claim is None
    assert any("claim id" in e.message and e.line >= 1 for e in result.errors), result.errors


@pytest.mark.slow
@pytest.mark.parametrize("case", ["outside the claims folder", "to a device", "in a loop",
                                  "to a missing file", "folder outside"])
def test_symbolic_links_stop_the_build_with_a_located_error(case: str, tmp_path: Path) -> None:
    site = make_site_in(tmp_path / "repo")
    site.write_claim("good.yml", claim_yaml())
    outside = tmp_path / "outside.yml"
    outside.write_text(claim_yaml(), encoding="utf-8")
    link = site.claims / "link.yml"
    if case == "outside the claims folder":
        link.symlink_to(outside)
    elif case == "to a device":
        link.symlink_to("/dev/zero")
    elif case == "in a loop":
        link.symlink_to(site.claims / "loop.yml")
        (site.claims / "loop.yml").symlink_to(link)
    elif case == "to a missing file":
        link.symlink_to(site.claims / "missing.yml")
    else:
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "secret.yml").write_text(claim_yaml(), encoding="utf-8")
        (site.claims / "linked-folder").symlink_to(tmp_path / "elsewhere")
        link = site.claims / "linked-folder" / "secret.yml"
    if case == "folder outside":
        # Not followed: the folder's files are not claims, and the build may go on.
        proc = mkdocs("build", cwd=site.root, env=ENV, timeout=BUILD_TIMEOUT)
        assert "Traceback" not in proc.stdout + proc.stderr
        assert not (site.root / "site" / "claims" / "secret").exists()
        return
    output = _failed_build(site.root)
    assert re.search(r"claims/link\.yml:\d+:\d+: \S", output), output


@pytest.mark.slow
@pytest.mark.parametrize("field", attacks.NAME_FIELDS)
def test_long_names_do_not_break_the_build(field: str, tmp_path: Path) -> None:
    """A claimant, expert or tag is also a folder name (its slug), and file systems cut
    those at 255 bytes: a 300-character name gave "OSError: File name too long" and a
    traceback. Slugs must stay short (or the name be refused with a located error)."""
    site = make_site_in(tmp_path)
    name = " ".join(f"word{i}" for i in range(60))  # 353 characters, a 353-character slug
    site.write_claim("long-name.yml", attacks.dump(attacks.claim_data({field: name})))
    result = site.build()
    assert "Traceback" not in result.output, result.output[-3000:]
    if result.returncode != 0:
        assert re.search(r"claims/long-name\.yml:[1-9]\d*:\d+: ", result.output), result.output
        return
    folders = [p for p in result.site.rglob("*") if p.is_dir()]
    assert all(len(p.name.encode()) <= 255 for p in folders)


# Resource use: a claim file is small, and what it costs to build must stay small too.


def _run_python(code: str, timeout: float) -> str:
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "PYTHONHASHSEED": "0"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.slow
def test_many_unknown_keys_are_reported_quickly() -> None:
    """30,000 unknown keys (300 KB, under max_file_bytes): one located error each took
    21 s, a linear search of the file's keys per error."""
    code = textwrap.dedent("""
        from mkdocs_factcheck.claims.loader import parse_claim
        from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
        raw = "".join(f"k{i}: v\\n" for i in range(30_000)).encode()
        result = parse_claim(raw, "claims/x.yml", "x", DEFAULT_SCALE)
        assert result.claim is None and result.errors
        assert all(error.line >= 1 for error in result.errors)
    """)
    _run_python(code, timeout=8)


def test_one_file_cannot_fan_out_into_thousands_of_pages() -> None:
    """Every tag, expert and claimant gets a page: 5,000 tags in one 90 KB file would be
    5,000 pages (minutes of build). Refused with a located error, or bounded."""
    text = claim_yaml(tags=[f"tag {i}" for i in range(5000)],
                      quotes=[{"expert": f"Expert {i}", "text": "Said so."} for i in range(1000)])
    result = parse_claim(text.encode(), "claims/x.yml", "x", DEFAULT_SCALE)
    if result.claim is None:
        assert all(e.line >= 1 for e in result.errors), result.errors
        return
    catalog = build_catalog([result.claim.bind("x", "claims/x.yml")], DEFAULT_SCALE)
    pages = len(catalog.tags) + len(catalog.experts)
    assert pages < 500, f"one 90 KB file made {pages} tag and expert pages"


@pytest.mark.parametrize("text", [
    "[" * 50_000, "![" * 20_000, "[a](" * 20_000, "<![CDATA[" * 5_000, "<http://" * 20_000,
    "- " * 3_000 + "x", "".join("    " * i + "- x\n" for i in range(400)), "> " * 50_000,
    "a\n=\n" * 30_000, "# a\n" * 30_000, "*a*" * 100_000, "\\" * 500_000,
], ids=lambda text: repr(text[:12]))
def test_pathological_markdown_renders_quickly_and_inertly(text: str) -> None:
    """Measured before the guard: 4,000 '[' took 7 s, 1,000 '<![CDATA[' 8 s, and 1,000
    '- ' raised RecursionError (a traceback in `mkdocs build`)."""
    started = time.monotonic()
    html = str(MarkdownRenderer().render(text))
    assert time.monotonic() - started < 5
    assert not attacks.audit_fragment(html)


def test_real_claims_are_rendered_as_markdown() -> None:
    """The complexity guard never degrades ordinary writing, the repository's claims included."""
    for path in sorted((attacks.HERE.parent.parent / "claims").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [data["summary"], data.get("analysis") or ""] + [q["text"] for q in data.get("quotes") or []]
        for text in texts:
            assert not complexity_problem(text), path.name
    links = "\n".join(f"- [Source {i}](https://example.org/{i} \"t\") with *notes* and `code`"
                      for i in range(2000))
    table = "| a | b |\n|---|---|\n" + "\n".join(f"| [x](https://e.org/{i}) | **y** |" for i in range(1000))
    assert not complexity_problem(links) and not complexity_problem(table)


# Control characters: refused with a located error, or made harmless; never written into XML.


@pytest.mark.parametrize("payload", attacks.load("control"), ids=repr)
@pytest.mark.parametrize("field", ["claim", "summary", "claimant", "tag"])
def test_control_characters_never_reach_the_feed(field: str, payload: str) -> None:
    text = attacks.dump(attacks.claim_data({field: f"Text {payload} here"}))
    result = parse_claim(text.encode(), "claims/ctrl.yml", "ctrl", DEFAULT_SCALE)
    if result.claim is None:
        assert result.errors and all(e.line >= 1 for e in result.errors), result.errors
        return
    catalog = build_catalog([result.claim], DEFAULT_SCALE)
    renderer = _renderer()
    feed = atom_feed(catalog, title="t", site_url=attacks.SITE_URL, use_directory_urls=True,
                     html_of=renderer.claim_html, author="a")
    assert not attacks.audit_feed(feed), attacks.audit_feed(feed)
    csv_text = csv_export(catalog, site_url=attacks.SITE_URL, use_directory_urls=True,
                          html_of=renderer.claim_html)
    assert not attacks.audit_csv(csv_text)


# markup.py: the allowlist keeps ordinary Markdown and drops everything active.


ORDINARY = textwrap.dedent("""\
    # Top

    ### Section

    #### Detail

    Some *emphasis*, **strong**, `code`, ~~not~~ and a [link](https://example.org/a "Title"),
    a [relative one](../other/) and [mail](mailto:desk@example.org).

    - one
    - two

    1. first
    2. second

    > quoted

    | a | b |
    |---|---|
    | 1 | 2 |

    ```python
    print("<b>")
    ```

    <sup>1</sup> <abbr title="Graphics processing unit">GPU</abbr> <kbd>Ctrl</kbd>
    """)


def test_ordinary_markdown_survives() -> None:
    html = str(MarkdownRenderer().render(ORDINARY))
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    tags = {element.tag for element in document.iter() if isinstance(element.tag, str)}
    assert {"h3", "h4", "p", "em", "strong", "code", "a", "ul", "ol", "li", "blockquote", "table",
            "thead", "tbody", "tr", "th", "td", "pre", "sup", "abbr", "kbd"} <= tags
    assert not {"h1", "h2"} & tags, "contributor headings sit under the page's h2"
    hrefs = [a.get("href") for a in document.iter("a")]
    assert hrefs == ["https://example.org/a", "../other/", "mailto:desk@example.org"]
    assert all(a.get("rel") == "nofollow noopener noreferrer ugc" for a in document.iter("a"))
    assert document.find(".//a").get("title") == "Title"
    assert '&lt;b&gt;' in html and not attacks.audit_fragment(html)


@pytest.mark.parametrize("payload", attacks.load("html") + attacks.load("markdown"), ids=repr)
def test_markdown_fields_drop_active_content(payload: str) -> None:
    html = str(MarkdownRenderer().render(payload))
    problems = attacks.audit_fragment(html)
    assert not problems, problems
    for scheme in ("javascript", "vbscript", "data", "livescript"):
        assert not re.search(rf'(?:href|src)="\s*{scheme}', html, re.I), html
    assert not re.search(r"<(script|style|iframe|object|embed|form|svg|math|meta|base|link)\b",
                         html, re.I), html


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    " \x01javascript:alert(1)", "&#106;avascript:alert(1)", "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)", "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "DATA:,x", "blob:https://e.org/x",
    "file:///etc/passwd", "ftp://example.org/", "feed:https://example.org/", "intent://x#Intent;end",
])
def test_sanitize_drops_every_other_scheme(href: str) -> None:
    cleaned = sanitize(f'<a href="{href}">x</a><q cite="{href}">y</q>')
    assert "href" not in cleaned and "cite" not in cleaned, cleaned


def test_plain_text_is_text_and_never_control_characters() -> None:
    assert plain_text("<p>a &lt;b&gt; &#1; &#0; <script>x</script>c</p>") == "a <b> \ufffd c"


# Issue 10: hostile contributors, round two.


def _tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder`` with its modification time and content."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    """Item 12: MkDocs empties site_dir before on_files; one bad claim left site/ empty."""
    site = make_site_in(tmp_path)
    site.write_claim("good.yml", claim_yaml())
    assert site.build().returncode == 0
    before = _tree(site.root / "site")
    assert "claims/good/index.html" in before
    site.write_claim("bad.yml", claim_yaml(verdict="maybe"))
    output = site.build().output
    assert re.search(r"claims/bad\.yml:\d+:\d+: unknown verdict", output), output
    assert _tree(site.root / "site") == before


# Item 2 and 4: git history is contributor-written; it can neither break the build nor
# forge or hide a verdict change.

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


def _git(root: Path, *args: str, day: str = "2025-02-03") -> str:
    stamp = f"{day}T12:00:00 +0000"
    proc = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**GIT_IDENTITY, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    return proc.stdout.strip()


def _commit_file(root: Path, name: str, text: str | bytes, message: str, day: str = "2025-02-03") -> None:
    path = root / "claims" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    _git(root, "add", "-A", day=day)
    _git(root, "commit", "-qm", message, day=day)


def _forged_commit(root: Path, timestamp: int) -> None:
    """A commit whose dates git itself refuses to write (year 10000), as a pull request can bring."""
    tree, parent = _git(root, "write-tree"), _git(root, "rev-parse", "HEAD")
    who = f"t <t@example.org> {timestamp} +0000"
    body = f"tree {tree}\nparent {parent}\nauthor {who}\ncommitter {who}\n\nfrom the future\n"
    proc = subprocess.run(["git", "hash-object", "-w", "-t", "commit", "--stdin"], cwd=root, input=body,
                          check=True, capture_output=True, text=True)
    _git(root, "update-ref", "HEAD", proc.stdout.strip())


@pytest.fixture
def git_site(tmp_path: Path) -> Any:
    # These tests are about what the page shows of forged history; the record rules (which
    # would ask each verdict change for a correction) have tests of their own (test_record.py).
    site = make_site_in(tmp_path, config_extra="repo_url: https://github.com/example/checks\n",
                        plugin_options="history: off")
    _git(site.root, "init", "-q", "-b", "main")
    _commit_file(site.root, "a.yml", claim_yaml(verdict="unproven"), "first")
    return site


def _history_html(site: Any) -> tuple[str, str]:
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    html = result.page("claims/a/")
    items = re.findall(r'<ul class="fc-history">(.*?)</ul>', html, re.S)
    return html, items[0] if items else ""


def _last_changed(site: Any) -> date:
    """When the build's history says a.yml last changed (the desk's queue shows it)."""
    return claim_histories(site.claims, "", DEFAULT_SCALE)[(site.claims / "a.yml").resolve()].last_changed


@pytest.mark.slow
def test_a_commit_from_year_10000_does_not_break_the_build(git_site: Any) -> None:
    """Item 2: `ValueError: Invalid isoformat string` on every later build."""
    (git_site.claims / "a.yml").write_text(claim_yaml(verdict="false"), encoding="utf-8")
    _git(git_site.root, "add", "-A")
    _forged_commit(git_site.root, 253402300800)  # 10000-01-01
    html, changes = _history_html(git_site)
    assert "10000" not in html
    assert changes == ""  # the change has no date anyone can trust
    assert _last_changed(git_site) == date(2025, 2, 3)


@pytest.mark.slow
def test_a_pull_request_cannot_forge_history_with_its_own_commits(git_site: Any) -> None:
    """Item 4: two commits in a branch set the verdict to any text and back; after a merge
    commit the page listed both "changes" and "Last changed 2099-12-31"."""
    root = git_site.root
    _git(root, "checkout", "-qb", "pr")
    _commit_file(root, "a.yml", claim_yaml(verdict="Endorsed by the editors"), "set", day="2099-12-31")
    _commit_file(root, "a.yml", claim_yaml(verdict="unproven"), "back", day="2099-12-31")
    _commit_file(root, "b.yml", claim_yaml(claim="Another claim."), "add b", day="2025-02-04")
    _git(root, "checkout", "-q", "main")
    _git(root, "merge", "-q", "--no-ff", "-m", "merge the pull request", "pr", day="2025-02-05")
    html, changes = _history_html(git_site)
    assert changes == "" and "Endorsed" not in html and "2099" not in html
    assert _last_changed(git_site) == date(2025, 2, 3)  # the merge left a.yml as it was: not 2099


@pytest.mark.slow
def test_dates_in_the_future_or_before_publication_are_not_shown(git_site: Any) -> None:
    root = git_site.root
    _commit_file(root, "a.yml", claim_yaml(verdict="false"), "future", day="2099-12-31")
    _commit_file(root, "a.yml", claim_yaml(verdict="true"), "past", day="2001-01-01")
    html, changes = _history_html(git_site)
    assert changes == "" and "2099" not in html and "2001-01-01" not in html


@pytest.mark.slow
@pytest.mark.parametrize("how", ["quoted key", "CR line endings", "explicit key", "bare false"])
def test_every_way_of_writing_a_verdict_change_is_in_the_history(how: str, git_site: Any) -> None:
    """Item 4: a quoted key, CR-only line endings (or any YAML the build reads) changed the
    verdict with no history entry: history read `verdict:` lines with a regex."""
    text = claim_yaml(verdict=None)
    written = {
        "quoted key": text + '"verdict": "mostly-true"\n',
        "CR line endings": (text + "verdict: mostly-true\n").replace("\n", "\r"),
        "explicit key": text + "? verdict\n: mostly-true\n",
        "bare false": text + "verdict: false\n",
    }[how]
    _commit_file(git_site.root, "a.yml", written, "change", day="2025-02-10")
    _, changes = _history_html(git_site)
    after = "False" if how == "bare false" else "Mostly true"
    assert f"Unproven → {after}" in changes, changes


@pytest.mark.slow
def test_only_valid_verdicts_and_valid_files_count(git_site: Any) -> None:
    """A version with a verdict off the scale, or one the build would refuse (duplicate
    keys), is no step in the history: the page shows no text of the contributor's choosing."""
    root = git_site.root
    _commit_file(root, "a.yml", claim_yaml(verdict="Approved by the fact-check desk"), "odd", day="2025-02-05")
    _commit_file(root, "a.yml", claim_yaml(verdict="unproven") + "verdict: true\n", "dup", day="2025-02-06")
    _commit_file(root, "a.yml", claim_yaml(verdict="false"), "real", day="2025-02-07")
    html, changes = _history_html(git_site)
    assert "Approved" not in html
    assert changes.count("<li>") == 1 and "Unproven → False" in changes, changes


# Item 3 and 13, and files that would not be published: every file name in claims/ is
# either a claim id or reported, and printed escaped.


@pytest.mark.slow
def test_hostile_file_names_are_refused_and_printed_escaped(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("good.yml", claim_yaml())
    names = attacks.load("filenames")
    for name in names:
        (site.claims / name).write_text(claim_yaml(), encoding="utf-8")
    output = _failed_build(site.root)
    for name in names:
        assert f"claims/{printable(name)}:" in output, (name, output[-3000:])
    assert not re.search("[\x1b\x07\r\u202e\u2028]", output), "a control character reached the log"
    assert not any(line.strip().startswith("::") for line in output.splitlines()), output
    # The same for the command contributors run, in every format.
    for form in ("text", "github"):
        proc = factcheck("validate", "--format", form, cwd=site.root, env=ENV, timeout=BUILD_TIMEOUT)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert not re.search("[\x1b\x07\r\u202e\u2028]", proc.stdout)
        forged = [line for line in proc.stdout.splitlines() if line.startswith("::")
                  and not re.match(r"::(error|warning) file=claims/", line)]
        assert not forged, forged


@pytest.mark.parametrize("claim_id", sorted(RESERVED_IDS))
def test_ids_that_name_a_generated_page_are_refused(claim_id: str) -> None:
    """`claims/index.yml` replaced the list of all claims."""
    result = parse_claim(claim_yaml().encode(), f"claims/{claim_id}.yml", claim_id, DEFAULT_SCALE)
    assert result.claim is None
    assert any("reserved" in e.message and e.line == 1 for e in result.errors), result.errors


def test_factcheck_new_refuses_a_reserved_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["new", "A claim.", "--id", "index", "--dir", str(tmp_path / "claims")])
    assert stopped.value.code == 2 and "reserved" in capsys.readouterr().err
    assert not (tmp_path / "claims" / "index.yml").exists()


@pytest.mark.slow
def test_a_long_id_without_directory_urls_is_a_located_error(tmp_path: Path) -> None:
    """With use_directory_urls: false a 251-character id became a 256-byte file name: a traceback."""
    site = make_site_in(tmp_path, config_extra="use_directory_urls: false\n")
    claim_id = "-".join(["word"] * 50)[:251].strip("-")
    site.write_claim(f"{claim_id}.yml", claim_yaml())
    output = _failed_build(site.root)
    assert re.search(rf"claims/{claim_id}\.yml:1:1: .*over the limit", output), output[-2000:]


@pytest.mark.slow
def test_factcheck_new_onto_a_folder_prints_no_traceback(tmp_path: Path) -> None:
    """A folder named like the new file: a traceback full of absolute paths."""
    site = make_site_in(tmp_path)
    (site.claims / "a-claim.yml").mkdir()
    (site.claims / "a-claim.yml" / "inside.txt").write_text("x", encoding="utf-8")
    proc = factcheck("new", "A claim.", "--id", "a-claim", cwd=site.root, env=ENV, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and str(tmp_path) not in proc.stdout + proc.stderr, proc.stderr
    assert "claims/a-claim.yml" in proc.stderr


@pytest.mark.slow
def test_files_that_will_not_be_published_are_reported(tmp_path: Path) -> None:
    """`x.yml ` (a space), `x.ym`, `.x.yml`, `x.json` and hidden folders were skipped in
    silence: a reviewer saw a claim that the site never published."""
    claims = tmp_path / "claims"
    (claims / ".drafts").mkdir(parents=True)
    (claims / ".drafts" / "draft.yml").write_text(claim_yaml(), encoding="utf-8")
    for name in ("good.yml", "x.yml ", "x.ym", ".x.yml", "x.json", "w.YML", "README.md", ".gitkeep"):
        (claims / name).write_text(claim_yaml(), encoding="utf-8")
    result = ClaimLoader(DEFAULT_SCALE).load(claims, tmp_path)
    reported = sorted(e.path for e in result.errors)
    assert reported == sorted(f"claims/{n}" for n in (".drafts", "x.yml ", "x.ym", ".x.yml", "x.json", "w.YML"))
    assert all("rename" in e.hint or "move" in e.hint for e in result.errors), result.errors
    assert "w.yml" in next(e.hint for e in result.errors if e.path == "claims/w.YML")
    assert list(result.claims) == ["good"]


@pytest.mark.slow
def test_the_pull_request_workflow_checks_every_file_the_build_reads(tmp_path: Path) -> None:
    """`w.YML` was built, but the workflow's path filter (`claims/*.yml`) did not pass it to
    `factcheck validate`. Run the workflow's own `git diff` on such a change."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["validate"]["steps"] if "git diff" in s.get("run", ""))
    command = step["run"].split("|")[0].replace("\\\n", " ").replace('"$BASE_SHA"', "base")
    root = tmp_path / "repo"
    (root / "claims" / "sub").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "commit", "-q", "--allow-empty", "-m", "base")
    _git(root, "tag", "base")
    changed = ["claims/a.yml", "claims/w.YML", "claims/x.Yaml", "claims/sub/b.yaml"]
    for name in changed:
        (root / name).write_text("claim: x\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "change")
    out = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, check=True).stdout
    assert sorted(out.strip("\0").split("\0")) == sorted(changed)


# Item 5: a link shows the host it goes to.


@pytest.mark.slow
@pytest.mark.parametrize(("url", "host"), [
    ("https://www.example.org/a", "example.org"),
    ("https://Trusted.GOV./x", "trusted.gov"),
    ("https://bücher.example/", "xn--bcher-kva.example"),
    ("https://\u0430pple.com/", "xn--pple-43d.com"),  # a Cyrillic a: shown as the browser resolves it
])
def test_links_show_the_host_the_browser_opens(url: str, host: str) -> None:
    result = parse_claim(claim_yaml(appearance=url).encode(), "claims/h.yml", "h",
                         DEFAULT_SCALE)
    assert result.claim is not None, result.errors
    catalog = build_catalog([result.claim], DEFAULT_SCALE)
    html = _renderer().page("claim.html", catalog, "claims/h/", claim=result.claim, history=None)
    assert host in html
    assert browser_host(url).removeprefix("www.") == host


@settings(max_examples=300, deadline=None)
@given(host=st.text(st.sampled_from("abcXYZ09-.%_"), max_size=80))
def test_an_ascii_host_is_shown_as_the_idna_codec_gives_it(host: str) -> None:
    """browser_host skips the codec for ASCII hosts: what it skips never changes one."""
    url = f"https://{host}/page"
    try:
        expected = (urlsplit(url).hostname or "").rstrip(".")
        expected = expected.encode("idna").decode("ascii")
    except UnicodeError:
        expected = (urlsplit(url).hostname or "").rstrip(".")
    assert browser_host.__wrapped__(url) == expected


# Item 6: a look-alike name cannot take over a published page.


def _lookalikes() -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in attacks.load("lookalikes")]  # type: ignore[misc]


@pytest.mark.parametrize("field", attacks.NAME_FIELDS)
@pytest.mark.parametrize(("real", "impostor"), _lookalikes())
def test_look_alike_names_are_a_located_error_in_both_files(real: str, impostor: str, field: str,
                                                             tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    claims.mkdir()
    real_text = attacks.dump(attacks.claim_data({field: real}))
    (claims / "real.yml").write_text(real_text, encoding="utf-8")
    (claims / "impostor.yml").write_text(attacks.dump(attacks.claim_data({field: impostor})), encoding="utf-8")
    result = ClaimLoader(DEFAULT_SCALE).load(claims, tmp_path)
    by_file = {e.path: e for e in result.errors}
    assert set(by_file) == {"claims/real.yml", "claims/impostor.yml"}, [str(e) for e in result.errors]
    marker = {"claimant": "claimant: ", "quote.expert": "- expert: ", "tag": "- "}[field]
    line = next(n for n, text in enumerate(real_text.splitlines(), 1)
                if text.lstrip().startswith(marker) and text.rstrip().endswith(real))
    assert by_file["claims/real.yml"].line == line
    assert f"in claims/impostor.yml:{line}" in by_file["claims/real.yml"].message
    assert "claims/real.yml" in by_file["claims/impostor.yml"].message
    assert not result.claims


# Item 7: CSV cells are quoted, and no separator starts a formula.


def test_every_csv_cell_is_quoted_and_no_separator_starts_a_formula() -> None:
    text = claim_yaml(claim="Exports fell;=1+1", claimant="a,-1", author="x\t@SUM(1)",
                      sources=[{"title": "T", "url": "https://example.org/a;=1+1"}])
    claim = parse_claim(text.encode(), "claims/c.yml", "c", DEFAULT_SCALE).claim
    assert claim is not None
    out = csv_export(build_catalog([claim], DEFAULT_SCALE), site_url=attacks.SITE_URL,
                     use_directory_urls=True, html_of=_renderer().claim_html)
    for line in out.split("\r\n")[1:-1]:
        assert line.startswith('"') and line.endswith('"'), line
    assert not attacks.audit_csv(out), attacks.audit_csv(out)
    assert attacks.audit_csv('id,claim\r\nx,"Exports fell;=1+1"\r\n')  # the auditor sees the attack


# Item 8 and 9: what one file, or many, can make the build do.


@pytest.mark.slow
def test_shared_sources_cost_linear_time() -> None:
    """1,000 files citing the same 200 URLs: 66 s (a list search per citation)."""
    code = textwrap.dedent("""
        import time
        from mkdocs_factcheck.claims.catalog import build_catalog
        from mkdocs_factcheck.claims.model import Claim
        from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
        sources = [{"title": f"Source {i}", "url": f"https://example.org/{i}"} for i in range(200)]
        claims = [Claim.model_validate({"claim": f"Claim {n}.", "claimant": "X", "verdict": "false",
                                        "summary": "S.", "sources": sources, "published": "2025-01-01"}
                                       ).bind(f"c{n}", f"claims/c{n}.yml") for n in range(1000)]
        started = time.monotonic()
        catalog = build_catalog(claims, DEFAULT_SCALE)
        assert len(catalog.sources["Other sources"]) == 200
        assert all(len(s.cited_by) == 1000 for s in catalog.sources["Other sources"])
        print(time.monotonic() - started)
    """)
    assert float(_run_python(code, timeout=60)) < 5


@pytest.mark.slow
def test_bogus_related_ids_are_capped_and_cheap() -> None:
    """1,000 bogus ids in one file took 164 s at 10,000 claims (a fuzzy match against every
    id, each) and printed every one of them."""
    code = textwrap.dedent("""
        import time
        from mkdocs_factcheck.base.errors import report_lines
        from mkdocs_factcheck.claims.loader import FileResult, _link, parse_claim
        from mkdocs_factcheck.claims.model import Claim
        from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
        base = {"claim": "C.", "claimant": "X", "verdict": "false", "summary": "S.",
                "sources": [{"title": "T", "url": "https://example.org/"}], "published": "2025-01-01"}
        results = {f"claims/claim-{n}.yml": FileResult(Claim.model_validate(base).bind(f"claim-{n}", ""), [])
                   for n in range(10_000)}
        for n in range(200):
            bogus = [f"no-such-claim-{n}-{i}" for i in range(50)]
            claim = Claim.model_validate({**base, "related": bogus}).bind(f"bogus-{n}", "")
            results[f"claims/bogus-{n}.yml"] = FileResult(claim, [], [(i + 1, 1) for i in range(50)])
        started = time.monotonic()
        claim_set = _link(results, DEFAULT_SCALE)
        took = time.monotonic() - started
        assert len(claim_set.errors) == 200 * 50
        assert len(report_lines(claim_set.errors)) == 201
        import yaml
        text = yaml.safe_dump({**base, "related": [f"x-{i}" for i in range(1000)]})
        capped = parse_claim(text.encode(), "claims/many.yml", "many", DEFAULT_SCALE)
        assert capped.claim is None and "related" in capped.errors[0].message
        print(took)
    """)
    assert float(_run_python(code, timeout=90)) < 5


# Item 10: the claims folder is inside the site.


@pytest.mark.slow
@pytest.mark.parametrize("target", ["..", "/", "outside"])
def test_a_claims_folder_outside_the_site_is_refused(target: str, tmp_path: Path) -> None:
    """`claims -> ..` parsed mkdocs.yml (and any YAML up there) as claims and echoed
    what it read: `unknown verdict 'ghp_…'`."""
    site = make_site_in(tmp_path / "repo")
    (tmp_path / "outside").mkdir()
    for folder in (tmp_path, tmp_path / "outside"):
        (folder / "secret.yml").write_text("verdict: ghp_not_a_real_token\n", encoding="utf-8")
    site.claims.rmdir()
    site.claims.symlink_to(tmp_path / target if target != "/" else Path("/"))
    output = _failed_build(site.root)
    assert re.search(r"claims:0:0: the claims folder is not a folder inside the site", output), output[-2000:]
    assert "ghp_" not in output and "secret" not in output
    proc = factcheck("validate", cwd=site.root, env=ENV, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 1 and "not a folder inside the site" in proc.stdout, proc.stdout + proc.stderr
    assert "ghp_" not in proc.stdout + proc.stderr
    # Refused before anything is read, the count too: walking `/` took minutes on a full disk.
    assert "(0 claim files checked)" in proc.stdout, proc.stdout


# Item 11: YAML that reviewers' tools and ours could read differently.

YAML_TRICKS = {
    "merge key": ('<<: {verdict: "true"}\n', "merge keys"),
    "merge key in a source": (None, "merge keys"),
    "!!binary": ('author: !!binary "RGVlcFNlZWs="\n', "!!binary"),
    "!!set": ("author: !!set {a, b}\n", "!!set"),
    "!!str": ("author: !!str DeepSeek\n", "!!str"),
    "!!map on a mapping": ("corrections:\n  - !!map {date: 2025-02-02, note: x}\n", "!!map"),
    "local tag": ("author: !local DeepSeek\n", "!local"),
    "non-specific tag": ("author: ! DeepSeek\n", "tag !"),
    "verbatim tag": ("author: !<tag:yaml.org,2002:str> DeepSeek\n", "!!str"),
}


@pytest.mark.parametrize("case", YAML_TRICKS)
def test_merge_keys_and_explicit_tags_are_located_errors(case: str) -> None:
    extra, expected = YAML_TRICKS[case]
    if extra is None:
        text = claim_yaml(sources=None) + ("sources:\n  - title: T\n    url: https://example.org/\n"
                                           "    <<: {title: Other}\n")
    else:
        key = extra.split(":")[0]
        text = claim_yaml(**{key: None}) + extra
    result = parse_claim(text.encode(), "claims/y.yml", "y", DEFAULT_SCALE)
    assert result.claim is None
    error = result.errors[0]
    assert expected in error.message, str(error)
    needle = "<<" if "merge" in case else "!"
    assert error.line == next(n for n, line in enumerate(text.splitlines(), 1) if needle in line), str(error)


@pytest.mark.slow
def test_the_sources_page_lists_a_few_citing_checks_per_source(tmp_path: Path) -> None:
    # Many checks citing the same sources: the page must not grow with checks x sources.
    shared = {"title": "Shared report", "url": "https://example.org/shared", "publisher": "Example"}
    site = make_site_in(tmp_path)
    for number in range(13):
        site.write_claim(f"c{number:02}.yml", claim_yaml(claim=f"Claim number {number} about chips.",
                                                         sources=[shared]))
    result = site.build()
    assert result.returncode == 0, result.output
    page = result.page("sources/")
    section = page.split(">Shared report</a></h2>", 1)[1].split("<h2", 1)[0]
    assert section.count('class="fc-list__item"') == 10
    assert "and 3 more" in section
    assert len(set(re.findall(r"Claim number \d+ about chips\.", section))) == 10
