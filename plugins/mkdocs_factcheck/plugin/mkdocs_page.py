"""Our generated pages as MkDocs ``Page`` objects that skip MkDocs' Markdown pass.

A generated page's source is front matter only; its HTML comes from our templates
in ``on_page_content``. MkDocs would still build a Markdown converter with every
extension the site configures, per page, to turn an empty body into an empty
string: about a millisecond a page with material's usual extensions. MkDocs lets a
plugin give a File its own Page (material's blog does), and uses it in the nav.
MkDocs also parses every page's front matter with pure-Python YAML; ours is data we
already hold.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta

from ..output.pages import PageSpec


class GeneratedPage(Page):
    """A factcheck page: no Markdown to convert unless another plugin put some in, and no
    YAML to parse while its source is the stub we wrote (its front matter is known)."""

    spec: PageSpec

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            source = self.file.content_string
        if source == self.spec.stub():
            self.markdown, self.meta = "", self.spec.front()
        else:  # another plugin gave other text: read it as MkDocs does
            self.markdown, self.meta = meta.get_data(source)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None or self.markdown.strip():
            super().render(config, files)  # another plugin gave it Markdown (or MkDocs' own error)
            return
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


def attach_generated_page(file: File, spec: PageSpec, config: MkDocsConfig) -> None:
    """Give a generated page's File our Page, where the engine is MkDocs itself (engines that
    follow MkDocs, such as ProperDocs, check pages against their own Page class)."""
    if isinstance(config, MkDocsConfig) and file.page is None:
        GeneratedPage(None, file, config).spec = spec
