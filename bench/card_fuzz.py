"""Share cards against hostile text, with the real renderer, its real time and memory (issue 21).

Draws one card per hostile text (tests/card_texts.py: every Unicode block, combining-mark
runs, emoji and ZWJ sequences, bidi mixes, very long words, a 1 MiB claim of short distinct
words) with the text as the claim, and one with it as the claimant, each through
``cards.draw_or_fallback`` as a build does. Measures each card's wall time and the
process's resident memory after it, and checks that every card is a 1200x630 PNG, that
nothing raised, and that every card that fell back to the site's card was predicted by
``cards.undrawable`` (what ``factcheck validate`` reports).

    .venv/bin/python bench/card_fuzz.py            # the long run: minutes
    .venv/bin/python bench/card_fuzz.py --quick    # what the test suite runs: seconds

Prints one JSON object; exits 1 when a check or a bound (--max-seconds, --max-rss-growth) fails.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from card_texts import texts  # noqa: E402
from mkdocs_factcheck.base import cards  # noqa: E402

SITE = cards.Card("site", "Fact checks", "Test desk", "Claims about AI models, checked")


def rss_mib() -> float:
    """Resident memory now (from /proc), in MiB; the high-water mark where /proc is missing."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def card_for(text: str, where: str) -> cards.Card:
    if where == "claim":
        return cards.Card("fuzz", "Fact check · Test desk", f"“{text}”", "Claim by DeepSeek · 20 Jan 2025",
                          "Misleading", "#ef6c00", "#000000")
    return cards.Card("fuzz", "Fact check · Test desk", "“DeepSeek built R1 for $6 million.”",
                      f"Claim by {text} · 20 Jan 2025", "False", "#b71c1c", "#ffffff")


def run(items: list[tuple[str, str]]) -> dict[str, object]:
    from PIL import Image

    fonts = cards.bundled_fonts()
    cards.draw(card_for("warm up the fonts", "claim"), fonts)
    baseline = rss_mib()
    slowest = (0.0, "")
    peak = baseline
    problems: list[str] = []
    fallbacks: list[dict[str, str]] = []
    count = 0
    started = time.perf_counter()
    for name, text in items:
        for where in ("claim", "claimant"):
            card = card_for(text, where)
            began = time.perf_counter()
            try:
                data, failure = cards.draw_or_fallback(card, fonts, SITE)
            except BaseException as exc:  # the promise under test: this never happens
                problems.append(f"{name} ({where}): raised {type(exc).__name__}: {exc}")
                continue
            seconds = time.perf_counter() - began
            count += 1
            slowest = max(slowest, (seconds, f"{name} ({where})"))
            peak = max(peak, rss_mib())
            image = Image.open(io.BytesIO(data))
            if image.format != "PNG" or image.size != (cards.WIDTH, cards.HEIGHT):
                problems.append(f"{name} ({where}): not a {cards.WIDTH}x{cards.HEIGHT} PNG")
            if failure is not None:
                predicted = cards.undrawable(text, headline=where == "claim")
                fallbacks.append({"text": name, "field": where, "reason": failure.reason,
                                  "predicted": " ".join(f"U+{ord(ch):04X}" for ch in predicted)})
                if not predicted:
                    problems.append(f"{name} ({where}): fell back ({failure.reason}) but undrawable() "
                                    "did not predict it, so `factcheck validate` would not say so")
    return {"cards": count, "seconds": round(time.perf_counter() - started, 2),
            "slowest_card_seconds": round(slowest[0], 3), "slowest_card": slowest[1],
            "rss_baseline_mib": round(baseline, 1), "rss_peak_mib": round(peak, 1),
            "rss_growth_mib": round(peak - baseline, 1), "fallbacks": fallbacks, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the sample the test suite draws (seconds)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the long run (default 3)")
    parser.add_argument("--max-seconds", type=float, default=10.0, help="bound on one card's wall time")
    parser.add_argument("--max-rss-growth", type=float, default=400.0, help="bound on memory growth, MiB")
    args = parser.parse_args(argv)
    if args.quick:
        items = list(texts(21, per_block_count=3, marks=(10, 300, 5000), repeat=40, word_length=200_000))
    else:
        seeds = random.Random(2026).sample(range(10**6), args.seeds)
        items = [item for seed in seeds for item in texts(seed, per_block_count=32, marks=(10, 300, 5000, 50_000),
                                                          repeat=400, word_length=1024 * 1024)]
    report = run(items)
    slow = float(report["slowest_card_seconds"]) > args.max_seconds  # type: ignore[arg-type]
    big = float(report["rss_growth_mib"]) > args.max_rss_growth  # type: ignore[arg-type]
    print(json.dumps(report, indent=2, ensure_ascii=True))
    return 1 if report["problems"] or slow or big else 0


if __name__ == "__main__":
    sys.exit(main())
