"""Which pages a catalog makes: their source paths, templates, titles and context.

Plain data for the adapter: it turns each ``PageSpec`` into a MkDocs file and
asks the renderer for its HTML when MkDocs renders that page.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from functools import lru_cache, partial
from pathlib import PurePath
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

from ..base.strings import counted
from ..claims import urls
from ..claims.catalog import Catalog, CitedSource, Expert
from ..claims.model import Claim
from ..claims.people import Names
from ..claims.slugs import name_key
from .markup import inert_braces, plain_text
from .render import Renderer

WITHDRAWN_PAGE = "withdrawn.html"
Row = TypeVar("Row")


@dataclass
class PageSpec:
    src_uri: str
    template: str
    title: str
    description: str = ""
    in_nav: bool = False
    searchable: bool = True  # long listings repeat claim pages' text: keep them out of the index
    context: dict[str, Any] = field(default_factory=dict)
    claim_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)  # more front matter (values already safe)
    _plain_stub: str = field(default="", repr=False, compare=False)  # stub() without arguments, made once

    def stub(self, body: str = "", **meta: Any) -> str:
        """The page as Markdown: front matter (plus ``meta``), then ``body``. The MkDocs plugin
        gives no body (it comes from the template); ``factcheck generate`` gives the HTML.

        Themes print page titles and descriptions as HTML, unescaped (MkDocs titles
        may hold markup), so contributor text is escaped here, once, at the source.
        Plugins that render pages as Jinja (mkdocs-macros renders the title too) are
        told not to: contributor text must never reach a template engine.
        """
        if not body and not meta:
            # MkDocs asks for it twice (the File's content, then on_page_read_source).
            self._plain_stub = self._plain_stub or self._front_matter()
            return self._plain_stub
        return self._front_matter(**meta) + body

    @property
    def shown_title(self) -> str:
        """The title as themes get it: they print titles as HTML, and ours can be contributor text."""
        return inert_braces(html.escape(self.title))

    def front(self, **meta: Any) -> dict[str, Any]:
        """The stub's front matter as data: what reading ``stub(**meta)``'s YAML gives, a new dict each time."""
        front: dict[str, Any] = {"title": self.shown_title, "render_macros": False}
        if not self.searchable:
            front["search"] = {"exclude": True}
        if self.description:
            front["description"] = inert_braces(html.escape(self.description))
        front.update(copy.deepcopy(self.meta))
        front.update(meta)
        return front

    def _front_matter(self, **meta: Any) -> str:
        front = self.front(**meta)
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 8x faster
        return "---\n" + yaml.dump(front, Dumper=dumper, allow_unicode=True, width=1_000_000) + "---\n"


# Rows of a long list per page: what a reader scans (issue 24; it was 500, 1.6 MiB a page).
DEFAULT_PAGE_SIZE = 50
# A name's page is a list of checks, not a document: no "Table of contents" column beside it.
_LISTING_META: dict[str, Any] = {"hide": ["toc"]}


def plan_pages(catalog: Catalog, renderer: Renderer, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, PageSpec]:
    t = renderer.strings

    def checked_count(count: int) -> str:
        return f"{count} {counted(t, 'claims_checked', count, renderer.site.language)}"

    # Every page gets a description: feeds of pages (mkdocs-rss-plugin) and share previews
    # need one, and generated pages have no Markdown to take an excerpt from.
    checked = f"{t['total_checked']}: {len(catalog.claims)}"
    specs = [
        PageSpec(urls.SCOREBOARD, "scoreboard.html", t["scoreboard"], checked, in_nav=True, searchable=False),
        *_claims_pages(catalog, t, page_size, checked),
        PageSpec(urls.CLAIMANTS_INDEX, "claimants.html", t["claimants"], f"{t['claimants']}: {len(catalog.claimants)}",
                 in_nav=True, searchable=False),
        PageSpec(urls.EXPERTS_INDEX, "experts.html", t["experts_index"],
                 f"{t['experts_index']}: {len(catalog.experts)}", in_nav=True, searchable=False),
        PageSpec(urls.TAGS_INDEX, "tags.html", t["tags_index"], f"{t['tags_index']}: {len(catalog.tags)}",
                 in_nav=True, searchable=False),
        *_sources_pages(catalog, t, page_size),
    ]
    for claim in catalog.claims:
        rating = catalog.rating(claim)
        summary = renderer.claim_html(claim).summary_text
        # The verdict leads the title (tab, search result, shared link): the claim is never
        # restated on its own as if it were fact. A news page: no site menu, no TOC column.
        title = f"{rating.label}: “{claim.claim}”"
        specs.append(PageSpec(urls.claim_src(claim.id), "claim.html", title, description=_clip(summary),
                              context={"claim": claim, "history": None}, claim_id=claim.id,
                              meta={"hide": ["navigation", "toc"], "html_title": inert_braces(html.escape(
                                  f"{title} | {t['fact_check']} | {renderer.site.name}"))}))
    for claim in catalog.withdrawn:
        assert claim.withdrawn is not None
        title = f"{t['withdrawn']}: “{claim.claim}”"
        # No claim_id: a withdrawn check carries no ClaimReview and no share card of its verdict.
        specs.append(PageSpec(urls.claim_src(claim.id), WITHDRAWN_PAGE, title,
                              description=_clip(f"{t['withdrawn_on']} {claim.withdrawn.date}: {claim.withdrawn.note}"),
                              context={"claim": claim, "history": None},
                              meta={"hide": ["navigation", "toc"], "html_title": inert_braces(html.escape(
                                  f"{title} | {t['fact_check']} | {renderer.site.name}"))}))
    specs += _log_pages(catalog, t, page_size)
    for slug, entity in catalog.claimants.items():
        specs += _name_pages(partial(urls.claimant_src, slug), "claimant.html", entity.name,
                             f"{entity.name}: {checked_count(len(entity.claims))}", t, page_size,
                             {"entity": entity}, "claims", entity.claims)
    for slug, expert in catalog.experts.items():
        specs += _name_pages(partial(urls.expert_src, slug), "expert.html", expert.name,
                             f"{expert.name}: {t['quotes_by']} ({len(expert.quotes)})", t, page_size,
                             {"expert": expert}, "quotes", expert.quotes)
    for slug, tag in catalog.tags.items():
        specs += _name_pages(partial(urls.tag_src, slug), "tag.html", tag.name,
                             f"{tag.name}: {checked_count(len(tag.claims))}", t, page_size,
                             {"entity": tag}, "claims", tag.claims)
    return {spec.src_uri: spec for spec in specs}


def _split(rows: Sequence[Row], page_size: int,
           src: Callable[[int], str]) -> list[tuple[int, list[str], Sequence[Row]]]:
    """A list in pages of ``page_size`` rows, so no page grows with the archive: (number, every
    page's source path, that page's rows) for each page; one page for an empty list."""
    count = max(1, -(-len(rows) // page_size))
    pages = [src(n) for n in range(1, count + 1)]
    return [(n, pages, rows[(n - 1) * page_size : n * page_size]) for n in range(1, count + 1)]


def page_title(title: str, number: int, count: int, t: dict[str, str]) -> str:
    """A list's title on its page ``number`` of ``count``: the tab, a search result and a screen
    reader's announcement tell the pages apart ("DeepSeek (Page 2 of 5)")."""
    if number == 1:
        return title
    return f"{title} ({t['page_of'].replace('{page}', str(number)).replace('{pages}', str(count))})"


def _claims_pages(catalog: Catalog, t: dict[str, str], page_size: int, description: str) -> list[PageSpec]:
    """The list of all claims, in pages of page_size."""
    return [
        PageSpec(pages[n - 1], "claims_index.html", page_title(t["all_claims"], n, len(pages), t), description,
                 in_nav=n == 1, searchable=False, context={"claims": claims, "page": n, "pages": pages})
        for n, pages, claims in _split(catalog.claims, page_size, urls.claims_page_src)
    ]


def _log_pages(catalog: Catalog, t: dict[str, str], page_size: int) -> list[PageSpec]:
    """The corrections log, newest first, in pages of page_size entries."""
    title = t["corrections_log"]
    return [
        PageSpec(pages[n - 1], "corrections_log.html", page_title(title, n, len(pages), t),
                 f"{title}: {len(catalog.log)}", searchable=False,
                 context={"entries": entries, "page": n, "pages": pages})
        for n, pages, entries in _split(catalog.log, page_size, urls.corrections_log_src)
    ]


def _sources_pages(catalog: Catalog, t: dict[str, str], page_size: int) -> list[PageSpec]:
    """Every cited source, by publisher, in pages of page_size sources: one page for all
    would grow with the archive (tens of MiB of HTML at 10,000 claims)."""
    title = t["sources_index"]
    cited = [(publisher, source) for publisher, sources in catalog.sources.items() for source in sources]
    specs = []
    for n, pages, rows in _split(cited, page_size, urls.sources_page_src):
        sections: dict[str, list[CitedSource]] = {}
        for publisher, source in rows:
            sections.setdefault(publisher, []).append(source)
        specs.append(PageSpec(pages[n - 1], "sources.html", page_title(title, n, len(pages), t),
                              f"{title}: {len(cited)}", in_nav=n == 1, searchable=False,
                              context={"sections": sections, "first": (n - 1) * page_size, "page": n,
                                       "pages": pages}))
    return specs


def _name_pages(src: Callable[[int], str], template: str, name: str, description: str, t: dict[str, str],
                page_size: int, context: dict[str, Any], key: str, rows: Sequence[Any]) -> list[PageSpec]:
    """A claimant's, expert's or tag's page, its list (``rows``, given to the template as
    ``key``) in pages of page_size. Page 1 keeps its URL and its summary (the template shows it
    there only); later pages repeat the name, and stay out of the search index as the other
    lists do (page 1 is the name's entry)."""
    return [
        PageSpec(pages[n - 1], template, page_title(name, n, len(pages), t), description, searchable=n == 1,
                 context={**context, key: part, "page": n, "pages": pages}, meta=_LISTING_META)
        for n, pages, part in _split(rows, page_size, src)
    ]


def claim_text(claim: Claim) -> str:
    """Everything of a claim a template can read, as text: its fields, and its id, file and
    the instants its dates were written with, which its JSON leaves out."""
    return "\x00".join([claim.id, claim.path, repr((claim.published_at, claim.updated_at)), claim.model_dump_json()])


def listed_text(catalog: Catalog, claim: Claim, claim_key: Callable[[Claim], str] = claim_text) -> str:
    """What a list of checks shows of one, as text: the claim (``claim_key``: its
    ``claim_text``, or a digest of it), its claimant's page and name as shown."""
    return claim_key(claim) + " " + catalog.claimant_of[claim.id] + " " + catalog.shown("claimant", claim.claimant)


def listing_inputs(catalog: Catalog, spec: PageSpec, listed: Callable[[Claim], str] | None = None) -> str:
    """Everything of the catalog that a claimant, tag or expert page reads, as text, like
    ``claim_page_inputs`` (``listed``: a claim's ``listed_text``, or a digest of it); "" for
    the other pages (``catalog_inputs`` is what they read). Page 1 sums up every check of the
    name (its tally, its dates); a later page shows only its own part of the list, and where
    it is among the pages."""
    entity = spec.context.get("entity") or spec.context.get("expert")
    if entity is None:
        return ""
    page, count = spec.context["page"], len(spec.context["pages"])
    if isinstance(entity, Expert):
        quotes = entity.quotes if page == 1 else spec.context["quotes"]
        claims = [claim for claim, _ in quotes]
        extra = repr((entity.roles, [claim.quotes.index(quote) for claim, quote in quotes]))
    else:
        claims, extra = entity.claims if page == 1 else spec.context["claims"], ""
    shown = listed or (lambda claim: listed_text(catalog, claim))
    return "\x00".join([spec.template, entity.name, entity.slug, extra, repr(entity.person), f"{page}/{count}",
                        *map(shown, claims)])


def claim_page_inputs(catalog: Catalog, claim_id: str, history: object, claim_key: Callable[[Claim], str] = claim_text,
                      listed: Callable[[Claim], str] | None = None) -> str:
    """Everything of the catalog that claim.html reads for one claim, as text: when it is
    unchanged (and the templates and settings are), so is the page."""
    claim = catalog.by_id[claim_id]
    shown = listed or (lambda other: listed_text(catalog, other, claim_key))
    return "\x00".join([
        claim_key(claim),
        catalog.claimant_of[claim_id],
        repr([catalog.shown(kind, name) for kind, names in (("claimant", [claim.claimant]), ("tag", claim.tags),
              ("expert", [q.expert for q in claim.quotes])) for name in names]),
        " ".join(catalog.expert_slug[name_key(q.expert)] for q in claim.quotes),
        " ".join(catalog.tag_slug[name_key(tag)] for tag in claim.tags),
        # The related checks as a list shows them: headline, claimant, dates, verdict.
        *map(shown, catalog.related[claim_id]),
        repr(history),
        repr(catalog.previews.get(claim_id)),  # serve's banner: a draft, in review, embargoed
        catalog.names.registry.digest if catalog.names.registry else "",  # names shown, sameAs
    ])


def withdrawn_inputs(spec: PageSpec, claim_key: Callable[[Claim], str] = claim_text) -> str:
    """What withdrawn.html reads: its own claim and history only (it links no listing)."""
    return "\x00".join([spec.template, claim_key(spec.context["claim"]), repr(spec.context.get("history"))])


class Unkeyable(Exception):
    """A value ``stable_text`` cannot write so that its text changes whenever it does."""


_PLAIN = (str, int, float, type(None), date, tzinfo, PurePath)  # bool is an int; datetime a date


class _Stable:
    """Values as text that changes exactly when they do, in a form fixed from one process to
    the next (sets sorted, no addresses). A claim is written by ``claim_key`` the first time
    it is met and by id after that; without ``claim_key``, always by id."""

    def __init__(self, claim_key: Callable[[Claim], str] | None) -> None:
        self._full = claim_key
        self._seen: set[str] = set()

    def text(self, value: object) -> str:
        out: list[str] = []
        self._add(value, out)
        return "\x1f".join(out)

    def _add(self, value: object, out: list[str]) -> None:
        if isinstance(value, Claim):
            if self._full is None or value.id in self._seen:
                out.append("claim " + value.id)
            else:
                self._seen.add(value.id)
                out.append(self._full(value))
        elif isinstance(value, _PLAIN):
            out.append(repr(value))
        elif isinstance(value, BaseModel):
            out.append(type(value).__name__ + value.model_dump_json())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(type(value).__name__ + "(")
            for item in dataclasses.fields(value):
                self._add(getattr(value, item.name), out)
            out.append(")")
        elif isinstance(value, list | tuple):
            out.append("[")
            for item in value:
                self._add(item, out)
            out.append("]")
        elif isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                self._add(key, out)
                self._add(item, out)
            out.append("}")
        elif isinstance(value, set | frozenset):
            out.append("{" + "\x1e".join(sorted(_Stable(None).text(item) for item in value)) + "}")
        else:
            raise Unkeyable(type(value).__name__)


def stable_text(value: object) -> str:
    """``value`` as text for a key (claims by id); raises ``Unkeyable`` for what it cannot write."""
    return _Stable(None).text(value)


# The catalog's fields that build_catalog derives from the others (its claims, in order, and who
# is who): catalog_inputs writes those, so these would only say the same again, slowly.
DERIVED = frozenset({"by_id", "claimants", "experts", "tags", "sources", "related", "claimant_of",
                     "expert_slug", "tag_slug"})
# What plan_pages puts in a page's context from the catalog (and page_size) alone: a key made of
# catalog_inputs and the page's path covers them.
CATALOG_CONTEXT = frozenset({"claim", "claims", "entity", "expert", "sections", "entries", "first", "page",
                             "pages"})


def catalog_inputs(catalog: Catalog, claim_key: Callable[[Claim], str] = claim_text) -> str:
    """Everything of the catalog, as a digest: what a page that may read any of it (the
    scoreboard, the lists of all claims and sources, the log; any page of a site that
    overrides templates) is made of. Raises ``Unkeyable`` if some part cannot be written."""
    fields: dict[str, object] = {item.name: getattr(catalog, item.name) for item in dataclasses.fields(catalog)
                                 if item.name not in DERIVED}
    fields["names"] = names_shown(catalog.names)
    return hashlib.sha256(_Stable(claim_key).text(fields).encode("utf-8", "surrogatepass")).hexdigest()


def names_shown(names: Names) -> list[object]:
    """What pages show of who is who: each identity's name, slug and registry entry (not where
    each spelling is written: that is for the loader's warnings, and moves with every edit)."""
    return [(kind, key, identity.shown, identity.slug, identity.person)
            for (kind, key), identity in names.identities.items()] + [names.registry]


def context_inputs(spec: PageSpec) -> str:
    """What a page's context holds besides what ``catalog_inputs`` covers (the planner's
    additions: a claim page's history from git), as text; raises ``Unkeyable``."""
    return stable_text({key: value for key, value in spec.context.items() if key not in CATALOG_CONTEXT})


_HEADING = re.compile(r"<h([1-3]) id=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)


def headings(html: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h1-h3 headings our templates write, for the page's TOC."""
    return [(int(level), anchor, _heading_text(inner)) for level, anchor, inner in _HEADING.findall(html)]


@lru_cache(maxsize=4096)
def _heading_text(inner: str) -> str:
    # Most headings are the same on thousands of pages ("Sources", a verdict's badge).
    return plain_text(inner)


# The attribute alone: a pattern that starts with a literal is searched for ten times faster
# than one that starts with \s; the space before it is checked on each match.
_ID = re.compile(r'id="([^"]+)"')


def anchor_ids(markup: str) -> set[str]:
    """Every element id in HTML our templates wrote (each an anchor a link may name)."""
    found = (match[1] for match in _ID.finditer(markup) if match.start() and markup[match.start() - 1].isspace())
    return {html.unescape(anchor) if "&" in anchor else anchor for anchor in found}


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
