"""A screen around one fixed-width table that follows changes to the data.

Each subclass names its columns and widths and implements `load` (a thread
worker that reads and then updates rows by key); this base adds the
columns, fits them to the terminal, and loads again when the data changed
(see `watched.py`).
"""

from __future__ import annotations

from typing import ClassVar

from .watched import WatchedScreen
from .widgets.fixed_table import FixedTable, spread


class TableScreen(WatchedScreen):
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
        self.mark_fresh()
        self.load()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.table.set_widths(spread(self.app.size.width - 1, self.FIXED, self.FLEX, padding=2))

    def refresh_data(self) -> None:
        self.load()

    def current_id(self) -> str | None:
        """The key of the row under the cursor (None when the table is empty)."""
        return self.table.cursor_key()

    def load(self) -> None:
        raise NotImplementedError
