"""Embargoes by the instant, in the site's time zone, on a clock that cannot be wrong silently.

A `published` date-time keeps its offset and the check goes out at that instant
(`-05:00` and `+09:00`, either side of midnight UTC); a plain date goes out at midnight in
the site's `timezone` (default UTC); a date-time without an offset is a located error; an
invalid `timezone` or a malformed SOURCE_DATE_EPOCH fails the build (and the CLI) with a
message, never a traceback and never "now". The stages are read through the real planner
(settings from a real mkdocs.yml) at many instants, and once through a real `mkdocs build`:
pages, feed (valid Atom, with the instants), JSON export and `factcheck status` agree.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser
import pytest
import yaml
from conftest import ENV, Site, claim_yaml, factcheck, make_site_in, mkdocs
from jsonschema import Draft202012Validator
from mkdocs_factcheck.claims import editorial
from mkdocs_factcheck.plan.siteplan import SitePlanner
from mkdocs_factcheck.project.mkdocs_yml import read_settings

REPO = Path(__file__).resolve().parent.parent
REVIEWED = {"reviewed_by": ["Ben Okafor"], "author": "Ada Reyes"}
# Midnight on 5 March where each desk sits: 05:00 UTC on the 5th, and 15:00 UTC on the 4th.
WEST = "2025-03-05T00:00:00-05:00"
EAST = "2025-03-05T00:00:00+09:00"


def epoch(moment: str) -> str:
    return str(int(datetime.fromisoformat(moment).timestamp()))


def published_ids(site: Site, moment: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The checks a build at ``moment`` (UTC) publishes, from the real planner and settings."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(moment))
    plan = SitePlanner(read_settings(site.root / "mkdocs.yml")).plan()
    assert plan.errors == []
    return sorted(claim.id for claim in plan.catalog.claims)


def write_checks(site: Site) -> None:
    site.write_claim("always.yml", claim_yaml(published="2025-01-30"))
    site.write_claim("west.yml", claim_yaml(claim="West desk claim.", published=WEST, **REVIEWED))
    site.write_claim("east.yml", claim_yaml(claim="East desk claim.", published=EAST, **REVIEWED))
    site.write_claim("plain.yml", claim_yaml(claim="Plain date claim.", published="2025-03-05", **REVIEWED))


@pytest.fixture(scope="module")
def utc_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site_in(tmp_path_factory.mktemp("utc"))
    write_checks(site)
    return site


@pytest.fixture(scope="module")
def new_york_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = make_site_in(tmp_path_factory.mktemp("ny"), plugin_options="timezone: America/New_York")
    write_checks(site)
    return site


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "out"), [
    ("2025-03-04T14:59:59+00:00", []),
    ("2025-03-04T15:00:00+00:00", ["east"]),            # +09:00 midnight: before midnight UTC
    ("2025-03-04T23:59:59+00:00", ["east"]),
    ("2025-03-05T00:00:00+00:00", ["east", "plain"]),   # a plain date: midnight in UTC (the default)
    ("2025-03-05T04:59:59+00:00", ["east", "plain"]),   # -05:00 midnight is still to come
    ("2025-03-05T05:00:00+00:00", ["east", "plain", "west"]),
])
def test_a_date_time_goes_out_at_its_own_instant(utc_site: Site, monkeypatch: pytest.MonkeyPatch,
                                                moment: str, out: list[str]) -> None:
    assert published_ids(utc_site, moment, monkeypatch) == sorted(["always", *out])


@pytest.mark.slow
@pytest.mark.parametrize(("moment", "out"), [
    ("2025-03-05T00:00:00+00:00", ["east"]),            # midnight UTC is 19:00 on the 4th in New York
    ("2025-03-05T04:59:59+00:00", ["east"]),
    ("2025-03-05T05:00:00+00:00", ["east", "plain", "west"]),  # midnight in New York (EST)
])
def test_a_plain_date_goes_out_at_midnight_in_the_sites_time_zone(new_york_site: Site,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 moment: str, out: list[str]) -> None:
    assert published_ids(new_york_site, moment, monkeypatch) == sorted(["always", *out])


@pytest.mark.slow
def test_today_is_the_days_date_in_the_sites_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """future-date rules use the site's day: `updated: 2025-03-05` is fine at 16:00 UTC on the 4th
    in Tokyo (01:00 on the 5th there), and in the future for a UTC desk."""
    text = claim_yaml(published="2025-03-01", updated="2025-03-05")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2025-03-04T16:00:00+00:00"))
    for zone, errors in (("Asia/Tokyo", []), ("UTC", ["future-date"])):
        site = make_site_in(tmp_path / zone.replace("/", "-"), plugin_options=f"timezone: {zone}")
        site.write_claim("a.yml", text)
        plan = SitePlanner(read_settings(site.root / "mkdocs.yml")).plan()
        assert [e.code for e in plan.errors] == errors


@pytest.mark.slow
def test_an_unreviewed_check_timed_in_the_future_is_an_error_naming_the_instant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("soon.yml", claim_yaml(published=WEST))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2025-03-05T04:00:00+00:00"))
    plan = SitePlanner(read_settings(site.root / "mkdocs.yml")).plan()
    [error] = plan.errors
    assert error.code == "future-published"
    assert f"published {WEST} is in the future" in error.message
    assert "2025-03-05 04:00 (UTC)" in error.message


@pytest.mark.slow
def test_an_update_timed_before_the_release_is_an_error(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("a.yml", claim_yaml(published="2025-01-30T09:00:00-05:00", updated="2025-01-30T13:59:00Z"))
    site.write_claim("b.yml", claim_yaml(published="2025-01-30T09:00:00-05:00", updated="2025-01-30T14:00:00Z"))
    site.write_claim("c.yml", claim_yaml(published="2025-01-30T09:00:00-05:00", updated="2025-01-30"))
    plan = SitePlanner(read_settings(site.root / "mkdocs.yml")).plan()
    [error] = plan.errors
    assert (error.path, error.code) == ("claims/a.yml", "updated-before-published")
    assert "updated 2025-01-30T13:59:00+00:00 is before published 2025-01-30T09:00:00-05:00" in error.message


@pytest.mark.slow
def test_a_date_time_without_an_offset_is_a_located_error(tmp_path: Path) -> None:
    site = make_site_in(tmp_path)
    site.write_claim("naive.yml", claim_yaml(published="2025-03-05T09:00:00").replace("'", ""))
    result = site.build()
    assert result.returncode != 0
    assert "Traceback" not in result.output
    line = next(n for n, text in enumerate((site.claims / "naive.yml").read_text().splitlines(), 1)
                if text.startswith("published:"))
    assert f"claims/naive.yml:{line}:" in result.output
    assert "without a UTC offset" in result.output
    assert "2025-03-05T09:00:00-05:00" in result.output  # the hint shows how


# One real build, at 04:59:59 UTC on 5 March, in a New York desk's site.

@pytest.fixture(scope="module")
def built(new_york_site: Site) -> Path:
    proc = mkdocs("build", "--strict", cwd=new_york_site.root,
                  env={**ENV, "SOURCE_DATE_EPOCH": epoch("2025-03-05T04:59:59+00:00")}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return new_york_site.root / "site"


@pytest.mark.slow
def test_the_build_publishes_only_what_has_gone_out(built: Path) -> None:
    assert (built / "claims" / "east" / "index.html").is_file()
    for held in ("west", "plain"):
        assert not (built / "claims" / held).exists()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in built.rglob("*")
             if p.is_file() and p.suffix in (".html", ".xml", ".json", ".csv")]
    assert not any("West desk claim" in t or "Plain date claim" in t for t in texts)
    exported = json.loads((built / "claims.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in exported["claims"]}
    assert sorted(by_id) == ["always", "east"]
    assert by_id["east"]["published"] == "2025-03-05"  # the day as written; pages show the day too
    page = (built / "claims" / "east" / "index.html").read_text(encoding="utf-8")
    assert '"datePublished":"2025-03-05"' in page


@pytest.mark.slow
def test_the_feed_is_valid_atom_with_the_real_instants(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    entries = {e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in feed.entries}
    assert entries["east"].published == "2025-03-05T00:00:00+09:00"
    # A plain date in a New York desk's site went out at midnight there.
    assert entries["always"].published == "2025-01-30T00:00:00-05:00"
    text = (built / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2025-03-05T00:00:00+09:00</updated>" in text


@pytest.mark.slow
def test_factcheck_status_uses_the_same_clock(new_york_site: Site) -> None:
    proc = factcheck("status", "--format", "json", cwd=new_york_site.root, timeout=120,
                     env={**ENV, "SOURCE_DATE_EPOCH": epoch("2025-03-05T04:59:59+00:00")})
    assert proc.returncode == 0, proc.stderr
    stages = {row["id"]: row["status"] for row in json.loads(proc.stdout)}
    assert stages == {"always": "published", "east": "published", "west": "embargoed", "plain": "embargoed"}


# The clock and the zone: wrong values are errors.

@pytest.mark.parametrize("value", ["soon", "-1", "1.5e9", "1741046400s", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_an_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(editorial.EpochError, match="SOURCE_DATE_EPOCH"):
        editorial.build_moment()
    with pytest.raises(editorial.EpochError):
        editorial.Policy().clock()


def test_a_well_formed_source_date_epoch_is_that_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1741150799 ")
    assert editorial.build_moment() == datetime(2025, 3, 5, 4, 59, 59, tzinfo=UTC)
    clock = editorial.Policy(zone=editorial.time_zone("America/New_York")).clock()
    assert clock.today == date(2025, 3, 4)


@pytest.mark.slow
@pytest.mark.parametrize("value", ["soon", "-86400"])
def test_a_malformed_epoch_fails_the_build_and_the_cli_without_a_traceback(utc_site: Site, value: str) -> None:
    env = {**ENV, "SOURCE_DATE_EPOCH": value}
    commands = [(mkdocs, "build"), (factcheck, "validate"), (factcheck, "status")]
    for run, command in commands:
        proc = run(command, cwd=utc_site.root, env=env, timeout=300)
        output = proc.stdout + proc.stderr
        assert proc.returncode != 0, (command, output)
        assert f"SOURCE_DATE_EPOCH is {value!r}" in output, output
        assert "Traceback" not in output


@pytest.mark.slow
def test_an_unknown_time_zone_is_a_config_error_naming_mkdocs_yml(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, plugin_options="timezone: Europe/Atlantis")
    site.write_claim("a.yml", claim_yaml())
    result = site.build()
    assert result.returncode != 0
    assert "mkdocs.yml: plugins.factcheck.timezone is 'Europe/Atlantis'" in result.output, result.output
    assert "Traceback" not in result.output
    proc = factcheck("validate", cwd=site.root, env=ENV, timeout=120)
    assert proc.returncode == 1
    assert "mkdocs.yml: plugins.factcheck.timezone is 'Europe/Atlantis'" in proc.stderr


@pytest.mark.parametrize("name", ["America", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "x" * 300, "",
                                  "Mars/Olympus"])
def test_a_time_zone_is_an_iana_name(name: str) -> None:
    with pytest.raises(ValueError, match="timezone is"):
        editorial.time_zone(name)
    assert str(editorial.time_zone("Asia/Tokyo")) == "Asia/Tokyo"


def test_the_schema_allows_a_date_time_only_with_its_offset() -> None:
    schema = json.loads((REPO / "schema" / "claim.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = json.loads(json.dumps(yaml.safe_load(claim_yaml()), default=str))
    for value, valid in ((WEST, True), (EAST, True), ("2025-03-05T05:00:00Z", True), ("2025-03-05", True),
                         ("2025-03-05T09:00:00", False)):
        errors = list(validator.iter_errors({**data, "published": value}))
        assert (errors == []) is valid, (value, errors)
