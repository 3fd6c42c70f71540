"""The 回头看 walk: the branch's open findings and 整顿, one key each.

1 已整改, 2 部分整改, 3 未整改 ask for the evidence seen, then
`inspector.followup.record` keeps the result and moves the ledger by its
rules; the message line says what moved, or why the rules kept it.
What colleagues save meanwhile (a finding closed elsewhere) is shown as it
comes (`screens/watched.py`), the cursor staying on its item.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from inspector import followup as fu
from inspector import visit as visits
from inspector.errors import UserError
from inspector.labels import label
from inspector.models import FollowUpResult, Visit, VisitStatus

from .cjk import fullwidth
from .styles import tcss
from .watched import WatchedScreen
from .widgets.fixed_table import FixedTable, spread
from .widgets.literal import literal
from .widgets.textual_compat import Footer

RESULT_STYLE = {FollowUpResult.DONE: "green", FollowUpResult.PARTLY: "yellow", FollowUpResult.NOT_DONE: "bold red"}
RESULT_KEY = {FollowUpResult.DONE: "1", FollowUpResult.PARTLY: "2", FollowUpResult.NOT_DONE: "3"}
_COLUMNS = (("no", "序号"), ("title", "事项"), ("deadline", "时限"), ("status", "台账状态"), ("result", "回头看"))
_FIXED = (4, 0, 10, 8, 8)
_FLEX = ((1, 16, 200),)


class FollowUpScreen(WatchedScreen):
    """One 回头看: record results, finish, reopen, draft and issue its memo."""

    HELP = (
        "回头看只查看本支部未销号的问题和软弱涣散整顿事项。按 1 已整改、2 部分整改、3 未整改，"
        "再填写佐证；已整改的问题由党委工作人员验收销号，台账状态按整改规则变动。"
    )
    DEFAULT_CSS = tcss("followup_screen")
    BINDINGS = [
        Binding("1", "record('DONE')", "结果", key_display="1-3", id="followup.done"),
        Binding("2", "record('PARTLY')", "结果", show=False, id="followup.partly"),
        Binding("3", "record('NOT_DONE')", "结果", show=False, id="followup.not_done"),
        Binding("n", "next_unchecked", "未查项", id="followup.next_unchecked"),
        Binding("j", "move(1)", "下一项", show=False, id="followup.down"),
        Binding("k", "move(-1)", "上一项", show=False, id="followup.up"),
        Binding("c", "finish", "完成", id="followup.finish"),
        Binding("r", "reopen", "重开", id="followup.reopen"),
        Binding("m", "memo", "反馈", tooltip="生成本次回头看的反馈意见草稿（Word 公文）", id="followup.memo"),
        Binding("i", "issue_memo", "印发", tooltip="印发反馈意见：确定成文日期和文号", id="followup.issue_memo"),
        Binding("escape", "back", "返回", id="followup.back"),
    ]

    def __init__(self, visit_id: str, branch_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.branch_id = branch_id
        self.targets: list[fu.Target] = []
        # Evidence typed for an item whose result was refused, offered again next time.
        self._typed: dict[str, str] = {}
        store = self.app.store
        self.branch = store.branch(branch_id)
        self.visit: Visit = store.visit(visit_id, branch_id)

    def compose(self) -> ComposeResult:
        yield Static(id="followup-title")
        yield Static(id="progress")
        yield FixedTable(id="targets", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#targets", FixedTable)
        for (key, title), width in zip(_COLUMNS, _FIXED):
            table.add_column(title, key=key, width=width)
        self._fit()
        self.mark_fresh()
        self._reload()
        left = [n for n, t in enumerate(self.targets) if t.key not in self.visit.followups]
        if left:
            table.move_cursor(row=left[0], animate=False)
        self._show_target()
        table.focus()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.query_one("#targets", FixedTable).set_widths(spread(self.app.size.width - 1, _FIXED, _FLEX, padding=2))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("finish", "record"):
            return not self.completed
        if action in ("reopen", "memo", "issue_memo"):
            return self.completed
        return True

    # ----------------------------------------------------------------- helpers
    @property
    def completed(self) -> bool:
        return self.visit.status == VisitStatus.COMPLETED

    @property
    def current(self) -> fu.Target | None:
        if not self.targets:
            return None
        row = self.query_one("#targets", FixedTable).cursor_row
        return self.targets[max(0, min(row, len(self.targets) - 1))]

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(literal(text))
        message.set_class(error, "error")
        message.set_class(not error and bool(text), "ok")

    def _result_cell(self, key: str) -> Text:
        given = self.visit.followups.get(key)
        if given is None:
            return Text("未查看", style="dim italic")
        return Text(label(given.value), style=RESULT_STYLE[given.value])

    def refresh_data(self) -> None:
        try:
            self._reload()
        except UserError as exc:  # the visit deleted or unreadable meanwhile: keep what is shown
            self.say(str(exc), error=True)
            return
        self._show_target()

    def _reload(self) -> None:
        """Read the visit and its targets again and redraw every row (a result moves other
        records too), the cursor staying on the item it was on while that is still listed."""
        store = self.app.store
        self.visit = store.visit(self.visit_id, self.branch_id)
        on = self.current
        self.targets = fu.targets(store, self.visit)
        table = self.query_one("#targets", FixedTable)
        keys = [t.key for t in self.targets]
        row = keys.index(on.key) if on is not None and on.key in keys else table.cursor_row
        table.clear()
        for n, t in enumerate(self.targets, 1):
            deadline = t.deadline.isoformat() if t.deadline else "未定"
            table.add_row(
                str(n), literal(fullwidth(t.title)), deadline, t.status_label, self._result_cell(t.key), key=t.key
            )
        if self.targets:
            table.move_cursor(row=max(0, min(row, len(self.targets) - 1)), animate=False)
        state = "已完成（只读，按 r 重新打开）" if self.completed else label(VisitStatus.DRAFT)
        title = f"{self.branch.name}　回头看　{self.visit.date.isoformat()}　{state}"
        self.query_one("#followup-title", Static).update(literal(title))
        seen = fu.tally(store, self.visit)
        line = (
            f"已查看 {seen.total}/{len(self.targets)}　｜　已整改 {seen.done}（销号 {seen.closed}）"
            f"　部分整改 {seen.partly}　未整改 {seen.not_done}"
        )
        self.query_one("#progress", Static).update(literal(line))
        self.refresh_bindings()

    def _show_target(self) -> None:
        target = self.current
        detail = self.query_one("#detail", Static)
        if target is None:
            detail.update(literal("没有需要回头看的事项"))
            return
        n = self.targets.index(target) + 1
        text = Text()
        text.append(f"第{n}项：", style="bold")
        text.append(fullwidth(target.title), style="bold")
        who = target.responsible
        text.append("\n责任：", style="bold cyan")
        text.append("、".join(x for x in (who.leader, who.person) if x) or "未定")
        text.append("　台账：", style="bold cyan")
        text.append(target.status_label)
        given = self.visit.followups.get(target.key)
        text.append("\n回头看：", style="bold cyan")
        if given is None:
            text.append("未查看　", style="dim")
        else:
            text.append(label(given.value), style=RESULT_STYLE[given.value])
            text.append(f"（{given.who}）　佐证：")
            text.append(given.evidence)
        if not self.completed:
            keys = "　".join(f"〔{RESULT_KEY[r]}〕{label(r)}" for r in FollowUpResult)
            text.append("\n" + keys, style="dim")
        detail.update(text)

    def on_data_table_row_highlighted(self, event: FixedTable.RowHighlighted) -> None:
        event.stop()
        self._show_target()

    # ----------------------------------------------------------------- actions
    def action_record(self, name: str) -> None:
        target = self.current
        if target is None:
            return
        result = FollowUpResult[name]
        given = self.visit.followups.get(target.key)
        from .dialogs.common import PromptDialog

        def typed(evidence: str | None) -> None:
            if evidence is None:
                return
            try:
                recorded = fu.record(self.app.store, self.visit, target.key, result, evidence)
            except UserError as exc:
                self._typed[target.key] = evidence
                self.refresh_data()
                # An item closed elsewhere meanwhile is no longer listed: the evidence stays in sight.
                gone = all(t.key != target.key for t in self.targets)
                self.say(f"{exc}（未记录的佐证：{evidence}）" if gone else str(exc), error=True)
                return
            self._typed.pop(target.key, None)
            self._reload()
            self.say(recorded.message)
            self.action_next_unchecked(quiet=True)

        self.app.push_screen(
            PromptDialog(
                f"回头看：{label(result)}",
                "佐证（查阅了什么、听到了什么、看到了什么）：",
                self._typed.get(target.key) or (given.evidence if given else ""),
                placeholder="如：查阅了第三季度党员大会记录",
            ),
            typed,
        )

    def action_next_unchecked(self, quiet: bool = False) -> None:
        table = self.query_one("#targets", FixedTable)
        start = table.cursor_row
        order = list(range(start + 1, len(self.targets))) + list(range(0, start + 1))
        left = [n for n in order if self.targets[n].key not in self.visit.followups]
        if left:
            table.move_cursor(row=left[0], animate=False)
        elif not quiet:
            self.say("每一项都已查看，按 c 完成回头看")
        self._show_target()

    def action_move(self, step: int) -> None:
        table = self.query_one("#targets", FixedTable)
        table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.targets) - 1)), animate=False)

    def action_finish(self) -> None:
        try:
            fu.finish(self.app.store, self.visit)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self._reload()
        self._show_target()
        self.say("回头看已完成；按 m 生成反馈意见")

    def action_reopen(self) -> None:
        from .dialogs.common import PromptDialog

        def typed(reason: str | None) -> None:
            if reason is None:
                return
            try:
                visits.reopen(self.app.store, self.visit, reason)
            except UserError as exc:
                self.say(str(exc), error=True)
                return
            self._reload()
            self._show_target()
            self.say("已重新打开")

        self.app.push_screen(PromptDialog("重新打开回头看", "理由：", placeholder="如：补录一项佐证"), typed)

    def action_memo(self) -> None:
        from .dialogs.memo import generate_memos

        def done(result) -> None:
            self.refresh_data()  # now lists the draft
            if result is not None and result.written:
                self.say(f"反馈意见草稿已保存到：{result.written[0]}")

        subject = f"{self.branch.name}　{self.visit.date.isoformat()} 回头看"
        generate_memos(self.app, subject, [(self.branch_id, self.visit_id)], then=done)

    def action_issue_memo(self) -> None:
        from .dialogs.memo import issue_memo

        def done(path: Path) -> None:
            self.refresh_data()  # now lists the issued memo
            self.say(f"反馈意见已印发：{path}")

        issue_memo(self.app, self.visit, done)

    def action_back(self) -> None:
        self.app.pop_screen()
