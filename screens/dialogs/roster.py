"""Import the branch roster from CSV: choose a file, preview, then confirm.

Nothing is saved until 确认导入; bad rows are listed one per line and left out.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from inspector.errors import UserError
from inspector.labels import label
from inspector.models import Branch
from inspector.roster import RosterPreview, import_roster, read_roster

from ..styles import tcss
from ..widgets.literal import LiteralTable

_PLACES = ("", "Desktop", "桌面", "Downloads", "下载", "Documents", "文档")


def candidate_files(extra: list[Path], limit: int = 12) -> list[Path]:
    """CSV files where people usually save them, newest first."""
    home = Path.home()
    folders = [Path.cwd(), *extra, *(home / p for p in _PLACES)]
    found: dict[Path, float] = {}
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.lower().endswith(".csv") and e.is_file():
                        found[Path(e.path).resolve()] = e.stat().st_mtime
        except OSError:
            continue
    return sorted(found, key=lambda p: -found[p])[:limit]


def clean_path(text: str) -> Path:
    """A path as typed or dropped into the terminal (quotes, ~)."""
    text = text.strip().strip("'\"")
    return Path(text).expanduser()


class RosterDialog(ModalScreen["int | None"]):
    """Dismisses the number of branches saved, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "roster_dialog")
    BINDINGS = [
        Binding("ctrl+s", "confirm", "确认导入", id="roster.confirm"),
        Binding("escape", "cancel", "取消", id="roster.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preview: RosterPreview | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("导入支部名册（CSV，Excel/WPS 另存为即可）", classes="dialog-title")
            with Horizontal(id="path-row"):
                yield Label("文件：")
                yield Input(placeholder="输入或拖入 CSV 文件路径，回车读取", compact=True, id="path")
            yield OptionList(id="files")
            yield Static(
                "表头须有「支部名称」列，可有：所属领域、支部书记、党员人数、党小组数、有领导干部党员、联系方式、备注。",
                id="summary",
                classes="muted",
            )
            table = LiteralTable(id="preview", cursor_type="row", zebra_stripes=True)
            table.display = False
            yield table
            yield VerticalScroll(Static("", id="error-lines"), id="errors")
            with Horizontal(classes="dialog-buttons"):
                yield Button("确认导入（Ctrl+S）", variant="primary", id="confirm", compact=True, disabled=True)
                yield Button("取消（Esc）", id="cancel", compact=True)

    def on_mount(self) -> None:
        files = candidate_files([self.app.store.root])
        options = self.query_one("#files", OptionList)
        if files:
            options.add_options([Option(str(p), id=str(p)) for p in files])
        else:
            options.display = False
        self.query_one("#errors").display = False
        self.query_one("#path", Input).focus()

    @on(OptionList.OptionSelected, "#files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        path = str(event.option.id)
        self.query_one("#path", Input).value = path
        self.load(Path(path))

    @on(Input.Submitted, "#path")
    def _path_entered(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.load(clean_path(event.value))

    def load(self, path: Path) -> None:
        summary = self.query_one("#summary", Static)
        errors_box = self.query_one("#errors")
        table = self.query_one("#preview", DataTable)
        confirm = self.query_one("#confirm", Button)
        try:
            preview = read_roster(path, self.app.store.branches())
        except UserError as exc:
            self.preview = None
            summary.update(Text(str(exc), style="bold red"))
            table.display = errors_box.display = False
            confirm.disabled = True
            return
        self.preview = preview
        counts = {a: sum(1 for r in preview.rows if r.action == a) for a in ("新增", "更新", "无变化")}
        bad = f"；有误 {len(preview.errors)} 行（不导入）" if preview.errors else ""
        summary.update(
            f"编码：{preview.encoding}　新增 {counts['新增']}，更新 {counts['更新']}，无变化 {counts['无变化']}{bad}"
        )
        table.clear(columns=True)
        table.add_columns("行", "操作", "支部名称", "领域", "书记", "党员")
        for r in preview.rows:
            b = r.record
            assert isinstance(b, Branch)
            table.add_row(str(r.line), r.action, b.name, label(b.sector), b.secretary, str(b.members))
        table.display = True
        self.query_one("#files", OptionList).display = False
        self.query_one("#error-lines", Static).update(Text("\n".join(str(e) for e in preview.errors)))
        errors_box.display = bool(preview.errors)
        confirm.disabled = not preview.changes
        if preview.changes:
            confirm.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self.preview is None or not self.preview.changes:
            self.notify("没有可导入的支部", severity="warning")
            return
        try:
            result = import_roster(self.app.store, self.preview)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.notify(f"已导入 {result.saved} 个党支部")
        if result.conflicts:
            self.app.notify("\n".join(result.conflicts), severity="warning", timeout=20, markup=False)
        self.dismiss(result.saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
