"""A table that draws only the rows on screen, for the county-wide ledger.

DataTable builds and measures every row it holds: 50,000 findings take
~2.5 s to add, far over the ledger's budget, and each filter keystroke would
refill it. This table holds only the row keys in display order and asks its
owner for the cells of the few rows it draws. Filtering swaps the key list;
moving the cursor repaints exactly two lines, so over SSH a cursor move
costs about a kilobyte, not a repaint of the screen. The header stays put.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from screens.cjk import fit

#: A cell: its text and an optional style name among the table's component classes ("overdue", "muted"...).
Cell = tuple[str, str]


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # short enough for the column at 80 columns
    width: int  # at 80 columns
    grow: int = 0  # widest it may grow to on a wider terminal (0: fixed)
    right: bool = False
    full: str = ""  # the full header, shown once the column is wide enough


class RowTable(ScrollView, can_focus=True):
    """Rows are keys; `cells(key)` gives a row's cells, `marked(key)` whether it is selected."""

    COMPONENT_CLASSES = {
        "row-table--header",
        "row-table--cursor",
        "row-table--marked",
        "row-table--overdue",
        "row-table--muted",
        "row-table--warn",
        "row-table--odd",
    }
    DEFAULT_CSS = """
    RowTable { background: $surface; scrollbar-size-vertical: 1; overflow-x: hidden; }
    RowTable > .row-table--header { background: $panel; color: $foreground; text-style: bold; }
    RowTable > .row-table--cursor { background: $block-cursor-blurred-background; }
    RowTable:focus > .row-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    RowTable > .row-table--marked { color: $accent; text-style: bold; }
    RowTable > .row-table--overdue { color: $error; text-style: bold; }
    RowTable > .row-table--muted { color: $text-muted; }
    RowTable > .row-table--warn { color: $warning; }
    RowTable > .row-table--odd { background: $surface-lighten-1; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "activate", show=False),
    ]

    class Highlighted(Message):
        def __init__(self, table: RowTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class Activated(Message):
        def __init__(self, table: RowTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class HeaderClicked(Message):
        def __init__(self, table: RowTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[str], Sequence[Cell]],
        *,
        marked: Callable[[str], bool] | None = None,
        zebra: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.cells = cells
        self.marked = marked or (lambda key: False)
        self.zebra = zebra
        self.keys: list[str] = []
        #: A plain attribute, not a reactive: a reactive would repaint the whole table on every move.
        self.cursor_row = 0
        self._index: dict[str, int] | None = {}
        self.widths = [c.width for c in self.columns]
        self.sort: tuple[str, bool] | None = None  # (column key, descending), marked in the header

    # ----------------------------------------------------------------- data
    def set_keys(self, keys: list[str]) -> None:
        """Show these rows, in this order; the cursor stays on its row if still shown."""
        keep = self.cursor_key
        self.keys = keys
        self._index = None  # built when first needed: 50,000 keys cost ~15 ms a keystroke
        self.virtual_size = Size(self.size.width, len(keys) + 1)
        row = min(self.cursor_row, max(0, len(keys) - 1))
        if keep is not None:
            try:
                row = keys.index(keep)
            except ValueError:
                pass
        self.refresh()
        self._set_cursor(row, force=True)

    def index_of(self, key: str) -> int | None:
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.keys)}
        return self._index.get(key)

    @property
    def cursor_key(self) -> str | None:
        return self.keys[self.cursor_row] if 0 <= self.cursor_row < len(self.keys) else None

    def refresh_key(self, key: str) -> None:
        """Repaint one row (its cells changed), if it is on screen."""
        index = self.index_of(key)
        if index is not None:
            self._refresh_row(index)

    def set_sort(self, column: str | None, descending: bool = False) -> None:
        """Mark the column the rows are sorted by (the owner sorts them)."""
        self.sort = (column, descending) if column else None
        self.refresh_lines(self.scroll_offset.y)

    @property
    def header_labels(self) -> list[str]:
        out = []
        for column, width in zip(self.columns, self.widths):
            label = column.full if column.full and cell_len(column.full) <= width else column.label
            if self.sort and self.sort[0] == column.key:
                label += "↓" if self.sort[1] else "↑"
            out.append(label)
        return out

    # --------------------------------------------------------------- layout
    def on_resize(self, event: events.Resize) -> None:
        self.fit(event.size.width)

    def fit(self, width: int) -> None:
        """Column widths for this width: spare cells go to growing columns in proportion to how much each may grow."""
        widths = [c.width for c in self.columns]
        room = width - 1 - sum(widths) - 2 * len(widths)  # 1 for the scrollbar, 2 padding per cell
        spans = [max(0, c.grow - c.width) for c in self.columns]
        total = sum(spans)
        if room > 0 and total:
            for i, span in enumerate(spans):
                widths[i] += min(span, room * span // total)
            room = width - 1 - sum(widths) - 2 * len(widths)
            for i, span in enumerate(spans):  # what rounding left over, in order
                extra = max(0, min(room, self.columns[i].width + span - widths[i]))
                widths[i] += extra
                room -= extra
        self.widths = widths
        self.virtual_size = Size(width, len(self.keys) + 1)
        self.refresh()

    # ------------------------------------------------------------- drawing
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"row-table--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = base + self._style("header")
            return self._strip([(label, "") for label in self.header_labels], style, width)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.keys):
            return Strip.blank(width, base)
        key = self.keys[index]
        style = base
        if self.zebra and index % 2:
            style += self._style("odd")
        cursor = index == self.cursor_row
        marked = self.marked(key)
        if marked:
            style += self._style("marked")
        row_style = style + self._style("cursor") if cursor else style
        return self._strip(self.cells(key), row_style, width, cursor)

    def _strip(self, cells: Sequence[Cell], style: Style, width: int, cursor: bool = False) -> Strip:
        segments = []
        for (text, name), column, w in zip(cells, self.columns, self.widths):
            cell_style = style
            if name and not cursor:  # on the cursor row the cursor's colours win
                cell_style = style + self._style(name)
            if column.right and cell_len(text) < w:
                text = " " * (w - cell_len(text)) + text
            segments.append(Segment(" " + fit(text, w) + " ", cell_style))
        return Strip(segments).crop_extend(0, width, style)

    def _refresh_row(self, index: int) -> None:
        self.refresh_lines(index + 1)

    # ------------------------------------------------------------- cursor
    def _set_cursor(self, row: int, force: bool = False) -> None:
        row = max(0, min(row, len(self.keys) - 1))
        if row == self.cursor_row and not force:
            return
        old = self.cursor_row
        self.cursor_row = row
        visible = max(1, self.size.height - 1)
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
        else:
            self._refresh_row(old)
            self._refresh_row(row)
        self.post_message(self.Highlighted(self, self.cursor_key))

    def move_cursor(self, row: int) -> None:
        self._set_cursor(row)

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        self._set_cursor(row if row >= 0 else len(self.keys) - 1)

    def action_activate(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.Activated(self, self.cursor_key))

    def on_focus(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor_row)

    # --------------------------------------------------------------- mouse
    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = event.x
            for column, w in zip(self.columns, self.widths):
                x -= w + 2
                if x < 0:
                    self.post_message(self.HeaderClicked(self, column.key))
                    return
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.keys):
            if index == self.cursor_row and event.chain > 1:
                self.action_activate()
            self._set_cursor(index)
