"""Dialogs of the rectification ledger: 销号, the ledger's filters, a finding with its history.

They only collect input and show text; the rules (verifier ≠ 具体责任人 or
责任领导, from the staff list or with a reason, the date, the evidence) are applied by `inspector.rectification` when saving,
and a refusal comes back here as the dialog's error line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, Select, Static

from inspector import rectification as rx
from inspector.dates import hint
from inspector.errors import UserError
from inspector.labels import label
from inspector.ledger.rows import OPEN_STATUSES, STATUS_ORDER, LedgerFilter, branches_matching, parse_due_within
from inspector.models import FindingCategory, FindingStatus, Sector, Severity

from ..styles import tcss
from ..widgets.textual_compat import Input
from .form import FormDialog


class CloseDialog(FormDialog["dict | None"]):
    """销号: who verified, on what day, with what evidence. Dismisses the details or None."""

    DEFAULT_CSS = tcss("dialog", "close_dialog")
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="close.cancel"),
        Binding("ctrl+s,f2", "submit", "销号", id="close.submit"),
    ]
    OK_LABEL = "销号（Ctrl+S）"
    SCROLLS = True  # the date echo (form_screen.py) adds a line that 24 rows lack

    FIELDS = ("verifier", "outside_reason", "on", "evidence")

    def __init__(
        self,
        what: str,
        *,
        on: date,
        staff: list[str],
        verifier: str = "",
        evidence: str = "",
        outside_reason: str = "",
        error: str = "",
    ) -> None:
        super().__init__()
        self.what = what
        self.staff = staff
        self.initial = (verifier, outside_reason, on.isoformat(), evidence)
        self.error = error

    def form_title(self) -> str:
        return f"销号：{self.what}"

    def initial_error(self) -> str:
        return self.error

    def fields(self) -> ComposeResult:
        verifier, outside_reason, on, evidence = self.initial
        yield Label("验收人（党委工作人员，不能是具体责任人或责任领导）：")
        yield Static(f"名单：{'、'.join(self.staff) or '（未登记）'}", id="staff", markup=False)
        yield Input(verifier, id="verifier")
        yield Label("名单外人员验收的理由（名单内的不填）：")
        yield Input(outside_reason, placeholder="如：县委组织部派员验收", id="outside_reason")
        yield Label("验收日期：")
        yield Input(on, placeholder=hint(self.app.today()), id="on", classes="date")
        yield Label("佐证材料：")
        yield Input(evidence, placeholder="如：支部党员大会记录、整改报告", id="evidence")

    def on_mount(self) -> None:
        self.query_one("#verifier", Input).focus()

    def enter_in(self, field: Input) -> None:
        index = self.FIELDS.index(field.id or "verifier")
        if index < len(self.FIELDS) - 1:
            self.query_one(f"#{self.FIELDS[index + 1]}", Input).focus()
        else:
            self.action_submit()

    def submit(self) -> None:
        typed = {name: self.query_one(f"#{name}", Input).value for name in self.FIELDS}
        self.dismiss(rx.close_details(**typed))


_ANY = "any"


class FilterDialog(FormDialog["LedgerFilter | None"]):
    """Every filter of the ledger on one form; the free text stays on the screen's filter line."""

    DEFAULT_CSS = tcss("dialog", "filter_dialog")
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="filter.cancel"),
        Binding("ctrl+s,f2", "submit", "应用", id="filter.submit"),
    ]
    OK_LABEL = "应用（Ctrl+S）"

    def draft_key(self) -> None:
        """A query, not data: nothing to keep when the app closes."""
        return None

    def __init__(self, current: LedgerFilter, summaries, branch_query: str = "") -> None:
        super().__init__()
        self.current = current
        self.summaries = list(summaries)
        self.branch_query = branch_query

    @staticmethod
    def _one(values) -> str:
        return str(next(iter(values))) if len(values) == 1 else _ANY

    def form_title(self) -> str:
        return "筛选整改台账"

    def fields(self) -> ComposeResult:
        c = self.current
        statuses = [("未销号（未启动、整改中、待验收）", "open")] + [(label(s), s.value) for s in STATUS_ORDER]
        status = "open" if c.statuses == OPEN_STATUSES else self._one(c.statuses)
        with Horizontal(classes="row"):
            yield Label("状态")
            yield Select(
                statuses, value=status if status != _ANY else Select.NULL, prompt="全部", id="status", compact=True
            )
        with Horizontal(classes="row"):
            yield Label("党支部")
            yield Input(
                self.branch_query, placeholder="名称或拼音首字母（如 dyzb），空为全部", id="branch", compact=True
            )
        with Horizontal(classes="row"):
            yield Label("领域")
            yield Select(
                [(label(s), s.value) for s in Sector],
                value=self._pick(c.sectors),
                prompt="全部",
                id="sector",
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Label("问题类别")
            yield Select(
                [(label(x), x.value) for x in FindingCategory],
                value=self._pick(c.categories),
                prompt="全部",
                id="category",
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Label("严重程度")
            yield Select(
                [(label(x), x.value) for x in Severity],
                value=self._pick(c.severities),
                prompt="全部",
                id="severity",
                compact=True,
            )
        with Horizontal(classes="row"):
            yield Label("到期天数")
            yield Input(
                "" if c.due_within is None else str(c.due_within),
                placeholder="N 天内到期，空为不限",
                id="due",
                type="integer",
                compact=True,
            )
        yield Checkbox("只看已逾期", c.overdue, id="overdue")

    def _pick(self, values):
        one = self._one(values)
        return Select.NULL if one == _ANY else one

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()

    def submit(self) -> None:
        def chosen(select_id: str) -> str | None:
            value = self.query_one(f"#{select_id}", Select).value
            return None if value is Select.NULL else str(value)

        status = chosen("status")
        if status == "open":
            statuses = OPEN_STATUSES
        else:
            statuses = frozenset({FindingStatus(status)}) if status else frozenset()
        query = self.query_one("#branch", Input).value.strip()
        branches = frozenset()
        if query:
            branches = branches_matching(self.summaries, query)
            if not branches:
                raise UserError(f"没有名称或拼音首字母包含「{query}」的党支部。")
        due = parse_due_within(self.query_one("#due", Input).value)
        sector, category, severity = chosen("sector"), chosen("category"), chosen("severity")
        self.branch_query = query
        self.dismiss(
            replace(
                self.current,
                statuses=statuses,
                branches=branches,
                sectors=frozenset({Sector(sector)}) if sector else frozenset(),
                categories=frozenset({FindingCategory(category)}) if category else frozenset(),
                severities=frozenset({Severity(severity)}) if severity else frozenset(),
                overdue=self.query_one("#overdue", Checkbox).value,
                due_within=due,
            )
        )


class TextDialog(ModalScreen[None]):
    """A page of text to read (a finding with its history, a bulk move's results); Esc closes it."""

    DEFAULT_CSS = tcss("dialog", "text_dialog")
    BINDINGS = [Binding("escape,enter,q", "close", "关闭", id="text.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(self.body, id="body", markup=False)
            yield Static("Esc 关闭　↑↓ 滚动", classes="muted")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
