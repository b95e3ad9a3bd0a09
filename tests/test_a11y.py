"""axe-core in a real browser: no serious or critical finding on our pages.

Home, a claim, the scoreboard, a claimant, an expert and the methodology page,
each at desktop (1280 px) and phone (375 px) width, in the light and the dark
(slate) scheme. axe-core comes from npm (package.json; `make browser-deps` runs
`npm ci`) and is injected into the served page. No rule is disabled: the theme's
own findings are fixed in factcheck.css and plugins/mkdocs_factcheck/theme/main.html.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO
from test_browser import DESKTOP, PHONE, RepoSite, browse, repo_site, wait_for_scripts

pytestmark = pytest.mark.slow

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["home", "claim", "scoreboard", "claimant", "expert", "methodology", "sources", "claimants", "about"]
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_axe_violation(browser, site, axe_script, name, width, scheme):
    with browse(browser, site.url, width=width, height=900, scheme=scheme) as tab:
        page = tab.open(site.pages[name])
        wanted = "slate" if scheme == "dark" else "default"
        page.wait_for_selector(f'body[data-md-color-scheme="{wanted}"]', state="attached")
        wait_for_scripts(page)
        page.add_script_tag(path=axe_script)
        violations = page.evaluate(RUN_AXE)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{site.pages[name] or '/'} at {width}px, {scheme}:\n" + json.dumps(blocking, indent=1)
