"""Editor of a completed visit's 主要做法和成效 (the memo's 二), one achievement a line.

An empty field starts from the memo's suggestion (the sections fully met,
in the committee's phrases), worked out in a thread because it reads the
branch's records; the suggestion counts as the starting text, so Esc
without typing leaves at once. The rules (3–5 lines, none too long, only
on a completed visit) are `inspector.achievements`.
"""

from __future__ import annotations

import logging

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from inspector import achievements as ach
from inspector.errors import UserError
from inspector.labels import SYNC_FIELDS
from inspector.models import Visit

from .dialogs.record_editor import RecordEditor
from .styles import tcss
from .widgets.textual_compat import Footer, TextArea

log = logging.getLogger("inspector.ui")

HINT = f"每行一条，写{ach.MIN_ACHIEVEMENTS}–{ach.MAX_ACHIEVEMENTS}条，先概括、再写做法。"


class AchievementsEditor(RecordEditor[Visit]):
    """Dismisses the saved Visit, or None when left without saving."""

    FIELD_LABELS = {"achievements": SYNC_FIELDS["achievements"]}
    ERROR_ID = "achievements-error"
    LAST_FIELD = "achievements"

    DEFAULT_CSS = tcss("achievements_editor")
    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="achievements.save"),
        Binding("escape", "cancel", "取消", id="achievements.cancel"),
    ]

    def __init__(self, visit: Visit, branch_name: str) -> None:
        super().__init__(visit, is_new=False)
        self.branch_name = branch_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="achievements-box"):
            yield Static("主要做法和成效（Ctrl+S 或 F2 保存，Esc 放弃）", id="achievements-title")
            yield Static(f"{self.branch_name}　{self.original.date.isoformat()} 现场指导", id="achievements-source")
            yield Static(HINT, id="achievements-hint")
            yield TextArea(self.original.achievements, id="achievements", soft_wrap=True)
            yield Static("", id="achievements-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#achievements", TextArea).focus()

    def form_ready(self) -> None:
        super().form_ready()  # may put back a draft
        if not self.query_one("#achievements", TextArea).text.strip():
            self.error("正在生成建议内容…")
            self._suggest()

    @work(thread=True, exclusive=True)
    def _suggest(self) -> None:
        from inspector.documents import memo

        try:
            lines = memo.suggest_achievements(memo.gather(self.app.store, self.original))
        except UserError as exc:
            log.warning("no achievement suggestion for visit %s: %s", self.original.id, exc)
            lines = []
        self.app.call_from_thread(self._suggested, lines)

    def _suggested(self, lines: list[str]) -> None:
        area = self.query_one("#achievements", TextArea)
        if area.text.strip() or self.form_changed():  # the inspector started typing meanwhile
            return
        if not lines:
            self.error("没有可建议的内容（各方面均有问题），请直接填写")
            return
        area.text = "\n".join(line.rstrip("。") for line in lines)
        self._initial = self.form_values()  # the suggestion is where editing starts
        self.error("")
        self.query_one("#achievements-hint", Static).update(f"以下为建议内容（{len(lines)}条），修改后保存。{HINT}")

    def draft_title(self) -> str:
        return f"{self.branch_name}主要做法和成效"

    def edited(self) -> Visit:
        return ach.edited(self.original, self.query_one("#achievements", TextArea).text)
