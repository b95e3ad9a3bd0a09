"""Foundations every layer may use, knowing nothing of claims: errors and their report
lines (``errors``), the worker pool (``parallel``), the interface strings in each
language (``strings``), the network guard for outgoing requests (``netguard``) and
the share-card drawer (``cards``: words and colours in, PNG out, with Pillow) and its
PNG encoder (``png``: bands of rows the cards share compressed once), the installed
versions of libraries that the keys of kept results name (``versions``) and JSON cache
files written entry by entry (``jsonfile``).

May import: nothing of ours; the standard library, PyYAML, Pillow, fontTools.
"""
