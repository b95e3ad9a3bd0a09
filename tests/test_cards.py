"""Share cards: drawn with Pillow in packaged fonts, shortened well, never boxes, cached by content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from mkdocs_factcheck.base import cards
from mkdocs_factcheck.base.cards import Card, CardMaker
from PIL import Image

FONTS = cards.bundled_fonts()
CLAIM = Card("cost", "Fact check · Test desk", "“DeepSeek built its R1 model for under $6 million.”",
             "Claim by DeepSeek", "Misleading", "#ef6c00", "#000000")
HEADLINE_BOX = (cards.MARGIN, 130, cards.WIDTH - cards.MARGIN, 460)


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def ink_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels in box that are not the white paper."""
    part = image.crop(box)
    colours = part.getcolors(part.width * part.height) or []
    return part.width * part.height - sum(count for count, rgb in colours if rgb == (255, 255, 255))


def test_a_claim_card_is_1200_by_630_with_the_verdict_on_its_colour() -> None:
    image = png(cards.draw(CLAIM, FONTS))
    assert image.size == (1200, 630)
    colours = image.getcolors(1200 * 630)
    assert colours is not None
    by_colour = {rgb: count for count, rgb in colours}
    assert by_colour[(0xEF, 0x6C, 0x00)] > 20_000  # the badge and the accent bar
    badge = image.crop((cards.MARGIN, 500, cards.MARGIN + 300, 586))
    assert (0, 0, 0) in {rgb for _, rgb in badge.getcolors(300 * 86) or []}  # the label, as text on it
    assert ink_pixels(image, HEADLINE_BOX) > 5_000


@pytest.mark.parametrize("text", ["ديب سيك طورت نموذجها في شهرين", "डीपसीक ने अपना मॉडल दो महीने में बनाया",
                                  "Дипсик создал модель за два месяца", "Ελληνικά κείμενα"])
def test_the_packaged_fonts_cover_other_scripts(text: str) -> None:
    assert cards.uncovered(text, FONTS) == ""
    card = Card("x", "Fact check", f"“{text}”", "Claim", "False", "#b71c1c", "#ffffff")
    assert ink_pixels(png(cards.draw(card, FONTS)), HEADLINE_BOX) > 2_000


def test_text_no_font_covers_is_left_off_not_drawn_as_boxes() -> None:
    chinese = "“深度求索用不到六百万美元开发了模型。”"
    assert cards.uncovered(chinese, FONTS)  # no CJK font is packaged (README: card_fonts)
    card = Card("x", "Fact check", chinese, "Claim", "False", "#b71c1c", "#ffffff")
    image = png(cards.draw(card, FONTS))
    assert ink_pixels(image, HEADLINE_BOX) == 0
    assert ink_pixels(image, (cards.MARGIN, 500, 600, 586)) > 0  # the verdict is still there
    job = CardMaker().start([("x.png", card)], FONTS)
    assert job.uncovered == ["x"]  # the plugin names the claim and the card_fonts option


def test_a_long_claim_is_shortened_at_a_word_with_an_ellipsis() -> None:
    words = "The model was trained on a cluster of two thousand chips over two months " * 8
    lines = cards._fit_lines(f"“{words.strip()}”", FONTS, 42, 6)
    assert lines is not None and len(lines) == 6
    assert lines[-1].endswith("…”")
    assert lines[-1][:-2].split()[-1] in words.split()  # a whole word before the ellipsis
    assert all(cards._width(line, FONTS, 42) <= cards.TEXT_WIDTH for line in lines)


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
    assert job._pool is not None
    drawn = job.result()
    assert drawn["c3"] == cards.draw(many[3], FONTS)
    assert len(drawn) == len(many)


def test_warm_cards_stay_on_disk_until_copied_into_the_site(tmp_path: Path) -> None:
    wanted = [(cards.card_src(CLAIM, FONTS), CLAIM)]
    drawn = CardMaker().make(wanted, FONTS, tmp_path / "cache")
    warm = CardMaker()  # a later build with the cache folder: no PNG bytes held in memory
    job = warm.start(wanted, FONTS, tmp_path / "cache")
    assert warm.drawn == 0 and warm._memory == {}
    assert all(isinstance(data, Path) for data in job.result().values())
    job.write(tmp_path / "site")
    assert (tmp_path / "site" / wanted[0][0]).read_bytes() == drawn[wanted[0][0]]


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
