"""What a reader's browser downloads on the first view of a claim page, and on the first search, at N checks.

    .venv/bin/python bench/page_weight.py --n 500 2000 10000
    PYTHONPATH=/path/to/other/plugins .venv/bin/python bench/page_weight.py --n 500   # another version
    .venv/bin/python bench/page_weight.py --n 10000 --keep bench/out/weight   # keep (and reuse) the sites

Builds the benchmark corpus's site (bench/corpus.py) with the plugin on PYTHONPATH,
serves it on 127.0.0.1 and opens one claim page in Debian's Chromium (Playwright; every
request elsewhere refused). Reports the bytes of every response of the first load
(until the network is idle), whether the search index was among them, the index's size
(as written, and gzipped as a compressing host sends it), and the largest-contentful-paint
time Chromium reports (local, so a floor, not a field figure). Then it types a word of the
page's analysis into the search box and reports what that first search fetched (the
"search transfer") and how long the first result took to show. Issue 24: under 1 MiB at
2,000 checks, the index fetched only once a reader starts searching.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import make_claims
from measure import child_env
from sites import write_ours

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

LCP = """() => new Promise(done => { new PerformanceObserver(list => {
  const entries = list.getEntries(); done(entries[entries.length - 1].startTime); })
  .observe({type: "largest-contentful-paint", buffered: true}); setTimeout(() => done(-1), 3000); })"""
KIB = 1024


@contextlib.contextmanager
def built_site(n: int, keep: Path | None) -> Iterator[Path]:
    """The corpus's site of ``n`` checks, built; under ``keep``, a site built before is reused."""
    with tempfile.TemporaryDirectory() as tmp:
        root = (keep / str(n)) if keep else Path(tmp)
        out = root / "site"
        if not (out / "search" / "search_index.json").is_file():
            config = write_ours(root, make_claims(n)) if not (root / "mkdocs.yml").is_file() else root / "mkdocs.yml"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "--site-dir", str(out)],
                           cwd=root, env=child_env(), check=True)
            print(f"built {n} checks in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        yield out


def search_word(claim_html: str) -> str:
    """A long word of the claim page's analysis, for the first search."""
    analysis = claim_html.split('<div class="fc-analysis">', 1)[-1].split("</div>", 1)[0]
    words = re.findall(r"[A-Za-z]{9,}", re.sub(r"<[^>]+>", " ", analysis))
    return max(words, key=len) if words else "estimates"


def measure(n: int, keep: Path | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with built_site(n, keep) as out:
        claim = sorted((out / "claims").glob("*/index.html"))[n // 2].parent.name
        html = (out / "claims" / claim / "index.html").read_text(encoding="utf-8")
        word = search_word(html)
        url, stop = serve_folder(out)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort())
            page = context.new_page()
            sizes: dict[str, int] = {}

            def done(response: Any) -> None:
                with contextlib.suppress(Exception):  # an aborted request has no body
                    sizes[response.url] = len(response.body())

            page.on("response", done)
            page.goto(f"{url}claims/{claim}/")
            page.wait_for_load_state("networkidle")
            lcp = page.evaluate(LCP)
            first_load = dict(sizes)
            started = time.perf_counter()
            page.locator(".md-search__input").click()
            page.keyboard.type(word)
            page.locator(".md-search-result__link").first.wait_for(timeout=120_000)
            first_result_ms = (time.perf_counter() - started) * 1000
            page.wait_for_load_state("networkidle")
            hits = page.locator(".md-search-result__link").count()
            searched = {u: b for u, b in sizes.items() if u not in first_load}
            browser.close()
        stop()
        index = out / "search" / "search_index.json"
        index_bytes = index.read_bytes()
        return {"checks": n, "first_load_kib": round(sum(first_load.values()) / KIB),
                "index_fetched_on_load": any("search_index" in u for u in first_load),
                "index_kib": round(len(index_bytes) / KIB),
                "index_gzip_kib": round(len(gzip.compress(index_bytes, 6)) / KIB),
                "index_entries": len(json.loads(index_bytes)["docs"]),
                "search_transfer_kib": round(sum(searched.values()) / KIB), "search_word": word,
                "search_hits": hits, "first_result_ms": round(first_result_ms),
                "claim_html_kib": round(len(html.encode()) / KIB), "lcp_ms": round(lcp),
                "largest": [(u.removeprefix(url), round(b / KIB))
                            for u, b in sorted(first_load.items(), key=lambda x: -x[1])[:4]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--keep", type=Path, help="build the sites in DIR/<n>/ and reuse one found there")
    args = parser.parse_args()
    for n in args.n:
        print(json.dumps(measure(n, args.keep)), flush=True)


if __name__ == "__main__":
    main()
