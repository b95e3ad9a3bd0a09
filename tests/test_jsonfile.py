"""Cache files written entry by entry (base/jsonfile.py): the JSON json.dumps makes of the same data."""

from __future__ import annotations

import io
import json

import pytest
from markupsafe import Markup
from mkdocs_factcheck.base.jsonfile import write_entries


@pytest.mark.parametrize("entries", [
    {},
    {"one": [Markup("<p>A &amp; B</p>"), (Markup("<q>x</q>"),), "é \u2028 \"quoted\" \\"]},
    {f"claims/c-{n}.yml\x00{n:064x}": {"claim": {"claim": "x" * n}, "marks": {"claim": [n, 1]}} for n in range(50)},
])
def test_the_file_reads_back_as_the_data(entries: dict[str, object]) -> None:
    out = io.StringIO()
    write_entries(out, {"key": "k", "format": 2}, "files", entries)
    assert json.loads(out.getvalue()) == json.loads(json.dumps({"key": "k", "format": 2, "files": entries}))
    assert out.getvalue() == json.dumps({"key": "k", "format": 2, "files": entries}, ensure_ascii=False,
                                        separators=(",", ":"))


def test_each_entry_is_written_on_its_own() -> None:
    """Never the whole text at once: one write per entry (and the two ends)."""
    writes: list[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

    write_entries(Recorder(), {"key": "k"}, "entries", {str(n): "y" * 1000 for n in range(20)})
    assert len(writes) == 22 and max(map(len, writes)) < 1100
