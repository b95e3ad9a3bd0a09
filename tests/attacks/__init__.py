"""The attack corpus, hostile claim files made from it, and checks that output is inert.

Shared by test_security.py (built sites, every output parsed), test_fuzz.py
(Hypothesis, library calls) and test_xss_browser.py (Chromium). See README.md
in this folder for the corpus format.
"""

from __future__ import annotations

import atexit
import csv
import io
import json
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import lxml.html
import yaml

HERE = Path(__file__).parent
SITE_URL = "https://checks.example.org/"
SITE_HOST = "checks.example.org"

_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([ntr\\]))")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _unescape(line: str) -> str:
    def one(match: re.Match[str]) -> str:
        hex2, hex4, simple = match.groups()
        if simple:
            return _SIMPLE[simple]
        return chr(int(hex2 or hex4, 16))

    return _ESCAPE.sub(one, line)


@cache
def load(name: str) -> tuple[str, ...]:
    """The payloads of one corpus file (``html``, ``markdown``, ``breakout``, ``urls``, ``control``)."""
    lines = (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(_unescape(line) for line in lines if line.strip() and not line.startswith("#"))


def corpus() -> tuple[str, ...]:
    """Every text payload that a text field must accept and render harmlessly."""
    return load("html") + load("markdown") + load("breakout")


# URLs that pass validation (absolute http/https, no spaces) yet carry markup: they must
# come out as attribute values and text, escaped, never as markup.
HOSTILE_VALID_URLS = (
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/'><script>alert(1)</script>",
    "https://example.org/?q=<img/src=x/onerror=alert(1)>",
    "https://example.org/</script><script>alert(1)</script>",
    "https://example.org/#javascript:alert(1)",
    "https://example.org/]]><x>&amp;</x>",
    "https://example.org/=cmd|'/C%20calc'!A0",
    "https://example.org/a;=1+1,-2+3",
)

# Every free-text field of a claim file, as (where, how it is written in the YAML).
TEXT_FIELDS = (
    "claim", "claimant", "summary", "analysis", "author", "quote.text", "quote.expert",
    "quote.role", "tag", "source.title", "source.publisher", "correction.note",
)
MARKDOWN_FIELDS = ("summary", "analysis", "quote.text")
NAME_FIELDS = ("claimant", "quote.expert", "tag")  # each has a page, named after it
URL_FIELDS = ("appearance", "source.url", "source.archive_url", "quote.source")
VERDICTS = ("false", "mostly-false", "misleading", "mixed", "mostly-true", "true", "unproven")


def claim_data(values: dict[str, str], urls: dict[str, str] | None = None,
               related: Sequence[str] = (), verdict: str = "misleading") -> dict[str, Any]:
    """A claim file's data with the given text (and URL) fields; the rest is ordinary."""
    text = {name: "Ordinary text." for name in TEXT_FIELDS} | values
    link = {name: "https://example.org/ok" for name in URL_FIELDS} | (urls or {})
    data: dict[str, Any] = {
        "claim": text["claim"],
        "claimant": text["claimant"],
        "claim_date": "2025-01-20",
        "appearance": link["appearance"],
        "verdict": verdict,
        "summary": text["summary"],
        "analysis": text["analysis"],
        "sources": [{"title": text["source.title"], "url": link["source.url"],
                     "publisher": text["source.publisher"], "date": "2024-12-27",
                     "archive_url": link["source.archive_url"]}],
        "quotes": [{"expert": text["quote.expert"], "role": text["quote.role"],
                    "text": text["quote.text"], "source": link["quote.source"],
                    "stance": "disputes"}],
        "tags": [text["tag"], "security"],
        "related": list(related),
        "published": "2025-01-30",
        "updated": "2025-02-02",
        "author": text["author"],
        "corrections": [{"date": "2025-02-02", "note": text["correction.note"]}],
    }
    return data


def unique_names(values: dict[str, str], number: int) -> dict[str, str]:
    """Names with a number after them: two names that slug alike (`=1+1`, `;=1+1`) are an
    error since issue 10 (one would take the other's page), and payloads are names here."""
    return {name: f"{value} n{number}" if name in NAME_FIELDS else value for name, value in values.items()}


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)


def rotated_claims(payloads: Sequence[str], prefix: str = "attack") -> dict[str, str]:
    """One claim file per payload; field k of claim i holds payload (i + k): over all
    files every payload sits in every text field once (and every URL field gets the
    hostile-but-valid URLs in turn)."""
    count = len(payloads)
    files: dict[str, str] = {}
    for i in range(count):
        values = unique_names({name: payloads[(i + k) % count] for k, name in enumerate(TEXT_FIELDS)}, i)
        links = {name: HOSTILE_VALID_URLS[(i + k) % len(HOSTILE_VALID_URLS)]
                 for k, name in enumerate(URL_FIELDS)}
        related = [f"{prefix}-{(i + 1) % count:03d}"] if count > 1 else []
        files[f"{prefix}-{i:03d}.yml"] = dump(
            claim_data(values, links, related, verdict=VERDICTS[i % len(VERDICTS)]))
    return files


# What a browser would run or load. Sources: WHATWG HTML, the OWASP cheat sheet.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "codebase",
    "dynsrc", "lowsrc", "longdesc", "usemap", "manifest", "ping", "srcset", "xlink:href",
    "archive", "classid", "profile", "icon", "to", "from", "values",
}
BAD_SCHEMES = ("javascript", "vbscript", "data", "livescript", "mocha", "blob", "file")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile("[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(33)))
ACTIVE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "form", "input", "button", "textarea", "select", "keygen", "isindex", "meta", "link",
    "svg", "math", "template", "img", "video", "audio", "source", "bgsound", "marquee",
    "noscript", "xmp", "noembed", "portal", "fencedframe", "slot", "dialog", "details",
}
CONTRIBUTOR_REL = {"nofollow", "noopener", "noreferrer", "ugc"}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_RELATIVE_ROOT = re.compile(r'new URL\("[./]*",location\)')


def url_scheme(value: str) -> str:
    """The scheme a browser reads from an attribute value ('' for a relative URL)."""
    probe = _IGNORED_IN_URLS.sub("", value).lstrip(_C0_AND_SPACE)
    match = _SCHEME.match(probe)
    return match.group(1).lower() if match else ""


def site_path(page: str, url: str) -> str:
    """A URL written on the page at site path ``page``, as a path from the site root
    (or the absolute URL itself when it points elsewhere)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.netloc == SITE_HOST:
            return parts.path.lstrip("/")
        return url
    if url.startswith("/"):
        return url.lstrip("/")
    base = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
    return posixpath.normpath(posixpath.join("/" + base, parts.path)).lstrip("/") + (
        "/" if parts.path.endswith("/") else "")


def _signature(page: str, element: Any) -> str:
    """What identifies one of the theme's own elements independently of the page."""
    tag = str(element.tag).lower()
    attrs = {str(k).lower(): str(v) for k, v in element.attrib.items()}
    if tag == "meta":
        keep = {k: v for k, v in attrs.items() if k != "content" or "http-equiv" in attrs}
        return f"meta {sorted(keep.items())}"
    if tag == "link":
        rel = attrs.get("rel", "").lower()
        loads = set(rel.split()) & {"stylesheet", "import", "preload", "modulepreload", "prefetch",
                                    "preconnect", "dns-prefetch", "manifest"}
        href = site_path(page, attrs.get("href", "")) if loads else "*"
        return f"link {rel} {href}"
    if tag in ("style", "script"):
        text = _RELATIVE_ROOT.sub("new URL(ROOT,location)", element.text or "")
        src = site_path(page, attrs["src"]) if "src" in attrs else ""
        return f"{tag} {attrs.get('type', '')} {src} {_DIGITS.sub('N', text)}"
    normalised = {k: site_path(page, v) if k in URL_ATTRIBUTES else _DIGITS.sub("N", v)
                  for k, v in attrs.items() if k not in ("id", "for", "aria-labelledby", "title",
                                                          "aria-label", "placeholder", "value")}
    return f"{tag} {sorted(normalised.items())}"


@dataclass
class Baseline:
    """What the theme and our templates write on their own, from a site with benign claims."""

    signatures: set[str] = field(default_factory=set)
    handlers: set[str] = field(default_factory=set)  # on* attributes: tag, name, value
    styles: set[str] = field(default_factory=set)  # style attribute values, digits masked
    odd_urls: set[str] = field(default_factory=set)  # URL attributes with another scheme
    external_links: set[str] = field(default_factory=set)  # the theme's links to other sites

    def __repr__(self) -> str:  # Hypothesis prints its arguments on failure
        return f"Baseline({len(self.signatures)} element signatures)"

    @classmethod
    def of_site(cls, site: Path) -> Baseline:
        baseline = cls()
        for page, document in html_pages(site):
            for element in elements(document):
                tag = str(element.tag).lower()
                if tag in ACTIVE_TAGS:
                    baseline.signatures.add(_signature(page, element))
                if tag == "a" and _external(element.get("href", "")):
                    baseline.external_links.add(element.get("href"))
                for name, value in element.attrib.items():
                    name = str(name).lower()
                    if name.startswith("on"):
                        baseline.handlers.add(f"{tag} {name} {value}")
                    elif name == "style":
                        baseline.styles.add(_DIGITS.sub("N", str(value)))
                    elif name in URL_ATTRIBUTES and url_scheme(str(value)) not in ("", "http", "https"):
                        baseline.odd_urls.add(f"{tag} {name} {value}")
        return baseline


def elements(document: Any) -> Iterator[Any]:
    for element in document.iter():
        if isinstance(element.tag, str):  # not comments or processing instructions
            yield element


def html_pages(site: Path) -> Iterator[tuple[str, Any]]:
    """(site path of the page, parsed document) for every HTML file of a built site."""
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        page = relative.removesuffix("index.html")
        document = lxml.html.document_fromstring(file.read_bytes())
        yield page, document


def audit_page(page: str, document: Any, baseline: Baseline,
               expected_jsonld: dict[str, Any] | None = None) -> list[str]:
    """Every way a built page is more active than the theme and our templates make it."""
    problems: list[str] = []
    jsonld: list[str] = []
    for element in elements(document):
        tag = str(element.tag).lower()
        where = f"{page or '/'}: <{tag}>"
        if tag == "script" and element.get("type", "").strip().lower() == "application/ld+json":
            jsonld.append(element.text or "")
        elif tag in ACTIVE_TAGS and _signature(page, element) not in baseline.signatures:
            problems.append(f"{where} that the theme does not write: {_show(element)}")
        problems.extend(_audit_attributes(where, tag, element, baseline))
    if expected_jsonld is None:
        if jsonld:
            problems.append(f"{page}: JSON-LD on a page that is not a claim page")
    elif len(jsonld) != 1:
        problems.append(f"{page}: {len(jsonld)} JSON-LD scripts, expected exactly one")
    else:
        problems.extend(audit_jsonld(page, jsonld[0], expected_jsonld))
    return problems


def _audit_attributes(where: str, tag: str, element: Any, baseline: Baseline) -> Iterator[str]:
    for name, value in element.attrib.items():
        name, value = str(name).lower(), str(value)
        if name.startswith("on") and f"{tag} {name} {value}" not in baseline.handlers:
            yield f"{where} has an event handler {name}={value!r}"
        elif name == "style" and _DIGITS.sub("N", value) not in baseline.styles:
            yield f"{where} has a style the templates do not write: {value!r}"
        elif name == "srcdoc":
            yield f"{where} has srcdoc={value!r}"
        elif name in URL_ATTRIBUTES and url_scheme(value) not in ("", "http", "https", "mailto") \
                and f"{tag} {name} {value}" not in baseline.odd_urls:
            yield f"{where} has {name}={value!r}"
    if tag == "a" and _external(element.get("href", "")):
        rel = set((element.get("rel") or "").split())
        theirs = element.get("href") not in baseline.external_links
        if not rel >= CONTRIBUTOR_REL if theirs else "noopener" not in rel:
            yield f"{where} links out without rel={' '.join(sorted(CONTRIBUTOR_REL))}: {_show(element)}"
        if element.get("target") and "noopener" not in rel:
            yield f"{where} opens a window it can control: {_show(element)}"


def _external(href: str) -> bool:
    parts = urlsplit(href.strip())
    return bool(parts.netloc) and parts.netloc != SITE_HOST


def _show(element: Any) -> str:
    text = str(lxml.html.tostring(element, encoding="unicode", with_tail=False))
    return text[:160]


def audit_jsonld(page: str, text: str, expected: dict[str, Any]) -> list[str]:
    problems = []
    for token in ("</", "<!--", "<script", "]]>"):
        if token in text.lower():
            problems.append(f"{page}: JSON-LD holds a literal {token!r}")
    try:
        data = json.loads(text)
    except ValueError as exc:
        return [*problems, f"{page}: JSON-LD does not parse: {exc}"]
    if data != expected:
        problems.append(f"{page}: JSON-LD differs from the ClaimReview of the claim file: "
                        f"{json.dumps(data)[:300]} != {json.dumps(expected)[:300]}")
    return problems


def audit_fragment(html: str, where: str = "fragment", allowed: Iterable[str] = ()) -> list[str]:
    """HTML that contributor text became (a rendered page body, a feed summary, a
    search entry): no active element (but the ``allowed`` signatures, see
    ``fragment_signatures``), no handler, no script URL, no contributor style."""
    if not html.strip():
        return []
    problems = []
    allowed = set(allowed)
    document = lxml.html.fragment_fromstring(_for_lxml(html), create_parent="div")
    for element in elements(document):
        tag = str(element.tag).lower()
        if tag in ACTIVE_TAGS and _signature("", element) not in allowed:
            problems.append(f"{where}: <{tag}> {_show(element)}")
        for name, value in element.attrib.items():
            name, value = str(name).lower(), str(value)
            if _active_attribute(name, value):
                problems.append(f"{where}: <{tag} {name}={value!r}>")
        if tag == "a" and _external(element.get("href", "")) and \
                "noopener" not in (element.get("rel") or "").split():
            problems.append(f"{where}: outbound link without rel=noopener {_show(element)}")
    return problems


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _for_lxml(html: str) -> str:
    """lxml refuses strings with characters XML cannot hold; a browser shows U+FFFD."""
    return _NOT_XML.sub("\ufffd", html)


def fragment_signatures(html: str) -> set[str]:
    """The active elements our templates write by themselves, to allow in audit_fragment."""
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    return {_signature("", element) for element in elements(document)
            if str(element.tag).lower() in ACTIVE_TAGS}


def _active_attribute(name: str, value: str) -> bool:
    if name.startswith("on") or name == "srcdoc":
        return True
    if name == "style":
        return not _template_style(value)
    return name in URL_ATTRIBUTES and url_scheme(value) not in ("", "http", "https", "mailto")


_TEMPLATE_STYLE = re.compile(r"^[-\w\s:;#.,%()*]*$")  # calc() scales bar widths


def _template_style(value: str) -> bool:
    """The style attributes our templates write: colours and sizes from the scale."""
    lowered = value.lower()
    return bool(_TEMPLATE_STYLE.match(value)) and not any(
        word in lowered for word in ("url(", "expression", "javascript", "import", "position",
                                     "behavior", "binding", "image"))


def audit_feed(text: str) -> list[str]:
    """The Atom feed: well-formed XML without declarations, and inert entry HTML."""
    problems = []
    for token in ("<!DOCTYPE", "<!ENTITY", "<![CDATA["):
        if token in text:
            problems.append(f"feed.xml holds a literal {token}")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        return [*problems, f"feed.xml is not well-formed XML: {exc}"]
    atom = "{http://www.w3.org/2005/Atom}"
    for entry in root.iter(f"{atom}entry"):
        for summary in entry.iter(f"{atom}summary"):
            if summary.get("type") == "html":
                problems.extend(audit_fragment(summary.text or "", "feed summary"))
        for content in entry.iter(f"{atom}content"):
            if content.get("type") in ("html", "xhtml"):
                problems.extend(audit_fragment(content.text or "", "feed content"))
    for link in root.iter(f"{atom}link"):
        if url_scheme(link.get("href", "")) not in ("http", "https", ""):
            problems.append(f"feed link {link.get('href')!r}")
    return problems


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# List separators of spreadsheet locales: `;` in German or Spanish, tab and `|` on import.
LIST_SEPARATORS = (",", ";", "\t", "|")


def audit_csv(text: str) -> list[str]:
    """No cell starts a formula, however a spreadsheet splits the lines into cells."""
    problems = []
    for separator in LIST_SEPARATORS:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
        problems += [f"claims.csv split at {separator!r}: row {number} cell {column}: {cell[:60]!r} "
                     "starts a formula"
                     for number, row in enumerate(rows[1:], start=2)
                     for column, cell in enumerate(row) if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    return problems


def audit_search_index(text: str) -> list[str]:
    problems = []
    index = json.loads(text)
    for doc in index.get("docs", []):
        where = f"search entry {doc.get('location')!r}"
        if url_scheme(doc.get("location", "")):
            problems.append(f"{where}: location with a scheme")
        for key in ("title", "text", "words"):  # words: an analysis after its first block (never shown)
            problems.extend(audit_fragment(doc.get(key) or "", f"{where} {key}"))
    return problems


def strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


@cache
def scratch_dir() -> Path:
    """A folder for sites that several test modules share within one test run."""
    path = Path(tempfile.mkdtemp(prefix="factcheck-attacks-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@dataclass
class BuiltSite:
    """A site built once per test run from generated claim files."""

    root: Path
    returncode: int
    output: str
    files: dict[str, str]

    @property
    def site(self) -> Path:
        return self.root / "site"


def build_site(name: str, files: dict[str, str], plugin_options: str = "") -> BuiltSite:
    from conftest import make_site_in  # tests/ is on sys.path under pytest

    site = make_site_in(scratch_dir() / name, plugin_options=plugin_options)
    for file_name, text in files.items():
        (site.claims / file_name).write_text(text, encoding="utf-8")
    result = site.build()
    return BuiltSite(site.root, result.returncode, result.output, files)


@cache
def baseline_site() -> BuiltSite:
    """Benign claims with the same shape as the attack site: what the theme writes alone."""
    benign = [f"Benign text number {i}" for i in range(len(VERDICTS))]
    # Its lists paginated as the attack site's are (page_size, 50 by default, is past its
    # seven claims): the pager, the filter's badge template and deeper pages are the theme's.
    return build_site("baseline", rotated_claims(benign, "benign"), plugin_options="page_size: 2")


@cache
def attack_site() -> BuiltSite:
    """One claim per corpus payload; every payload in every text field once."""
    return build_site("attack", rotated_claims(corpus()))


def packed_claims(payloads: Sequence[str], per_claim: int = 12, prefix: str = "packed") -> dict[str, str]:
    """Fewer, denser claim files for the browser: claim j holds payloads j*n .. j*n+n-1 in
    every text field, each field starting with a different one of them. Names (claimant,
    expert, tag) hold one each: a name is also a file name, and those have a length limit
    (see test_security.py::test_long_names_do_not_break_the_build)."""
    files: dict[str, str] = {}
    chunks = [payloads[start:start + per_claim] for start in range(0, len(payloads), per_claim)]
    for j, chunk in enumerate(chunks):
        values = {}
        for k, name in enumerate(TEXT_FIELDS):
            ordered = [chunk[(m + k) % len(chunk)] for m in range(len(chunk))]
            if name in NAME_FIELDS:
                ordered = ordered[:1]
            values[name] = ("\n\n" if name in MARKDOWN_FIELDS else " ").join(ordered)
        values = unique_names(values, j)
        links = {name: HOSTILE_VALID_URLS[(j + k) % len(HOSTILE_VALID_URLS)]
                 for k, name in enumerate(URL_FIELDS)}
        related = [f"{prefix}-{(j + 1) % len(chunks):03d}"] if len(chunks) > 1 else []
        files[f"{prefix}-{j:03d}.yml"] = dump(
            claim_data(values, links, related, verdict=VERDICTS[j % len(VERDICTS)]))
    return files


@cache
def packed_attack_site() -> BuiltSite:
    """The whole corpus in a couple of dozen claims: quick to open page by page."""
    return build_site("packed", packed_claims(corpus()))
