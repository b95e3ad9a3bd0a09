"""Hostile text for share cards: code points from every Unicode block, combining-mark runs,
emoji and ZWJ sequences, bidirectional mixes, very long words and a 1 MiB claim of short
distinct words. Seeded, so a run can be repeated. ``tests/test_card_safety.py`` draws a
quick sample with the real renderer, ``bench/card_fuzz.py`` a long one."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator

from fontTools.unicodedata import Blocks  # type: ignore[import-untyped]

MIB = 1024 * 1024
SKIPPED_BLOCKS = {"No_Block", "High Surrogates", "High Private Use Surrogates", "Low Surrogates"}


def blocks() -> list[tuple[str, int, int]]:
    """(name, first, last) of every Unicode block fontTools knows (Unicode 15 and later)."""
    starts = [*Blocks.RANGES, 0x110000]
    return [(name, start, end - 1) for name, start, end in zip(Blocks.VALUES, starts, starts[1:], strict=False)
            if name not in SKIPPED_BLOCKS]


def block_sample(rng: random.Random, first: int, last: int, count: int) -> list[str]:
    """``count`` code points of the block, assigned ones where it has them."""
    assigned = [cp for cp in range(first, last + 1) if unicodedata.category(chr(cp)) != "Cn"]
    pool = assigned or list(range(first, last + 1))
    return [chr(cp) for cp in rng.sample(pool, min(count, len(pool)))]


def per_block(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """One text per block: its sampled characters alone, in a word, and among Latin words."""
    for name, first, last in blocks():
        chars = block_sample(rng, first, last, count)
        yield f"block {name}", f"{' '.join(chars)} {''.join(chars)} the model {''.join(chars * 3)} cost"


_MARKS = [chr(cp) for cp in range(0x300, 0x370)] + ["\u0951", "\u094d", "\u0670", "\u064b", "\u20dd", "\u0489"]


def combining_runs(rng: random.Random, lengths: tuple[int, ...]) -> Iterator[tuple[str, str]]:
    for base in ("a", "क", "ب", "Ж", " "):
        for length in lengths:
            yield f"{length} marks on {base!r}", base + "".join(rng.choice(_MARKS) for _ in range(length))
    yield "zalgo words", " ".join("w" + "".join(rng.choice(_MARKS) for _ in range(30)) for _ in range(400))


def emoji(rng: random.Random, repeat: int) -> Iterator[tuple[str, str]]:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    flags = "".join(chr(0x1F1E6 + rng.randrange(26)) for _ in range(2 * repeat))
    tones = "".join("\U0001f44d" + chr(0x1F3FB + rng.randrange(5)) for _ in range(repeat))
    yield "zwj families", f"DeepSeek {family * repeat} said"
    yield "long zwj chain", "\u200d".join(chr(0x1F600 + rng.randrange(80)) for _ in range(repeat * 10))
    yield "flags", flags
    yield "skin tones", tones
    yield "keycaps and selectors", ("1\ufe0f\u20e3 #\ufe0f\u20e3 \u2764\ufe0f " * repeat)
    yield "tags sequence", "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f" * repeat


def bidi(repeat: int) -> Iterator[tuple[str, str]]:
    yield "overrides", ("abc \u202eطورت שלום 123\u202c def \u202dxyz\u202c " * repeat)
    hebrew = "\u05e9\u05e0\u05d9 \u05d7\u05d5\u05d3\u05e9\u05d9\u05dd"  # "two months"
    yield "isolates", (f"\u2067ديب سيك\u2069 built \u2066R1\u2069 in \u2068{hebrew}\u2069 " * repeat)
    yield "unclosed embeddings", "\u202b" * repeat + "the model ديب" + "\u202a" * repeat
    yield "marks", ("\u200f\u200e\u061c" * repeat) + " cost ٦ million"


def long_words(length: int) -> Iterator[tuple[str, str]]:
    for name, unit in (("latin", "a"), ("arabic", "ب"), ("devanagari", "कि"), ("cjk", "深"),
                       ("zero width", "\u200b"), ("soft hyphen", "x\u00ad"), ("word joiner", "y\u2060"),
                       ("ligature", "\ufdfa")):
        yield f"long {name} word", unit * (length // len(unit))


def distinct_words(rng: random.Random, size: int) -> str:
    """About ``size`` bytes of short words, nearly all different."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: list[str] = []
    total = 0
    while total < size:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 7)))
        words.append(word)
        total += len(word) + 1
    return " ".join(words)[:size]


def known_failures() -> Iterator[tuple[str, str]]:
    """What issue 21 found: one character that overflows FreeType's rasteriser."""
    yield "U+FDFD alone", "\ufdfd"
    yield "U+FDFD in a claim", "He opened with \ufdfd and then said the model cost $6 million."


def texts(seed: int = 21, *, per_block_count: int = 4, marks: tuple[int, ...] = (10, 300, 5000),
          repeat: int = 40, word_length: int = 200_000, words_size: int = MIB) -> Iterator[tuple[str, str]]:
    """Every kind of hostile text, (name, text)."""
    rng = random.Random(seed)
    yield from known_failures()
    yield from per_block(rng, per_block_count)
    yield from combining_runs(rng, marks)
    yield from emoji(rng, repeat)
    yield from bidi(repeat)
    yield from long_words(word_length)
    yield "1 MiB of short distinct words", distinct_words(rng, words_size)
