"""Share cards: what a shared link shows, a 1200x630 PNG per claim page and one for the site.

Takes a ``Card`` (the words a card shows and its verdict colours) and gives PNG
bytes, drawn with Pillow alone: no Cairo, no network. Fonts are Noto Sans (Latin,
Greek, Cyrillic), Noto Sans Arabic and Noto Sans Devanagari from their PyPI font
packages, then any font files a site adds (``card_fonts``, e.g. a CJK font). Each
stretch of text is set in the first font that has all its characters; text that no
font covers is left off the card and reported, never drawn as empty boxes.

Cards are cached by content (a hash of their words, colours, the fonts' bytes, this
module's code and the Pillow and zlib that encode them): in memory while ``serve`` runs,
and on disk across builds, in ``cache_dir/cards/`` or, for a site without ``cache_dir``,
in ``.cache/plugin/factcheck/cards/`` beside mkdocs.yml (``DEFAULT_CACHE``: the folder a
CI cache step restores, with the published record's facts). A cached card is the very
file a cold build draws, so a site is byte-identical whether its cards were drawn or not.
Cold cards are drawn in worker processes (at most the ``workers`` option's count; none
with ``workers: 1``) while the pages are built, each written to disk as it is drawn;
the parts every card of a build shares (the accent, the kicker, the verdict's caption
and badge) are drawn once per process and copied.

Card text is contributor text, so drawing is bounded and never fails a build: each
field is cut to the ``MAX_CHARS`` a card could ever show before it is laid out
(words are measured without being rasterised; only the lines drawn are), and any
error while drawing one card (FreeType's "raster overflow" on U+FDFD, Pillow's
decompression-bomb guard, ``MemoryError``, a worker that died) gives that page the
site's card instead and a ``CardFailure`` naming the field, which the adapters
report with the claim file and line. ``undrawable`` predicts the characters the
renderer fails on, cheaply, for ``factcheck validate``.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel, png
from .versions import installed

if TYPE_CHECKING:  # Pillow is imported where a card is drawn: a warm build never needs it
    from PIL import Image, ImageFont

WIDTH, HEIGHT = 1200, 630
FOLDER = "assets/factcheck/cards"
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
BUNDLED_PACKAGES = ("fontpkg_noto_sans", "fontpkg_noto_sans_arabic", "fontpkg_noto_sans_devanagari")
# Below this many cold cards, starting worker processes costs more than it saves.
PARALLEL_FROM = 24
BATCH = 32
MAX_WORKERS = 4  # card processes: beyond this the pages, not the cards, end the build
# Beside mkdocs.yml, for a site without cache_dir (cards in its cards/ folder).
DEFAULT_CACHE = Path(".cache") / "plugin" / "factcheck"
log = logging.getLogger("mkdocs.plugins.factcheck.cards")  # under MkDocs, shown with `mkdocs build -v`
# The most characters of one field a card considers. The widest headline (6 lines of
# 1040 px at 42 px on the site's card, 5 at 36 px on a claim's) holds at most ~1,160
# characters that advance at all (the narrowest covered glyph, U+2044, is 5.4 px wide at
# 42 px), so for such text the cut is past what is drawn and the card is the same; text
# beyond it costs nothing, whatever the file's size (tests/test_card_safety.py).
MAX_CHARS = 2000


@dataclass(frozen=True)
class Layout:
    """Where a card's own words go: the headline between two heights, in the first of its
    sizes it fits at (shortened at the last), and the byline's lines from a height."""

    headline_top: int
    headline_bottom: int
    headline_sizes: tuple[int, ...]
    byline_top: int
    byline_lines: int

    def headline_lines(self, size: int) -> int:
        return (self.headline_bottom - self.headline_top) // _leading(size)


def _leading(size: int) -> int:
    return int(size * 1.25)


KICKER_TOP, KICKER_SIZE = 56, 30
BYLINE_SIZE, BYLINE_LEADING = 30, 40
# A claim's card leads with the finding, for a reader scrolling a feed: under the kicker
# the caption ("OUR VERDICT") and the verdict's badge, large; then the quoted claim, set
# smaller than the badge's label; who made it, and when, at the foot.
CAPTION_TOP, CAPTION_SIZE = 120, 28
BADGE_TOP, BADGE_HEIGHT, BADGE_PADDING = 158, 104, 36
BADGE_SIZES = (60, 52, 44)  # a long label is set smaller before it is shortened
CLAIM_LAYOUT = Layout(headline_top=296, headline_bottom=522, headline_sizes=(48, 42, 36),
                       byline_top=550, byline_lines=1)
# The site's card: its name large, its description in two lines below (not cut mid-phrase).
SITE_LAYOUT = Layout(headline_top=130, headline_bottom=470, headline_sizes=(64, 56, 48, 42),
                      byline_top=500, byline_lines=2)
# Every size a card sets text in (undrawable and font_problem try each).
SIZES = tuple(sorted({*CLAIM_LAYOUT.headline_sizes, *SITE_LAYOUT.headline_sizes, *BADGE_SIZES,
                      KICKER_SIZE, BYLINE_SIZE, CAPTION_SIZE}, reverse=True))

# The card is drawn as a greyscale image whose levels index a palette of two colour
# ramps: 0-127 from ink to paper, 128-255 from the badge's text to the badge. Text
# drawn at one end of a ramp onto the other end is anti-aliased along that ramp, and
# the PNG is a small paletted one (encoded several times faster than RGB).
INK, MUTED, PAPER = 0, 56, 127
BADGE_TEXT, BADGE = 128, 255
PAPER_RGB, INK_RGB = (255, 255, 255), (24, 24, 27)


@dataclass(frozen=True)
class Card:
    """The words and colours of one card. ``label`` empty: the site's card (no verdict)."""

    stem: str  # file name stem: the claim id, or "site"
    kicker: str  # small line at the top, e.g. "Fact check · Desk name"
    headline: str  # the quoted claim, or the site's name
    byline: str  # e.g. "Claim by DeepSeek", or the site's description
    label: str = ""
    colour: str = "#3f51b5"
    text_colour: str = "#ffffff"
    caption: str = ""  # names the verdict above its badge, e.g. "Our verdict"

    def key(self, fonts: Sequence[str]) -> str:
        parts = [self.kicker, self.headline, self.byline, self.label, self.colour, self.text_colour,
                 self.caption, *_font_stamps(tuple(fonts)), _CODE_STAMP, _encoder_stamp()]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


@lru_cache(maxsize=16)
def _font_stamps(fonts: tuple[str, ...]) -> tuple[str, ...]:
    """Each font by its bytes, not its path: a font file replaced under the same name gives
    new cards, and a site's cards keep their names wherever the packages are installed."""
    stamps = []
    for path in fonts:
        try:
            stamps.append(hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16])
        except OSError:
            stamps.append(path)  # not readable: font_problem says so; drawing falls back
    return tuple(stamps)


@lru_cache(maxsize=1)
def _encoder_stamp() -> str:
    """The versions that turn a card into bytes: another Pillow (its FreeType) or zlib may
    draw or pack it differently, and a cached card must be the file this build would draw."""
    return f"pillow {installed('pillow', '?')}, zlib {zlib.ZLIB_RUNTIME_VERSION}"


def card_src(card: Card, fonts: Sequence[str]) -> str:
    """The card's path in the site; the content hash in the name keeps shared links' images fresh."""
    return f"{FOLDER}/{card.stem}-{card.key(fonts)}.png"


@lru_cache(maxsize=1)
def bundled_fonts() -> tuple[str, ...]:
    """Paths of the packaged font families' upright (variable) faces, from their packages
    directly (fontpkg's own lookup scans every installed distribution: half a second)."""
    paths = []
    for name in BUNDLED_PACKAGES:
        folder = Path(importlib.import_module(name).ROOT) / "files"
        faces = sorted(p for p in folder.glob("*.[ot]tf") if "italic" not in p.name.lower())
        paths.append(str(faces[0]))
    return tuple(paths)


@dataclass(frozen=True)
class CardFailure:
    """A card that could not be drawn (its page got the fallback card): which field's text
    the renderer failed on ("headline", "byline", "kicker", "label"; "" when it cannot
    tell) and the error, for a located warning."""

    stem: str
    field: str
    reason: str
    src: str = ""  # the card's path in the site (set by CardJob.result)


class CardMaker:
    """Draws cards, or takes them from memory or the cache folder. Keep one across serve rebuilds."""

    def __init__(self) -> None:
        self._memory: dict[str, bytes] = {}
        self.drawn = 0  # cards drawn (not taken from a cache), for tests and the benchmark
        self._early: tuple[ProcessPoolExecutor, int] | None = None  # processes forked ahead, and how many

    def prestart(self, fonts: Sequence[str], expected: int, *, workers: int | None = None) -> None:
        """Fork the processes that will draw about ``expected`` cards now, while this process is
        small, and have them open the fonts; ``start`` gives them their cards. A process forked
        later, from a build holding every claim and page, shares that memory only until the build
        touches it: then each holds its own copy of it (at 10,000 claims, ~400 MiB)."""
        count = card_workers(workers, expected)
        if not count or self._early is not None:
            return
        warming: list[Future[None]] = []
        pool = parallel.forked_pool(count, lambda pool: [pool.submit(_open_fonts, tuple(fonts))
                                                         for _ in range(count)], warming)
        if pool is not None:
            self._early = (pool, count)

    @property
    def ahead(self) -> int:
        """How many card processes were started ahead and wait for their cards."""
        return self._early[1] if self._early is not None else 0

    def close(self) -> None:
        """End processes forked ahead that no job took (a build that failed before its cards)."""
        if self._early is not None:
            self._early[0].shutdown(wait=True, cancel_futures=True)
            self._early = None

    def start(self, cards: Iterable[tuple[str, Card]], fonts: Sequence[str],
              cache_dir: Path | None = None, fallback: Card | None = None, *,
              workers: int | None = None, site_dir: Path | None = None) -> CardJob:
        """Cards for each (path in the site, card): cached ones at once, cold ones drawn in
        worker processes (when there are enough, and ``workers``, the site's option, None for
        auto, allows more than one) while the caller goes on. A card that cannot be drawn is
        replaced by ``fallback`` (the site's card; None: a card without text). With
        ``site_dir`` each drawn card is written into the site as soon as it is drawn, and the
        cached ones from ``start_copying``, by a thread; ``write`` finishes the job."""
        wanted = dict(cards)
        folder = cache_dir / "cards" if cache_dir else None
        # With a cache folder a card stays on disk (its path) until it is copied into the
        # site: a thousand cards would otherwise hold tens of MiB for the whole build.
        ready: dict[str, bytes | Path] = {}
        cold: list[tuple[str, Card]] = []
        for src, card in wanted.items():
            key = card.key(fonts)
            cached = folder / f"{key}.png" if folder else None
            if key in self._memory:
                ready[src] = self._memory[key]
            elif cached is not None and cached.is_file():
                ready[src] = cached
            else:
                cold.append((src, card))
        keep = {card.key(fonts) for card in wanted.values()}
        self._memory = {k: v for k, v in self._memory.items() if k in keep}  # serve must not grow forever
        self.drawn += len(cold)
        warm = [(src, card) for src, card in wanted.items() if src in ready]
        early, self._early = self._early, None
        return CardJob(self, ready, cold, tuple(fonts), folder, warm, fallback, workers=workers, site_dir=site_dir,
                       early=early)

    def make(self, cards: Iterable[tuple[str, Card]], fonts: Sequence[str],
             cache_dir: Path | None = None, fallback: Card | None = None) -> dict[str, bytes]:
        """PNG bytes by path in the site, for each (path, card)."""
        job = self.start(cards, fonts, cache_dir, fallback)
        return {src: _bytes(data) for src, data in job.result().items()}


def card_workers(option: int | None, cold: int) -> int:
    """Processes to draw ``cold`` cards in: none below PARALLEL_FROM or with ``workers: 1``
    (they are drawn in the build process, after the pages); else one for every two of the
    option's processes (auto: of the usable CPUs), at most MAX_WORKERS and one per BATCH.
    Half, because the pages are drawn at the same time by as many processes as the option
    allows, and a card costs less than a page (about 5 ms of CPU against 10-20): more card
    processes would only each pay the start of drawing (Pillow, the fonts, ~0.3 s) again."""
    if cold < PARALLEL_FROM or option == 1:
        return 0
    return max(0, min(-(-(option or parallel.cpus()) // 2), MAX_WORKERS, -(-cold // BATCH)))


class CardJob:
    """Cards on their way: ``result()`` waits for the cold ones and caches them."""

    def __init__(self, maker: CardMaker, ready: dict[str, bytes | Path], cold: list[tuple[str, Card]],
                 fonts: tuple[str, ...], folder: Path | None, ready_cards: Sequence[tuple[str, Card]] = (),
                 fallback: Card | None = None, *, workers: int | None = None, site_dir: Path | None = None,
                 early: tuple[ProcessPoolExecutor, int] | None = None) -> None:
        self._maker, self._ready, self._cold, self._fonts, self._folder = maker, ready, cold, fonts, folder
        self._fallback, self._site_dir = fallback, site_dir
        # Stems of cards whose headline no font covers (drawn without it).
        self.uncovered = [card.stem for _, card in [*cold, *ready_cards]
                          if uncovered(_drawable(card.headline), fonts)]
        self.failures: list[CardFailure] = []  # cards that got the fallback, once result() has run
        self._batches = [cold[i : i + BATCH] for i in range(0, len(cold), BATCH)]
        self._futures: list[Future[list[tuple[bytes | Path, CardFailure | None]]]] = []
        self._copier: threading.Thread | None = None
        count = card_workers(workers, len(cold))
        if early is not None and (not count or early[1] < count):  # too few: they go, a pool of the size comes
            early[0].shutdown(wait=False, cancel_futures=True)
            early = None
        self._pool: parallel.EndWhenDone | None = None
        if early is not None:
            self._futures.extend(early[0].submit(_draw_beside, batch, *self._work()) for batch in self._batches)
            self._pool = parallel.EndWhenDone(early[0], self._futures)
            log.debug(f"{len(cold)} share cards drawn in {early[1]} worker processes started ahead")
        else:
            self._pool = _start_pool(count, self._batches, self._work(), self._futures) if count else None

    def _work(self) -> tuple[tuple[str, ...], Card | None, Path | None, Path | None]:
        return self._fonts, self._fallback, self._folder, self._site_dir

    def result(self) -> dict[str, bytes | Path]:
        """Each card by path in the site: its file in the cache folder, or its PNG bytes (no
        folder, or a card that got the fallback). Without workers the cold ones are drawn now."""
        drawn: list[tuple[bytes | Path, CardFailure | None]] = []
        if self._pool is not None:
            for batch, future in zip(self._batches, self._futures, strict=True):
                try:
                    drawn += future.result()
                except Exception:  # a worker died (killed, out of memory): its cards are drawn here
                    drawn += _draw_batch(batch, *self._work())
            self._pool.close(cancel=False)
            self._pool = None
        else:
            drawn = _draw_batch(self._cold, *self._work())
        for (src, card), (data, failure) in zip(self._cold, drawn, strict=True):
            if failure is not None:  # not cached: every build draws it again and says so
                self.failures.append(replace(failure, src=src))
            elif isinstance(data, bytes) and self._folder is None:  # memory is the only cache (serve keeps the maker)
                self._maker._memory[card.key(self._fonts)] = data
            self._ready[src] = data
        self._cold, self._batches, self._futures = [], [], []
        return self._ready

    def start_copying(self, site_dir: Path) -> None:
        """Copy the cards already on disk into the site now, in a thread, while the pages are
        built: copying waits on the disk, not on the interpreter. ``write`` does the rest."""
        if self._copier is not None:
            return
        ready = [(src, data) for src, data in self._ready.items() if isinstance(data, Path)]
        self._copier = threading.Thread(target=_copy_cards, args=(ready, site_dir), daemon=True,
                                        name="factcheck-cards")
        self._copier.start()

    def wait(self) -> None:
        """Until the copying thread (if any) is done."""
        if self._copier is not None:
            self._copier.join()

    def cancel(self) -> None:
        """For a build that failed: cards not being drawn yet never are (a batch being drawn is
        finished), and nothing is left writing into the site."""
        if self._pool is not None:
            self._pool.close(cancel=True)
            self._pool = None
        self.wait()

    def write(self, site_dir: Path) -> None:
        """Every card into the built site."""
        self.wait()
        for src, data in self.result().items():
            path = site_dir / src
            size = data.stat().st_size if isinstance(data, Path) else len(data)
            if path.is_file() and path.stat().st_size == size:
                continue  # its name holds its content's hash: already there (copied, drawn, or the last serve build's)
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                shutil.copyfile(data, path)
            else:
                path.write_bytes(data)


def _start_pool(workers: int, batches: list[list[tuple[str, Card]]],
                work: tuple[tuple[str, ...], Card | None, Path | None, Path | None],
                futures: list[Future[list[tuple[bytes | Path, CardFailure | None]]]]) -> parallel.EndWhenDone | None:
    """Forked workers drawing every batch, or None where no process can start (the cards are
    then drawn in ``result``)."""
    pool = parallel.forked_pool(workers, lambda pool: [pool.submit(_draw_beside, batch, *work)
                                                      for batch in batches], futures)
    if pool is None:
        return None
    log.debug(f"{sum(map(len, batches))} share cards drawn in {workers} worker processes")
    return parallel.EndWhenDone(pool, futures)


def _open_fonts(fonts: tuple[str, ...]) -> None:
    """In a card process started ahead: what every card needs, made while the build reads claims."""
    for path in fonts:
        _coverage(path)
        for size in SIZES:
            _font(path, size)


def _copy_cards(cards: list[tuple[str, Path]], site_dir: Path) -> None:
    try:
        for src, cached in cards:
            path = site_dir / src
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, path)
    except OSError:
        return  # `write` copies what is missing (or short) and raises the error where a build reports it


def font_problem(path: str) -> str:
    """Why the cards cannot use a font file ("" when they can)."""
    if not Path(path).is_file():
        return "no such file"
    try:
        _coverage(path)
        for size in SIZES:
            _font(path, size)
    except Exception as exc:
        return f"not a font the cards can read ({_reason(exc)})"
    return ""


def uncovered(text: str, fonts: tuple[str, ...]) -> str:
    """The characters of text that none of the fonts has ("" when all are covered)."""
    if _latin(text):
        return ""  # Latin and general punctuation: Noto Sans, always the first font, has them all
    coverage = [_coverage(path) for path in fonts]
    missing = {ch for ch in text if not ch.isspace() and not any(ord(ch) in cmap for cmap in coverage)}
    return "".join(sorted(missing))


def undrawable(text: str, fonts: tuple[str, ...] | None = None, *, headline: bool = False) -> str:
    """The characters of the part of text a card would show that the renderer cannot draw
    in a font that has them, at some card size ("" for none): U+FDFD overflows FreeType's
    rasteriser. Each character is tried once per process (a few ms for a new script), so
    ``factcheck validate`` can predict a fallback card without drawing any card. A
    ``headline`` that a font does not cover is left off the card, so it cannot fail it."""
    shown = _drawable(text)
    if _latin(shown):
        return ""  # every one of these renders at every size (tests/test_card_safety.py)
    fonts = fonts or bundled_fonts()
    if headline and uncovered(shown, fonts):
        return ""
    coverage = {path: _coverage(path) for path in fonts}
    bad = {ch for ch in set(shown) if not ch.isspace()
           and any(ord(ch) in cmap and not _renders(path, ch) for path, cmap in coverage.items())}
    return "".join(sorted(bad))


@lru_cache(maxsize=8192)
def _renders(path: str, ch: str) -> bool:
    try:
        for size in SIZES:
            _piece.__wrapped__(path, size, ch)  # not kept: the cache is for the words of cards
    except Exception:
        return False
    return True


_NOT_LATIN = re.compile("[^\u0000-\u024f\u2000-\u206f]")  # Latin letters and general punctuation


def _latin(text: str) -> bool:
    return _NOT_LATIN.search(text) is None


def draw_or_fallback(card: Card, fonts: tuple[str, ...],
                     fallback: Card | None = None) -> tuple[bytes, CardFailure | None]:
    """The card as PNG bytes; if the renderer fails on it, the fallback card (the site's;
    None or failing too: a card without text) and what failed. Never raises."""
    try:
        return draw(card, fonts), None
    except Exception as exc:  # MemoryError and Pillow's DecompressionBombError are Exceptions too
        failure = CardFailure(card.stem, _failing_field(card, fonts), _reason(exc))
    if fallback is not None:
        try:
            return draw(fallback, fonts), failure
        except Exception:
            pass
    return draw(Card(card.stem, "", "", ""), ()), failure  # no text: no font is touched


_FIELDS = ("headline", "byline", "kicker", "label")


def _failing_field(card: Card, fonts: tuple[str, ...]) -> str:
    """The field whose text makes drawing fail: the first that fails on a card of its own,
    else the one the card draws without ("" if neither tells)."""
    for name in _FIELDS:
        try:
            draw(replace(card, **{other: "" for other in _FIELDS if other != name}), fonts)
        except Exception:
            return name
    for name in _FIELDS:
        try:
            draw(replace(card, **{name: ""}), fonts)
        except Exception:
            continue
        return name
    return ""


def _reason(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def draw(card: Card, fonts: tuple[str, ...]) -> bytes:
    """The card as PNG bytes."""
    image = _frame(card.kicker, card.caption, card.label, fonts).copy()
    layout = CLAIM_LAYOUT if card.label else SITE_LAYOUT
    headline = _drawable(card.headline)
    headline = headline if not uncovered(headline, fonts) else ""
    size, lines = _headline(headline, fonts, layout)
    for number, line in enumerate(lines):
        _draw_line(image, line, fonts, size, MARGIN, layout.headline_top + number * _leading(size), INK)
    byline = _fit_lines(card.byline, fonts, BYLINE_SIZE, layout.byline_lines) or []
    for number, line in enumerate(byline):
        _draw_line(image, line, fonts, BYLINE_SIZE, MARGIN, layout.byline_top + number * BYLINE_LEADING, MUTED)

    # Only the bands of rows with the card's own text are compressed here (png.py).
    encoder = _encoder(card.kicker, card.caption, card.label, fonts)
    return encoder.encode(image.tobytes(), bytes(_palette(card)))


@lru_cache(maxsize=16)  # beside each frame: its bands compressed
def _encoder(kicker: str, caption: str, label: str, fonts: tuple[str, ...]) -> png.BandedEncoder:
    return png.BandedEncoder(_frame(kicker, caption, label, fonts).tobytes(), WIDTH, HEIGHT)


def _headline(text: str, fonts: tuple[str, ...], layout: Layout) -> tuple[int, list[str]]:
    """The largest of the layout's sizes the text fits at, and its lines; at the smallest
    size, shortened to fit."""
    for size in layout.headline_sizes[:-1]:
        lines = _fit_lines(text, fonts, size, layout.headline_lines(size), shorten=False)
        if lines is not None:
            return size, lines
    size = layout.headline_sizes[-1]
    return size, _fit_lines(text, fonts, size, layout.headline_lines(size)) or []


@lru_cache(maxsize=16)  # one per verdict and the site's: 0.75 MB each
def _frame(kicker: str, caption: str, label: str, fonts: tuple[str, ...]) -> Image.Image:
    """What the cards of a build share, drawn once per process and copied for each card: the
    accent bar, the kicker and, on a claim's card, the verdict's caption and badge (its label
    on it). The headline and byline, each card's own, go on a copy."""
    from PIL import Image, ImageDraw
    image = Image.new("L", (WIDTH, HEIGHT), PAPER)
    ImageDraw.Draw(image).rectangle((0, 0, 24, HEIGHT), fill=INK if not label else BADGE)
    kicker_lines = _fit_lines(kicker, fonts, KICKER_SIZE, 1)
    if kicker_lines:
        _draw_line(image, kicker_lines[0], fonts, KICKER_SIZE, MARGIN, KICKER_TOP, MUTED)
    if label:
        _draw_verdict(image, caption, label, fonts)
    return image


def _draw_verdict(image: Image.Image, caption: str, label: str, fonts: tuple[str, ...]) -> None:
    """The caption and, below it, the badge with the label on it, at the left or, when the
    caption (or, without one, the label) reads right to left, at the right."""
    from PIL import ImageDraw
    caption_lines = _fit_lines(caption.upper(), fonts, CAPTION_SIZE, 1)
    if caption_lines:
        _draw_line(image, caption_lines[0], fonts, CAPTION_SIZE, MARGIN, CAPTION_TOP, MUTED)
    room = TEXT_WIDTH - 2 * BADGE_PADDING
    size = next((size for size in BADGE_SIZES if _width(_drawable(label), fonts, size) <= room), BADGE_SIZES[-1])
    shown = (_fit_lines(label, fonts, size, 1, room) or [""])[0]
    width = _width(shown, fonts, size) + 2 * BADGE_PADDING
    left = WIDTH - MARGIN - width if _reads_right_to_left(caption or label) else MARGIN
    ImageDraw.Draw(image).rounded_rectangle((left, BADGE_TOP, left + width - 1, BADGE_TOP + BADGE_HEIGHT - 1),
                                            radius=24, fill=BADGE)  # the corners are pixels in: -1
    if shown:  # centred on its font's line, from ascender to descender, as text is set
        ascent, descent = _font(_runs(shown, fonts)[0][0], size).getmetrics()
        baseline = BADGE_TOP + (BADGE_HEIGHT + ascent - descent) // 2
        _draw_line(image, shown, fonts, size, left + BADGE_PADDING, baseline - _ascent(fonts[0], size),
                   BADGE_TEXT, end=left + width - BADGE_PADDING)


# --- Text: fonts by coverage, lines that fit --------------------------------------------


@lru_cache(maxsize=16)
def _coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont  # type: ignore[import-untyped]

    if path.lower().endswith((".ttc", ".otc")):
        return frozenset(TTCollection(path, lazy=True).fonts[0].getBestCmap())
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont
    font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    try:
        axes = font.get_variation_axes()
    except OSError:
        return font  # not a variable font: its own weight
    font.set_variation_by_axes([700.0 if axis["name"] == b"Weight" else float(axis["default"] or 0)
                               for axis in axes])
    return font


@lru_cache(maxsize=64)
def _ascent(path: str, size: int) -> int:
    return int(_font(path, size).getmetrics()[0])


def _runs(text: str, fonts: tuple[str, ...]) -> list[tuple[str, str]]:
    """(font path, text) stretches: each in the first font that has its characters."""
    runs: list[tuple[str, str]] = []
    coverage = {path: _coverage(path) for path in fonts}
    current = fonts[0]
    for ch in text:
        if not (ch.isspace() or ord(ch) in coverage[current]):
            current = next((path for path in fonts if ord(ch) in coverage[path]), current)
        if runs and runs[-1][0] == current:
            runs[-1] = (current, runs[-1][1] + ch)
        else:
            runs.append((current, ch))
    return runs


@dataclass(frozen=True)
class _Piece:
    """A stretch of text in one font, drawn once: its coverage mask, offset from the start
    of its baseline, and advance."""

    mask: Image.Image | None
    offset: tuple[int, int]
    advance: int


# Claims share most of their words: each word is rendered once per size and pasted.
@lru_cache(maxsize=4096)
def _piece(path: str, size: int, text: str) -> _Piece:
    from PIL import Image, ImageDraw
    font = _font(path, size)
    advance = round(font.getlength(text))
    # From the baseline: stretches in fonts of other ascents (Noto Sans Arabic's is a third
    # higher than Noto Sans') share one line.
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor="ls"))
    if right <= left or bottom <= top:
        return _Piece(None, (0, 0), advance)
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, anchor="ls")
    return _Piece(mask, (left, top), advance)


def _pieces(text: str, fonts: tuple[str, ...], size: int) -> list[_Piece]:
    return [_piece(path, size, word) for path, run in _runs(text, fonts) for word in _WORDS_AND_SPACES.findall(run)]


@lru_cache(maxsize=8192)
def _advance(path: str, size: int, text: str) -> int:
    """A piece's advance, as ``_piece`` has it, without rasterising it (layout measures
    every word it considers; only the words drawn are rasterised)."""
    return round(_font(path, size).getlength(text))


@lru_cache(maxsize=8192)
def _width(text: str, fonts: tuple[str, ...], size: int) -> int:
    return sum(_advance(path, size, word) for path, run in _runs(text, fonts)
               for word in _WORDS_AND_SPACES.findall(run))


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_WORDS = re.compile(r"\S+\s*")
_WORDS_AND_SPACES = re.compile(r"\S+|\s+")
# Words, a long one in pieces: finding the first MAX_CHARS never reads (or copies) the rest.
_CHUNKS = re.compile(rf"\S{{1,{MAX_CHARS + 1}}}")
_CLOSING = ("”", "»", '"', "“")


def _drawable(text: str) -> str:
    """Text as a card lays it out: whitespace collapsed (as ``str.split`` does), cut to
    MAX_CHARS characters, keeping a closing quotation mark (``_shorten`` ends on it)."""
    words: list[str] = []
    length = -1
    for match in _CHUNKS.finditer(text):
        words.append(match.group())
        length += len(words[-1]) + 1
        if length > MAX_CHARS:
            break
    else:
        return " ".join(words)
    last = text.rstrip()[-1:]
    return " ".join(words)[:MAX_CHARS] + (last if last in _CLOSING else "")


def _fit_lines(text: str, fonts: tuple[str, ...], size: int, limit: int,
               width: int = TEXT_WIDTH, *, shorten: bool = True) -> list[str] | None:
    """Text wrapped into at most ``limit`` lines of ``width``; if it does not fit, the last
    line shortened with an ellipsis (with ``shorten`` false, None: try a smaller size)."""
    text = _drawable(text)
    if not text or limit < 1:
        return []
    lines: list[str] = []
    line, line_width = "", 0
    for word in _tokens(text, fonts, size, width):
        word_width = _width(word.rstrip(), fonts, size)
        if line and line_width + word_width > width:
            lines.append(line.rstrip())
            line, line_width = "", 0
        line += word
        line_width += _width(word, fonts, size)
    lines.append(line.rstrip())
    if len(lines) <= limit:
        return lines
    if shorten:
        return [*lines[: limit - 1], _shorten(" ".join(lines[limit - 1 :]), fonts, size, width)]
    return None


def _tokens(text: str, fonts: tuple[str, ...], size: int, width: int) -> list[str]:
    """Words; a word wider than the line (or a script written without spaces) by characters."""
    tokens: list[str] = []
    for word in _WORDS.findall(text):
        if _width(word, fonts, size) <= width:
            tokens.append(word)
        else:
            tokens.extend(word)
    return tokens


def _shorten(text: str, fonts: tuple[str, ...], size: int, width: int) -> str:
    """The longest start of text, cut at a word where there is one, that fits with "…"."""
    closing = text[-1] if text.endswith(_CLOSING) else ""
    room = width - _width("…" + closing, fonts, size)
    kept, used = "", 0
    for word in _WORDS.findall(text):
        used += _width(word.rstrip(), fonts, size)
        if used > room:
            break
        used += _width(word, fonts, size) - _width(word.rstrip(), fonts, size)
        kept += word
    if not kept:  # one long word (or text without spaces): cut by characters
        for ch in text:
            if _width(kept + ch, fonts, size) > room:
                break
            kept += ch
    return kept.rstrip(" ,;:.-\u2013\u2014") + "…" + closing


def _draw_line(image: Image.Image, line: str, fonts: tuple[str, ...], size: int,
               x: int, y: int, fill: int, *, end: int = WIDTH - MARGIN) -> None:
    """A line from ``x`` rightwards, its top at ``y`` (the first font's ascender); one that
    reads right to left ends at ``end``."""
    y += _ascent(fonts[0], size)  # every piece is placed on the baseline
    if not _RTL.search(line):
        for piece in _pieces(line, fonts, size):
            _paste(image, piece, x, y, fill)
            x += piece.advance
        return
    words, right_to_left = _visual_order(line, fonts)
    pieces = [_piece(path, size, word) for path, word in words]
    if right_to_left:
        x = end - sum(piece.advance for piece in pieces)
    for piece in pieces:
        _paste(image, piece, x, y, fill)
        x += piece.advance


def _visual_order(line: str, fonts: tuple[str, ...]) -> tuple[list[tuple[str, str]], bool]:
    """The line's (font, word) pieces as they are seen from left to right, and whether it
    reads right to left. A line takes the direction of its first letter (as Unicode's
    bidirectional algorithm does); each word keeps its own, and a word with no letter
    (digits, punctuation, spaces) takes its neighbours' when they agree, else the line's.
    So in "Claim by ديب سيك, 20 January 2025" only the Arabic name is reversed, and in an
    Arabic line a run of Latin words keeps its order. Each piece is shaped on its own."""
    words = [(path, part) for path, run in _runs(line, fonts) for word in _WORDS_AND_SPACES.findall(run)
             for part in _unpunctuated(word)]
    strong = [_direction(word) for _, word in words]
    right_to_left = next((d for d in strong if d is not None), False)
    resolved = _resolved(strong, right_to_left)
    ordered = []
    for backwards, run in groupby(zip(resolved, words, strict=True), key=itemgetter(0)):
        in_order = [word for _, word in run]
        ordered.append(in_order[::-1] if backwards else in_order)
    if right_to_left:
        ordered.reverse()
    return [word for run in ordered for word in run], right_to_left


def _resolved(strong: list[bool | None], line: bool) -> list[bool]:
    """Each word's direction: its own, or for a word without one (None) its neighbours'
    when the ones before and after it agree, else the line's (in one pass each way)."""
    following: list[bool] = []
    upcoming = line
    for direction in reversed(strong):
        following.append(upcoming)
        upcoming = upcoming if direction is None else direction
    resolved: list[bool] = []
    before = line
    for direction, after in zip(strong, reversed(following), strict=True):
        if direction is None:
            resolved.append(before if before == after else line)
        else:
            resolved.append(direction)
            before = direction
    return resolved


def _unpunctuated(word: str) -> list[str]:
    """A right-to-left word with the punctuation at its ends apart, to be placed by its
    neighbours: the comma after an Arabic name in an English line follows the name."""
    if not _RTL.search(word):
        return [word]
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith("P"):
        end -= 1
    return [part for part in (word[:start], word[start:end], word[end:]) if part]


def _direction(word: str) -> bool | None:
    """True for a word of a right-to-left script, False for one with other letters, None
    for one without letters."""
    if _RTL.search(word):
        return True
    return False if any(ch.isalpha() for ch in word) else None


def _reads_right_to_left(text: str) -> bool:
    return next((d for d in map(_direction, _WORDS.findall(text)) if d is not None), False)


def _paste(image: Image.Image, piece: _Piece, x: int, y: int, fill: int) -> None:
    if piece.mask is not None:
        image.paste(fill, (x + piece.offset[0], y + piece.offset[1]), piece.mask)


# --- Colours, files, workers ------------------------------------------------------------


def _palette(card: Card) -> list[int]:
    return _ramps(card.text_colour, card.colour)


@lru_cache(maxsize=64)
def _ramps(text_colour: str, colour: str) -> list[int]:
    def rgb(colour: str) -> tuple[int, int, int]:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

    def ramp(start: tuple[int, int, int], end: tuple[int, int, int]) -> list[int]:
        return [round(a + (b - a) * i / 127) for i in range(128) for a, b in zip(start, end, strict=True)]

    return ramp(INK_RGB, PAPER_RGB) + ramp(rgb(text_colour), rgb(colour))


Drawn = list[tuple["bytes | Path", "CardFailure | None"]]  # per card: its file (or bytes), and why it fell back


def _draw_beside(cards: list[tuple[str, Card]], fonts: tuple[str, ...], fallback: Card | None = None,
                 folder: Path | None = None, site_dir: Path | None = None) -> Drawn:
    """``_draw_batch`` in a card process, which yields the CPU to the build (the pages)."""
    parallel.yield_to_the_build()
    return _draw_batch(cards, fonts, fallback, folder, site_dir)


def _draw_batch(cards: list[tuple[str, Card]], fonts: tuple[str, ...], fallback: Card | None = None,
                folder: Path | None = None, site_dir: Path | None = None) -> Drawn:
    """Each (path in the site, card) drawn, and written as it is drawn: into the cache folder
    (giving its path there) and into the site; a card that got the fallback as its bytes."""
    done: Drawn = []
    for src, card in cards:
        data, failure = draw_or_fallback(card, fonts, fallback)
        if failure is None and site_dir is not None:
            _write_into_site(site_dir / src, data)
        kept = _write(folder / f"{card.key(fonts)}.png", data) if failure is None and folder else data
        done.append((kept, failure))
    return done


def _write_into_site(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError:
        return  # `write` writes it again (a short file has the wrong size), where an error is reported


def _bytes(data: bytes | Path) -> bytes:
    return data.read_bytes() if isinstance(data, Path) else data


def _write(path: Path, data: bytes) -> Path | bytes:
    """The card into the cache folder (its path), or its bytes if the folder cannot take it:
    the cache only saves time, so a full disk or a read-only folder never fails a build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A new file of a random name (O_EXCL: never one that is there, never a link someone
        # planted under a name we would use), then renamed over: an interrupted build never
        # leaves half a card.
        handle, temporary = tempfile.mkstemp(prefix=".card-", suffix=".tmp", dir=path.parent)
    except OSError:
        return data
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return data
    return path


# The code that draws and encodes a card: a change to either gives every card a new name.
_CODE_STAMP = hashlib.sha256(Path(__file__).read_bytes() + Path(png.__file__).read_bytes()).hexdigest()[:12]
