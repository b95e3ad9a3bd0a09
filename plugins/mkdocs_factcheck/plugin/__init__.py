"""The MkDocs adapter: event hooks only.

Each hook translates between MkDocs objects and the core (``siteplan``), which
checks the settings, loads the claims and plans and renders every page and file;
``factcheck generate`` is the other adapter on the same core. Each hook sets its
priority explicitly, with the reason beside it, so the order of ``plugins:`` in a
site's ``mkdocs.yml`` does not matter (MkDocs runs higher priorities first; default 0).
The MkDocs-facing helpers sit beside this module: generated pages as MkDocs pages
(``mkdocs_page``), dirty rebuilds (``rebuilds``), the search plugin's view of a page
(``searchview``) and its compact entries of claim pages (``searchindex``), the share-card
head tags (``share_tags``), page bodies spooled to disk (``spool``), listing stubs
(``stubs``), the theme's compiled templates (``theme_cache``), page folders and files made
ahead in a thread (``pages_ahead``) and the ``serve`` Host check (``hostguard``).

May import: ``base``, ``claims``, ``output``, ``plan``, and MkDocs. The only package
that imports MkDocs' build machinery (``project`` uses its YAML loader alone).
"""

from __future__ import annotations

import html as html_lib
import logging
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs import utils as mkdocs_utils
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, get_files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

if TYPE_CHECKING:  # a build never loads the server (watchdog, http.server)
    from mkdocs.livereload import LiveReloadServer

from ..base.cards import CardJob
from ..base.errors import SiteError, format_report, printable
from ..base.strings import BUNDLED, ENGLISH
from ..claims import editorial, urls
from ..claims.loader import ClaimSet
from ..output import editor
from ..output.markup import inert_braces
from ..output.pages import WITHDRAWN_PAGE, PageSpec, anchor_ids, headings
from ..plan.generated import owned_files
from ..plan.options import OPTIONS, Option
from ..plan.siteplan import (
    Bodies,
    Settings,
    SettingsError,
    SitePlan,
    SitePlanner,
    missing_identity_pages,
    settings_from,
    unpack,
)
from ..plan.unwritten import TO_WRITE, unwritten_note
from . import share_tags
from .hostguard import HostGuard
from .mkdocs_page import attach_generated_page
from .pages_ahead import PagesAhead
from .rebuilds import DirtyRebuilds, OwnedOutputs, quiet_dirty_warning, search_index, search_plugin
from .searchindex import compact_index
from .searchparse import SearchParses
from .searchview import CLAIM_TEMPLATE, SearchViews
from .shell import ShellPages
from .spool import Packed, Spool
from .stubs import StubFolder
from .theme_cache import MemoryBytecodeCache, keep_compiled

log = get_plugin_logger(__name__)


def _config_option(option: Option) -> BaseConfigOption[Any]:
    """One row of the options table as MkDocs' own check of it (the core checks the values again)."""
    kinds = option.value_types
    checked: BaseConfigOption[Any] = c.Type(kinds[0] if len(kinds) == 1 else kinds)
    if option.items is not None:
        checked = c.ListOfItems(c.Type(option.items))
    if option.optional:
        return c.Optional(checked)
    checked.default = option.default
    return checked


class _TableConfig(Config):
    """A config class whose options come from ``plan.options.OPTIONS``, not from class attributes:
    each is set on the subclass before MkDocs collects the options of its class body."""

    def __init_subclass__(cls) -> None:
        for option in OPTIONS:
            config_option = _config_option(option)
            config_option.__set_name__(cls, option.name)
            setattr(cls, option.name, config_option)
        super().__init_subclass__()


class FactcheckConfig(_TableConfig):
    """The options as MkDocs parses them; ``siteplan.settings_from`` checks their values."""

    # The options the hooks read by name, typed for mypy (the table declares them all).
    language: str | None
    strings: dict[str, str]
    preview_hosts: list[str]


class FactcheckPlugin(BasePlugin[FactcheckConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self._command = "build"
        self._planner: SitePlanner | None = None
        self._stubs: StubFolder | None = None
        self._sources: StubFolder | None = None  # `mkdocs build`: listing pages' own source files
        self._claim_set: ClaimSet | None = None
        self._plan: SitePlan | None = None
        self._prerendered: dict[str, str] = {}
        self._bodies: Bodies | None = None  # `mkdocs build`: page bodies rendered in worker processes
        self._card_job: CardJob | None = None
        self._packed = Packed()  # our pages' HTML between MkDocs reading and building them (`build`)
        # A worker's body as given to MkDocs, and packed: held as it is if no plugin changes it.
        self._packed_ahead: dict[str, tuple[str, bytes]] = {}
        self._heads: dict[str, tuple[str, bytes]] = {}  # the head made with the body: (its URL, packed)
        self._spool = Spool()  # the feed and exports of the build, on disk until MkDocs copies them
        self._full_content: dict[str, str] = {}  # page content held back from search (on_page_context)
        self._rebuilds: DirtyRebuilds | None = None  # `--dirty`: what each (re)build redoes
        self._owned: OwnedOutputs | None = None  # the files this build writes into site_dir, and the last one's
        self._ours: set[str] = set()  # src_uri of the files factcheck adds (pages, feed, exports)
        self._search: Any = None  # material's search plugin, whose index dirty rebuilds keep whole
        self._search_views: SearchViews | None = None  # what of each page material's search parses
        self._search_parses = SearchParses()  # material's parse of each page, made once per content
        # The search entries of claim pages' analyses (kept across `serve --dirty` rebuilds,
        # whose index keeps the entries of pages not rebuilt): made compact (searchindex.py).
        self._analyses: set[str] = set()
        self._given = ""  # the body on_page_content gave the page being read, to see if a plugin changed it
        self._rewritten: set[str] = set()  # our pages whose body another plugin changed
        self._compiled = MemoryBytecodeCache()  # the theme's templates, compiled once per `serve`
        self._editor_copies: dict[str, Path] = {}  # the editor page's files copied from the package
        self._shell: ShellPages | None = None  # `mkdocs build`: claim pages through the theme once per shape
        self._pages_ahead = PagesAhead()  # `mkdocs build`: our pages' folders and files made in a thread

    # MkDocs keeps one plugin instance across `serve` rebuilds once on_startup exists.
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self._command = command
        if command == "serve":
            _guard_new_servers(self._preview_hosts)
        if dirty:  # `build --dirty` too: a fresh DirtyRebuilds rebuilds every page (rebuilds.py)
            self._rebuilds = DirtyRebuilds()
            quiet_dirty_warning()  # it would abort a strict site's every build; rebuilds.py answers it

    # Late: after plugins that change settings at the default priority (material's
    # `offline` turns use_directory_urls off), before `i18n` (-100), which wants to be last.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._plan, self._prerendered, self._card_job = None, {}, None
        _check_setup(config, self._command)
        settings = self._settings(config)
        # Keep the planner (parsed files, rendered Markdown, pages) across serve rebuilds
        # unless a setting it depends on changed.
        if self._planner is None or self._planner.settings != settings:
            serving = self._command == "serve"
            self._planner = SitePlanner(settings, keep_pages=serving, keep_bodies=not serving)
        if self._command != "serve":  # serve draws the few cards an edit changes, in this process
            # Processes that work beside the build, forked while this one is small (before the
            # claims are read): the share cards', and one parsing the pages for search.
            claim_files = self._planner.claim_file_count()
            self._planner.prestart_cards(claim_files)
            self._search_parses.prestart(claim_files, cold=not self._planner.bodies_kept(),
                                         workers=settings.workers)
        # Claims are checked here: MkDocs empties site_dir after this hook, so a build that
        # fails on a bad claim leaves the last good site as it was.
        try:
            claim_set = self._claim_set = self._planner.load()
        except SiteError as exc:  # a malformed SOURCE_DATE_EPOCH
            raise PluginError(str(exc)) from None
        loader = self._planner.loader
        log.debug(f"claim files: {loader.parsed} parsed, {loader.reused} from the last build's")
        # Editorial warnings never fail a build (strict counts WARNING logs): a site that
        # wants them to raises them to errors with `warnings_as_errors`.
        if claim_set.warnings:
            log.info(editorial.summary(claim_set.warnings) + " (`factcheck validate` lists them; "
                     "`mkdocs build -v` too)")
            for warning in claim_set.warnings:
                log.debug("%s", warning)  # written out only under -v (thousands on a large site)
        if claim_set.history_note:
            # A shallow clone loses history that exists: loud. No git at all (a new site): a note.
            shallow = claim_set.record is not None and claim_set.record.shallow
            (log.warning if shallow else log.info)(claim_set.history_note.removeprefix("factcheck: "))
        if claim_set.errors:
            if self._command != "serve":
                raise PluginError(format_report(claim_set.errors))
            # A contributor's mistake must not stop `serve` (even with strict: true, which
            # counts warnings): the pages show it; `mkdocs build --strict` and CI fail on it.
            log.info(format_report(claim_set.errors) + "\n(shown on every page while serving; "
                     "`mkdocs build` fails until they are fixed)")
        _add_theme_overrides(config)
        _check_plugin_order(list(config.plugins))
        _listings_out_of_git_authors(config)
        self._search = search_plugin(dict(config.plugins))
        if self._command == "serve":
            keep_compiled(config.theme, self._compiled)
        config.extra_css.append(urls.STYLESHEET)
        config.extra_javascript.append(urls.SCRIPT)
        return config

    # The site is planned here, the last event before MkDocs empties site_dir: whatever of
    # ours can fail a build (a page that takes a hand-written page's URL, say) fails it with
    # the last site untouched. Late, after other plugins' pre_build (none of ours needs theirs).
    @event_priority(-50)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self._planner is not None and self._claim_set is not None
        serving = self._command == "serve"
        # Drafts, checks in review and embargoed checks: previewed under serve, never built.
        plan = self._plan = self._planner.plan(self._claim_set, preview=serving, show_errors=serving)
        self._search_views = SearchViews(plan, full_text=self._planner.settings.search_full_text)
        self._rewritten = set()
        self._claim_set = None
        # The same check as on_files (which sees other plugins' files too), on MkDocs' own list.
        owned = set(owned_files(self._planner.settings.docs_dir))
        docs = Path(config.docs_dir).name
        clashes = plan.clashes({file.url: f"{docs}/{file.src_uri}" for file in _docs_files(config)
                                if file.src_uri not in owned})
        if clashes:
            raise PluginError("pages clash (rename or remove the hand-written one; the claim URLs are "
                              "public and stay put):\n  " + "\n  ".join(clashes))
        # Bodies are rendered ahead in worker processes, from here: while MkDocs lists the files
        # and we add ours, then while MkDocs reads the pages (serve reuses its own instead).
        self._bodies = None if serving else plan.prerender(self._planner.settings.workers)
        # Material's search parses each page: once per content, kept with the bodies (searchparse.py).
        self._search_parses.begin(search_index(self._search), plan.stored, serving=serving)
        # The cards' process idles from here to on_files: it draws from now. MkDocs empties
        # site_dir next; emptied here first, its emptying meets at most the first cards drawn
        # (CardJob.write puts back any it took), never a file of the last build. Not where MkDocs
        # leaves site_dir as it is: --dirty, and i18n's builds of other languages (it stubs out
        # MkDocs' clean_directory, looked up here when called).
        if not serving and self._rebuilds is None and not getattr(config.plugins.get("i18n"), "building", False):
            mkdocs_utils.clean_directory(config.site_dir)
            self._start_cards(config)

    # Early: our pages must exist before other plugins list the files (redirects,
    # htmlproofer, blog, rss) and before `i18n` (-100) sorts them into languages.
    @event_priority(100)
    def _files_added(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self._planner is not None and self._plan is not None
        serving = self._command == "serve"
        plan = self._plan
        # What `factcheck generate` wrote into docs_dir (and still holds what it wrote) is ours:
        # the plugin makes it afresh.
        for path in owned_files(self._planner.settings.docs_dir):
            file = files.get_file_from_path(path)
            if file is not None:
                files.remove(file)
        _leave_out_claims(files, self._planner.settings.claims_dir)
        docs = Path(config.docs_dir).name
        clashes = plan.clashes({file.url: f"{docs}/{file.src_uri}" for file in files})
        if clashes:
            raise PluginError("pages clash (rename or remove the hand-written one; the claim URLs are "
                              "public and stay put):\n  " + "\n  ".join(clashes))
        # The feed and exports wait on disk (spool.py), not in memory, for MkDocs to copy them.
        site_files = plan.take_files()
        site_files.update(self._editor_texts(config))
        self._ours = {*site_files, *plan.pages}
        for src_uri, content in site_files.items():
            files.append(File.generated(config, src_uri, abs_src_path=str(self._spool.write(src_uri, content))))
        for src_uri, source in self._editor_copies.items():
            files.append(File.generated(config, src_uri, abs_src_path=str(source)))
            self._ours.add(src_uri)
        for spec in plan.pages.values():
            file = self._page_file(plan, spec, config)
            files.append(file)
            if not spec.in_nav:  # a nav entry may give an in-nav page its own title: MkDocs makes those
                attach_generated_page(file, spec, config)
        if self._card_job is None:  # serve, and --dirty (whose site_dir is not emptied): from here
            self._start_cards(config)
        if self._card_job is not None and not serving:  # the cards kept from the last build, copied
            self._card_job.start_copying(Path(config.site_dir))  # in a thread while pages build
        log.info(f"{len(plan.catalog.claims)} fact checks, {len(plan.pages)} generated pages")
        return files

    # Last: the identity pages may come from another plugin (gen-files, i18n) as well as docs_dir.
    @event_priority(-1000)
    def _files_identity_checked(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self._planner is not None:
            missing = missing_identity_pages(
                self._planner.settings.site, {name for file in files for name in (file.src_uri, file.url)},
                config_file=Path(config.config_file_path or "mkdocs.yml"), docs_dir=Path(config.docs_dir).name)
            if missing:
                raise PluginError("\n".join(missing))
        return files

    on_files = CombinedEvent(_files_added, _files_identity_checked)

    # Late, on the nav other plugins made; before MkDocs reads the pages it rebuilds.
    @event_priority(-90)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self._plan is not None:
            # What an earlier build wrote for checks no longer published goes, whatever the command.
            ours = {file.dest_uri for file in files if file.src_uri in self._ours}
            self._owned = OwnedOutputs(Path(config.site_dir), ours | {src for src, _ in self._plan.cards})
            # i18n builds each other language inside the first build's post_build, into the same
            # site_dir: what the first pass wrote is this build's too, neither stale nor forgotten.
            if getattr(config.plugins.get("i18n"), "building", False):
                self._owned.current |= self._owned.recorded()
            else:
                for gone in self._owned.prune(file.dest_uri for file in files if file.src_uri not in self._ours):
                    log.debug(f"deleted {gone}: an earlier build wrote it, this one does not")
            if self._command != "serve" and self._rebuilds is None:  # `--dirty` skips pages whose output is newer
                self._pages_ahead.start(config.site_dir, [file.abs_dest_path for file in files.documentation_pages()
                                                          if file.src_uri in self._plan.pages])
            # MkDocs gives a nav entry's title only to the pages it makes; ours (claim pages) exist
            # already, so a title the site's nav gives one of them is set here.
            for path, title in _nav_titles(config.nav):
                file = files.get_file_from_path(path) if path in self._plan.pages else None
                if file is not None and file.page is not None:
                    file.page.title = title  # MkDocs' title is a weak_property: setting it is allowed
        if self._rebuilds is not None and self._plan is not None:
            # The title MkDocs reads from a generated page's front matter (pages.PageSpec.stub).
            titles = {uri: spec.shown_title for uri, spec in self._plan.pages.items()}
            self._rebuilds.begin(config, nav, files, titles)
        return nav

    # Last, on the environment other plugins made. `build` only: serve's dirty rebuilds build few
    # pages. Only the theme's page template as factcheck's main.html makes it (a site's own
    # main.html, or a theme template the site overrides, is rendered in full: shell.py).
    @event_priority(-1000)
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self._shell = None
        if self._command == "serve" or self._plan is None or not _own_page_template(env, config):
            return env
        claim_pages = {uri: spec for uri, spec in self._plan.pages.items()
                       if spec.template in (CLAIM_PAGE, WITHDRAWN_PAGE)}
        shell = ShellPages(claim_pages, self._plan.url)
        if shell.install(env.get_template("main.html")):
            self._shell = shell
        return env

    # Early: fill the body before plugins that read or rework page HTML (glightbox,
    # rss at -75 for descriptions, i18n at -100) see it.
    @event_priority(100)
    def _page_content_body(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        plan = self._plan
        if plan is None:
            return html
        spec = plan.pages.get(page.file.src_uri)
        if spec is None:
            if TO_WRITE in html:  # `factcheck init`'s pages, until the desk writes them
                # Said, never failing a build (strict counts warnings): a new site builds strict.
                log.info(unwritten_note(f"{Path(config.docs_dir).name}/{page.file.src_uri}"))
            return plan.banner + plan.fill_markers(html, page.file.url)
        # From the URL the page ended up at (i18n moves it to fr/... in other languages).
        ahead = self._bodies.take(spec, page.file.url) if self._bodies is not None else None
        if ahead is None and self._command != "serve":  # `build` in one process: made here, the same way
            ahead = plan.made_here(spec, page.file.url)
        if ahead is not None:  # its outline came with it, and its packed HTML (kept if no plugin changes it)
            html, found, anchors = ahead.html(), ahead.headings, ahead.anchors
            self._packed_ahead[spec.src_uri] = (html, ahead.packed)
            self._heads[spec.src_uri] = (page.file.url, ahead.head)
        else:
            html = self._prerendered.pop(spec.src_uri, "") or plan.body(spec, page.file.url)
            found, anchors = headings(html), anchor_ids(html)
        # Themes print TOC names as HTML; heading text can be contributor text.
        sections: list[Any] = [{"level": 2, "id": anchor, "name": inert_braces(html_lib.escape(text)),
                                "children": []} for anchor, text in plan.toc(html, found)]
        # The h1 on top, its sections below, as MkDocs makes a Markdown page's TOC: the theme
        # shows the sections and points "Skip to content" at the h1.
        title = plan.title_anchor(html, found)
        tokens: list[Any] = sections if title is None else [
            {"level": 1, "id": title[0], "name": inert_braces(html_lib.escape(title[1])), "children": sections}]
        page.toc = get_toc(tokens)
        # Our HTML never went through Markdown, where MkDocs (`validation: links: anchors`) and
        # autorefs collect a page's anchors: they are registered here, from the HTML itself.
        page.present_anchor_ids = anchors
        autorefs = config.plugins.get("autorefs")
        if autorefs is not None and hasattr(autorefs, "register_anchor"):
            for _, anchor, text in found:
                autorefs.register_anchor(page, anchor, title=text, primary=True)
        return html

    # Last of all on the page's content (after rss, glightbox, i18n): MkDocs reads every page
    # before it writes any, so it would hold all our pages' HTML at once; ours waits compressed
    # (spool.Packed) until MkDocs builds the page. Not under serve, whose dirty rebuilds skip pages.
    @event_priority(-1000)
    def _page_content_packed(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._command == "serve" or self._plan is None or page.file.src_uri not in self._plan.pages:
            return html
        mine, packed = self._packed_ahead.pop(page.file.src_uri, ("", b""))
        self._packed.put(page.file.src_uri, html, packed if html is mine else None)
        return ""

    # Right after the body, and once every other plugin had it: whether one changed our HTML,
    # which search then reads from the page itself (searchview.py).
    @event_priority(99)
    def _page_content_given(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._given = html
        return html

    @event_priority(-999)
    def _page_content_final(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if html is not self._given and html != self._given:
            self._rewritten.add(page.file.src_uri)
        self._given = ""
        # What search will parse of the page, to the process parsing beside the build (searchparse.py).
        if self._search_parses.sending and not (page.meta.get("search") or {}).get("exclude"):
            self._search_parses.send(page.file.src_uri, self._searched(page, html))
        return html

    on_page_content = CombinedEvent(_page_content_body, _page_content_given, _page_content_final,
                                    _page_content_packed)

    # First of all when MkDocs builds the page: its whole content again, for every plugin and the theme.
    @event_priority(1000)
    def _page_context_unpacked(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                               nav: Navigation) -> TemplateContext:
        html = self._packed.take(page.file.src_uri)
        if html is not None:
            page.content = html
        return context

    # Our pages' Markdown, wherever the File came from: `i18n` rebuilds files from docs_dir,
    # where ours have no file, and a claim page's abs_src_path is its YAML file.
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        spec = self._plan.pages.get(page.file.src_uri) if self._plan is not None else None
        return spec.stub() if spec is not None else None

    # Before material's `search` (0), which parses page.content: our generated pages give it
    # only what it indexes (searchview.py: a claim page's from our data); restored after it, below.
    # Also the site's identity for the theme's footer (main.html).
    @event_priority(10)
    def _page_context_for_search(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                                 nav: Navigation) -> TemplateContext:
        if self._plan is not None:
            context["factcheck_footer"] = self._plan.footer(page.file.url)  # type: ignore[typeddict-unknown-key]
        if self._rebuilds is not None:
            self._rebuilds.before_indexing(self._search)
        spec = self._plan.pages.get(page.file.src_uri) if self._plan is not None else None
        if spec is not None and spec.template == CLAIM_TEMPLATE:
            self._analyses.add(f"{page.url}#analysis")
        if page.content:
            searchable = self._searched(page, page.content)
            if searchable != page.content:
                self._full_content[page.file.src_uri] = page.content
                page.content = searchable
        return context

    def _searched(self, page: Page, content: str) -> str:
        """What search indexes of a page whose content is ``content`` (our pages: searchview.py)."""
        spec = self._plan.pages.get(page.file.src_uri) if self._plan is not None else None
        if spec is None or self._search_views is None:
            return content
        return self._search_views.view(spec, content, rewritten=page.file.src_uri in self._rewritten)

    # After search (0), before the theme renders the page: the whole content again.
    @event_priority(-10)
    def _page_context_restored(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                               nav: Navigation) -> TemplateContext:
        full = self._full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        if self._rebuilds is not None:
            self._rebuilds.after_indexing(self._search, page)
        return context

    on_page_context = CombinedEvent(_page_context_unpacked, _page_context_for_search, _page_context_restored)

    # After material's `social` (50), whose share tags ours replace; before `minify` and
    # `htmlproofer` (0) and `i18n` (-100), so they see the finished page.
    @event_priority(40)
    def _post_page_head(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self._plan is None:
            return output
        made = self._heads.pop(page.file.src_uri, None)
        if made is not None and made[0] == page.file.url:  # rendered with the body, for this URL
            head = unpack(made[1])
        else:
            head = self._plan.head(page.file.url, self._plan.pages.get(page.file.src_uri), title=page.title or "",
                                   description=str(page.meta.get("description") or ""))
        return share_tags.placed(output, head)

    # Last of all, after `i18n` (-100) and every plugin that reads the page: MkDocs writes the
    # output next and then never reads page.content again, yet would keep every page's HTML
    # until the build ends. Ours are let go (hand-written pages are left as MkDocs has them).
    @event_priority(-1000)
    def _post_page_release(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self._plan is not None and page.file.src_uri in self._plan.pages:
            page.content = None
        return output

    on_post_page = CombinedEvent(_post_page_head, _post_page_release)

    # Before material's search (0) writes its index: under `serve --dirty`, every page's
    # entries; then the claim pages' analyses made compact.
    @event_priority(10)
    def _search_index_whole(self, *, config: MkDocsConfig) -> None:
        if self._rebuilds is not None:
            self._rebuilds.complete_index(self._search)
        index = search_index(self._search)
        if index is not None:
            compact_index(index, self._analyses)

    def _post_build(self, *, config: MkDocsConfig) -> None:
        self._pages_ahead.finish()
        self._end_bodies()
        self._search_parses.end()
        if self._shell is not None:
            log.debug(f"{self._shell.filled} claim pages filled into the theme's page once rendered per shape")
            self._shell = None
        if self._card_job is not None:
            self._card_job.write(Path(config.site_dir))
            # INFO, as editorial warnings: site_dir is written by now, and `--strict`
            # counts WARNING lines, so a warning here would fail the build it cannot undo.
            if self._plan is not None:
                for warning in self._plan.card_warnings(self._card_job.failures):
                    log.info(str(warning))
            self._card_job = None
        if self._planner is not None:
            made = self._planner.bodies_made()
            if made is not None:
                log.debug(f"page bodies: {made[0]} rendered, {made[1]} from the last build's")
            log.debug(f"claims' Markdown: {self._planner.markdown_rendered} rendered")
            if self._plan is not None:
                log.debug(f"hand-written pages' markers: {self._plan.markers_rendered} rendered")
            self._planner.save_cache()
        if self._owned is not None:
            self._owned.save()
            self._owned = None
        if self._rebuilds is not None:
            self._rebuilds.succeeded()

    on_post_build = CombinedEvent(_search_index_whole, _post_build)

    def on_build_error(self, *, error: Exception) -> None:
        self._pages_ahead.finish()
        self._end_bodies()
        self._search_parses.end()
        if self._planner is not None:
            self._planner.drop_bodies()
        self._shell = None
        if self._card_job is not None:
            self._card_job.cancel()  # no process or thread left drawing, nor writing into site_dir
        if self._owned is not None:  # some of this build's files may be there, and the last one's
            self._owned.save(also=self._owned.recorded())
            self._owned = None
        if self._rebuilds is not None:
            self._rebuilds.failed()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if self._planner is not None:
            server.watch(str(self._planner.settings.claims_dir))
            people_file = self._planner.settings.people_file
            if people_file is not None and people_file.is_file():
                server.watch(str(people_file))
        guard(server, self._preview_hosts)
        return server

    def _preview_hosts(self) -> list[str]:
        return list(self.config.preview_hosts)

    def on_shutdown(self) -> None:
        if self._planner is not None:
            self._planner.card_maker.close()  # card processes a failed build started and never used
        for stubs in (self._stubs, self._sources):
            if stubs is not None:
                stubs.remove()
        self._sources = None
        self._spool.remove()

    # Helpers: translations between MkDocs objects and the core.

    def _start_cards(self, config: MkDocsConfig) -> None:
        """Share cards on their way: drawn in worker processes while MkDocs reads and renders the
        pages, each written into site_dir as it is drawn (serve copies only new cards, in
        post_build). Drawing one never raises: a card the renderer fails on gets the site's card
        (reported in post_build)."""
        assert self._planner is not None and self._plan is not None
        serving = self._command == "serve"
        self._card_job = self._planner.start_cards(self._plan, site_dir=None if serving else Path(config.site_dir))
        for stem in self._card_job.uncovered:
            log.info(f"claims/{stem}: the share card leaves out the claim, whose script no card font has; "
                     "add a font file that has it to the plugin's card_fonts option")

    def _end_bodies(self) -> None:
        self._packed_ahead.clear()
        self._heads.clear()
        if self._bodies is not None:  # no worker process is left behind
            self._bodies.close()
            self._bodies = None

    def _settings(self, config: MkDocsConfig) -> Settings:
        _language_note(self.config.language, config.theme.get("language"), self.config.strings)
        try:
            return settings_from(
                dict(self.config), config_dir=Path(config.config_file_path or ".").parent,
                docs_dir=config.docs_dir, site_name=config.site_name, site_url=config.site_url,
                use_directory_urls=config.use_directory_urls, repo_url=config.repo_url,
                theme_language=config.theme.get("language"), custom_dir=config.theme.custom_dir,
                site_description=config.site_description)
        except SettingsError as exc:
            raise PluginError(f"mkdocs.yml: {exc}") from None

    def _source_path(self, plan: SitePlan, spec: PageSpec, config: MkDocsConfig) -> Path:
        """A page's source file for other plugins, which read its git history or date (git-authors,
        git-revision-date, rss) or tell pages apart by it (enumerate-headings): a claim page's claim
        file; a listing's own stub, one file each, in the site's .cache/ (inside the work tree,
        where git finds it has no history rather than failing). Under a plugin that keeps only
        files of docs_dir, the path the page would have there."""
        if any(name in config.plugins for name in DOCS_PATH_PLUGINS):
            return Path(config.docs_dir, spec.src_uri)
        source = plan.source_of(spec)
        if source is not None:
            return source
        if self._sources is None:
            self._sources = StubFolder(_listing_stubs(Path(config.config_file_path or ".").parent))
        return self._sources.stub(spec.src_uri, spec.stub(), spec.stub)

    def _editor_texts(self, config: MkDocsConfig) -> dict[str, str]:
        """The editor page's generated files (index.html, config.yml) by site path; the Decap
        build it copies from the package waits in ``_editor_copies``. Nothing when it is off."""
        assert self._planner is not None
        s = self._planner.settings
        texts, self._editor_copies = editor.site_files(
            s.editor, s.scale, config_dir=s.config_dir, claims_dir=s.claims_dir, docs_dir=s.docs_dir,
            site_url=config.site_url or "", site_name=config.site_name)
        return texts

    def _page_file(self, plan: SitePlan, spec: PageSpec, config: MkDocsConfig) -> File:
        """A generated page; under serve, backed by a stub that only changes with the page
        (so `serve --dirty` rebuilds only pages whose HTML changed)."""
        inclusion = InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV
        if self._command != "serve":
            file = File.generated(config, spec.src_uri, content=spec.stub(), inclusion=inclusion)
            file.abs_src_path = str(self._source_path(plan, spec, config))
            # Plugins skip "generated" pages (git-revision-date shows the build time for them);
            # ours has a real source. It has no Markdown file to edit, though: no edit link.
            file.generated_by = None
            file.edit_uri = None
            return file
        if self._stubs is None:
            self._stubs = StubFolder()
        html = self._prerendered[spec.src_uri] = plan.body(spec)
        # The front matter's fields, the body, and what the head shows (not the YAML: made only when written).
        inputs = "\x00".join([repr((spec.title, spec.description, spec.searchable, spec.meta)), html,
                              plan.head_inputs(spec)])
        path = self._stubs.stub(spec.src_uri, inputs, spec.stub)
        return File.generated(config, spec.src_uri, abs_src_path=str(path), inclusion=inclusion)


def guard(server: LiveReloadServer, extra_hosts: Callable[[], list[str]]) -> None:
    """Let ``server`` answer only requests to a loopback host or one of ``extra_hosts()``:
    the preview shows unpublished checks (hostguard.py)."""
    app = server.get_app()
    if app is not None and not isinstance(app, HostGuard):
        server.set_app(HostGuard(app, extra_hosts, _refused_host))


_REFUSED: set[str] = set()  # hosts already logged: a page asking again and again fills no log


def _refused_host(host: str) -> None:
    if host in _REFUSED or len(_REFUSED) > 100:
        return
    _REFUSED.add(host)
    log.warning(f"refused a request for host {printable(host)!r}: the preview answers only localhost; "
                "list the host in plugins.factcheck.preview_hosts to allow it")


# The serve commands of the engines we run under; each makes its server after on_startup.
SERVE_MODULES = ("mkdocs.commands.serve", "properdocs.commands.serve")


_SERVING: list[Callable[[], list[str]]] = [list]  # the extra hosts of the latest `serve` (one a process)


def _guard_new_servers(extra_hosts: Callable[[], list[str]]) -> None:
    """Guard the server `mkdocs serve` is about to make, in every mode: it calls on_serve (the
    usual place, above) only with live reload on, and `--no-livereload` serves previews too."""
    _SERVING[0] = extra_hosts
    for name in SERVE_MODULES:
        module = sys.modules.get(name)
        server_class = getattr(module, "LiveReloadServer", None)
        if server_class is None or getattr(server_class, "factcheck_guarded", False):
            continue

        class GuardedServer(server_class):  # type: ignore[misc,valid-type]
            factcheck_guarded = True

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                guard(self, lambda: _SERVING[0]())

        module.LiveReloadServer = GuardedServer  # type: ignore[union-attr]


# Plugins that replace `{{ ... }}` in the finished page, and plugins that rewrite it and turn
# character references back into characters (our braces are `&#123;`: markup.inert_braces).
SUBSTITUTING = ("blogging",)
DECODING = ("minify", "glightbox")


def _check_plugin_order(names: list[str]) -> None:
    """Both kinds run on the finished page in the order listed: a rewriting plugin listed first
    hands the substituting one contributor text with its braces again."""
    for substituting in (name for name in names if name in SUBSTITUTING):
        before = [name for name in names[:names.index(substituting)] if name in DECODING]
        if before:
            log.warning(f"mkdocs.yml: {', '.join(before)} is listed before {substituting}, so {substituting} "
                        "would read template syntax in claim files as its own (`{{ blog_content }}`); "
                        f"list {substituting} before {', '.join(before)}")


def _leave_out_claims(files: Files, claims_dir: Path) -> None:
    """A claims folder inside docs_dir would be published as it is: every claim file as raw
    YAML, drafts and embargoed checks included. Its files are left out of the site."""
    folder = claims_dir.resolve()
    inside = [file for file in files if file.abs_src_path and Path(file.abs_src_path).resolve().is_relative_to(folder)]
    for file in inside:
        files.remove(file)
    if inside:
        log.info(f"{claims_dir.name}/: the claims folder is inside docs_dir; its {len(inside)} files are left out "
                 "of the site (claim files are published as pages, never as they are)")


# Plugins that keep only the files whose source path is in docs_dir: `i18n` (which also sorts
# them into languages by that path and re-reads them from there: on_page_read_source gives it
# ours) and `ezlinks` (which resolves links among them).
DOCS_PATH_PLUGINS = ("i18n", "ezlinks")


def _nav_titles(entries: Any) -> Iterator[tuple[str, str]]:
    """(source path, title) of every page the site's `nav:` lists with a title of its own."""
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            for title, value in entry.items():
                if isinstance(value, str):
                    yield value, str(title)
                else:
                    yield from _nav_titles(value)


# Our listing pages (every generated page but a claim page), as globs of their source paths.
LISTING_GLOBS = ("scoreboard.md", "claims/index.md", "claims/page/*", "claimants/*", "experts/*", "tags/*",
                 "sources/*", "corrections-log/*", "corrections-log/page/*")


def _listing_stubs(config_dir: Path) -> Path:
    """The listings' stub folder, emptied: never through a symbolic link (one committed in the
    repository's .cache/ would have the build write, and remove, files elsewhere)."""
    folder = config_dir
    for part in LISTING_STUBS.parts:
        folder = folder / part
        if folder.is_symlink():
            raise PluginError(f"{folder} is a symbolic link; factcheck writes listing pages' source files "
                              f"into {LISTING_STUBS.as_posix()}/ beside mkdocs.yml: remove the link")
    shutil.rmtree(folder, ignore_errors=True)  # nothing from before (or from a commit) stays in it
    return folder


def _listings_out_of_git_authors(config: MkDocsConfig) -> None:
    """git-authors counts the lines each author committed to a page's source file. A claim page's
    is its claim file; a listing is made from many and has none in git, which git-authors (strict
    by default) reports as a warning on every listing: they join its ``exclude`` list."""
    plugin = config.plugins.get("git-authors")
    options = getattr(plugin, "config", None)
    if options is not None and "exclude" in options:
        excluded = list(options["exclude"] or [])
        options["exclude"] = excluded + [glob for glob in LISTING_GLOBS if glob not in excluded]


def _check_setup(config: MkDocsConfig, command: str) -> None:
    """What factcheck needs from the site, said plainly instead of a template error later."""
    if config.theme.name != "material":
        raise PluginError(f"mkdocs.yml: theme.name is {config.theme.name!r}; factcheck's pages are built on "
                          "mkdocs-material's templates: set theme: name: material (installed with factcheck)")
    if not config.site_url and command != "serve":  # serve sets its own address
        log.warning("mkdocs.yml: site_url is not set, so the feed, the ClaimReview markup, the share tags and "
                    "the JSON/CSV exports get root-relative URLs (/claims/...) and search engines ignore "
                    "the ClaimReview; set site_url to the site's public address")


def _docs_files(config: MkDocsConfig) -> Files:
    """MkDocs' own list of docs_dir, as on_files will see it, without its notices twice."""
    logger = logging.getLogger("mkdocs.structure.files")
    quiet = logging.Filter("-")  # passes no record: none is named "-..."
    logger.addFilter(quiet)
    try:
        return get_files(config)
    finally:
        logger.removeFilter(quiet)


def _language_note(option: str | None, theme_language: str | None, strings: dict[str, Any]) -> None:
    """A warning when our pages would show English words under another language's <html lang>,
    unless the site translated every one of them itself (``strings``)."""
    language = option or theme_language
    if language and language.split("-")[0].lower() not in BUNDLED and not set(ENGLISH) <= set(strings):
        where = "plugins.factcheck.language" if option else "theme.language"
        untranslated = len(set(ENGLISH) - set(strings))
        log.warning(f"mkdocs.yml: {where} is {language!r}, which factcheck has no words for (it has "
                    f"{', '.join(sorted(BUNDLED))}): its pages use English for {untranslated} words; translate "
                    "them under plugins.factcheck.strings (every key of ENGLISH in mkdocs_factcheck/strings.py; "
                    "README: Adding a language), or set plugins.factcheck.language: en to keep English")


THEME_OVERRIDES = Path(__file__).parents[1] / "theme"
LISTING_STUBS = Path(".cache") / "factcheck" / "pages"  # beside mkdocs.yml, as `factcheck links`' cache


THEME_BASE = "factcheck_base.html"  # our fixes; our main.html only extends it
CLAIM_PAGE = "claim.html"


def _own_page_template(env: Any, config: MkDocsConfig) -> bool:
    """Whether the theme's main.html is ours, over material's own templates alone: no template
    of theirs or ours is replaced in the site's custom_dir (its other files, ``factcheck/`` ones
    say, are no theme template)."""
    try:
        template = env.get_template("main.html")
    except Exception:  # the build reports a broken theme itself
        return False
    if not template.filename or Path(template.filename).resolve() != (THEME_OVERRIDES / "main.html").resolve():
        return False
    custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
    if custom is None or not custom.is_dir():
        return True
    theirs = [Path(folder) for folder in config.theme.dirs if Path(folder) != custom]
    for path in custom.rglob("*.html"):
        relative = path.relative_to(custom)
        if any((folder / relative).is_file() for folder in theirs):
            return False
    return True


def _add_theme_overrides(config: MkDocsConfig) -> None:
    """Our fixes to the theme's own templates, behind the site's custom_dir so it still wins.
    A site's own main.html that does not extend ours drops them: said, with the one-line fix."""
    folder = str(THEME_OVERRIDES)
    if THEME_OVERRIDES.is_dir() and folder not in config.theme.dirs:
        position = 1 if config.theme.custom_dir else 0
        config.theme.dirs.insert(position, folder)
    own = Path(config.theme.custom_dir, "main.html") if config.theme.custom_dir else None
    if own is not None and own.is_file() and THEME_BASE not in own.read_text(encoding="utf-8", errors="replace"):
        log.info(f"{own}: this main.html replaces factcheck's, so its fixes to the theme (the footer with the "
                 f"site's identity pages, accessibility) are left out; to keep them, extend ours: "
                 f'{{% extends "{THEME_BASE}" %}} instead of {{% extends "base.html" %}}')
