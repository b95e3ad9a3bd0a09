"""The whole site as data, for either adapter: the plugin's options, each declared once
(``options``), checked into settings (``siteplan.settings_from``, the one reader of
them), and a ``SitePlan`` of every page, file and share card (``siteplan``); the ledger of files ``factcheck
generate`` wrote (``generated``); the marker of pages a desk must still write
(``unwritten``).

May import: ``base``, ``claims``, ``output``. Never MkDocs, an engine or an adapter.
"""
