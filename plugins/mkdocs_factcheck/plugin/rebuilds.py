"""What a `mkdocs serve --dirty` rebuild must redo, so that it serves what a full build would.

MkDocs' dirty rebuild renders only the pages whose source file is newer than their output
and leaves the rest of site_dir as it was. On its own that serves stale pages: a
hand-written page whose factcheck markers list the edited claim, the navigation of rebuilt
pages (titles of unread pages are empty), the page of a deleted claim, and a search index
that material's search patches by replacing one page's entries (the others rebuilt keep
their old entries beside the new ones). A ``DirtyRebuilds`` kept across rebuilds closes
each gap, with MkDocs' own mechanism (a page is rebuilt when its output is older than its
source):

- every page that is not one of factcheck's generated pages is rebuilt every time: its
  source can hold markers, links to pages that went away and the error banner (sites have
  few of them);
- factcheck's pages are rebuilt when their stub changes (``stubs.py``: HTML, front matter,
  head inputs), and their titles are given to the navigation of the pages that are rebuilt;
- every page is rebuilt when what every page shows changes: the config file, a theme file
  outside the installed packages, a file under the config's ``watch`` paths, or the
  navigation (its titles and order), and after a build that failed;
- outputs of files the site no longer has are deleted;
- the search entries of the pages not rebuilt are kept and the index is written whole, in
  page order, as a full build writes it.

``mkdocs build --dirty`` runs in a fresh process, so it has no earlier build to compare
with: it rebuilds every page (what a build that skips pages saves is the copying of
unchanged theme and static files, and the clean-up). ``OwnedOutputs`` closes the other gap,
for every build: each one records in site_dir which files factcheck wrote (its pages, the
feed and exports, the share cards), and the next one deletes those it no longer writes, so a
check that went back to draft, or whose embargo has not lifted, leaves nothing behind. It
deletes only files on that record that no file of the current build writes: never the
output of a hand-written page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sysconfig
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

DIRTY_WARNING = "A 'dirty' build is being performed"
_in_serve: Callable[[InclusionLevel], bool] = InclusionLevel.is_in_serve  # what `serve` builds
_INSTALLED = tuple(str(Path(sysconfig.get_paths()[key]).resolve()) for key in ("purelib", "platlib"))


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


def quiet_dirty_warning(logger_name: str = "mkdocs.commands.build") -> None:
    """Drop MkDocs' warning that a dirty build may be inaccurate (it would also abort a
    ``strict`` site's every build): with factcheck's rebuilds it is not."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, _DropDirtyWarning) for existing in logger.filters):
        logger.addFilter(_DropDirtyWarning())


def _force(path: str) -> None:
    """Make MkDocs' dirty check rebuild the page: its output older than any source."""
    with contextlib.suppress(FileNotFoundError):  # not built yet: it will be
        os.utime(path, (0, 0))


def files_state(paths: Iterable[str]) -> list[tuple[str, int, int]]:
    """Each file at or under ``paths`` (not in installed packages: they do not change while
    serving) with its modified time and size."""
    found = []
    for top in paths:
        if str(Path(top).resolve()).startswith(_INSTALLED):
            continue
        walk = [(os.path.dirname(top), [], [os.path.basename(top)])] if os.path.isfile(top) else os.walk(top)
        for parent, _, names in walk:
            for name in names:
                path = os.path.join(parent, name)
                with contextlib.suppress(FileNotFoundError):
                    stat = os.stat(path)
                    found.append((path, stat.st_mtime_ns, stat.st_size))
    return sorted(found)


def nav_outline(items: Sequence[Any], titles: dict[str, str]) -> list[Any]:
    """The navigation as every page shows it: sections, links and pages with their titles.
    A page titled by its content (no title in the nav config, not one of ours: ``titles``)
    stands for its title by a digest of its source."""
    outline: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            outline.append(("section", item.title, nav_outline(item.children, titles)))
        elif isinstance(item, Link):
            outline.append(("link", item.title, item.url))
        elif isinstance(item, Page):
            title = item.title or titles.get(item.file.src_uri)
            if title is None:
                title = hashlib.sha256(item.file.content_bytes).hexdigest()
            outline.append(("page", title, item.file.url))
    return outline


@dataclass
class DirtyRebuilds:
    """Kept by the plugin across `serve --dirty` rebuilds."""

    _site_key: str | None = None  # what every page shows, at the last successful build
    _outputs: set[str] = field(default_factory=set)  # files written by the last successful build
    _pending: tuple[str, set[str]] = ("", set())
    _order: list[str] = field(default_factory=list)  # pages (src_uri) in build order
    _entries: dict[str, list[Any]] = field(default_factory=dict)  # search entries by page
    _mark: int = 0

    def begin(self, config: MkDocsConfig, nav: Navigation, files: Files, ours: dict[str, str]) -> None:
        """Before MkDocs reads the pages: decide which are rebuilt and delete outputs of files
        that are gone. ``ours``: factcheck's generated pages, src_uri -> title."""
        text = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
        watched = files_state([*config.theme.dirs, *config.watch])
        key = hashlib.sha256(repr((text, watched, nav_outline(nav.items, ours))).encode())
        site_key = key.hexdigest()
        everything = site_key != self._site_key
        pages = files.documentation_pages(inclusion=_in_serve)
        for file in pages:
            if everything or file.src_uri not in ours:
                _force(file.abs_dest_path)
        # Titles of our pages the rebuilt pages' navigation shows (MkDocs reads them from the
        # page's source, which it skips when the page is not rebuilt).
        for page in nav.pages:
            title = ours.get(page.file.src_uri)
            if title is not None and page.title is None and not page.file.is_modified():
                page.title = title
        outputs = {file.abs_dest_path for file in files if _in_serve(file.inclusion)}
        site = os.path.realpath(config.site_dir)
        for gone in self._outputs - outputs:
            if os.path.realpath(gone).startswith(site + os.sep):
                Path(gone).unlink(missing_ok=True)
        self._pending = (site_key, outputs)
        self._order = [file.src_uri for file in pages]
        present = set(self._order)
        self._entries = {uri: entries for uri, entries in self._entries.items() if uri in present}

    # Material's search: the entries one page adds, and the whole index before it is written.

    def before_indexing(self, search: Any) -> None:
        index = search_index(search)
        self._mark = len(index.entries) if index is not None else 0

    def after_indexing(self, search: Any, page: Page) -> None:
        index = search_index(search)
        if index is not None:
            self._entries[page.file.src_uri] = index.entries[self._mark:]

    def complete_index(self, search: Any) -> None:
        """Give material's search every page's entries (the kept ones of pages not rebuilt),
        in page order, instead of its patch of the previous index."""
        index = search_index(search)
        if index is not None:
            index.entries = [entry for uri in self._order for entry in self._entries.get(uri, [])]
            search.search_index_prev = None

    def succeeded(self) -> None:
        self._site_key, self._outputs = self._pending

    def failed(self) -> None:
        """After a failed build the next one rebuilds everything."""
        self._site_key = None
        self._outputs |= self._pending[1]


def search_index(search: Any) -> Any:
    """Material's search index, when ``search`` is material's search plugin and enabled."""
    index = getattr(search, "search_index", None)
    if index is None or not isinstance(getattr(index, "entries", None), list):
        return None
    return index


def search_plugin(plugins: dict[str, Any]) -> Any:
    """Material's search plugin among the site's plugins, or None."""
    for name in ("material/search", "search"):
        plugin = plugins.get(name)
        if plugin is not None and hasattr(plugin, "search_index_prev"):
            return plugin
    return None


# In site_dir, hidden: MkDocs neither cleans nor copies dot-files there, so the record of one
# build survives the cleaning before the next (and a clean build rewrites it all the same).
RECORD = ".factcheck-outputs.json"
_RECORD_VERSION = 1


@dataclass
class OwnedOutputs:
    """The files factcheck writes into site_dir (paths relative to it, '/'-separated): the
    record of the last build, read at the start of this one, and this build's."""

    site_dir: Path
    current: set[str] = field(default_factory=set)

    def recorded(self) -> set[str]:
        """What the last build wrote; nothing when there is no readable record."""
        try:
            data = json.loads((self.site_dir / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        if not isinstance(data, dict) or data.get("version") != _RECORD_VERSION:
            return set()
        paths = data.get("files")
        return {p for p in paths if isinstance(p, str)} if isinstance(paths, list) else set()

    def prune(self, written_by_others: Iterable[str]) -> list[str]:
        """Delete what the last build wrote and this one does not (nor any other file of this
        build: ``written_by_others``, their paths in the site); the emptied folders go too.
        Gives the deleted paths."""
        keep = self.current | set(written_by_others)
        site = os.path.realpath(self.site_dir)
        deleted = []
        for stale in sorted(self.recorded() - keep):
            path = os.path.realpath(os.path.join(site, stale))
            if not path.startswith(site + os.sep) or not os.path.isfile(path):
                continue  # a tampered record points nowhere outside the site
            os.unlink(path)
            deleted.append(stale)
            _remove_empty_folders(os.path.dirname(path), site)
        return deleted

    def save(self, also: Iterable[str] = ()) -> None:
        """Record this build's files (with ``also``: after a failed build, the last build's too,
        as some may still be there)."""
        files = sorted(self.current | set(also))
        with contextlib.suppress(OSError):  # no site_dir (nothing was written): nothing to record
            text = json.dumps({"version": _RECORD_VERSION, "files": files}, indent=0)
            (self.site_dir / RECORD).write_text(text + "\n", encoding="utf-8")


def _remove_empty_folders(folder: str, site: str) -> None:
    while folder.startswith(site + os.sep):
        try:
            os.rmdir(folder)  # only when empty
        except OSError:
            return
        folder = os.path.dirname(folder)
