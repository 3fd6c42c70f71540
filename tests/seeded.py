"""Seeded data folders made once per test process and copied per test.

A seed saves a handful of records, each with an fsync; copying the folder
it left costs a few milliseconds and gives the test the same files."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

_MADE: dict[str, Path] = {}


def copy_seeded(seed: Callable[[Path], object], root: Path) -> None:
    """Make `root` as `seed(root)` would, from a folder seeded once in this
    process; a folder that already exists is seeded in place, as before."""
    if root.exists():
        seed(root)
        return
    key = f"{seed.__module__}.{seed.__qualname__}"
    made = _MADE.get(key)
    if made is None:
        parent = Path(tempfile.mkdtemp(prefix="inspector-seed-"))
        atexit.register(shutil.rmtree, parent, True)
        made = parent / "data"
        seed(made)
        _MADE[key] = made
    shutil.copytree(made, root, symlinks=True)
