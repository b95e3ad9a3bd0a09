"""The MkDocs adapter: event hooks only.

Everything it calls is plain Python (loader, catalog, pages, render, jsonld,
feeds); this module maps MkDocs events onto them. Each hook sets its priority
explicitly, with the reason beside it, so the order of ``plugins:`` in a site's
``mkdocs.yml`` does not matter (MkDocs runs higher priorities first; default 0).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext
from pydantic import ValidationError

from . import cache as disk_cache
from . import editorial, share_tags, urls
from .cards import CardJob, CardMaker
from .catalog import Catalog, build_catalog
from .errors import ClaimError, format_report, report_lines
from .feeds import site_files
from .history import claim_histories
from .loader import DEFAULT_MAX_BYTES, ClaimLoader, ClaimSet
from .model import ID_PATTERN
from .pages import PageSpec, claim_page_inputs, headings, plan_pages
from .render import Renderer, SiteInfo
from .scale import RatingScale
from .strings import BUNDLED, UnknownStrings, strings_for
from .stubs import StubFolder

log = get_plugin_logger(__name__)
MARKERS = ("latest", "brief", "scale")
IDENTITY = ("about", "contact", "funding", "methodology", "corrections", "report_error")


class FactcheckConfig(Config):
    claims_dir = c.Type(str, default="claims")
    scale = c.Optional(c.ListOfItems(c.Type(dict)))
    language = c.Optional(c.Type(str))
    strings = c.Type(dict, default={})
    organization = c.Optional(c.Type(str))
    organization_url = c.Optional(c.Type(str))
    default_author = c.Optional(c.Type(str))
    max_file_bytes = c.Type(int, default=DEFAULT_MAX_BYTES)
    latest_count = c.Type(int, default=5)
    feed_limit = c.Type(int, default=50)
    search_full_text = c.Type(bool, default=False)
    page_size = c.Type(int, default=500)
    cache_dir = c.Optional(c.Type(str))
    warnings_as_errors = c.Optional(c.Type((str, list)))
    min_reviewers = c.Type(int, default=0)
    # The organisation's pages for readers and ClaimReview: a docs path or a URL each.
    about = c.Optional(c.Type(str))
    contact = c.Optional(c.Type(str))
    funding = c.Optional(c.Type(str))
    methodology = c.Optional(c.Type(str))
    corrections = c.Optional(c.Type(str))
    report_error = c.Optional(c.Type(str))  # an issue-form URL or an e-mail address
    card_fonts = c.Type(list, default=[])  # more font files for share cards (e.g. a CJK font)


class FactcheckPlugin(BasePlugin[FactcheckConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._command = "build"
        self._loader: ClaimLoader | None = None
        self._renderer: Renderer | None = None
        self._settings: tuple[Any, ...] = ()
        self._stubs: StubFolder | None = None
        self._reusable: dict[str, tuple[str, str]] = {}  # src_uri -> (inputs key, HTML), under serve
        self._cards = CardMaker()  # share cards by content, kept across serve rebuilds
        self._reset()

    def _reset(self) -> None:
        self._catalog: Catalog | None = None
        self._claim_set: ClaimSet | None = None
        self._pages: dict[str, PageSpec] = {}
        self._banner = ""  # the errors notice shown on every page while claim files are broken
        self._base = Path(".")
        self._claims_dir = Path("claims")
        self._cache_dir: Path | None = None
        self._prerendered: dict[str, str] = {}
        self._templates_stamp = ""
        self._card_job: CardJob | None = None

    # MkDocs keeps one plugin instance across `serve` rebuilds once on_startup exists.
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self._command = command

    # Late: after plugins that change settings at the default priority (material's
    # `offline` turns use_directory_urls off), before `i18n` (-100), which wants to be last.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        _check_setup(config, self._command)
        self._check_numbers()
        self._base = base = Path(config.config_file_path or ".").parent
        self._claims_dir = (base / self.config.claims_dir).resolve()
        self._cache_dir = self._cache_folder(base, config)
        scale = self._scale()
        strings = self._strings(config)
        policy = self._policy()
        site = SiteInfo(
            name=config.site_name,
            url=config.site_url or "",
            organization=self.config.organization or config.site_name,
            organization_url=self.config.organization_url or config.site_url or "",
            default_author=self.config.default_author or self.config.organization or config.site_name,
            use_directory_urls=config.use_directory_urls,
            repo_url=config.repo_url or "",
            description=config.site_description or "",
            language=self.config.language or config.theme.get("language") or "en",
            **{key: self.config[key] or "" for key in IDENTITY},
        )
        overrides = [Path(config.theme.custom_dir) / "factcheck"] if config.theme.custom_dir else []
        settings = (scale, tuple(sorted(strings.items())), site, tuple(overrides), self.config.max_file_bytes,
                    self.config.search_full_text, self.config.page_size, policy, tuple(self.config.card_fonts))
        # Keep caches across serve rebuilds unless something they depend on changed.
        if settings != self._settings or self._loader is None or self._renderer is None:
            self._loader = ClaimLoader(scale, max_bytes=self.config.max_file_bytes, policy=policy)
            self._renderer = Renderer(strings, scale, site, overrides,
                                      search_full_text=self.config.search_full_text,
                                      page_size=self.config.page_size,
                                      card_fonts=[str(base / font) for font in self.config.card_fonts])
            self._settings = settings
            if self._cache_dir:
                self._renderer.preload(disk_cache.load(self._cache_dir))
        self._validate_claims()
        _add_theme_overrides(config)
        config.extra_css.append(urls.STYLESHEET)
        config.extra_javascript.append(urls.SCRIPT)
        return config

    # Early: our pages must exist before other plugins list the files (redirects,
    # htmlproofer, blog, rss) and before `i18n` (-100) sorts them into languages.
    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self._claim_set is not None and self._renderer is not None
        claim_set, self._claim_set = self._claim_set, None
        # Drafts, checks in review and embargoed checks: previewed under serve, never built.
        catalog = build_catalog(claim_set.claims.values(), self._renderer.scale, preview=self._command == "serve")
        self._renderer.forget_except(catalog.claims)
        self._catalog = catalog
        self._pages = plan_pages(catalog, self._renderer, self.config.page_size)
        self._attach_history(catalog, config)
        self._pages.update(_broken_claim_pages(claim_set.errors, catalog))
        generated = site_files(catalog, self._renderer, feed_limit=self.config.feed_limit)
        self._refuse_clashes(files, generated, config)
        for spec in self._pages.values():
            files.append(self._page_file(spec, config))
        self._reusable = {uri: kept for uri, kept in self._reusable.items() if uri in self._pages}
        for src_uri, content in generated.items():
            files.append(File.generated(config, src_uri, content=content))
        self._card_job = self._cards.start(self._renderer.card_files(catalog), self._renderer.card_fonts,
                                           self._cache_dir)
        for stem in self._card_job.uncovered:
            log.info(f"claims/{stem}: the share card leaves out the claim, whose script no card font has; "
                     "add a font file that has it to the plugin's card_fonts option")
        log.info(f"{len(catalog.claims)} fact checks, {len(self._pages)} generated pages")
        return files

    # Early: fill the body before plugins that read or rework page HTML (glightbox,
    # rss at -75 for descriptions, i18n at -100) see it.
    @event_priority(100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self._renderer is not None
        spec = self._pages.get(page.file.src_uri)
        if spec is not None and self._catalog is not None:
            html = self._prerendered.pop(spec.src_uri, "") or self._render(spec)
            page.toc = get_toc([
                # Themes print TOC names as HTML; heading text can be contributor text.
                {"level": level, "id": anchor, "name": html_lib.escape(text), "children": []}
                for level, anchor, text in headings(html) if level == 2
            ])
            return html
        if "<!-- factcheck:" in html and self._catalog is not None:
            html = self._fill_markers(html, page)
        return self._banner + html

    # The site's identity for the theme's footer (main.html); any priority will do.
    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if self._renderer is not None:
            context["factcheck_footer"] = self._renderer.footer(page.file.url)  # type: ignore[typeddict-unknown-key]
        return context

    # After material's `social` (50), whose share tags ours replace; before `minify` and
    # `htmlproofer` (0) and `i18n` (-100), so they see the finished page.
    @event_priority(40)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        head = self._head(page)
        if not head:
            return output
        return share_tags.without(output, share_tags.names(head)).replace("</head>", head + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Share cards were drawn in worker processes while MkDocs rendered the pages.
        if self._card_job is not None:
            self._card_job.write(Path(config.site_dir))
            self._card_job = None
        if self._cache_dir and self._renderer is not None:
            disk_cache.save(self._cache_dir, self._renderer.rendered)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self._claims_dir))
        return server

    def on_shutdown(self) -> None:
        if self._stubs is not None:
            self._stubs.remove()

    # Helpers: small translations between MkDocs objects and our modules.

    def _validate_claims(self) -> None:
        """Load and check the claims here, in on_config: MkDocs empties site_dir after
        this hook, so a build that fails on a bad claim leaves the last good site as it was."""
        assert self._loader is not None and self._renderer is not None
        claims_dir = self._base / self.config.claims_dir  # as configured: errors name it so
        claim_set = self._claim_set = self._loader.load(claims_dir, self._base, site_root=self._base)
        # Editorial warnings never fail a build (strict counts WARNING logs): a site that
        # wants them to raises them to errors with `warnings_as_errors`.
        if claim_set.warnings:
            log.info(editorial.summary(claim_set.warnings) + " (`factcheck validate` lists them; "
                     "`mkdocs build -v` too)")
            for warning in claim_set.warnings:
                log.debug(str(warning))
        if claim_set.errors:
            if self._command != "serve":
                raise PluginError(format_report(claim_set.errors))
            # A contributor's mistake must not stop `serve` (even with strict: true, which
            # counts warnings): the pages show it; `mkdocs build --strict` and CI fail on it.
            self._banner = self._renderer.env.get_template("errors.html").render(
                errors=report_lines(claim_set.errors))
            log.info(format_report(claim_set.errors) + "\n(shown on every page while serving; "
                     "`mkdocs build` fails until they are fixed)")

    def _policy(self) -> editorial.Policy:
        try:
            return editorial.Policy.from_options(self.config.warnings_as_errors, self.config.min_reviewers)
        except ValueError as exc:
            raise PluginError(f"mkdocs.yml: plugins.factcheck.{exc}") from None

    def _scale(self) -> RatingScale:
        try:
            return RatingScale.from_config(self.config.scale)
        except ValidationError as exc:
            problems = "; ".join(_config_location(e["loc"]) + e["msg"].removeprefix("Value error, ")
                                 for e in exc.errors())
            raise PluginError(f"mkdocs.yml: plugins.factcheck.scale is invalid: {problems}") from None

    def _check_numbers(self) -> None:
        minimums = {"page_size": 1, "max_file_bytes": 1, "latest_count": 0, "feed_limit": 0}
        for option, least in minimums.items():
            value = self.config[option]
            if isinstance(value, bool) or value < least:
                raise PluginError(f"mkdocs.yml: plugins.factcheck.{option} is {value!r}; "
                                  f"write a whole number of at least {least}")

    def _strings(self, config: MkDocsConfig) -> dict[str, str]:
        language = self.config.language or config.theme.get("language")
        if language and language.split("-")[0].lower() not in BUNDLED:
            where = "plugins.factcheck.language" if self.config.language else "theme.language"
            say = log.warning if self.config.language else log.info  # the theme may know more languages
            say(f"mkdocs.yml: {where} is {language!r}, which factcheck has no words for "
                f"(it has {', '.join(sorted(BUNDLED))}): its pages use English; translate them with "
                "plugins.factcheck.strings (see the README's options table)")
        try:
            return strings_for(language, self.config.strings)
        except UnknownStrings as exc:
            raise PluginError(f"mkdocs.yml: plugins.factcheck.strings: {exc}") from None

    def _render(self, spec: PageSpec) -> str:
        assert self._renderer is not None and self._catalog is not None
        key = self._reuse_key(spec)
        if key and self._reusable.get(spec.src_uri, ("", ""))[0] == key:
            return self._reusable[spec.src_uri][1]
        here = urls.page_url(spec.src_uri, self._renderer.site.use_directory_urls)
        banner = "" if spec.template == ERROR_PAGE else self._banner  # an error page is its own notice
        html = banner + self._renderer.page(spec.template, self._catalog, here, **spec.context)
        if key:
            self._reusable[spec.src_uri] = (key, html)
        return html

    def _reuse_key(self, spec: PageSpec) -> str:
        """Under serve, a claim page whose inputs, templates and settings are unchanged is
        not rendered again; "" where nothing is reused (builds, listing pages)."""
        if self._command != "serve" or not spec.claim_id or self._catalog is None or self._renderer is None:
            return ""
        if not self._templates_stamp:
            self._templates_stamp = self._renderer.templates_fingerprint()
        inputs = claim_page_inputs(self._catalog, spec.claim_id, spec.context.get("history"))
        parts = [inputs, self._templates_stamp, repr(self._settings), self._banner]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def _page_file(self, spec: PageSpec, config: MkDocsConfig) -> File:
        """A generated page; under serve, backed by a stub that only changes with the page."""
        inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
        if self._command != "serve":
            file = File.generated(config, spec.src_uri, content=spec.stub(), inclusion=inclusion)
            # Other plugins read the source's git history or date (git-revision-date, rss):
            # a claim page's source is its claim file, a listing's the claims folder.
            file.abs_src_path = str(self._source_of(spec))
            return file
        if self._stubs is None:
            self._stubs = StubFolder()
        html = self._prerendered[spec.src_uri] = self._render(spec)
        path = self._stubs.stub(spec.src_uri, spec.stub(), html)
        return File.generated(config, spec.src_uri, abs_src_path=str(path), inclusion=inclusion)

    def _cache_folder(self, base: Path, config: MkDocsConfig) -> Path | None:
        if not self.config.cache_dir:
            return None
        folder = (base / self.config.cache_dir).resolve()
        for content in (self._claims_dir, Path(config.docs_dir).resolve()):
            if folder.is_relative_to(content):
                raise PluginError(f"mkdocs.yml: plugins.factcheck.cache_dir ({self.config.cache_dir}) must not be "
                                  "inside the claims folder or docs_dir; use e.g. .cache/plugin/factcheck")
        return folder

    def _attach_history(self, catalog: Catalog, config: MkDocsConfig) -> None:
        paths = {claim.id: (self._base / claim.path).resolve() for claim in catalog.claims}
        histories = claim_histories(self._claims_dir, config.repo_url or "", catalog.scale,
                                    {paths[claim.id]: claim.published for claim in catalog.claims})
        for claim in catalog.claims:
            spec = self._pages[urls.claim_src(claim.id)]
            spec.context["history"] = histories.get(paths[claim.id])

    def _source_of(self, spec: PageSpec) -> Path:
        claim = self._catalog.by_id.get(spec.claim_id) if self._catalog and spec.claim_id else None
        if claim is not None:
            return (self._base / claim.path).resolve()
        if spec.template == ERROR_PAGE:
            first: ClaimError = spec.context["errors"][0]
            return (self._base / first.path).resolve()
        return self._claims_dir

    def _refuse_clashes(self, files: Files, generated: dict[str, str], config: MkDocsConfig) -> None:
        """A hand-written page or file whose output URL one of ours wants is an error naming both."""
        udu = config.use_directory_urls
        wanted = {urls.page_url(uri, udu): self._wanted_by(spec) for uri, spec in self._pages.items()}
        wanted.update({uri: f"factcheck's generated file {uri}" for uri in generated})
        docs = Path(config.docs_dir).name
        clashes = [f"{docs}/{file.src_uri} and {wanted[file.url]} both want the URL /{file.url}"
                   for file in files if file.url in wanted]
        if clashes:
            raise PluginError("pages clash (rename or remove the hand-written one; the claim URLs are "
                              "public and stay put):\n  " + "\n  ".join(clashes))

    def _wanted_by(self, spec: PageSpec) -> str:
        claim = self._catalog.by_id.get(spec.claim_id) if self._catalog and spec.claim_id else None
        if claim is not None:
            return f"the claim page of {claim.path}"
        return f"factcheck's generated page {spec.title!r}"

    def _fill_markers(self, html: str, page: Page) -> str:
        assert self._renderer is not None and self._catalog is not None
        for marker in MARKERS:
            tag = f"<!-- factcheck:{marker} -->"
            if tag in html:
                fragment = self._renderer.page(f"{marker}.html", self._catalog, page.file.url,
                                               count=self.config.latest_count)
                html = html.replace(tag, fragment)
        return html

    def _head(self, page: Page) -> str:
        if self._renderer is None or self._catalog is None:
            return ""
        spec = self._pages.get(page.file.src_uri)
        claim = self._catalog.by_id[spec.claim_id] if spec and spec.claim_id else None
        description = spec.description if spec else str(page.meta.get("description") or "")
        return self._renderer.head(self._catalog, page.file.url, claim, description, page.title or "")


ERROR_PAGE = "errors.html"


def _broken_claim_pages(errors: list[ClaimError], catalog: Catalog) -> dict[str, PageSpec]:
    """Under serve, a broken claim's own URL shows its errors instead of a bare 404."""
    by_id: dict[str, list[ClaimError]] = {}
    for error in errors:
        claim_id = Path(error.path).stem
        if re.fullmatch(ID_PATTERN, claim_id) and claim_id not in catalog.by_id:
            by_id.setdefault(claim_id, []).append(error)
    return {urls.claim_src(claim_id): PageSpec(urls.claim_src(claim_id), ERROR_PAGE, claim_id,
                                               context={"errors": found})
            for claim_id, found in by_id.items()}


def _config_location(loc: tuple[int | str, ...]) -> str:
    """('ratings', 0, 'colour') -> 'scale[0].colour: '"""
    parts = loc[1:] if loc and loc[0] == "ratings" else loc
    if not parts:
        return ""
    return "scale" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts) + ": "


def _check_setup(config: MkDocsConfig, command: str) -> None:
    """What factcheck needs from the site, said plainly instead of a template error later."""
    if config.theme.name != "material":
        raise PluginError(f"mkdocs.yml: theme.name is {config.theme.name!r}; factcheck's pages are built on "
                          "mkdocs-material's templates: set theme: name: material (installed with factcheck)")
    if not config.site_url and command != "serve":  # serve sets its own address
        log.warning("mkdocs.yml: site_url is not set, so the feed, the ClaimReview markup, the share tags and "
                    "the JSON/CSV exports get root-relative URLs (/claims/...) and search engines ignore "
                    "the ClaimReview; set site_url to the site's public address")


THEME_OVERRIDES = Path(__file__).parent / "theme"


def _add_theme_overrides(config: MkDocsConfig) -> None:
    """Our fixes to the theme's own templates, behind the site's custom_dir so it still wins."""
    folder = str(THEME_OVERRIDES)
    if THEME_OVERRIDES.is_dir() and folder not in config.theme.dirs:
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, folder)
