"""A form that asks where to write a file and writes it in a worker: the
ledger export and the Word documents (通报, paper checklist) share the path
checks, the overwrite question and the one-line errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.widgets import Button

from inspector.errors import OutputExists, UserError

from ..widgets.textual_compat import Input
from .form import FormDialog

log = logging.getLogger("inspector.ui")

EXISTS = "文件已存在；再按回车覆盖，或改一个文件名。"


def suffix_rule(suffixes: tuple[str, ...]) -> str:
    """「文件名须以 .xlsx、.docx 或 .csv 结尾。」 for the suffixes allowed."""
    named = [f".{s}" for s in suffixes]
    listed = named[0] if len(named) == 1 else "、".join(named[:-1]) + f" 或 {named[-1]}"
    return f"文件名须以 {listed} 结尾。"


class OutputFileDialog(FormDialog["Path | None"]):
    """Subclasses name the suffixes, the verb and what `write` does; `written` is dismissed."""

    SUFFIXES: ClassVar[tuple[str, ...]]
    VERB: ClassVar[str]  # 生成 / 导出
    FAILED: ClassVar[str]  # the start of a failure line

    def __init__(self) -> None:
        super().__init__()
        self._confirmed: str | None = None  # a path the user agreed to overwrite
        self.written: Path | None = None

    def checked_path(self) -> tuple[Path, bool]:
        """The path typed and whether to overwrite it, or UserError (an existing file asks once)."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            raise UserError("请填写文件路径。")
        path = Path(text).expanduser()
        if path.suffix.lower().lstrip(".") not in self.SUFFIXES:
            raise UserError(suffix_rule(self.SUFFIXES))
        if path.is_dir():
            raise UserError(f"这是一个文件夹，请写上文件名：{path}")
        force = self._confirmed == str(path)
        if path.exists() and not force:
            self._confirmed = str(path)
            raise UserError(EXISTS)
        self.show_error(f"正在{self.VERB}…")
        self.query_one("#ok", Button).disabled = True
        return path, force

    def write_reported(self, path: Path, write: Callable[[], Path]) -> None:
        """Run `write` (in the worker) and report how it went on the screen's thread."""
        app = self.app
        try:
            written = write()
        except OutputExists:
            app.call_from_thread(self._failed, EXISTS)
        except UserError as exc:
            app.call_from_thread(self._failed, f"{self.FAILED}：{exc}")
        except OSError as exc:
            log.warning("%s to %s failed: %s", self.VERB, path, exc)
            app.call_from_thread(self._failed, f"{self.FAILED}：无法写入 {path}（没有权限或磁盘已满）")
        else:
            app.call_from_thread(self._done, written)

    def done_message(self, path: Path) -> tuple[str, str]:
        """The notice (text, title) once `path` is written."""
        raise NotImplementedError

    def _failed(self, message: str) -> None:
        self.query_one("#ok", Button).disabled = False
        self.show_error(message)

    def _done(self, path: Path) -> None:
        self.written = path
        text, title = self.done_message(path)
        self.app.notify(text, title=title, timeout=12)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(self.written)
