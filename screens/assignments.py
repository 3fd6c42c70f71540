"""指导员 and 包联领导 of every branch: assign and unassign from the staff
list, import a table, export one. The rules (staff only, a whole table checked
before any row is written) are `inspector/assignments.py`'s; each change is
saved at once through the settings' lock.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static

from inspector import assignments as asg
from inspector.errors import UserError
from inspector.labels import label, short_sector
from inspector.models import AssignmentRole
from inspector.pinyin import matches, sort_key
from inspector.settings import Settings, load_settings
from inspector.store import BranchSummary

from .find_field import FindField
from .styles import tcss
from .table_screen import TableScreen
from .widgets.fixed_table import FixedTable
from .widgets.textual_compat import Footer, Input


class AssignmentsScreen(FindField, TableScreen):
    """One row per branch, keyed by its id; / filters by branch name, pinyin initials or a person's name."""

    HELP = (
        "指导员和包联领导：每个党支部一行。/ 查找（支部名称、拼音首字母或人名），a 指派指导员，b 指派包联领导，"
        "d 撤销指派，u 只看未指派指导员的支部，s 增减党委工作人员，i 从 Excel/CSV 表格导入（全部行检查无误才写入），Ctrl+E 导出 Excel。"
        "只能指派党委工作人员名单中的人。"
    )
    DEFAULT_CSS = tcss("assignments_screen")
    COLUMNS = (
        ("name", "党支部"),
        ("sector", "领域"),
        (AssignmentRole.GUIDE, "指导员"),
        (AssignmentRole.LEADER, "包联领导"),
    )
    FIXED = (24, 8, 16, 14)
    FLEX = ((0, 24, 40), (2, 16, 30), (3, 14, 24))
    TABLE_ID = "assign-table"
    FIND_ID = "filter"
    SUBTITLE = "指导员和包联领导"
    BINDINGS = [
        Binding("slash", "find", "查找", id="assignments.find"),
        Binding("a", "assign('guide')", "指导员", id="assignments.guide"),
        Binding("b", "assign('leader')", "包联领导", id="assignments.leader"),
        Binding("d,delete", "unassign", "撤销", id="assignments.unassign"),
        Binding("u", "unassigned", "未指派", show=False, id="assignments.unassigned"),
        Binding("s", "staff", "工作人员", show=False, id="assignments.staff"),
        Binding("i", "import_table", "导入", id="assignments.import"),
        Binding("ctrl+e", "export", "导出", priority=True, id="assignments.export"),  # the filter line would take it
        Binding("escape", "back", "返回", id="assignments.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.branches: list[BranchSummary] = []
        self._by_id: dict[str, BranchSummary] = {}
        #: Every branch's cells, built once per settings read or saved; the filter picks from them.
        self._all: dict[str, tuple[Text, ...]] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}  # the rows on screen
        self._unguided: set[str] = set()  # branches without a 指导员
        self.settings: Settings | None = None
        self.shown: list[str] = []
        #: `u`: only branches without a 指导员.
        self.only_unassigned = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Input(placeholder="/ 查找支部名称、拼音首字母或姓名", id="filter", compact=True)
            yield Static("正在读取…", id="count")
        yield FixedTable(id="assign-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="assign-message")
        yield Footer()

    def on_screen_resume(self) -> None:
        # Back from a dialog: keys go to the table again (`WatchedScreen`'s handler runs too).
        self.table.focus()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, group="assignments")
    def load(self) -> None:
        store = self.app.store
        try:
            branches = sorted(store.branch_summaries(), key=lambda b: sort_key(b.name, b.pinyin))
            settings = load_settings(store.root)
        except UserError as exc:
            self.app.call_from_thread(self.say, str(exc), error=True)
            return
        self.app.call_from_thread(self.show, branches, settings)

    def show(self, branches: list[BranchSummary], settings: Settings) -> None:
        self.branches = branches
        self._by_id = {b.id: b for b in branches}
        self.took(settings)

    def took(self, settings: Settings) -> None:
        """Show `settings` (as just saved or read); the app's copy follows, for F4 and the calendar."""
        self.settings = self.app.settings = settings
        held = asg.holders(settings)
        self._all = {b.id: self._row(b, held.get(b.id, {})) for b in self.branches}
        self._unguided = {b.id for b in self.branches if not held.get(b.id, {}).get(AssignmentRole.GUIDE)}
        self.refilter()

    @staticmethod
    def _row(branch: BranchSummary, held: dict[AssignmentRole, list[str]]) -> tuple[Text, ...]:
        guides, leaders = (held.get(role, []) for role in AssignmentRole)
        return (
            Text(branch.name),
            Text(short_sector(branch.sector)),
            Text("、".join(guides)) if guides else Text("未指派", style="dim"),
            Text("、".join(leaders)),
        )

    def refilter(self) -> None:
        """Rows for the filter; a branch that stays keeps its row (cells updated by key)."""
        if self.settings is None:
            return
        query = self.query_one("#filter", Input).value.strip().lower()
        rows: dict[str, tuple[Text, ...]] = {}
        for b in self.branches:
            cells = self._all[b.id]
            if self.only_unassigned and b.id not in self._unguided:
                continue
            if query and not (matches(query, b.name, b.initials) or query in cells[2].plain + "、" + cells[3].plain):
                continue
            rows[b.id] = cells
        self.table.show_keyed(rows, self._cells)
        self.shown, self._cells = list(rows), rows
        text = f"{len(self.branches)}个支部，{len(self._unguided)}个未指派指导员"
        if len(self.shown) < len(self.branches):
            text = f"显示{len(self.shown)}／" + text
        self.query_one("#count", Static).update(Text(text))

    def current(self) -> BranchSummary | None:
        bid = self.current_id()
        return self._by_id.get(bid) if bid else None

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#assign-message", Static)
        line.update(Text(message))
        line.set_class(error, "error")

    # --------------------------------------------------------------- filter
    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refilter()

    def action_unassigned(self) -> None:
        self.only_unassigned = not self.only_unassigned
        self.say("只看未指派指导员的党支部" if self.only_unassigned else "显示全部党支部")
        self.refilter()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_assign(AssignmentRole.GUIDE)

    # -------------------------------------------------------------- changes
    def action_assign(self, role: str) -> None:
        from .dialogs.common import ChoiceDialog

        branch, settings = self.current(), self.settings
        if branch is None or settings is None:
            self.say("请先选中一个党支部", error=True)
            return
        if not settings.staff:
            self.say("党委工作人员名单为空：按 s 增加", error=True)
            return
        role = AssignmentRole(role)
        held = set(asg.names(settings, branch.id, role))
        staff = list(settings.staff)
        choices = [f"{name}（已是{label(role)}）" if name in held else name for name in staff]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self._change(
                lambda: asg.assign(self.app.store, branch.id, staff[index], role),
                f"已指派{staff[index]}为{branch.name}的{label(role)}",
            )

        self.app.push_screen(
            ChoiceDialog(f"指派{label(role)}：{branch.name}", "从党委工作人员名单中选择：", choices), chosen
        )

    def action_unassign(self) -> None:
        from .dialogs.common import ChoiceDialog

        branch, settings = self.current(), self.settings
        if branch is None or settings is None:
            self.say("请先选中一个党支部", error=True)
            return
        held = asg.of_branch(settings, branch.id)
        if not held:
            self.say(f"{branch.name}尚未指派指导员或包联领导", error=True)
            return

        def chosen(index: int | None) -> None:
            if index is None:
                return
            a = held[index]
            self._change(
                lambda: asg.unassign(self.app.store, branch.id, a.person, a.role),
                f"已撤销{a.person}的{label(a.role)}指派（{branch.name}）",
            )

        choices = [f"{label(a.role)}　{a.person}" for a in held]
        self.app.push_screen(ChoiceDialog(f"撤销指派：{branch.name}", "撤销哪一项：", choices), chosen)

    def action_staff(self) -> None:
        """The staff list: add a name, or take one off (and off their branches, after asking)."""
        from .dialogs.common import ChoiceDialog, ConfirmDialog, PromptDialog

        settings = self.settings
        if settings is None:
            return
        staff = list(settings.staff)
        store = self.app.store

        def added(name: str | None) -> None:
            if name:
                self._change(lambda: asg.add_staff(store, name), f"已将{name}加入党委工作人员名单")

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if index == 0:
                self.app.push_screen(PromptDialog("增加党委工作人员", "姓名：", placeholder="如 张三"), added)
                return
            name = staff[index - 1]
            held = len(asg.branch_ids_of(settings, name))
            then = f"其负责的{held}个党支部的指派一并撤销。" if held else ""

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._change(lambda: asg.remove_staff(store, name), f"已将{name}移出党委工作人员名单")

            self.app.push_screen(ConfirmDialog(f"将{name}移出党委工作人员名单？{then}", yes="移出（Y）"), confirmed)

        choices = ["增加一人…", *(f"{name}（选中可移出）" for name in staff)]
        self.app.push_screen(
            ChoiceDialog("党委工作人员名单", "销号验收人、指导员和包联领导从名单中选：", choices), chosen
        )

    def _change(self, save: Callable[[], Settings], done: str) -> None:
        try:
            settings = save()
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.took(settings)
        self.say(done)

    def action_import_table(self) -> None:
        from .dialogs.assignments import AssignmentImportDialog

        def imported(planned: asg.Planned | None) -> None:
            if planned is not None:
                self.say(f"已导入：指派 {len(planned.assignments)} 项，其中新增 {planned.added} 项")
                self.load()

        self.app.push_screen(AssignmentImportDialog(), imported)

    def action_export(self) -> None:
        from pathlib import Path

        from .dialogs.document import WorkbookDialog

        store = self.app.store
        self.app.push_screen(
            WorkbookDialog(
                "导出指导员和包联领导",
                "每个党支部一行；改后可按 i 导入（只增加指派，不删除）。",
                Path.home() / f"指导员和包联领导-{self.app.today().isoformat()}.xlsx",
                lambda _period: asg.workbook(store),
            )
        )

    def action_back(self) -> None:
        self.app.pop_screen()
