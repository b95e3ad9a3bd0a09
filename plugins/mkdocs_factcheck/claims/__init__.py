"""Claim files in, validated claims out: the rating scale (``scale``), the claim model
and its JSON Schema (``model``, pydantic), URLs and slugs (``urls``, ``slugs``), the
people registry (``people``), the editorial rules and clock (``editorial``), the
loader that reads a folder into a ``ClaimSet`` with located errors (``loader``), the
published record read from git and its rules (``history``, ``record``), and the
cross-links between claims, claimants, experts and tags (``catalog``).

May import: ``base``. Never MkDocs, an engine or an adapter.
"""
