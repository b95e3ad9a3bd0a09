"""The options every command that reaches the network shares (``links``, ``archive``, ``import``)."""

from __future__ import annotations

import argparse


def add_network_options(parser: argparse.ArgumentParser, *, deadline: float) -> None:
    """The options every command that reaches the network shares."""
    parser.add_argument("--deadline", type=float, default=deadline, metavar="SECONDS",
                        help="stop asking after this long in all; what is left is reported (default: %(default)s)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                        help="ask this host even where it is not at a public address (a desk's own server; "
                             "repeat it; the plugin's allow_hosts option adds to it). By default loopback, "
                             "private, link-local and other non-public addresses are never asked")
