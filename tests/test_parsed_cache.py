"""The claim files' parse results kept between builds (claims/parsed.py): a file unchanged
since the last build is not parsed again, and what the loader gives from the kept result is
what parsing the file gives, field for field, wherever each field sits in it. A kept result
that is damaged, tampered with, made by other code or for another scale is not used."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import claim_yaml
from mkdocs_factcheck.claims import parsed
from mkdocs_factcheck.claims.loader import ClaimLoader, ClaimSet
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE, RatingScale

REPO = Path(__file__).resolve().parents[1]
TIMED = claim_yaml(published="2025-01-30T09:15:00+05:30", updated="2025-02-01T23:59:00-08:00",
                   claim_date="2025-01-20", corrections=[{"date": "2025-02-01", "note": "A figure fixed."}],
                   related=["other-claim"], tags=["cost", "chips"], reviewed_by=["A. Reviewer"],
                   author="B. Author")


def _loader(cache: Path, scale: RatingScale = DEFAULT_SCALE) -> ClaimLoader:
    loader = ClaimLoader(scale, workers=1)
    loader.parsed_file = cache
    return loader


def _load(root: Path, cache: Path, scale: RatingScale = DEFAULT_SCALE) -> tuple[ClaimSet, ClaimLoader]:
    loader = _loader(cache, scale)
    return loader.load(root / "claims", root), loader


def _write(root: Path, name: str, text: str) -> None:
    (root / "claims").mkdir(exist_ok=True)
    (root / "claims" / name).write_text(text, encoding="utf-8")


def _same_results(one: ClaimSet, other: ClaimSet) -> None:
    assert sorted(one.claims) == sorted(other.claims)
    for claim_id, claim in one.claims.items():
        again = other.claims[claim_id]
        assert again == claim and again.model_fields_set == claim.model_fields_set
        assert (again.id, again.path, again.instants) == (claim.id, claim.path, claim.instants)
        assert [s.model_fields_set for s in again.sources] == [s.model_fields_set for s in claim.sources]
    assert [str(e) for e in one.errors] == [str(e) for e in other.errors]
    assert [str(w) for w in one.warnings] == [str(w) for w in other.warnings]


def test_an_unchanged_file_is_not_parsed_again_and_loads_the_same(tmp_path: Path) -> None:
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    _write(tmp_path, "other-claim.yml", claim_yaml(verdict="false"))
    cache = tmp_path / ".cache" / parsed.FILE
    first, cold = _load(tmp_path, cache)
    assert (cold.parsed, cold.reused) == (2, 0) and cache.is_file()
    second, warm = _load(tmp_path, cache)
    assert (warm.parsed, warm.reused) == (0, 2)
    _same_results(first, second)
    assert second.claims["deepseek-cost"].published_at is not None  # the instant, as written


def test_our_own_claims_load_the_same_from_the_kept_results(tmp_path: Path) -> None:
    # Every field the site's real checks use, as they are written (block scalars, quotes, lists).
    cache = tmp_path / parsed.FILE
    cold = _loader(cache).load(REPO / "claims", REPO)
    warm_loader = _loader(cache)
    warm = warm_loader.load(REPO / "claims", REPO)
    assert warm_loader.parsed == 0 and warm_loader.reused == len(cold.claims) > 5
    _same_results(cold, warm)


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    _write(tmp_path, "other-claim.yml", claim_yaml())
    cache = tmp_path / parsed.FILE
    _load(tmp_path, cache)
    _write(tmp_path, "other-claim.yml", claim_yaml(verdict="true"))
    result, loader = _load(tmp_path, cache)
    assert (loader.parsed, loader.reused) == (1, 1)
    assert result.claims["other-claim"].verdict == "true"


def test_a_file_with_errors_is_parsed_every_time(tmp_path: Path) -> None:
    _write(tmp_path, "broken-claim.yml", claim_yaml(verdict="sort-of"))
    cache = tmp_path / parsed.FILE
    first, _ = _load(tmp_path, cache)
    second, loader = _load(tmp_path, cache)
    assert loader.parsed == 1 and loader.reused == 0
    assert [str(e) for e in first.errors] == [str(e) for e in second.errors] != []


def _tamper(cache: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["files"].values():
        change(entry)
    cache.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("change", [
    lambda entry: entry["claim"].update(verdict="no-such-verdict"),
    lambda entry: entry["claim"].update(sources=[{"title": "x", "url": "javascript:alert(1)"}]),
    lambda entry: entry["claim"].update(summary="Cites a source it lacks [^9]."),
    lambda entry: entry.update(marks="not a mapping"),
    lambda entry: entry.pop("names"),
    lambda entry: entry.update(related=[[1, 1], [2, 2], [3, 3]]),
], ids=["verdict", "script-url", "citation", "marks", "names", "related-marks"])
def test_a_tampered_result_is_not_used(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    _write(tmp_path, "other-claim.yml", claim_yaml())
    cache = tmp_path / parsed.FILE
    expected, _ = _load(tmp_path, cache)
    _tamper(cache, change)
    result, loader = _load(tmp_path, cache)
    assert loader.reused == 0 and loader.parsed == 2
    _same_results(expected, result)


def test_a_result_is_kept_only_for_the_file_it_was_made_from(tmp_path: Path) -> None:
    # Keyed by path and content: the same bytes under a name that is no claim id are parsed
    # (and refused), never given the kept result of the good file.
    _write(tmp_path, "good-claim.yml", claim_yaml())
    cache = tmp_path / parsed.FILE
    _load(tmp_path, cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    (entry,) = data["files"].values()
    digest = next(iter(data["files"])).split("\x00")[1]
    data["files"][parsed.entry_key("claims/Bad_Name.yml", digest)] = entry
    cache.write_text(json.dumps(data), encoding="utf-8")
    _write(tmp_path, "Bad_Name.yml", claim_yaml())
    result, loader = _load(tmp_path, cache)
    assert loader.reused == 1 and loader.parsed == 1
    assert any("Bad_Name" in str(error) for error in result.errors)


def test_results_of_another_scale_or_size_limit_are_not_used(tmp_path: Path) -> None:
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    cache = tmp_path / parsed.FILE
    _load(tmp_path, cache)
    ratings = [rating.model_dump() for rating in DEFAULT_SCALE]
    ratings[0]["label"] = "Not so"
    other = RatingScale.model_validate({"ratings": ratings})
    _, loader = _load(tmp_path, cache, other)
    assert loader.reused == 0
    smaller = _loader(cache)
    smaller.max_bytes = 100_000
    smaller.load(tmp_path / "claims", tmp_path)
    assert smaller.reused == 0


@pytest.mark.parametrize("damage", ["truncated", "not json", "a list", "other key"])
def test_a_damaged_file_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    cache = tmp_path / parsed.FILE
    expected, _ = _load(tmp_path, cache)
    text = cache.read_text(encoding="utf-8")
    cache.write_text({"truncated": text[: len(text) // 2], "not json": "\x00garbage", "a list": "[1, 2]",
                      "other key": text.replace('"key":"', '"key":"x', 1)}[damage], encoding="utf-8")
    result, loader = _load(tmp_path, cache)
    assert (loader.parsed, loader.reused) == (1, 0)
    _same_results(expected, result)
    _, again = _load(tmp_path, cache)
    assert again.reused == 1  # written whole again


def test_no_result_is_read_through_a_symbolic_link(tmp_path: Path) -> None:
    _write(tmp_path, "deepseek-cost.yml", TIMED)
    real = tmp_path / "elsewhere.json"
    _load(tmp_path, real)
    link = tmp_path / parsed.FILE
    os.symlink(real, link)
    _, loader = _load(tmp_path, link)
    assert loader.reused == 0 and loader.parsed == 1


def test_an_unwritable_cache_folder_does_not_stop_the_load(tmp_path: Path) -> None:
    _write(tmp_path, "deepseek-cost.yml", claim_yaml())
    (tmp_path / "blocked").write_text("a file where the folder would be", encoding="utf-8")
    result, loader = _load(tmp_path, tmp_path / "blocked" / parsed.FILE)
    assert result.ok and loader.parsed == 1
    _, again = _load(tmp_path, tmp_path / "blocked" / parsed.FILE)
    assert again.parsed == 1
