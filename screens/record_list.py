"""A branch's records in a table, with a detail line under it and a message
line: the 党员花名册 (`screens/members.py`) and the pocket members
(`screens/pockets.py`) share the keys and the lines; each fills its own table.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Static


def day(d: date | None) -> str:
    """A date cell: ISO, or — when there is none."""
    return d.isoformat() if d else "—"


class RecordListScreen(Screen[None]):
    """Subclasses compose `#<MESSAGE_ID>` and give `_show_detail` and `action_edit`."""

    MESSAGE_ID: ClassVar[str]

    def _show_detail(self) -> None:
        raise NotImplementedError

    def action_edit(self) -> None:
        raise NotImplementedError

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one(f"#{self.MESSAGE_ID}", Static)
        line.update(Text(message))
        line.set_class(error, "error")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row (the table takes the key before the screen's binding)."""
        event.stop()
        self.action_edit()

    def action_back(self) -> None:
        self.app.pop_screen()
