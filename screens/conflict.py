"""One Chinese line for an edit that clashed with someone else's save.

The store names the clashing fields by their code names; users need the
labels they see on screen.
"""

from __future__ import annotations

from collections.abc import Mapping

from inspector.errors import EditConflict


def conflict_message(exc: EditConflict, labels: Mapping[str, str], advice: str) -> str:
    """`labels` maps a field (its first path part) to its label; unknown parts are shown as they are."""
    names = "、".join(dict.fromkeys(labels.get(f.split(".")[0], f.split(".")[-1]) for f in sorted(exc.theirs)))
    return f"{names}已被他人修改，与你的修改冲突；{advice}"
