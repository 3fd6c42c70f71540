"""The find field above a table (ledger, assignments): `/` goes to it, Enter
or Down goes back to the table, Esc empties it and goes back."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.widgets import DataTable

from .widgets.textual_compat import Input


class FindField:
    """Mixed into a screen with a `table` and an Input whose id is `FIND_ID`."""

    FIND_ID: ClassVar[str]
    table: DataTable

    def action_find(self) -> None:
        self.query_one(f"#{self.FIND_ID}", Input).focus()  # type: ignore[attr-defined]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == self.FIND_ID:
            self.table.focus()

    def on_key(self, event: events.Key) -> None:
        field = self.query_one(f"#{self.FIND_ID}", Input)  # type: ignore[attr-defined]
        if field.has_focus and event.key in ("escape", "down"):
            event.stop()
            event.prevent_default()
            if event.key == "escape":
                field.value = ""
            self.table.focus()
