"""What share cards cost a full build: without cards, with every card drawn (cold), and
with every card in cache_dir (warm).

    .venv/bin/python bench/cards.py                  # N = 1000, 3 builds of each kind
    .venv/bin/python bench/cards.py --n 300 --repeat 1
    .venv/bin/python bench/cards.py --micro          # ms per card, in this process, no build

Each build runs in its own process (bench/child.py). "none" builds with card drawing
switched off in that process (a baseline, not a site option); "cold" starts from an
empty cache_dir; "warm" keeps the cards/ folder of the cold build but removes the
Markdown cache, so only the cards are warm. The issue's budget: cold cards at most
+20 % on a full build, warm ones nothing measurable.

``--micro`` draws the cards of the desk corpus (bench/corpus.py, the claims' own words and
verdicts) in this process, as one worker would: the first card (fonts loaded, each word
rasterised for the first time) apart, then the CPU milliseconds per card over the rest
(best of ``--repeat`` passes), the part of it spent encoding the PNG, and the mean file
size. Run it with another checkout's plugin on PYTHONPATH for a before/after.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import make_claims, make_desk_claims
from measure import CHILD, child_env
from sites import CACHE_DIR, SITE_NAME, write_ours

RESULT_PREFIX = "BENCH-RESULT "


def run(config: Path, site_dir: Path, *extra: str) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(CHILD), str(config), str(site_dir), *extra], capture_output=True,
                          text=True, env=child_env(), cwd=config.parent, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    line = next(x for x in done.stdout.splitlines() if x.startswith(RESULT_PREFIX))
    report = json.loads(line.removeprefix(RESULT_PREFIX))
    cards = list((site_dir / "assets" / "factcheck" / "cards").glob("*.png"))
    return {"wall": wall, "build": report["build_seconds"], "cpu": report["cpu_seconds"],
            "workers_cpu": report["children_cpu_seconds"], "cards": len(cards)}


def micro(n: int, repeat: int) -> int:
    """Milliseconds of CPU per card drawn in this process, and the share of PNG encoding."""
    from mkdocs_factcheck.base import cards
    from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
    from PIL import Image
    try:  # an older checkout, measured for comparison, encodes with Pillow
        from mkdocs_factcheck.base import png
    except ImportError:
        png = None  # type: ignore[assignment]

    fonts = cards.bundled_fonts()
    made = []
    for claim in make_desk_claims(n):
        rating = DEFAULT_SCALE[claim.verdict]
        made.append(cards.Card(claim.id, "Fact check · bench.example.org", f"“{claim.claim}”",
                               f"Claim by {claim.claimant}, {claim.claim_date:%d %B %Y}", rating.label,
                               rating.colour, rating.text_colour, caption="Our verdict"))
    made.append(cards.Card("site", "Fact checks · bench.example.org", SITE_NAME, "A desk's fact checks."))
    start = time.process_time()
    cards.draw(made[0], fonts)
    first = time.process_time() - start
    passes, sizes = [], []
    for _ in range(repeat):
        start = time.process_time()
        sizes = [len(cards.draw(card, fonts)) for card in made[1:]]
        passes.append(time.process_time() - start)
    encoding = [0.0]
    # The encoder: the banded one (base/png.py) where the module has it, else Pillow's save.
    owner, name = (png.BandedEncoder, "encode") if png is not None else (Image.Image, "save")
    encode = getattr(owner, name)

    def timed(*args: object, **kwargs: object) -> object:
        begun = time.process_time()
        result = encode(*args, **kwargs)
        encoding[0] += time.process_time() - begun
        return result

    setattr(owner, name, timed)
    for card in made[1:]:
        cards.draw(card, fonts)
    setattr(owner, name, encode)
    per_card = 1000 * min(passes) / (len(made) - 1)
    print(f"{len(made) - 1} cards, CPU: first card {1000 * first:.0f} ms; then {per_card:.2f} ms per card "
          f"(best of {repeat}), of which PNG encoding {1000 * encoding[0] / (len(made) - 1):.2f} ms; "
          f"mean file {statistics.mean(sizes) / 1024:.1f} KiB; module {cards.__file__}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="claims (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind (median)")
    parser.add_argument("--micro", action="store_true", help="ms per card in this process (no build)")
    args = parser.parse_args(argv)
    if args.micro:
        return micro(min(args.n, 300), args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-cards-") as tmp:
        root = Path(tmp)
        config = write_ours(root / "site", make_claims(args.n))
        cache = config.parent / CACHE_DIR
        results: dict[str, list[dict[str, float]]] = {"none": [], "cold": [], "warm": []}
        for round_ in range(args.repeat):
            for kind in ("none", "cold", "warm"):
                if kind != "warm":
                    shutil.rmtree(cache, ignore_errors=True)
                else:
                    (cache / "markdown.json").unlink(missing_ok=True)
                site_dir = root / f"out-{kind}"
                shutil.rmtree(site_dir, ignore_errors=True)
                result = run(config, site_dir, *(["--no-cards"] if kind == "none" else []))
                results[kind].append(result)
                print(f"round {round_ + 1} {kind}: {result}", file=sys.stderr)
    base = statistics.median(r["build"] for r in results["none"])
    print(f"N = {args.n}, {args.repeat} builds of each kind (median build seconds, in-process)\n")
    print("| cards | build s | vs none | main CPU s | card workers CPU s | cards written |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, runs in results.items():
        build = statistics.median(r["build"] for r in runs)
        print(f"| {kind} | {build:.2f} | {build / base:.2f} | {statistics.median(r['cpu'] for r in runs):.2f} | "
              f"{statistics.median(r['workers_cpu'] for r in runs):.2f} | {int(runs[0]['cards'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
