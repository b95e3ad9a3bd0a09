"""The contributors' and desks' tools behind the commands: link checking
(``linkcheck``), archiving sources (``archive``), importing ClaimReview
(``importer``), the desk's queue (``desk``), a new site (``init``), the
optional extras (``extras``) and the local form editor (``editor_local``). Cores without
a command line: each command's options and output are its module in ``cli``.

May import: ``base``, ``claims``, ``output``, ``plan``, ``project``. Never MkDocs or an adapter.
"""
