"""A Word document made in a worker and written to a path the user picks:
the 通报 (from the coverage screen, with its period) and a branch's paper
checklist (from the branch screen); a workbook the same way (the assignments'
export). What goes into the file is the domain's (`inspector/documents/`,
`inspector/assignments.py`); the dialog asks, waits and says where it went.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from ..styles import tcss
from ..widgets.textual_compat import Input
from .output_file import OutputFileDialog


class DocumentDialog(OutputFileDialog):
    """Ask a .docx path (and, with `period`, the period); `make(period)` builds the bytes in a thread.
    `default` may be a function of the period: the suggested name follows the period typed until the path is edited."""

    DEFAULT_CSS = tcss("dialog", "export_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="document.cancel")]
    OK_LABEL = "生成（回车）"
    SUFFIXES = ("docx",)
    VERB = "生成"
    FAILED = "未能生成"

    def __init__(
        self,
        title: str,
        note: str,
        default: Path | Callable[[str], Path],
        make: Callable[[str], bytes],
        *,
        period: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text, self.note, self.make, self.period = title, note, make, period
        self.suggest = default if callable(default) else (lambda _period: default)
        self.default = self.suggest(period or "")

    def form_title(self) -> str:
        return self.title_text

    def fields(self) -> ComposeResult:
        yield Label(self.note, markup=False)
        if self.period is not None:
            yield Label("时段（2016Q3 季度、2016-07..2016-09 月份起止、2016 全年）：")
            yield Input(self.period, id="period")
        yield Label(f"文件路径（.{self.SUFFIXES[0]}）：")
        yield Input(str(self.default), id="path")

    def on_mount(self) -> None:
        self.query_one("#period" if self.period is not None else "#path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "period":
            return
        path = self.query_one("#path", Input)
        if path.value == str(self.default):  # not edited by hand: follow the period
            self.default = self.suggest(event.value.strip())
            path.value = str(self.default)

    def submit(self) -> None:
        path, force = self.checked_path()
        period = self.query_one("#period", Input).value if self.period is not None else ""
        self.build(path, period, force)

    @work(thread=True, exclusive=True, group="document")
    def build(self, path: Path, period: str, force: bool) -> None:
        from inspector.documents.officialdoc import write_new_file

        def write() -> Path:
            if path.parent == self.default.parent:  # the data folder's memos/ may not exist yet
                path.parent.mkdir(exist_ok=True)
            write_new_file(path, self.make(period), force=force)
            return path

        self.write_reported(path, write)

    def done_message(self, path: Path) -> tuple[str, str]:
        return f"已{self.VERB}：{path}", self.title_text


class WorkbookDialog(DocumentDialog):
    """The same for an Excel workbook (.xlsx)."""

    DEFAULT_CSS = tcss("dialog", "export_dialog", "workbook_dialog")
    OK_LABEL = "导出（回车）"
    SUFFIXES = ("xlsx",)
    VERB = "导出"
    FAILED = "未能导出"
