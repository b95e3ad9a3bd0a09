"""Which optional libraries each command needs, and a plain message when one is missing.

A plain ``pip install mkdocs-factcheck`` brings what building and serving a site needs;
the network tools (``factcheck links``, ``archive``, ``import``) need the ``tools`` extra.
Takes a command name; gives nothing, or a ``SiteError`` that says what to install.
"""

from __future__ import annotations

import importlib.util

from ..base.errors import SiteError

EXTRA = "tools"
# command -> the modules it imports when it runs (import reads HTML with lxml and extruct,
# and URLs with httpx).
NEEDS: dict[str, tuple[str, ...]] = {
    "links": ("httpx",),
    "archive": ("httpx",),
    "import": ("lxml", "extruct", "httpx"),
}


def missing(command: str) -> list[str]:
    """The modules ``command`` needs that are not installed."""
    return [name for name in NEEDS.get(command, ()) if importlib.util.find_spec(name) is None]


def require(command: str) -> None:
    """Raise a ``SiteError`` naming the install command when ``command`` cannot run here."""
    absent = missing(command)
    if absent:
        raise SiteError(f"factcheck {command} needs {', '.join(absent)}, which a plain install leaves out; "
                        f"install the network tools with: pip install 'mkdocs-factcheck[{EXTRA}]' "
                        f"(from a checkout: pip install -e '.[{EXTRA}]')")
