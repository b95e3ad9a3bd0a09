"""A site on disk as the commands see it: its ``mkdocs.yml`` found and read with
MkDocs' own YAML loader (``mkdocs_yml``, so a command and the build agree on every
value), the settings the commands need (``site``), ``factcheck validate``'s core
(``validation``) and how a report is printed: text, GitHub annotations or JSON
(``report``).

May import: ``base``, ``claims``, ``output``, ``plan``, and MkDocs' YAML loader.
"""
