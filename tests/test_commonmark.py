"""cmark-gfm's calls with what they allocate freed (output/commonmark.py): the same HTML as the
cmarkgfm package's own function, without the ~50 KiB a claim it never frees (issue 27)."""

from __future__ import annotations

import sys
from pathlib import Path

import cmarkgfm
import pytest
from mkdocs_factcheck.output import commonmark

EXTENSIONS = ("table", "strikethrough")
SAMPLES = [
    "",
    "A paragraph with *emphasis*, **strong**, `code` and a [link](https://example.org/a?b=1&c=2).",
    "# Heading\n\n## Second\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n",
    "| Chip | Count |\n| --- | ---: |\n| H800 | 2,048 |\n| H100 | ~~50,000~~ |\n",
    "Raw <b>bold</b> and <script>alert(1)</script> and <!-- a comment -->\n\n<div>block</div>\n",
    "> A quote\n> over two lines\n\n```python\nprint('fenced')\n```\n",
    "Unicode: “quotes” — dashes, 深度求索, مرحبا, emoji 🎉, nbsp\u00a0here.",
    "Footnote-like [^1] and a bare URL https://example.org and www.example.org.\n\n[^1]: Not an extension here.",
    "Line one  \nline two\\\nline three\n\n***\n\n    indented code\n",
]


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("text", SAMPLES)
def test_same_html_as_the_package(text: str, unsafe: bool) -> None:
    options = cmarkgfm.Options.CMARK_OPT_UNSAFE if unsafe else cmarkgfm.Options.CMARK_OPT_DEFAULT
    expected = cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=list(EXTENSIONS))
    assert commonmark.to_html(text, unsafe=unsafe, extensions=EXTENSIONS) == expected


def test_the_library_exports_what_is_freed() -> None:
    """On this platform's wheel the leak-free path is the one taken, not the fallback."""
    assert commonmark._releasers() is not None


def test_without_the_symbols_the_package_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commonmark, "_releasers", lambda: None)
    text = SAMPLES[3]
    assert commonmark.to_html(text, unsafe=False, extensions=EXTENSIONS) == \
        cmarkgfm.markdown_to_html_with_extensions(text, extensions=list(EXTENSIONS))


def test_an_unknown_extension_is_an_error() -> None:
    with pytest.raises(ValueError, match="no extension 'tasklist-typo'"):
        commonmark.to_html("text", unsafe=False, extensions=("tasklist-typo",))


def _resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_rendering_many_claims_holds_no_memory() -> None:
    """3,000 renders of a claim-sized document (6 KB, a table in it): the package's own function
    kept ~150 MiB of them (measured: about 50 KiB a render), these keep none."""
    document = "\n\n".join([SAMPLES[1] * 8, SAMPLES[2], SAMPLES[3], SAMPLES[5]] * 6)
    assert len(document) > 5000
    for number in range(200):  # the allocator's own arenas settle first
        commonmark.to_html(f"{document}{number}", unsafe=False, extensions=EXTENSIONS)
    before = _resident_mib()
    for number in range(3000):
        commonmark.to_html(f"{document}{number}", unsafe=False, extensions=EXTENSIONS)
    assert _resident_mib() - before < 20


def test_plain_text_of_text_without_markup_is_what_the_sanitizer_gives() -> None:
    """markup.plain_text skips nh3 for a fragment with no tag, no character reference and no
    byte-order mark (which html5ever drops): the same text either way, on random text."""
    import html
    import random

    from mkdocs_factcheck.output import markup

    rng = random.Random(7)
    alphabet = [chr(c) for c in [*range(0x20, 0x7F), 0x9, 0xA, 0xD, 0xA0, 0x2028, 0x85, 0x1F, 0x0, 0xFDD0,
                                 0x200B, 0x3000, 0x5D0, 0x627, 0x1F600, 0xFEFF, 0xFFFD, 0x80, 0x9F, 0xC, 0xB,
                                 0x1FFFE, 0x10FFFF, 0xE000]
                if chr(c) not in "<&"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        sanitized = html.unescape(markup._TEXT_ONLY.clean(markup._CONTROL.sub("", text)))
        assert markup.plain_text(text) == " ".join(markup._CONTROL.sub("", sanitized).split()), repr(text)
