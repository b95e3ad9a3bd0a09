"""Issue 21: one character stopped every deploy. Share cards never fail or stall a build: the
text laid out is capped, every renderer error gives the page the site's card and a located
warning, `factcheck validate` predicts it, nothing of ours fails a build after MkDocs has
emptied site_dir, and card files are written under names nobody can plant (item 11)."""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from card_texts import distinct_words
from conftest import ENV, REPO, BuildResult, Site, claim_yaml, factcheck, make_site_in
from mkdocs_factcheck.base import cards
from mkdocs_factcheck.base.cards import Card, CardFailure, CardMaker
from mkdocs_factcheck.plan.siteplan import SettingsError, settings_from
from PIL import Image

FONTS = cards.bundled_fonts()
SITE_CARD = Card("site", "Fact checks", "Test desk", "Claims about AI models, checked")
RIGHT_OF_THE_BAR = (30, 0, cards.WIDTH, cards.HEIGHT)  # every word a card has
BISMILLAH = "\ufdfd"  # ARABIC LIGATURE BISMILLAH AR-RAHMAN AR-RAHEEM: FreeType's "raster overflow"


def claim_card(claim: str = "DeepSeek built R1 for $6 million.", claimant: str = "DeepSeek") -> Card:
    return Card("x", "Fact check · Test desk", f"“{claim}”", f"Claim by {claimant} · 20 Jan 2025",
                "Misleading", "#ef6c00", "#000000")


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (cards.WIDTH, cards.HEIGHT)
    return image.convert("RGB")


def ink_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    part = image.crop(box)
    colours = part.getcolors(part.width * part.height) or []
    return part.width * part.height - sum(count for count, rgb in colours if rgb == (255, 255, 255))


# --- The renderer ------------------------------------------------------------------------

HOSTILE = {
    "one long word": "a" * 1024 * 1024,  # raised Pillow's DecompressionBombError
    "1 MiB of short distinct words": distinct_words(random.Random(21), 1024 * 1024),  # minutes
    "a run of combining marks": "a" + "\u0301\u0308" * 20_000,
    "zero-width characters": "\u200b\u200d" * 50_000,
    "emoji and ZWJ": "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 5_000,
    "bidi overrides": "abc \u202eطورت שלום\u202c 123 \u2067ديب\u2069 " * 2_000,
    "a long Arabic word": "ب" * 100_000,
    "a long Devanagari word": "कि" * 50_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_gets_a_card_in_bounded_time(text: str) -> None:
    for card in (claim_card(claim=text), claim_card(claimant=text)):
        began = time.perf_counter()
        data, failure = cards.draw_or_fallback(card, FONTS, SITE_CARD)
        assert time.perf_counter() - began < 5  # about 0.2 s; before, minutes or an exception
        assert failure is None
        png(data)


@pytest.mark.slow
def test_a_card_the_renderer_fails_on_is_the_site_card_and_names_the_field() -> None:
    expected = cards.draw(SITE_CARD, FONTS)
    for field, card in (("headline", claim_card(claim=f"He opened with {BISMILLAH}.")),
                        ("byline", claim_card(claimant=f"{BISMILLAH} Foundation"))):
        with pytest.raises(OSError, match="raster overflow"):
            cards.draw(card, FONTS)
        data, failure = cards.draw_or_fallback(card, FONTS, SITE_CARD)
        assert data == expected
        assert failure == CardFailure("x", field, "OSError: raster overflow")
    # No site card to fall back on (or it fails too): a card without text, never an exception.
    data, failure = cards.draw_or_fallback(claim_card(claim=BISMILLAH), FONTS, Card("site", "", BISMILLAH, ""))
    assert failure is not None and ink_pixels(png(data), RIGHT_OF_THE_BAR) == 0


def test_text_past_what_a_card_shows_changes_nothing() -> None:
    """The cap is on the text drawn, not the file: 1 MiB more words after a long claim give
    the same card, in about the same time."""
    words = distinct_words(random.Random(5), 1500)
    short = cards.draw(claim_card(claim=words + " and a few words more"), FONTS)
    began = time.perf_counter()
    long = cards.draw(claim_card(claim=words + " " + distinct_words(random.Random(6), 1024 * 1024)), FONTS)
    assert long == short
    assert time.perf_counter() - began < 3


@pytest.mark.parametrize("layout", [cards.CLAIM_LAYOUT, cards.SITE_LAYOUT], ids=["claim", "site"])
def test_the_cap_is_past_every_headline_a_card_can_show(layout: cards.Layout) -> None:
    """MAX_CHARS of the narrowest glyph the fonts have (U+2044, 5.4 px at 42 px) still overflow
    each card's largest headline (its lines at its smallest size), so text that advances is
    drawn as it would be uncut."""
    for text in ("\u2044" * cards.MAX_CHARS, "\u2044 " * (cards.MAX_CHARS // 2)):
        size, lines = cards._headline(text, FONTS, layout)
        assert size == layout.headline_sizes[-1] and len(lines) == layout.headline_lines(size)
        assert lines[-1].endswith("…")
    assert len(cards._drawable("x " * 10**6)) <= cards.MAX_CHARS + 1
    assert cards._drawable("“" + "a " * 10**6 + "b”").endswith("a”")  # the closing quote is kept
    assert cards._drawable(" a \t b\n") == "a b"  # as " ".join(text.split())


@pytest.mark.slow
def test_every_character_of_the_fast_path_renders_at_every_size() -> None:
    """undrawable() trusts Latin and general punctuation without trying them: this is why."""
    latin = cards._coverage(FONTS[0])
    for cp in [*range(0x250), *range(0x2000, 0x2070)]:
        ch = chr(cp)
        if cp in latin and not ch.isspace():
            for size in cards.SIZES:
                cards._piece.__wrapped__(FONTS[0], size, ch)


def test_undrawable_names_what_the_renderer_fails_on() -> None:
    assert cards.undrawable(f"The phrase {BISMILLAH} was quoted") == BISMILLAH
    assert cards.undrawable("ديب سيك طورت نموذجها في شهرين ﷺ") == ""
    assert cards.undrawable("a" * 10**6 + BISMILLAH) == ""  # past the cap: never drawn
    # A headline with a character no font has is left off the card, so it cannot fail it.
    assert cards.undrawable(f"深度求索 {BISMILLAH}", headline=True) == ""
    assert cards.undrawable(f"深度求索 {BISMILLAH}") == BISMILLAH


@pytest.mark.slow
def test_the_quick_fuzz_run_over_every_unicode_block_stays_in_bounds() -> None:
    """bench/card_fuzz.py --quick: every Unicode block, combining runs, emoji, bidi, long words
    and a 1 MiB claim, drawn by the real renderer in a fresh process (its own memory)."""
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "card_fuzz.py"), "--quick",
                           "--max-seconds", "5", "--max-rss-growth", "300"],
                          capture_output=True, text=True, timeout=180, env=ENV)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["problems"] == [], proc.stdout[-3000:] + proc.stderr[-3000:]
    assert report["cards"] >= 2 * 330  # every block, as claim and as claimant
    assert report["seconds"] < 60
    assert {fallback["predicted"] for fallback in report["fallbacks"]} == {"U+FDFD"}


# --- Jobs, workers, cache files ------------------------------------------------------------


@pytest.mark.slow
def test_the_cards_of_a_dead_worker_are_drawn_in_the_build(tmp_path: Path) -> None:
    many = [Card(f"c{i}", "Fact check", f"“Claim number {i} about chips.”", "Claim by X", "True", "#2e7d32",
                 "#ffffff") for i in range(cards.PARALLEL_FROM * 8)]
    job = CardMaker().start([(card.stem, card) for card in many], FONTS, tmp_path, SITE_CARD)
    assert job._pool is not None and job._pool._pool is not None  # the pool, still drawing
    futures = list(job._futures)
    for pid in list(job._pool._pool._processes):  # type: ignore[attr-defined]  # as the kernel's OOM killer would
        os.kill(pid, signal.SIGKILL)
    drawn = job.result()
    assert any(isinstance(future.exception(), BrokenProcessPool) for future in futures)
    assert len(drawn) == len(many) and job.failures == []
    assert cards._bytes(drawn["c3"]) == cards.draw(many[3], FONTS)


def test_a_failed_card_is_reported_and_not_cached(tmp_path: Path) -> None:
    bad, good = claim_card(claim=BISMILLAH), claim_card()
    wanted = [("bad.png", bad), ("good.png", replace_stem(good, "good"))]
    maker = CardMaker()
    job = maker.start(wanted, FONTS, tmp_path, SITE_CARD)
    images = {src: cards._bytes(data) for src, data in job.result().items()}
    assert images["bad.png"] == cards.draw(SITE_CARD, FONTS)
    assert job.failures == [CardFailure("x", "headline", "OSError: raster overflow", "bad.png")]
    assert not (tmp_path / "cards" / f"{bad.key(FONTS)}.png").exists()  # the next build says so again
    again = maker.start(wanted, FONTS, tmp_path, SITE_CARD)
    again.result()
    assert len(again.failures) == 1


def replace_stem(card: Card, stem: str) -> Card:
    return Card(stem, card.kicker, card.headline, card.byline, card.label, card.colour, card.text_colour)


def test_cache_files_are_written_under_names_nobody_can_plant(tmp_path: Path) -> None:
    """Item 11: the temporary file was <key>.<pid>.tmp; a link planted there was written through."""
    card = claim_card()
    folder = tmp_path / "cache" / "cards"
    folder.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    planted = folder / f"{card.key(FONTS)}.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    images = CardMaker().make([("x.png", card)], FONTS, tmp_path / "cache")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (folder / f"{card.key(FONTS)}.png").read_bytes() == images["x.png"] == cards.draw(card, FONTS)
    assert sorted(p.name for p in folder.iterdir()) == sorted([planted.name, f"{card.key(FONTS)}.png"])


def test_a_cache_folder_that_cannot_be_written_does_not_fail_the_build(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    card = claim_card()
    assert CardMaker().make([("x.png", card)], FONTS, tmp_path / "cache") == {"x.png": cards.draw(card, FONTS)}


def test_card_fonts_are_checked_with_the_settings(tmp_path: Path) -> None:
    (tmp_path / "notes.ttf").write_text("not a font", encoding="utf-8")
    for name, problem in (("missing.ttf", "no such file"), ("notes.ttf", "not a font the cards can read")):
        with pytest.raises(SettingsError, match=rf"card_fonts: {re.escape(name)}: {problem}"):
            settings_from({"card_fonts": [name]}, config_dir=tmp_path, docs_dir="docs", site_name="Test desk")
    settings = settings_from({"card_fonts": [FONTS[1]]}, config_dir=tmp_path, docs_dir="docs", site_name="T")
    assert settings.card_fonts == (FONTS[1],)


# --- Builds and validate ------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _million_claim() -> str:
    """A claim file just under max_file_bytes (1 MiB) whose claim is short distinct words."""
    size = 1024 * 1024 - 2000
    while True:
        text = claim_yaml(claim=distinct_words(random.Random(1), size))
        if len(text.encode()) <= 1024 * 1024:
            return text
        size -= len(text.encode()) - 1024 * 1024 + 100


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, BuildResult, float]:
    """A site built once with a good claim, then again with hostile claims added."""
    site = make_site_in(tmp_path_factory.mktemp("cards"))
    site.write_claim("good.yml", claim_yaml())
    assert site.build().returncode == 0
    site.write_claim("bismillah.yml", claim_yaml(claim=f"The speech opened with {BISMILLAH} and went on."))
    site.write_claim("foundation.yml", claim_yaml(claimant=f"{BISMILLAH} Foundation"))
    site.write_claim("million.yml", _million_claim())
    site.write_claim("long-word.yml", claim_yaml(claim="a" * 200_000))
    began = time.perf_counter()
    result = site.build()
    return site, result, time.perf_counter() - began


def _card_of(result: BuildResult, claim_id: str) -> bytes:
    page = result.page(f"claims/{claim_id}/")
    match = re.search(r'<meta property="og:image" content="https://checks\.example\.org/([^"]+)"', page)
    assert match, page[:2000]
    return (result.site / match.group(1)).read_bytes()


@pytest.mark.slow
def test_a_build_with_hostile_cards_succeeds_with_located_warnings(
        hostile_build: tuple[Site, BuildResult, float]) -> None:
    site, result, seconds = hostile_build
    assert result.returncode == 0, result.output[-3000:]
    assert "Traceback" not in result.output
    assert seconds < 120  # 1 MiB of words took many minutes in the card layout alone
    output = " ".join(result.output.split())  # MkDocs wraps long log lines
    lines = site.claims.joinpath("bismillah.yml").read_text(encoding="utf-8").splitlines()
    claim_line = next(number for number, line in enumerate(lines, 1) if line.startswith("claim:"))
    assert (f"claims/bismillah.yml:{claim_line}:8: warning: the share card could not be drawn "
            "(OSError: raster overflow); the page shows the site's card instead") in output
    assert re.search(r"claims/foundation\.yml:\d+:\d+: warning: the share card could not be drawn .* "
                     r"\(the renderer fails on the claimant's text\)", output)
    site_card = sorted((result.site / "assets/factcheck/cards").glob("site-*.png"))
    assert len(site_card) == 1
    for claim_id in ("bismillah", "foundation"):
        assert _card_of(result, claim_id) == site_card[0].read_bytes()
    for claim_id in ("million", "long-word", "good"):
        assert _card_of(result, claim_id) != site_card[0].read_bytes()
        png(_card_of(result, claim_id))


@pytest.mark.slow
def test_validate_predicts_the_fallback_cards(hostile_build: tuple[Site, BuildResult, float]) -> None:
    site, _, _ = hostile_build
    proc = factcheck("validate", "--format", "json", cwd=site.root, env=ENV, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = {(p["file"], p["code"], p["line"] > 0) for p in json.loads(proc.stdout) if p["code"] == "card-fallback"}
    assert found == {("claims/bismillah.yml", "card-fallback", True), ("claims/foundation.yml", "card-fallback", True)}
    assert "no problems, " in proc.stderr  # warnings: the build succeeds too


@pytest.mark.slow
def test_a_build_that_fails_leaves_the_last_site_untouched(tmp_path: Path) -> None:
    """A page clash was found in on_files, after MkDocs emptied site_dir; raising card warnings
    to errors fails before it too. Either way the last site stays byte for byte."""
    site = make_site_in(tmp_path)
    site.write_claim("good.yml", claim_yaml())
    assert site.build().returncode == 0
    before = _tree(site.root / "site")
    (site.root / "docs" / "scoreboard.md").write_text("# Mine\n", encoding="utf-8")
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "pages clash" in result.output and "docs/scoreboard.md" in result.output
    assert _tree(site.root / "site") == before
    (site.root / "docs" / "scoreboard.md").unlink()
    site.write_claim("bismillah.yml", claim_yaml(claim=f"It opened with {BISMILLAH}."))
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - factcheck\n", "  - factcheck:\n      warnings_as_errors: [card-fallback]\n"), encoding="utf-8")
    result = site.build()
    assert result.returncode == 1 and "Traceback" not in result.output, result.output
    assert re.search(r"claims/bismillah\.yml:\d+:\d+: the share card cannot draw U\+FDFD in the claim",
                     result.output)
    assert _tree(site.root / "site") == before


def test_factcheck_generate_reports_the_fallback_cards_too(tmp_path: Path) -> None:
    """The other adapter: `factcheck generate` draws the plan's cards through the same planner."""
    from test_siteplan import planner_for

    planner = planner_for(tmp_path)
    text = claim_yaml(claimant=f"{BISMILLAH} Foundation")
    (tmp_path / "claims" / "foundation.yml").write_text(text, encoding="utf-8")
    plan = planner.plan()
    images, warnings = planner.card_images(plan)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.startswith("claimant:"))
    assert [(w.path, w.line, w.code, w.severity) for w in warnings] == [
        ("claims/foundation.yml", line, "card-fallback", "warning")]
    site_card = cards.card_src(planner.renderer.site_card(), planner.renderer.card_fonts)
    claim_card_src = next(src for src, card in plan.cards if card.stem == "foundation")
    assert images[claim_card_src] == images[site_card]
