"""`factcheck status`, run for real on a temp site with a fixed clock: the desk's queue by
status, author, reviewers, age and warnings, as a table and as JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ENV, Site, claim_yaml, factcheck, make_site_in

pytestmark = pytest.mark.slow

TODAY = datetime(2025, 3, 1, 12, tzinfo=UTC)
DAY = 86400


def status(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    return factcheck("status", *args, cwd=site.root, env={**ENV, "SOURCE_DATE_EPOCH": str(int(TODAY.timestamp()))},
                     timeout=120)


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def aged(path: Path, days: int) -> None:
    """Outside git, a file's age is its modification time."""
    moment = TODAY.timestamp() - days * DAY
    os.utime(path, (moment, moment))


ARCHIVED = [{"title": "Report", "url": "https://example.org/r", "archive_url": "https://archive.example.org/r"}]


@pytest.fixture
def desk(tmp_path: Path) -> Site:
    site = make_site_in(tmp_path, plugin_options="default_author: The desk")
    aged(site.write_claim("old-draft.yml", claim_yaml(status="draft", author="Ana Ruiz")), 12)
    aged(site.write_claim("new-draft.yml", claim_yaml(status="draft", quotes=None, sources=ARCHIVED)), 2)
    aged(site.write_claim("in-review.yml", claim_yaml(status="review", author="Ana Ruiz",
                                                      reviewed_by=["Ana Ruiz", "Ben Okafor"])), 5)
    aged(site.write_claim("soon.yml", claim_yaml(published="2025-03-04", reviewed_by=["Ben Okafor"])), 1)
    aged(site.write_claim("out.yml", claim_yaml(quotes=None, sources=ARCHIVED)), 30)
    aged(site.write_claim("broken.yml", claim_yaml(verdict="flase")), 3)
    return site


def test_the_queue_as_a_table(desk: Site) -> None:
    result = status(desk)
    assert result.returncode == 0, result.stderr
    header, *lines, total = result.stdout.splitlines()
    assert cells(header) == ["status", "id", "author", "reviewers", "age", "warnings"]
    rows = [cells(line) for line in lines]
    # Unfinished work first, oldest first within a status.
    assert [(row[0], row[1]) for row in rows] == [
        ("invalid", "broken"), ("draft", "old-draft"), ("draft", "new-draft"), ("review", "in-review"),
        ("embargoed until 2025-03-04", "soon"), ("published", "out")]
    table = {row[1]: row[2:] for row in rows}
    assert table["old-draft"] == ["Ana Ruiz", "-", "12d", "2"]
    assert table["new-draft"] == ["The desk", "-", "2d", "0"]
    # The author does not count as their own reviewer.
    assert table["in-review"] == ["Ana Ruiz", "Ben Okafor", "5d", "2"]
    assert table["broken"] == ["-", "-", "3d", "0 (+1 errors)"]
    assert total == "6 claim files: 1 invalid, 2 draft, 1 review, 1 embargoed, 1 published"


def test_the_queue_as_json(desk: Site) -> None:
    result = status(desk, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["in-review"] == {
        "file": "claims/in-review.yml", "id": "in-review", "status": "review", "author": "Ana Ruiz",
        "reviewers": ["Ben Okafor"], "last_changed": "2025-02-24", "age_days": 5, "warnings": 2, "errors": 0,
        "published": "2025-01-30"}
    assert rows["soon"]["status"] == "embargoed"
    assert (rows["broken"]["status"], rows["broken"]["errors"]) == ("invalid", 1)
    assert (rows["out"]["status"], rows["out"]["warnings"], rows["out"]["age_days"]) == ("published", 0, 30)
