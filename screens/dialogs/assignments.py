"""Import 指导员 and 包联领导 from an .xlsx or CSV table: the first Enter checks
every row (`inspector/assignments.py`) and lists the bad ones; only a table
without any is written, on a second Enter, checked again as it is then.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, Static

from inspector import assignments as asg
from inspector.errors import UserError

from ..styles import tcss
from ..widgets.literal import literal
from ..widgets.textual_compat import Input
from .form import FormDialog
from .roster import clean_path

#: Bad rows listed in the dialog; the count says how many there are in all.
SHOWN_ERRORS = 50


class AssignmentImportDialog(FormDialog["asg.Planned | None"]):
    """Dismisses what was imported, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "assignment_import_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="assignment_import.cancel")]
    OK_LABEL = "检查（回车）"

    def __init__(self) -> None:
        super().__init__()
        #: The file checked without errors: Enter again imports it.
        self.checked: Path | None = None

    def draft_key(self) -> None:
        """A file name, not data: nothing to keep when the app closes."""
        return None

    def action_cancel(self) -> None:
        """Nothing typed here is data (a file name): Esc just closes."""
        self.dismiss(None)

    def form_title(self) -> str:
        return "导入指导员和包联领导"

    def fields(self) -> ComposeResult:
        yield Label("表格须有「党支部」列和「指导员」或「包联领导」列，一格多人用顿号隔开。")
        yield Label("只能指派党委工作人员；全部行无误才导入，已有的指派保留。")
        yield Label("文件路径（.xlsx 或 .csv）：")
        yield Input(placeholder="输入或拖入文件路径，回车检查", id="path")
        yield Static("", id="status")
        yield VerticalScroll(Static("", id="lines"), id="line-box")

    def on_mount(self) -> None:
        self.query_one("#line-box").display = False
        self.query_one("#path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.checked = None
        self.query_one("#ok", Button).label = self.OK_LABEL

    def submit(self) -> None:
        text = self.query_one("#path", Input).value
        if not text.strip():
            raise UserError("请填写文件路径。")
        path = clean_path(text)
        self.query_one("#ok", Button).disabled = True
        self.show_error("")
        self.say("正在导入…" if path == self.checked else "正在检查…")
        self.run_table(path, write=path == self.checked)

    @work(thread=True, exclusive=True, group="assignment-import")
    def run_table(self, path: Path, write: bool) -> None:
        try:
            planned = asg.import_table(self.app.store, path, dry_run=not write)
        except UserError as exc:
            self.app.call_from_thread(self.show_result, path, None, str(exc))
            return
        self.app.call_from_thread(self.show_result, path, planned, "")

    def show_result(self, path: Path, planned: asg.Planned | None, error: str) -> None:
        self.query_one("#ok", Button).disabled = False
        box, lines = self.query_one("#line-box"), self.query_one("#lines", Static)
        if planned is None or planned.errors:
            self.checked = None
            self.query_one("#ok", Button).label = self.OK_LABEL
            bad = planned.errors if planned else []
            box.display = bool(bad)
            lines.update(literal("\n".join(bad[:SHOWN_ERRORS]) + ("\n……" if len(bad) > SHOWN_ERRORS else "")))
            self.say("")
            self.show_error(error or f"表格有 {len(bad)} 处错误，未写入任何指派；改正后再按回车检查。")
            return
        if path == self.checked:
            self.dismiss(planned)
            return
        self.checked = path
        box.display = False
        self.query_one("#ok", Button).label = "导入（回车）"
        self.say(
            f"检查通过：共 {len(planned.assignments)} 项指派，其中新增 {planned.added} 项。再按回车导入，Esc 取消。"
        )

    def say(self, text: str) -> None:
        self.query_one("#status", Static).update(literal(text))
