"""Every use of Textual's private DataTable members, in one place.

Three speed-ups need them: a table whose columns have set widths skips
measuring every cell (see `fixed_table`), its rows can be replaced in one
pass (the branch table, refilled per filter keystroke), and one changed cell
repaints only its row (the visit's item list). tests/test_textual_compat.py checks each
member against the installed Textual, so an upgrade that renames or changes
one fails there, not in front of an inspector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, DuplicateKey, Row, RowKey

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

    def replace_rows(self, rows: Iterable[tuple[str, Sequence[object]]]) -> None:
        """Show these (key, cells) rows instead, as `clear()` and then
        `add_row(*cells, key=key)` for each would, in one pass: `add_row`
        checks the cursor and the idle state per row (~70 µs), 0.15 s for
        2,000 branches; this costs ~2 µs a row. Rows are one line, unlabelled."""
        self.clear()
        columns = [c.key for c in self.ordered_columns]
        data, locations, new = self._data, self._row_locations, self._new_rows
        for index, (key, cells) in enumerate(rows):
            row_key = RowKey(key)
            if row_key in data:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            data[row_key] = dict(zip(columns, map(literal_cell, cells), strict=True))
            self.rows[row_key] = Row(row_key, 1)
            locations[row_key] = index
            new.add(row_key)
        self._require_update_dimensions = True
        self._update_count += 1
        if self.rows and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # as `add_row` does for a first row
        self.check_idle()

    def columns_resized(self) -> None:
        """Redraw after column widths were changed in place."""
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh(layout=True)


def put_cell(table: DataTable, row_key: str, column_key: str, value: object) -> None:
    """Change one cell without `update_cell`'s repaint of the whole table; the caller refreshes the row."""
    table._data[RowKey(row_key)][ColumnKey(column_key)] = literal_cell(value)
    table._update_count += 1  # part of every render cache key: the row is drawn anew
