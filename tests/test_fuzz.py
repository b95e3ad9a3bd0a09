"""Property tests: whatever text a contributor writes, it is refused with a located
error or it comes out inert, in every output.

Hypothesis writes random text (any Unicode, HTML and Markdown fragments, YAML
specials, corpus payloads) into claim fields; the library renders it the way the
plugin does, without MkDocs, so hundreds of examples take seconds. One slower
property builds real sites. Derandomised, so CI sees the same examples every run.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from functools import cache
from typing import Any

import attacks
import jinja2
import lxml.html
import markupsafe
import pytest
from conftest import make_site_in
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from mkdocs_factcheck.base.strings import strings_for
from mkdocs_factcheck.claims import urls
from mkdocs_factcheck.claims.catalog import build_catalog
from mkdocs_factcheck.claims.loader import FileResult, parse_claim
from mkdocs_factcheck.claims.model import Claim
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.output import jsonld
from mkdocs_factcheck.output.feeds import atom_feed, csv_export, json_export
from mkdocs_factcheck.output.markup import MarkdownRenderer, inert_braces, inert_value, plain_text
from mkdocs_factcheck.output.pages import plan_pages
from mkdocs_factcheck.output.render import Renderer, SiteInfo

# No shrinking: a failure reports the first example found, and a failing run stays as
# quick as a passing one (shrinking a rendered site can take minutes).
FAST = settings(deadline=None, max_examples=40, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SITE = SiteInfo(name="Test desk", url=attacks.SITE_URL, organization="Test desk",
                organization_url=attacks.SITE_URL, default_author="Test desk")

# Characters that mean something to HTML, Markdown, YAML, JSON, XML, CSV or Jinja.
SPECIALS = "<>&\"'`/\\=[](){}!*_#-:;|%@?$~^+.,\t\n\r \x00\x0b\x85\u2028\u2029\ufeff\ufffe"
FRAGMENTS = (
    "<script>", "</script>", "<!--", "-->", "]]>", "<![CDATA[", "javascript:", "data:",
    "vbscript:", "&#", "&lt;", "&amp;", "onerror=", " onload=", "\"'>", "</title>", "{{", "}}",
    "{%", "---\n", "...\n", "\n\n", "- ", "> ", "# ", "[x](", "![x](", "<http://", "`", "```\n",
    "=cmd|' /C calc'!A0", "+", "@", "&xxe;", "<!ENTITY", "%s", "\\u003c", "\u202e",
)
pieces = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=SPECIALS, max_size=12),
    st.sampled_from(FRAGMENTS),
    st.sampled_from(attacks.corpus()),
)
hostile_text = st.one_of(
    st.text(max_size=120),
    st.sampled_from(attacks.corpus()),
    st.lists(pieces, min_size=1, max_size=6).map("".join),
)


@cache
def _renderer() -> Renderer:
    """One renderer (its templates compiled once); it caches Markdown by content only."""
    return Renderer(strings_for(None), DEFAULT_SCALE, SITE)


@cache
def _template_elements() -> frozenset[str]:
    """The forms, inputs and icons our templates write around benign claims."""
    benign = attacks.claim_data({})
    claim = parse_claim(attacks.dump(benign).encode(), "claims/ok.yml", "ok", DEFAULT_SCALE).claim
    assert claim is not None
    catalog = build_catalog([claim], DEFAULT_SCALE)
    renderer = _renderer()
    found: set[str] = set()
    for spec in plan_pages(catalog, renderer).values():
        body = renderer.page(spec.template, catalog, urls.page_url(spec.src_uri), **spec.context)
        found |= attacks.fragment_signatures(body)
    return frozenset(found)


def _parse(data: dict[str, Any]) -> tuple[str, FileResult]:
    text = attacks.dump(data)
    return text, parse_claim(text.encode("utf-8"), "claims/fuzz.yml", "fuzz", DEFAULT_SCALE)


YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _refused_with_location(result: FileResult, text: str) -> None:
    # Lines as YAML (and so the error's location) counts them: NEL, LS and PS break lines too.
    lines = len(YAML_LINE_BREAK.split(text))
    assert result.errors, "refused without a reason"
    for error in result.errors:
        assert error.path == "claims/fuzz.yml"
        assert 1 <= error.line <= lines, str(error)
        assert error.message, str(error)


def outputs_problems(claim: Claim) -> list[str]:
    """Render every output the plugin makes from one claim; report anything active."""
    catalog = build_catalog([claim], DEFAULT_SCALE)
    renderer = _renderer()
    problems: list[str] = []
    for spec in plan_pages(catalog, renderer).values():
        here = urls.page_url(spec.src_uri)
        body = renderer.page(spec.template, catalog, here, **spec.context)
        problems.extend(attacks.audit_fragment(body, spec.src_uri, _template_elements()))
        # Themes print the front matter's title and description as HTML, unescaped.
        _, meta = get_data(spec.stub())  # as MkDocs reads it
        for key in ("title", "description"):
            value = meta.get(key, "")
            # Escaped: as html.escape writes it, braces as character references (issue 21).
            if html.unescape(value) != value and inert_braces(html.escape(html.unescape(value))) != value:
                problems.append(f"{spec.src_uri}: {key} is neither text nor escaped: {value!r}")
            if any(char in value for char in "<>\""):
                problems.append(f"{spec.src_uri}: {key} carries markup: {value!r}")
    summary = renderer.claim_html(claim).summary_text
    review = jsonld.claim_review(claim, DEFAULT_SCALE, url=f"{attacks.SITE_URL}claims/fuzz/",
                                 organization="Test desk", summary_text=summary)
    element = jsonld.script_element(review)
    inner = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    problems.extend(attacks.audit_jsonld("json-ld", inner, review))
    feed = atom_feed(catalog, title="Test desk", site_url=attacks.SITE_URL, use_directory_urls=True,
                     html_of=renderer.claim_html, author="Test desk")
    problems.extend(attacks.audit_feed(feed))
    problems.extend(attacks.audit_csv(csv_export(catalog, site_url=attacks.SITE_URL,
                                                 use_directory_urls=True, html_of=renderer.claim_html)))
    exported = json.loads(json_export(catalog, site_url=attacks.SITE_URL, use_directory_urls=True))
    if exported["claims"][0]["claim"] != claim.claim:
        problems.append("claims.json changed the claim's text")
    return problems


def _check(data: dict[str, Any]) -> None:
    text, result = _parse(data)
    if result.claim is None:
        _refused_with_location(result, text)
        return
    problems = outputs_problems(result.claim)
    assert not problems, problems


@pytest.mark.parametrize("field", attacks.TEXT_FIELDS)
@FAST
@given(value=hostile_text)
def test_any_text_in_one_field_is_refused_or_inert(field: str, value: str) -> None:
    _check(attacks.claim_data({field: value}))


@settings(FAST, max_examples=60)
@given(values=st.fixed_dictionaries({name: hostile_text for name in attacks.TEXT_FIELDS}))
def test_any_text_in_every_field_at_once_is_refused_or_inert(values: dict[str, str]) -> None:
    _check(attacks.claim_data(values))


url_text = st.one_of(
    st.sampled_from(attacks.load("urls") + attacks.HOSTILE_VALID_URLS),
    st.builds(lambda scheme, rest: scheme + rest,
              st.sampled_from(["https://", "http://", "javascript:", "data:", "HTTPS://", "//", " ",
                               "java\tscript:", "https://example.org/"]),
              hostile_text),
)


@pytest.mark.parametrize("field", attacks.URL_FIELDS)
@FAST
@given(url=url_text)
def test_url_fields_accept_only_http_addresses(field: str, url: str) -> None:
    text, result = _parse(attacks.claim_data({}, {field: url}))
    if result.claim is None:
        _refused_with_location(result, text)
        return
    record = result.claim.model_dump()
    stored = {"appearance": (record["appearance"] or [""])[0], "source.url": record["sources"][0]["url"],
              "source.archive_url": record["sources"][0]["archive_url"],
              "quote.source": record["quotes"][0]["source"]}[field]
    assert attacks.url_scheme(stored) in ("http", "https"), stored
    assert not any(char.isspace() or ord(char) < 32 for char in stored), stored
    problems = outputs_problems(result.claim)
    assert not problems, problems


@settings(FAST, max_examples=100)
@given(text=hostile_text)
def test_markdown_renders_inert_and_plain_text_is_clean(text: str) -> None:
    rendered = str(MarkdownRenderer().render(text))
    assert not attacks.audit_fragment(rendered), attacks.audit_fragment(rendered)
    assert "<script" not in rendered.lower() and "<!--" not in rendered
    summary = plain_text(rendered)
    assert summary == " ".join(summary.split())
    assert not any(ord(char) < 32 or char in "\ufffe\uffff" for char in summary), repr(summary)


# The slow property: real builds with MkDocs and the theme, few examples.


@pytest.fixture(scope="module")
def baseline() -> attacks.Baseline:
    built = attacks.baseline_site()
    assert built.returncode == 0, built.output
    return attacks.Baseline.of_site(built.site)


@pytest.mark.slow
@settings(FAST, max_examples=6)
@given(values=st.fixed_dictionaries({name: hostile_text for name in attacks.TEXT_FIELDS}))
def test_built_sites_stay_inert(values: dict[str, str], baseline: attacks.Baseline,
                                tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("fuzz-site")
    site = make_site_in(root)
    text = attacks.dump(attacks.claim_data(values))
    site.write_claim("fuzz.yml", text)
    result = site.build()
    assert "Traceback" not in result.output, result.output
    if result.returncode != 0:
        assert "claims/fuzz.yml:" in result.output, result.output
        assert not list((root / "site").glob("claims/*/index.html"))
        return
    problems: list[str] = []
    for page, document in attacks.html_pages(result.site):
        expected = None
        if page == "claims/fuzz/":
            ld = document.find(".//script[@type='application/ld+json']")
            expected = json.loads(ld.text) if ld is not None else {}
        problems.extend(attacks.audit_page(page, document, baseline, expected))
    problems.extend(attacks.audit_feed((result.site / "feed.xml").read_text(encoding="utf-8")))
    problems.extend(attacks.audit_csv((result.site / "claims.csv").read_text(encoding="utf-8")))
    problems.extend(attacks.audit_search_index(
        (result.site / "search" / "search_index.json").read_text(encoding="utf-8")))
    page = lxml.html.document_fromstring((result.site / "claims" / "fuzz" / "index.html").read_bytes())
    claim = parse_claim(text.encode(), "claims/fuzz.yml", "fuzz", DEFAULT_SCALE).claim
    assert claim is not None
    quoted = page.get_element_by_id("claim").find_class("fc-claim__text")  # after the "Claim:" label
    shown = " ".join(quoted[0].text_content().split()) if quoted else ""
    if shown != " ".join(claim.claim.split()):
        problems.append(f"the page shows {shown!r} for {claim.claim!r}")
    shutil.rmtree(root, ignore_errors=True)
    assert not problems, problems


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_printed_string_is_escaped_once_with_inert_braces_whether_autoescape_is_on_or_off(text: str) -> None:
    """The templates' finalize leaves a brace-free string to autoescape, and escapes it itself
    where a (site's) template turned autoescape off: the same text either way, escaped once."""
    env = jinja2.Environment(autoescape=True, finalize=inert_value)
    shown = env.from_string("{{ v }}|{% autoescape false %}{{ v }}{% endautoescape %}").render(v=text)
    expected = inert_braces(str(markupsafe.escape(text)))
    assert shown == f"{expected}|{expected}"
