"""The weak/lax ledger (软弱涣散党组织整顿台账) screen: every branch determined weak or lax.

One row per branch: status, the criteria it was determined by, the 整顿方案
(四明确), how its findings are getting on, the 验收 result and the 销号
date. Enter shows the full texts. Rows are read in a worker whenever the
data changes and only changed cells are redrawn, so another session's 验收 shows up by itself.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from inspector.errors import UserError
from inspector.labels import label
from inspector.ledger.weaklax import WeakLaxRow, weaklax_rows
from inspector.models import WEAKLAX_ENDED, WeakLaxStatus

from .cjk import fullwidth
from .styles import tcss
from .table_screen import TableScreen
from .tone import tone
from .widgets.fixed_table import FixedTable
from .widgets.textual_compat import Footer

COLUMNS = (
    ("branch", "党支部"),
    ("status", "状态"),
    ("criteria", "认定标准"),
    ("plan", "整顿方案"),
    ("progress", "问题整改"),
    ("acceptance", "验收"),
    ("closed", "销号日期"),
)
_FIXED = (12, 6, 11, 11, 9, 6, 10)
_FLEX = ((0, 12, 24), (2, 11, 30), (3, 11, 40), (4, 9, 16), (5, 6, 20))
_STATUS_STYLE = {
    WeakLaxStatus.IDENTIFIED: "bold red",
    WeakLaxStatus.RECTIFYING: "yellow",
    WeakLaxStatus.ACCEPTED: "green",
    WeakLaxStatus.CLOSED: "dim",
    WeakLaxStatus.WITHDRAWN: "dim",
}


def plan_brief(r: WeakLaxRow) -> str:
    """The plan's goal and measures: what fits a cell (Enter shows the 四明确 in full)."""
    p = r.determination.plan
    return "；".join(x for x in (p.goal, p.measures) if x) or "未制定"


def row_cells(r: WeakLaxRow) -> tuple[Text, ...]:
    return (
        Text(r.branch_name),
        Text(label(r.status), style=tone(_STATUS_STYLE[r.status])),
        Text(fullwidth(r.criteria_text()) or "未勾选"),
        Text(fullwidth(plan_brief(r))),
        Text(r.progress_text(), style=tone("bold red") if r.findings_overdue else ""),
        Text(r.acceptance_text(), style="dim" if r.determination.acceptance_result is None else ""),
        Text(r.closed_text()),
    )


def row_text(r: WeakLaxRow) -> str:
    d = r.determination
    lines = [
        f"党支部：{r.branch_name}（{label(r.sector)}）",
        f"状态：{label(r.status)}　认定日期：{d.determined_on.isoformat()}",
        "认定标准：",
        *(f"　・{fullwidth(text)}" + (f"（{fullwidth(ev)}）" if ev else "") for _, text, ev in r.criteria),
        "整顿方案：",
        *(f"　{fullwidth(part)}" for part in r.plan_text().split("；")),
        f"问题整改：{r.progress_text()}",
        f"验收：{r.acceptance_text()}",
        f"销号日期：{r.closed_text() or '未销号'}",
    ]
    return "\n".join(lines)


class WeakLaxLedgerScreen(TableScreen):
    COLUMNS = COLUMNS
    FIXED = _FIXED
    FLEX = _FLEX
    TABLE_ID = "wl-table"
    SUBTITLE = "软弱涣散党组织整顿台账"
    HELP = "软弱涣散党组织整顿台账：每个被认定的党支部一行。回车查看全文；其他人的修改约 2 秒内自动显示。"
    DEFAULT_CSS = tcss("weak_lax_ledger_screen")
    BINDINGS = [
        Binding("enter", "show", "详情", id="wlledger.show"),
        Binding("l", "ledger", "整改台账", id="wlledger.ledger"),
        Binding("g", "coverage", "覆盖情况", id="wlledger.coverage"),
        Binding("escape", "back", "返回", id="wlledger.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, WeakLaxRow] = {}
        self.cells: dict[str, tuple[Text, ...]] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在读取…", id="wl-count")
        table = FixedTable(id="wl-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    @work(thread=True, exclusive=True, group="weaklax-ledger")
    def load(self) -> None:
        app = self.app
        try:
            criteria = {c.id: c.text for c in app.criteria}
            rows = weaklax_rows(app.store, criteria, app.today())
        except UserError as exc:
            app.call_from_thread(self.notify, str(exc), severity="error")
            return
        app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[WeakLaxRow]) -> None:
        """Fill once; later only cells that changed are redrawn (a branch added or dropped refills)."""
        cells = {r.branch_id: row_cells(r) for r in rows}
        self.table.show_keyed(cells, self.cells)
        self.cells = cells
        self.rows = {r.branch_id: r for r in rows}
        self.loaded = True
        weak = sum(1 for r in rows if r.status not in WEAKLAX_ENDED)
        text = (
            f"共 {len(rows)} 个党支部被认定为软弱涣散，其中未销号 {weak} 个"
            if rows
            else "还没有被认定为软弱涣散的党支部"
        )
        self.query_one("#wl-count", Static).update(text)

    def action_show(self) -> None:
        from .dialogs.rectify import TextDialog

        bid = self.current_id()
        if bid is not None:
            r = self.rows[bid]
            self.app.push_screen(TextDialog(f"{r.branch_name}　软弱涣散整顿", row_text(r)))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_show()

    def action_ledger(self) -> None:
        self.app.open_committee_screen("ledger")

    def action_coverage(self) -> None:
        self.app.open_committee_screen("coverage")

    def action_back(self) -> None:
        self.app.pop_screen()
