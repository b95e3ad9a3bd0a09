"""The factcheck plugin's options, each declared once: name, accepted types, default, what it does.

Takes nothing; gives ``OPTIONS``, the one table every reader of the options is made from:
the MkDocs adapter builds its config class from it (``plugin.FactcheckConfig``), the core
checks the values and reads its defaults from it (``siteplan.settings_from``, which the
commands call too), and README's options table is tested against it (tests/test_options.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..base.parallel import AUTO
from ..claims.loader import DEFAULT_MAX_BYTES
from ..output.feeds import FEED_LIMIT
from ..output.pages import DEFAULT_PAGE_SIZE

NONE = type(None)


@dataclass(frozen=True)
class Option:
    """One option of ``plugins: - factcheck:``. ``types`` holds ``NONE`` when the option may be
    left unset (its default is then None, and ``unset`` says what applies instead when that is
    not simply nothing); ``items`` is the type of each entry of a list option whose entries are
    checked (``item_name`` says what they are, for the error)."""

    name: str
    types: tuple[type, ...]
    default: Any
    description: str
    items: type | None = None
    item_name: str = ""
    minimum: int | None = None  # a number option's least value
    unset: str = ""  # what an unset option means, as README's options table says it
    # Read by a parser of its own, whose error says what to write (``auto``, a date): the types
    # above are then MkDocs' check only, and a value of another type gets that parser's message.
    parsed: bool = False

    def __post_init__(self) -> None:
        if self.optional and self.default is not None:
            raise ValueError(f"{self.name}: an option that may be unset defaults to None")
        if self.unset and not self.optional:
            raise ValueError(f"{self.name}: only an option that may be unset says what unset means")
        if (self.items is None) != (not self.item_name) or (self.items and list not in self.types):
            raise ValueError(f"{self.name}: items and item_name go together, on a list option")

    @property
    def optional(self) -> bool:
        return NONE in self.types

    @property
    def value_types(self) -> tuple[type, ...]:
        """The types a set value may have (None aside)."""
        return tuple(t for t in self.types if t is not NONE)


OPTIONS: tuple[Option, ...] = (
    Option("claims_dir", (str,), "claims", "folder of claim files, relative to mkdocs.yml"),
    Option("scale", (list, NONE), None, "your own rating scale", items=dict, item_name="ratings",
           unset="the default scale"),
    Option("language", (str, NONE), None, "language of our own words", unset="`theme.language`"),
    Option("strings", (dict,), {}, "single words overridden"),
    Option("organization", (str, NONE), None, "the ClaimReview author", unset="`site_name`"),
    Option("organization_url", (str, NONE), None, "its URL", unset="`site_url`"),
    Option("default_author", (str, NONE), None, '"Checked by" when a claim has no author', unset="`organization`"),
    Option("max_file_bytes", (int,), DEFAULT_MAX_BYTES, "larger claim files are refused", minimum=1),
    Option("latest_count", (int,), 5, "claims shown by the latest marker", minimum=0),
    Option("feed_limit", (int,), FEED_LIMIT, "entries in the Atom feed", minimum=0),
    Option("search_full_text", (bool,), False, "quotes, related checks and corrections in the search index"),
    Option("page_size", (int,), DEFAULT_PAGE_SIZE, "rows per page of every long list (a name's checks too)",
           minimum=1),
    Option("cache_dir", (str, NONE), None,
           "where the build keeps what the next reuses (default: .cache/plugin/factcheck)"),
    Option("warnings_as_errors", (str, list, NONE), None, "editorial warnings that fail the build"),
    Option("min_reviewers", (int,), 0, "reviewers besides the author a published check needs", minimum=0),
    # An IANA name: plain publication dates go out at midnight there.
    Option("timezone", (str,), "UTC", "the desk's time zone"),
    # The organisation's pages for readers and ClaimReview: a docs path or a URL each.
    Option("about", (str, NONE), None, 'the "who we are" page'),
    Option("contact", (str, NONE), None, "how to reach you"),
    Option("funding", (str, NONE), None, "who funds you"),
    Option("methodology", (str, NONE), None, "how you check and rate claims"),
    Option("corrections", (str, NONE), None, "your corrections policy"),
    Option("report_error", (str, NONE), None, "where readers report an error (an issue form, page or e-mail)"),
    Option("card_fonts", (list,), [], "more font files for share cards (e.g. a CJK font)"),
    Option("workers", (int, str), AUTO, "processes for parsing and rendering: a number or auto",
           parsed=True),
    Option("history", (str, bool), "auto", "the published record from git: auto, required or off",
           parsed=True),
    Option("record_starts", (str, date, NONE), None, "checks out before it may keep older dates",
           parsed=True),
    Option("allow_hosts", (list,), [], "hosts the network commands ask at non-public addresses",
           items=str, item_name="host names"),
    Option("people", (str, NONE), None, "the people registry", unset="`people.yml` (when it exists)"),
    # The plugin adapter's only: `mkdocs serve` (plugin/hostguard.py); "*" for any.
    Option("preview_hosts", (list,), [], "hosts besides loopback that mkdocs serve answers",
           items=str, item_name="host names"),
    Option("editor", (dict, bool, NONE), None, "the form editor's page (output/editor.py checks it)", unset="off"),
)
BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}


def default(name: str) -> Any:
    """The default of option ``name``, for the places that need one without reading options."""
    return BY_NAME[name].default
