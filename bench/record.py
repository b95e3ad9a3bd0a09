"""What checking the published record costs: a git repository of N claims with C commits
each (verdict changes with corrections, corrections added), then `factcheck validate`
cold (no facts cache), warm (the cache kept, as a CI cache restores it) and with
`history: off`, each in a fresh process.

    .venv/bin/python bench/record.py --claims 1000 --commits 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

VERDICTS = ["false", "mostly-false", "misleading", "mixed", "mostly-true", "true"]
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def claim(index: int, version: int) -> str:
    corrections = [{"date": f"2025-02-{1 + v:02d}", "note": f"Change {v} to check {index}: new evidence."}
                   for v in range(1, version + 1)]
    data = {
        "claim": f"Claim number {index} about the cost of training a model.",
        "claimant": f"Claimant {index % 40}",
        "verdict": VERDICTS[(index + version) % len(VERDICTS)],
        "summary": f"The short answer for claim {index}, version {version}.",
        "analysis": "A paragraph of analysis. " * 20,
        "sources": [{"title": f"Source {index}", "url": f"https://example.org/{index}", "publisher": "Example"}],
        "tags": ["cost"],
        "published": "2025-01-30",
        **({"updated": corrections[-1]["date"], "corrections": corrections} if corrections else {}),
    }
    return yaml.safe_dump(data, sort_keys=False)


def make_repo(root: Path, claims: int, commits: int) -> None:
    (root / "claims").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Checks\n")
    (root / "mkdocs.yml").write_text("site_name: Bench\ndocs_dir: docs\ntheme: {name: material}\n"
                                     "plugins: [search, factcheck]\n")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    for version in range(commits):
        for index in range(claims):
            (root / "claims" / f"claim-{index}.yml").write_text(claim(index, version))
        day = f"2025-02-{1 + version:02d}T12:00:00+00:00"
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-qm", f"version {version}"], cwd=root, check=True,
                       env={**env, "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day})


def validate(root: Path, history: str) -> float:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().split("plugins:")[0]
                      + f"plugins:\n  - search\n  - factcheck:\n      history: {history}\n")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs_factcheck.cli", "validate"], cwd=root,
                          capture_output=True, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"validate failed ({history}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        start = time.perf_counter()
        make_repo(root, args.claims, args.commits)
        print(f"repository: {args.claims} claims x {args.commits} commits, made in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
        cache = root / ".cache"
        cold, warm, off = [], [], []
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(validate(root, "auto"))
            warm.append(validate(root, "auto"))
            off.append(validate(root, "false"))
        print(f"| {args.claims} claims x {args.commits} commits | validate, history off | record, cold | "
              "record, warm |\n| --- | ---: | ---: | ---: |")
        print(f"| median of {args.repeat} | {statistics.median(off):.2f} s | {statistics.median(cold):.2f} s | "
              f"{statistics.median(warm):.2f} s |")


if __name__ == "__main__":
    main()
