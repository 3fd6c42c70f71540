"""Home: the table of every branch, filtered as you type.

Typing goes to the filter line (Chinese or pinyin initials: `dyzb` finds
第一党支部); the arrow keys move in the table and Enter opens the branch.
Cells are built once per branch summary and reused: a keystroke only swaps
the table's rows by key (`replace_rows`, ~2 µs a row), and only when the
matches changed; the cursor stays on its branch while it is shown.

When a first launch must spell names stored without their pinyin (loading
pypinyin takes longer than reading the county), the rows are shown as soon
as they are counted, in the order their stored initials give, and take
their pinyin order once spelled (`Store.branch_summaries`'s `listed`); the
status line says so meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import JustifyMethod
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from inspector.assignments import branch_ids_of
from inspector.labels import label, short_sector
from inspector.models import WEAKLAX_ENDED
from inspector.pinyin import matches, sort_key
from inspector.store import BranchSummary

if TYPE_CHECKING:
    from inspector.visit import Unfinished

from .styles import tcss
from .tone import tone
from .watched import WatchedScreen
from .widgets.fixed_table import FixedTable, spread
from .widgets.textual_compat import Footer, Input


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: Callable[[BranchSummary, date], Any]
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "支部名称", lambda s, t: _name_key(s)),
    Column("sector", "领域", lambda s, t: label(s.sector)),
    Column("secretary", "书记", lambda s, t: s.secretary),
    Column("members", "党员", lambda s, t: s.members, True),
    Column("last_visit", "上次指导", lambda s, t: s.last_visit.isoformat() if s.last_visit else ""),
    Column("open", "问题", lambda s, t: s.open_findings, True),
    Column("overdue", "逾期", lambda s, t: s.overdue(t), True),
    Column("weaklax", "软弱涣散", lambda s, t: label(s.weaklax) if s.weaklax else ""),
)
# Column widths; name, sector and secretary grow with the terminal (_FLEX).
_FIXED = (16, 8, 6, 4, 10, 4, 4, 8)
_FLEX = ((0, 16, 40), (1, 8, 17), (2, 6, 8))


def _name_key(s: BranchSummary) -> tuple[tuple[str, ...], str]:
    """Pinyin order; until a first build has spelled a name, its initials stand in (no pypinyin here)."""
    return sort_key(s.name, s.pinyin, s.initials)


def row_cells(s: BranchSummary, today: date) -> tuple[Text, ...]:
    overdue = s.overdue(today)
    return (
        _cell(s.name),
        _cell(short_sector(s.sector)),
        _cell(s.secretary),
        _cell(str(s.members), justify="right"),
        last_visit_cell(s),
        _cell(str(s.open_findings), justify="right"),
        _cell(str(overdue), justify="right", style=tone("bold red") if overdue else "dim"),
        _cell(
            label(s.weaklax) if s.weaklax else "",
            style=tone("bold yellow") if s.weaklax and s.weaklax not in WEAKLAX_ENDED else "",
        ),
    )


def _cell(text: str, style: str = "", justify: JustifyMethod | None = None) -> Text:
    """A cell as `literal_cell` would make it, so the table takes it without a copy."""
    return Text(text, style=style, justify=justify, no_wrap=True, overflow="ellipsis")


def last_visit_cell(s: BranchSummary) -> Text:
    """The last completed visit's date; 指导中 while a visit is in progress there."""
    if s.draft_visits:
        return _cell("指导中", style="bold")
    return _cell(s.last_visit.isoformat()) if s.last_visit else _cell("未指导", style="dim")


class FilterInput(Input):
    """The filter line; Enter opens the highlighted branch (shown in the footer)."""

    BINDINGS = [Binding("enter", "submit", "打开", tooltip="打开选中的党支部", id="home.open_branch")]


class HomeScreen(WatchedScreen):
    HELP = "在筛选框中输入支部名称或拼音首字母即可筛选（如 dyzb 找到第一党支部）；↑↓ 选择，回车打开。"
    DEFAULT_CSS = tcss("home_screen")
    BINDINGS = [
        Binding("ctrl+n", "add_branch", "新增", tooltip="新增党支部", id="home.add_branch"),
        Binding("f2", "edit_branch", "修改", tooltip="修改选中党支部的信息", id="home.edit_branch"),
        Binding("ctrl+o", "import_roster", "导入", tooltip="导入支部名册（CSV）", id="home.import_roster"),
        Binding("ctrl+s", "sort", "排序", tooltip="选择按哪一列排序", id="home.sort"),
        # Ctrl+Q works everywhere (an app binding); the footer names it here only, where there is room.
        Binding("ctrl+q", "app.quit", "退出", id="home.quit"),
        Binding("f3", "ledger", "整改台账", id="home.ledger"),
        Binding(
            "ctrl+r",
            "resume",
            "继续指导",
            show=False,
            tooltip="列出进行中的现场指导，选择一项继续",
            id="home.resume",
        ),
        Binding(
            "f5",
            "import_bundle",
            "导入同步包",
            show=False,
            tooltip="导入另一台电脑导出的同步包",
            id="home.import_bundle",
        ),
        Binding(
            "f6",
            "export_bundle",
            "导出同步包",
            show=False,
            tooltip="把全部党支部导出为同步包，带到另一台电脑",
            id="home.export_bundle",
        ),
        Binding("f7", "conflicts", "冲突处理", show=False, tooltip="处理同步时两边改法不同的字段", id="home.conflicts"),
        Binding(
            "f8", "calendar", "日历", show=False, tooltip="学习教育日历：时间节点和本周到期事项", id="home.calendar"
        ),
        Binding(
            "f9",
            "assignments",
            "指导员",
            show=False,
            tooltip="各党支部的指导员和包联领导：指派、导入、导出",
            id="home.assignments",
        ),
        Binding(
            "f4",
            "my_branches",
            "我的支部",
            show=False,
            tooltip="只看本人指导或包联的党支部，再按看全部",
            id="home.my_branches",
        ),
        Binding("escape", "clear_filter", "清除筛选", show=False, id="home.clear_filter"),
        Binding("up", "move('cursor_up')", show=False),
        Binding("down", "move('cursor_down')", show=False),
        Binding("pageup", "move('page_up')", show=False),
        Binding("pagedown", "move('page_down')", show=False),
        Binding("ctrl+home", "move('scroll_top')", show=False),
        Binding("ctrl+end", "move('scroll_bottom')", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[BranchSummary] = []
        self._by_id: dict[str, BranchSummary] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._ordered: list[str] = []
        #: The branch ids in the table, in its order.
        self._shown: list[str] = []
        #: The branch ids each recent filter text matched, in table order (kept until the rows or F4 change).
        self._found: dict[str, list[str]] = {}
        #: Only the user's branches as 指导员 or 包联领导 (F4), else None: all.
        self._mine: set[str] | None = None
        self._sort_index = 0
        self._sort_reverse = False
        self._loaded = False
        #: What the rows still wait for while names are spelled (said on the status line), else "".
        self._pending = ""
        self._ready = False
        self._today: date | None = None
        #: Set once the user has typed or moved, so no dialog pops up under their fingers.
        self.touched = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield FilterInput(placeholder="输入支部名称或拼音首字母筛选（如 dyzb）", id="filter", compact=True)
            yield Static("正在读取…", id="status")
        yield Static("", id="unfinished")
        table = FixedTable(id="branches", cursor_type="row", zebra_stripes=True)
        table.can_focus = False
        yield table
        yield Footer()

    def show_unfinished(self, found: list[Unfinished]) -> None:
        """One line above the table: the user's own visits in progress first, with how far they got."""
        line = self.query_one("#unfinished", Static)
        line.display = bool(found)
        if not found:
            return
        mine = [u for u in found if u.mine]
        text = Text("进行中的现场指导：", style="bold")
        if mine:
            text.append("我的 ")
            text.append("；".join(f"{u.branch_name} {u.answered}/{u.total}" for u in mine[:2]))
            if len(mine) > 2:
                text.append(f" 等{len(mine)}项")
            text.append("；")
        others = len(found) - len(mine)
        if others:
            text.append(f"他人 {others} 项；")
        text.append("Ctrl+R 继续", style="bold")
        line.update(text)

    def action_resume(self) -> None:
        self.app.offer_resume(asked=True)

    @property
    def table(self) -> FixedTable:
        return self.query_one("#branches", FixedTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value

    def on_mount(self) -> None:
        self.sub_title = self.app.settings.campaign.short()
        for column, width in zip(COLUMNS, _FIXED):
            self.table.add_column(column.label, key=column.key, width=width)
        self._fit_columns()
        field = self.query_one("#filter", Input)
        field.focus()
        # Filtered as the text changes, not when its Changed message has bubbled up here: the field and
        # the table are then drawn in one screen update per keystroke, not one after the other.
        self.watch(field, "value", self._filter_changed, init=False)
        self.mark_fresh()
        self.load_summaries()

    def on_key(self) -> None:
        self.touched = True

    def on_resize(self) -> None:
        self._fit_columns()

    def on_screen_resume(self) -> None:
        self.query_one("#filter", Input).focus()

    def _fit_columns(self) -> None:
        self.table.set_widths(spread(self.app.size.width - 1, _FIXED, _FLEX, padding=2))

    # -------------------------------------------------------------- data
    def refresh_data(self) -> None:
        self.load_summaries()

    @work(thread=True, exclusive=True, group="summaries")
    def load_summaries(self) -> None:
        # The table shows no memo (`table_only`).
        summaries = self.app.store.branch_summaries(table_only=True, listed=self._listed)
        if not get_current_worker().is_cancelled:  # else a newer load is under way
            self.app.call_from_thread(self.show_summaries, summaries)

    def _listed(self, summaries: list[BranchSummary]) -> None:
        """In the worker: rows to show while names are spelled. The spelling
        goes on once they are drawn, so that drawing them does not share the CPU with it."""
        if get_current_worker().is_cancelled:
            return
        drawn = threading.Event()
        self.app.call_from_thread(self.show_summaries, summaries, drawn)
        drawn.wait(timeout=2.0)

    def show_summaries(self, summaries: list[BranchSummary], drawn: threading.Event | None = None) -> None:
        """Show the rows; `drawn` (set once they are on screen): they are provisional, more is coming."""
        today = self.app.today()
        new_day = today != self._today
        self._today = today
        by_id = {s.id: s for s in summaries}
        changed = new_day or by_id.keys() != self._by_id.keys()
        for bid, s in by_id.items():
            old = self._by_id.get(bid)
            if new_day or old != s:
                changed = True
                # Its pinyin is not shown: a name only spelled keeps its cells.
                if new_day or old is None or old.pinyin == s.pinyin or replace(old, pinyin=s.pinyin) != s:
                    self._cells[bid] = row_cells(s, today)
        for bid in set(self._cells) - by_id.keys():
            del self._cells[bid]
        first_load = not self._loaded
        self._loaded = True
        pending = "正在按拼音排序……" if drawn is not None else ""
        if changed or first_load or pending != self._pending:
            self._pending = pending
            self.summaries = summaries
            self._by_id = by_id
            self._resort()
        if drawn is not None:
            self.call_after_refresh(drawn.set)
        elif not self._ready:  # its threads (checklists, unfinished visits, conflicts) would slow the first paint
            self._ready = True
            self.call_after_refresh(self.app.home_ready)

    def _resort(self) -> None:
        column = COLUMNS[self._sort_index]
        today = self._today or self.app.today()
        ordered = sorted(self.summaries, key=_name_key)
        ordered.sort(key=lambda s: column.sort(s, today), reverse=self._sort_reverse)
        self._ordered = [s.id for s in ordered]
        self.apply_filter(force=True)

    def _filter_changed(self) -> None:
        self.touched = True
        self.apply_filter()

    def apply_filter(self, force: bool = False) -> None:
        """Show the branches matching the filter line; `force`: their cells or order changed."""
        query = self.filter_text.strip().lower()
        keep = self.current_id() if self.touched else None  # untouched, it stays on the first row
        by_id = self._by_id
        mine = self._mine
        found = self._found
        if force or len(found) > 64:
            found.clear()
        shown = found.get(query) if query or mine is not None else self._ordered
        if shown is None:
            # A longer query matches a subset of a shorter one's matches (they are substring tests), in the same order.
            among = next((found[query[:n]] for n in range(len(query) - 1, -1, -1) if query[:n] in found), self._ordered)
            shown = found[query] = [
                bid
                for bid in among
                if (mine is None or bid in mine)
                and (not query or matches(query, by_id[bid].name, by_id[bid].initials) or query in by_id[bid].secretary)
            ]
        if force or shown != self._shown:
            cells = self._cells
            table = self.table
            table.replace_rows((bid, cells[bid]) for bid in shown)
            self._shown = shown
            if keep is not None and keep in shown:
                table.move_cursor(row=shown.index(keep), animate=False)
        self._show_status()

    def _show_status(self) -> None:
        column = COLUMNS[self._sort_index]
        order = "降序" if self._sort_reverse else "升序"
        total = len(self._ordered)
        shown = len(self._shown)
        pending = self._pending
        how = pending or f"按{column.label}{order}"
        if not self._loaded:
            text = "正在读取…"
        elif not total:
            text = "还没有党支部：Ctrl+N 新增，Ctrl+O 导入名册"
        elif shown == total:
            text = f"共 {total} 个支部　{how}"
        elif self._mine is not None:
            text = f"我的支部 {shown}／{total} 个　F4 看全部"
        else:
            text = f"显示 {shown}／{total} 个　{how}"
        status = self.query_one("#status", Static)
        if status.content != text:  # the same text again would lay the screen out anew
            status.update(text)

    def current_id(self) -> str | None:
        table = self.table
        if not self._shown or table.cursor_row < 0 or table.cursor_row >= len(self._shown):
            return None
        return self._shown[table.cursor_row]

    # ----------------------------------------------------------- actions
    def action_calendar(self) -> None:
        from .calendar import CalendarScreen

        self.app.push_screen(CalendarScreen())

    def action_assignments(self) -> None:
        from .assignments import AssignmentsScreen

        self.app.push_screen(AssignmentsScreen())

    def action_my_branches(self) -> None:
        if self._mine is not None:
            self._mine = None
        else:
            mine = branch_ids_of(self.app.settings, self.app.store.user)
            if not mine:
                self.notify(
                    f"{self.app.store.user}尚未被指派为任何党支部的指导员或包联领导", severity="warning", markup=False
                )
                return
            self._mine = mine
        self.apply_filter(force=True)

    def action_move(self, action: str) -> None:
        self.touched = True
        getattr(self.table, f"action_{action}")()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""

    @on(Input.Submitted, "#filter")
    def action_open_branch(self) -> None:
        bid = self.current_id()
        if bid is None:
            self.notify("没有选中的党支部", severity="warning")
            return
        self.app.open_branch(bid)

    @on(DataTable.RowSelected)
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        self.app.open_branch(str(event.row_key.value))

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(event.column_index)

    def sort_by(self, index: int) -> None:
        """Sort by column `index`; choosing the current column again reverses the order."""
        if index == self._sort_index:
            self._sort_reverse = not self._sort_reverse
        else:
            self._sort_index, self._sort_reverse = index, COLUMNS[index].numeric
        self._resort()

    def action_sort(self) -> None:
        from .dialogs.common import ChoiceDialog

        labels = [c.label + ("（再选一次倒序）" if i == self._sort_index else "") for i, c in enumerate(COLUMNS)]

        def chosen(index: int | None) -> None:
            if index is not None:
                self.sort_by(index)

        self.app.push_screen(ChoiceDialog("排序", "按哪一列排序：", labels, current=self._sort_index), chosen)

    def action_add_branch(self) -> None:
        from .dialogs.branch_form import BranchForm

        self.app.push_screen(BranchForm(None), self._branch_saved)

    def action_edit_branch(self) -> None:
        from .dialogs.branch_form import BranchForm

        bid = self.current_id()
        if bid is None:
            self.notify("请先选中要修改的党支部", severity="warning")
            return
        self.app.push_screen(BranchForm(self.app.store.branch(bid)), self._branch_saved)

    def _branch_saved(self, branch: Any) -> None:
        if branch is not None:
            self.load_summaries()

    def action_import_roster(self) -> None:
        from .dialogs.roster import RosterDialog

        self.app.push_screen(RosterDialog(), self._branch_saved)

    def action_import_bundle(self) -> None:
        from .dialogs.sync import start_import

        start_import(self.app)

    def action_export_bundle(self) -> None:
        from .dialogs.sync import start_export

        start_export(self.app)

    def action_conflicts(self) -> None:
        from .conflicts import open_conflicts

        open_conflicts(self.app)

    def action_ledger(self) -> None:
        self.app.open_committee_screen("ledger")
