"""Ctrl+E on the ledger: the rows on screen (with their filters) to an .xlsx, .docx or .csv file.

The file is written by `inspector.documents.ledger_export` in a thread, so a Word table of
thousands of rows does not freeze the screen; the dialog says where it went.
Over SSH the path is on the server, so the dialog shows it in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Label

from inspector.documents.ledger_export import DOCX_ADVISED_ROWS
from inspector.ledger.rows import LedgerRow

from ..styles import tcss
from ..widgets.textual_compat import Input
from .output_file import OutputFileDialog


def default_path(fmt: str, today) -> Path:
    return Path.home() / f"整改台账-{today.isoformat()}.{fmt}"


class ExportDialog(OutputFileDialog):
    """Ask a path (.xlsx, .docx or .csv by its suffix), export in a worker; dismisses the written path."""

    DEFAULT_CSS = tcss("dialog", "export_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="export.cancel")]
    OK_LABEL = "导出（回车）"
    SUFFIXES = ("xlsx", "docx", "csv")  # the formats of `export_ledger`, in the order the message names them
    VERB = "导出"
    FAILED = "导出失败"

    def draft_key(self) -> None:
        """A query, not data: nothing to keep when the app closes."""
        return None

    def __init__(self, rows: Sequence[LedgerRow], filters: str) -> None:
        super().__init__()
        self.rows = list(rows)
        self.filters = filters

    def form_title(self) -> str:
        return "导出整改台账"

    def fields(self) -> ComposeResult:
        yield Label(f"导出当前显示的 {len(self.rows)} 条（筛选：{self.filters}）。", markup=False)
        yield Label("文件路径（.xlsx 为 Excel，.docx 为 Word 横向表格，.csv 为通用表格）：")
        yield Input(str(default_path("xlsx", self.app.today())), id="path")

    def extra_buttons(self) -> ComposeResult:
        yield Button("改为 Word", id="docx")
        yield Button("改为 CSV", id="csv")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def button_pressed(self, button_id: str) -> None:
        path = self.query_one("#path", Input)
        path.value = str(
            Path(path.value.strip() or default_path(button_id, self.app.today())).with_suffix(f".{button_id}")
        )
        if button_id == "docx" and len(self.rows) > DOCX_ADVISED_ROWS:
            self.show_error(f"{len(self.rows)} 条的 Word 台账篇幅很长，建议导出 Excel 工作簿（.xlsx）。")
        path.focus()

    def submit(self) -> None:
        path, force = self.checked_path()
        self.export(path, path.suffix.lower().lstrip("."), force)

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: Path, fmt: str, force: bool) -> None:
        from inspector.documents.ledger_export import export_ledger_apart
        from inspector.reportback import report_cells

        app = self.app
        store = app.store

        def write() -> Path:
            committee = store.committee()
            today = app.today()
            return export_ledger_apart(
                self.rows,
                path,
                fmt,
                force=force,
                fonts=app.settings.memo_fonts,
                committee=committee.name if committee else app.settings.committee_name,
                filters=self.filters,
                when=today,
                author=store.user,
                reports=report_cells(store, today),
                progress=lambda done, total: app.call_from_thread(self.show_error, f"正在导出… {done}/{total} 条"),
            )

        self.write_reported(path, write)

    def done_message(self, path: Path) -> tuple[str, str]:
        return f"已导出 {len(self.rows)} 条到 {path}", "导出完成"
