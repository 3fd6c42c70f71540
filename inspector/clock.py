"""Today's date, in one place, so tests and snapshots can fix it.

`INSPECTOR_TODAY=2026-11-26` pins it (tests, screenshots, reproducible demos).
"""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    pinned = os.environ.get("INSPECTOR_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
