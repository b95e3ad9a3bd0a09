"""What a reader's browser downloads on the first view of a claim page, at N checks.

    .venv/bin/python bench/page_weight.py --n 500 2000
    PYTHONPATH=/path/to/other/plugins .venv/bin/python bench/page_weight.py --n 500   # another version

Builds the benchmark corpus's site (bench/corpus.py) with the plugin on PYTHONPATH,
serves it on 127.0.0.1 and opens one claim page in Debian's Chromium (Playwright; every
request elsewhere refused). Reports the bytes of every response of the first load
(until the network is idle), whether the search index was among them, the index's size,
and the largest-contentful-paint time Chromium reports (local, so a floor, not a field
figure). Issue 24: under 1 MiB at 2,000 checks, the index fetched only once a reader
starts searching.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
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


def measure(n: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = write_ours(root, make_claims(n))
        out = root / "site"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "--site-dir", str(out)],
                       cwd=root, env=child_env(), check=True)
        claim = sorted((out / "claims").glob("*/index.html"))[n // 2].parent.name
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
            browser.close()
        stop()
        index = (out / "search" / "search_index.json").stat().st_size
        html = (out / "claims" / claim / "index.html").stat().st_size
        return {"checks": n, "first_load_kib": round(sum(sizes.values()) / 1024),
                "index_fetched": any("search_index" in u for u in sizes), "index_kib": round(index / 1024),
                "claim_html_kib": round(html / 1024), "lcp_ms": round(lcp),
                "largest": [(u.removeprefix(url), round(b / 1024))
                            for u, b in sorted(sizes.items(), key=lambda x: -x[1])[:4]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[500, 2000])
    for n in parser.parse_args().n:
        print(measure(n), flush=True)


if __name__ == "__main__":
    main()
