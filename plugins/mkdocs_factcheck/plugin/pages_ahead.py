"""Our pages' folders and files made in ``site_dir`` ahead of MkDocs, in a thread.

Making a folder and a file costs the kernel 0.3-1 ms each on a VM's disk: about 0.9 s of a
warm 500-page build (most of its file writing; writing the bytes is 0.02 s), which MkDocs
spends one page at a time in the build's only thread. A thread makes them, empty, while
MkDocs reads and renders the pages (the calls let go of the interpreter); MkDocs then only
fills each file, its ``open(path, "wb")`` emptying it first.

The site is what a build without it writes:
- a file is made only where there is none (``O_EXCL``), so MkDocs's output is never emptied,
  whichever gets there first;
- a made file MkDocs never filled (a page another plugin dropped, a build that failed half
  way) is taken away at the end, with the folders made for it;
- never under ``--dirty``, where MkDocs skips a page whose output is newer than its source.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class PagesAhead:
    """``start`` makes the pages' folders and empty files in a thread; ``finish`` waits for it
    and takes away what stayed empty."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._made: list[str] = []  # the files the thread made (MkDocs fills them)
        self._site_dir = ""

    def start(self, site_dir: str, paths: Sequence[str]) -> None:
        """Make ``paths`` (files in ``site_dir``, in the order MkDocs writes them)."""
        self.finish()
        self._stop.clear()
        self._site_dir = os.path.abspath(site_dir)
        self._thread = threading.Thread(target=self._make, args=(list(paths),), daemon=True,
                                        name="factcheck-pages-ahead")
        self._thread.start()

    def finish(self) -> None:
        """Stop making files, and take away each made file that is still empty."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        for path in self._made:
            try:
                if os.stat(path, follow_symlinks=False).st_size == 0:
                    os.unlink(path)
                    self._remove_empty_folders(os.path.dirname(path))
            except OSError:
                continue  # gone already, or not ours to take away
        self._made = []

    def _make(self, paths: list[str]) -> None:
        for path in paths:
            if self._stop.is_set():
                return
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.close(os.open(path, _NEW_FILE, 0o666))  # the mode MkDocs's open() gives it
            except OSError:
                continue  # there already (MkDocs was first), or MkDocs will say why it cannot be
            self._made.append(path)

    def _remove_empty_folders(self, folder: str) -> None:
        site = Path(self._site_dir)
        here = Path(folder)
        while here != site and site in here.parents:
            try:
                here.rmdir()  # only if empty
            except OSError:
                return
            here = here.parent
