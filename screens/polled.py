"""A screen around one fixed-width table that re-reads its data every ~2 s.

Committee staff share the server: a screen that lists records must show
what colleagues changed without a restart. Each subclass names its columns
and widths and implements `load` (a thread worker that reads and then
updates rows by key); this base adds the columns, fits them to the
terminal, and polls only while the screen is the one on top — in Textual 8
a screen under a dialog still counts as "current", and repainting it there
costs a full redraw over a slow link.
"""

from __future__ import annotations

from typing import ClassVar

from textual.screen import Screen

from .widgets.fixed_table import FixedTable, spread

POLL_SECONDS = 2.0


class PolledTableScreen(Screen[None]):
    COLUMNS: ClassVar[tuple[tuple[str, str], ...]]
    FIXED: ClassVar[tuple[int, ...]]
    FLEX: ClassVar[tuple[tuple[int, int, int], ...]]
    TABLE_ID: ClassVar[str]
    SUBTITLE: ClassVar[str]

    @property
    def table(self) -> FixedTable:
        return self.query_one(f"#{self.TABLE_ID}", FixedTable)

    def prepare(self) -> None:
        """Set up what `load` needs; runs first on mount (Textual dispatches
        `on_mount` to every class in the MRO, so subclasses hook here)."""

    def on_mount(self) -> None:
        self.prepare()
        self.sub_title = self.SUBTITLE
        for (key, label), width in zip(self.COLUMNS, self.FIXED):
            self.table.add_column(label, key=key, width=width)
        self._fit()
        self.table.focus()
        self.load()
        self.set_interval(POLL_SECONDS, self._poll)

    def on_resize(self) -> None:
        self._fit()

    def on_screen_resume(self) -> None:
        self.load()

    def _fit(self) -> None:
        self.table.set_widths(spread(self.app.size.width - 1, self.FIXED, self.FLEX, padding=2))

    def _poll(self) -> None:
        if self.app.screen is self:
            self.load()

    def load(self) -> None:
        raise NotImplementedError
