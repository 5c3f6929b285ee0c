"""Allow ``python -m pipeline`` as a synonym for the ``shuzhi`` command."""

from __future__ import annotations

import sys

from pipeline.cli import main

sys.exit(main())
