"""The Textual internals screens/widgets/textual_compat.py relies on, checked against the installed Textual.

An upgrade that renames or changes one of them fails here. The last test
keeps every other screen class off Textual's private names, so a new clash
(a Textual release adding a private name a screen already uses) fails too.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual import widgets as stock
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey
from textual.widgets.data_table import ColumnKey

import screens
from screens.widgets.textual_compat import Footer, Input, TextArea, UnmeasuredTable, put_cell
from tests.home_fixtures import pilot_test

ROWS = 300


class Spied(UnmeasuredTable):
    measured: int = 0
    skipped: int = 0

    def _update_dimensions(self, new_rows) -> None:
        rows = list(new_rows)
        if any(c.auto_width for c in self.columns.values()):
            self.measured += 1
        else:
            self.skipped += 1
        super()._update_dimensions(rows)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Spied(id="t")


def test_private_members_exist_with_the_expected_shape():
    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"]
    assert isinstance(inspect.getattr_static(DataTable, "_total_row_height"), property)
    assert list(inspect.signature(DataTable._clear_caches).parameters) == ["self"]
    table = DataTable()
    assert table._require_update_dimensions is False
    assert table._data == {}
    assert table._update_count == 0
    assert table._new_rows == set() and len(table._row_locations) == 0
    assert list(inspect.signature(DataTable._highlight_cursor).parameters) == ["self"]
    assert isinstance(inspect.getattr_static(Screen, "_binding_chain"), property)  # focused widget first
    assert inspect.iscoroutinefunction(stock.Input._on_key) and inspect.iscoroutinefunction(stock.TextArea._on_key)
    assert stock.Footer._bindings_ready.__class__.__name__ == "reactive"
    assert list(inspect.signature(stock.Footer.bindings_changed).parameters) == ["self", "screen"]


@pilot_test
async def test_set_widths_skip_measuring_and_size_the_table():
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Spied)
        table.add_column("编号", key="a", width=6)
        table.add_column("内容", key="b", width=20)
        table.add_rows([(str(n), f"第{n}行") for n in range(ROWS)])
        await pilot.pause()
        assert table.skipped >= 1 and table.measured == 0  # Textual still sizes the table through our override
        assert table.columns[ColumnKey("b")].content_width == cell_len("内容")  # its header only: no cell measured
        padding = 2 * table.cell_padding
        assert table.virtual_size.width == 6 + 20 + 2 * padding
        assert table.virtual_size.height == ROWS + table.header_height

        for column in table.ordered_columns:
            column.width = 10
        table.columns_resized()
        await pilot.pause()
        assert table.virtual_size.width == 10 + 10 + 2 * padding
        line = table.render_line(1).text  # first data row, drawn anew at the new widths
        pad = " " * table.cell_padding
        assert line.startswith(pad + "0".ljust(10) + pad + pad + "第0行")

        table.add_column("自动", key="c")  # an auto-width column: Textual measures as usual
        await pilot.pause()
        assert table.measured >= 1


@pilot_test
async def test_put_cell_changes_the_cell_and_its_drawing():
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Spied)
        table.add_column("编号", key="a", width=6)
        table.add_column("内容", key="b", width=20)
        table.add_row("1", "旧内容", key="r1")
        table.add_row("2", "其他", key="r2")
        await pilot.pause()
        assert "旧内容" in table.render_line(1).text  # now in the render cache
        put_cell(table, "r1", "b", "新内容")
        table.refresh_row(table.get_row_index("r1"))
        await pilot.pause()
        assert str(table.get_cell("r1", "b")) == "新内容"
        assert "新内容" in table.render_line(1).text  # the cached drawing was not reused
        assert "其他" in table.render_line(2).text


class _ClassIndex(ast.NodeVisitor):
    """Every class statement of a module by qualified name, the first where two
    share one, as inspect.getsource finds them (it parses the module per class)."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.classes: dict[str, ast.ClassDef] = {}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack += [node.name, "<locals>"]
        self.generic_visit(node)
        del self.stack[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stack.append(node.name)
        self.classes.setdefault(".".join(self.stack), node)
        self.generic_visit(node)
        self.stack.pop()


@cache
def _module_classes(filename: str) -> dict[str, ast.ClassDef]:
    index = _ClassIndex()
    index.visit(ast.parse(Path(filename).read_text(encoding="utf-8")))
    return index.classes


def _class_tree(cls: type) -> ast.ClassDef:
    filename = inspect.getsourcefile(cls)
    node = _module_classes(filename).get(cls.__qualname__) if filename else None
    if node is None:
        raise OSError(f"no class statement for {cls!r}")
    return node


def _own_private_names(cls: type) -> set[str]:
    """Private methods a class defines and private attributes it uses on `self`."""
    tree = _class_tree(cls)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            names.add(node.attr)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


@cache
def _library_private_names(cls: type) -> frozenset[str]:
    names = set(vars(cls))
    try:
        names |= _own_private_names(cls)
    except (OSError, TypeError):  # no source (a C extension type)
        pass
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def test_screens_use_no_private_member_of_textual_outside_the_compat_module():
    clashes = []
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        if info.name == "screens.widgets.textual_compat":
            continue
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            library = [b for b in cls.__mro__ if b.__module__.split(".")[0] in ("textual", "rich")]
            theirs = set().union(*(_library_private_names(b) for b in library))
            for name in sorted(_own_private_names(cls) & theirs):
                clashes.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert clashes == []


@pilot_test
async def test_replace_rows_leaves_the_table_as_clear_and_add_row_would():
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Spied)
        table.add_column("编号", key="a", width=6)
        table.add_column("内容", key="b", width=20)
        table.add_rows([("x", "旧")])
        rows = [(f"r{n}", (str(n), f"[b]第{n}行[/b]")) for n in range(ROWS)]
        table.replace_rows(rows)
        settled = table.virtual_size  # at once, not when the table next idles
        cached = (list(table.ordered_rows), list(table._y_offsets))
        table._ordered_row_cache.clear()
        table._offset_cache.clear()
        assert (table.ordered_rows, table._y_offsets) == cached  # as Textual works them out
        await pilot.pause()
        replaced = [table.render_line(y).text for y in range(12)]
        state = (table.row_count, [r.key.value for r in table.ordered_rows], table.virtual_size, table.cursor_row)
        assert settled == table.virtual_size
        assert str(table.get_cell("r3", "b")) == "[b]第3行[/b]"  # literal, as add_row gives it
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        await pilot.pause()
        assert [table.render_line(y).text for y in range(12)] == replaced
        assert (
            table.row_count,
            [r.key.value for r in table.ordered_rows],
            table.virtual_size,
            table.cursor_row,
        ) == state
        table.move_cursor(row=250)
        await pilot.pause()
        scrolled = (table.scroll_y, [table.render_line(y).text for y in range(12)])
        table.replace_rows(rows[1:] + rows[:1])
        table.replace_rows(rows)
        table.move_cursor(row=250)
        assert table.scroll_y == scrolled[0]  # scrolled at once, so drawn only there
        await pilot.pause()
        assert (table.scroll_y, [table.render_line(y).text for y in range(12)]) == scrolled
        table.move_cursor(row=5)
        table.replace_rows(rows[:3])
        await pilot.pause()
        assert (table.row_count, table.cursor_row, table.get_row_index("r2")) == (3, 0, 2)


class FixedApp(App):
    def compose(self) -> ComposeResult:
        from screens.widgets.fixed_table import FixedTable

        yield FixedTable(cursor_type="row")


@pilot_test
async def test_show_keyed_refills_keeping_the_cursor_on_its_key_and_else_redraws_only_changed_cells():
    from screens.widgets.fixed_table import FixedTable

    app = FixedApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(FixedTable)
        table.add_column("支部", key="name", width=12)
        table.add_column("问题", key="n", width=6)
        first = {"a": ("甲", "1"), "b": ("乙", "2"), "c": ("丙", "3")}
        table.show_keyed(first, {})
        table.move_cursor(row=1)
        assert table.cursor_key() == "b"
        fewer = {"c": ("丙", "3"), "b": ("乙", "2")}  # other keys, another order
        table.show_keyed(fewer, first)
        await pilot.pause()
        assert [r.value for r in table.rows] == ["c", "b"] and table.cursor_key() == "b"
        changed = {"c": ("丙", "3"), "b": ("乙", "5")}
        updates = []
        table.update_cell = lambda *args, **kw: updates.append(args)  # type: ignore[method-assign]
        table.show_keyed(changed, fewer)
        assert [(key, column.value) for key, column, _ in updates] == [("b", "n")]


class ZebraApp(App[None]):
    def compose(self) -> ComposeResult:
        from screens.widgets.fixed_table import FixedTable

        yield FixedTable(cursor_type="row", zebra_stripes=True)


@pilot_test
async def test_one_line_text_cells_are_drawn_segment_for_segment_as_datatable_draws_them():
    """The table's own row and cell drawing (`UnmeasuredTable._render_line_in_row`,
    `_render_cell`) against DataTable's: every line of a table of long, wide,
    styled, right-aligned and empty cells, with the cursor, zebra stripes,
    hover shown or not, the cursor hidden, and narrow columns, drawn first and
    again from the kept texts after a refill."""
    from rich.text import Text

    from screens.widgets.fixed_table import FixedTable

    cells = [
        (
            Text("安平隆德汽车配件有限公司党支部" * (n % 3)),
            Text(str(n * 7), justify="right", style="bold red" if n % 2 else "dim"),
            f"第{n}行 ABC",
            Text("软弱涣散", style="bold yellow", no_wrap=True, overflow="ellipsis"),
            Text(""),
            Text("", style="bold red", justify="right"),  # drawn unstyled, as DataTable draws any empty cell
        )
        for n in range(30)
    ]
    app = ZebraApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(FixedTable)
        for key, width in zip("abcdef", (12, 5, 3, 1, 4, 4)):
            table.add_column(key, key=key, width=width)
        rows = [(f"r{n}", c) for n, c in enumerate(cells)]

        def drawn() -> list[list[Segment]]:
            table._update_count += 1  # every cell drawn anew
            return [list(table.render_line(y)) for y in range(table.size.height)]

        def stock() -> list[list[Segment]]:
            table._render_cell = lambda *args, **kw: DataTable._render_cell(table, *args, **kw)  # type: ignore[method-assign]
            table._render_line_in_row = lambda *args, **kw: DataTable._render_line_in_row(table, *args, **kw)  # type: ignore[method-assign]
            try:
                return drawn()
            finally:
                del table._render_cell
                del table._render_line_in_row

        # First drawing, then from the kept texts after a refill, then with the cursor moved, the hover
        # on the next row shown (as after a mouse move), the cursor hidden, and the columns wider than
        # the table with the hover on the cursor's row.
        for step in range(5):
            table.replace_rows(rows)
            table.move_cursor(row=2 * step)
            table.hover_coordinate = table.cursor_coordinate if step == 4 else table.cursor_coordinate.down()
            table._show_hover_cursor = step >= 2
            table.show_cursor = step != 3
            if step == 4:
                table.columns[ColumnKey("a")].width = 40
                table.columns_resized()
            await pilot.pause()
            ours = drawn()
            assert "安平" in "".join(s.text for s in ours[2]) and ours == stock()
            assert [s.style for line in ours for s in line] == [s.style for line in stock() for s in line]


class Fields(App):
    def __init__(self, field) -> None:
        super().__init__()
        self.field = field

    def compose(self) -> ComposeResult:
        yield self.field


KEYS = [("d", "d"), ("y", "y"), ("backspace", "\x7f"), ("backspace", "\x7f"), ("s", "s"), ("left", None), ("q", "q")]


async def _typed_at_once(field) -> str:
    """The field's text after keys arrive together, as from a fast typist on a busy machine."""
    app = Fields(field)
    async with app.run_test() as pilot:
        field.focus()
        await pilot.pause()
        for key, character in KEYS:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        return field.value if isinstance(field, stock.Input) else field.text


@pilot_test
async def test_bound_keys_apply_in_order_with_typed_characters():
    assert await _typed_at_once(Input()) == "qs"
    assert await _typed_at_once(TextArea()) == "qs"
    # stock Textual runs backspace and left after the key's round trip to the app
    assert await _typed_at_once(stock.Input()) != "qs"


@pilot_test
async def test_a_fields_own_binding_runs_in_order_too_and_a_key_it_does_not_bind_still_bubbles():
    class Submitting(Input):
        BINDINGS = [Binding("ctrl+o", "clear_all", "清空")]

        def action_clear_all(self) -> None:
            self.value = ""

    seen: list[str] = []

    class Watching(Fields):
        def on_key(self, event: events.Key) -> None:
            seen.append(event.key)

    field = Submitting()
    app = Watching(field)
    async with app.run_test() as pilot:
        field.focus()
        for key, character in [("a", "a"), ("ctrl+o", None), ("b", "b"), ("f5", None)]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert field.value == "b"
        assert seen == ["f5"]  # handled keys stop at the field; others reach the app as before


def test_no_screen_builds_a_stock_text_field_or_footer():
    """Every text field is the compat one, whose editing keys keep their order,
    and every footer the compat one, built again only when its keys change."""
    stock_built = []
    for path in sorted(Path(screens.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            a.asname or a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module == "textual.widgets"
            for a in n.names
            if a.name in ("Input", "TextArea", "Footer")
        }
        for n in ast.walk(tree):
            called = n.func if isinstance(n, ast.Call) else None
            bases = n.bases if isinstance(n, ast.ClassDef) else []
            for name in [called, *bases]:
                if isinstance(name, ast.Name) and name.id in imported:
                    stock_built.append(f"{path.name}:{n.lineno}")
    assert stock_built == []


class FooterApp(App[None]):
    """Two fields with the same keys, and a key whose action is enabled only while `ready`."""

    BINDINGS = [Binding("f6", "go", "前往")]

    def __init__(self, footer: stock.Footer) -> None:
        super().__init__()
        self.footer, self.ready, self.styled = footer, True, []

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield self.footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "go" and not self.ready else True

    def update_styles(self, node, animate: bool = True) -> None:
        self.styled.append(type(node).__name__)
        super().update_styles(node, animate)


async def _footer_builds(footer: stock.Footer) -> tuple[int, list[str], list[str]]:
    """How often the footer was built while focus moved between the two
    fields and back; then, once the action of 「前往」 was disabled, the
    FooterKeys restyled after mounting and that key's classes."""
    app = FooterApp(footer)
    built = []
    app.footer.compose = lambda compose=app.footer.compose: built.append(1) or compose()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(built)
        await pilot.press("tab", "tab", "tab")
        await pilot.pause()
        moves = len(built) - before
        app.ready, app.styled[:] = False, []
        app.refresh_bindings()
        await pilot.pause()
        restyled = [n for n in app.styled if n == "FooterKey"]
        key = next(k for k in app.footer.query(FooterKey) if k.action == "go")
        return moves, restyled, sorted(key.classes)


@pilot_test
async def test_the_footer_is_built_again_only_when_its_keys_change_and_its_keys_start_compact():
    moves, restyled, go = await _footer_builds(Footer())
    assert (moves, restyled, go) == (0, [], ["-compact", "-disabled"])
    stock_moves, stock_restyled, stock_go = await _footer_builds(stock.Footer(compact=True))
    assert stock_go == go
    assert stock_moves > 0  # the stock footer is built again on each focus move
    assert stock_restyled  # and its new keys restyle once more to add `-compact`
