"""Material's search parse of a page, done once per content (issue 27).

Material's search indexes a page in ``SearchIndex.add_entry_from_context``: its HTML parser
divides the page's content into sections, and ``create_entry_for_section`` makes an entry of
each section not excluded, reading the page's URL, table of contents, title and meta too. The
parse is most of the cost, and it reads the content alone. So what it gives (each kept
section's element, depth, id, title parts and text) is kept by a digest of the content, and
the entries are still made by material's own ``create_entry_for_section``, from material's own
``Section`` objects: the same entries, in the same order (tests/test_searchparse.py builds
sites both ways and compares the index byte for byte). A page's parse comes from

- the last build's bodies file (``output/cache.BodyStore``, under a key that also holds
  material's and Python's versions and our code): a build after a CI cache restore;
- memory, under ``serve``, which indexes every page at every rebuild;
- else material's parser, here, as material itself does.

Not made ahead in a spare process: forked once the claims are read, such a process holds a copy
of the build's memory (at 10,000 claims the build's peak went from 589 to 948 MiB) and it bought
no wall time that this 2-CPU machine could measure (bench/RESULTS.md, issue 27).

Installed on material's own ``SearchIndex`` only, and only where its ``add_entry_from_context``
is the one this module replaces (a digest of its code without comments, the same from material
9.5 to 9.8); any other version, or an index another plugin replaced, is left alone. A parse
kept on disk is data (JSON), never code, and is checked for its shape before it is used.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import sys
import zlib
from functools import lru_cache, partial
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..output import cache as disk_cache

log = logging.getLogger("mkdocs.plugins.factcheck.search")

# The code of material's add_entry_from_context this module stands in for (see ``_code_digest``).
REPLACES = "e8d799af4c0213b8"
OFF_SWITCH = "FACTCHECK_PARSE_EVERY_PAGE"  # set (to anything) to leave material's indexer alone: the tests compare
STORE_FORMAT = "factcheck-search-parse-1"

# One kept section: [element tag, element attributes, depth, id, title parts, text].
Parsed = list[list[Any]]


@lru_cache(maxsize=1)
def material_search() -> Any:
    """Material's search module when its indexer is the one this module knows, else None."""
    try:
        from material.plugins.search import plugin as module
        method = module.SearchIndex.add_entry_from_context
        if not all(hasattr(module, name) for name in ("Parser", "Section", "Element")):
            return None
        return module if _code_digest(inspect.getsource(method)) == REPLACES else None
    except (ImportError, AttributeError, OSError, TypeError):
        return None


def _code_digest(source: str) -> str:
    """A digest of a function's code: its lines stripped, without blank lines or comment lines."""
    lines = [line.strip() for line in source.splitlines()]
    code = "\n".join(line for line in lines if line and not line.startswith("#"))
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def parse(content: str) -> Parsed:
    """Material's parse of ``content``: the sections it keeps, as data."""
    module = material_search()
    parser = module.Parser()
    parser.feed(content)
    parser.close()
    return [[section.el.tag, section.el.attrs, section.depth, section.id, section.title, "".join(section.text)]
            for section in parser.data if not section.is_excluded()]


def sections(parsed: Parsed) -> list[Any]:
    """Material's ``Section`` objects for a parse (new ones: material sets a missing title)."""
    module = material_search()
    found = []
    for tag, attrs, depth, anchor, title, text in parsed:
        section = module.Section(module.Element(tag, dict(attrs)), depth)
        section.id, section.title, section.text = anchor, list(title), [text]
        found.append(section)
    return found


def digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def _well_formed(parsed: Any) -> bool:
    """Whether data read from disk has the shape of a parse (anything else is parsed again)."""
    return isinstance(parsed, list) and all(
        isinstance(item, list) and len(item) == 6 and isinstance(item[0], str) and isinstance(item[1], dict)
        and isinstance(item[2], (int, float)) and (item[3] is None or isinstance(item[3], str))
        and isinstance(item[4], list) and all(isinstance(part, str) for part in item[4]) and isinstance(item[5], str)
        and all(isinstance(key, str) and (value is None or isinstance(value, str)) for key, value in item[1].items())
        for item in parsed)


class SearchParses:
    """Material's parse of each page this site's builds index, by content; one per plugin."""

    def __init__(self) -> None:
        self._memory: dict[str, Parsed] = {}  # serve: the last build's parses, by content digest
        self._used: dict[str, Parsed] = {}  # serve: this build's
        self._store: disk_cache.BodyStore | None = None
        self._serving = False
        self.parsed = self.reused = 0  # this build's pages parsed here, and parses reused

    def begin(self, index: Any, store: disk_cache.BodyStore | None, *, serving: bool) -> bool:
        """Index with the parses kept (``store``: the build's bodies file): True where installed."""
        self.end()
        self._store, self._serving = store, serving
        module = None if os.environ.get(OFF_SWITCH) else material_search()
        if module is None or type(index) is not module.SearchIndex or "add_entry_from_context" in vars(index):
            return False
        index.add_entry_from_context = partial(self._add_entry, index)
        return True

    def end(self) -> None:
        """The build is over: its parses are the ones kept in memory (serve)."""
        if self._serving:
            self._memory, self._used = self._used, {}
        self._store, self._serving = None, False
        if self.parsed or self.reused:
            log.debug(f"search: {self.parsed} pages parsed, {self.reused} parses reused")
        self.parsed = self.reused = 0

    def _add_entry(self, index: Any, page: Any) -> None:
        """Material's add_entry_from_context, with the parse looked up first."""
        if not isinstance(page.content, str):
            type(index).add_entry_from_context(index, page)  # as material does (and fails)
            return
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in sections(self._parse(page.content)):
            index.create_entry_for_section(section, page.toc, page.url, page)

    def _parse(self, content: str) -> Parsed:
        content_digest = digest(content)
        key = self._key(content_digest)
        parsed = self._memory.get(content_digest) if self._serving else None
        stored = self._from_store(key) if parsed is None else None
        if stored is not None:
            parsed = stored
        if parsed is None:
            parsed = parse(content)
            self.parsed += 1
        else:
            self.reused += 1
        if self._serving:
            self._used[content_digest] = parsed
        if self._store is not None:
            packed = b"" if stored is not None else zlib.compress(json.dumps(parsed, separators=(",", ":")).encode(), 1)
            self._store.put(key, packed, reused=stored is not None)
        return parsed

    def _key(self, content_digest: str) -> str:
        return hashlib.sha256(f"{_salt()}\x00{content_digest}".encode()).hexdigest()

    def _from_store(self, key: str) -> Parsed | None:
        packed = self._store.get(key) if self._store is not None else None
        if packed is None:
            return None
        try:
            parsed = json.loads(zlib.decompress(packed))
        except (zlib.error, ValueError):
            return None
        return parsed if _well_formed(parsed) else None


@lru_cache(maxsize=1)
def _salt() -> str:
    """What a kept parse depends on besides the content: our code, material, Python's HTML parser."""
    try:
        material = version("mkdocs-material")
    except PackageNotFoundError:
        material = "none"
    return "\x00".join([STORE_FORMAT, disk_cache.code_key(), material, sys.version])
