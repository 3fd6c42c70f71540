"""Every use of Textual's private members, in one place.

Four speed-ups need them: a table whose columns have set widths skips
measuring every cell (see `fixed_table`), its rows can be replaced in one
pass with its size, row order and offsets settled at once (the branch
table, refilled per filter keystroke), a one-line row and its text cells
are drawn without Rich's layers of renderables or DataTable's work for
labels and fixed columns (every visible row is drawn again after a
refill), and one changed cell repaints only its row (the visit's item
list). Text fields run their own editing keys in order with typed
characters (`Input`, `TextArea` below), and the key footer is built again
only when the keys it shows changed (`Footer`). tests/test_textual_compat.py
checks each member against the installed Textual, so an upgrade that
renames or changes one fails there, not in front of an inspector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual import widgets as stock
from textual._two_way_dict import TwoWayDict
from textual._types import SegmentLines
from textual.app import ComposeResult
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import DataTable
from textual.widgets._data_table import _EMPTY_TEXT
from textual.widgets._footer import FooterKey
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
        2,000 branches. A row given the same cells object as before reuses
        its `Row` and a copy of its cells by column (making those hashes 8
        Python calls a row). Rows are one line, unlabelled.

        With every column's width set, the table's size, row order and line
        offsets are settled here rather than when it next idles, so a cursor
        moved right after is scrolled to at once and the table is drawn once,
        not at the top and then again where the cursor is."""
        # Emptied first, so that `clear()` does not work out the old rows' line offsets only to drop them.
        self._data.clear()
        self.rows.clear()
        self._row_locations = TwoWayDict({})
        self.clear()
        columns = [c.key for c in self.ordered_columns]
        data = self._data
        before, made = self._made_rows if self._made_columns == columns else {}, {}
        ordered: list[Row] = []
        for key, cells in rows:
            hit = before.get(key)
            if hit is None or hit[0] is not cells:
                hit = (cells, Row(RowKey(key), 1), dict(zip(columns, map(literal_cell, cells), strict=True)))
            made[key] = hit
            row = hit[1]  # one line, never resized: kept from call to call like its cells
            data[row.key] = dict(hit[2])  # a copy: `update_cell` changes the table's in place
            if len(data) == len(ordered):
                self._set_order(ordered)
                raise DuplicateKey(f"The row key {row.key!r} already exists.")
            ordered.append(row)
        self._set_order(ordered)
        # Kept for the next call: these rows, and the earlier ones while few (a filter narrowed and widened again).
        self._made_rows = {**before, **made} if len(before) <= self._MADE_ROWS else made
        self._made_columns = columns
        self._update_count += 1
        # What `ordered_rows` and `_y_offsets` would work out from these rows (one line each).
        self._ordered_row_cache[(len(ordered), self._update_count)] = ordered
        self._offset_cache[self._update_count] = [(row.key, 0) for row in ordered]
        if any(c.auto_width for c in self.columns.values()):
            self._new_rows.update(self.rows)
            self._require_update_dimensions = True
        else:
            self._new_rows.clear()  # rows added before `clear()` are gone
            self._require_update_dimensions = False
            self._update_dimensions(())
        if self.rows and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # as `add_row` does for a first row
        self.check_idle()

    def _set_order(self, ordered: list[Row]) -> None:
        """These rows, top to bottom, as `add_row` would have placed them."""
        self.rows.update((row.key, row) for row in ordered)
        self._row_locations = TwoWayDict({row.key: index for index, row in enumerate(ordered)})

    #: A cell's text drawn at a width, by the cell's identity (the cell is kept
    #: with it, so an id reused by a new cell never matches): a refill shows
    #: the same cell objects again, and only their styles are applied anew.
    _DRAWN_TEXTS = 4096
    _MADE_ROWS = 8192

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Rows given to `replace_rows`, by key: (cells, row, cells by column), for `_made_columns`.
        self._made_rows: dict[str, tuple[Sequence[object], Row, dict[ColumnKey, object]]] = {}
        self._made_columns: list[ColumnKey] = []
        self._drawn_text: LRUCache[tuple[int, int], tuple[Text, list[Segment]]] = LRUCache(self._DRAWN_TEXTS)

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """A one-line body row under a row cursor, without labels or fixed
        columns, drawn as DataTable draws it (tests/test_textual_compat.py
        compares the lines) but without working out what only labels, fixed
        columns and other cursor types use (the header's style and a
        background blend: two walks up the DOM a row), and with the cursor's
        styles worked out once a row, not once a cell. Any other row is drawn
        by DataTable."""
        row_index = self._row_locations.get(row_key)
        if (
            row_index is None
            or line_no
            or self.cursor_type != "row"
            or self.fixed_rows
            or self.fixed_columns
            or (self._labelled_row_exists and self.show_row_labels)
        ):
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            "row",
            show_cursor,
            show_hover,
            self._update_count,
            self._pseudo_class_state,
        )
        cache = self._row_render_cache
        if key in cache:
            return cache[key]
        cursor, hover = cursor_location.row == row_index, hover_location.row == row_index
        row_style = self._get_row_style(row_index, base_style)
        pad = self.cell_padding
        styles = self._body_cell_styles(hover, cursor, show_cursor, show_hover)
        scrollable: SegmentLines = []
        table_width = 0
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            table_width += width
            lines = None
            if width > 2 * pad:
                lines = self._text_cell(
                    row_key, column.key, row_index, column_index, row_style, width, styles, hover, cursor
                )
            if lines is None:
                lines = self._render_cell(row_index, column_index, row_style, width, cursor, hover)
            scrollable.append(lines[0])
        # The row's background carried on past the last column, as DataTable does it for a row cursor.
        extend, _ = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, show_cursor, show_hover, False, False
        )
        extend = row_style + extend + Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable.append([Segment(" " * max(0, self.size.width - table_width), extend)])
        cache[key] = pair = ([], scrollable)
        return pair

    def _body_cell_styles(self, hover: bool, cursor: bool, show_cursor: bool, show_hover: bool) -> tuple[Style, Style]:
        """A body cell's (base, post) styles, as DataTable works them out for it."""
        return self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            show_cursor,
            show_hover,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A body cell holding one line of `Text` in a one-line row is drawn
        by `_text_cell`; any other cell by DataTable."""
        pad = self.cell_padding
        if row_index < self.fixed_rows or column_index < self.fixed_columns or width <= 2 * pad:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        styles = self._body_cell_styles(hover, cursor, self.show_cursor, self._show_hover_cursor)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        lines = self._text_cell(row_key, column_key, row_index, column_index, base_style, width, styles, hover, cursor)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return lines

    def _text_cell(
        self,
        row_key: RowKey,
        column_key: ColumnKey,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        styles: tuple[Style, Style],
        hover: bool,
        cursor: bool,
    ) -> SegmentLines | None:
        """A body cell drawn as DataTable draws it (`Styled(Padding(cell))`
        through `render_lines`, twice cropped) but with only the text's own
        rendering, which is kept per cell: the segments are the same
        (tests/test_textual_compat.py compares them). `styles`: the cursor's
        and hover's (`_get_styles_to_render_cell`). None when the cell is not
        one line of `Text` in a one-line row."""
        key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cache = self._cell_render_cache
        if key in cache:
            return cache[key]
        row = self.rows.get(row_key)
        cell = self._data[row_key].get(column_key) if row is not None else None
        if type(cell) is not Text or row is None or row.height != 1 or "\n" in cell.plain:
            return None
        if not cell:  # as `_compute_row_renderables` gives an empty cell: without its style
            cell = _EMPTY_TEXT
        component, post = styles
        pre = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component
        drawn = self._drawn_text.get((id(cell), width))
        pad = self.cell_padding
        if drawn is not None and drawn[0] is cell:
            text = drawn[1]
        else:
            options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
            inner = options.update_width(width - 2 * pad).update_height(1)
            [text] = self.app.console.render_lines(cell, inner, style=Style.null(), pad=True)
            self._drawn_text[(id(cell), width)] = (cell, text)
        edge = " " * pad
        if post:
            outer = pre + post
            line = [Segment(edge, outer)]
            line.extend(Segment(t, (pre + s) + post if s else outer) for t, s, _ in text)
            line.append(Segment(edge, outer))
        else:
            line = [Segment(edge, pre), *(Segment(t, pre + s if s else pre) for t, s, _ in text), Segment(edge, pre)]
        cache[key] = lines = [line]
        return lines

    def columns_resized(self) -> None:
        """Redraw after column widths were changed in place."""
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh(layout=True)


def put_cell(table: DataTable, row_key: str, column_key: str, value: object) -> None:
    """Change one cell without `update_cell`'s repaint of the whole table; the caller refreshes the row."""
    table._data[RowKey(row_key)][ColumnKey(column_key)] = literal_cell(value)
    table._update_count += 1  # part of every render cache key: the row is drawn anew


class _KeysInOrder:
    """Run the field's own bindings (backspace, arrows, ctrl+w, …) as its key
    arrives. Stock Textual inserts a typed character at once but runs a bound
    key only after the key has bubbled up to the app and come back, so on a
    busy machine 「dyzb」, four backspaces and 「sq」 typed fast became 「ds」."""

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # the stock handler, next in the MRO, inserts it
        chain = self.screen._binding_chain
        if not chain or chain[0][0] is not self:  # focused widget first, the user's keymap applied
            return
        for binding in chain[0][1].key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return


class Input(_KeysInOrder, stock.Input):
    """Every one-line text field of the app (tests/test_textual_compat.py checks no screen uses the stock one)."""


class TextArea(_KeysInOrder, stock.TextArea):
    """Every multi-line text field of the app."""


class Footer(stock.Footer):
    """Every screen's key footer, compact. The stock one mounts all its keys
    anew on every bindings signal (each focus move, each return to the
    screen), and each new key then restyles itself a second time to add
    `-compact`: about a tenth of a flow's CPU in tests/test_app_home.py. This
    one is built again only when the keys it would show changed, and its
    keys start compact."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        #: What the keys on show were built from (`_shown`), once built.
        self._built_from: tuple[object, ...] | None = None

    @staticmethod
    def _shown(screen: Screen) -> tuple[object, ...]:
        """All that `compose` reads from the screen: each active binding, enabled or not, with its tooltip."""
        return tuple((key, binding, enabled, tip) for key, (_, binding, enabled, tip) in screen.active_bindings.items())

    def compose(self) -> ComposeResult:
        self._built_from = self._shown(self.screen) if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)  # what its `compact` watcher adds, before its first styling
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        unchanged = self._built_from is not None and self.is_attached and screen is self.screen
        if unchanged and self._shown(screen) == self._built_from:
            return
        super().bindings_changed(screen)
