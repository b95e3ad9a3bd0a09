from conftest import claim_yaml


def test_minimal_site_builds_strict(make_site):
    site = make_site()
    site.write_claim("deepseek-cost.yml", claim_yaml())
    result = site.build("--strict")
    assert result.returncode == 0, result.output
    html = result.page("claims/deepseek-cost/")
    assert "Misleading" in html
