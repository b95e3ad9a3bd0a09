"""mkdocs-factcheck: a folder of YAML claim files in, a fact-check site out.

The package is layered; each layer may import only the ones before it (the rule is
tested by tests/test_architecture.py, the map is docs/ARCHITECTURE.md):

- ``base``: errors, the worker pool, interface strings, the network guard, the card drawer;
- ``claims``: claim files into validated claims, the published record, cross-links;
- ``output``: HTML, JSON-LD, feeds and the other strings a reader gets;
- ``plan``: the settings and the whole site as data (a ``SitePlan``);
- two adapters on that core: ``plugin`` (the MkDocs and ProperDocs plugin, the only
  package that builds with MkDocs) and ``generate`` (Markdown pages for Zensical);
- ``project`` (a site's ``mkdocs.yml`` and settings, for the commands), ``tools``
  (links, archive, import, init, the editor) and ``cli`` (the ``factcheck`` command).
"""

__version__ = "0.1.0"
