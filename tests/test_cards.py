"""Share cards: drawn with Pillow in packaged fonts, shortened well, never boxes, cached by content."""

from __future__ import annotations

import importlib.util
import io
import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest
from mkdocs_factcheck.base import cards, parallel
from mkdocs_factcheck.base import png as png_encoder
from mkdocs_factcheck.base.cards import Card, CardMaker
from PIL import Image, ImageChops

FONTS = cards.bundled_fonts()
CLAIM = Card("cost", "Fact check · Test desk", "“DeepSeek built its R1 model for under $6 million.”",
             "Claim by DeepSeek, 20 January 2025", "Misleading", "#ef6c00", "#000000", "Our verdict")
ORANGE, BLACK, WHITE = (0xEF, 0x6C, 0x00), (0, 0, 0), (255, 255, 255)
INK = cards.INK_RGB  # the quoted claim's colour; the kicker, caption and byline are grey
Box = tuple[int, int, int, int]


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def ink_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in box that are not the white paper."""
    part = image.crop(box)
    colours = part.getcolors(part.width * part.height) or []
    return part.width * part.height - sum(count for count, rgb in colours if rgb == WHITE)


def box_of(image: Image.Image, rgb: tuple[int, int, int], within: Box | None = None) -> Box | None:
    """The bounding box of the pixels of exactly that colour (right of the accent bar, or
    within a box), in the card's coordinates."""
    left, top, right, bottom = within or (30, 0, image.width, image.height)
    part = image.crop((left, top, right, bottom))
    difference = ImageChops.difference(part, Image.new("RGB", part.size, rgb))
    found = ImageChops.lighter(ImageChops.lighter(*difference.split()[:2]), difference.split()[2])
    box = found.point(lambda v: 255 if v == 0 else 0).getbbox()
    return None if box is None else (box[0] + left, box[1] + top, box[2] + left, box[3] + top)


def colour_pixels(image: Image.Image, rgb: tuple[int, int, int]) -> int:
    """Pixels of exactly that colour right of the accent bar."""
    part = image.crop((30, 0, image.width, image.height))
    return sum(count for count, colour in part.getcolors(part.width * part.height) or [] if colour == rgb)


def text_bands(image: Image.Image, top: int = 0, bottom: int = cards.HEIGHT) -> list[tuple[int, int]]:
    """(first, last) rows of each stretch of rows with anything drawn on them, right of the bar."""
    part = image.crop((30, top, image.width, bottom)).convert("L")
    rows = [y + top for y in range(part.height)
            if part.crop((0, y, part.width, y + 1)).getextrema()[0] < 255]
    bands: list[tuple[int, int]] = []
    for row in rows:
        if bands and row == bands[-1][1] + 1:
            bands[-1] = (bands[-1][0], row)
        else:
            bands.append((row, row))
    return bands


def test_a_claim_card_leads_with_the_verdict_then_the_claim_then_who_made_it() -> None:
    """Issue 24: a reader scrolling a feed sees the finding first. Under the kicker, the
    caption and the badge (its label larger than the claim's text), then the quoted claim,
    then the byline at the foot."""
    image = png(cards.draw(CLAIM, FONTS))
    assert image.size == (1200, 630)
    badge, label, claim = box_of(image, ORANGE), box_of(image, BLACK), box_of(image, INK)
    assert badge and label and claim
    assert badge[0] == cards.MARGIN and (badge[2] - badge[0]) * (badge[3] - badge[1]) > 20_000
    assert badge[0] < label[0] < label[2] < badge[2] and badge[1] < label[1] < label[3] < badge[3]
    assert badge[3] < claim[1], "the badge is above the claim"
    above, below = text_bands(image, 0, badge[1]), text_bands(image, claim[3])
    assert len(above) == 2, "the kicker, then the caption"
    assert len(below) == 1 and below[0][0] > 540, "one byline, at the foot"
    assert box_of(image, INK, (0, below[0][0], cards.WIDTH, below[0][1] + 1)) is None  # grey, not the claim's ink
    first_line = text_bands(image, claim[1], claim[3] + 1)[0]
    assert label[3] - label[1] > first_line[1] - first_line[0], "the verdict is set larger than the claim"


def test_the_caption_names_the_verdict_above_its_badge() -> None:
    def caption_ink(card: Card) -> int:
        image = png(cards.draw(card, FONTS))
        badge = box_of(image, ORANGE)
        assert badge
        return ink_pixels(image, (cards.MARGIN, cards.KICKER_TOP + 45, cards.WIDTH - cards.MARGIN, badge[1]))
    assert caption_ink(CLAIM) > 500
    assert caption_ink(Card(**{**CLAIM.__dict__, "caption": ""})) == 0


def test_the_site_card_keeps_its_name_as_the_headline_and_no_badge() -> None:
    image = png(cards.draw(Card("site", "Fact checks · test.example.org", "Test desk", "Claims, checked."), FONTS))
    name = box_of(image, INK)
    assert name and name[1] < 220  # high on the card, under the kicker
    assert len(text_bands(image)) == 3  # kicker, name, description


@pytest.mark.parametrize("text", ["ديب سيك طورت نموذجها في شهرين", "डीपसीक ने अपना मॉडल दो महीने में बनाया",
                                  "Дипсик создал модель за два месяца", "Ελληνικά κείμενα"])
def test_the_packaged_fonts_cover_other_scripts(text: str) -> None:
    assert cards.uncovered(text, FONTS) == ""
    card = Card("x", "Fact check", f"“{text}”", "Claim", "False", "#b71c1c", "#ffffff", "Our verdict")
    image = png(cards.draw(card, FONTS))
    badge, claim = box_of(image, (0xB7, 0x1C, 0x1C)), box_of(image, INK)
    assert badge and claim and badge[3] < claim[1]
    assert colour_pixels(image, INK) > 1_000
    if text.startswith("ديب"):  # right to left: the claim ends at the right margin
        assert cards.WIDTH - cards.MARGIN - 10 < claim[2] <= cards.WIDTH - cards.MARGIN + 2


def test_text_no_font_covers_is_left_off_not_drawn_as_boxes() -> None:
    chinese = "“深度求索用不到六百万美元开发了模型。”"
    assert cards.uncovered(chinese, FONTS)  # no CJK font is packaged (README: card_fonts)
    card = Card("x", "Fact check", chinese, "Claim", "False", "#b71c1c", "#ffffff")
    image = png(cards.draw(card, FONTS))
    assert colour_pixels(image, INK) == 0
    assert colour_pixels(image, (0xB7, 0x1C, 0x1C)) > 5_000  # the verdict is still there
    job = CardMaker().start([("x.png", card)], FONTS)
    assert job.uncovered == ["x"]  # the plugin names the claim and the card_fonts option


def test_a_long_claim_is_shortened_at_a_word_with_an_ellipsis() -> None:
    words = "The model was trained on a cluster of two thousand chips over two months " * 8
    lines = cards._fit_lines(f"“{words.strip()}”", FONTS, 42, 6)
    assert lines is not None and len(lines) == 6
    assert lines[-1].endswith("…”")
    assert lines[-1][:-2].split()[-1] in words.split()  # a whole word before the ellipsis
    assert all(cards._width(line, FONTS, 42) <= cards.TEXT_WIDTH for line in lines)


LONG_CLAIM = ("DeepSeek developed its R1 reasoning model in just two months for under six million dollars, "
              "using only a small cluster of older Nvidia H800 chips, and it matches or beats OpenAI's o1 on "
              "every benchmark that matters while costing a tiny fraction of what American labs spend on "
              "their training runs each year.")


def test_a_300_character_claim_is_shortened_to_fit_between_the_badge_and_the_byline() -> None:
    assert len(LONG_CLAIM) >= 300
    size, lines = cards._headline(f"“{LONG_CLAIM}”", FONTS, cards.CLAIM_LAYOUT)
    assert size == cards.CLAIM_LAYOUT.headline_sizes[-1] and len(lines) == cards.CLAIM_LAYOUT.headline_lines(size)
    assert lines[-1].endswith("…”") and all(cards._width(line, FONTS, size) <= cards.TEXT_WIDTH for line in lines)
    assert size >= 36  # still legible once a feed scales the card down to a third
    image = png(cards.draw(Card(**{**CLAIM.__dict__, "headline": f"“{LONG_CLAIM}”"}), FONTS))
    badge, claim = box_of(image, ORANGE), box_of(image, INK)
    assert badge and claim and badge[3] < claim[1] and claim[2] <= cards.WIDTH - cards.MARGIN
    byline = text_bands(image, claim[3])
    assert len(byline) == 1 and byline[0][0] - claim[3] >= 12, "the byline is clear of the claim"


@pytest.mark.parametrize("label", ["Needs context", "Partly true but missing contex",
                                   "Partly true, but the figure leaves out most of the cost"])
def test_a_long_verdict_label_stays_on_its_badge_within_the_margins(label: str) -> None:
    image = png(cards.draw(Card(**{**CLAIM.__dict__, "label": label}), FONTS))
    badge, text = box_of(image, ORANGE), box_of(image, BLACK)
    assert badge and text
    assert cards.MARGIN == badge[0] < text[0] and text[2] < badge[2] <= cards.WIDTH - cards.MARGIN
    assert badge[1] < text[1] and text[3] < badge[3]
    shown = cards._fit_lines(label, FONTS, cards.BADGE_SIZES[-1], 1, cards.TEXT_WIDTH - 2 * cards.BADGE_PADDING)
    assert shown and shown[0].endswith("…") == (len(label) > 40)  # a 30-character label is shown whole


def test_a_right_to_left_verdict_is_on_its_badge_and_the_block_at_the_right() -> None:
    """An Arabic label was drawn from the card's right edge, off its badge (white on white)."""
    card = Card("x", "تحقق · checks.example.org", "“ديب سيك طورت نموذجها في شهرين”", "ادعاء من ديب سيك",
                "خطأ", "#ef6c00", "#000000", "حكمنا")
    image = png(cards.draw(card, FONTS))
    badge, text = box_of(image, ORANGE), box_of(image, BLACK)
    assert badge and text and badge[0] < text[0] and text[2] < badge[2]
    assert badge[2] == cards.WIDTH - cards.MARGIN  # mirrored, under the right-aligned caption
    claim = box_of(image, INK)
    assert claim and badge[3] < claim[1]
    english = png(cards.draw(Card(**{**card.__dict__, "caption": "Our verdict"}), FONTS))
    badge = box_of(english, ORANGE)
    assert badge and badge[0] == cards.MARGIN  # the caption's direction places the block


def test_a_line_mixing_directions_keeps_each_run_in_its_own_order() -> None:
    def seen(line: str) -> str:
        return "".join(word for _, word in cards._visual_order(line, FONTS)[0])
    assert seen("Claim by ديب سيك, 20 January 2025") == "Claim by سيك ديب, 20 January 2025"
    assert seen("ادعاء من OpenAI Global LLC") == "OpenAI Global LLC من ادعاء"
    assert seen("“ديب سيك”") == "”سيك ديب“"  # all right to left: the words from the right


def test_words_in_different_fonts_share_a_baseline() -> None:
    """"20 January 2025" after an Arabic name is set in Noto Sans Arabic (it has Latin), whose
    ascender is higher: placed by its ascender, it sat 8 px below "Claim by"."""
    image = png(cards.draw(Card(**{**CLAIM.__dict__, "byline": "Claim by ديب سيك, 20 January 2025"}), FONTS))
    top, bottom = text_bands(image, 540)[0]
    grey = image.convert("L").point(lambda v: 0 if v < 200 else 255)  # the byline's ink
    ink = ImageChops.invert(grey).crop((0, top, cards.WIDTH, bottom + 1)).getbbox()
    assert ink
    # "Claim" at the left and "2025" at the right have no descenders: both end on the baseline.
    claim_word, year = ((x, top, x + 60, bottom + 1) for x in (cards.MARGIN, ink[2] - 60))
    bottoms = [ImageChops.invert(grey).crop(box).getbbox()[3] for box in (claim_word, year)]  # type: ignore[index]
    assert abs(bottoms[0] - bottoms[1]) <= 1, bottoms


def test_a_change_to_the_drawing_code_renames_every_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Card names (and cache files) hold a hash of cards.py: a new layout is never served
    from a cache of old-layout cards, and the same code keeps its names."""
    def key_with(source: bytes) -> str:
        path = tmp_path / f"copy{len(list(tmp_path.iterdir()))}.py"
        path.write_bytes(source)
        name = "mkdocs_factcheck.base._cards_copy"  # in the package: its relative import works
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, module)
        spec.loader.exec_module(module)
        return str(module.Card(*CLAIM.__dict__.values()).key(FONTS))
    source = Path(cards.__file__).read_bytes()
    assert key_with(source) == CLAIM.key(FONTS)
    assert key_with(source + b"\n# One more line of code.\n") != CLAIM.key(FONTS)
    # The PNG encoder's code is in the hash too.
    encoder = tmp_path / "png_copy.py"
    encoder.write_bytes(Path(png_encoder.__file__).read_bytes() + b"\n# Another encoder.\n")
    monkeypatch.setattr(png_encoder, "__file__", str(encoder))
    assert key_with(source) != CLAIM.key(FONTS)


def test_cards_are_cached_in_memory_and_in_the_cache_folder(tmp_path: Path) -> None:
    maker = CardMaker()
    wanted = [(cards.card_src(CLAIM, FONTS), CLAIM)]
    first = maker.make(wanted, FONTS, tmp_path)
    assert maker.drawn == 1
    assert maker.make(wanted, FONTS, tmp_path) == first and maker.drawn == 1
    fresh = CardMaker()  # a later build: the folder has it
    assert fresh.make(wanted, FONTS, tmp_path) == first and fresh.drawn == 0
    changed = Card(**{**CLAIM.__dict__, "label": "False"})
    assert cards.card_src(changed, FONTS) != cards.card_src(CLAIM, FONTS)  # new content, new URL
    fresh.make([(cards.card_src(changed, FONTS), changed)], FONTS, tmp_path)
    assert fresh.drawn == 1


def test_many_cold_cards_are_drawn_in_worker_processes_alike() -> None:
    many = [Card(f"c{i}", "Fact check", f"“Claim number {i} about chips.”", "Claim by X", "True", "#2e7d32",
                 "#ffffff") for i in range(cards.PARALLEL_FROM + 1)]
    job = CardMaker().start([(card.stem, card) for card in many], FONTS)
    assert job._pool is not None and multiprocessing.active_children()
    # Their processes end once the cards are drawn, not when the build asks for them at its end.
    deadline = time.monotonic() + 60
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()
    drawn = job.result()
    assert drawn["c3"] == cards.draw(many[3], FONTS)
    assert len(drawn) == len(many)


def test_a_failed_build_cancels_the_cards_not_drawn_yet(tmp_path: Path) -> None:
    """Cards are handed to their processes from pre_build on: a build that fails after that (a
    clash, a missing identity page) ends without waiting for them to be drawn."""
    many = [Card(f"c{i}", "Fact check", f"“Claim number {i} about chips.”", "Claim by X", "True", "#2e7d32",
                 "#ffffff") for i in range(cards.BATCH * 8)]
    site = tmp_path / "site"
    job = CardMaker().start([(f"{cards.FOLDER}/{card.stem}.png", card) for card in many], FONTS, site_dir=site)
    assert job._pool is not None
    job.cancel()
    assert not multiprocessing.active_children()  # no process left drawing or writing into the site
    assert len(list(site.rglob("*.png"))) < len(many)  # the batches not started were never drawn


def _priority_drawing_beside(_: int) -> int:
    cards._draw_beside([], FONTS)
    return os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities here")
def test_card_processes_yield_the_cpu_to_the_pages() -> None:
    assert all(nice >= parallel.BESIDE_NICENESS for nice in parallel.pmap(_priority_drawing_beside, [1, 2], 2))


@pytest.mark.slow
def test_warm_cards_stay_on_disk_until_copied_into_the_site(tmp_path: Path) -> None:
    wanted = [(cards.card_src(CLAIM, FONTS), CLAIM)]
    drawn = CardMaker().make(wanted, FONTS, tmp_path / "cache")
    warm = CardMaker()  # a later build with the cache folder: no PNG bytes held in memory
    job = warm.start(wanted, FONTS, tmp_path / "cache")
    assert warm.drawn == 0 and warm._memory == {}
    assert all(isinstance(data, Path) for data in job.result().values())
    job.write(tmp_path / "site")
    assert (tmp_path / "site" / wanted[0][0]).read_bytes() == drawn[wanted[0][0]]


@pytest.mark.slow
def test_warm_cards_are_copied_while_pages_build_and_write_finishes_the_job(tmp_path: Path) -> None:
    other = Card("chips", "Fact check · Test desk", "“DeepSeek trained R1 on 2,048 H800 chips.”",
                 "Claim by DeepSeek", "True", "#2e7d32", "#000000")
    wanted = [(cards.card_src(card, FONTS), card) for card in (CLAIM, other)]
    drawn = CardMaker().make(wanted, FONTS, tmp_path / "cache")
    site = tmp_path / "site"
    job = CardMaker().start(wanted, FONTS, tmp_path / "cache")
    job.start_copying(site)  # a thread: `mkdocs build` starts it in on_files
    job.wait()
    assert {src: (site / src).read_bytes() for src, _ in wanted} == drawn
    # A copy cut short (the disk filled up, say) is done again by write, where errors are reported.
    first = site / wanted[0][0]
    first.write_bytes(drawn[wanted[0][0]][:100])
    untouched = (site / wanted[1][0]).stat().st_mtime_ns
    job.write(site)
    assert first.read_bytes() == drawn[wanted[0][0]]
    assert (site / wanted[1][0]).stat().st_mtime_ns == untouched  # not copied twice


def test_a_cards_name_follows_its_fonts_bytes_not_where_they_are_installed(tmp_path: Path) -> None:
    """The default card cache lives across CI runs: a font replaced under its name gives new
    cards, and the same fonts installed elsewhere keep the cards' names (and cache hits)."""
    here, there = tmp_path / "here", tmp_path / "there"
    for folder in (here, there):
        folder.mkdir()
        for font in FONTS:
            (folder / Path(font).name).write_bytes(Path(font).read_bytes())
    moved = tuple(str(there / Path(font).name) for font in FONTS)
    assert CLAIM.key(tuple(str(here / Path(font).name) for font in FONTS)) == CLAIM.key(moved) == CLAIM.key(FONTS)
    changed = there / Path(FONTS[0]).name
    changed.write_bytes(changed.read_bytes() + b"\0")
    cards._font_stamps.cache_clear()  # a new build process
    assert CLAIM.key(moved) != CLAIM.key(FONTS)


def test_text_is_taken_as_latin_up_to_latin_extended_b_and_in_general_punctuation() -> None:
    """What skips the fonts' coverage check: Basic Latin to Latin Extended-B, and the general
    punctuation block (dashes, quotes); anything else is checked against the fonts."""
    latin = [chr(point) for point in (0, 0x41, 0xE9, 0x24F, 0x2000, 0x2014, 0x206F)]
    other = [chr(point) for point in (0x250, 0x1FFF, 0x2070, 0x4E2D, 0x1F600, 0x10FFFF)]
    assert all(cards._latin(ch) for ch in latin)
    assert not any(cards._latin(ch) for ch in other)
    assert cards._latin("Zoë said — “twice”") and not cards._latin("Zoë said 中")
