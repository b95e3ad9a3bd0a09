"""Material's search parse of a page, made once per content (plugin/searchparse.py, issue 27):
the entries are the ones material's own indexer makes, whether the parse was made here, in the
early process, kept in memory (serve) or read from the bodies file; a kept parse that is not a
parse is parsed again; any indexer but the one it knows is left alone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import markdown
import pytest
from attacks import corpus
from conftest import ENV, claim_yaml, make_site_in, site_files
from material.plugins.search import plugin as material
from mkdocs.structure.toc import get_toc
from mkdocs_factcheck.output.cache import BodyStore
from mkdocs_factcheck.plugin import searchparse
from mkdocs_factcheck.plugin.searchparse import OFF_SWITCH, SearchParses

MARKDOWN = [
    "# A title\n\nIntro.\n\n## Two {: #two-id }\n\nText *in* two.\n\n### Three\n\n- a\n- b\n",
    "## No h1 first\n\nSo the page's title is the section's.\n\n## Again\n\nMore.",
    '# Kept\n\nYes.\n\n<h2 id="gone" data-search-exclude>Excluded</h2>\n\n<p>Not indexed.</p>\n\n## Back\n\nIndexed.',
    '<div data-search-exclude markdown>\n\n## Inside an excluded block\n\nHidden.\n\n</div>\n\nAfter.',
    "# 中文标题\n\n深度求索的模型。\n\n## العربية\n\nنص عربي.\n\n## Emoji 🧪 \u200b zero width",
    "Only text, no heading at all, & an <ampersand>.",
    "",
]
# Hostile HTML as another plugin could hand it to the indexer: unsanitised, in a few pages.
HOSTILE = ["\n\n".join(corpus()[start::5]) for start in range(5)]


def _page(content: str, number: int, **meta: Any) -> SimpleNamespace:
    """A page as material's indexer reads it: content, TOC, URL, title, meta and source path."""
    md = markdown.Markdown(extensions=["toc", "attr_list", "md_in_html"])
    html = md.convert(content) if not content.startswith("<!--raw-->") else content
    return SimpleNamespace(content=html, toc=get_toc(getattr(md, "toc_tokens", [])), url=f"page-{number}/",
                           meta=meta, title=f"Page {number}", file=SimpleNamespace(src_uri=f"page-{number}.md"))


def _pages() -> list[SimpleNamespace]:
    pages = [_page(text, n) for n, text in enumerate(MARKDOWN)]
    pages += [_page("<!--raw-->" + text, 100 + n) for n, text in enumerate(HOSTILE)]
    pages.append(_page(MARKDOWN[0], 200, tags=["cost", 7, "", None, True], search={"boost": 2}))
    pages.append(_page(MARKDOWN[0], 201, title="A title from the front matter"))
    pages.append(_page(MARKDOWN[0], 202, search={"exclude": True}))
    return pages


def _materials_entries(pages: list[SimpleNamespace]) -> list[dict[str, Any]]:
    index = material.SearchIndex()
    for page in pages:
        index.add_entry_from_context(page)
    return index.entries


def _our_entries(parses: SearchParses, pages: list[SimpleNamespace], store: BodyStore | None = None,
                 *, serving: bool = False) -> list[dict[str, Any]]:
    index = material.SearchIndex()
    assert parses.begin(index, store, serving=serving)
    for page in pages:
        index.add_entry_from_context(page)
    return index.entries


@pytest.fixture
def pages() -> list[SimpleNamespace]:
    found = _pages()
    assert any("<script" in page.content for page in found)  # the hostile pages reach the parser raw
    return found


def test_the_entries_are_materials_own_however_the_parse_was_made(pages: list[SimpleNamespace],
                                                                 tmp_path: Path) -> None:
    expected = _materials_entries(pages)
    assert expected and any("tags" in entry and "boost" in entry for entry in expected)
    assert not any(entry["location"].startswith("page-202/") for entry in expected)
    parses = SearchParses()
    # Parsed here, and kept in the bodies file.
    store = BodyStore(tmp_path / "bodies")
    assert _our_entries(parses, pages, store) == expected
    assert (parses.parsed, parses.reused) == (len(pages) - 1, 0)  # the excluded page is never parsed
    parses.end()
    store.save()
    # Read from the bodies file by the next build.
    store = BodyStore(tmp_path / "bodies")
    assert _our_entries(parses, pages, store) == expected
    assert (parses.parsed, parses.reused) == (0, len(pages) - 1)
    parses.end()
    store.save()
    # Under serve: kept in memory from one rebuild to the next.
    assert _our_entries(parses, pages, serving=True) == expected
    parses.end()
    assert _our_entries(parses, pages, serving=True) == expected
    assert (parses.parsed, parses.reused) == (0, len(pages) - 1)
    parses.end()


def test_a_page_that_changed_is_parsed_again(pages: list[SimpleNamespace], tmp_path: Path) -> None:
    parses = SearchParses()
    _our_entries(parses, pages, serving=True)
    parses.end()
    pages[0].content = pages[0].content.replace("Text", "Changed text")
    assert _our_entries(parses, pages, serving=True) == _materials_entries(pages)
    assert parses.parsed == 1
    parses.end()


def _kept(tmp_path: Path, content: str, packed: bytes) -> BodyStore:
    """A bodies file that keeps ``packed`` as the parse of ``content``."""
    store = BodyStore(tmp_path / "bodies")
    store.put(SearchParses()._key(searchparse.digest(content)), packed)
    store.save()
    return BodyStore(tmp_path / "bodies")


def _packed(value: Any) -> bytes:
    return zlib.compress(json.dumps(value).encode())


@pytest.mark.parametrize("packed", [
    b"not zlib at all",
    zlib.compress(b"not json"),
    zlib.compress(b"\xff\xfe"),
    _packed({"a": "dict"}),
    _packed([["h1", {}, 1, None, ["t"]]]),  # a field short
    _packed([["h1", {"id": 3}, 1, None, ["t"], "x"]]),  # an attribute that is not text
    _packed([["h1", {}, "1", None, ["t"], "x"]]),  # a depth that is not a number
    _packed([["h1", {}, 1, None, [["nested"]], "x"]]),
    _packed([[None, {}, 1, None, ["t"], "x"]]),
    _packed("<script>alert(1)</script>"),
], ids=range(10))
def test_a_kept_parse_that_is_not_a_parse_is_parsed_again(packed: bytes, pages: list[SimpleNamespace],
                                                          tmp_path: Path) -> None:
    page = pages[0]
    store = _kept(tmp_path, page.content, packed)
    parses = SearchParses()
    assert _our_entries(parses, [page], store) == _materials_entries([page])
    assert (parses.parsed, parses.reused) == (1, 0)
    parses.end()


def test_a_kept_parse_is_taken_as_data(pages: list[SimpleNamespace], tmp_path: Path) -> None:
    """A well-formed parse is used as it is: the bodies file is trusted as the page bodies beside
    it are (written by this site's builds), and what it holds only ever becomes index text."""
    page = pages[0]
    store = _kept(tmp_path, page.content, _packed([["h1", {"id": "x"}, 1, "x", ["Kept"], "<b>kept</b>"]]))
    parses = SearchParses()
    entries = _our_entries(parses, [page], store)
    assert entries == [{"location": "page-0/#x", "title": "Kept", "text": "<b>kept</b>"}]
    parses.end()


@pytest.fixture
def restore_material() -> Iterator[None]:
    original = material.SearchIndex.add_entry_from_context
    yield
    material.SearchIndex.add_entry_from_context = original
    searchparse.material_search.cache_clear()


def test_any_other_indexer_is_left_alone(restore_material: None, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = SearchParses()
    assert searchparse.material_search() is material
    # Another plugin's index, a subclass, or an index whose method another plugin replaced.
    assert not parses.begin(SimpleNamespace(entries=[]), None, serving=False)
    assert not parses.begin(type("Theirs", (material.SearchIndex,), {})(), None, serving=False)
    index = material.SearchIndex()
    index.add_entry_from_context = lambda page: None
    assert not parses.begin(index, None, serving=False)
    # The off switch.
    monkeypatch.setenv(OFF_SWITCH, "1")
    assert not parses.begin(material.SearchIndex(), None, serving=False)
    monkeypatch.delenv(OFF_SWITCH)
    assert parses.begin(material.SearchIndex(), None, serving=False)
    parses.end()
    # A material whose indexer is not the one this module replaces.
    def changed(self: Any, page: Any) -> None:
        """Indexes the page another way."""
        self.entries.append({"location": page.url})
    material.SearchIndex.add_entry_from_context = changed
    searchparse.material_search.cache_clear()
    assert searchparse.material_search() is None
    assert not parses.begin(material.SearchIndex(), None, serving=False)


def test_the_digest_reads_code_not_comments_or_indentation() -> None:
    code = "def f(self, page):\n    # why\n    return page\n"
    assert searchparse._code_digest(code) == searchparse._code_digest("    " + code.replace("\n", "\n    "))
    assert searchparse._code_digest(code) == searchparse._code_digest(code.replace("# why", "# another why"))
    assert searchparse._code_digest(code) != searchparse._code_digest(code.replace("page\n", "None\n"))


def test_the_early_process_gives_the_parse_of_the_very_content_it_was_sent() -> None:
    early = searchparse._Early()
    if not early.started:
        pytest.skip("no process can be forked here")
    try:
        assert early._pool is not None
        workers = list(early._pool._processes)  # type: ignore[attr-defined]
        contents = {f"p{n}.md": f'<h2 id="s{n}">Part {n}</h2>\n<p>Text {n} &amp; <em>more</em></p>' for n in range(40)}
        for src_uri, content in contents.items():
            early.send(src_uri, content)
        early.flush()
        for _, _, future in list(early._sent.values()):
            future.result()
        if hasattr(os, "getpriority"):  # it yields to the build
            assert all(os.getpriority(os.PRIO_PROCESS, pid) >= 10 for pid in workers)
        assert early.take("p3.md", searchparse.digest("<p>what the page holds now</p>")) is None
        packed = early.take("p5.md", searchparse.digest(contents["p5.md"]))
        assert packed is not None and json.loads(zlib.decompress(packed)) == searchparse.parse(contents["p5.md"])
        assert early.take("p5.md", searchparse.digest(contents["p5.md"])) is None  # each once
        assert early.take("never-sent.md", searchparse.digest("")) is None
    finally:
        early.close()


# --- real builds ----------------------------------------------------------------------------

CLAIMS = 70  # enough for worker processes (parallel.PARALLEL_FROM) where a site asks for them
COUNTS = re.compile(r"search: (\d+) pages parsed, (\d+) parses reused, (\d+) made early")
# A build whose early process is always waited for: every page it was given is parsed there.
WAITED = ("import sys\n"
          "from mkdocs_factcheck.plugin import searchparse\n"
          "take = searchparse._Early.take\n"
          "def waited(self, src_uri, content_digest):\n"
          "    self.flush()\n"
          "    sent = self._sent.get(src_uri)\n"
          "    if sent is not None:\n"
          "        sent[2].exception()\n"
          "    return take(self, src_uri, content_digest)\n"
          "searchparse._Early.take = waited\n"
          "from mkdocs.__main__ import cli\n"
          "cli(sys.argv[1:])\n")
PAGES = {
    "index.md": "# A desk\n\n<!-- factcheck:latest -->\n",
    "about.md": "---\ntags: [desk, about]\nsearch:\n  boost: 3\n---\n## About us first\n\nWho we are.\n",
    "hidden.md": "---\nsearch:\n  exclude: true\n---\n# Not in search\n\nNever indexed.\n",
    "method.md": '# Method\n\nIndexed.\n\n<h2 id="x" data-search-exclude>Skipped</h2>\n\n<p>Not this.</p>\n',
}


def _claim(n: int) -> str:
    analysis = "\n\n".join([f"## Part {n}\n\nModel {n} cost {n * 3} million dollars.", HOSTILE[n % 5][:2000]])
    return claim_yaml(claim=f"Claimant {n % 3} said model {n} cost {n * 7} million dollars to train.",
                      claimant=f"Claimant {n % 3}", analysis=analysis, tags=[f"topic {n % 4}"],
                      published=f"2025-01-{1 + n % 28:02d}", claim_date=f"2024-12-{1 + n % 28:02d}")


def _build(root: Path, folder: str, *, waited: bool = False, **env: str) -> tuple[int, int, int]:
    """`mkdocs build -v` into ``folder``: (pages parsed, parses reused, parses made early)."""
    start = ["-c", WAITED] if waited else ["-m", "mkdocs"]
    done = subprocess.run([sys.executable, *start, "build", "-v", "-d", folder], cwd=root,
                          env={**ENV, "SOURCE_DATE_EPOCH": "1767225600", **env}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = COUNTS.search(done.stderr)
    if env.get(OFF_SWITCH):
        assert found is None, done.stderr
        return 0, 0, 0
    assert found is not None, done.stderr
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def _site(root: Path, workers: str) -> Path:
    site = make_site_in(root, plugin_options=f"workers: {workers}", pages=PAGES)
    for n in range(CLAIMS):
        site.write_claim(f"claim-{n:03d}.yml", _claim(n))
    return root


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "waited"), [("1", False), ("auto", False), ("auto", True)])
def test_cold_and_warm_builds_index_as_material_does(workers: str, waited: bool, tmp_path: Path) -> None:
    root = _site(tmp_path, workers)
    _build(root, "reference", **{OFF_SWITCH: "1"})
    shutil.rmtree(root / ".cache")
    parsed, reused, early = _build(root, "cold", waited=waited)
    # Cold: every page parsed once, here or in the early process (none with `workers: 1`).
    assert reused == 0 and parsed + early >= CLAIMS, (parsed, reused, early)
    if workers == "1" or searchparse.parallel.cpus() < 2:
        assert early == 0
    elif waited:  # every page but the hidden one (never indexed) was given to it
        assert parsed == 0 and early >= CLAIMS, (parsed, early)
    warm = _build(root, "warm")
    assert warm == (0, parsed + early, 0)
    reference = site_files(root / "reference")
    index = json.loads(reference["search/search_index.json"])
    locations = [doc["location"] for doc in index["docs"]]
    assert "about/" in locations and "method/" in locations and not any("hidden" in loc for loc in locations)
    assert not any(loc == "method/#x" for loc in locations)
    assert {"tags": ["desk", "about"], "boost": 3}.items() <= next(
        doc for doc in index["docs"] if doc["location"] == "about/").items()
    assert site_files(root / "cold") == reference
    assert site_files(root / "warm") == reference
