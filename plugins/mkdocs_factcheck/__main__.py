"""`python -m mkdocs_factcheck`: the `factcheck` command."""

import sys

from .cli import main

sys.exit(main())
