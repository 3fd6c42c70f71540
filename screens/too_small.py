"""A terminal below 80×24 gets one clear line instead of a broken layout.

The screens are laid out for 80×24 (the committee server's SSH sessions);
smaller, fields shrink to two columns and the footer garbles. The notice
goes away by itself once the window is large enough again; nothing typed
underneath is lost, since the screen below stays as it was.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from .styles import tcss

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(ModalScreen[None]):
    DEFAULT_CSS = tcss("too_small_screen")

    def compose(self) -> ComposeResult:
        yield Static(f"窗口太小（至少 {MIN_WIDTH}×{MIN_HEIGHT}），请放大终端窗口", id="too-small")
