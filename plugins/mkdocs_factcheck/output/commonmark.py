"""CommonMark to HTML through cmark-gfm (the ``cmarkgfm`` package), without its leak.

``cmarkgfm.markdown_to_html_with_extensions`` never frees the document tree it parses nor the
HTML buffer it renders: about 50 KiB per 6 KB claim, 330 MiB of a 10,000-claim build's memory
(issue 27; cmark's API leaves both to the caller). The same calls are made here on the
library's own parser, and both are freed: the tree with ``cmark_node_free`` and the buffer with
cmark's allocator, neither of which the package's binding exposes, so they are looked up in
its compiled library. Where they cannot be found (a build of the library that hides them), the
package's function is used as it is: the same HTML, with the leak.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from functools import lru_cache

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm import cmark as _binding


class _Allocator(ctypes.Structure):
    """cmark's ``cmark_mem``: the functions its buffers are allocated and freed with."""

    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


@lru_cache(maxsize=1)
def _releasers() -> tuple[Callable[[int], None], Callable[[int], None]] | None:
    """(free a document tree, free a rendered buffer), from the library's exported symbols."""
    try:
        library = ctypes.CDLL(_cmark.__file__)  # the module's own copy: dlopen gives the loaded one
        node_free = library.cmark_node_free
        default_allocator = library.cmark_get_default_mem_allocator
    except (OSError, AttributeError):
        return None
    node_free.argtypes, node_free.restype = [ctypes.c_void_p], None
    default_allocator.argtypes, default_allocator.restype = [], ctypes.POINTER(_Allocator)
    allocator = default_allocator().contents
    return node_free, allocator.free


def _address(pointer: object) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def to_html(text: str, *, unsafe: bool, extensions: Sequence[str]) -> str:
    """``text`` rendered by cmark-gfm with ``extensions``; raw HTML kept with ``unsafe``
    (cmark's CMARK_OPT_UNSAFE), else replaced by a comment."""
    options = cmarkgfm.Options.CMARK_OPT_UNSAFE if unsafe else cmarkgfm.Options.CMARK_OPT_DEFAULT
    releasers = _releasers()
    if releasers is None:
        return str(cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=list(extensions)))
    free_tree, free_buffer = releasers
    lib, ffi = _cmark.lib, _cmark.ffi
    _binding.core_extensions_ensure_registered()
    parser = lib.cmark_parser_new(options)
    try:
        for name in extensions:
            extension = lib.cmark_find_syntax_extension(name.encode())
            if extension == ffi.NULL:
                raise ValueError(f"cmark-gfm has no extension {name!r}")
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        encoded = text.encode("utf-8")
        lib.cmark_parser_feed(parser, encoded, len(encoded))
        tree = lib.cmark_parser_finish(parser)
        try:
            buffer = lib.cmark_render_html(tree, options, lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return str(ffi.string(buffer).decode("utf-8"))
            finally:
                free_buffer(_address(buffer))
        finally:
            free_tree(_address(tree))
    finally:
        lib.cmark_parser_free(parser)
