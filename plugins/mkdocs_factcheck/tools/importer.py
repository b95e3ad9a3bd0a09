"""``factcheck import``: ClaimReview markup from another site in, claim files out.

Takes HTML pages (JSON-LD blocks and microdata; a page may hold several reviews),
JSON files (a ClaimReview, a list, an ``@graph``), schema.org ``DataFeed``s of
ClaimReview (Google's Fact Check Markup Tool feed, as Data Commons publishes it) and
the answers of Google's Fact Check Tools API (``pages`` markup, ``claims:search``), as
local files or http(s) URLs. Gives one claim file per review: the claim, claimant
and its type, claim date, appearances (``firstAppearance`` first), the verdict
through the user's mapping of rating labels to scale keys, the review URL as a
source, dates and author; and a list of what could not be carried over.

Nothing is guessed and nothing is half-written: a rating without a mapping, a
review missing what a claim file requires, or unreadable input is reported, and
then no file at all is written. Every file is checked with the build's own
validation before any is written, and an existing file is never overwritten.
Text from the markup is reduced to plain text (markup and scripts dropped). Files are
written as ``status: draft`` (``--status``): an import is reviewed before it is published.
URLs are fetched through ``netguard`` (public addresses only unless ``--allow-host``, each
answer decoded up to ``--max-bytes``), all of them within ``--deadline``.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
import yaml

from ..base import netguard
from ..base.errors import UsageError
from ..claims.loader import parse_claim
from ..claims.scale import RatingScale
from ..claims.slugs import claim_id_for

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_REVIEWS = 20_000
DEFAULT_TIMEOUT = 30.0  # seconds for one URL, redirects and reading included
DEFAULT_DEADLINE = 600.0  # seconds for every URL of a run
STATUSES = ("draft", "review", "published")
MAX_DEPTH = 40  # how deep to look for reviews in a JSON document
ORGANIZATION_TYPES = {"Organization", "NewsMediaOrganization", "GovernmentOrganization", "Corporation",
                      "EducationalOrganization", "NGO", "PoliticalParty", "OnlineBusiness"}
# What a review may hold that a claim file has no place for, by where it sits.
CARRIED = {
    "review": {"@context", "@type", "@id", "url", "claimReviewed", "itemReviewed", "reviewRating", "datePublished",
               "dateModified", "author", "name", "headline", "description"},
    "itemReviewed": {"@context", "@type", "@id", "author", "datePublished", "appearance", "firstAppearance", "name"},
    "reviewRating": {"@context", "@type", "alternateName", "name", "ratingExplanation"},
}
_SPACE = re.compile(r"\s+")
_LONG_NUMBER = re.compile(r"\d{1000,}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class SourceError(Exception):
    """A source cannot be read (the message says where and why)."""


@dataclass
class Problem:
    """Something that stops the import, at a place in a source."""

    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass
class Found:
    """One ClaimReview as found, and where."""

    review: dict[str, Any]
    where: str


@dataclass
class Draft:
    """A claim file to write, or the reasons it cannot be."""

    found: Found
    data: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    problems: list[Problem] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- Reading sources -------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """How URL sources are fetched."""

    timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    allow_hosts: frozenset[str] = frozenset()


def is_url(source: str) -> bool:
    return bool(re.match(r"(?i)https?://", source))


async def fetch_sources(urls: Sequence[str], max_bytes: int, network: Network) -> dict[str, bytes | SourceError]:
    """Each URL's body (decoded, at most ``max_bytes``) or why there is none; all within the deadline."""
    fetched: dict[str, bytes | SourceError] = {}
    guard = netguard.Guard(network.allow_hosts)
    async with netguard.Fetcher(guard, timeout=network.timeout, user_agent=_user_agent()) as fetcher:

        async def one(url: str) -> None:
            try:
                answer = await fetcher.request("GET", url, limit=max_bytes)
            except netguard.Oversized:
                fetched[url] = SourceError(f"{url}: more than {max_bytes:,} bytes; raise --max-bytes")
            except netguard.Blocked as exc:
                fetched[url] = SourceError(f"{url}: not fetched: {exc} (allow your own host with --allow-host)")
            except netguard.FetchError as exc:
                fetched[url] = SourceError(f"{url}: cannot fetch it: {exc}")
            else:
                fetched[url] = (SourceError(f"{url}: the server answered {answer.status}")
                                if answer.status >= 400 else answer.body)

        await netguard.within_deadline((one(url) for url in dict.fromkeys(urls)), network.deadline)
    for url in urls:
        fetched.setdefault(url, SourceError(f"{url}: not fetched: the run's deadline ({network.deadline:g} s) "
                                            "passed first"))
    return fetched


def read_source(source: str, max_bytes: int, fetched: dict[str, bytes | SourceError] | None = None) -> bytes:
    """The bytes of a local file, or of an http(s) URL as ``fetch_sources`` gave them, at most ``max_bytes``."""
    if is_url(source):
        body = (fetched or {}).get(source) or SourceError(f"{source}: not fetched")
        if isinstance(body, SourceError):
            raise body
        return body
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{source}: the file is {size:,} bytes, over --max-bytes {max_bytes:,}")
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{source}: cannot read it: {exc.strerror}") from None


def _user_agent() -> str:
    from .linkcheck import USER_AGENT

    return USER_AGENT


def find_reviews(raw: bytes, source: str) -> list[Found]:
    """Every ClaimReview in a JSON document or an HTML page."""
    text = raw.decode("utf-8-sig", errors="replace")
    if text.lstrip()[:1] in ("{", "["):
        return [Found(r, f"{source}: review {i + 1}") for i, r in enumerate(_reviews_in(_json(text, source, 1)))]
    return _reviews_in_html(raw, source)


def _json(text: str, where: str, first_line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = first_line + exc.lineno - 1
        raise SourceError(f"{where}:{line}: malformed JSON-LD: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise SourceError(f"{where}: the JSON is nested too deeply to be a ClaimReview") from None
    except ValueError:  # Python's limit on the digits of an integer (4,300), or the like
        long_number = _LONG_NUMBER.search(text)
        at = f":{first_line + text.count(chr(10), 0, long_number.start())}" if long_number else ""
        raise SourceError(f"{where}{at}: malformed JSON-LD: a number too long to read "
                          f"(more than {sys.get_int_max_str_digits():,} digits)") from None


def _reviews_in(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """ClaimReviews anywhere in the document: top level, lists, @graph, DataFeed elements."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _reviews_in(item, depth + 1)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        if isinstance(node.get("claimReviewMarkups"), list):
            yield from _from_markup_page(node)
            return
        if isinstance(node.get("claimReview"), list) and "text" in node:
            yield from _from_search_claim(node)
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _reviews_in(value, depth + 1)


def _reviews_in_html(raw: bytes, source: str) -> list[Found]:
    import lxml.html  # here, not at the top: the `tools` extra (extras.py)
    from lxml import etree

    try:
        document = lxml.html.document_fromstring(raw)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"{source}: not an HTML page or JSON file: {exc}") from None
    found: list[Found] = []
    problems: list[str] = []
    for script in document.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        body = (script.text or "").strip()
        # Some CMSs wrap the block in an HTML comment or CDATA.
        body = re.sub(r"^(<!--|<!\[CDATA\[)|(-->|\]\]>)$", "", body).strip()
        if not body:
            continue
        try:
            data = _json(body, source, script.sourceline or 1)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        found += [Found(r, f"{source}:{script.sourceline}") for r in _reviews_in(data)]
    if problems:
        raise SourceError("\n".join(problems))
    # Imported here: the extruct package loads rdflib and more (a second), which every other
    # factcheck command would pay for.
    from extruct.w3cmicrodata import MicrodataExtractor

    for item in MicrodataExtractor().extract_items(document, None):
        for review in _reviews_in(_from_microdata(item)):
            found.append(Found(review, f"{source}: microdata"))
    return found


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _from_markup_page(page: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Google Fact Check Tools' ClaimReviewMarkupPage (the Markup Tool's read/write API)
    as schema.org ClaimReviews, field for field as the API's reference maps them."""
    author = _first_dict(page.get("claimReviewAuthor"))
    for markup in page["claimReviewMarkups"]:
        if not isinstance(markup, dict):
            continue
        claim_author = _first_dict(markup.get("claimAuthor"))
        rating = _first_dict(markup.get("rating"))
        yield _present({
            "@type": "ClaimReview", "url": markup.get("url") or page.get("pageUrl"),
            "claimReviewed": markup.get("claimReviewed"), "datePublished": page.get("publishDate"),
            "author": _present({"@type": "Organization", "name": author.get("name"), "image": author.get("imageUrl")}),
            "itemReviewed": _present({
                "@type": "Claim", "datePublished": markup.get("claimDate"),
                "author": _present({"name": claim_author.get("name"), "jobTitle": claim_author.get("jobTitle"),
                                    "image": claim_author.get("imageUrl"), "sameAs": claim_author.get("sameAs")}),
                "firstAppearance": markup.get("claimFirstAppearance"), "appearance": markup.get("claimAppearances"),
                "contentLocation": markup.get("claimLocation")}),
            "reviewRating": _present({
                "@type": "Rating", "alternateName": rating.get("textualRating"),
                "ratingValue": rating.get("ratingValue"), "bestRating": rating.get("bestRating"),
                "worstRating": rating.get("worstRating"), "ratingExplanation": rating.get("ratingExplanation"),
                "image": rating.get("imageUrl")}),
        })


def _from_search_claim(claim: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A claim from the Fact Check Tools API's ``claims:search`` answer, one ClaimReview per review."""
    for review in claim["claimReview"]:
        if not isinstance(review, dict):
            continue
        publisher = _first_dict(review.get("publisher"))
        yield _present({
            "@type": "ClaimReview", "url": review.get("url"), "name": review.get("title"),
            "claimReviewed": claim.get("text"), "datePublished": review.get("reviewDate"),
            "author": _present({"@type": "Organization", "name": publisher.get("name"), "url": publisher.get("site")}),
            "itemReviewed": _present({"@type": "Claim", "author": _present({"name": claim.get("claimant")}),
                                      "datePublished": claim.get("claimDate")}),
            "reviewRating": _present({"@type": "Rating", "alternateName": review.get("textualRating")}),
            "inLanguage": review.get("languageCode"),
        })


def _from_microdata(item: Any) -> Any:
    """extruct's ``{"type", "properties"}`` items in the JSON-LD shape."""
    if isinstance(item, list):
        return [_from_microdata(i) for i in item]
    if isinstance(item, dict) and "properties" in item:
        converted = {key: _from_microdata(value) for key, value in dict(item["properties"]).items()}
        if item.get("type"):
            converted["@type"] = item["type"]
        return converted
    return item


def _types(node: dict[str, Any]) -> set[str]:
    """``@type`` as short names: ``http://schema.org/ClaimReview`` and ``schema:ClaimReview`` alike."""
    return {re.split(r"[/#:]", str(t))[-1] for t in _many(node.get("@type")) if t}


def _many(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


# --- One review, one claim file --------------------------------------------------------


def plain(value: Any) -> str:
    """Text without markup, scripts or control characters, on one line."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = str(value)
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _url(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else ""
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text)
    ok = parts.scheme in ("http", "https") and parts.netloc and not re.search(r"[\s\x00-\x1f]", text)
    return text if ok else ""


def _day(value: Any) -> date | None:
    text = plain(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def label_of(review: dict[str, Any]) -> str:
    rating = _first_dict(review.get("reviewRating"))
    return plain(rating.get("alternateName")) or plain(rating.get("name"))


def _first_dict(value: Any) -> dict[str, Any]:
    for item in _many(value):
        if isinstance(item, dict):
            return item
    return {}


def draft(found: Found, mapping: dict[str, str]) -> Draft:
    """The claim file's data for one review, or why there is none."""
    review = found.review
    result = Draft(found)
    item = _first_dict(review.get("itemReviewed"))
    rating = _first_dict(review.get("reviewRating"))
    review_url = _url(review.get("url"))
    where = f"{found.where} ({review_url})" if review_url else found.where

    def missing(what: str, hint: str) -> None:
        result.problems.append(Problem(where, f"no {what}", hint))

    raw_claim = review.get("claimReviewed") or item.get("name")
    claim = plain(raw_claim)
    if isinstance(raw_claim, str) and claim != _SPACE.sub(" ", raw_claim).strip():
        result.notes.append("claimReviewed: markup removed, its text kept")
    if not claim:
        missing("claimReviewed (the claim's text)", "a claim file needs the claim")
    claimant_node = _first_dict(item.get("author"))
    claimant = plain(claimant_node.get("name")) if claimant_node else plain(item.get("author"))
    if not claimant:
        missing("itemReviewed.author.name (who made the claim)", "a claim file needs a claimant")
    label = label_of(review)
    result.label = label
    verdict = mapping.get(_key(label)) if label else None
    if not label:
        missing("reviewRating.alternateName (the rating)", "a claim file needs a verdict")
    if not review_url:
        missing("url (the fact check's address)", "the original fact check is cited as the source")
    published = _day(review.get("datePublished"))
    if not published:
        missing("datePublished as YYYY-MM-DD", "a claim file needs its publication date")
    author = plain(review.get("author"))
    publisher = author or urlsplit(review_url).netloc
    title = plain(review.get("name")) or plain(review.get("headline")) or f"Fact check by {publisher}"
    summary = plain(rating.get("ratingExplanation")) or plain(review.get("description"))
    if not summary and label:
        summary = f"Rated “{label}” in the original fact check."
        result.notes.append("summary: the review has none; says the rating was given in the original")

    data: dict[str, Any] = {"claim": claim, "claimant": claimant}
    kind = _types(claimant_node)
    if "Person" in kind:
        data["claimant_type"] = "person"
    elif kind & ORGANIZATION_TYPES:
        data["claimant_type"] = "organization"
    claim_date = _day(item.get("datePublished"))
    if claim_date:
        data["claim_date"] = claim_date
    appearances: list[str] = []
    for value in [*_many(item.get("firstAppearance")), *_many(item.get("appearance"))]:
        url = _url(value)
        if url and url not in appearances:
            appearances.append(url)
        elif not url:
            result.dropped.append("itemReviewed.appearance without an http(s) url")
    if appearances:
        data["appearance"] = appearances if len(appearances) > 1 else appearances[0]
    data["verdict"] = verdict or ""
    data["summary"] = summary
    source: dict[str, Any] = {"title": title, "url": review_url}
    if publisher:
        source["publisher"] = publisher
    if published:
        source["date"] = published
    data["sources"] = [source]
    data["published"] = published
    updated = _day(review.get("dateModified"))
    if updated and published and updated > published:
        data["updated"] = updated
    if author:
        data["author"] = author
    data["status"] = "draft"  # until someone reviews it: `factcheck import --status` may say otherwise
    result.data = data
    result.dropped += [f"{k}" for k in review if k not in CARRIED["review"]]
    result.dropped += [f"itemReviewed.{k}" for k in item if k not in CARRIED["itemReviewed"]]
    result.dropped += [f"itemReviewed.author.{k}" for k in claimant_node if k not in ("@type", "name")]
    result.dropped += [f"reviewRating.{k}" for k in rating if k not in CARRIED["reviewRating"]]
    return result


def _key(label: str) -> str:
    return _SPACE.sub(" ", label).strip().casefold()


def parse_mapping(pairs: Sequence[str], files: Sequence[str], scale: RatingScale) -> dict[str, str]:
    """``Label=key`` pairs and mapping files as one table, labels compared without case."""
    entries: list[tuple[str, Any, str]] = []
    for pair in pairs:
        label, sep, key = pair.rpartition("=")
        if not sep or not label.strip():
            raise UsageError(f"--map {pair!r}: write it as \"Rating label=verdict-key\"")
        entries.append((label, key.strip(), f"--map {pair!r}"))
    for name in files:
        try:
            loaded = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsageError(f"--map-file {name}: cannot read it: {exc}") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"--map-file {name}: write one `Rating label: verdict-key` per line")
        entries += [(str(label), value, f"--map-file {name}: {label!r}") for label, value in loaded.items()]
    mapping: dict[str, str] = {}
    for label, key, where in entries:
        if isinstance(key, bool):  # a bare true/false in a YAML mapping file
            key = "true" if key else "false"
        if not isinstance(key, str) or key not in scale:
            raise UsageError(f"{where}: {key!r} is not a verdict; write one of: {', '.join(scale.keys)}")
        mapping[_key(label)] = key
    return mapping


# --- Ids, files, the command -----------------------------------------------------------


def id_from_url(url: str, claim: str) -> str:
    """The review URL's last path segment as a claim id (the claim's words when it has none)."""
    stems = [re.sub(r"\.(s?html?|php|aspx?|jsp)$", "", unquote(s)) for s in urlsplit(url).path.split("/") if s]
    # `/checks/bridge/index.html` and `/checks/bridge/amp/` name the page by the folder
    stems = [s for s in stems if s.lower() not in ("index", "default", "amp")]
    stem = stems[-1] if stems else ""
    return claim_id_for(stem) or claim_id_for(claim) or "imported-claim"


def unique_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate = f"{wanted}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


class _Dumper(yaml.SafeDumper):
    """Safe dumping without anchors: the loader refuses them (one date used twice would get one)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def claim_text(data: dict[str, Any], schema_ref: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"# yaml-language-server: $schema={schema_ref}\n{body}"


def _taken_ids(folder: Path) -> set[str]:
    from ..claims.loader import claim_files

    return {p.stem for p in claim_files(folder)} if folder.is_dir() else set()


def write_all(files: dict[Path, str]) -> None:
    """Every file or none: ``x`` mode never overwrites, and a failure removes what was written."""
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                written.append(path)
                handle.write(text)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def gather(sources: Sequence[str], max_bytes: int, max_reviews: int,
           network: Network | None = None) -> tuple[list[Found], list[str]]:
    """Every review in the sources, each once, or why they cannot be read."""
    problems: list[str] = []
    found: list[Found] = []
    urls = [source for source in sources if is_url(source)]
    fetched = asyncio.run(fetch_sources(urls, max_bytes, network or Network())) if urls else {}
    for source in sources:
        try:
            found += find_reviews(read_source(source, max_bytes, fetched), source)
        except SourceError as exc:
            problems += str(exc).splitlines()
    if len(found) > max_reviews:
        problems.append(f"{len(found):,} reviews found, over --max-reviews {max_reviews:,}; "
                        "import the sources in parts or raise the limit")
        return [], problems
    # The same review in a page and in a feed is one fact check.
    first: dict[tuple[str, str], Found] = {}
    for f in found:
        first.setdefault((review_url(f), plain(f.review.get("claimReviewed"))), f)
    return list(first.values()), problems


def review_url(found: Found) -> str:
    return _url(found.review.get("url"))


def already_imported(folder: Path, scale: RatingScale, max_bytes: int) -> dict[str, str]:
    """Source URLs the folder's claims cite, and the file citing each: a rerun skips those reviews."""
    from ..claims.loader import ClaimLoader

    if not folder.is_dir():
        return {}
    claims = ClaimLoader(scale, max_bytes=max_bytes).load(folder, folder.parent).claims
    return {source.url: claim.path for claim in claims.values() for source in claim.sources}


def plan(drafts: list[Draft], folder: Path, schema: Path, scale: RatingScale,
         max_bytes: int) -> tuple[dict[Path, str], list[str]]:
    """The files to write, each checked with the build's validation; problems if any fails."""
    files: dict[Path, str] = {}
    problems: list[str] = []
    taken = _taken_ids(folder)
    schema_ref = Path(os.path.relpath(schema, folder)).as_posix()
    for d in drafts:
        claim_id = unique_id(id_from_url(d.data["sources"][0]["url"], d.data["claim"]), taken)
        path = folder / f"{claim_id}.yml"
        text = claim_text(d.data, schema_ref)
        result = parse_claim(text.encode("utf-8"), path.as_posix(), claim_id, scale, max_bytes)
        problems += [f"{d.found.where}: would not validate: {e.message} ({e.hint})" for e in result.errors]
        files[path] = text
    return files, problems
