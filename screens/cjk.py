"""Text for Chinese terminals.

Rich counts “ ” ‘ ’ as one cell each while CJK terminals draw them two cells
wide, which shifts every column after them; tables show the full-width corner
brackets instead.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

_FULLWIDTH = str.maketrans({"“": "「", "”": "」", "‘": "『", "’": "』"})


def fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: cut short with "…" so a cut name never
    reads as another (任建华 → 任建…, not 任建).

    Rich counts "…" as one cell; so do terminals that draw Textual's box lines
    one cell wide, those lines being of the same ambiguous width.
    """
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width < 1:
        return ""
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)
