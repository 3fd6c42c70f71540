"""冲突处理: the fields two installations changed differently, for staff to settle.

An import never overwrites such a field: both values stay and the field is
listed here. Staff pick the value to keep (1, 2, … or Enter for a list), the
pick is confirmed and saved by `sync.resolve_conflict` as a change of its own
by the current user, so it travels on to the other installations like any
edit. The list is read in a thread (it scans the branch files) and again
after every pick and whenever the screen comes back.
"""

from __future__ import annotations

import logging

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from inspector.errors import UserError
from inspector.sync.merge import (
    FIELD_LABELS,
    KIND_LABELS,
    Conflict,
    ConflictSide,
    list_conflicts,
    local_time,
    resolve_conflict,
)

from .cjk import fullwidth
from .styles import tcss
from .widgets.fixed_table import FixedTable, spread
from .widgets.textual_compat import Footer

log = logging.getLogger("inspector.ui")

_WIDTHS = (10, 12, 8, 24)  # 党支部 记录 字段 各方的值
_FLEX = ((3, 24, 60), (0, 10, 16), (1, 12, 30))  # the values get room first
COMMITTEE_ROW = "（党委）"


def side_origin(side: ConflictSide) -> str:
    """Who made a value, when and where: this installation's side is marked 本机."""
    where = "本机" if side.local else f"安装 {side.inst[:8]}"
    return f"{side.who}，{local_time(side.at)}，{where}"


def side_choice(side: ConflictSide) -> str:
    return f"{fullwidth(side.shown)}（{side_origin(side)}）"


def record_cell(conflict: Conflict) -> str:
    return fullwidth(f"{KIND_LABELS.get(conflict.kind, conflict.kind)}「{conflict.title}」")


def field_cell(conflict: Conflict) -> str:
    head, _, key = conflict.field.partition(".")
    return FIELD_LABELS.get(head, head) + (f"（{key}）" if key else "")


def sides_cell(conflict: Conflict) -> Text:
    """The values side by side, numbered as the keys that pick them; ours marked."""
    text = Text()
    for n, side in enumerate(conflict.sides, 1):
        if n > 1:
            text.append("　")
        text.append(f"{n}.", style="bold")
        text.append(fullwidth(side.shown))
        text.append("（本机）" if side.local else f"（{side.who}）", style="dim")
    return text


class ConflictTable(FixedTable):
    BINDINGS = [
        Binding("enter", "select_cursor", "选择", tooltip="列出各方的值，选择保留哪一个", id="conflicts.choose")
    ]


class ConflictsScreen(Screen[None]):
    HELP = (
        "同步时两台电脑对同一处作了不同的修改，两边的值都已保留，在此选定保留哪一个。"
        "↑↓ 选择冲突，按 1、2… 保留对应的值（回车则逐项列出）；选定后记为你的一次修改，"
        "下次同步时带到其他电脑。"
    )
    DEFAULT_CSS = tcss("conflicts_screen")
    BINDINGS = [
        Binding("1", "pick(0)", "保留第几个值", key_display="1–9", id="conflicts.pick"),
        *(Binding(str(n), f"pick({n - 1})", "保留第几个值", show=False, id=f"conflicts.pick{n}") for n in range(2, 10)),
        Binding("f5", "reload", "刷新", show=False, id="conflicts.reload"),
        Binding("escape", "back", "返回", id="conflicts.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: list[Conflict] = []
        self.loaded = False
        self._busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在查找冲突…", id="caption")
        yield ConflictTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    @property
    def table(self) -> ConflictTable:
        return self.query_one("#table", ConflictTable)

    def on_mount(self) -> None:
        self.sub_title = "冲突处理"
        for label, width in zip(("党支部", "记录", "字段", "各方的值"), _WIDTHS):
            self.table.add_column(label, width=width)
        self._fit_columns()
        self.table.focus()
        self.reload()

    def on_resize(self) -> None:
        self._fit_columns()

    def on_screen_resume(self) -> None:
        if self.loaded and not self._busy:
            self.reload()

    def _fit_columns(self) -> None:
        self.table.set_widths(spread(self.app.size.width - 1, _WIDTHS, _FLEX, 2))

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, group="conflicts")
    def reload(self) -> None:
        try:
            found = list_conflicts(self.app.store)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show_conflicts, found)

    def action_reload(self) -> None:
        self.reload()

    def show_conflicts(self, found: list[Conflict]) -> None:
        keep = self.current()
        self.conflicts = found
        self.loaded = True
        table = self.table
        table.clear()
        for c in found:
            where = c.branch_name if c.branch_id else COMMITTEE_ROW
            table.add_row(Text(where), Text(record_cell(c)), Text(field_cell(c)), sides_cell(c), key=c.id)
        if keep is not None and keep.id in {c.id for c in found}:
            table.move_cursor(row=[c.id for c in found].index(keep.id), animate=False)
        branches = len({c.branch_id for c in found})
        self.query_one("#caption", Static).update(
            f"待处理的同步冲突：{len(found)} 处，涉及 {branches} 个党支部" if found else "没有待处理的同步冲突"
        )
        self._show_detail()

    def current(self) -> Conflict | None:
        row = self.table.cursor_row
        if not self.conflicts or not 0 <= row < len(self.conflicts):
            return None
        return self.conflicts[row]

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        c = self.current()
        detail = self.query_one("#detail", Static)
        if c is None:
            detail.update("两台电脑改了同一处时，导入同步包后会列在这里。" if self.loaded else "")
            return
        where = c.branch_name if c.branch_id else "党委"
        lines = [
            f"[b]{escape(where)}：{escape(fullwidth(c.label))}[/b]　当前显示：{escape(fullwidth(c.current_shown))}"
        ]
        for n, side in enumerate(c.sides, 1):
            mark = "[b]本机[/b]" if side.local else escape(f"安装 {side.inst[:8]}")
            lines.append(
                f" [b]{n}.[/b] {escape(fullwidth(side.shown))}"
                f"　[dim]— {escape(side.who)}，{local_time(side.at)}，[/dim]{mark}"
            )
        lines.append(f"[dim]按 1–{len(c.sides)} 保留对应的值，回车逐项选择，Esc 返回。[/dim]")
        detail.update("\n".join(lines))

    # --------------------------------------------------------------- picking
    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        from .dialogs.common import ChoiceDialog

        c = self.current()
        if c is None:
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.action_pick(index)

        self.app.push_screen(
            ChoiceDialog(
                "选择保留的值",
                f"{fullwidth(c.label)}（{c.branch_name or '党委'}）：",
                [side_choice(s) for s in c.sides],
            ),
            chosen,
        )

    def action_pick(self, index: int) -> None:
        """Confirm, then keep side `index` of the highlighted conflict."""
        from .dialogs.common import ConfirmDialog

        c = self.current()
        if c is None or self._busy:
            return
        if not 0 <= index < len(c.sides):
            self.notify(f"这一处只有 {len(c.sides)} 个值可选", severity="warning")
            return
        side = c.sides[index]
        others = len(c.sides) - 1
        whose = "" if c.kind == "branch" else f"（{c.branch_name or '党委'}）"
        message = (
            f"{fullwidth(c.label)}{whose}\n"
            f"保留：{fullwidth(side.shown)}\n"
            f"　　　（{side_origin(side)}）\n"
            f"另外 {others} 个值仍留在修改记录中。这一选择记为 {self.app.store.user} 的修改，下次同步时带到其他电脑。"
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._busy = True
                self._resolve(c, side)

        self.app.push_screen(ConfirmDialog(message, yes="保留（Y）", no="取消（N）"), confirmed)

    @work(thread=True, exclusive=True, group="resolve")
    def _resolve(self, conflict: Conflict, side: ConflictSide) -> None:
        try:
            resolve_conflict(self.app.store, conflict.id, side.change_id)
        except UserError as exc:
            self.app.call_from_thread(self._resolved, str(exc), True)
        except Exception:
            log.exception("resolving conflict %s failed", conflict.id)
            self.app.call_from_thread(self._resolved, "保存失败：系统错误，详见日志", True)
        else:
            text = f"已保留：{fullwidth(conflict.label)} ＝ {fullwidth(side.shown)}"
            self.app.call_from_thread(self._resolved, text, False)

    def _resolved(self, message: str, failed: bool) -> None:
        self._busy = False
        self.notify(message, severity="error" if failed else "information", timeout=8, markup=False)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


def open_conflicts(app) -> None:
    """Show the Conflicts screen over the home screen (from anywhere)."""
    if isinstance(app.screen, ConflictsScreen):
        app.screen.reload()
        return
    app.go_home()
    app.push_screen(ConflictsScreen())


def notify_open_conflicts(app) -> None:
    """At start: say so when conflicts wait (read in a thread; a branch file
    without one is not even parsed, so this costs one read per file)."""

    def check() -> None:
        try:
            found = list_conflicts(app.store)
        except UserError:
            log.warning("checking for conflicts failed", exc_info=True)
            return
        if found:
            app.call_from_thread(
                app.notify,
                f"有 {len(found)} 处同步冲突待处理：按 F7 查看并选择保留哪个值。",
                title="同步冲突",
                severity="warning",
                timeout=12,
            )

    app.run_worker(check, thread=True, group="conflict-check", exclusive=True)
