"""Choosing the period of a chart the 通报's way (`inspector/report/figures.py`):
`p` steps through a year and its quarters, `t` asks for any period (2016Q3,
2016-07..2016-09, 2016) and echoes what it understood."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from inspector.errors import UserError
from inspector.report.figures import Period, next_period, parse_period

from ..widgets.textual_compat import Input
from .common import PromptDialog
from .rectify import TextDialog


class PeriodDialog(PromptDialog):
    """Ask a period; the line under the field says which dates it means, or why it cannot be read."""

    def __init__(self, initial: str) -> None:
        super().__init__("图表时段", "时段（如 2016Q3、2016-07..2016-09、2016）", initial, "2016Q3")

    def fields(self) -> ComposeResult:
        yield from super().fields()
        yield Static("", id="period-echo")

    @on(Input.Changed, "#value")
    def _echo(self, event: Input.Changed) -> None:
        self.query_one("#period-echo", Static).update(Text(echo(event.value)))

    def submit(self) -> None:
        parse_period(self.query_one("#value", Input).value)  # a period it cannot read is one line, and the dialog stays
        super().submit()


def echo(text: str) -> str:
    """What a typed period means: 「即 2016-07-01 至 2016-09-30（2016年第三季度）」 or why not."""
    if not text.strip():
        return ""
    try:
        period = parse_period(text)
    except UserError as exc:
        return str(exc)
    return f"即 {period.start.isoformat()} 至 {period.end.isoformat()}（{period.label}）"


class PeriodChartDialog(TextDialog):
    """`chart(period)` drawn for the chosen period (None: every finding listed)."""

    BINDINGS = [
        Binding("p", "next_period", "换时段", id="ledger_charts.period"),
        Binding("t", "ask_period", "输入时段", id="ledger_charts.ask_period"),
    ]

    def __init__(self, title: str, chart: Callable[[Period | None], str], today: date) -> None:
        self.chart = chart
        self.today = today
        self.period: str | None = None
        super().__init__(title, self._body())

    def _body(self) -> str:
        period = parse_period(self.period) if self.period else None
        return f"时段：{period.label if period else '全部'}（p 换时段，t 输入时段）\n\n{self.chart(period)}"

    def _show(self, period: str | None) -> None:
        self.period = period
        self.query_one("#body", Static).update(self._body())

    def action_next_period(self) -> None:
        following = next_period(self.period or "", self.today)
        # After a year's last quarter comes every finding again, then the year.
        last_quarter = self.period is not None and "Q" in self.period and following == self.period[:4]
        self._show(None if last_quarter else following)

    def action_ask_period(self) -> None:
        self.app.push_screen(PeriodDialog(self.period or ""), lambda text: text and self._show(text))
