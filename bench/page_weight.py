"""What a reader's browser downloads on the first view of a claim page, and on the first search, at N checks.

    .venv/bin/python bench/page_weight.py --n 500 2000 10000
    PYTHONPATH=/path/to/other/plugins .venv/bin/python bench/page_weight.py --n 500   # another version
    .venv/bin/python bench/page_weight.py --n 2000 10000 --repeat 3 --keep bench/out/weight   # keep, reuse the sites

Builds the benchmark corpus's site (bench/corpus.py: ``--corpus desk``, the default, ~600-word
analyses as bench/ci.py's; or ``synthetic``, bench/run.py's) with the plugin on PYTHONPATH,
serves it on 127.0.0.1 and opens one claim page in Debian's Chromium (Playwright; every
request elsewhere refused). Reports the bytes of every response of the first load
(until the network is idle), whether the search index was among them, the index's size
(as written, gzipped as a compressing host sends it, and per check), and the largest-contentful-paint
time Chromium reports (local, so a floor, not a field figure). Then it types a word of the
page's analysis into the search box and reports what that first search fetched (the
"search transfer"), how long the first result took to show from the click into the box (the
index is fetched from then: head.html) and the CPU time the renderer spent meanwhile (less
sensitive to other work on the machine than the wall time), and the used JavaScript heap, after
a garbage collection, of material's search worker (which builds its index from the whole file)
and of the page. ``--repeat N`` opens N fresh browsers and gives the medians. Issue 24: under
1 MiB at 2,000 checks, the index fetched only once a reader starts searching.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus import CORPORA
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
def built_site(n: int, keep: Path | None, corpus: str = "desk") -> Iterator[Path]:
    """The corpus's site of ``n`` checks, built; under ``keep``, a site built before is reused."""
    with tempfile.TemporaryDirectory() as tmp:
        root = (keep.resolve() / f"{corpus}-{n}") if keep else Path(tmp)
        out = root / "site"
        if not (out / "search" / "search_index.json").is_file():
            config = root / "mkdocs.yml"
            if not config.is_file():
                write_ours(root, CORPORA[corpus](n))
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


def worker_heap_mib(session: Any, page: Any) -> float:
    """The used JavaScript heap of the page's web worker (material's search worker) after a garbage
    collection, in MiB, read through ``session``, a DevTools session on the browser opened before
    its pages (a worker has no ``performance.memory``); ``page`` waits, so that Playwright
    delivers the answers."""
    workers = [t for t in session.send("Target.getTargets")["targetInfos"] if t["type"] == "worker"]
    if not workers:
        return -1.0
    answers: list[dict[str, Any]] = []
    session.on("Target.receivedMessageFromTarget", lambda event: answers.append(json.loads(event["message"])))
    target = session.send("Target.attachToTarget", {"targetId": workers[0]["targetId"], "flatten": False})
    session.send("Target.sendMessageToTarget", {"sessionId": target["sessionId"], "message": json.dumps(
        {"id": 1, "method": "HeapProfiler.collectGarbage"})})
    session.send("Target.sendMessageToTarget", {"sessionId": target["sessionId"], "message": json.dumps(
        {"id": 2, "method": "Runtime.getHeapUsage"})})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(a.get("id") == 2 for a in answers):
        page.wait_for_timeout(50)
    heap = next((a["result"] for a in answers if a.get("id") == 2), {"usedSize": -KIB * KIB})
    return float(heap["usedSize"]) / KIB / KIB


def renderers_cpu_ms() -> float:
    """CPU time so far of the Chromium renderer processes this process started (Linux /proc;
    the search worker runs in the page's renderer): unlike wall time, hardly changed by other
    work on the machine. -1 where there is no /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return -1.0
    parents: dict[int, int] = {}
    for stat in proc.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    ours, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in ours} - ours
        ours |= more
        grew = bool(more)
    ticks = 0
    for pid in ours:
        with contextlib.suppress(OSError, ValueError, IndexError):
            if b"--type=renderer" in (proc / str(pid) / "cmdline").read_bytes():
                fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def first_search(url: str, claim: str, word: str) -> dict[str, Any]:
    """One fresh browser: the first load of ``claim``'s page, then ``word`` typed into the search
    box; what each fetched, the time from the click into the box to the first result shown, and
    the search worker's heap once it has answered."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        session = browser.new_browser_cdp_session()
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
        started, cpu = time.perf_counter(), renderers_cpu_ms()
        page.locator(".md-search__input").click()
        page.keyboard.type(word)
        page.locator(".md-search-result__link").first.wait_for(timeout=300_000)
        first_result_ms = (time.perf_counter() - started) * 1000
        cpu = renderers_cpu_ms() - cpu
        page.wait_for_load_state("networkidle")
        hits = page.locator(".md-search-result__link").count()
        heap = worker_heap_mib(session, page)
        page_session = context.new_cdp_session(page)
        page_session.send("HeapProfiler.collectGarbage")
        page_heap = page_session.send("Runtime.getHeapUsage")["usedSize"] / KIB / KIB
        browser.close()
    searched = {u: b for u, b in sizes.items() if u not in first_load}
    return {"first_load": first_load, "searched": searched, "lcp_ms": lcp, "first_result_ms": first_result_ms,
            "hits": hits, "worker_heap_mib": heap, "renderer_cpu_ms": cpu,
            "page_heap_mib": page_heap}


def measure(n: int, keep: Path | None = None, corpus: str = "desk", repeat: int = 1) -> dict[str, Any]:
    with built_site(n, keep, corpus) as out:
        claim = sorted((out / "claims").glob("*/index.html"))[n // 2].parent.name
        html = (out / "claims" / claim / "index.html").read_text(encoding="utf-8")
        word = search_word(html)
        url, stop = serve_folder(out)
        runs = [first_search(url, claim, word) for _ in range(repeat)]
        stop()
        index_bytes = (out / "search" / "search_index.json").read_bytes()
    first = runs[0]
    return {"checks": n, "corpus": corpus, "first_load_kib": round(sum(first["first_load"].values()) / KIB),
            "index_fetched_on_load": any("search_index" in u for u in first["first_load"]),
            "index_kib": round(len(index_bytes) / KIB),
            "index_gzip_kib": round(len(gzip.compress(index_bytes, 6)) / KIB),
            "index_bytes_per_check": round(len(index_bytes) / n),
            "index_entries": len(json.loads(index_bytes)["docs"]),
            "search_transfer_kib": round(sum(first["searched"].values()) / KIB), "search_word": word,
            "search_hits": first["hits"],
            "first_result_ms": round(statistics.median(r["first_result_ms"] for r in runs)),
            "first_result_ms_runs": [round(r["first_result_ms"]) for r in runs],
            "first_result_renderer_cpu_ms": round(statistics.median(r["renderer_cpu_ms"] for r in runs)),
            "load_average": round(os.getloadavg()[0], 2),
            "worker_heap_mib": round(statistics.median(r["worker_heap_mib"] for r in runs)),
            "page_heap_mib": round(statistics.median(r["page_heap_mib"] for r in runs)),
            "claim_html_kib": round(len(html.encode()) / KIB), "lcp_ms": round(first["lcp_ms"]),
            "largest": [(u.removeprefix(url), round(b / KIB))
                        for u, b in sorted(first["first_load"].items(), key=lambda x: -x[1])[:4]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="desk",
                        help="desk: ~600-word analyses, as bench/ci.py (default); synthetic: bench/run.py's")
    parser.add_argument("--repeat", type=int, default=1, help="fresh browsers per size (median first search)")
    parser.add_argument("--keep", type=Path,
                        help="build the sites in DIR/<corpus>-<n>/ and reuse one found there")
    args = parser.parse_args()
    for n in args.n:
        print(json.dumps(measure(n, args.keep, args.corpus, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
