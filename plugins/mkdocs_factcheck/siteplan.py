"""Plugin options and site settings in, the whole generated site out.

The one core both adapters call: ``settings_from`` checks the factcheck options
(from MkDocs' parsed config or from ``mkdocs.yml`` read directly) into plain
``Settings``; a ``SitePlanner`` keeps the loader and renderer for those settings
(so ``serve`` and ``generate --watch`` re-validate and re-render only what
changed) and makes a ``SitePlan``: the claims loaded and linked, every generated
page (source path, title, meta, HTML body, head tags) and every site file (feed,
exports, claims index, CSS/JS). The MkDocs plugin turns a plan into MkDocs files;
``factcheck generate`` writes it into docs_dir. Neither holds page logic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import cache as disk_cache
from . import editorial, urls
from .cards import Card, CardMaker
from .catalog import Catalog, build_catalog
from .errors import ClaimError, report_lines
from .feeds import site_files
from .history import claim_histories
from .loader import DEFAULT_MAX_BYTES, ClaimLoader
from .pages import PageSpec, plan_pages
from .render import Renderer, SiteInfo
from .scale import RatingScale
from .strings import UnknownStrings, strings_for

MARKERS = ("latest", "brief", "scale")

# The plugin's options: name -> (accepted types, default). The MkDocs adapter declares
# the same names for MkDocs' own config parsing; the checks that matter live here.
OPTIONS: dict[str, tuple[tuple[type, ...], Any]] = {
    "claims_dir": ((str,), "claims"),
    "scale": ((list, type(None)), None),
    "language": ((str, type(None)), None),
    "strings": ((dict,), {}),
    "organization": ((str, type(None)), None),
    "organization_url": ((str, type(None)), None),
    "default_author": ((str, type(None)), None),
    "max_file_bytes": ((int,), DEFAULT_MAX_BYTES),
    "latest_count": ((int,), 5),
    "feed_limit": ((int,), 50),
    "search_full_text": ((bool,), False),
    "page_size": ((int,), 500),
    "cache_dir": ((str, type(None)), None),
    "warnings_as_errors": ((str, list, type(None)), None),
    "min_reviewers": ((int,), 0),
    # The organisation's pages for readers and ClaimReview: a docs path or a URL each.
    "about": ((str, type(None)), None),
    "contact": ((str, type(None)), None),
    "funding": ((str, type(None)), None),
    "methodology": ((str, type(None)), None),
    "corrections": ((str, type(None)), None),
    "report_error": ((str, type(None)), None),  # an issue-form URL or an e-mail address
    "card_fonts": ((list,), []),  # more font files for share cards (e.g. a CJK font)
}
IDENTITY = ("about", "contact", "funding", "methodology", "corrections", "report_error")
MINIMUMS = {"page_size": 1, "max_file_bytes": 1, "latest_count": 0, "feed_limit": 0, "min_reviewers": 0}


class SettingsError(Exception):
    """The site's factcheck configuration cannot be used; the message names the option and the fix."""


@dataclass(frozen=True)
class Settings:
    """Everything a build depends on besides the claim files and templates."""

    config_dir: Path  # the folder of mkdocs.yml: claim paths are shown relative to it
    docs_dir: Path
    claims_dir: Path
    scale: RatingScale
    strings: tuple[tuple[str, str], ...]
    site: SiteInfo
    overrides: tuple[Path, ...] = ()  # <custom_dir>/factcheck: the site's own templates
    custom_dir: Path | None = None
    cache_dir: Path | None = None
    max_file_bytes: int = DEFAULT_MAX_BYTES
    latest_count: int = 5
    feed_limit: int = 50
    search_full_text: bool = False
    page_size: int = 500
    policy: editorial.Policy = field(default_factory=editorial.Policy)
    card_fonts: tuple[str, ...] = ()  # font files added to the packaged ones


def settings_from(options: Mapping[str, Any], *, config_dir: Path, docs_dir: str | Path, site_name: str,
                  site_url: str | None = None, use_directory_urls: bool = True, repo_url: str | None = None,
                  theme_language: str | None = None, custom_dir: str | Path | None = None,
                  site_description: str | None = None) -> Settings:
    """The plugin's options (as written under ``plugins: - factcheck:``) and the site's settings,
    checked. Raises ``SettingsError`` naming the option and what to write."""
    values = _checked_options(options)
    try:
        scale = RatingScale.from_config(values["scale"])
    except ValidationError as exc:
        problems = "; ".join(_scale_location(e["loc"]) + e["msg"].removeprefix("Value error, ")
                             for e in exc.errors())
        raise SettingsError(f"plugins.factcheck.scale is invalid: {problems}") from None
    try:
        strings = strings_for(values["language"] or theme_language, values["strings"])
    except UnknownStrings as exc:
        raise SettingsError(f"plugins.factcheck.strings: {exc}") from None
    try:
        policy = editorial.Policy.from_options(values["warnings_as_errors"], values["min_reviewers"])
    except ValueError as exc:
        raise SettingsError(f"plugins.factcheck.{exc}") from None
    organization = values["organization"] or site_name
    site = SiteInfo(
        name=site_name,
        url=site_url or "",
        organization=organization,
        organization_url=values["organization_url"] or site_url or "",
        default_author=values["default_author"] or organization,
        use_directory_urls=use_directory_urls,
        repo_url=repo_url or "",
        description=site_description or "",
        language=values["language"] or theme_language or "en",
        **{key: values[key] or "" for key in IDENTITY},
    )
    docs = (config_dir / docs_dir).resolve()
    claims = (config_dir / values["claims_dir"]).resolve()
    theme_dir = (config_dir / custom_dir).resolve() if custom_dir else None
    return Settings(
        config_dir=config_dir, docs_dir=docs, claims_dir=claims, scale=scale,
        strings=tuple(sorted(strings.items())), site=site,
        overrides=(theme_dir / "factcheck",) if theme_dir else (), custom_dir=theme_dir,
        cache_dir=_cache_folder(values["cache_dir"], config_dir, claims, docs),
        max_file_bytes=values["max_file_bytes"], latest_count=values["latest_count"],
        feed_limit=values["feed_limit"], search_full_text=values["search_full_text"],
        page_size=values["page_size"], policy=policy,
        card_fonts=tuple(str((config_dir / font).resolve()) for font in values["card_fonts"]),
    )


def _checked_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise SettingsError(f"plugins.factcheck: unknown option(s) {', '.join(unknown)}; "
                            f"the options are {', '.join(OPTIONS)}")
    values = {name: options.get(name, default) for name, (_, default) in OPTIONS.items()}
    for name, (types, _) in OPTIONS.items():
        value = values[name]
        # bool is an int in Python; a number option never takes true/false.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join("nothing" if t is type(None) else _TYPE_NAMES[t] for t in types)
            raise SettingsError(f"plugins.factcheck.{name} is {value!r}; write {wanted}")
    for name, least in MINIMUMS.items():
        if values[name] < least:
            raise SettingsError(f"plugins.factcheck.{name} is {values[name]!r}; "
                                f"write a whole number of at least {least}")
    return values


_TYPE_NAMES = {str: "text", list: "a list", dict: "a mapping", int: "a whole number", bool: "true or false"}


def _scale_location(loc: tuple[int | str, ...]) -> str:
    """('ratings', 0, 'colour') -> 'scale[0].colour: '"""
    parts = loc[1:] if loc and loc[0] == "ratings" else loc
    if not parts:
        return ""
    return "scale" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts) + ": "


def _cache_folder(option: str | None, config_dir: Path, claims_dir: Path, docs_dir: Path) -> Path | None:
    if not option:
        return None
    folder = (config_dir / option).resolve()
    if folder.is_relative_to(claims_dir) or folder.is_relative_to(docs_dir):
        raise SettingsError(f"plugins.factcheck.cache_dir ({option}) must not be inside the claims folder "
                            "or docs_dir; use e.g. .cache/plugin/factcheck")
    return folder


@dataclass
class SitePlan:
    """One build's claims and everything made from them. Page bodies and head tags are
    rendered on request, so an adapter renders only the pages it needs."""

    renderer: Renderer
    catalog: Catalog
    errors: list[ClaimError]
    pages: dict[str, PageSpec]  # by source path in docs_dir, e.g. claims/<id>.md
    files: dict[str, str]  # by path in the site, e.g. feed.xml
    banner: str = ""  # the errors notice shown on every page while claim files are broken
    latest_count: int = 5
    cards: list[tuple[str, Card]] = field(default_factory=list)  # share cards, by path in the site

    def url(self, src_uri: str) -> str:
        return urls.page_url(src_uri, self.renderer.site.use_directory_urls)

    def body(self, spec: PageSpec, here: str | None = None) -> str:
        """The page's HTML, as the theme places it in the page's content; its relative links
        start from ``here`` (default: the page's own URL)."""
        start = self.url(spec.src_uri) if here is None else here
        return self.banner + self.renderer.page(spec.template, self.catalog, start, **spec.context)

    def head(self, here: str, spec: PageSpec | None = None, *, claim_review: bool = True) -> str:
        """Tags for the <head> of any page at URL ``here``; on a claim page its share tags and
        (unless the adapter places it in the body) its ClaimReview."""
        claim = self.catalog.by_id[spec.claim_id] if spec and spec.claim_id else None
        return self.renderer.head(self.catalog, here, claim, spec.description if spec else "",
                                  spec.title if spec else "", claim_review=claim_review)

    def claim_review(self, spec: PageSpec) -> str:
        """The claim page's ClaimReview script element ("" for other pages)."""
        if not spec.claim_id:
            return ""
        return str(self.renderer.claim_review(self.catalog.by_id[spec.claim_id], self.url(spec.src_uri)))

    def fill_markers(self, html: str, here: str) -> str:
        """A hand-written page's ``<!-- factcheck:... -->`` markers, replaced by their fragments."""
        for marker in MARKERS:
            tag = f"<!-- factcheck:{marker} -->"
            if tag in html:
                fragment = self.renderer.page(f"{marker}.html", self.catalog, here, count=self.latest_count)
                html = html.replace(tag, fragment)
        return html


@dataclass
class SitePlanner:
    """Plans the site for one set of settings; keep it across rebuilds (serve, watch) so
    unchanged claim files are not parsed and unchanged Markdown is not rendered again."""

    settings: Settings
    loader: ClaimLoader = field(init=False)
    renderer: Renderer = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.loader = ClaimLoader(s.scale, max_bytes=s.max_file_bytes, policy=s.policy)
        self.renderer = Renderer(dict(s.strings), s.scale, s.site, s.overrides,
                                 search_full_text=s.search_full_text, page_size=s.page_size,
                                 card_fonts=s.card_fonts)
        self.card_maker = CardMaker()  # share cards by content, kept across rebuilds
        if s.cache_dir:
            self.renderer.preload(disk_cache.load(s.cache_dir))

    def plan(self, *, preview: bool = False) -> SitePlan:
        """Load and link the claims, and plan every generated page and file: of the published
        checks only, or with ``preview`` (``mkdocs serve``) of drafts and checks in review too."""
        s = self.settings
        claim_set = self.loader.load(s.claims_dir, s.config_dir, site_root=s.config_dir)
        banner = ""
        if claim_set.errors:
            banner = self.renderer.env.get_template("errors.html").render(errors=report_lines(claim_set.errors))
        catalog = build_catalog(claim_set.claims.values(), s.scale, preview=preview)
        self.renderer.forget_except(catalog.claims)
        pages = plan_pages(catalog, self.renderer, s.page_size)
        paths = {claim.id: (s.config_dir / claim.path).resolve() for claim in catalog.claims}
        histories = claim_histories(s.claims_dir, s.site.repo_url, s.scale,
                                    {paths[claim.id]: claim.published for claim in catalog.claims})
        for claim in catalog.claims:
            pages[urls.claim_src(claim.id)].context["history"] = histories.get(paths[claim.id])
        files = site_files(catalog, self.renderer, feed_limit=s.feed_limit)
        return SitePlan(self.renderer, catalog, claim_set.errors, pages, files, banner, s.latest_count,
                        self.renderer.card_files(catalog))

    def card_images(self, plan: SitePlan) -> dict[str, bytes]:
        """The plan's share cards as PNG bytes, by path in the site (drawn or from the caches)."""
        return self.card_maker.make(plan.cards, self.renderer.card_fonts, self.settings.cache_dir)

    def save_cache(self) -> None:
        """Keep the rendered Markdown for the next build (when the site set cache_dir)."""
        if self.settings.cache_dir:
            disk_cache.save(self.settings.cache_dir, self.renderer.rendered)
