"""Issue 24: the search index is compact (searchindex.py: each claim page's analysis after its
first block indexed as its distinct words) and finds what it found before, as material's own
search worker runs it; its size per check stays under a measured bound."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import material
import pytest
from conftest import ENV, REPO, mkdocs
from mkdocs_factcheck.plugin.searchindex import WORDS, compact_entry, compact_index, first_block_end, new_words

WORKER = next((Path(material.__file__).parent / "templates/assets/javascripts/workers").glob("search.*.min.js"))
RUNNER = Path(__file__).parent / "material_search.js"
SEPARATOR = re.compile(r"[\s\-]+")  # material's default for English
# This repository's site, built with the index written both ways: material's entries as it
# made them (before searchindex.py) and as the build writes them.
BOTH_WAYS = textwrap.dedent("""\
    import json, sys
    import mkdocs_factcheck.plugin as plugin
    compact, made, site = plugin.compact_index, sys.argv[1], sys.argv[2]
    def recorded(index, analyses):
        config = {key: index.config[key] for key in ("lang", "separator", "pipeline", "fields")}
        with open(made, "w", encoding="utf-8") as out:
            json.dump({"config": config, "docs": index.entries}, out)
        compact(index, analyses)
    plugin.compact_index = recorded
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "-q", "-d", site]
    cli()
    """)


class Index:
    """What compact_index reads of material's SearchIndex."""

    def __init__(self, entries: list[dict[str, Any]], separator: str = SEPARATOR.pattern) -> None:
        self.entries = entries
        self.config: dict[str, Any] = {"separator": separator, "fields": {"title": {"boost": 1e3},
                                                                          "text": {"boost": 1.0}}}


def test_the_first_block_is_what_materials_worker_calls_one() -> None:
    # Text before the first tag belongs to the first block (a heading's text, say).
    assert first_block_end("Heading <p>One.</p> <p>Two.</p>") == len("Heading <p>One.</p>")
    nested = "<ul> <li>a <code>b</code></li> <li>c</li> </ul> <p>d</p>"
    assert first_block_end(nested) == nested.index(" <p>")
    assert first_block_end("<p>Only one.</p>") == len("<p>Only one.</p>")
    assert first_block_end("no tags at all") == len("no tags at all")


def test_each_new_word_is_kept_once_as_first_written() -> None:
    """Whatever case it is written in later, and not at all if ``seen`` has it in lower case."""
    seen = {"dog"}
    assert new_words("The cat <b>the</b> CAT Dog The cat-Cat", SEPARATOR, seen) == ["The", "cat"]
    assert seen == {"dog", "the", "cat"}
    assert new_words("the THE The", SEPARATOR, set()) == ["the"]


def test_an_analysis_keeps_its_first_block_and_the_rest_as_new_words() -> None:
    entry = {"location": "claims/x/#analysis", "title": "Analysis",
             "text": "Costs <p>The cost was high.</p> <p>The COST, per-unit &amp; more.</p> <ul> <li>more</li> </ul>"}
    compact = compact_entry(entry, SEPARATOR)
    assert compact["text"] == "Costs <p>The cost was high.</p>"
    # Once each, as written, not those of the first block (any case), split as the worker splits
    # (at spaces and hyphens; "more." and "more" are two terms to it, as "COST," and "cost").
    assert compact[WORDS] == "COST, per unit &amp; more. more"
    assert list(compact) == ["location", "title", "text", WORDS]
    assert compact_entry(compact, SEPARATOR) is compact  # a dirty rebuild's kept entry
    single = {"location": "claims/y/#analysis", "title": "Analysis", "text": "<p>One block.</p>"}
    assert compact_entry(single, SEPARATOR) is single


def test_only_analyses_change_and_only_when_safe() -> None:
    analysis = {"location": "claims/x/#analysis", "title": "Analysis", "text": "<p>a</p> <p>b c</p>"}
    summary = {"location": "claims/x/#verdict", "title": "Verdict", "text": "<p>a</p> <p>b c</p>"}
    index = Index([analysis, summary])
    compact_index(index, {"claims/x/#analysis"})
    assert index.entries[0][WORDS] == "b c" and index.entries[1] is summary
    assert index.config["fields"][WORDS] == index.config["fields"]["text"]  # searched as the text is
    # A separator that does not split at a space (the words would read back as one), one that is
    # not Python's regular expression, a site's own field named words: nothing changes.
    for unsafe in (Index([analysis], r"[,;]+"), Index([analysis], r"[\s\p{P}]+")):
        compact_index(unsafe, {"claims/x/#analysis"})
        assert unsafe.entries == [analysis] and WORDS not in unsafe.config["fields"]
    theirs = Index([analysis])
    theirs.config["fields"][WORDS] = {"boost": 5.0}
    compact_index(theirs, {"claims/x/#analysis"})
    assert theirs.entries == [analysis]


def _queries(docs: list[dict[str, Any]]) -> list[str]:
    """Every word of the analyses as a reader would type it, and pairs that must both occur
    (``+a +b``: the first block's word and a later one)."""
    words: set[str] = set()
    required = []
    for doc in docs:
        if doc["location"].endswith("#analysis"):
            text = re.sub(r"<[^>]*>", " ", doc["text"])
            found = [w.lower() for w in re.findall(r"[A-Za-z0-9]{3,}", text)]
            words.update(found)
            if len(found) > 1:
                required.append(f"+{found[0]} +{found[-1]}")
    return sorted(words) + required


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run material's search worker")
def test_materials_worker_finds_the_same_entries_in_the_compact_index(tmp_path: Path) -> None:
    material_made, site = tmp_path / "material-made.json", tmp_path / "site"
    proc = subprocess.run([sys.executable, "-c", BOTH_WAYS, str(material_made), str(site)], cwd=REPO, env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    before = json.loads(material_made.read_text(encoding="utf-8"))
    after = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert sum(WORDS in doc for doc in after["docs"]) >= 5  # the analyses of the site's checks
    queries = tmp_path / "queries.json"
    queries.write_text(json.dumps(_queries(before["docs"])), encoding="utf-8")
    found = {}
    for name in ("before", "after"):
        result = subprocess.run(["node", str(RUNNER), str(WORKER), str(material_made if name == "before" else
                                 site / "search" / "search_index.json"), str(queries)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        found[name] = json.loads(result.stdout)
    assert len(found["before"]) > 500
    missed = {q: sorted(set(found["before"][q]) - set(found["after"][q])) for q in found["before"]}
    assert not {q: m for q, m in missed.items() if m}, "compact index finds less"
    assert found["before"] == found["after"]
    # The analyses' entries, real text here: 63 % of the bytes material made when this test was
    # written (the words of an analysis repeat less than the benchmark corpus's do).
    def analyses(index: dict[str, Any]) -> int:
        return sum(len(json.dumps(doc)) for doc in index["docs"] if doc["location"].endswith("#analysis"))
    assert analyses(after) < 0.75 * analyses(before)


# --- Size per check -------------------------------------------------------------------------

# The bound on the index's bytes per check on the benchmark's desk corpus (bench/corpus.py:
# ~600-word analyses), built here at 300 checks. Measured (bench/RESULTS.md, "Search at 10,000
# checks"): 5,595 bytes a check at 300 before searchindex.py and 2,215 after; at 2,000 checks
# 5,583 before and 2,183 after. The bound leaves 15 % over 2,215 for changes to what a claim page
# indexes; an index that keeps the analyses whole again fails it by far.
DESK_BYTES_PER_CHECK = 2_550
DESK_CHECKS = 300


@pytest.mark.slow
def test_the_index_is_compact_per_check(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import make_desk_claims
    from sites import write_ours

    config = write_ours(tmp_path, make_desk_claims(DESK_CHECKS))
    proc = mkdocs("build", "-q", "-f", str(config), "--site-dir", str(tmp_path / "site"), cwd=tmp_path, env=ENV,
                  timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    raw = (tmp_path / "site" / "search" / "search_index.json").read_bytes()
    docs = json.loads(raw)["docs"]
    assert sum(WORDS in doc for doc in docs) == DESK_CHECKS
    per_check = len(raw) / DESK_CHECKS
    print(f"search index at {DESK_CHECKS} desk checks: {len(raw) / 1024:.0f} KiB, {per_check:.0f} bytes a check")
    assert per_check < DESK_BYTES_PER_CHECK, per_check
