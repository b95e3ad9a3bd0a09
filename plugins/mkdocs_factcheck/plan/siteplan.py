"""Plugin options and site settings in, the whole generated site out.

The one core both adapters call: ``settings_from`` checks the factcheck options
(from MkDocs' parsed config or from ``mkdocs.yml`` read directly, against the one
table of them in ``options``) into plain ``Settings``; a ``SitePlanner`` keeps the
loader and renderer for those settings (so ``serve`` and ``generate --watch`` re-validate and re-render only what
changed) and makes a ``SitePlan``: the claims loaded and linked, every generated
page (source path, title, meta, HTML body, head tags) and every site file (feed,
exports, claims index, CSS/JS). The MkDocs plugin turns a plan into MkDocs files;
``factcheck generate`` writes it into docs_dir. Neither holds page logic.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import os
import re
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import ValidationError

from ..base import cards, parallel
from ..base.cards import Card, CardFailure, CardJob, CardMaker
from ..base.errors import ClaimError, report_lines
from ..base.strings import UnknownStrings, strings_for
from ..claims import editorial, parsed, people, urls
from ..claims.catalog import Catalog, build_catalog, log_entries
from ..claims.history import claim_histories
from ..claims.loader import ClaimLoader, ClaimSet, claim_files, field_position
from ..claims.model import ID_PATTERN, Claim
from ..claims.record import RecordPolicy, record_check
from ..claims.scale import RatingScale
from ..output import cache as disk_cache
from ..output.editor import EditorOptionError, EditorOptions
from ..output.feeds import site_files
from ..output.pages import (
    WITHDRAWN_PAGE,
    PageSpec,
    Unkeyable,
    anchor_ids,
    catalog_inputs,
    claim_page_inputs,
    claim_text,
    context_inputs,
    headings,
    listed_text,
    listing_inputs,
    plan_pages,
    stable_text,
    withdrawn_inputs,
)
from ..output.render import Renderer, SiteInfo
from .options import BY_NAME, NONE, OPTIONS, Option, default

MARKERS = ("latest", "brief", "scale")

IDENTITY = ("about", "contact", "funding", "methodology", "corrections", "report_error")


def identity_pages(site: SiteInfo) -> list[tuple[str, str]]:
    """(option, page path in docs_dir) of each identity option that names a page, not a URL or an
    e-mail address: ``report_error: corrections.md#report-an-error`` -> ('report_error', 'corrections.md')."""
    found = []
    for option in IDENTITY:
        target: str = getattr(site, option)
        if not target or "://" in target or target.startswith("mailto:") or ("@" in target and "/" not in target):
            continue
        found.append((option, target.partition("#")[0]))
    return found


def missing_identity_pages(site: SiteInfo, pages: Collection[str], *, config_file: Path, docs_dir: str) -> list[str]:
    """A located message for each identity option naming a page that is not among ``pages`` (the
    site's source paths and URLs: its own files and ours), so no footer link or ClaimReview policy
    is a 404."""
    problems = []
    for option, page in identity_pages(site):
        if page in pages:
            continue
        line = option_line(config_file, option)
        where = f"{config_file.name}:{line}" if line else config_file.name
        problems.append(f"{where}: plugins.factcheck.{option} names the page {page}, which does not exist "
                        f"({docs_dir}/{page}); write that page (`factcheck init` writes one to fill in), "
                        "or name an existing page, a URL or an e-mail address")
    return problems


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's structure only (for line numbers): every tag (!ENV, !relative) is a plain node."""


def option_line(config_file: Path, option: str) -> int:
    """The line of ``plugins: - factcheck: <option>:`` in ``config_file`` (0 when it is not found
    there, e.g. set in an INHERIT parent)."""
    try:
        root = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    except (OSError, yaml.YAMLError):
        return 0
    plugins = _value_of(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    for entry in entries:
        options = _value_of(entry, "factcheck")
        for key, _ in (options.value if isinstance(options, yaml.MappingNode) else []):
            if isinstance(key, yaml.ScalarNode) and key.value == option:
                return int(key.start_mark.line) + 1
    return 0


def _value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for k, value in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


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
    max_file_bytes: int = default("max_file_bytes")
    latest_count: int = default("latest_count")
    feed_limit: int = default("feed_limit")
    search_full_text: bool = default("search_full_text")
    page_size: int = default("page_size")
    policy: editorial.Policy = field(default_factory=editorial.Policy)
    card_fonts: tuple[str, ...] = ()  # font files added to the packaged ones
    workers: int | None = None  # processes for parsing and rendering claims (None: auto)
    record: RecordPolicy = field(default_factory=RecordPolicy)
    people_file: Path | None = None  # people.yml (read when it exists)
    editor: EditorOptions = field(default_factory=EditorOptions)  # the form editor's page (off by default)
    allow_hosts: tuple[str, ...] = ()  # hosts the network commands ask at non-public addresses


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
        policy = editorial.Policy.from_options(values["warnings_as_errors"], values["min_reviewers"],
                                               values["timezone"])
    except ValueError as exc:
        raise SettingsError(f"plugins.factcheck.{exc}") from None
    try:
        record = RecordPolicy.from_options(values["history"], values["record_starts"])
    except ValueError as exc:
        raise SettingsError(f"plugins.factcheck.{exc}") from None
    try:
        editor_options = EditorOptions.from_option(values["editor"])
    except EditorOptionError as exc:
        raise SettingsError(f"plugins.factcheck.{exc}") from None
    organization = values["organization"] or site_name
    default_author = values["default_author"] or organization
    policy = dataclasses.replace(policy, desk=people.Desk(default_author))
    site = SiteInfo(
        name=site_name,
        url=site_url or "",
        organization=organization,
        organization_url=values["organization_url"] or site_url or "",
        default_author=default_author,
        use_directory_urls=use_directory_urls,
        repo_url=repo_url or "",
        description=site_description or "",
        language=values["language"] or theme_language or "en",
        **{key: values[key] or "" for key in IDENTITY},
    )
    config_dir = config_dir.resolve()  # `mkdocs build` gives the folder as typed, often "."
    docs = (config_dir / docs_dir).resolve()
    claims = config_dir / values["claims_dir"]  # as configured, not resolved: errors name it so
    theme_dir = (config_dir / custom_dir).resolve() if custom_dir else None
    return Settings(
        config_dir=config_dir, docs_dir=docs, claims_dir=claims, scale=scale,
        strings=tuple(sorted(strings.items())), site=site,
        overrides=(theme_dir / "factcheck",) if theme_dir else (), custom_dir=theme_dir,
        cache_dir=_cache_folder(values["cache_dir"], config_dir, claims, docs),
        max_file_bytes=values["max_file_bytes"], latest_count=values["latest_count"],
        feed_limit=values["feed_limit"], search_full_text=values["search_full_text"],
        page_size=values["page_size"], policy=policy,
        card_fonts=_card_fonts(values["card_fonts"], config_dir),
        workers=values["workers"], record=record, people_file=people_file(values["people"], config_dir),
        editor=editor_options, allow_hosts=tuple(values["allow_hosts"]),
    )


def people_file(option: str | None, config_dir: Path) -> Path:
    """The people registry's file: the ``people`` option (which must exist), else people.yml
    beside mkdocs.yml (read when it exists)."""
    if option:
        path = config_dir / option
        if not path.is_file():
            raise SettingsError(f"plugins.factcheck.people: {option} does not exist; create it (see the README's "
                                "people registry section) or remove the option")
        return path
    return config_dir / people.DEFAULT_FILE


def _checked_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(BY_NAME))
    if unknown:
        raise SettingsError(f"plugins.factcheck: unknown option(s) {', '.join(unknown)}; "
                            f"the options are {', '.join(BY_NAME)}")
    # A copy of each default: a list or mapping in the table is never handed out to be changed.
    values = {o.name: options[o.name] if o.name in options else copy.copy(o.default) for o in OPTIONS}
    for option in OPTIONS:
        if not option.parsed:
            _check_type(option, values[option.name])
    try:
        values["workers"] = parallel.workers_option(values["workers"])
    except ValueError as exc:
        raise SettingsError(f"plugins.factcheck.{exc}") from None
    for option in OPTIONS:
        if option.minimum is not None and values[option.name] < option.minimum:
            raise SettingsError(f"plugins.factcheck.{option.name} is {values[option.name]!r}; "
                                f"write a whole number of at least {option.minimum}")
    return values


def _check_type(option: Option, value: Any) -> None:
    if option.items is not None and isinstance(value, list):
        if not all(isinstance(item, option.items) for item in value):
            raise SettingsError(f"plugins.factcheck.{option.name} must be a list of {option.item_name}")
        return
    # bool is an int in Python; a number option never takes true/false.
    if not isinstance(value, option.types) or (isinstance(value, bool) and bool not in option.types):
        if option.items is not None:
            raise SettingsError(f"plugins.factcheck.{option.name} must be a list of {option.item_name}")
        wanted = " or ".join("nothing" if t is NONE else _TYPE_NAMES[t] for t in option.types)
        raise SettingsError(f"plugins.factcheck.{option.name} is {value!r}; write {wanted}")


_TYPE_NAMES = {str: "text", list: "a list", dict: "a mapping", int: "a whole number", bool: "true or false",
               date: "a date (YYYY-MM-DD)"}


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
    if folder.is_relative_to(claims_dir.resolve()) or folder.is_relative_to(docs_dir):
        raise SettingsError(f"plugins.factcheck.cache_dir ({option}) must not be inside the claims folder "
                            "or docs_dir; use e.g. .cache/plugin/factcheck")
    return folder


def _card_fonts(option: list[Any], config_dir: Path) -> tuple[str, ...]:
    """The site's card fonts, each checked now: a font the cards cannot read would otherwise
    show up as cards without text, after MkDocs has emptied site_dir."""
    paths = []
    for font in option:
        if not isinstance(font, str):
            raise SettingsError(f"plugins.factcheck.card_fonts: {font!r} is not a file name")
        path = (config_dir / font).resolve()
        problem = cards.font_problem(str(path))
        if problem:
            raise SettingsError(f"plugins.factcheck.card_fonts: {font}: {problem}; name a TTF, OTF or TTC "
                                "font file, relative to mkdocs.yml")
        paths.append(str(path))
    return tuple(paths)


ERROR_PAGE = "errors.html"


def settings_key(settings: Settings) -> str:
    """The settings as text for the keys of page bodies: the same in every process (sets
    sorted), without ``workers`` and ``cache_dir``, which change how a site is built, never
    what, and with paths relative to mkdocs.yml's folder, so that the same site checked out in
    another folder (a CI runner's) reuses the bodies its restored cache holds."""
    def moved(path: Path) -> Path:
        return Path(os.path.relpath(path, settings.config_dir))

    return stable_text(replace(
        settings, workers=None, cache_dir=None, config_dir=Path("."), docs_dir=moved(settings.docs_dir),
        claims_dir=moved(settings.claims_dir), overrides=tuple(map(moved, settings.overrides)),
        custom_dir=settings.custom_dir and moved(settings.custom_dir),
        people_file=settings.people_file and moved(settings.people_file),
        card_fonts=tuple(str(moved(Path(font))) for font in settings.card_fonts)))


@dataclass
class SitePlan:
    """One build's claims and everything made from them. Page bodies and head tags are
    rendered on request, so an adapter renders only the pages it needs."""

    renderer: Renderer
    catalog: Catalog
    errors: list[ClaimError]
    pages: dict[str, PageSpec]  # by source path in docs_dir, e.g. claims/<id>.md
    files: dict[str, str]  # by path in the site, e.g. feed.xml
    config_dir: Path
    claims_dir: Path
    banner: str = ""  # the errors notice shown on every page while claim files are broken
    latest_count: int = default("latest_count")
    cards: list[tuple[str, Card]] = field(default_factory=list)  # share cards, by path in the site
    reuse: dict[str, tuple[str, str]] | None = None  # src_uri -> (inputs key, HTML), kept by the planner
    stored: disk_cache.BodyStore | None = None  # the last build's bodies on disk, and this one's
    settings_key: str = ""
    workers: int | None = None  # the site's workers option (None: auto), for adapters that render every page
    claim_files: dict[str, Path] = field(default_factory=dict)  # claim id -> its file, resolved once
    _templates: str = ""  # the templates' fingerprint, taken once per plan
    _json: dict[str, str] = field(default_factory=dict)  # digests of claims' claim_text by id, for keys
    _listed: dict[str, str] = field(default_factory=dict)  # claims' listed_text by id, for keys
    _catalog: str | None = None  # catalog_inputs, once per plan
    _overridden: bool | None = None  # whether the site overrides a template, once per plan
    _inputs: dict[str, str] = field(default_factory=dict)  # claim pages' inputs by claim id
    markers_rendered: int = field(init=False, default=0)  # hand-written pages' marker fragments rendered here

    def url(self, src_uri: str) -> str:
        return urls.page_url(src_uri, self.renderer.site.use_directory_urls)

    def body(self, spec: PageSpec, here: str | None = None) -> str:
        """The page's HTML, as the theme places it in the page's content; its relative links
        start from ``here`` (default: the page's own URL). A page whose key (``_reuse_key``)
        is unchanged is not rendered again: where the planner keeps pages (serve, watch), or
        from the last build's bodies on disk (``stored``)."""
        start = self.url(spec.src_uri) if here is None else here
        key = self._reuse_key(spec, start)
        if key and self.reuse is not None and self.reuse.get(spec.src_uri, ("", ""))[0] == key:
            return self.reuse[spec.src_uri][1]
        html, _ = self._stored_or_made(key, lambda: self._render(spec, start))
        if key and self.reuse is not None:
            self.reuse[spec.src_uri] = (key, html)
        return html

    def _render(self, spec: PageSpec, here: str) -> str:
        banner = "" if spec.template == ERROR_PAGE else self.banner  # an error page is its own notice
        return banner + self.renderer.page(spec.template, self.catalog, here, **spec.context)

    def _stored_or_made(self, key: str, make: Callable[[], str], *, counted: bool = True) -> tuple[str, bool]:
        """(HTML, whether the last build kept it) under ``key``: from the last build's bodies, else
        ``make()``; kept for the next build either way (``counted`` as ``BodyStore.put`` says)."""
        found = self._from_store(key)
        html, packed = found if found is not None else (make(), b"")
        if key and self.stored is not None:
            self.stored.put(key, packed or pack(html), reused=found is not None, counted=counted)
        return html, found is not None

    def _from_store(self, key: str) -> tuple[str, bytes] | None:
        """(HTML, compressed) of the body the last build kept under ``key``, if it is intact."""
        packed = self.stored.get(key) if key and self.stored is not None else None
        if packed is None:
            return None
        try:
            return unpack(packed), packed
        except (zlib.error, UnicodeDecodeError):
            return None  # damaged on disk: rendered again

    def prerender(self, workers: int | None) -> Bodies | None:
        """Every generated page's body for its own URL, rendered ahead in worker processes
        while the caller goes on; None where that would not pay (see ``parallel``)."""
        specs = list(self.pages.values())
        count = parallel.body_worker_count(workers, len(specs))
        if count < 2 or not parallel.can_fork():
            return None
        for template in {spec.template for spec in specs}:  # compiled once, here, not in every worker
            # A site's broken template fails where it fails in one process: rendering its first page.
            with contextlib.suppress(jinja2.TemplateError):
                self.renderer.env.get_template(template)
        if self.stored is not None:  # what every key shares, made once here, not in every worker
            self._key_parts()
            self._site_overrides()
            self._whole_catalog()
        return Bodies(self, specs, count)

    def _reuse_key(self, spec: PageSpec, here: str) -> str:
        """What the page's body is made of, as a digest: its inputs (``_inputs_of``), the
        templates, the settings, the errors banner, its URL and the plugin's code. "" where
        no body is kept, or where the page's inputs cannot be told (it is always rendered)."""
        if self.reuse is None and self.stored is None:
            return ""
        inputs = self._inputs_of(spec)
        if not inputs:
            return ""
        parts = [inputs, *self._key_parts(), self.banner, here]
        return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _key_parts(self) -> tuple[str, str, str]:
        """The templates' fingerprint, the settings and the code, taken once per plan."""
        if not self._templates:
            self._templates = self.renderer.templates_fingerprint()
        return self._templates, self.settings_key, disk_cache.code_key()

    def _site_overrides(self) -> bool:
        """Whether the site overrides a template, looked up once per plan."""
        if self._overridden is None:
            self._overridden = self.renderer.overridden()
        return self._overridden

    def _inputs_of(self, spec: PageSpec) -> str:
        """What the page reads, as text ("" for a page that is always rendered: an error page).
        A page of a site that overrides templates may read anything: the whole catalog."""
        if spec.template == ERROR_PAGE:
            return ""
        if not self._site_overrides():
            if spec.claim_id and spec.claim_id in self.catalog.by_id:
                return self.head_inputs(spec)
            if spec.template == WITHDRAWN_PAGE:
                return withdrawn_inputs(spec, self._claim_key)
            listing = listing_inputs(self.catalog, spec, self._listed_key)
            if listing:
                return listing
        whole = self._whole_catalog()
        try:
            return whole and "\x00".join([whole, spec.template, spec.src_uri, context_inputs(spec)])
        except Unkeyable:
            return ""

    def _whole_catalog(self) -> str:
        """``catalog_inputs``, made once per plan ("" when the catalog holds what no key can write)."""
        if self._catalog is None:
            try:
                self._catalog = catalog_inputs(self.catalog, self._claim_key)
            except Unkeyable:
                self._catalog = ""
        return self._catalog

    def _claim_key(self, claim: Claim) -> str:
        """A digest of a claim's ``claim_text``, made once per plan (a claim is on several
        pages, a claimant's page lists thousands: their keys hash digests, not the claims)."""
        found = self._json.get(claim.id)
        if found is None:
            text = claim_text(claim).encode("utf-8", "surrogatepass")
            found = self._json[claim.id] = hashlib.sha256(text).hexdigest()
        return found

    def _listed_key(self, claim: Claim) -> str:
        """A claim's ``listed_text`` (with its digest), made once per plan: a claimant's page
        lists thousands, each on a tag's page and its related checks' pages too."""
        found = self._listed.get(claim.id)
        if found is None:
            found = self._listed[claim.id] = listed_text(self.catalog, claim, self._claim_key)
        return found

    def head(self, here: str, spec: PageSpec | None = None, *, claim_review: bool = True,
             title: str = "", description: str = "") -> str:
        """Tags for the <head> of any page at URL ``here``: share tags (of a hand-written page
        from its ``title`` and ``description``); on a claim page (unless the adapter places it
        in the body) its ClaimReview."""
        claim = self.catalog.by_id.get(spec.claim_id) if spec and spec.claim_id else None
        if spec is not None:
            title, description = spec.title, spec.description
        history = spec.context.get("history") if spec is not None else None
        return self.renderer.head(self.catalog, here, claim, description, title, claim_review=claim_review,
                                  history=history)

    def head_inputs(self, spec: PageSpec) -> str:
        """What a page's head shows besides its title and description, as text: a claim page's
        share tags and ClaimReview read the whole claim (its body may not show every field)."""
        if not spec.claim_id or spec.claim_id not in self.catalog.by_id:
            return ""
        found = self._inputs.get(spec.claim_id)
        if found is None:  # asked for twice under serve: the reuse key and the stub
            found = self._inputs[spec.claim_id] = claim_page_inputs(self.catalog, spec.claim_id,
                                                                    spec.context.get("history"), self._claim_key,
                                                                    self._listed_key)
        return found

    def footer(self, here: str) -> str:
        """The site's identity (about, contact, funding ...) for the footer of the page at ``here``."""
        return self.renderer.footer(here)

    def claim_review(self, spec: PageSpec) -> str:
        """The claim page's ClaimReview script element ("" for other pages)."""
        claim = self.catalog.by_id.get(spec.claim_id) if spec.claim_id else None
        return str(self.renderer.claim_review(claim, self.url(spec.src_uri), self.catalog)) if claim else ""

    def toc(self, html: str, found: list[tuple[int, str, str]] | None = None) -> list[tuple[str, str]]:
        """(anchor, text) of the page's sections, for the theme's table of contents (from its
        ``headings``, when the caller has them already)."""
        return [(anchor, text) for level, anchor, text in (headings(html) if found is None else found)
                if level == 2]

    def title_anchor(self, html: str, found: list[tuple[int, str, str]] | None = None) -> tuple[str, str] | None:
        """(anchor, text) of the page's h1, if it has an id: the theme's "Skip to content" lands
        there (on a claim page, the claim), not on the first section after it."""
        return next(((anchor, text) for level, anchor, text in (headings(html) if found is None else found)
                     if level == 1), None)

    def rendered(self, spec: PageSpec, *, with_text: bool = False) -> RenderedBody:
        """The page's body for its own URL with what an adapter reads from it, made where it is
        rendered (a worker process: only the packed HTML and the outline travel back; ``with_text``
        in this process, the HTML too), or taken from the last build's bodies (``keep`` files it
        for the next, in this process)."""
        here = self.url(spec.src_uri)
        key = self._reuse_key(spec, here)
        found = self._from_store(key)
        html, packed = found if found is not None else (self._render(spec, here), b"")
        # Its head too, where the body is made (a worker's CPU, not the build's): its key is the
        # body's, which holds everything the head shows (``head_inputs``, the title, the URL).
        head_key = hashlib.sha256(f"head\x00{key}".encode()).hexdigest() if key else ""
        head = self._from_store(head_key)
        return RenderedBody(packed or pack(html), headings(html), anchor_ids(html), key, found is not None,
                            html if with_text else "", head[1] if head else pack(self.head(here, spec)),
                            head_key, head is not None)

    def made_here(self, spec: PageSpec, here: str) -> RenderedBody | None:
        """``rendered`` in this process, kept for the next build: the body of the page at URL
        ``here`` (packed once, for the cache and the adapter); None when ``here`` is not its own
        URL (``i18n`` moves pages: ``body`` renders it for that one)."""
        if here != self.url(spec.src_uri):
            return None
        made = self.rendered(spec, with_text=True)
        self.keep(made)
        return made

    def keep(self, body: RenderedBody) -> None:
        """A body made by ``rendered`` (in a worker process), kept for the next build."""
        if body.key and self.stored is not None:
            self.stored.put(body.key, body.packed, reused=body.reused)
            self.stored.put(body.head_key, body.head, reused=body.head_reused, counted=False)

    def fill_markers(self, html: str, here: str) -> str:
        """A hand-written page's ``<!-- factcheck:... -->`` markers, replaced by their fragments."""
        for marker in MARKERS:
            tag = f"<!-- factcheck:{marker} -->"
            if tag in html:
                html = html.replace(tag, self._marker_fragment(marker, here))
        return html

    def _marker_fragment(self, marker: str, here: str) -> str:
        """A marker's fragment for the page at ``here``, kept with the bodies: it reads the whole
        catalog, so its key holds every claim's (a home page's latest checks change with any)."""
        whole = self._whole_catalog() if self.stored is not None else ""
        key = hashlib.sha256("\x00".join(["marker", marker, whole, str(self.latest_count), *self._key_parts(),
                                          here]).encode("utf-8", "surrogatepass")).hexdigest() if whole else ""
        fragment, kept = self._stored_or_made(
            key, lambda: self.renderer.page(f"{marker}.html", self.catalog, here, count=self.latest_count),
            counted=False)
        self.markers_rendered += not kept
        return fragment

    def source_of(self, spec: PageSpec) -> Path | None:
        """The file a page comes from, for tools that read its date or git history: a claim
        page's claim file (or, for a broken one, that file); None for a listing, which no one
        file makes (the adapter gives it a file of its own)."""
        claim = self.catalog.by_id.get(spec.claim_id) if spec.claim_id else spec.context.get("claim")
        if isinstance(claim, Claim) and claim.id in self.claim_files:
            return self.claim_files[claim.id]
        if spec.template == ERROR_PAGE:
            first: ClaimError = spec.context["errors"][0]
            return (self.config_dir / first.path).resolve()
        return None

    def card_warnings(self, failures: list[CardFailure]) -> list[ClaimError]:
        """A located warning for each share card that could not be drawn (its page shows the
        site's card): at the claim file's field whose text the renderer failed on."""
        site_card = cards.card_src(self.renderer.site_card(), self.renderer.card_fonts)
        found = []
        for failure in failures:
            claim = self.catalog.by_id.get(failure.stem)
            if failure.src == site_card or claim is None:  # site_name and site_description: trusted text
                found.append(ClaimError("mkdocs.yml", 0, 0, f"the site's share card could not be drawn "
                                        f"({failure.reason}): its pages get a card without text",
                                        "check site_name and site_description", "card-fallback", "warning"))
                continue
            if failure.field in ("kicker", "label"):  # the site's name, a verdict's label: mkdocs.yml
                found.append(ClaimError("mkdocs.yml", 0, 0, f"the share card of {claim.path} could not be "
                                        f"drawn ({failure.reason}); the page shows the site's card instead",
                                        "check site_name and the scale's labels", "card-fallback", "warning"))
                continue
            key = "claimant" if failure.field == "byline" else "claim"
            line, column = field_position(self.claim_files[claim.id], key)
            found.append(ClaimError(claim.path, line, column, f"the share card could not be drawn "
                                    f"({failure.reason}); the page shows the site's card instead",
                                    f"the renderer fails on the {key}'s text", "card-fallback", "warning"))
        return found

    def take_files(self) -> dict[str, str]:
        """The site files, handed over once: the plan keeps only their paths (the JSON export
        is megabytes, and the plan lives as long as the build)."""
        taken, self.files = self.files, dict.fromkeys(self.files, "")
        return taken

    def clashes(self, others: Mapping[str, str]) -> list[str]:
        """Where another file (``{URL: its name}``) wants the URL of one of our pages or files:
        one line per clash naming both."""
        wanted = {self.url(uri): self._wanted_by(spec) for uri, spec in self.pages.items()}
        wanted.update({uri: f"factcheck's generated file {uri}" for uri in self.files})
        return [f"{name} and {wanted[url]} both want the URL /{url}" for url, name in others.items() if url in wanted]

    def _wanted_by(self, spec: PageSpec) -> str:
        claim = self.catalog.by_id.get(spec.claim_id) if spec.claim_id else None
        if claim is not None:
            return f"the claim page of {claim.path}"
        return f"factcheck's generated page {spec.title!r}"


def pack(text: str) -> bytes:
    """A page's HTML compressed (zlib's fastest level: a claim page's HTML shrinks about fivefold)."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class RenderedBody:
    """A page body as a worker process hands it back: packed, with its headings and element ids."""

    packed: bytes
    headings: list[tuple[int, str, str]]  # (level, id, text), as ``pages.headings`` gives them
    anchors: set[str]
    key: str = ""  # what it is made of (SitePlan._reuse_key), "" for a page that is not kept
    reused: bool = False  # taken from the last build's bodies, not rendered
    text: str = ""  # the HTML, when it was made in this process (none travels from a worker)
    head: bytes = b""  # the page's head (SitePlan.head), packed
    head_key: str = ""  # under which it is kept ("" with no key)
    head_reused: bool = False

    def html(self) -> str:
        return self.text or unpack(self.packed)


class Bodies:
    """Page bodies on their way from worker processes, each for its page's own URL."""

    def __init__(self, plan: SitePlan, specs: list[PageSpec], workers: int) -> None:
        self._plan = plan
        self._index = {spec.src_uri: i for i, spec in enumerate(specs)}
        self._job = parallel.Job(plan.rendered, specs, workers, "page bodies rendered")

    def take(self, spec: PageSpec, here: str) -> RenderedBody | None:
        """The body of the page at URL ``here``; None when it was rendered for another URL
        (``i18n`` moves pages: their relative links differ)."""
        index = self._index.get(spec.src_uri)
        if index is None or here != self._plan.url(spec.src_uri):
            return None
        body = self._job.take(index)  # not kept here: MkDocs holds it as the page's content
        self._plan.keep(body)
        return body

    def close(self) -> None:
        self._job.close()


def error_pages(errors: list[ClaimError], catalog: Catalog) -> dict[str, PageSpec]:
    """Pages at broken claims' own URLs showing their errors (under serve and watch), instead
    of a bare 404."""
    by_id: dict[str, list[ClaimError]] = {}
    for error in errors:
        claim_id = Path(error.path).stem
        if re.fullmatch(ID_PATTERN, claim_id) and claim_id not in catalog.by_id:
            by_id.setdefault(claim_id, []).append(error)
    return {urls.claim_src(claim_id): PageSpec(urls.claim_src(claim_id), ERROR_PAGE, claim_id,
                                               context={"errors": found})
            for claim_id, found in by_id.items()}


@dataclass
class SitePlanner:
    """Plans the site for one set of settings; keep it across rebuilds (serve, watch) so
    unchanged Markdown is not rendered again. With ``keep_pages`` (serve, watch) it also keeps
    each claim file's result (unchanged files are not parsed again) and claim pages' HTML
    between plans; without it (one build) it lets go of them as soon as it can."""

    settings: Settings
    keep_pages: bool = False
    # One build that renders every page for its own URL (`mkdocs build`): bodies are kept on disk
    # for the next (``body_cache``), beside the share cards.
    keep_bodies: bool = False
    loader: ClaimLoader = field(init=False)
    renderer: Renderer = field(init=False)
    _kept: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)
    _stored: disk_cache.BodyStore | None = field(init=False, default=None)
    clock: editorial.Clock | None = field(init=False, default=None)  # the last load's
    markdown_rendered: int = field(init=False, default=0)  # claims whose Markdown the last plan rendered
    _markdown_on_disk: set[str] = field(init=False, default_factory=set)  # fingerprints markdown.json holds

    def __post_init__(self) -> None:
        s = self.settings
        record = record_check(s.scale, s.record, s.policy, s.cache_dir, s.config_dir, s.workers)
        self.loader = ClaimLoader(s.scale, max_bytes=s.max_file_bytes, policy=s.policy, workers=s.workers,
                                  record=record, people_file=s.people_file)
        self.renderer = Renderer(dict(s.strings), s.scale, s.site, s.overrides,
                                 search_full_text=s.search_full_text, page_size=s.page_size,
                                 card_fonts=s.card_fonts)
        self.card_maker = CardMaker()  # share cards by content, kept across rebuilds
        folder = self.markdown_cache()
        if folder is not None:
            kept = disk_cache.load(folder)
            self.renderer.preload(kept)
            self._markdown_on_disk = set(kept)

    def load(self) -> ClaimSet:
        """Read and check every claim file (only the changed ones, for a kept planner), at the
        build's instant (taken here, once: the checks and the plan agree on what is out)."""
        s = self.settings
        self.clock = s.policy.clock()  # EpochError (a SiteError) for a malformed SOURCE_DATE_EPOCH
        self.loader.policy = replace(s.policy, today=self.clock.now)
        self.loader.parsed_file = self.parsed_cache() if self.keep_bodies else None
        claim_set = self.loader.load(s.claims_dir, s.config_dir, site_root=s.config_dir)
        if not self.keep_pages:
            self.loader.forget()  # one build reuses no file's result: they would be held to its end
        return claim_set

    def plan(self, claim_set: ClaimSet | None = None, *, preview: bool = False,
             show_errors: bool = False) -> SitePlan:
        """Link the claims (loaded now unless given) and plan every generated page and file: of
        the published checks only, or with ``preview`` (``mkdocs serve``) of drafts and checks
        in review too. With ``show_errors`` a broken claim's URL gets a page showing its errors."""
        s = self.settings
        self.renderer.refresh()
        claim_set = claim_set or self.load()
        banner = ""
        if claim_set.errors:
            banner = self.renderer.env.get_template(ERROR_PAGE).render(errors=report_lines(claim_set.errors))
        catalog = build_catalog(claim_set.claims.values(), s.scale, preview=preview, today=self.clock,
                                names=claim_set.names)
        shown = [*catalog.claims, *catalog.withdrawn]
        self.renderer.forget_except(shown)
        # Beside the card processes started ahead, not on their CPUs: a pool forked from this
        # process now would also hold a copy of every claim (about 300 MiB at 10,000 claims).
        self.markdown_rendered = self.renderer.render_markdown(shown, s.workers, busy=self.card_maker.ahead)
        paths = {claim.id: (s.config_dir / claim.path).resolve() for claim in shown}
        record = claim_set.record
        histories = claim_histories(s.claims_dir, s.site.repo_url, s.scale, git_log=record.log if record else None,
                                    record=record)
        changes = {claim.id: [(c.date, c.before, c.after) for c in history.verdict_changes]
                   for claim in shown if (history := histories.get(paths[claim.id]))}
        catalog.log = log_entries(catalog, changes)
        pages = plan_pages(catalog, self.renderer, s.page_size)
        for claim in shown:
            pages[urls.claim_src(claim.id)].context["history"] = histories.get(paths[claim.id])
        if show_errors:
            pages.update(error_pages(claim_set.errors, catalog))
        files = site_files(catalog, self.renderer, feed_limit=s.feed_limit)
        if self.keep_pages:
            self._kept = {uri: kept for uri, kept in self._kept.items() if uri in pages}
        return SitePlan(self.renderer, catalog, claim_set.errors, pages, files, s.config_dir, s.claims_dir,
                        banner=banner, latest_count=s.latest_count, cards=self.renderer.card_files(catalog),
                        reuse=self._kept if self.keep_pages else None, stored=self._body_store(banner),
                        settings_key=settings_key(s), workers=s.workers, claim_files=paths)

    def _body_store(self, banner: str) -> disk_cache.BodyStore | None:
        """The last build's bodies, for a build that keeps them. Not while the errors banner
        is on every page (serve only: a build with errors stops)."""
        if not self.keep_bodies or banner:
            return None
        if self._stored is None:
            path = self.body_cache()
            self._stored = disk_cache.BodyStore(path) if path else None
        return self._stored

    def claim_file_count(self) -> int:
        """How many claim files the claims folder holds (before any is read); 0 for a folder the
        loader refuses unread, outside the site (a link to `/` would have this walk the disk)."""
        claims, site = self.settings.claims_dir.resolve(), self.settings.config_dir.resolve()
        if claims == site or not claims.is_relative_to(site) or not claims.is_dir():
            return 0
        return sum(1 for _ in claim_files(self.settings.claims_dir))

    def prestart_cards(self, claim_files: int) -> None:
        """Fork the share cards' processes before the claims are read (``CardMaker.prestart``),
        sized for a card a claim file and the site's."""
        self.card_maker.prestart(self.renderer.card_fonts, claim_files + 1 if claim_files else 0,
                                 workers=self.settings.workers)

    def start_cards(self, plan: SitePlan, site_dir: Path | None = None) -> CardJob:
        """The plan's share cards on their way (cold ones drawn in worker processes, as the
        ``workers`` option allows, each written into ``site_dir`` as it is drawn); a card
        that cannot be drawn gets the site's card (``CardJob.failures``, ``plan.card_warnings``)."""
        return self.card_maker.start(plan.cards, self.renderer.card_fonts, self.card_cache(),
                                     fallback=self.renderer.site_card(), workers=self.settings.workers,
                                     site_dir=site_dir)

    def card_cache(self) -> Path | None:
        """Where cards are kept between builds (in its cards/ folder): cache_dir, else
        .cache/plugin/factcheck beside mkdocs.yml, so every site's CI can cache them. Not
        through a symbolic link there (one committed in the repository would have the build
        write elsewhere): then the cards are drawn afresh each build."""
        return self._cache_folder("cards")

    def body_cache(self) -> Path | None:
        """The file where page bodies are kept between builds: beside the cards' folder, on
        the same terms (none through a symbolic link)."""
        folder = self._cache_folder(disk_cache.BODIES_FILE)
        return folder / disk_cache.BODIES_FILE if folder else None

    def parsed_cache(self) -> Path | None:
        """The file where the claim files' parse results are kept between builds (``parsed``),
        beside the page bodies, on the same terms."""
        folder = self._cache_folder(parsed.FILE)
        return folder / parsed.FILE if folder else None

    def markdown_cache(self) -> Path | None:
        """The folder whose ``markdown.json`` keeps the claims' rendered Markdown between
        builds: beside the page bodies, on the same terms."""
        return self._cache_folder(disk_cache.CACHE_FILE)

    def bodies_kept(self) -> bool:
        """Whether a last build's bodies file is there: a warm build (its search parses are kept too)."""
        path = self.body_cache() if self.keep_bodies else None
        try:
            return path is not None and path.stat().st_size > 0
        except OSError:
            return False

    def _cache_folder(self, inside: str) -> Path | None:
        if self.settings.cache_dir:
            return self.settings.cache_dir
        folder = self.settings.config_dir
        for part in (*cards.DEFAULT_CACHE.parts, inside):
            folder = folder / part
            if folder.is_symlink():
                return None
        return folder.parent

    def card_images(self, plan: SitePlan) -> tuple[dict[str, bytes], list[ClaimError]]:
        """The plan's share cards as PNG bytes, by path in the site (drawn or from the caches),
        and a located warning for each that could not be drawn."""
        job = self.start_cards(plan)
        images = {src: data if isinstance(data, bytes) else data.read_bytes() for src, data in job.result().items()}
        return images, plan.card_warnings(job.failures)

    def save_cache(self) -> None:
        """Keep the rendered Markdown and the page bodies (``keep_bodies``) for the next build;
        a build that rendered and dropped no claim's Markdown leaves markdown.json as it is."""
        folder = self.markdown_cache()
        rendered = self.renderer.rendered
        if folder is not None and rendered.keys() != self._markdown_on_disk:
            disk_cache.save(folder, rendered)
            self._markdown_on_disk = set(rendered)
        if self._stored is not None:
            self._stored.save()
            self._stored = None

    def drop_bodies(self) -> None:
        """A failed build: this build's bodies are not kept (the last build's stay)."""
        if self._stored is not None:
            self._stored.discard()
            self._stored = None

    def bodies_made(self) -> tuple[int, int] | None:
        """(rendered, taken from the last build) page bodies so far, with ``keep_bodies``."""
        return (self._stored.rendered, self._stored.reused) if self._stored is not None else None
