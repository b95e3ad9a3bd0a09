"""Smaller classes of issue 21 (item 11): Windows device names, absurd dates, unbounded lists.

- `con`, `aux`, `prn`, `nul`, `com1`-`com9`, `lpt1`-`lpt9` are devices on Windows whatever
  the extension: a claim id so named is a located error, and a claimant, expert or tag whose
  slug would be one gets a hashed slug (the same every build), so no file or folder of the
  built site has such a name.
- `published`, `claim_date`, `updated` and a correction's `date` lie in 1900-2100: year 1
  sorted first everywhere and stretched the scoreboard's months over two thousand years.
- `appearance` holds at most 20 URLs, `corrections` at most 100 entries of at most 2,000
  characters each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import claim_yaml, make_site_in
from mkdocs_factcheck.claims.loader import parse_claim
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.slugs import name_slug

DEVICES = ["con", "aux", "prn", "nul", "com1", "com9", "lpt1", "lpt9"]


def _errors(text: str, claim_id: str = "a-claim") -> list[str]:
    return [str(error) for error in parse_claim(text.encode(), "claims/x.yml", claim_id, DEFAULT_SCALE).errors]


@pytest.mark.parametrize("claim_id", DEVICES)
def test_a_device_name_is_no_claim_id(claim_id: str) -> None:
    (error,) = _errors(claim_yaml(), claim_id)
    assert error.startswith(f"claims/x.yml:1:1: the file name {claim_id!r} is a device name on Windows")


@pytest.mark.parametrize("claim_id", ["con-artist", "com10", "lpt0", "console", "auxiliary", "nul-hypothesis"])
def test_names_that_only_start_like_a_device_are_ids(claim_id: str) -> None:
    assert _errors(claim_yaml(), claim_id) == []


def test_names_whose_slug_is_a_device_get_a_stable_other_slug() -> None:
    for name in ["con", "CON", "Nul", "com1", "lpt9", "AUX ", "prn"]:
        slug = name_slug(name.strip().casefold(), "tag")
        assert slug.split("-")[0] == name.strip().casefold() and len(slug) > 5, slug
        assert slug == name_slug(name.strip().casefold(), "tag")
    assert name_slug("console") == "console" and name_slug("con artist") == "con-artist"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("devices")
    site = make_site_in(root)
    site.write_claim("device-names.yml", claim_yaml(
        claimant="CON", tags=["nul", "Com1", "aux"], quotes=[{"expert": "Prn", "text": "Quoted."}]))
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    return root / "site"


@pytest.mark.slow
def test_no_file_or_folder_of_the_site_is_a_device_name(built: Path) -> None:
    from mkdocs_factcheck.claims.urls import is_device_name

    names = {part for path in built.rglob("*") for part in path.relative_to(built).parts}
    assert [name for name in names if is_device_name(name)] == []
    assert (built / "claimants" / name_slug("con", "claimant") / "index.html").is_file()
    assert (built / "tags" / name_slug("com1", "tag") / "index.html").is_file()
    assert (built / "experts" / name_slug("prn", "expert") / "index.html").is_file()


DATES = """\
claim: A claim.
claimant: Someone
claim_date: 1850-06-01
verdict: "false"
summary: Short answer.
sources:
  - title: A source
    url: https://example.org/
published: 0001-01-01
updated: 2500-01-01
corrections:
  - date: 2025-02-01
    note: Fine.
  - date: 0009-12-31
    note: Not fine.
"""


def test_dates_of_a_check_outside_1900_to_2100_are_located_errors() -> None:
    errors = _errors(DATES)
    assert errors == [
        "claims/x.yml:3:13: 'claim_date' must be a date in a year from 1900 to 2100, not 1850-06-01 "
        "(check the year: write the date as YYYY-MM-DD, e.g. 2025-01-30)",
        "claims/x.yml:9:12: 'published' must be a date in a year from 1900 to 2100, not 0001-01-01 "
        "(check the year: write the date as YYYY-MM-DD, e.g. 2025-01-30)",
        "claims/x.yml:10:10: 'updated' must be a date in a year from 1900 to 2100, not 2500-01-01 "
        "(check the year: write the date as YYYY-MM-DD, e.g. 2025-01-30)",
        "claims/x.yml:14:11: 'corrections.1.date' must be a date in a year from 1900 to 2100, not 0009-12-31 "
        "(check the year: write the date as YYYY-MM-DD, e.g. 2025-01-30)",
    ]


def test_the_edges_of_the_range_are_dates() -> None:
    assert _errors(claim_yaml(claim_date="1900-01-01", published="2100-12-31")) == []


def _with(key: str, value: object) -> str:
    data = yaml.safe_load(claim_yaml())
    data[key] = value
    return yaml.safe_dump(data, sort_keys=False)


def test_appearance_holds_at_most_20_urls() -> None:
    urls = [f"https://example.org/{i}" for i in range(21)]
    assert _errors(_with("appearance", urls[:20])) == []
    (error,) = _errors(_with("appearance", urls))
    assert error.startswith("claims/x.yml:5:1: 'appearance' has more than 20 entries")


def test_corrections_are_at_most_100_notes_of_2000_characters() -> None:
    notes = [{"date": "2025-02-01", "note": f"Change {i}."} for i in range(101)]
    assert _errors(_with("corrections", notes[:100])) == []
    (error,) = _errors(_with("corrections", notes))
    assert "'corrections' has more than 100 entries" in error and error.startswith("claims/x.yml:")
    assert _errors(_with("corrections", [{"date": "2025-02-01", "note": "x" * 2000}])) == []
    (error,) = _errors(_with("corrections", [{"date": "2025-02-01", "note": "x" * 2001}]))
    assert "'corrections.0.note' has more than 2,000 characters (shorten it)" in error
