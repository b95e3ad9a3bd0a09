"""Generated pages skip MkDocs' Markdown pass, which only ever turned their empty stub into "".

A hooks file adds a Markdown extension that records every page MkDocs builds a
Markdown converter for (the costly part; Markdown itself returns early on an empty text); the
claim pages must not be among them (unless another plugin gave one Markdown), and they
must still come out whole.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import claim_yaml, make_site_in
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils import meta
from mkdocs_factcheck.output.pages import PageSpec

HOOKS = textwrap.dedent('''
    import json
    from pathlib import Path
    from markdown.extensions import Extension

    converted = []

    class Recorder(Extension):
        """MkDocs builds one Markdown converter per page it renders: record which."""
        page = None
        def extendMarkdown(self, md):
            converted.append(Recorder.page.file.src_uri)

    def on_config(config):
        config.markdown_extensions.append(Recorder())

    def on_page_markdown(markdown, page, config, files):
        Recorder.page = page
        if page.file.src_uri == "claims/hooked.md":  # another plugin adds Markdown to one claim page
            return markdown + "\\n\\nAdded by a hook.\\n"
        return markdown

    def on_post_build(config):
        Path(config.config_file_path).with_name("converted.json").write_text(json.dumps(converted))
''')


@pytest.mark.slow
def test_claim_pages_skip_the_markdown_pass_and_still_come_out_whole(tmp_path: Path) -> None:
    site = make_site_in(tmp_path, config_extra="hooks:\n  - hooks.py\n")
    (tmp_path / "hooks.py").write_text(HOOKS, encoding="utf-8")
    site.write_claim("plain.yml", claim_yaml(claim="A claim no plugin touches."))
    site.write_claim("hooked.yml", claim_yaml(claim="A claim a hook adds Markdown to."))
    result = site.build()
    assert result.returncode == 0, result.output

    converted = set(json.loads((tmp_path / "converted.json").read_text()))
    assert "index.md" in converted  # hand-written pages are converted as always
    assert "claims/hooked.md" in converted  # a page another plugin gave Markdown is converted too
    assert not {"claims/plain.md", "claimants/deepseek.md", "tags/cost.md"} & converted

    page = result.page("claims/plain/")
    assert "A claim no plugin touches." in page
    assert 'id="verdict"' in page and 'id="sources"' in page
    assert "<title>" in page and "A claim no plugin touches." in page.split("<title>")[1].split("</title>")[0]
    # The TOC comes from our sections, as before.
    assert 'href="#verdict"' in page


@settings(max_examples=300, deadline=None)
@given(title=st.text(min_size=1), description=st.text(), searchable=st.booleans())
def test_the_front_matter_mkdocs_would_parse_is_the_data_we_hand_it(title: str, description: str,
                                                                      searchable: bool) -> None:
    # GeneratedPage hands MkDocs `spec.front()` instead of parsing `spec.stub()`: they must agree
    # for any title and description a contributor can write.
    spec = PageSpec("claims/x.md", "claim.html", title, description, searchable=searchable,
                    meta={"hide": ["navigation", "toc"], "html_title": title + " | Fact check"})
    assert meta.get_data(spec.stub()) == ("", spec.front())
