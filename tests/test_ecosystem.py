"""The repo's own site with the plugins real sites use, before and after ours, built strict.

Each build is checked the same way: every claim page has one ClaimReview and one set of share
tags carrying the verdict, every internal link resolves, the exports and the feed point at
pages that exist, and the macros attack ran nothing. The plugins are the real ones, installed
by the `test` extra; nothing is installed here. Builds run in-process (MkDocs' own `build()`,
which applies `strict` itself) on one copy of the site, each into its own folder.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from attacks import claim_data, dump
from attacks import load as load_attacks
from conftest import ENV, REPO, claim_yaml, make_site_in
from conftest import factcheck as run_factcheck
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

SITE_URL = "https://factcheck.example.org/"
PWNED = "FACTCHECK_TEMPLATE_PAYLOAD_RAN"  # what the template payloads try to set
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CLAIM_DATE = "2025-02-03T10:00:00+00:00"  # when the test repo commits the claim files
LATER_DATE = "2026-06-01T10:00:00+00:00"  # ... and everything else

# Each plugin as a site lists it, with the settings a real site would need.
PLUGINS: dict[str, object] = {
    "macros": "macros",
    "blogging": {"blogging": {"dirs": ["blog"], "features": {"tags": {}}}},
    "redirects": {"redirects": {"redirect_maps": {"old-scoreboard.md": "scoreboard.md",
                                                  "old-claim.md": "claims/deepseek-r1-cost-under-6-million.md"}}},
    "htmlproofer": {"htmlproofer": {"validate_external_urls": False, "raise_error": True}},
    "rss": "rss",
    "i18n-suffix": {"i18n": {"docs_structure": "suffix", "languages": [
        {"locale": "en", "default": True, "name": "English", "build": True},
        {"locale": "fr", "name": "Français", "build": True}]}},
    "i18n-folder": {"i18n": {"docs_structure": "folder", "languages": [
        {"locale": "en", "default": True, "name": "English", "build": True},
        {"locale": "fr", "name": "Français", "build": True}]}},
    "git-revision-date-localized": {"git-revision-date-localized": {"type": "iso_date"}},
    "minify": {"minify": {"minify_html": True}},
    "glightbox": "glightbox",
    "awesome-nav": "awesome-nav",
    "blog": "blog",
    "tags": "tags",
    "meta": "meta",
    "offline": "offline",
    "social": "social",
    "git-authors": "git-authors",
    "enumerate-headings": "enumerate-headings",
    "ezlinks": "ezlinks",
    "roamlinks": "roamlinks",
    "autorefs": "autorefs",
}
CASES = [(name, order) for name in PLUGINS for order in ("before", "after")]
SUBSTITUTING = {"macros", "blogging"}  # plugins that replace `{{ ... }}` in pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the repo's site, in git (claim files committed on their own, earlier date),
    with one claim that carries template payloads in every text field."""
    root = tmp_path_factory.mktemp("ecosystem")
    for name in ("claims", "site_src", "overrides"):  # everything the repo's mkdocs.yml names
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    # The repo's site_url and repo_url come from the deployment (!ENV); here, a fixed public address.
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url: .*$", f"site_url: {SITE_URL}", config, flags=re.M)
    config = re.sub(r"^(\s*history): !ENV .*$", r"\1: auto", config, flags=re.M)  # the deploy sets it
    (root / "mkdocs.yml").write_text(re.sub(r"^repo_url: .*\n", "", config, flags=re.M), encoding="utf-8")
    payloads = load_attacks("templates")
    values = {field: payloads[i % len(payloads)] for i, field in enumerate(
        ("claim", "summary", "analysis", "quote.text", "source.title", "correction.note", "author"))}
    (root / "claims" / "template-payloads.yml").write_text(dump(claim_data(values)), encoding="utf-8")
    # Links to generated pages as the link plugins write them (plain text for the others), and a
    # reference to a generated page's heading for autorefs.
    (root / "site_src" / "see-also.md").write_text(
        "# See also\n\nThe [[deepseek-r1-cost-under-6-million]] check and the [[scoreboard]].\n\n"
        "The [chart of verdicts][verdicts].\n", encoding="utf-8")
    (root / "site_src" / "blog" / "posts").mkdir(parents=True)
    (root / "site_src" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "claims")
    _git(root, "commit", "-q", "-m", "claims", date=CLAIM_DATE)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "site", date=LATER_DATE)
    return root


def _git(root: Path, *args: str, date: str = "") -> None:
    env = {**ENV, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True)


def generated_copy(site: Path, name: str) -> Path:
    """A copy of the site where `factcheck generate` has written the pages into docs_dir: roamlinks
    looks for link targets on the disk (README: Works with), and finds ours there."""
    root = site.parent / f"{site.name}-{name}"
    if not root.is_dir():
        shutil.copytree(site, root, ignore=shutil.ignore_patterns("site-*", "mkdocs-*.yml"))
        proc = run_factcheck("generate", cwd=root, env=ENV, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def build_with(site: Path, name: str, order: str) -> Path:
    """Build the site strict with the plugin listed before or after factcheck; its output folder."""
    if name == "roamlinks":
        site = generated_copy(site, name)
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = config["plugins"]
    at = next(i for i, p in enumerate(plugins) if isinstance(p, dict) and "factcheck" in p)
    plugins.insert(at if order == "before" else at + 1, PLUGINS[name])
    if name == "blog":
        config["nav"].append({"Blog": "blog/index.md"})
    if name == "awesome-nav":
        del config["nav"]  # awesome-nav builds the nav itself (and warns when mkdocs.yml has one)
    if name == "social":
        plugins[plugins.index("social")] = {"social": {"cache_dir": str(social_cache(site))}}
    out = site / f"site-{name}-{order}"
    config["site_dir"] = out.name
    config_file = site / f"mkdocs-{name}-{order}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(site)  # some plugins (rss, git-revision-date) resolve paths from the working folder
    MkDocsConfig.plugins.plugin_cache.clear()  # fresh plugin instances, as in a new `mkdocs build`
    loaded = load_config(str(config_file), strict=True)
    loaded.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
    try:
        build(loaded)
    finally:
        loaded.plugins.on_shutdown()
        os.chdir(cwd)
    return out


def social_cache(site: Path) -> Path:
    """The social plugin's font cache, filled from Debian's DejaVu (fonts-dejavu-core) so that
    cards render offline instead of downloading Roboto from Google Fonts."""
    cache = site / ".social-cache"
    fonts = cache / "fonts" / "Roboto"
    if not fonts.is_dir():
        fonts.mkdir(parents=True)
        for style, source in (("Regular", "DejaVuSans.ttf"), ("Bold", "DejaVuSans-Bold.ttf")):
            shutil.copy(DEJAVU / source, fonts / f"{style}.ttf")
    return cache


@pytest.mark.slow
@pytest.mark.parametrize(("name", "order"), CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_repo_site_with_plugin(site: Path, name: str, order: str) -> None:
    os.environ.pop(PWNED, None)
    out = build_with(site, name, order)
    assert PWNED not in os.environ, "a template payload in a claim file ran during the build"
    directory_urls = name != "offline"
    # Current checks only: a withdrawn one keeps a page without ClaimReview, out of the counts (issue 20).
    claim_ids = sorted(path.stem for path in (site / "claims").glob("*.yml")
                       if yaml.safe_load(path.read_text(encoding="utf-8")).get("status", "published") == "published")
    problems: list[str] = []
    for claim_id in claim_ids:
        page = out / "claims" / (f"{claim_id}/index.html" if directory_urls else f"{claim_id}.html")
        problems += check_claim_page(page, claim_id)
    problems += check_links(out)
    problems += check_exports(out, len(claim_ids), directory_urls)
    problems += check_sitemap(out)
    assert not problems, "\n".join(problems[:40])
    payload_page = (out / "claims" / ("template-payloads/index.html" if directory_urls
                                      else "template-payloads.html")).read_text(encoding="utf-8")
    # As text: braces are written as character references, so no plugin's `{{ }}` matches (issue 21).
    assert "{{ cycler.__init__" in html.unescape(payload_page), "template syntax stays text"
    problems = check_payload_page(out / "claims" / ("template-payloads/index.html" if directory_urls
                                                    else "template-payloads.html"), site,
                                  no_braces=name in SUBSTITUTING)
    assert not problems, "\n".join(problems)
    if name == "git-revision-date-localized":
        claim_page = (out / "claims" / "deepseek-r1-cost-under-6-million" / "index.html").read_text()
        shown = re.findall(r'git-revision-date-localized-plugin-iso_date"[^>]*>([^<]+)<', claim_page)
        assert shown == ["2025-02-03"], f"a claim page's last update is its claim file's commit, not {shown}"
    if name == "social":
        claim_page = (out / "claims" / "deepseek-r1-cost-under-6-million" / "index.html").read_text()
        images = re.findall(r'property="og:image" content="([^"]+)"', claim_page)
        assert len(images) == 1 and "/assets/images/social/" not in images[0], "our card (with the verdict) wins"
    check_own_feature(out, name)


LISTINGS = ("scoreboard/", "claims/", "claimants/", "experts/", "tags/", "sources/")


def check_own_feature(out: Path, name: str) -> None:
    """What each of the newer plugins is for, seen on our pages."""
    if name not in ("git-authors", "enumerate-headings", "ezlinks", "roamlinks", "autorefs"):
        return
    claim_page = (out / "claims" / "deepseek-r1-cost-under-6-million" / "index.html").read_text(encoding="utf-8")
    see_also = (out / "see-also" / "index.html").read_text(encoding="utf-8")
    if name == "git-authors":
        # The claim file's author (the test repo commits as "t"); listings, made of many files, name none.
        assert re.search(r'md-source-file.*href="mailto:t@example.org">t</a>', claim_page, re.S), "claim authors"
        for listing in LISTINGS:
            assert "md-source-file__fact" not in (out / listing / "index.html").read_text(encoding="utf-8"), listing
    if name == "enumerate-headings":
        numbers = [re.findall(r'<h1 id="[^"]+"><span class="enumerate-headings-plugin[^"]*">([\d.]+)</span>',
                              (out / listing / "index.html").read_text(encoding="utf-8")) for listing in LISTINGS]
        assert all(len(found) == 1 for found in numbers), numbers
        assert len({found[0] for found in numbers}) == len(LISTINGS), f"each listing its own number: {numbers}"
    if name in ("ezlinks", "roamlinks"):
        links = re.findall(r'<a href="([^"]+)"[^>]*>(deepseek-r1-cost-under-6-million|scoreboard)</a>', see_also)
        assert sorted(links) == [("../claims/deepseek-r1-cost-under-6-million/", "deepseek-r1-cost-under-6-million"),
                                 ("../scoreboard/", "scoreboard")], links
    if name == "autorefs":
        assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="../scoreboard/#verdicts"', see_also)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"
        if self._in_jsonld:
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data


def parse_html(text: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def parse(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_claim_page(page: Path, claim_id: str) -> list[str]:
    if not page.is_file():
        return [f"{claim_id}: no claim page at {page}"]
    doc = parse(page)
    reviews = [block for block in doc.jsonld if json.loads(block).get("@type") == "ClaimReview"]
    share = Counter(attrs.get("property") or attrs.get("name") for tag, attrs in doc.tags
                    if tag == "meta" and re.match(r"(og|twitter):", attrs.get("property") or attrs.get("name") or ""))
    problems = [f"{claim_id}: {len(reviews)} ClaimReview blocks"] if len(reviews) != 1 else []
    problems += [f"{claim_id}: {name} written {n} times" for name, n in share.items() if n != 1]
    if reviews:
        label = json.loads(reviews[0])["reviewRating"]["alternateName"]
        shared = [attrs.get("content", "") for tag, attrs in doc.tags if tag == "meta"
                  and {"og:title", "og:description"} & {attrs.get("property"), attrs.get("name")}]
        if not any(label in text for text in shared):
            problems.append(f"{claim_id}: share tags {shared} do not carry the verdict {label!r}")
    return problems


def check_payload_page(page: Path, site: Path, *, no_braces: bool) -> list[str]:
    """The claim with template syntax in its fields: the JSON-LD parses and says what the claim
    file says, the share tags carry its text, and (``no_braces``) no `{{`, `{%` or `{#` is left in
    the HTML. Plugins that rewrite the page (minify, glightbox) may decode the character
    references back into braces: harmless when no substituting plugin comes after them."""
    claim = yaml.safe_load((site / "claims" / "template-payloads.yml").read_text(encoding="utf-8"))
    doc = parse(page)
    problems = []
    (review,) = [json.loads(block) for block in doc.jsonld]
    if review["claimReviewed"] != claim["claim"]:
        problems.append(f"claimReviewed is {review['claimReviewed']!r}, not {claim['claim']!r}")
    if claim["summary"] not in review.get("reviewBody", ""):
        problems.append(f"reviewBody {review.get('reviewBody')!r} lost the summary {claim['summary']!r}")
    shared = {attrs.get("property") or attrs.get("name"): attrs.get("content", "")
              for tag, attrs in doc.tags if tag == "meta"}
    if claim["summary"] not in shared.get("og:description", ""):
        problems.append(f"og:description {shared.get('og:description')!r} lost {claim['summary']!r}")
    if claim["claim"] not in shared.get("og:title", ""):
        problems.append(f"og:title {shared.get('og:title')!r} lost {claim['claim']!r}")
    raw = page.read_text(encoding="utf-8") if no_braces else ""
    problems += [f"template syntax {m.group()!r} left in the page at {m.start()}: "
                 f"{raw[max(0, m.start() - 60):m.end() + 30]!r}" for m in re.finditer(r"\{[{%#]", raw)][:5]
    return problems


def site_pages(out: Path) -> Iterator[Path]:
    yield from (path for path in out.rglob("*.html") if "assets" not in path.relative_to(out).parts)


def target(out: Path, page_url: str, href: str) -> Path | None:
    """The file a link from the page at `page_url` (site-relative) points at; None if external."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith(("//", "#")) or not parts.path:
        if not href.startswith(SITE_URL):
            return None
        parts = urlsplit("/" + href[len(SITE_URL):])
    path = unquote(urlsplit(urljoin("https://x/" + page_url, parts.path)).path).lstrip("/")
    file = out / path
    return file / "index.html" if path.endswith("/") or file.is_dir() or not path else file


def check_links(out: Path) -> list[str]:
    problems = []
    for page in site_pages(out):
        here = page.relative_to(out).as_posix()
        for tag, attrs in parse(page).tags:
            for attr in ("href", "src"):
                link = attrs.get(attr)
                if not link or tag not in ("a", "link", "script", "img"):
                    continue
                file = target(out, here, link)
                if file is not None and not file.is_file():
                    problems.append(f"{here}: <{tag} {attr}={link!r}> -> missing {file.relative_to(out)}")
    return problems


def check_exports(out: Path, count: int, directory_urls: bool) -> list[str]:
    problems = []
    exported = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((out / "claims.csv").open(encoding="utf-8")))
    index = json.loads((out / "claims-index.json").read_text(encoding="utf-8"))
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    if exported["count"] != count or len(rows) != count or len(index["claims"]) != count:
        problems.append(f"exports list {exported['count']}/{len(rows)}/{len(index['claims'])} claims, not {count}")
    addresses = [row["url"] for row in rows]
    addresses += re.findall(r'<link rel="alternate" type="text/html" href="([^"]+)"', feed)
    addresses += [SITE_URL + row[1] for row in index["claims"]]
    for address in addresses:
        file = target(out, "", address)
        if file is None or not file.is_file():
            problems.append(f"export/feed address {address} is not a page of the site")
        elif not directory_urls and address != SITE_URL and not address.endswith(".html"):
            problems.append(f"export/feed address {address} ignores use_directory_urls: false")
    return problems


def check_sitemap(out: Path) -> list[str]:
    urls = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text(encoding="utf-8"))
    return [f"sitemap lists {url} {n} times" for url, n in Counter(urls).items() if n > 1]


# Unsupported or clashing setups are errors (or, where we can go on, warnings) that say what to do.

def build_variant(site: Path, name: str, change: dict[str, object], pages: dict[str, str] | None = None,
                  strict: bool = True) -> None:
    """Build a changed copy of the site's config (and, given pages, of its docs folder) in-process."""
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config |= {"site_dir": f"site-{name}"} | change
    if pages:
        docs = f"site_src-{name}"
        shutil.copytree(site / "site_src", site / docs)
        for page, text in pages.items():
            (site / docs / page).parent.mkdir(parents=True, exist_ok=True)
            (site / docs / page).write_text(text, encoding="utf-8")
        config["docs_dir"] = docs
    config_file = site / f"mkdocs-{name}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    MkDocsConfig.plugins.plugin_cache.clear()
    build(load_config(str(config_file), strict=strict))


@pytest.mark.slow
def test_links_to_anchors_of_generated_pages_are_validated(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The repo's mkdocs.yml sets `validation: links: anchors`: a link to a heading of a generated page
    is checked against the anchors of its HTML, which never went through Markdown."""
    good = ("# Anchors\n\n[The chart](scoreboard.md#verdicts), [the sources](claims/deepseek-r1-cost-under-6-million.md"
            "#sources) and [the claimants](claimants/index.md#claimants).\n")
    build_variant(site, "anchors", {}, pages={"anchors.md": good})  # strict: a missing anchor would abort it
    assert 'href="../scoreboard/#verdicts"' in (site / "site-anchors" / "anchors" / "index.html").read_text()
    with pytest.raises(Abort):
        build_variant(site, "anchors-bad", {}, pages={"anchors.md": "# A\n\n[Gone](scoreboard.md#no-such)\n"})
    assert "does not contain an anchor '#no-such'" in caplog.text


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_other_theme_is_a_clear_error(site: Path, theme: str, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Abort):  # MkDocs logs a plugin's error, then aborts
        build_variant(site, f"theme-{theme}", {"theme": {"name": theme}})
    assert f"theme.name is '{theme}'" in caplog.text and "theme: name: material" in caplog.text
    assert "TemplateNotFound" not in caplog.text


@pytest.mark.slow
def test_unknown_language_falls_back_to_english_and_says_so(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    factcheck = {"factcheck": {"claims_dir": "claims", "language": "xx"}}
    build_variant(site, "language", {"plugins": ["search", factcheck]}, strict=False)
    assert "plugins.factcheck.language is 'xx'" in caplog.text and "use English" in caplog.text
    assert "All fact checks" in (site / "site-language" / "claims" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(Abort):
        build_variant(site, "language-strict", {"plugins": ["search", factcheck]})


@pytest.mark.slow
def test_missing_site_url_is_a_warning_naming_what_becomes_relative(site: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    build_variant(site, "no-site-url", {"site_url": None}, strict=False)
    assert "site_url is not set" in caplog.text and "ClaimReview" in caplog.text and "exports" in caplog.text
    rows = list(csv.DictReader((site / "site-no-site-url" / "claims.csv").open(encoding="utf-8")))
    assert rows[0]["url"].startswith("/claims/"), "the warning says what really happens"


@pytest.mark.slow
@pytest.mark.parametrize(("page", "url", "wanted_by"), [
    ("tags.md", "tags/", "Topics"),
    ("sources.md", "sources/", "Sources"),
    ("scoreboard/index.md", "scoreboard/", "Scoreboard"),
    ("claims/deepseek-r1-cost-under-6-million/index.md", "claims/deepseek-r1-cost-under-6-million/",
     "claims/deepseek-r1-cost-under-6-million.yml"),
])
def test_hand_written_page_at_a_generated_url_is_an_error_naming_both(site: Path, page: str, url: str,
                                                                      wanted_by: str,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    name = "clash-" + page.replace("/", "-")
    with pytest.raises(Abort):
        build_variant(site, name, {}, pages={page: "# Mine\n"})
    message = caplog.text
    assert f"site_src-{name}/{page}" in message and wanted_by in message and f"/{url}" in message


# The command as pip users meet it.

def factcheck(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_factcheck(*args, cwd=cwd, env=env or ENV, timeout=120)


@pytest.mark.slow
def test_version_from_the_command_and_python_m(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "factcheck"
    shown = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout.strip() == f"factcheck {version('mkdocs-factcheck')}"
    assert factcheck("--version", cwd=tmp_path).stdout == shown.stdout


@pytest.mark.slow
def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    result = factcheck("validate", "-f", "missing.yml", cwd=tmp_path)
    assert result.returncode == 1 and "missing.yml: no such file" in result.stderr


@pytest.mark.slow
def test_schema_output_to_a_folder_writes_inside_it(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = factcheck("schema", "--output", "out", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert json.loads((tmp_path / "out" / "claim.schema.json").read_text(encoding="utf-8"))["properties"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mkdocs.yaml", "properdocs.yml"])
def test_config_found_walking_up_and_read_with_mkdocs_loader(tmp_path: Path, name: str) -> None:
    """INHERIT and !ENV as MkDocs reads them: the claims folder comes from the environment."""
    (tmp_path / "base.yml").write_text("site_name: Desk\nplugins:\n  - factcheck:\n"
                                       "      claims_dir: !ENV [FACTCHECK_TEST_CLAIMS, claims]\n", encoding="utf-8")
    (tmp_path / name).write_text("INHERIT: base.yml\nsite_name: Desk\n", encoding="utf-8")
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "broken.yml").write_text("claim: [unclosed\n", encoding="utf-8")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    result = factcheck("validate", cwd=tmp_path / "deep" / "er", env={**ENV, "FACTCHECK_TEST_CLAIMS": "facts"})
    assert result.returncode == 1 and "broken.yml" in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.slow
def test_readme_serve_survives_a_broken_claim_with_strict_config(tmp_path: Path) -> None:
    """`mkdocs serve` on the repo's own mkdocs.yml (strict: true): a broken claim file shows its
    located error on the pages and at its own URL, the server keeps answering, a fix recovers."""
    from test_serve import BANNER, Server

    for name in ("claims", "site_src", "overrides"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    assert "strict: true" in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    claim = tmp_path / "claims" / "deepseek-r1-cost-under-6-million.yml"
    good = claim.read_text(encoding="utf-8")
    claim.write_text(good.replace("\nverdict: ", "\nverdict: not-a-verdict-", 1), encoding="utf-8")
    srv = Server(tmp_path)
    try:
        located = "claims/deepseek-r1-cost-under-6-million.yml:"
        srv.wait_for("the error notice", srv.page_shows("", BANNER, located))
        srv.wait_for("the error at the claim's URL",
                     srv.page_shows("claims/deepseek-r1-cost-under-6-million/", located, "unknown verdict"))
        claim.write_text(good, encoding="utf-8")
        srv.wait_for("the fixed claim", lambda: "ClaimReview" in (
            srv.get("claims/deepseek-r1-cost-under-6-million/") or ""))
        srv.wait_for("the notice to go", lambda: BANNER not in (srv.get("") or BANNER))
        assert srv.proc.poll() is None
    finally:
        srv.stop()


@pytest.mark.slow
@pytest.mark.parametrize("order", [("blogging", "minify"), ("minify", "blogging")])
def test_a_plugin_that_rewrites_pages_before_blogging_is_named(tmp_path: Path, order: tuple[str, str]) -> None:
    # minify turns `&#123;` back into `{` before blogging reads the page: the one order to warn about.
    listed = {"blogging": {"blogging": {"dirs": ["blog"]}}, "minify": {"minify": {"minify_html": True}}}
    site = make_site_in(tmp_path)
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"][1:1] = [listed[name] for name in order]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    site.write_claim("braces.yml", claim_yaml(summary="{{ blog_content }} and more."))
    result = site.build("--strict")
    if order[0] == "blogging":
        assert result.returncode == 0, result.output
        tags = parse_html(result.page("claims/braces/"))
        shared = {attrs.get("property"): attrs.get("content") for tag, attrs in tags if tag == "meta"}
        assert shared["og:description"] == "{{ blog_content }} and more."
    else:
        assert result.returncode == 1
        assert "minify is listed before blogging" in result.output and "list blogging before minify" in result.output
