"""JSON cache files written entry by entry: fast and small in memory.

``json.dump`` streams, but always through the pure-Python encoder (5 times slower);
``json.dumps`` takes the C encoder, but makes the whole text at once (a 67 MiB string,
and as much again encoded, for the claim parses of 10,000 checks, at the build's peak).
Each entry here goes through the C encoder on its own, and is written before the next.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any


def write_entries(out: IO[str], fields: Mapping[str, Any], name: str, entries: Mapping[str, Any]) -> None:
    """``{**fields, name: entries}`` as compact JSON, written one entry of ``entries`` at a time."""
    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    out.write("{" + "".join(f"{text(key)}:{text(value)}," for key, value in fields.items()) + f"{text(name)}:{{")
    for number, (key, value) in enumerate(entries.items()):
        out.write(f"{',' if number else ''}{text(key)}:{text(value)}")
    out.write("}}")
