"""Stored text shown as it is.

Textual reads a plain `str` in a table cell, a Static or a notification as
markup: a finding `[/]问题` raises MarkupError, `[@click=app.quit]…[/]` runs
an action when clicked, `[bold red]` styles. Text from records goes through
`literal` (a `rich.text.Text` is never parsed), and tables built on
`LiteralTable` do it for every cell.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable, Input, TextArea
from textual.widgets.data_table import RowKey

from inspector.text import clean


def literal(value: str) -> Text:
    """`value` as plain text, never markup."""
    return Text(value, end="")


def literal_cell(value: object) -> object:
    """A table cell: a str as plain text, anything else (numbers) as it is; text
    too long for its column ends in "…" (`screens/cjk.py`)."""
    # no_wrap as DataTable gives a str cell in a one-line row.
    if isinstance(value, str):
        return Text(value, end="", no_wrap=True, overflow="ellipsis")
    if isinstance(value, Text) and value.overflow is None:
        value = value.copy()
        value.no_wrap, value.overflow = True, "ellipsis"
    return value


class LiteralTable(DataTable):
    """A DataTable whose str cells are shown as they are, not read as markup."""

    def add_row(self, *cells: Any, **kwargs: Any) -> RowKey:
        return super().add_row(*map(literal_cell, cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, literal_cell(value), **kwargs)


#: Shown when a saved field lost characters to `inspector.text.clean`.
CLEANED_NOTICE = "已去除不可见的控制字符"


def typed_controls(screen: Screen) -> bool:
    """Whether a field of `screen` holds something the models will remove on save
    (an Input is one line, a TextArea keeps its line breaks)."""
    return any(clean(i.value) != i.value for i in screen.query(Input)) or any(
        clean(t.text, multiline=True) != t.text for t in screen.query(TextArea)
    )
