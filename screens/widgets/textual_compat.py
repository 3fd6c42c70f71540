"""Every use of Textual's private DataTable members, in one place.

Two speed-ups need them: a table whose columns have set widths skips
measuring every cell (see `fixed_table`), and one changed cell repaints only
its row (the visit's item list). tests/test_textual_compat.py checks each
member against the installed Textual, so an upgrade that renames or changes
one fails there, not in front of an inspector.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from .literal import LiteralTable, literal_cell


class UnmeasuredTable(LiteralTable):
    """A DataTable that does not measure cells while every column has a set width and no row a label."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        if any(c.auto_width for c in self.columns.values()) or any(r.label is not None for r in self.rows.values()):
            super()._update_dimensions(new_rows)
            return
        header = self.header_height if self.show_header else 0
        width = sum(c.get_render_width(self) for c in self.columns.values())
        self.virtual_size = Size(width, self._total_row_height + header)

    def columns_resized(self) -> None:
        """Redraw after column widths were changed in place."""
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh(layout=True)


def put_cell(table: DataTable, row_key: str, column_key: str, value: object) -> None:
    """Change one cell without `update_cell`'s repaint of the whole table; the caller refreshes the row."""
    table._data[RowKey(row_key)][ColumnKey(column_key)] = literal_cell(value)
    table._update_count += 1  # part of every render cache key: the row is drawn anew
