"""Screens that show stored data and follow changes made by anyone.

Committee staff share the data folder: a screen that lists records must
show what colleagues changed without a restart. The app alone watches the
folder (`InspectorApp.check_data`, a read of a few bytes every second) and
tells the screen on top with `DataChanged`; a screen under another one does
no work, and catches up when it comes back on top. In Textual 8 a screen
under a dialog still counts as "current", and repainting it there costs a
full redraw over a slow link.
"""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen


class DataChanged(Message, bubble=False):
    """Something in the data folder was saved (here or by another process), or the day turned."""


class WatchedScreen(Screen[None]):
    """A screen whose `refresh_data` re-reads what it shows; it runs at most
    once per change the app saw, whether told on top or on coming back."""

    def __init__(self) -> None:
        super().__init__()
        self._seen_generation: int | None = None

    def refresh_data(self) -> None:
        raise NotImplementedError

    def mark_fresh(self) -> None:
        """Note that what is shown reflects the data as of now (a screen's first load)."""
        self._seen_generation = self.app.data_generation

    def _catch_up(self) -> None:
        if self._seen_generation != self.app.data_generation:
            self.mark_fresh()
            self.refresh_data()

    def on_data_changed(self, _event: DataChanged) -> None:
        self._catch_up()

    def on_screen_resume(self) -> None:
        self.app.check_data()
        self._catch_up()
