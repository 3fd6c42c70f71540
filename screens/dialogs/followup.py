"""安排回头看: the date and who goes; the domain says whether the branch needs one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label

from inspector.dates import hint
from inspector.errors import UserError
from inspector.followup import open_targets, schedule
from inspector.models import Branch
from inspector.visit import parse_date, split_names

from ..styles import tcss
from ..widgets.textual_compat import Input
from .form import FormDialog


class ScheduleFollowUpDialog(FormDialog["Visit | None"]):
    """Dismisses the scheduled 回头看, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "schedule_follow_up_dialog")
    BINDINGS = [
        Binding("ctrl+s", "submit", "安排", id="followup_schedule.save"),
        Binding("escape", "cancel", "取消", id="followup_schedule.cancel"),
    ]
    OK_LABEL = "安排回头看（Ctrl+S）"
    COMPACT_BUTTONS = True

    def __init__(self, branch: Branch) -> None:
        super().__init__()
        self.branch = branch

    def form_title(self) -> str:
        return f"安排回头看：{self.branch.name}"

    def fields(self) -> ComposeResult:
        count = len(open_targets(self.app.store, self.branch.id))
        yield Label(f"将查看未销号的问题和整顿事项 {count} 项。", markup=False, id="intro")
        with Horizontal(classes="row"):
            yield Label("回头看日期")
            today = self.app.today()
            yield Input(today.isoformat(), placeholder=hint(today), compact=True, id="date", classes="date")
        with Horizontal(classes="row"):
            yield Label("回头看人员")
            yield Input(self.app.store.user, placeholder="多人用顿号分隔", compact=True, id="inspectors")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    def submit(self) -> None:
        try:
            on = parse_date(self.query_one("#date", Input).value)
        except UserError:
            self.query_one("#date", Input).focus()
            raise
        inspectors = split_names(self.query_one("#inspectors", Input).value)
        self.dismiss(schedule(self.app.store, self.branch, on=on, inspectors=inspectors))
