"""The rectification ledger (整改台账): every finding of every branch, for committee staff.

Built for several staff at once over slow SSH links in 80x24 terminals:
- the table draws only the rows on screen (`RowTable`), so 50,000 findings
  open quickly and a cursor move repaints two lines, about a kilobyte;
- filters combine: free text on the filter line, `s` cycles the status,
  `o` toggles overdue, `d` asks for "due within N days", `f` opens every
  filter (branch, sector, category, severity) on one form;
- when the data changed (see `watched.py`) a worker re-reads the branch
  files others changed (`Ledger.rows`) and only changed rows are repainted,
  by key;
- status moves follow `inspector.rectification`; a move on a finding someone
  else changed meanwhile is refused, and the message names their change.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Static

from inspector import rectification as rx
from inspector import reportback as rp
from inspector.errors import UserError
from inspector.labels import label
from inspector.ledger.rows import (
    OPEN_STATUSES,
    STATUS_ORDER,
    Ledger,
    LedgerFilter,
    LedgerRow,
    apply_filter,
    parse_due_within,
    sort_rows,
)
from inspector.models import Finding, FindingCategory, FindingStatus
from inspector.settings import load_settings
from inspector.store import Store

from .cjk import fullwidth
from .find_field import FindField
from .styles import tcss
from .watched import WatchedScreen
from .widgets.literal import literal
from .widgets.row_table import Column, RowTable
from .widgets.textual_compat import Footer, Input

if TYPE_CHECKING:
    from inspector.report.figures import Period

log = logging.getLogger("inspector.ui")

FREEZE_ROWS = 5000
S = FindingStatus

# The ledger's columns (COLUMNS in inspector/ledger/rows.py); at 80 columns some headers are shortened (the full one shows once it fits).
# Both name columns hold a three-character name (6 cells) at 80 columns; longer names end in "…".
TABLE_COLUMNS = (
    Column("branch", "党支部", 9, 24),
    Column("category", "类别", 4, 8, full="问题类别"),
    Column("description", "问题描述", 10, 44),
    Column("measures", "措施", 6, 30, full="整改措施"),
    Column("leader", "领导", 6, 8, full="责任领导"),
    Column("person", "责任人", 6, 10, full="具体责任人"),
    Column("deadline", "整改时限", 10),
    Column("status", "状态", 6),
    Column("overdue", "逾期", 4, right=True, full="逾期天数"),
)
#: `s` cycles through these status filters.
STATUS_CYCLE: tuple[frozenset[FindingStatus], ...] = (
    frozenset(),
    OPEN_STATUSES,
    *(frozenset({s}) for s in STATUS_ORDER),
)
_STATUS_STYLE = {S.CLOSED: "muted", S.AWAITING_CHECK: "warn"}


class LedgerSource:
    """One `Ledger` per app (`InspectorApp.ledger_source`), shared by the
    ledger and coverage screens, so a second opening only reads files changed
    since; the lock keeps a reading thread and a status move from using it at once."""

    def __init__(self, store: Store) -> None:
        self.ledger = Ledger(store)
        self.lock = threading.Lock()
        #: The rows of the last read and their day: a screen opened again shows
        #: these at once, then brings in what changed since.
        self.last: tuple[date, list[LedgerRow]] | None = None

    def rows(self, today: date) -> list[LedgerRow]:
        with self.lock:
            first = self.last is None
            rows = self.ledger.rows(today)
            self.last = (today, rows)
        if first and len(rows) > FREEZE_ROWS:
            # Tens of thousands of long-lived rows make every full garbage
            # collection walk them all (~0.3 s pauses at county scale, felt as
            # stalls on keys); they hold no cycles, so exempt them from it.
            gc.freeze()
        return rows


def ledger_charts(rows: list[LedgerRow], width: int, period: Period | None = None) -> str:
    """Counts by status and by category as bars, with their shares; with a
    period, of the findings found in it as the 通报 counts them."""
    from inspector.ledger.summary import count_by
    from inspector.report.figures import found_in

    from .widgets.bars import count_chart

    if period is not None:
        rows = found_in(rows, period)
    by_status = count_by(rows, lambda r: r.status)
    by_category = count_by(rows, lambda r: r.category)
    categories = [c for c in FindingCategory if c in by_category]
    overdue = sum(1 for r in rows if r.overdue)
    parts = [
        count_chart(
            [label(s) for s in STATUS_ORDER],
            [by_status[s].total if s in by_status else 0 for s in STATUS_ORDER],
            title=f"按状态（共{len(rows)}条，逾期{overdue}条）",
            width=width,
        ),
        count_chart(
            [label(c) for c in categories], [by_category[c].total for c in categories], title="按问题类别", width=width
        ),
    ]
    return "\n\n".join(p.plain for p in parts)


class LedgerScreen(FindField, WatchedScreen):
    HELP = (
        "整改台账：全部党支部的全部问题。/ 输入文字筛选，s 切换状态，o 只看逾期，d 几天内到期，f 全部筛选条件，"
        "x 清除筛选；空格多选，m 改状态（销号须填验收人、日期和佐证材料；重新打开须填理由）；回车查看问题及变更记录；"
        "Ctrl+E 导出 Excel、Word 或 CSV；c 以条形图显示当前各条按状态、类别的分布。其他人的修改约 2 秒内自动显示。"
    )
    DEFAULT_CSS = tcss("ledger_screen")
    FIND_ID = "text"
    BINDINGS = [
        Binding("slash", "find", "查找", id="ledger.find"),
        Binding("s", "cycle_status", "状态", id="ledger.status_filter"),
        Binding("o", "toggle_overdue", "逾期", id="ledger.overdue"),
        Binding("d", "due_within", "到期", show=False, id="ledger.due_within"),
        Binding("f", "filters", "筛选", id="ledger.filters"),
        Binding("x", "clear_filters", "清除", show=False, id="ledger.clear"),
        Binding("space", "mark", "选择", id="ledger.mark"),
        Binding("ctrl+a", "mark_all", "全选", show=False, id="ledger.mark_all"),
        Binding("m", "move", "改状态", id="ledger.move"),
        Binding("ctrl+s", "sort", "排序", show=False, id="ledger.sort"),
        Binding("ctrl+e", "export", "导出", priority=True, id="ledger.export"),  # the filter line would take it
        Binding("w", "weaklax", "软弱涣散台账", show=False, id="ledger.weaklax"),
        Binding("g", "coverage", "覆盖情况", show=False, id="ledger.coverage"),
        Binding("c", "charts", "图表", show=False, id="ledger.charts"),
        Binding("escape", "back", "返回", id="ledger.back"),
    ]

    def __init__(self, source: LedgerSource) -> None:
        super().__init__()
        self.source = source
        self.flt = LedgerFilter()
        self.branch_query = ""
        self.sort_column: str | None = None  # None: by branch (pinyin), then deadline
        self.sort_descending = False
        self.by_id: dict[str, LedgerRow] = {}
        self.all_rows: list[LedgerRow] = []  # every row in the chosen order
        self.shown: list[LedgerRow] = []
        self.marked: set[str] = set()
        self.loaded = False
        self._cells: dict[str, tuple] = {}
        self._today: date | None = None
        self._last_rows: list[LedgerRow] = []
        #: The 整改报告 state of each branch the cursor has been on, by branch id (cleared on each read).
        self.report_states: dict[str, str] = {}
        #: Branches past their report-back date without a 整改报告 (`inspector/reportback.py`).
        self.late_reports: frozenset[str] = frozenset()

    # --------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Input(placeholder="/ 查找问题、措施、责任人、支部", id="text", compact=True)
            yield Static("正在读取…", id="count")
        yield Static("筛选：全部", id="filters")
        yield RowTable(TABLE_COLUMNS, self.cells, marked=self.marked.__contains__, id="table")
        yield Footer()

    @property
    def table(self) -> RowTable:
        return self.query_one("#table", RowTable)

    def on_mount(self) -> None:
        self.sub_title = "整改台账"
        self.table.focus()
        last = self.source.last
        if last is not None and last[0] == self.app.today():
            self._last_rows = last[1]
            self.show_rows(last[1], {r.id: r for r in last[1]}, last[0])
        self.mark_fresh()
        self.load()

    def on_screen_resume(self) -> None:
        # Back from a dialog (or from home): keys go to the table again, not to the filter line.
        self.table.focus()

    # ------------------------------------------------------------------ data
    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="ledger")
    def load(self) -> None:
        """Re-read what changed (only changed branch files are read) and show it."""
        try:
            today = self.app.today()
            rows = self.source.rows(today)
            last = self._last_rows
            # Whether any row changed is decided off the UI thread.
            same = today == self._today and len(rows) == len(last) and all(a is b for a, b in zip(rows, last))
            self._last_rows = rows
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not same:
            self.app.call_from_thread(self.show_rows, rows, {r.id: r for r in rows}, today)
        try:  # after the rows, and also when only a visit changed: it reads the visits that asked for a report
            late = frozenset(a.branch_id for a in rp.missing_reports(self.app.store, today))
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show_reports, late)

    def show_reports(self, late: frozenset[str]) -> None:
        self.late_reports = late
        self.report_states.clear()
        self._show_count()
        self._show_filters()

    def show_rows(self, rows: list[LedgerRow], new: dict[str, LedgerRow], today: date) -> None:
        """Take fresh rows: the first time, fill; later, repaint only the rows that changed."""
        if not self.loaded or today != self._today:
            self._today = today
            self.by_id = new
            self._cells.clear()
            self.loaded = True
            self._resort()
            return
        old = self.by_id
        self.by_id = new
        if old.keys() != new.keys():
            added = new.keys() - old.keys()
            self.marked.difference_update(old.keys() - new.keys())
            self.all_rows = [new[r.id] for r in self.all_rows if r.id in new]
            if added:  # someone added findings: place them by the chosen order
                self.all_rows = self._sorted(rows)
        else:
            changed = [r for r in rows if old[r.id] is not r]
            if not changed:
                return
            self.all_rows = [new[r.id] for r in self.all_rows]
        keep = self.flt.predicate(today)
        shown_ids = {r.id for r in self.shown}
        now_shown = [r for r in self.all_rows if keep(r)]
        if [r.id for r in now_shown] != [r.id for r in self.shown]:
            self.shown = now_shown
            self.table.set_keys([r.id for r in now_shown])
        else:
            self.shown = now_shown
            for r in now_shown:
                if old.get(r.id) is not r and r.id in shown_ids:
                    cells = self._cells.pop(r.id, None)
                    if cells != self.cells(r.id):
                        self.table.refresh_key(r.id)
        self._show_count()

    def _sorted(self, rows: list[LedgerRow]) -> list[LedgerRow]:
        if self.sort_column is None:
            return list(reversed(rows)) if self.sort_descending else list(rows)
        return sort_rows(rows, self.sort_column, descending=self.sort_descending)

    def _resort(self) -> None:
        """Order every row by the chosen column, then filter."""
        self.all_rows = self._sorted(list(self.by_id.values()))
        self.table.set_sort(self.sort_column, self.sort_descending)
        self.refilter()

    def refilter(self) -> None:
        """Apply the filters to the ordered rows; the cursor stays on its finding if still shown."""
        self.shown = apply_filter(self.all_rows, self.flt, self._today or self.app.today())
        self.table.set_keys([r.id for r in self.shown])
        self._show_count()
        self._show_filters()

    def _show_filters(self) -> None:
        """The filters, then the 整改报告 state of the branch under the cursor where one is asked for."""
        line = f"筛选：{self.flt.describe()}"
        row = self.current_row() if self.loaded else None
        state = self._report_state(row.branch_id) if row is not None else ""
        self.query_one("#filters", Static).update(literal(f"{line}　｜　{row.branch_name}：{state}" if state else line))

    def _report_state(self, bid: str) -> str:
        if bid not in self.report_states:
            try:
                awaiting = rp.awaited(self.app.store, bid, self.app.settings)
            except UserError:
                awaiting = None  # a damaged visit file is named by the ledger read and by check
            self.report_states[bid] = rp.state_line(awaiting, self._today or self.app.today())
        return self.report_states[bid]

    @on(RowTable.Highlighted)
    def _highlighted(self, event: RowTable.Highlighted) -> None:
        self._show_filters()

    def _show_count(self) -> None:
        if not self.loaded:
            return
        overdue = sum(1 for r in self.shown if r.overdue)
        text = f"{len(self.shown)}／{len(self.by_id)} 条"
        if overdue:
            text += f"　逾期 {overdue}"
        late = len({r.branch_id for r in self.shown} & self.late_reports)
        if late:
            text += f"　{late}个支部逾期未报整改报告"
        if self.marked:
            text += f"　已选 {len(self.marked)}"
        self.query_one("#count", Static).update(text)

    def cells(self, key: str) -> tuple:
        """A row's cells as the table draws them (cached; dropped when the row changes)."""
        cached = self._cells.get(key)
        if cached is not None:
            return cached
        r = self.by_id[key]
        name = ("*" if key in self.marked else "") + r.branch_name
        cells = (
            (name, "marked" if key in self.marked else ""),
            (r.cell("category"), ""),
            (fullwidth(r.description), ""),
            (fullwidth(r.measures), ""),
            (r.leader, ""),
            (r.person, ""),
            (r.cell("deadline") or "未定", "" if r.deadline else "muted"),
            (r.cell("status"), _STATUS_STYLE.get(r.status, "")),
            (str(r.overdue) if r.overdue else "", "overdue"),
        )
        self._cells[key] = cells
        return cells

    def current_row(self) -> LedgerRow | None:
        key = self.table.cursor_key
        return self.by_id.get(key) if key else None

    # -------------------------------------------------------------- filters
    def set_filter(self, flt: LedgerFilter) -> None:
        self.flt = flt
        self.refilter()

    @on(Input.Changed, "#text")
    def _text_changed(self, event: Input.Changed) -> None:
        if self.loaded:
            self.set_filter(replace(self.flt, text=event.value))

    def action_cycle_status(self) -> None:
        try:
            index = STATUS_CYCLE.index(self.flt.statuses)
        except ValueError:
            index = 0
        self.set_filter(replace(self.flt, statuses=STATUS_CYCLE[(index + 1) % len(STATUS_CYCLE)]))

    def action_toggle_overdue(self) -> None:
        self.set_filter(replace(self.flt, overdue=not self.flt.overdue))

    def action_due_within(self) -> None:
        from .dialogs.common import PromptDialog

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                due = parse_due_within(value)
            except UserError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.set_filter(replace(self.flt, due_within=due))

        current = "" if self.flt.due_within is None else str(self.flt.due_within)
        self.app.push_screen(
            PromptDialog("几天内到期", "只看多少天内到期的未销号问题（空为不限）：", current, "如 7", required=False),
            chosen,
        )

    def action_filters(self) -> None:
        from .dialogs.rectify import FilterDialog

        def chosen(flt: LedgerFilter | None) -> None:
            if flt is not None:
                self.branch_query = dialog.branch_query
                self.set_filter(flt)

        dialog = FilterDialog(self.flt, self.source.ledger.summaries.values(), self.branch_query)
        self.app.push_screen(dialog, chosen)

    def action_clear_filters(self) -> None:
        self.branch_query = ""
        self.query_one("#text", Input).value = ""
        self.set_filter(LedgerFilter())

    # ------------------------------------------------------------------ sort
    @on(RowTable.HeaderClicked)
    def _header_clicked(self, event: RowTable.HeaderClicked) -> None:
        self.sort_by(event.column)

    def sort_by(self, column: str) -> None:
        """Sort by a column; the same column again reverses the order."""
        if column == self.sort_column:
            self.sort_descending = not self.sort_descending
        else:
            self.sort_column, self.sort_descending = column, column == "overdue"
        self._resort()

    def action_sort(self) -> None:
        from .dialogs.common import ChoiceDialog

        keys = [c.key for c in TABLE_COLUMNS]
        labels = [
            (c.full or c.label) + ("（再选一次倒序）" if c.key == self.sort_column else "") for c in TABLE_COLUMNS
        ]
        current = keys.index(self.sort_column) if self.sort_column in keys else None

        def chosen(index: int | None) -> None:
            if index is not None:
                self.sort_by(keys[index])

        self.app.push_screen(ChoiceDialog("排序", "按哪一列排序：", labels, current=current), chosen)

    # ------------------------------------------------------------- selection
    def action_mark(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        self.marked.symmetric_difference_update({key})
        self._cells.pop(key, None)
        self.table.refresh_key(key)
        self.table.action_move(1)
        self._show_count()

    def action_mark_all(self) -> None:
        shown = {r.id for r in self.shown}
        if shown <= self.marked:
            self.marked.difference_update(shown)
        else:
            self.marked.update(shown)
        self._cells.clear()
        self.table.refresh()
        self._show_count()

    def chosen_rows(self) -> list[LedgerRow]:
        """The marked rows still in the ledger, else the row under the cursor."""
        if self.marked:
            return [self.by_id[k] for k in self.marked if k in self.by_id]
        row = self.current_row()
        return [row] if row else []

    # ------------------------------------------------------------ status moves
    def action_move(self) -> None:
        from .dialogs.common import ChoiceDialog

        rows = self.chosen_rows()
        if not rows:
            self.notify("没有选中的问题", severity="warning")
            return
        targets = move_targets(rows)
        if not targets:
            self.notify("已销号的问题只能重新打开；所选问题没有可改的状态", severity="warning")
            return
        what = self._what(rows)
        labels = [label for _, label in targets]

        def chosen(index: int | None) -> None:
            if index is not None:
                self._ask_details(rows, targets[index][0])

        self.app.push_screen(ChoiceDialog("改状态", f"{what}改为：", labels), chosen)

    def _what(self, rows: list[LedgerRow]) -> str:
        if len(rows) == 1:
            return f"{rows[0].branch_name}「{fullwidth(rows[0].description)[:20]}」"
        return f"所选 {len(rows)} 个问题"

    def _ask_details(
        self, rows: list[LedgerRow], to: FindingStatus, details: dict | None = None, error: str = ""
    ) -> None:
        from .dialogs.common import PromptDialog
        from .dialogs.rectify import CloseDialog

        what = self._what(rows)
        if to == S.CLOSED:
            d = details or {}
            evidence = d.get("evidence") or (rows[0].evidence if len(rows) == 1 else "")
            dialog = CloseDialog(
                what,
                on=d.get("on") or self.app.today(),
                staff=load_settings(self.app.store.root).staff,
                verifier=d.get("verifier", ""),
                evidence=evidence,
                outside_reason=d.get("outside_reason", ""),
                error=error,
            )
            self.app.push_screen(dialog, lambda d: d and self.run_move(rows, to, d))
        elif any(rx.is_reopening(S(r.status), to) for r in rows):
            self.app.push_screen(
                PromptDialog("重新打开", f"{what}：重新打开的理由", placeholder="如：复查发现整改不到位"),
                lambda reason: reason and self.run_move(rows, to, {"reason": reason}),
            )
        else:
            self.run_move(rows, to, {})

    @work(thread=True, group="move")
    def run_move(self, rows: list[LedgerRow], to: FindingStatus, details: dict[str, Any]) -> None:
        """Save the move of each row on its own; report what was refused and why."""
        with self.source.lock:
            results = self.source.ledger.move_rows(rows, to, **details)
        self.app.call_from_thread(self._moved, rows, to, details, results)

    def _moved(self, rows: list[LedgerRow], to: FindingStatus, details: dict, results: list[rx.MoveResult]) -> None:
        done = [r for r in results if r.ok]
        failed = [r for r in results if not r.ok]
        self.marked.difference_update(r.finding_id for r in done)
        self.load()
        if len(rows) == 1 and failed:
            message = failed[0].message
            if to == S.CLOSED and not failed[0].conflict:  # let them correct the form
                self._ask_details(rows, to, details, message)
            else:
                self.notify(message, title="未能修改", severity="error", timeout=12, markup=False)
            return
        if not failed:
            self.notify(f"已将 {len(done)} 个问题改为「{label(to)}」")
            return
        from .dialogs.rectify import TextDialog

        lines = [f"已改为「{label(to)}」：{len(done)} 个；未改：{len(failed)} 个", ""]
        for r in failed:
            row = self.by_id.get(r.finding_id)
            name = f"{row.branch_name}「{fullwidth(row.description)[:16]}」" if row else r.finding_id
            lines.append(f"{name}：{r.message}")
        self.app.push_screen(TextDialog("改状态的结果", "\n".join(lines)))

    # --------------------------------------------------------------- details
    @on(RowTable.Activated)
    def _activated(self, event: RowTable.Activated) -> None:
        self.show_finding(event.key)

    def show_finding(self, key: str) -> None:
        """The finding with every field and who changed what, when."""
        from .dialogs.rectify import TextDialog

        row = self.by_id.get(key)
        if row is None:
            return
        store = self.app.store
        try:
            finding = store.get(Finding, row.id, row.branch_id)
            history = rx.history(store, finding)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.push_screen(
            TextDialog(f"{row.branch_name}　问题详情", finding_text(finding, row.branch_name, history))
        )

    # ------------------------------------------------------------ navigation
    def action_charts(self) -> None:
        """The rows on screen by status and by category, as bars (the 通报's figure 2 in the terminal)."""
        from .dialogs.chart import PeriodChartDialog

        width = min(self.app.size.width, 100) - 8
        shown = self.shown
        self.app.push_screen(
            PeriodChartDialog(
                f"整改台账图表（筛选：{self.flt.describe()}）",
                lambda period: ledger_charts(shown, width, period),
                self.app.today(),
            )
        )

    def action_export(self) -> None:
        from .dialogs.export import ExportDialog

        if not self.loaded:
            return
        names = {s.id: s.name for s in self.source.ledger.summaries.values()}
        self.app.push_screen(ExportDialog(list(self.shown), self.flt.describe(names)))

    def action_weaklax(self) -> None:
        self.app.open_committee_screen("weaklax")

    def action_coverage(self) -> None:
        self.app.open_committee_screen("coverage")

    def action_back(self) -> None:
        if self.marked:
            self.marked.clear()
            self._cells.clear()
            self.table.refresh()
            self._show_count()
            return
        self.app.pop_screen()


def move_targets(rows: list[LedgerRow]) -> list[tuple[FindingStatus, str]]:
    """The statuses the rows may move to, each with its label (a reopening says so):
    the steps forward first, so Enter after `m` takes the usual next step
    (整改中 → 待验收, 待验收 → 已销号), and reopening last."""
    out: dict[FindingStatus, str] = {}
    reopening: set[FindingStatus] = set()
    for r in rows:
        status = r.status
        for to in rx.allowed_moves(status):
            if rx.is_reopening(status, to):
                out[to] = "整改中（重新打开，须填写理由）"
                reopening.add(to)
            else:
                out.setdefault(to, label(to))
    if S.CLOSED in out:
        out[S.CLOSED] = "已销号（须填写验收人、验收日期、佐证材料）"
    return sorted(out.items(), key=lambda kv: (kv[0] in reopening, STATUS_ORDER.index(kv[0])))


def finding_text(f, branch_name: str, history: list[rx.HistoryEntry]) -> str:
    who = "，".join(
        x
        for x in (
            f.responsible.leader and f"责任领导 {f.responsible.leader}",
            f.responsible.person and f"具体责任人 {f.responsible.person}",
        )
        if x
    )
    lines = [
        f"党支部：{branch_name}",
        f"问题描述：{fullwidth(f.description)}",
        f"问题类别：{label(f.category)}　严重程度：{label(f.severity)}　发现日期：{f.found_on.isoformat()}",
        f"整改目标：{fullwidth(f.goal) or '未填'}",
        f"整改措施：{fullwidth(f.measures) or '未填'}",
        f"整改时限：{f.deadline.isoformat() if f.deadline else '未填'}",
        f"责任主体：{who or '未填'}",
        f"状态：{label(f.status)}",
    ]
    if f.progress:
        lines.append(f"进展：{fullwidth(f.progress)}")
    if f.evidence:
        lines.append(f"佐证材料：{fullwidth(f.evidence)}")
    if f.verifier:
        lines.append(f"验收：{f.verifier}（{f.verified_on.isoformat() if f.verified_on else '日期未填'}）")
    for r in f.reopenings:
        lines.append(f"重新打开：{r.at.astimezone().strftime('%Y-%m-%d')}　{r.who}　理由：{fullwidth(r.reason)}")
    lines += ["", "变更记录："]
    lines += [fullwidth(h.line()) for h in history] or ["（无）"]
    return "\n".join(lines)
