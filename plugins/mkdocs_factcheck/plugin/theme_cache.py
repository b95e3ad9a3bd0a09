"""The theme's compiled templates, kept across `mkdocs serve` rebuilds.

MkDocs makes a new Jinja environment for the theme at every build, so each serve
rebuild compiles material's forty-odd templates again: about half a second of CPU,
whatever the edit. Jinja's bytecode cache, held in memory by the plugin, hands them
back. Jinja keys it by the template's file and checks its source, so an edited
template (``--watch-theme``, ``custom_dir``) is compiled afresh.
"""

from __future__ import annotations

from typing import Any

import jinja2


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates by Jinja's key, in memory for the life of the process."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # Jinja drops it if the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


def keep_compiled(theme: Any, cache: jinja2.BytecodeCache) -> None:
    """Have every environment ``theme.get_env()`` makes (MkDocs' Theme) use ``cache``."""
    make = theme.get_env
    if getattr(make, "factcheck_cache", None) is cache:
        return

    def get_env() -> jinja2.Environment:
        env: jinja2.Environment = make()
        env.bytecode_cache = cache
        return env

    get_env.factcheck_cache = cache  # type: ignore[attr-defined]
    theme.get_env = get_env
