"""Rich styles that still stand out under NO_COLOR.

With NO_COLOR set Textual draws every colour as a grey of the same
lightness, so red figures (逾期, 不符合) turn dark grey on black. Screens
name their emphasis with colours, as in colour it reads best, and pass it
through `tone`, which under NO_COLOR trades the colour for reverse (alarms:
red), underline (warnings: yellow) or bold (any other colour).
"""

from __future__ import annotations

import os
from functools import lru_cache

_ALARM = {"red", "magenta"}
_WARNING = {"yellow"}
_COLOURS = {"red", "green", "yellow", "blue", "magenta", "cyan", "white", "black"}


def no_color() -> bool:
    """Whether NO_COLOR is set (Textual, too, goes grey when it is set at all)."""
    return "NO_COLOR" in os.environ


def tone(style: str) -> str:
    return _monochrome(style) if no_color() else style


@lru_cache(maxsize=64)
def _monochrome(style: str) -> str:
    words = style.split()
    kept = [w for w in words if w not in _COLOURS]
    colours = set(words) - set(kept)
    if colours & _ALARM:
        kept.append("reverse")
    elif colours & _WARNING:
        kept.append("underline")
    elif colours:
        kept.append("bold")
    return " ".join(dict.fromkeys(kept))
