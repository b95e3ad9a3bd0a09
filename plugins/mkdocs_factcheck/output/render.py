"""The catalog in, HTML fragments out.

Each generated page is one Jinja2 template (autoescape on) rendered with the
catalog, the scale, the site's strings and a ``Links`` object for relative
URLs. Contributor Markdown is rendered once per claim and cached by content.
No MkDocs here: the adapter places the fragments in the theme's pages.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from markupsafe import Markup

from ..base import cards, parallel
from ..base import strings as strings_mod
from ..claims import urls
from ..claims.catalog import Catalog
from ..claims.model import Claim, browser_host
from ..claims.scale import RatingScale
from ..claims.slugs import name_key, slugify
from . import jsonld, scoreboard
from .markup import MarkdownRenderer, PageCitations, cite, inert_value, plain_text, uncite

TEMPLATES = Path(__file__).parents[1] / "templates"  # the package's data folders sit at its root
# Charts are drawn to a scale of at least this many checks, so one check is a short bar,
# not a full-width one: a bar's length says how many, not only which is the most.
CHART_FLOOR = 10


@dataclass(frozen=True)
class ClaimHtml:
    """A claim's contributor Markdown, rendered and sanitised."""

    summary: Markup
    analysis: Markup
    quotes: tuple[Markup, ...]
    summary_text: str


@dataclass(frozen=True)
class CitedHtml:
    """A claim page's summary and analysis with their citations made links, and how many
    times each source is cited (source number -> count) for the back links of its list."""

    summary: Markup
    analysis: Markup
    uses: dict[int, int]


@dataclass(frozen=True)
class SiteInfo:
    """What templates need to know about the site (no MkDocs objects)."""

    name: str
    url: str
    organization: str
    organization_url: str
    default_author: str
    use_directory_urls: bool = True
    repo_url: str = ""
    description: str = ""
    language: str = "en"
    # The organisation's pages for readers (IFCN): a docs path ("about.md") or a URL each.
    about: str = ""
    contact: str = ""
    funding: str = ""
    methodology: str = ""
    corrections: str = ""
    report_error: str = ""  # an issue-form URL or an e-mail address

    def identity(self) -> list[tuple[str, str]]:
        """(strings key, target) of the organisation's pages that the site names, in footer order."""
        pages = [("about", self.about), ("methodology", self.methodology), ("funding", self.funding),
                 ("corrections_policy", self.corrections), ("contact", self.contact)]
        return [(key, target) for key, target in pages if target]


class Renderer:
    """Renders pages from templates; keep one per build configuration."""

    def __init__(self, strings: dict[str, str], scale: RatingScale, site: SiteInfo,
                 override_dirs: Sequence[Path] = (), *, search_full_text: bool = False,
                 page_size: int = 50, card_fonts: Sequence[str] = ()) -> None:
        self.strings = strings
        self.scale = scale
        self.site = site
        self._override_dirs = tuple(Path(folder) for folder in override_dirs)
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(d) for d in override_dirs])]
        loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=inert_value,
            # No file check on every use (a listing imports the macros thousands of times a
            # build): ``refresh`` starts afresh when a template has changed since the last plan.
            auto_reload=False,
        )
        self._fingerprint = ""  # the templates' fingerprint the compiled ones were read at
        # Search indexes the claim, verdict, short answer, analysis and sources; the rest
        # (quotes, related checks, corrections) is opt-in (README).
        search_skip = Markup("") if search_full_text else Markup(" data-search-exclude")
        self._once: dict[tuple[Any, ...], Markup] = {}  # template blocks by key (_render_once)
        self.env.globals.update(once=self._render_once, t=strings, scale=scale, site=site, urls=urls,
                                search_skip=search_skip, page_size=page_size, href=self.target,
                                ranking=scoreboard.ranking, months=scoreboard.months,
                                verdicts_in=scoreboard.verdicts_in,
                                month_name=lambda day: _month(day, site.language),
                                counted=lambda key, count: strings_mod.counted(strings, key, count, site.language),
                                chart_floor=CHART_FLOOR)
        self.env.filters.update(urlhost=_host, namekey=name_key, slug=slugify,
                                longdate=lambda day: _long_date(day, site.language))
        self.card_fonts: tuple[str, ...] = (*cards.bundled_fonts(), *card_fonts)
        self._markdown = MarkdownRenderer()
        self._claim_html: dict[str, ClaimHtml] = {}
        self._footers: dict[tuple[str, ...], str] = {}  # the footer by the links it makes
        self.markdown_renders = 0  # for tests of the cache

    def refresh(self) -> None:
        """Read the templates again if one was added, removed or edited since the last call (a
        site's own, under serve), and forget the blocks and footers rendered from them."""
        fingerprint = self.templates_fingerprint()
        if fingerprint != self._fingerprint:
            if self.env.cache is not None:
                self.env.cache.clear()
            self._once.clear()
            self._footers.clear()
            self._fingerprint = fingerprint

    def _render_once(self, *key: Any, caller: Any) -> Markup:
        """A template's ``{% call once(key...) %}...{% endcall %}``: the block rendered the first
        time, then the same HTML for the same key (a verdict's badge, a date: thousands a build)."""
        found = self._once.get(key)
        if found is None:
            found = self._once[key] = Markup(caller())
        return found

    def claim_html(self, claim: Claim) -> ClaimHtml:
        """Markdown fields of a claim, rendered once per distinct content."""
        key = _fingerprint(claim)
        cached = self._claim_html.get(key)
        if cached is None:
            self.markdown_renders += 1
            cached = self._claim_html[key] = self._render_markdown(claim)
        return cached

    def render_markdown(self, claims: Sequence[Claim], workers: int | None = None, *, busy: int = 0) -> int:
        """Render the Markdown of the claims not rendered yet (or kept from the last build), in
        worker processes when there are enough of them and CPUs not ``busy`` (``parallel``);
        ``claim_html`` then finds them done. Returns how many claims' Markdown it rendered."""
        todo: dict[str, Claim] = {}
        for claim in claims:
            key = _fingerprint(claim)
            if key not in self._claim_html:
                todo.setdefault(key, claim)
        made = parallel.pmap(self._render_markdown, list(todo.values()),
                             parallel.worker_count(workers, len(todo), busy), "claims' Markdown rendered")
        self._claim_html.update(zip(todo, made, strict=True))
        self.markdown_renders += len(todo)
        return len(todo)

    def _render_markdown(self, claim: Claim) -> ClaimHtml:
        summary = self._markdown.render(claim.summary)
        return ClaimHtml(
            summary=summary,
            analysis=self._markdown.render(claim.analysis),
            quotes=tuple(self._markdown.render(q.text) for q in claim.quotes),
            summary_text=plain_text(uncite(summary)),
        )

    def cited_html(self, claim: Claim) -> CitedHtml:
        """The summary and analysis for the claim's own page, where its source list is:
        each citation a link to its source, with an id its back link goes to."""
        html = self.claim_html(claim)
        citations = PageCitations(len(claim.sources), self.strings["cite_source"])
        return CitedHtml(cite(html.summary, citations), cite(html.analysis, citations), citations.uses)

    @property
    def rendered(self) -> dict[str, ClaimHtml]:
        """The Markdown rendered so far, by content fingerprint (for the on-disk cache)."""
        return dict(self._claim_html)

    def preload(self, rendered: dict[str, ClaimHtml]) -> None:
        self._claim_html.update(rendered)

    def forget_except(self, claims: Sequence[Claim]) -> None:
        """Drop cached Markdown of claims that are gone, so serve does not grow forever."""
        keep = {_fingerprint(claim) for claim in claims}
        self._claim_html = {k: v for k, v in self._claim_html.items() if k in keep}

    def page(self, template: str, catalog: Catalog, here: str, **context: Any) -> str:
        links = urls.Links(here, self.site.use_directory_urls, self.site.url)
        return self.env.get_template(template).render(
            catalog=catalog, links=links, html_of=self.claim_html, cited_of=self.cited_html, **context
        )

    def head(self, catalog: Catalog, here: str, claim: Claim | None = None, description: str = "",
             title: str = "", *, claim_review: bool = True, history: Any = None) -> str:
        """Tags for the page's <head>: share tags and card on every page; on a claim page its
        ClaimReview JSON-LD (unless the adapter puts that in the body: ``claim_review=False``)
        and when it was published and last changed (git's date where there is a ``history``)."""
        review = self.claim_review(claim, here, catalog) if claim is not None and claim_review else Markup("")
        links = urls.Links(here, self.site.use_directory_urls, self.site.url)
        card = self.claim_card(claim) if claim is not None else self.site_card()
        return self.page("head.html", catalog, here, claim=claim, claim_review=review, description=description,
                         title=title, card=card, card_url=links.absolute(cards.card_src(card, self.card_fonts)),
                         history=history)

    def footer(self, here: str) -> str:
        """The site's identity for every page's footer."""
        links = urls.Links(here, self.site.use_directory_urls, self.site.url)
        template = self.env.get_template("site_footer.html")
        if Path(template.filename or "").parent != TEMPLATES:  # a site's own footer: rendered for each page
            return template.render(links=links)
        # Ours depends on the page only through the links it makes, the same from every claim
        # page (siblings): one render for each set of links.
        key = (*(links.to(src) for src in (urls.CLAIMS_INDEX, urls.SCOREBOARD, urls.CORRECTIONS_LOG)),
               *(self.target(links, target) for _, target in self.site.identity()),
               self.target(links, self.site.report_error) if self.site.report_error else "")
        found = self._footers.get(key)
        if found is None:
            found = self._footers[key] = template.render(links=links)
        return found

    def policies(self, links: urls.Links) -> dict[str, str]:
        """The organisation's pages as absolute URLs, by identity key (for ClaimReview)."""
        found = {key: self.target(links, target, absolute=True) for key, target in self.site.identity()}
        if self.site.report_error:
            found["report_error"] = self.target(links, self.site.report_error, absolute=True)
        return found

    def target(self, links: urls.Links, target: str, *, absolute: bool = False) -> str:
        """A link option's href: a docs page ("about.md") relative to here, a URL as it is,
        an e-mail address as mailto:."""
        if "://" in target or target.startswith("mailto:"):
            return target
        if "@" in target and "/" not in target:
            return "mailto:" + target
        path, hash_, fragment = target.partition("#")
        return (links.absolute(path) if absolute else links.to(path)) + hash_ + fragment

    # Share cards: what a link to the page shows when it is shared.

    def claim_card(self, claim: Claim) -> cards.Card:
        rating = self.scale[claim.verdict]
        t = self.strings
        when = f", {_long_date(claim.claim_date, self.site.language)}" if claim.claim_date else ""
        # The site's domain, not only its name: a card seen in a feed says where it comes from.
        where = _host(self.site.url) or self.site.name
        return cards.Card(claim.id, f"{t['fact_check']} · {where}", f"“{claim.claim}”",
                          t["card_claim_by"].format(claimant=claim.claimant) + when,
                          rating.label, rating.colour, rating.text_colour, caption=t["our_verdict"])

    def site_card(self) -> cards.Card:
        kicker = self.strings["site_card_kicker"] + (f" · {_host(self.site.url)}" if self.site.url else "")
        return cards.Card("site", kicker, self.site.name, self.site.description)

    def card_files(self, catalog: Catalog) -> list[tuple[str, cards.Card]]:
        """(path in the site, card) for every claim and the site."""
        made = [self.claim_card(claim) for claim in catalog.claims] + [self.site_card()]
        return [(cards.card_src(card, self.card_fonts), card) for card in made]

    def claim_review(self, claim: Claim, here: str, catalog: Catalog | None = None) -> Markup:
        """The claim's ClaimReview in a script element (with the catalog's people registry, their sameAs)."""
        links = urls.Links(here, self.site.use_directory_urls, self.site.url)
        return Markup(jsonld.script_element(jsonld.claim_review(
            claim, self.scale, url=links.absolute(urls.claim_src(claim.id)),
            organization=self.site.organization, organization_url=self.site.organization_url,
            summary_text=self.claim_html(claim).summary_text, policies=self.policies(links),
            registry=catalog.names.registry if catalog else None, default_author=self.site.default_author)))

    def templates_fingerprint(self) -> str:
        """Changes whenever a template in the search path is added, removed or edited: by
        content, so a fresh checkout (new file times) or another install path keeps it."""
        digest = hashlib.sha256()
        for number, folder in enumerate((*self._override_dirs, TEMPLATES)):
            for path in sorted(_files_in(folder)):
                digest.update(f"{number}\x00{path.relative_to(folder).as_posix()}\x00".encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def overridden(self) -> bool:
        """Whether the site overrides a template (which may read anything of the catalog)."""
        return any(path.suffix == ".html" for folder in self._override_dirs for path in _files_in(folder))

    def asset(self, name: str) -> str:
        """A static file from the templates folders (so a site can override it too)."""
        loader = self.env.loader
        assert loader is not None
        return loader.get_source(self.env, name)[0]


def _files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []


def _long_date(day: datetime.date, language: str) -> str:
    """A date as people write it in the site's language ("20 January 2025")."""
    return _people_date(day, "long", language)


def _month(day: datetime.date, language: str) -> str:
    """A month as people write it ("January 2025")."""
    return _people_date(day, "LLLL y", language)


@lru_cache(maxsize=4096)
def _people_date(day: datetime.date, pattern: str, language: str) -> str:
    """Babel's pattern in the site's language; English where Babel does not know the language."""
    try:
        return format_date(day, pattern, locale=Locale.parse(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return format_date(day, pattern, locale="en")


def _fingerprint(claim: Claim) -> str:
    text = "\x00".join([claim.summary, claim.analysis, *(q.text for q in claim.quotes)])
    return hashlib.sha256(text.encode()).hexdigest()


def _host(url: str) -> str:
    """'https://www.example.org/a/b' -> 'example.org': what a reader recognises."""
    host = browser_host(url) or url
    return host.removeprefix("www.")


