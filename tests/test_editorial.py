"""Editorial rules: each rule's finding, at its file, line and column, on a fixed day;
warnings raised to errors by the site; which claims a build publishes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import claim_yaml, factcheck
from mkdocs_factcheck.base.errors import ClaimError
from mkdocs_factcheck.claims.editorial import Policy, build_date, publishable, stage
from mkdocs_factcheck.claims.loader import ClaimLoader, ClaimSet
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE

TODAY = date(2025, 3, 1)
ARCHIVED = [{"title": "DeepSeek-V3 Technical Report", "url": "https://arxiv.org/abs/2412.19437",
             "archive_url": "https://web.archive.org/web/2025/https://arxiv.org/abs/2412.19437"}]
SOURCED_QUOTE = [{"expert": "Gavin Baker", "text": "The figure leaves out prior research costs.",
                  "source": "https://example.org/quote"}]


def clean(**overrides: object) -> str:
    """A claim file that breaks no editorial rule (on TODAY), with the given changes."""
    return claim_yaml(**{"sources": ARCHIVED, "quotes": SOURCED_QUOTE, **overrides})


def load(tmp_path: Path, files: dict[str, str], policy: Policy | None = None) -> ClaimSet:
    folder = tmp_path / "claims"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    policy = policy or Policy(today=TODAY)
    return ClaimLoader(DEFAULT_SCALE, policy=policy).load(folder, tmp_path)


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """(line, column) of the nth line holding `needle`: where its value starts."""
    hits = [(i, line) for i, line in enumerate(text.splitlines(), 1) if needle in line]
    number, line = hits[nth - 1]
    start = line.index(needle) + len(needle)
    return number, start + len(line[start:]) - len(line[start:].lstrip()) + 1


def start_of(text: str, needle: str) -> tuple[int, int]:
    """(line, column) where `needle` starts: a list item's first key."""
    return next((i, line.index(needle) + 1) for i, line in enumerate(text.splitlines(), 1) if needle in line)


def only(found: list[ClaimError]) -> ClaimError:
    assert len(found) == 1, [str(f) for f in found]
    return found[0]


def test_a_clean_claim_has_no_finding(tmp_path: Path) -> None:
    result = load(tmp_path, {"a.yml": clean()})
    assert (result.errors, result.warnings) == ([], [])


# --- errors: dates that cannot be true -------------------------------------------------


def test_claim_date_after_published(tmp_path: Path) -> None:
    text = clean(claim_date="2025-02-01", published="2025-01-30")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column) == at(text, "claim_date:")
    assert error.code == "claim-after-published" and error.severity == "error"
    assert str(error).startswith(f"claims/a.yml:{error.line}:{error.column}: claim_date 2025-02-01 "
                                 "is after published 2025-01-30 (a claim is checked after it is made")


def test_updated_before_published(tmp_path: Path) -> None:
    text = clean(updated="2025-01-29")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column, error.code) == (*at(text, "updated:"), "updated-before-published")
    assert "updated 2025-01-29 is before published 2025-01-30" in str(error)


@pytest.mark.parametrize("updated, day", [
    (None, "2025-01-29"),        # before published
    ("2025-02-02", "2025-02-03"),  # after updated
    (None, "2025-03-02"),        # no updated: after the build's date
])
def test_correction_outside_the_checks_dates(tmp_path: Path, updated: str | None, day: str) -> None:
    text = clean(updated=updated, corrections=[{"date": "2025-02-01", "note": "Fine."},
                                               {"date": day, "note": "Out of range."}])
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column) == at(text, "- date:", nth=2)
    assert error.code == "correction-outside-dates"
    assert f"correction dated {day} is outside this check's dates (published 2025-01-30 to " in error.message


def test_correction_on_the_edges_is_fine(tmp_path: Path) -> None:
    text = clean(updated="2025-02-02", corrections=[{"date": "2025-01-30", "note": "Same day."},
                                                    {"date": "2025-02-02", "note": "Last change."}])
    assert load(tmp_path, {"a.yml": text}).errors == []


def test_future_claim_date_and_updated(tmp_path: Path) -> None:
    text = clean(claim_date="2025-01-20", updated="2025-03-02")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column, error.code) == (*at(text, "updated:"), "future-date")
    assert "updated 2025-03-02 is in the future (the build's date is 2025-03-01)" in error.message


def test_a_claim_cannot_be_made_in_the_future(tmp_path: Path) -> None:
    # Only reachable where the check's own date may lie ahead: a draft's planned date.
    text = clean(status="draft", claim_date="2025-03-03", published="2025-03-10")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column, error.code) == (*at(text, "claim_date:"), "future-date")
    assert "claim_date 2025-03-03 is in the future" in error.message


def test_published_in_the_future_without_reviewers(tmp_path: Path) -> None:
    text = clean(published="2025-03-02")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column, error.code) == (*at(text, "published:"), "future-published")
    assert "reviewed_by" in error.hint


def test_a_draft_may_carry_a_planned_date(tmp_path: Path) -> None:
    for status in ("draft", "review"):
        assert load(tmp_path, {"a.yml": clean(published="2025-04-01", status=status)}).errors == []


@pytest.mark.slow
def test_too_few_reviewers(tmp_path: Path) -> None:
    policy = Policy(min_reviewers=2, today=TODAY)
    # The author does not review their own check; one name spelled twice is one reviewer.
    text = clean(author="Ana Ruiz", reviewed_by=["Ana Ruiz", "Ben Okafor", "ben  okafor"])
    error = only(load(tmp_path, {"a.yml": text}, policy).errors)
    assert (error.line, error.column, error.code) == (at(text, "reviewed_by:")[0], 1, "too-few-reviewers")
    assert "published with 1 of the 2 reviewers this site requires" in error.message
    enough = clean(author="Ana Ruiz", reviewed_by=["Ben Okafor", "Chloé Martin"])
    assert load(tmp_path, {"a.yml": enough}, policy).errors == []
    in_review = clean(status="review")
    assert load(tmp_path, {"a.yml": in_review}, policy).errors == []


def test_no_reviewers_at_all_points_at_status(tmp_path: Path) -> None:
    text = clean(status="published")
    error = only(load(tmp_path, {"a.yml": text}, Policy(min_reviewers=1, today=TODAY)).errors)
    assert (error.line, error.column) == at(text, "status:")


# --- embargo ------------------------------------------------------------------------------


def test_a_reviewed_check_with_a_future_date_is_embargoed(tmp_path: Path) -> None:
    files = {"soon.yml": clean(published="2025-03-05", reviewed_by=["Ben Okafor"]), "now.yml": clean()}
    result = load(tmp_path, files)
    assert result.errors == []
    claims = result.claims
    assert stage(claims["soon"], TODAY) == "embargoed"
    assert [c.id for c in publishable(claims.values(), TODAY)] == ["now"]
    assert [c.id for c in publishable(claims.values(), date(2025, 3, 4))] == ["now"]
    assert sorted(c.id for c in publishable(claims.values(), date(2025, 3, 5))) == ["now", "soon"]


def test_the_build_date_comes_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741046400")  # 2025-03-04T00:00:00Z
    assert build_date() == date(2025, 3, 4)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_date() >= date(2025, 3, 4)


def test_publishable_leaves_out_drafts_and_their_ids(tmp_path: Path) -> None:
    files = {"pub.yml": clean(related=["wip", "other"]), "other.yml": clean(),
             "wip.yml": clean(status="draft"), "rev.yml": clean(status="review")}
    result = load(tmp_path, files)
    public = {c.id: c for c in publishable(result.claims.values(), TODAY)}
    assert sorted(public) == ["other", "pub"]
    assert public["pub"].related == ["other"]
    assert public["pub"].path == "claims/pub.yml"
    assert result.claims["pub"].related == ["wip", "other"], "the loaded claim itself is untouched"


# --- warnings ------------------------------------------------------------------------


def test_every_warning_at_its_place(tmp_path: Path) -> None:
    long_claim = "DeepSeek developed its R1 model in two months for under six million dollars, they said."
    text = claim_yaml(appearance=None, claim=long_claim, quotes=[{"expert": "Gavin Baker", "text": "Hm."}],
                      sources=[ARCHIVED[0], {"title": "A page", "url": "https://example.org/page"}])
    result = load(tmp_path, {"a.yml": text})
    assert result.errors == []
    found = {(w.code, w.line, w.column) for w in result.warnings}
    assert found == {
        ("missing-appearance", *at(text, "claimant:")),
        ("claim-too-long", *at(text, "claim:")),
        ("missing-archive", *start_of(text, "title: A page")),
        ("quote-without-source", *start_of(text, "expert: Gavin")),
    }
    assert all(w.severity == "warning" for w in result.warnings)
    lines = sorted(str(w) for w in result.warnings)
    assert any(": warning: source 'A page' has no archive_url (" in line for line in lines)
    assert any(f"the claim is {len(long_claim)} characters" in line for line in lines)


def test_a_claim_of_75_characters_is_not_too_long(tmp_path: Path) -> None:
    text = clean(claim="x" * 75)
    assert load(tmp_path, {"a.yml": text}).warnings == []


def test_a_site_raises_warnings_to_errors(tmp_path: Path) -> None:
    text = claim_yaml(appearance=None)  # no archive, no quote source, no appearance
    some = load(tmp_path, {"a.yml": text}, Policy(frozenset({"missing-archive"}), today=TODAY))
    assert {e.code for e in some.errors} == {"missing-archive"}
    assert {w.code for w in some.warnings} == {"missing-appearance", "quote-without-source"}
    every = load(tmp_path, {"a.yml": text}, Policy.from_options("all"))
    assert every.warnings == [] and len(every.errors) == 3
    assert not some.ok and all(e.severity == "error" for e in every.errors)


@pytest.mark.parametrize("options, message", [
    ({"warnings_as_errors": ["missing-archiv"]}, "unknown code 'missing-archiv'"),
    ({"warnings_as_errors": 3}, "must be `all` or a list"),
    ({"min_reviewers": -1}, "min_reviewers is -1"),
    ({"min_reviewers": True}, "min_reviewers is True"),
])
def test_bad_policy_options_are_explained(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Policy.from_options(**options)  # type: ignore[arg-type]


def test_status_and_reviewed_by_are_validated(tmp_path: Path) -> None:
    text = clean(status="ready")
    error = only(load(tmp_path, {"a.yml": text}).errors)
    assert (error.line, error.column) == at(text, "status:")
    assert "'status' cannot be 'ready'" in error.message and "draft" in error.hint


# --- the preview banner and the command's output formats --------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("language, draft, embargo", [("en", "Draft", "Embargoed until"),
                                                       ("de", "Entwurf", "Sperrfrist bis")])
def test_preview_pages_carry_a_banner(tmp_path: Path, language: str, draft: str, embargo: str) -> None:
    from mkdocs_factcheck.base.strings import strings_for
    from mkdocs_factcheck.claims.catalog import build_catalog
    from mkdocs_factcheck.output.render import Renderer, SiteInfo

    files = {"wip.yml": clean(status="draft"), "soon.yml": clean(published="2025-03-05", reviewed_by=["B"]),
             "out.yml": clean()}
    claims = load(tmp_path, files).claims.values()
    catalog = build_catalog(claims, DEFAULT_SCALE, preview=True, today=TODAY)
    assert catalog.previews == {"wip": "draft", "soon": "embargoed"}
    assert build_catalog(claims, DEFAULT_SCALE, today=TODAY).previews == {}
    site = SiteInfo(name="Desk", url="", organization="Desk", organization_url="", default_author="Desk")
    renderer = Renderer(strings_for(language), DEFAULT_SCALE, site)

    def page(claim_id: str) -> str:
        return renderer.page("claim.html", catalog, f"claims/{claim_id}/", claim=catalog.by_id[claim_id],
                             history=None)

    assert 'class="admonition warning fc-preview"' in page("wip") and f">{draft}</p>" in page("wip")
    assert embargo in page("soon") and "2025-03-05" in page("soon").split("fc-preview")[1][:200]
    assert "fc-preview" not in page("out")


@pytest.mark.slow
def test_validate_shows_warnings_in_every_format(tmp_path: Path) -> None:
    import json
    import subprocess

    from conftest import ENV, make_site_in

    site = make_site_in(tmp_path)
    text = clean(appearance=None)
    site.write_claim("a.yml", text)
    line, column = at(text, "claimant:")

    def validate(*args: str) -> subprocess.CompletedProcess[str]:
        return factcheck("validate", *args, cwd=tmp_path, env=ENV, timeout=120)

    plain = validate()
    assert plain.returncode == 0, "warnings never fail validate"
    assert plain.stdout.splitlines() == [
        f"claims/a.yml:{line}:{column}: warning: no appearance: readers cannot see where DeepSeek made the "
        "claim (add `appearance:` with the URL of the post, article or video where it was made) "
        "[missing-appearance]",
        "1 claim file checked: no problems, 1 warning"]
    github = validate("--format", "github").stdout.splitlines()
    assert github[0].startswith(f"::warning file=claims/a.yml,line={line},col={column},"
                                "title=factcheck missing-appearance::no appearance")
    (entry,) = json.loads(validate("--format", "json").stdout)
    assert (entry["severity"], entry["code"], entry["line"]) == ("warning", "missing-appearance", line)
    (site.root / "mkdocs.yml").write_text((site.root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  - factcheck", "  - factcheck:\n      warnings_as_errors: all"), encoding="utf-8")
    strict = validate("--format", "github")
    assert strict.returncode == 1 and strict.stdout.startswith("::error file=claims/a.yml")
