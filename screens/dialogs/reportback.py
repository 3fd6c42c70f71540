"""登记整改报告: when it came, its file, who reviewed it and what they concluded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label

from inspector.dates import hint as date_hint
from inspector.dates import parse_date
from inspector.errors import UserError
from inspector.models import Visit
from inspector.reportback import record_report, report_due

from ..styles import tcss
from ..widgets.textual_compat import Input
from .form import FormDialog


class ReportDialog(FormDialog["Visit | None"]):
    """Dismisses the visit with its report saved, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "reportback_dialog")
    BINDINGS = [
        Binding("ctrl+s", "submit", "保存", id="report.save"),
        Binding("escape", "cancel", "取消", id="report.cancel"),
    ]
    OK_LABEL = "保存（Ctrl+S）"
    COMPACT_BUTTONS = True

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit

    def form_title(self) -> str:
        return f"整改报告：{self.visit.date.isoformat()} 现场指导的反馈意见"

    def fields(self) -> ComposeResult:
        old = self.visit.report
        due = report_due(self.visit, self.app.settings)
        ask = f"应于 {due.isoformat()} 前报送。" if due else "反馈意见尚未印发，报送期限未定。"
        kept = f"已附：{old.file_name}（另选文件则替换）" if old and old.file_name else "可附报告文件（不超过 20 MB）。"
        yield Label(ask + kept, markup=False, id="intro")
        rows = (
            (
                "收到日期",
                "received",
                old.received_on.isoformat() if old else self.app.today().isoformat(),
                date_hint(self.app.today()),
            ),
            ("报告文件", "file", "", "文件路径，可留空"),
            ("审阅人", "reviewer", old.reviewer if old else self.app.store.user, ""),
            ("审阅结论", "conclusion", old.conclusion if old else "", "如：整改基本到位，第3项需补充佐证"),
        )
        for title, key, value, hint in rows:
            with Horizontal(classes="row"):
                yield Label(title)
                yield Input(value, placeholder=hint, compact=True, id=key, classes="date" if key == "received" else "")

    def on_mount(self) -> None:
        self.query_one("#received", Input).focus()

    def submit(self) -> None:
        try:
            received = parse_date(self.query_one("#received", Input).value)
        except UserError:
            self.query_one("#received", Input).focus()
            raise
        file = self.query_one("#file", Input).value.strip()
        self.show_error("正在保存…")
        self._save(
            received,
            Path(file) if file else None,
            self.query_one("#reviewer", Input).value,
            self.query_one("#conclusion", Input).value,
        )

    @work(thread=True, exclusive=True, group="report")
    def _save(self, received: date, file: Path | None, reviewer: str, conclusion: str) -> None:
        """Reading and copying a file of up to 20 MB: off the event loop."""
        try:
            saved = record_report(
                self.app.store, self.visit, received_on=received, file=file, reviewer=reviewer, conclusion=conclusion
            )
        except UserError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        self.app.call_from_thread(self.dismiss, saved)
