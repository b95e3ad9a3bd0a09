"""People as identities (issue 20): one person however their name is written, reviewers counted
by identity, the people registry (people.yml) validated and located, its sameAs in ClaimReview,
and a 500-check archive with messy names that builds strict with one page per person."""

from __future__ import annotations

import json
import random
import re
import textwrap
from datetime import date
from pathlib import Path

import attacks
import extruct
import pytest
import yaml
from conftest import REPO, claim_yaml, make_site_in
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from mkdocs_factcheck.claims.catalog import build_catalog
from mkdocs_factcheck.claims.editorial import Policy
from mkdocs_factcheck.claims.loader import ClaimLoader, ClaimSet
from mkdocs_factcheck.claims.people import Desk, registry_from
from mkdocs_factcheck.claims.scale import DEFAULT_SCALE
from mkdocs_factcheck.claims.slugs import identity_key, lookalike_trick, spelling_key
from mkdocs_factcheck.cli import main
from mkdocs_factcheck.cli.schema import people_schema_text
from mkdocs_factcheck.output import jsonld
from mkdocs_factcheck.plan.siteplan import SettingsError, settings_from
from mkdocs_factcheck.project.site import PEOPLE_SCHEMA_PATH

TODAY = date(2025, 3, 1)
SITE_URL = "https://checks.example.org/"


def load(tmp_path: Path, files: dict[str, str], *, people: str | None = None, policy: Policy | None = None,
         ) -> ClaimSet:
    folder = tmp_path / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    registry = tmp_path / "people.yml"
    if people is not None:
        registry.write_text(textwrap.dedent(people), encoding="utf-8")
    return ClaimLoader(DEFAULT_SCALE, policy=policy or Policy(today=TODAY), people_file=registry).load(folder, tmp_path)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- identity keys ---------------------------------------------------------------------


@pytest.mark.parametrize(("one", "other"), [
    ("James Snapp", "James Snapp."), ("James Snapp", "james  snapp"), ("James Snapp", " JAMES SNAPP,"),
    ("James Snapp", "James\u200b Snapp"), ("James Snapp", "James Sn\u00adapp"), ("James Snapp", "\u202eJames Snapp"),
    ("James Snapp", "J\u0430mes Snapp"),  # Cyrillic a
    ("Ian Smith", "\u0399an Smith"),  # Greek capital iota
    ("Nick Rose", "\u039dick R\u03bfse"),  # Greek capital nu, small omicron
    ("James Snapp", "\uff2aames Snapp"),  # full-width J
    ("Jean-Luc Martin", "Jean Luc Martin"), ("O'Brien", "O\u2019Brien"), ("O'Brien", "OBrien"),
    ("Émilie Fournier", "E\u0301milie Fournier"),  # composed and decomposed é
])
def test_spellings_of_one_person_have_one_identity(one: str, other: str) -> None:
    assert identity_key(one) == identity_key(other)


@pytest.mark.parametrize(("one", "other"), [
    ("James Snapp", "J. Snapp"),  # initials are another person unless people.yml says otherwise
    ("José Pérez", "Jose Perez"), ("Łukasz", "Lukasz"), ("Jamie Smith", "Jam\u0131e Smith"),  # dotless i
    ("?", "!"),
])
def test_names_that_truly_differ_have_two_identities(one: str, other: str) -> None:
    assert identity_key(one) != identity_key(other)


def test_tags_keep_their_punctuation_and_lose_the_rest() -> None:
    assert len({spelling_key(t) for t in ("C", "C#", "C++")}) == 3
    assert spelling_key("Cost") == spelling_key("c\u200bost") == spelling_key("\u0441ost") == "cost"


def test_look_alike_tricks_are_recognised() -> None:
    assert not any(map(lookalike_trick, ["James Snapp.", "Émilie Fournier", "Путин", "北京", "O'Brien"]))
    assert all(map(lookalike_trick, ["J\u0430mes", "James\u200b", "\uff2aames", "\u202eJames"]))


# --- one page per person, whatever the spelling -----------------------------------------


def _variants() -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in attacks.load("variants")]  # type: ignore[misc]


@pytest.mark.parametrize("field", ["claimant", "quote.expert"])
@pytest.mark.parametrize(("real", "variant"), _variants())
def test_spelling_variants_are_one_page_with_a_warning_naming_both(real: str, variant: str, field: str,
                                                                   tmp_path: Path) -> None:
    older = attacks.claim_data({field: real}) | {"published": "2025-01-22", "updated": None, "corrections": []}
    newer = attacks.claim_data({field: variant}) | {"published": "2025-02-10", "updated": None, "corrections": []}
    text = attacks.dump(newer)
    result = load(tmp_path, {"real.yml": attacks.dump(older), "a-variant.yml": text})
    assert result.errors == [], [str(e) for e in result.errors]
    assert sorted(result.claims) == ["a-variant", "real"]
    (warning,) = [w for w in result.warnings if w.code == "name-variant"]
    assert warning.path == "claims/a-variant.yml" and "claims/real.yml" in warning.message
    assert warning.line == line_of(text, "expert:" if field == "quote.expert" else "claimant:")
    catalog = build_catalog(result.claims.values(), DEFAULT_SCALE, today=TODAY, names=result.names)
    entities = catalog.experts if field == "quote.expert" else catalog.claimants
    (entity,) = entities.values()
    assert entity.name == " ".join(real.split())  # the older check's spelling titles the page


@pytest.mark.parametrize(("real", "variant"), [(r, v) for r, v in _variants() if lookalike_trick(v)])
def test_a_look_alike_never_moves_or_retitles_a_page(real: str, variant: str, tmp_path: Path) -> None:
    # Even dated before the real spelling's check, a look-alike trick does not title the page.
    impostor = attacks.claim_data({"claimant": variant}) | {"published": "2024-06-01", "updated": None,
                                                            "corrections": [], "claim_date": "2024-05-01"}
    result = load(tmp_path, {"real.yml": attacks.dump(attacks.claim_data({"claimant": real})),
                             "impostor.yml": attacks.dump(impostor)})
    assert result.errors == []
    catalog = build_catalog(result.claims.values(), DEFAULT_SCALE, today=TODAY, names=result.names)
    (slug, entity), = catalog.claimants.items()
    assert (slug, entity.name) == (re.sub(r"[^a-z0-9]+", "-", real.lower()).strip("-"), real)
    assert any("look-alike letters" in w.message and w.path == "claims/impostor.yml" for w in result.warnings)


def test_tags_that_differ_in_punctuation_stay_an_error_and_invisible_characters_do_not(tmp_path: Path) -> None:
    result = load(tmp_path, {"a.yml": claim_yaml(tags=["C"]), "b.yml": claim_yaml(tags=["C#"])})
    assert {e.path for e in result.errors} == {"claims/a.yml", "claims/b.yml"}
    result = load(tmp_path, {"a.yml": claim_yaml(tags=["cost"]), "b.yml": claim_yaml(tags=["c\u200bost"])})
    assert result.errors == []
    assert [w.path for w in result.warnings if w.code == "name-variant"] == ["claims/b.yml"]


def test_a_site_can_make_spelling_variants_errors(tmp_path: Path) -> None:
    policy = Policy(strict=frozenset({"name-variant"}), today=TODAY)
    result = load(tmp_path, {"a.yml": claim_yaml(claimant="Sam Altman"),
                             "b.yml": claim_yaml(claimant="Sam Altman.", published="2025-02-01")}, policy=policy)
    assert [(e.path, e.code) for e in result.errors] == [("claims/b.yml", "name-variant")]


# --- reviewers are counted by identity ------------------------------------------------------


SPOOFS = {
    "trailing dot": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "Ana Ruiz."]},
    "zero-width": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "Ana\u200b Ruiz"]},
    "soft hyphen": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "Ana Ru\u00adiz"]},
    "Cyrillic a": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "\u0410na Ruiz"]},
    "case": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "ANA RUIZ"]},
    "accent": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "Ána Ruiz"]},
    "one reviewer twice": {"author": "Ana Ruiz", "reviewed_by": ["Ben Okafor", "Ben Okafor."]},
    "default author reviews": {"author": None, "reviewed_by": ["Ben Okafor", "Test desk"]},
    "default author, varied": {"author": None, "reviewed_by": ["Ben Okafor", "test-desk"]},
}


@pytest.mark.parametrize("spoof", SPOOFS)
def test_a_spoofed_reviewer_does_not_count(spoof: str, tmp_path: Path) -> None:
    policy = Policy(min_reviewers=2, today=TODAY, desk=Desk("Test desk"))
    text = claim_yaml(**SPOOFS[spoof])
    errors = load(tmp_path, {"a.yml": text}, policy=policy).errors
    assert [e.code for e in errors] == ["too-few-reviewers"], [str(e) for e in errors]
    assert "published with 1 of the 2 reviewers" in errors[0].message and "not counted" in errors[0].message
    honest = claim_yaml(**{**SPOOFS[spoof], "reviewed_by": ["Ben Okafor", "Chloé Martin"]})
    assert load(tmp_path, {"a.yml": honest}, policy=policy).errors == []


PEOPLE = """\
- id: ana-ruiz
  name: Ana Ruiz
  aliases: [A. Ruiz]
  desk: true
  same_as: [https://www.wikidata.org/wiki/Q1]
- id: ben-okafor
  name: Ben Okafor
  roles:
    - title: Editor
      from: 2024-01-01
- id: chloe-martin
  name: Chloé Martin
  roles:
    - title: Editor
      from: 2023-01-01
      until: 2024-12-31
- id: test-desk
  name: Test desk
  type: organization
  desk: true
  same_as: [https://www.wikidata.org/wiki/Q2]
- id: deepseek
  name: DeepSeek
  type: organization
  aliases: [DeepSeek AI]
  same_as: [https://www.wikidata.org/wiki/Q3, https://www.deepseek.com/]
"""


def test_an_alias_of_the_author_does_not_count_as_a_reviewer(tmp_path: Path) -> None:
    policy = Policy(min_reviewers=1, today=TODAY, desk=Desk("Test desk"))
    text = claim_yaml(author="Ana Ruiz", reviewed_by=["A. Ruiz"])
    errors = load(tmp_path, {"a.yml": text}, people=PEOPLE, policy=policy).errors
    assert [e.code for e in errors] == ["too-few-reviewers"], [str(e) for e in errors]
    assert "'A. Ruiz' (the author)" in errors[0].message
    # Without the registry, initials are someone else: that is what the alias is for.
    assert load(tmp_path / "none", {"a.yml": text}, policy=policy).errors == []


def test_authors_and_reviewers_must_be_on_the_desk(tmp_path: Path) -> None:
    policy = Policy(min_reviewers=1, today=TODAY, desk=Desk("Test desk"))
    text = claim_yaml(author="Ana Ruis", reviewed_by=["Chloé Martin", "Ben Okafor"])
    errors = load(tmp_path, {"a.yml": text}, people=PEOPLE, policy=policy).errors
    messages = {(e.line, e.code, e.message, e.hint) for e in errors}
    assert (line_of(text, "author:"), "not-on-desk", "author: 'Ana Ruis' is not in people.yml",
            "did you mean 'Ana Ruiz'?") in messages
    # Chloé Martin left the desk before the check was published (2025-01-30).
    assert any(line == line_of(text, "Chlo") and "'Chloé Martin' (chloe-martin) is not on the desk on 2025-01-30"
               in message for line, _, message, _ in messages), messages
    assert len(errors) == 2
    fine = claim_yaml(author="ana ruiz", reviewed_by=["Ben Okafor"])
    assert load(tmp_path, {"a.yml": fine}, people=PEOPLE, policy=policy).errors == []


def test_the_default_author_must_be_on_the_desk(tmp_path: Path) -> None:
    policy = Policy(today=TODAY, desk=Desk("Somebody Else"))
    errors = load(tmp_path, {"a.yml": claim_yaml()}, people=PEOPLE, policy=policy).errors
    assert [(e.path, e.line, e.code) for e in errors] == [("people.yml", 1, "not-on-desk")]
    assert "'Somebody Else'" in errors[0].message


def test_registry_problems_are_located_all_at_once(tmp_path: Path) -> None:
    people = """\
    - id: ana-ruiz
      name: Ana Ruiz
    - id: Ben Okafor
      name: Ben Okafor
      alias: [B. Okafor]
      same_as: [javascript:alert(1)]
    - id: ana-ruiz
      name: Another Ana
    - id: chloe
      name: Chloé Martin
      roles:
        - title: Editor
          from: 2024-05-01
          until: 2024-01-01
    - id: chloe-martin
      name: CHLOÉ MARTIN.
    - name: No Id
      type: robot
    """
    result = load(tmp_path, {"a.yml": claim_yaml()}, people=people)
    found = {(e.line, e.message) for e in result.errors if e.path == "people.yml"}
    expected_lines = {3: "the id 'Ben Okafor' is not a valid id", 5: "unknown key 'alias'",
                      6: "is not an http(s) URL", 7: "is also used by entry 1", 14: "ends (2024-01-01) before",
                      16: "'CHLOÉ MARTIN.' is also a spelling of 'chloe'", 17: "missing required key 'id'",
                      18: "cannot be 'robot'"}
    for line, text in expected_lines.items():
        assert any(n == line and text in message for n, message in found), (line, text, sorted(found))
    hints = {e.message: e.hint for e in result.errors}
    assert hints["entry 2: unknown key 'alias'"] == "did you mean 'aliases'?"
    assert "'ben-okafor'" in hints["entry 2: the id 'Ben Okafor' is not a valid id"]


def test_registry_yaml_follows_the_claim_files_rules(tmp_path: Path) -> None:
    result = load(tmp_path, {"a.yml": claim_yaml()}, people="- &a\n  id: x\n  name: X\n- *a\n")
    assert [(e.path, e.line) for e in result.errors] == [("people.yml", 1)]
    assert "anchors" in result.errors[0].message
    registry, errors = registry_from({"id": "x"}, "people.yml", lambda loc: (1, 1))
    assert not registry.people and "must be a list" in errors[0].message


# --- ClaimReview: who is who, with sameAs ------------------------------------------------


def test_claim_review_names_registry_people_with_same_as(tmp_path: Path) -> None:
    text = claim_yaml(claimant="DeepSeek AI", claimant_type=None, author="Ana Ruiz")
    result = load(tmp_path, {"a.yml": text}, people=PEOPLE, policy=Policy(today=TODAY, desk=Desk("Test desk")))
    assert result.errors == [], [str(e) for e in result.errors]
    registry = result.names.registry
    review = jsonld.claim_review(result.claims["a"], DEFAULT_SCALE, url=SITE_URL, organization="Test desk",
                                 registry=registry, default_author="Test desk")
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "DeepSeek", "sameAs": [
        "https://www.wikidata.org/wiki/Q3", "https://www.deepseek.com/"]}
    assert review["author"] == {"@type": "Organization", "name": "Test desk",
                                "sameAs": ["https://www.wikidata.org/wiki/Q2"]}
    assert review["creator"] == {"@type": "Person", "name": "Ana Ruiz", "sameAs": ["https://www.wikidata.org/wiki/Q1"]}
    plain = jsonld.claim_review(result.claims["a"], DEFAULT_SCALE, url=SITE_URL, organization="Test desk")
    assert "creator" not in plain and "sameAs" not in plain["author"]


# --- a real archive, migrated: 500 checks with messy names, one strict build ----------------

PEOPLE_500 = """\
- id: james-snapp
  name: James Snapp
  aliases: [J. Snapp]
- id: test-desk
  name: Test desk
  type: organization
  desk: true
"""
# Each person as the archive writes them: the clean spelling first (it is also the oldest).
MESSY = {
    "James Snapp": ["James Snapp", "James Snapp.", "james snapp", "James  Snapp", "J. Snapp"],
    "Maria Lopez": ["Maria Lopez", "MARIA LOPEZ", "Maria Lopez,", " Maria  Lopez"],
    "M. Lopez": ["M. Lopez"],  # initials without an alias: someone else, a page of their own
    "Jean-Luc Moreau": ["Jean-Luc Moreau", "Jean Luc Moreau", "jean-luc moreau."],
    "Priya Natarajan": ["Priya Natarajan", "Priya Natarajan "],
    "World Health Organization": ["World Health Organization", "World Health Organization.",
                                  "world health organization"],
}
EXPECTED_CLAIMANTS = {"james-snapp", "maria-lopez", "m-lopez", "jean-luc-moreau", "priya-natarajan",
                      "world-health-organization"}


def _archive(count: int = 500) -> dict[str, str]:
    """Claim files as a desk converting a public dataset would write them: each name in any of
    its spellings, the clean one first in time; experts and tags varied the same way."""
    pick = random.Random(20)
    people = list(MESSY)
    files = {}
    for n in range(count):
        person = people[n % len(people)]
        spellings = MESSY[person]
        claimant = spellings[0] if n < len(people) else pick.choice(spellings)
        expert = pick.choice(MESSY["Maria Lopez"] if n % 2 else MESSY["Jean-Luc Moreau"])
        day = date(2020, 1, 1).toordinal() + n * 3
        files[f"check-{n:03d}.yml"] = claim_yaml(
            claim=f"Claim number {n} about {person}, checked.", claimant=claimant, claim_date=None,
            published=date.fromordinal(day).isoformat(),
            verdict=["false", "mostly-false", "misleading", "mixed", "mostly-true", "true"][n % 6],
            quotes=[{"expert": expert, "text": f"Quote {n}.", "source": "https://example.org/q"}],
            tags=[pick.choice(["health", "Health", "he\u200balth"]), "archive"],
            author=None)
    return files


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("archive")
    site = make_site_in(root, plugin_options="min_reviewers: 0")
    (root / "people.yml").write_text(PEOPLE_500, encoding="utf-8")
    for name, text in _archive().items():
        site.write_claim(name, text)
    result = site.build("--strict", "--verbose")
    assert result.returncode == 0, result.output[-5000:]
    return result


@pytest.mark.slow
def test_the_archive_builds_strict_with_one_page_per_person(archive) -> None:
    claimants = {p.name for p in (archive.site / "claimants").iterdir() if p.is_dir()}
    assert claimants == EXPECTED_CLAIMANTS
    experts = {p.name for p in (archive.site / "experts").iterdir() if p.is_dir()}
    assert experts == {"maria-lopez", "jean-luc-moreau"}
    tags = {p.name for p in (archive.site / "tags").iterdir() if p.is_dir()}
    assert tags == {"health", "archive"}
    assert len(list((archive.site / "claims").glob("check-*/index.html"))) == 500
    page = archive.page("claimants/james-snapp/")
    assert "<h1" in page and "James Snapp" in page
    # Every list shows the one name, however a check writes it.
    assert not re.search(r"James Snapp\.|james snapp|James  Snapp|J\. Snapp", page)
    varied = next(name for name, text in _archive().items() if "claimant: James Snapp.\n" in text)
    claim_page = archive.page(f"claims/{varied.removesuffix('.yml')}/")
    assert 'href="../../claimants/james-snapp/">James Snapp</a>' in claim_page


@pytest.mark.slow
def test_the_archive_build_names_every_variant_and_both_files(archive) -> None:
    lines = [line for line in archive.output.splitlines() if "[name-variant]" in line]
    assert lines, archive.output[-3000:]
    shown = {m.group(1) for line in lines if (m := re.search(r"the \w+ '([^']+)'", line))}
    assert {"James Snapp.", "MARIA LOPEZ", "Jean Luc Moreau", "world health organization"} <= shown
    # The registry lists "J. Snapp": not a variant to warn about; "M. Lopez" is someone else.
    assert "J. Snapp" not in shown and "M. Lopez" not in shown
    maria = next(line for line in lines if "'MARIA LOPEZ'" in line and "claimant" in line)
    assert re.search(r"claims/check-\d{3}\.yml:\d+:\d+: warning: .*as in claims/check-001\.yml:\d+", maria), maria
    # One in every file that writes it, so a desk can fix them all in one pass.
    dotted = [name for name, text in _archive().items() if "claimant: James Snapp.\n" in text]
    assert len([line for line in lines if "the claimant 'James Snapp.'" in line]) == len(dotted) > 1
    assert "editorial warnings" in archive.output  # the summary a non-verbose build shows


@pytest.mark.slow
def test_the_archive_claim_review_uses_the_registry(archive) -> None:
    url = SITE_URL + "claims/check-000/"
    data = extruct.extract(archive.page("claims/check-000/"), base_url=url, syntaxes=["json-ld"])["json-ld"]
    (review,) = [item for item in data if item.get("@type") == "ClaimReview"]
    assert review["itemReviewed"]["author"]["name"] == "James Snapp"
    assert "creator" not in review  # the desk itself wrote it


def test_the_people_schema_is_committed_and_agrees_with_the_loader(tmp_path: Path) -> None:
    assert (REPO / PEOPLE_SCHEMA_PATH).read_text(encoding="utf-8") == people_schema_text()
    validator = Draft202012Validator(json.loads(people_schema_text()))
    assert not list(validator.iter_errors(json.loads(json.dumps(yaml.safe_load(PEOPLE), default=str))))
    bad = [{"id": "Not An Id", "name": "X", "desk": "yes", "colour": "red"}]
    assert len(list(validator.iter_errors(bad))) >= 3


def test_the_people_option_names_the_registry(tmp_path: Path) -> None:
    def settings(**options: object):
        return settings_from(options, config_dir=tmp_path, docs_dir="docs", site_name="Test desk")

    assert settings().people_file == tmp_path / "people.yml"  # read when it exists
    assert settings().policy.desk.default_author == "Test desk"
    with pytest.raises(SettingsError, match=re.escape("plugins.factcheck.people: team.yml does not exist")):
        settings(people="team.yml")
    (tmp_path / "team.yml").write_text(PEOPLE, encoding="utf-8")
    chosen = settings(people="team.yml", default_author="Test desk")
    loader = ClaimLoader(DEFAULT_SCALE, policy=Policy(today=TODAY, desk=chosen.policy.desk),
                         people_file=chosen.people_file)
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.yml").write_text(claim_yaml(author="Nobody Known"), encoding="utf-8")
    errors = loader.load(tmp_path / "claims", tmp_path).errors
    assert [(e.code, e.message) for e in errors] == [("not-on-desk", "author: 'Nobody Known' is not in team.yml")]


@pytest.mark.slow
def test_validate_reports_the_registry_and_who_is_not_on_the_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site_in(tmp_path)
    (tmp_path / "people.yml").write_text("- id: Bad Id\n  name: X\n", encoding="utf-8")
    site.write_claim("a.yml", claim_yaml(author="Nobody"))
    monkeypatch.chdir(tmp_path)
    for args in (["validate"], ["validate", "claims/a.yml"]):
        assert main(args) == 1
        out = capsys.readouterr().out
        assert "people.yml:1:7: entry 1: the id 'Bad Id' is not a valid id" in out, out
        assert "claims/a.yml:" in out and "author: 'Nobody' is not in people.yml" in out


def test_the_letters_taken_as_latin_unread_are_latin_in_the_confusables_data() -> None:
    """_latin_look_alike skips the confusables tables for ASCII and for letters Unicode names
    LATIN (José, Wójcik): every such letter is Latin or Common in confusable_homoglyphs' scripts,
    so skipping them changes no name's identity."""
    import unicodedata

    from confusable_homoglyphs import categories
    from mkdocs_factcheck.claims import slugs

    skipped = [char for char in map(chr, range(0x110000)) if char.isalpha()
               and (char.isascii() or unicodedata.name(char, "").startswith("LATIN "))]
    assert len(skipped) > 1000
    assert [char for char in skipped if categories.alias(char) not in ("LATIN", "COMMON")] == []
    assert all(slugs._latin_look_alike(char) == "" for char in skipped)
    assert slugs._latin_look_alike("\u0430") == "a"  # a Cyrillic a still reads as the Latin letter it shows
