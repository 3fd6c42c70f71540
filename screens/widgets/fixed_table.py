"""A DataTable whose columns have set widths, so refilling it is cheap.

DataTable measures every cell of every new row when it next idles (to size
auto-width columns): 2000 branches cost ~300 ms per refill. Our columns are
sized from the terminal width instead, so measuring is skipped; filtering
the branch table then stays well under 50 ms a keystroke.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.coordinate import Coordinate

from screens.widgets.textual_compat import UnmeasuredTable


class FixedTable(UnmeasuredTable):
    def set_widths(self, widths: Sequence[int]) -> None:
        """Resize the columns (in column order) to fit the terminal."""
        changed = False
        for column, width in zip(self.ordered_columns, widths):
            if column.width != width or column.auto_width:
                column.width = width
                column.auto_width = False
                changed = True
        if changed:
            self.columns_resized()

    def show_keyed(self, rows: Mapping[str, Sequence[object]], before: Mapping[str, Sequence[object]]) -> None:
        """Show `rows` (key → cells) where `before` was shown: other keys, or
        the same in another order, refill the table in one pass with the
        cursor kept on its key; the same keys redraw only the cells that changed."""
        if list(rows) != list(before):
            keep = self.cursor_key()
            self.replace_rows(rows.items())
            if keep in rows:
                self.move_cursor(row=list(rows).index(keep), animate=False)
            return
        columns = [c.key for c in self.ordered_columns]
        for key, cells in rows.items():
            for column, old, new in zip(columns, before[key], cells):
                if old != new:
                    self.update_cell(key, column, new)

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None in an empty table)."""
        if not 0 <= self.cursor_row < self.row_count:
            return None
        return self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value


def spread(total: int, fixed: Sequence[int], flexible: Sequence[tuple[int, int, int]], padding: int) -> list[int]:
    """Column widths for a table `total` cells wide.

    `fixed` gives the widths of columns in order; `flexible` gives (index,
    minimum, maximum) of the columns that grow with the terminal, filled in
    order (their `fixed` entry is ignored).
    """
    widths = list(fixed)
    flex = {index for index, _, _ in flexible}
    room = total - padding * len(fixed) - sum(w for i, w in enumerate(fixed) if i not in flex)
    for index, low, _high in flexible:
        widths[index] = low
        room -= low
    for index, low, high in flexible:
        extra = max(0, min(room, high - low))
        widths[index] += extra
        room -= extra
    return widths
