"""Editor of one finding (问题) and its 四明确.

The four 明确 are what the branch will be held to: 整改目标, 整改措施,
整改时限 and 责任主体 (a responsible leader and a named person). Dates are
checked as typed; the save merges with whatever others saved meanwhile and
shows a clash instead of overwriting it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from inspector import rectification as rx
from inspector.checklist import PLAN_SECTIONS
from inspector.dates import hint
from inspector.labels import FINDING_FORM_FIELDS as FIELD_LABELS
from inspector.labels import choices
from inspector.models import Finding, FindingCategory, Responsibility, Severity

from .dialogs.record_editor import RecordEditor
from .styles import tcss
from .widgets.textual_compat import Footer, Input, TextArea


class FindingEditor(RecordEditor[Finding]):
    """Dismisses the saved Finding, or None when left without saving."""

    FIELD_LABELS = FIELD_LABELS
    ERROR_ID = "finding-error"
    LAST_FIELD = "person"

    DEFAULT_CSS = tcss("finding_editor")

    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="finding.save"),
        Binding("escape", "cancel", "取消", id="finding.cancel"),
    ]

    def compose(self) -> ComposeResult:
        f = self.original
        with VerticalScroll(id="finding-box"):
            title = (
                "登记问题（Ctrl+S 或 F2 保存，Esc 不登记）"
                if self.is_new
                else "修改问题（Ctrl+S 或 F2 保存，Esc 放弃）"
            )
            yield Static(title, id="finding-title")
            yield Static(Text(self._source()), id="finding-source")
            with Horizontal(classes="field-row"):
                yield Label("问题类别")
                yield Select(
                    choices(FindingCategory),
                    value=f.category,
                    allow_blank=False,
                    compact=True,
                    id="category",
                )
                yield Label("严重程度", id="severity-label")
                yield Select(choices(Severity), value=f.severity, allow_blank=False, compact=True, id="severity")
            with Horizontal(classes="field-row"):
                yield Label("问题描述")
                yield TextArea(f.description, id="description", compact=True, soft_wrap=True)
            with Horizontal(classes="field-row"):
                yield Label("整改目标")
                yield Input(f.goal, placeholder="写明整改要达到的目标", id="goal", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("整改措施")
                yield TextArea(f.measures, id="measures", compact=True, soft_wrap=True)
            with Horizontal(classes="field-row"):
                yield Label("整改时限")
                deadline = f.deadline.isoformat() if f.deadline else ""
                yield Input(deadline, placeholder=hint(self.app.today()), id="deadline", classes="date", compact=True)
                yield Label("责任领导", id="leader-label")
                yield Input(f.responsible.leader, placeholder="填写姓名和职务", id="leader", compact=True)
                yield Label("具体责任人", id="person-label")
                yield Input(f.responsible.person, placeholder="填写姓名", id="person", compact=True)
            yield Static("", id="finding-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#description", TextArea).focus()

    def _source(self) -> str:
        f = self.original
        parts = [f"发现日期 {f.found_on.isoformat()}"]
        if f.item_id:
            parts.append(f"检查条目 {f.item_id}")
        if f.basis:
            parts.append(f"依据 方案{f.basis}「{PLAN_SECTIONS.get(f.basis, '')}」")
        return "　".join(parts)

    def form_ready(self) -> None:
        super().form_ready()
        self.record_changed(self.original)

    def record_changed(self, current: Finding) -> None:
        """A closed finding is shown, not edited: reopening goes through the ledger, with a reason."""
        if rx.is_editable(current):
            return
        for field in self.query("Input, TextArea, Select"):
            field.disabled = True
        self.query_one("#finding-title", Static).update("查看问题（已销号，只读；Esc 返回）")
        self.error(rx.CLOSED_NOTICE)

    def persist(self, record: Finding) -> Finding:
        saved = rx.save_edit(self.app.store, record, base=None if self.is_new else self.original)
        missing = rx.missing_clarity(saved)
        if missing:
            self.app.notify(f"已保存为「待完善」：尚缺{'、'.join(missing)}", title="四明确不完整", timeout=8)
        return saved

    def draft_key(self) -> tuple[str, str]:
        """A new finding gets a new id each time its form opens: its draft is
        kept under the visit and item it comes from, so it comes back there."""
        f = self.original
        if self.is_new and f.visit_id and f.item_id:
            return ("new-finding", f"{f.visit_id}.{f.item_id}")
        return super().draft_key()

    def draft_title(self) -> str:
        return f"问题「{self.original.description[:12]}」"

    def edited(self) -> Finding:
        q = self.query_one
        return rx.edited_finding(
            self.original,
            description=q("#description", TextArea).text,
            deadline=q("#deadline", Input).value,
            category=q("#category", Select).value,
            severity=q("#severity", Select).value,
            goal=q("#goal", Input).value.strip(),
            measures=q("#measures", TextArea).text.strip(),
            responsible=Responsibility(
                leader=q("#leader", Input).value.strip(), person=q("#person", Input).value.strip()
            ).model_dump(),
        )
