"""axe-core in a real browser: no serious or critical finding on our pages.

Home, a claim, the scoreboard, a claimant, an expert and the methodology page
(and, of the site built with `page_size: 2`, page 2 of a claimant, an expert and a topic),
each at desktop (1280 px) and phone (375 px) width, in the light and the dark
(slate) scheme. axe-core comes from npm (package.json; `make browser-deps` runs
`npm ci`) and is injected into the served page. No rule is disabled: the theme's
own findings are fixed in factcheck.css and plugins/mkdocs_factcheck/theme/main.html.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO
from test_browser import DESKTOP, PHONE, RepoSite, browse, paged_repo_site, repo_site, wait_for_scripts

pytestmark = pytest.mark.slow

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["home", "claim", "scoreboard", "claimant", "expert", "methodology", "sources", "claimants", "about"]
# Of the same site built with page_size 2 (test_browser.paged_repo_site).
LATER_PAGES = ["claimants-page-2", "experts-page-2", "tags-page-2"]
BLOCKING = {"serious", "critical"}

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    return repo_site(tmp_path_factory)


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(REPO)} is missing: run `make browser-deps` (npm ci)")
    return str(AXE)


@pytest.fixture(scope="session")
def paged(tmp_path_factory: pytest.TempPathFactory) -> RepoSite:
    return paged_repo_site(tmp_path_factory)


def assert_no_serious_violation(browser, site: RepoSite, axe_script: str, name: str, width: int, scheme: str) -> None:
    with browse(browser, site.url, width=width, height=900, scheme=scheme) as tab:
        page = tab.open(site.pages[name])
        wanted = "slate" if scheme == "dark" else "default"
        page.wait_for_selector(f'body[data-md-color-scheme="{wanted}"]', state="attached")
        wait_for_scripts(page)
        page.add_script_tag(path=axe_script)
        violations = page.evaluate(RUN_AXE)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{site.pages[name] or '/'} at {width}px, {scheme}:\n" + json.dumps(blocking, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_axe_violation(browser, site, axe_script, name, width, scheme):
    assert_no_serious_violation(browser, site, axe_script, name, width, scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", LATER_PAGES)
def test_no_serious_axe_violation_on_a_later_page(browser, paged, axe_script, name, width, scheme):
    """Page 2 of a claimant's, an expert's and a topic's list (page_size 2): the pager, twice."""
    assert_no_serious_violation(browser, paged, axe_script, name, width, scheme)
