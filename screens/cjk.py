"""Text for Chinese terminals.

Rich counts “ ” ‘ ’ as one cell each while CJK terminals draw them two cells
wide, which shifts every column after them; tables show the full-width corner
brackets instead.
"""

from __future__ import annotations

_FULLWIDTH = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


def fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)
