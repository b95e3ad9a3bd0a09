"""Claims in, the strings a reader gets out: HTML bodies from Jinja2 templates
(``render``, ``pages``: every page's ``PageSpec``), sanitised Markdown (``markup``,
nh3), schema.org ClaimReview (``jsonld``), the Atom feeds (``feeds``), the
scoreboard's figures (``scoreboard``), the form editor's configuration (``editor``)
and the cache of rendered bodies (``cache``).

May import: ``base``, ``claims``. Never MkDocs, an engine or an adapter.
"""
