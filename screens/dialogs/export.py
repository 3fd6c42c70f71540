"""Ctrl+E on the ledger: the rows on screen (with their filters) to an .xlsx, .docx or .csv file.

The file is written by `inspector.documents.ledger_export` in a thread, so a Word table of
thousands of rows does not freeze the screen; the dialog says where it went.
Over SSH the path is on the server, so the dialog shows it in full.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Input, Label

from inspector.documents.ledger_export import DOCX_ADVISED_ROWS, FORMATS
from inspector.errors import OutputExists, UserError
from inspector.ledger.rows import LedgerRow

from ..styles import tcss
from .form import FormDialog

log = logging.getLogger("inspector.ui")


def default_path(fmt: str, today) -> Path:
    return Path.home() / f"整改台账-{today.isoformat()}.{fmt}"


class ExportDialog(FormDialog["Path | None"]):
    """Ask a path (.xlsx, .docx or .csv by its suffix), export in a worker; dismisses the written path."""

    DEFAULT_CSS = tcss("dialog", "export_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="export.cancel")]
    OK_LABEL = "导出（回车）"

    def draft_key(self) -> None:
        """A query, not data: nothing to keep when the app closes."""
        return None

    def __init__(self, rows: Sequence[LedgerRow], filters: str) -> None:
        super().__init__()
        self.rows = list(rows)
        self.filters = filters
        self._confirmed: str | None = None  # a path the user agreed to overwrite
        self.written: Path | None = None

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
        text = self.query_one("#path", Input).value.strip()
        if not text:
            raise UserError("请填写文件路径。")
        path = Path(text).expanduser()
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise UserError("文件名须以 .xlsx、.docx 或 .csv 结尾。")
        if path.is_dir():
            raise UserError(f"这是一个文件夹，请写上文件名：{path}")
        force = self._confirmed == str(path)
        if path.exists() and not force:
            self._confirmed = str(path)
            raise UserError("文件已存在；再按回车覆盖，或改一个文件名。")
        self.show_error("正在导出…")
        self.query_one("#ok", Button).disabled = True
        self.export(path, fmt, force)

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: Path, fmt: str, force: bool) -> None:
        from inspector.documents.ledger_export import export_ledger_apart

        app = self.app
        store = app.store
        try:
            committee = store.committee()
            written = export_ledger_apart(
                self.rows,
                path,
                fmt,
                force=force,
                fonts=app.settings.memo_fonts,
                committee=committee.name if committee else app.settings.committee_name,
                filters=self.filters,
                when=app.today(),
                author=store.user,
                progress=lambda done, total: app.call_from_thread(self.show_error, f"正在导出… {done}/{total} 条"),
            )
        except OutputExists:
            app.call_from_thread(self._failed, "文件已存在；再按回车覆盖，或改一个文件名。")
        except UserError as exc:
            app.call_from_thread(self._failed, f"导出失败：{exc}")
        except OSError as exc:
            log.warning("export to %s failed: %s", path, exc)
            app.call_from_thread(self._failed, f"导出失败：无法写入 {path}（没有权限或磁盘已满）")
        else:
            app.call_from_thread(self._done, written)

    def _failed(self, message: str) -> None:
        self.query_one("#ok", Button).disabled = False
        self.show_error(message)

    def _done(self, path: Path) -> None:
        self.written = path
        self.app.notify(f"已导出 {len(self.rows)} 条到 {path}", title="导出完成", timeout=12)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(self.written)
