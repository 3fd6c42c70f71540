"""Styles of the screens and dialogs, one `.tcss` file per class (`dialog.tcss`: shared by the dialogs).

They are read into each class's DEFAULT_CSS rather than named in CSS_PATH:
Textual scopes a class's DEFAULT_CSS to that class, while CSS_PATH rules
apply to the whole app, and several screens give the same class names
(`.field-row`, `#message`) different rules.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent


def tcss(*names: str) -> str:
    """The styles in `names` (file names without `.tcss`), in that order."""
    return "\n".join((_HERE / f"{name}.tcss").read_text(encoding="utf-8") for name in names)
