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
- a process of its own on a cold build with two CPUs or more, forked before the claims are read
  (so it shares the little memory there is then, and copies none of the claims'), at a lower
  priority than the build: each page's content is handed to it as soon as the build has it,
  when MkDocs reads the pages, and its parse is taken when material indexes the page, after
  every page was read. At 10,000 claims, search's indexing took 5.8 s of the build's own time
  instead of 21.8. (A process forked once
  the claims were read, to parse views made from the claim data, held a copy of the build's
  memory: 948 MiB at peak against 589.)
- else material's parser, here, as material itself does.

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
import tempfile
import zlib
from concurrent.futures import Future
from functools import lru_cache, partial
from typing import Any

from ..base import parallel
from ..base.versions import installed
from ..output import cache as disk_cache

log = logging.getLogger("mkdocs.plugins.factcheck.search")

# The code of material's add_entry_from_context this module stands in for (see ``_code_digest``).
REPLACES = "e8d799af4c0213b8"
OFF_SWITCH = "FACTCHECK_PARSE_EVERY_PAGE"  # set (to anything) to leave material's indexer alone: the tests compare
STORE_FORMAT = "factcheck-search-parse-1"
EARLY_FROM = parallel.PARALLEL_FROM  # claim files from which a cold build parses pages in the early process

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


def pack(parsed: Parsed) -> bytes:
    """A parse as it is kept: compact JSON, compressed."""
    return zlib.compress(json.dumps(parsed, separators=(",", ":")).encode(), 1)


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


class _Early:
    """A process forked before the claims are read that parses pages handed to it, in batches.
    It writes the parses into a file of its own (an unnamed temporary file), so that this process
    holds only where each one is until the page is indexed: when MkDocs goes from reading the
    pages to building them, that is every page's."""

    BATCH = 16  # pages a submission: fewer round trips, and the first parses come back soon

    def __init__(self) -> None:
        # Opened before the fork, so the process shares it; closed by close().
        self._file = tempfile.TemporaryFile(prefix="factcheck-search-")  # noqa: SIM115
        started: list[Future[None]] = []
        # Takes pages while MkDocs reads them; once every page was read, the process ends when done.
        self._pool = parallel.forked_pool(1, lambda pool: [pool.submit(parallel.yield_to_the_build)], started)
        self._ending: parallel.EndWhenDone | None = None
        self._batch: list[tuple[str, str, str]] = []  # (src_uri, content digest, content) not sent yet
        # src_uri -> (digest, index in its batch, the batch's future: where each parse is in the file)
        self._sent: dict[str, tuple[str, int, Future[list[tuple[int, int]]]]] = {}
        if self._pool is None:
            self._file.close()

    @property
    def started(self) -> bool:
        return self._pool is not None

    def send(self, src_uri: str, content: str) -> None:
        if self._pool is None:
            return
        self._batch.append((src_uri, digest(content), content))
        if len(self._batch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._batch or self._pool is None:
            return
        batch, self._batch = self._batch, []
        try:
            future = self._pool.submit(_parse_into, self._file.fileno(), [content for _, _, content in batch])
        except RuntimeError:  # the process died (its pool is broken): the pages are parsed here
            self.close()
            return
        for at, (src_uri, content_digest, _) in enumerate(batch):
            self._sent[src_uri] = (content_digest, at, future)

    def take(self, src_uri: str, content_digest: str) -> bytes | None:
        """The packed parse of the page, if that very content was parsed there by now (never waits:
        a parse not ready is made here)."""
        if self._pool is not None:  # the first page indexed: every page was read, the last batch goes
            self.flush()
            if self._pool is not None:
                self._ending = parallel.EndWhenDone(self._pool, [sent[2] for sent in self._sent.values()])
                self._pool = None
        sent = self._sent.pop(src_uri, None)
        if sent is None:
            return None
        made_for, at, future = sent
        if made_for != content_digest or not future.done() or future.cancelled() or future.exception():
            return None
        offset, length = future.result()[at]
        try:
            packed = os.pread(self._file.fileno(), length, offset)
        except OSError:
            return None
        return packed if len(packed) == length else None

    def close(self) -> None:
        self._batch, self._sent = [], {}
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._ending is not None:
            self._ending.close()
        self._pool = self._ending = None
        self._file.close()


def _parse_into(fd: int, contents: list[str]) -> list[tuple[int, int]]:
    """In the early process: the contents' packed parses appended to the file, and where each is."""
    packed = [pack(parse(content)) for content in contents]
    offset = os.fstat(fd).st_size  # only this process writes the file
    data = memoryview(b"".join(packed))
    at = offset
    while data:
        written = os.pwrite(fd, data, at)
        data, at = data[written:], at + written
    found = []
    for parsed in packed:
        found.append((offset, len(parsed)))
        offset += len(parsed)
    return found


class SearchParses:
    """Material's parse of each page this site's builds index, by content; one per plugin."""

    def __init__(self) -> None:
        self._memory: dict[str, Parsed] = {}  # serve: the last build's parses, by content digest
        self._used: dict[str, Parsed] = {}  # serve: this build's
        self._store: disk_cache.BodyStore | None = None
        self._serving = False
        self._early: _Early | None = None
        self.parsed = self.reused = self.early = 0  # this build's pages parsed here, parses reused, made early

    def prestart(self, pages: int, *, cold: bool, workers: int | None) -> None:
        """Fork the early process now, before the claims are read, for a cold build of about
        ``pages`` pages that may use more than one process (``workers``: the site's option)."""
        self.end()
        if (cold and workers != 1 and pages >= EARLY_FROM and parallel.cpus() >= 2
                and not os.environ.get(OFF_SWITCH) and material_search() is not None):
            early = _Early()
            self._early = early if early.started else None

    def begin(self, index: Any, store: disk_cache.BodyStore | None, *, serving: bool) -> bool:
        """Index with the parses kept (``store``: the build's bodies file): True where installed."""
        early, self._early = self._early, None  # end() would close it
        self.end()
        self._store, self._serving = store, serving
        module = None if os.environ.get(OFF_SWITCH) else material_search()
        installed = (module is not None and type(index) is module.SearchIndex
                     and "add_entry_from_context" not in vars(index))
        if installed:
            index.add_entry_from_context = partial(self._add_entry, index)
        if early is not None:  # kept for a cold build that indexes with it
            if installed and not serving and not (store is not None and len(store)):
                self._early = early
            else:
                early.close()
        return installed

    @property
    def sending(self) -> bool:
        """Whether this build hands pages to the early process (``send``)."""
        return self._early is not None

    def send(self, src_uri: str, content: str) -> None:
        """The content material will parse for this page, as soon as it is known (the early process
        parses it while the build reads the other pages)."""
        if self._early is not None:
            self._early.send(src_uri, content)

    def end(self) -> None:
        """The build is over: its parses are the ones kept in memory (serve)."""
        if self._serving:
            self._memory, self._used = self._used, {}
        if self._early is not None:
            self._early.close()
            self._early = None
        self._store, self._serving = None, False
        if self.parsed or self.reused or self.early:
            log.debug(f"search: {self.parsed} pages parsed, {self.reused} parses reused, {self.early} made early")
        self.parsed = self.reused = self.early = 0

    def _add_entry(self, index: Any, page: Any) -> None:
        """Material's add_entry_from_context, with the parse looked up first."""
        if not isinstance(page.content, str):
            type(index).add_entry_from_context(index, page)  # as material does (and fails)
            return
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        for section in sections(self._parse(page.content, page.file.src_uri)):
            index.create_entry_for_section(section, page.toc, page.url, page)

    def _parse(self, content: str, src_uri: str) -> Parsed:
        content_digest = digest(content)
        key = self._key(content_digest)
        parsed = self._memory.get(content_digest) if self._serving else None
        stored = self._from_store(key) if parsed is None else None
        if stored is not None:
            parsed = stored
        packed = self._early.take(src_uri, content_digest) if parsed is None and self._early is not None else None
        if packed is not None:
            parsed = json.loads(zlib.decompress(packed))
            self.early += 1
        elif parsed is None:
            parsed = parse(content)
            self.parsed += 1
        else:
            self.reused += 1
        if self._serving:
            self._used[content_digest] = parsed
        if self._store is not None:
            kept = b"" if stored is not None else packed or pack(parsed)
            self._store.put(key, kept, reused=stored is not None)
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
    return "\x00".join([STORE_FORMAT, disk_cache.code_key(), installed("mkdocs-material"), sys.version])
