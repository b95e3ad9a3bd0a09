"""Stub files for generated pages that change only when the page does.

(`mkdocs build` also gives each listing page a stub of its own, inside the site's folder so
that tools reading git history find no history rather than a folder or a path outside the
work tree: see ``plugin.FactcheckPlugin._page_file``.)

MkDocs' ``serve --dirty`` rebuilds a page only when its source file is newer than
its output. Generated pages have no source file, so under ``serve`` each gets a
stub file in a private temporary folder (never a watched one), rewritten only
when the page's own HTML changes: an edit to one claim then rebuilds the few
pages it appears on, not the whole site.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


class StubFolder:
    """Stubs in a private temporary folder, or in ``root`` (made if need be; removed with the stubs)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else Path(tempfile.mkdtemp(prefix="factcheck-serve-"))
        self._digests: dict[str, str] = {}

    def stub(self, src_uri: str, inputs: str, markdown: Callable[[], str]) -> Path:
        """The stub's path; its modified time moves only when ``inputs`` (everything the page's
        output shows) changed. ``markdown`` makes its text, when it is written."""
        digest = hashlib.sha256(inputs.encode()).hexdigest()
        path = self.root / src_uri
        if self._digests.get(src_uri) != digest or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown(), encoding="utf-8")
            self._digests[src_uri] = digest
        return path

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
