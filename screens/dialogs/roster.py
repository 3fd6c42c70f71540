"""Import a roster of branches or of members from .xlsx or CSV: choose a file, preview, then confirm.

Nothing is saved until 确认导入; bad rows are listed one per line and left
out; a member who cannot be told apart from ones on file is a 待核对 row of the
table, left out until Enter on it says which member it is (or a new one). Reading a
county's workbook and saving it take seconds, so both run in a thread; the
save shows its progress batch by batch (`inspector/roster.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from inspector.errors import UserError
from inspector.labels import label
from inspector.members import candidate_line
from inspector.models import Branch, Member
from inspector.roster import (
    ADD,
    MEMBERS,
    NEW,
    SAME,
    UPDATE,
    RosterAmbiguity,
    RosterImport,
    RosterPreview,
    import_roster,
    read_roster,
    resolve,
)

from ..styles import tcss
from ..widgets.literal import LiteralTable
from ..widgets.textual_compat import Input

_PLACES = ("", "Desktop", "桌面", "Downloads", "下载", "Documents", "文档")


def candidate_files(extra: list[Path], limit: int = 12) -> list[Path]:
    """Workbooks and CSV files where people usually save them, newest first."""
    home = Path.home()
    folders = [Path.cwd(), *extra, *(home / p for p in _PLACES)]
    found: dict[Path, float] = {}
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for e in entries:
                    if e.name.lower().endswith((".csv", ".xlsx", ".xls")) and e.is_file():
                        found[Path(e.path).resolve()] = e.stat().st_mtime
        except OSError:
            continue
    return sorted(found, key=lambda p: -found[p])[:limit]


def clean_path(text: str) -> Path:
    """A path as typed or dropped into the terminal (quotes, ~)."""
    text = text.strip().strip("'\"")
    return Path(text).expanduser()


class RosterDialog(ModalScreen["int | None"]):
    """Dismisses the number of records saved, or None when cancelled; with
    `branch` (a branch name), a member roster without a branch column goes there."""

    DEFAULT_CSS = tcss("dialog", "roster_dialog")
    BINDINGS = [
        Binding("ctrl+s", "confirm", "确认导入", id="roster.confirm"),
        Binding("escape", "cancel", "取消", id="roster.cancel"),
    ]

    def __init__(self, branch: str | None = None) -> None:
        super().__init__()
        self.branch = branch
        self.preview: RosterPreview | None = None
        #: The user's choice for each 待核对 row, by line: NEW or a candidate's number.
        self.choices: dict[int, str] = {}
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            title = f"导入「{self.branch}」党员名册" if self.branch else "导入支部或党员名册"
            yield Static(f"{title}（Excel 工作簿 .xlsx 或 CSV）", classes="dialog-title", markup=False)
            with Horizontal(id="path-row"):
                yield Label("文件：")
                yield Input(placeholder="输入或拖入 .xlsx / .csv 文件路径，回车读取", compact=True, id="path")
            yield OptionList(id="files")
            yield Static(
                "有「姓名」列的是党员名册（须有「所在党支部」列，或从支部的花名册导入）；"
                "有「支部名称」列的是支部名册。不导入身份证号。",
                id="summary",
                classes="muted",
            )
            bar = ProgressBar(id="progress", show_eta=False)
            bar.display = False
            yield bar
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
        self.preview = None
        self.choices = {}
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#summary", Static).update(Text(f"正在读取：{path.name}…"))
        self._read(path)

    @work(thread=True, exclusive=True, group="roster-read")
    def _read(self, path: Path) -> None:
        store = self.app.store
        try:
            preview = read_roster(path, store.branches(), members_of=store.members, branch=self.branch)
        except UserError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self._show, preview)

    def _refused(self, message: str) -> None:
        self.preview = None
        self.query_one("#summary", Static).update(Text(message, style="bold red"))
        self.query_one("#preview", DataTable).display = self.query_one("#errors").display = False

    def _show(self, preview: RosterPreview) -> None:
        self.preview = preview
        table = self.query_one("#preview", DataTable)
        confirm = self.query_one("#confirm", Button)
        counts = preview.counts()
        what = "党员名册" if preview.kind == MEMBERS else "支部名册"
        bad = f"；有误 {len(preview.errors)} 行（不导入）" if preview.errors else ""
        unsure = f"；待核对 {len(preview.ambiguous)} 行（回车选择是谁，未选的不导入）" if preview.ambiguous else ""
        self.query_one("#summary", Static).update(
            f"{what}（{preview.encoding}）　新增 {counts[ADD]}，更新 {counts[UPDATE]}，无变化 {counts[SAME]}{bad}{unsure}"
        )
        table.clear(columns=True)
        if preview.kind == MEMBERS:
            table.add_columns("行", "操作", "姓名", "类别", "入党日期", "党小组")
            for r in preview.rows:
                m = r.record
                assert isinstance(m, Member)
                joined = m.joined_on.isoformat() if m.joined_on else ""
                table.add_row(str(r.line), r.action, m.name, label(m.status), joined, m.party_group)
            for a in preview.ambiguous:
                m = a.member
                joined = m.joined_on.isoformat() if m.joined_on else ""
                table.add_row(
                    str(a.line), self._choice_text(a), m.name, label(m.status), joined, m.party_group, key=str(a.line)
                )
        else:
            table.add_columns("行", "操作", "支部名称", "领域", "书记", "党员")
            for r in preview.rows:
                b = r.record
                assert isinstance(b, Branch)
                table.add_row(str(r.line), r.action, b.name, label(b.sector), b.secretary, str(b.members))
        table.display = True
        self.query_one("#files", OptionList).display = False
        problems = [str(e) for e in preview.errors] + [
            f"{a}\n" + "\n".join(f"　{n}. {candidate_line(m)}" for n, m in enumerate(a.candidates, 1))
            for a in preview.ambiguous
        ]
        self.query_one("#error-lines", Static).update(Text("\n".join(problems)))
        self.query_one("#errors").display = bool(problems)
        confirm.disabled = not preview.changes
        if preview.ambiguous:
            table.focus()
        elif preview.changes:
            confirm.focus()

    def _choice_text(self, row: RosterAmbiguity) -> str:
        choice = self.choices.get(row.line)
        if choice is None:
            return "待核对"
        return "新增" if choice == NEW else f"同第{choice}位"

    @on(DataTable.RowSelected, "#preview")
    def _next_choice(self, event: DataTable.RowSelected) -> None:
        """Enter on a 待核对 row steps through 新增, each member on file, and 待核对 again."""
        if self.preview is None or self.saving or event.row_key.value is None:
            return
        line = int(event.row_key.value)
        row = next(a for a in self.preview.ambiguous if a.line == line)
        steps: list[str | None] = [None, NEW, *(str(n) for n in range(1, len(row.candidates) + 1))]
        following = steps[(steps.index(self.choices.get(line)) + 1) % len(steps)]
        if following is None:
            self.choices.pop(line, None)
        else:
            self.choices[line] = following
        table = self.query_one("#preview", DataTable)
        table.update_cell(event.row_key, table.ordered_columns[1].key, self._choice_text(row))
        self.query_one("#confirm", Button).disabled = not (self.preview.changes or self.choices)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self.saving:
            return
        if self.preview is None or not (self.preview.changes or self.choices):
            self.notify("没有可导入的内容", severity="warning")
            return
        try:
            for line, choice in sorted(self.choices.items()):
                resolve(self.preview, line, choice)
        except UserError as exc:  # e.g. two rows said to be the same member on file
            self.notify(str(exc), severity="error", markup=False)
            self._show(self.preview)
            return
        finally:
            self.choices = {}
        self.saving = True
        self.query_one("#confirm", Button).disabled = True
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(self.preview.changes), progress=0)
        bar.display = True
        self._save(self.preview)

    @work(thread=True, exclusive=True, group="roster-save")
    def _save(self, preview: RosterPreview) -> None:
        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, progress=done, total=total)

        try:
            result = import_roster(self.app.store, preview, progress=progress)
        except UserError as exc:  # the batches before the failing one are saved, each whole
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._saved, result)

    def _failed(self, message: str) -> None:
        self.saving = False
        self.notify(f"{message}（已完成的批次已保存，可重新读取文件后继续导入）", severity="error", markup=False)
        self.query_one("#confirm", Button).disabled = False

    def _saved(self, result: RosterImport) -> None:
        what = "名党员" if self.preview is not None and self.preview.kind == MEMBERS else "个党支部"
        self.app.notify(f"已导入 {result.saved} {what}")
        if result.conflicts:
            self.app.notify("\n".join(result.conflicts), severity="warning", timeout=20, markup=False)
        self.dismiss(result.saved)

    def action_cancel(self) -> None:
        if self.saving:
            self.notify("正在导入，请等待完成", severity="warning")
            return
        self.dismiss(None)
