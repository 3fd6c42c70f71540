"""Coverage (全覆盖) screen: has every branch had on-site guidance, and lately?

A summary line says at a glance whether coverage is complete; three
sparklines show per month the visits made and the findings opened and
closed; the table lists each branch's last visit and its visits this quarter
and year, with branches never visited (red) or not visited for N days
(yellow) first. `a` switches between those only and every branch; `n` sets N.
Built from the ledger's shared per-branch index, re-read when the data changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from inspector.assignments import branch_ids_of
from inspector.errors import UserError
from inspector.labels import short_sector
from inspector.ledger.coverage import (
    BranchCoverage,
    Coverage,
    CoverageReport,
    attended_stages,
    parse_not_visited_days,
    sparkline,
    stages_line,
)
from inspector.report.figures import Figures, compute, next_period, parse_period
from inspector.reportback import Awaited, missing_reports

from .ledger import LedgerSource
from .styles import tcss
from .table_screen import TableScreen
from .tone import tone
from .widgets.bars import Series, bar_chart
from .widgets.fixed_table import FixedTable
from .widgets.literal import literal
from .widgets.textual_compat import Footer

COLUMNS = (
    ("name", "党支部"),
    ("sector", "领域"),
    ("last", "上次指导"),
    ("days", "距今天数"),
    ("quarter", "本季度"),
    ("year", "本年"),
    ("state", "情况"),
)
_FIXED = (18, 8, 10, 8, 6, 4, 12)
_FLEX = ((0, 18, 40), (1, 8, 17), (6, 12, 20))


def row_cells(b: BranchCoverage, limit: int) -> tuple[Text, ...]:
    if b.never_visited and b.in_progress:
        state, style = Text("指导中", style="bold"), ""
    elif b.never_visited:
        style = tone("bold red")
        state = Text("从未指导", style=style)
    elif b.stale:
        style = tone("yellow")
        state = Text(f"超{limit}天未指导", style=style)
    else:
        state, style = Text("正常", style="dim"), ""
    return (
        Text(b.name, style=style),
        Text(short_sector(b.sector)),
        Text(b.last_visit.isoformat() if b.last_visit else "无", style="" if b.last_visit else "dim"),
        Text("" if b.days_since is None else str(b.days_since), justify="right", style=style),
        Text(str(b.visits_quarter), justify="right"),
        Text(str(b.visits_year), justify="right"),
        state,
    )


def order(branches: list[BranchCoverage]) -> list[BranchCoverage]:
    """Never visited first, then longest since the last visit."""
    return sorted(branches, key=lambda b: (not b.never_visited, -(b.days_since or 0)))


def trend_text(cov: Coverage) -> str:
    """Three sparklines with their months and totals."""
    months = cov.months
    if not months:
        return ""
    first, last = months[0].month, months[-1].month
    lines = [f"近{len(months)}个月（{first} 至 {last}），每格一个月："]
    for label, values in (
        ("现场指导", [m.visits for m in months]),
        ("发现问题", [m.opened for m in months]),
        ("销号问题", [m.closed for m in months]),
    ):
        lines.append(f"{label}　{sparkline(values)}　合计 {sum(values)}，本月 {values[-1]}，最多 {max(values)}")
    return "\n".join(lines)


def charts_text(figures: Figures, width: int) -> Text:
    """Coverage and 销号 by sector as bars, the 通报's figure 1 in the terminal."""
    sectors = list(figures.by_sector.values())
    chart = bar_chart(
        [short_sector(s.sector) for s in sectors],
        [
            Series("指导覆盖率（已指导/支部）", [(s.visited, s.branches) for s in sectors], "red"),
            Series("整改销号率（已销号/问题）", [(s.findings.closed, s.findings.total) for s in sectors], "yellow"),
        ],
        width=width,
        label_width=9,
    )
    title = f"{figures.period.label}，按领域（p/t 换时段；c 返回表格；r 生成通报）：\n"
    return Text.assemble(Text(title, style="bold"), chart)


class CoverageScreen(TableScreen):
    COLUMNS = COLUMNS
    FIXED = _FIXED
    FLEX = _FLEX
    TABLE_ID = "cov-table"
    SUBTITLE = "指导覆盖情况"
    HELP = (
        "指导覆盖情况：每个党支部的上次指导日期、本季度和本年的指导次数；从未指导（红）和长期未指导（黄）排在前面。"
        "a 切换只看需指导的／全部，n 设置天数，c 切换为按领域的覆盖率和销号率条形图，r 生成通报。"
    )
    DEFAULT_CSS = tcss("coverage_screen")
    BINDINGS = [
        Binding("a", "toggle_all", "全部／需指导", id="coverage.toggle_all"),
        Binding("n", "set_days", "天数", id="coverage.days"),
        Binding(
            "f4",
            "my_branches",
            "我的支部",
            show=False,
            tooltip="只看本人指导或包联的党支部，再按看全部",
            id="coverage.my_branches",
        ),
        Binding("enter", "open_branch", "打开支部", id="coverage.open_branch"),
        Binding("l", "ledger", "整改台账", id="coverage.ledger"),
        Binding("c", "charts", "图表", id="coverage.charts"),
        Binding("p", "next_period", "换时段", show=False, id="coverage.period"),
        Binding("t", "ask_period", "输入时段", show=False, id="coverage.ask_period"),
        Binding("r", "report", "通报", id="coverage.report"),
        Binding("escape", "back", "返回", id="coverage.back"),
    ]

    def __init__(self, source: LedgerSource) -> None:
        super().__init__()
        self.source = source
        self.only_needing = True
        self.days: int | None = None  # None: the committee's setting
        self.coverage: Coverage | None = None
        self.charts = False  # `c`: bars by sector instead of the table
        #: The charts' period as `parse_period` reads it (`p` steps on); None: this year.
        self.period: str | None = None
        #: Only the user's branches as 指导员 or 包联领导 (F4), else None: all.
        self.mine: set[str] | None = None
        #: Who is past the report-back date without a 整改报告 (None until read, after the table).
        self.late_reports: list[Awaited] | None = None
        self.shown: list[str] = []
        self._cells: dict[str, tuple[Text, ...]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在统计…", id="cov-summary")
        yield Static("", id="cov-trend")
        yield Static("", id="cov-reports")
        yield FixedTable(id="cov-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cov-stages")
        yield Static("", id="cov-charts")
        yield Footer()

    def prepare(self) -> None:
        self.report = CoverageReport(self.app.store, self.source.ledger)

    @work(thread=True, exclusive=True, group="coverage")
    def load(self) -> None:
        try:
            with self.source.lock:
                cov = self.report.build(self.app.today(), not_visited_days=self.days)
                figures = self._figures() if self.charts else None
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show, cov)
        if figures is not None:
            self.app.call_from_thread(self.show_charts, figures)
        try:  # after the table: it reads the visits that asked for a report
            late = missing_reports(self.app.store, cov.today)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show_reports, late)

    def _figures(self) -> Figures:
        """The chosen period's figures as the 通报 counts them, from the shared ledger."""
        today = self.app.today()
        period = parse_period(self.period or str(today.year))
        return compute(self.app.store, period, today, ledger=self.source.ledger)

    def show_charts(self, figures: Figures) -> None:
        self.query_one("#cov-charts", Static).update(charts_text(figures, self.size.width - 2))

    def show_reports(self, late: list[Awaited]) -> None:
        """Who is past the report-back date without a 整改报告, longest late first."""
        self.late_reports = late
        line = self.query_one("#cov-reports", Static)
        if not late:
            line.update(literal("整改报告：没有逾期未报送的党支部"))
            return
        today = self.coverage.today if self.coverage else self.app.today()
        names = "、".join(f"{self.app.store.branch(a.branch_id).name}{a.days_late(today)}天" for a in late[:3])
        more = "等" if len(late) > 3 else ""
        line.update(literal(f"逾期未报送整改报告 {len(late)} 个：{names}{more}"))

    def show(self, cov: Coverage) -> None:
        """Redraw what changed: summary, trend, and rows by key (a new set of rows refills)."""
        self.coverage = cov
        summary = self.query_one("#cov-summary", Static)
        complete = cov.complete
        verdict = "已全覆盖" if complete else "尚未全覆盖"
        summary.update(f"{verdict}：{cov.summary()}")
        summary.set_class(complete, "complete")
        summary.set_class(not complete, "incomplete")
        self.query_one("#cov-trend", Static).update(trend_text(cov))
        branches = order(cov.branches)
        if self.only_needing:
            branches = [b for b in branches if b.needs_visit]
        if self.mine is not None:
            branches = [b for b in branches if b.id in self.mine]
        cells = {b.id: row_cells(b, cov.not_visited_days) for b in branches}
        self.table.show_keyed(cells, self._cells)
        self.shown, self._cells = list(cells), cells

    def action_charts(self) -> None:
        self.charts = not self.charts
        self.set_class(self.charts, "charts")
        if self.charts:
            self.query_one("#cov-charts", Static).update("正在统计…")
            self.load()
        else:
            self.table.focus()

    def action_next_period(self) -> None:
        """The charts of the next period: the year, then each of its quarters so far."""
        today = self.app.today()
        self._chart_period(next_period(self.period or str(today.year), today))

    def action_ask_period(self) -> None:
        from .dialogs.chart import PeriodDialog

        self.app.push_screen(PeriodDialog(self.period or ""), lambda text: text and self._chart_period(text))

    def _chart_period(self, period: str) -> None:
        self.period = period
        if self.charts:
            self.query_one("#cov-charts", Static).update("正在统计…")
            self.load()
        else:
            self.action_charts()

    def action_toggle_all(self) -> None:
        self.only_needing = not self.only_needing
        self.notify("只看需要指导的党支部" if self.only_needing else "显示全部党支部", timeout=3)
        if self.coverage is not None:
            self.show(self.coverage)

    def action_my_branches(self) -> None:
        if self.mine is None:
            mine = branch_ids_of(self.app.settings, self.app.store.user)
            if not mine:
                self.notify(
                    f"{self.app.store.user}尚未被指派为任何党支部的指导员或包联领导", severity="warning", markup=False
                )
                return
            self.mine = mine
        else:
            self.mine = None
        self.notify("只看我的支部" if self.mine is not None else "显示全部党支部", timeout=3)
        if self.coverage is not None:
            self.show(self.coverage)

    def action_set_days(self) -> None:
        from .dialogs.common import PromptDialog

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                self.days = parse_not_visited_days(value)
            except UserError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self.load()

        current = str(self.coverage.not_visited_days) if self.coverage else ""
        self.app.push_screen(PromptDialog("长期未指导", "超过多少天未指导算作长期未指导：", current, "如 90"), chosen)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        bid = self.current_id()
        if bid is not None:
            self._show_stages(bid)

    @work(thread=True, exclusive=True, group="coverage-stages")
    def _show_stages(self, bid: str) -> None:
        """The highlighted branch's 全过程: which key points the committee attended."""
        try:
            line = stages_line(attended_stages(self.app.store, bid))
        except UserError as exc:
            line = str(exc)
        self.app.call_from_thread(self.query_one("#cov-stages", Static).update, Text(line))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open_branch()

    def action_open_branch(self) -> None:
        bid = self.current_id()
        if bid is not None:
            self.app.open_branch(bid)

    def action_ledger(self) -> None:
        self.app.open_committee_screen("ledger")

    def action_report(self) -> None:
        """The 通报 of a period (this quarter by default) as a Word file with charts."""
        from inspector.documents.officialdoc import safe_filename
        from inspector.documents.report import render
        from inspector.report.figures import compute, parse_period

        from .dialogs.document import DocumentDialog
        from .dialogs.memo import default_folder

        app = self.app
        today = app.today()
        settings = app.settings

        def make(period_text: str) -> bytes:
            period = parse_period(period_text)
            committee = app.store.committee()
            figures = compute(app.store, period, today, anonymise=settings.report_anonymise)
            return render(
                figures,
                committee=committee.name if committee else settings.committee_name,
                when=today,
                fonts=settings.memo_fonts,
                sealed=settings.memo_sealed,
            )

        quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
        app.push_screen(
            DocumentDialog(
                "生成现场指导情况通报",
                "按公文格式生成通报（含统计表和图表），党支部较多时需要十几秒。",
                lambda period: default_folder(app) / safe_filename(f"现场指导情况通报-{period}"),
                make,
                period=quarter,
            )
        )

    def action_back(self) -> None:
        self.app.pop_screen()
