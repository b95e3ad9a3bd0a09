"""The loader: every rule of CONTRACT section 1 gives a located error, all in one run."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import claim_yaml
from mkdocs_factcheck.claims.loader import ClaimLoader
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE


def load(folder: Path):
    return ClaimLoader(DEFAULT_SCALE).load(folder, folder.parent)


def write(folder: Path, name: str, text: str | bytes) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def only_error(folder: Path) -> str:
    result = load(folder)
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return str(result.errors[0])


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_claim_loads(tmp_path: Path) -> None:
    write(tmp_path / "claims", "deepseek-cost.yml", claim_yaml())
    result = load(tmp_path / "claims")
    assert result.ok
    claim = result.claims["deepseek-cost"]
    assert claim.verdict == "misleading"
    assert claim.appearance == ["https://example.org/appearance"]
    assert claim.path == "claims/deepseek-cost.yml"


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    text = claim_yaml(verdit="false")
    write(tmp_path / "claims", "a.yml", text)
    error = only_error(tmp_path / "claims")
    assert error.startswith(f"claims/a.yml:{line_of(text, 'verdit:')}:1: unknown key 'verdit'")
    assert "did you mean 'verdict'?" in error


def test_missing_required_key(tmp_path: Path) -> None:
    write(tmp_path / "claims", "a.yml", claim_yaml(summary=None))
    error = only_error(tmp_path / "claims")
    assert error.startswith("claims/a.yml:1:1: missing required key 'summary'")
    assert "add `summary:`" in error


def test_wrong_type(tmp_path: Path) -> None:
    text = claim_yaml(claimant=["a", "b"])
    write(tmp_path / "claims", "a.yml", text)
    error = only_error(tmp_path / "claims")
    assert error.startswith(f"claims/a.yml:{line_of(text, 'claimant:') + 1}:")
    assert "'claimant' must be text" in error


def test_unknown_verdict_lists_the_scale(tmp_path: Path) -> None:
    text = claim_yaml(verdict="misleadin")
    write(tmp_path / "claims", "a.yml", text)
    error = only_error(tmp_path / "claims")
    assert f"a.yml:{line_of(text, 'verdict:')}:10: unknown verdict 'misleadin'" in error
    assert "did you mean 'misleading'?" in error and "mostly-true" in error


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org/x",
                                 "data:text/html,hi"])
def test_non_http_url_is_an_error(tmp_path: Path, url: str) -> None:
    text = claim_yaml(sources=[{"title": "T", "url": url}])
    write(tmp_path / "claims", "a.yml", text)
    error = only_error(tmp_path / "claims")
    assert f"a.yml:{line_of(text, 'url:')}:" in error
    assert "'sources.0.url' is not an http(s) URL" in error


def test_related_id_that_names_no_claim(tmp_path: Path) -> None:
    write(tmp_path / "claims", "one.yml", claim_yaml(related=["two", "three"]))
    write(tmp_path / "claims", "two.yml", claim_yaml())
    text = (tmp_path / "claims" / "one.yml").read_text()
    error = only_error(tmp_path / "claims")
    assert error.startswith(f"claims/one.yml:{line_of(text, '- three')}:3: related claim 'three' does not exist")


def test_two_claims_with_the_same_id(tmp_path: Path) -> None:
    write(tmp_path / "claims", "same.yml", claim_yaml())
    write(tmp_path / "claims", "same.yaml", claim_yaml())
    result = load(tmp_path / "claims")
    assert sorted(str(e).split(":")[0] for e in result.errors) == ["claims/same.yaml", "claims/same.yml"]
    assert all("also used by" in str(e) for e in result.errors)
    assert result.claims == {}


def test_every_error_in_every_file_in_one_run(tmp_path: Path) -> None:
    write(tmp_path / "claims", "a.yml", claim_yaml(verdict="maybe", tags="x", color="red"))
    write(tmp_path / "claims", "b.yml", claim_yaml(published="soon", sources=[]))
    write(tmp_path / "claims", "good.yml", claim_yaml())
    result = load(tmp_path / "claims")
    files = [e.path for e in result.errors]
    assert files.count("claims/a.yml") == 3 and files.count("claims/b.yml") == 2
    assert list(result.claims) == ["good"]


def test_invalid_file_name_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "claims", "Foo Bar.yml", claim_yaml())
    error = only_error(tmp_path / "claims")
    assert "is not a valid claim id" in error and "foo-bar.yml" in error


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    write(tmp_path / "claims", "a.yml", "claim: one\nclaimant: [unclosed\nverdict: true\n")
    error = only_error(tmp_path / "claims")
    assert error.startswith("claims/a.yml:3:") and "invalid YAML" in error


def test_duplicate_key_is_not_silently_dropped(tmp_path: Path) -> None:
    text = claim_yaml() + "verdict: false\n"
    write(tmp_path / "claims", "a.yml", text)
    error = only_error(tmp_path / "claims")
    assert f"a.yml:{len(text.splitlines())}:1: the key 'verdict' appears twice" in error


class TestFilesAsPeopleSaveThem:
    def test_crlf_and_byte_order_mark(self, tmp_path: Path) -> None:
        raw = "\ufeff" + claim_yaml().replace("\n", "\r\n")
        write(tmp_path / "claims", "a.yml", raw.encode("utf-8"))
        result = load(tmp_path / "claims")
        assert result.ok and result.claims["a"].claimant == "DeepSeek"

    def test_yaml_extension(self, tmp_path: Path) -> None:
        write(tmp_path / "claims", "a.yaml", claim_yaml())
        assert list(load(tmp_path / "claims").claims) == ["a"]

    @pytest.mark.parametrize(("bare", "key"), [("true", "true"), ("false", "false"), ("False", "false")])
    def test_bare_boolean_verdicts(self, tmp_path: Path, bare: str, key: str) -> None:
        text = claim_yaml().replace("verdict: misleading", f"verdict: {bare}")
        write(tmp_path / "claims", "a.yml", text)
        assert load(tmp_path / "claims").claims["a"].verdict == key

    def test_yaml_1_1_no_is_not_false(self, tmp_path: Path) -> None:
        text = claim_yaml().replace("verdict: misleading", "verdict: no")
        write(tmp_path / "claims", "a.yml", text)
        assert "unknown verdict 'no'" in only_error(tmp_path / "claims")

    def test_number_date_is_refused_not_misread(self, tmp_path: Path) -> None:
        text = claim_yaml().replace("published: '2025-01-30'", "published: 20250130")
        write(tmp_path / "claims", "a.yml", text)
        assert "'published' is not a date" in only_error(tmp_path / "claims")

    def test_empty_optional_list_means_none(self, tmp_path: Path) -> None:
        text = claim_yaml(tags=None) + "tags:\n"
        write(tmp_path / "claims", "a.yml", text)
        assert load(tmp_path / "claims").claims["a"].tags == []


def test_unchanged_files_are_not_parsed_again(tmp_path: Path) -> None:
    write(tmp_path / "claims", "a.yml", claim_yaml())
    write(tmp_path / "claims", "b.yml", claim_yaml())
    loader = ClaimLoader(DEFAULT_SCALE)
    loader.load(tmp_path / "claims")
    assert loader.parsed == 2
    write(tmp_path / "claims", "b.yml", claim_yaml(summary="Changed."))
    result = loader.load(tmp_path / "claims")
    assert loader.parsed == 3
    assert result.claims["b"].summary == "Changed."
