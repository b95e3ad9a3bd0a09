"""mkdocs-factcheck: a folder of YAML claim files in, a fact-check site out.

The package is a pipeline with one direction: ``loader`` reads and validates
claim files into a ``ClaimSet``; ``catalog`` links them into a ``Catalog``;
``render``, ``jsonld`` and ``feeds`` turn that into strings. Only ``plugin``
knows MkDocs.
"""

__version__ = "0.1.0"
