"""The checklist walk-through of one site visit.

The inspector reads an item, presses one key to answer, and the answer is on
disk before the next key: each keystroke saves through `inspector.visit` and
updates only the row and counters it changed, so the screen keeps pace with
reading speed at county scale. The text lines have fixed heights and update
without a layout pass (a layout pass re-renders the whole screen).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from inspector import visit as visits
from inspector.checklist import PLAN_SECTIONS, Item, citation_text
from inspector.errors import EditConflict, SaveFailed, UserError
from inspector.labels import label, short_answer
from inspector.models import AnswerValue, Finding, Visit, VisitStatus
from inspector.roster_checks import facts_for
from inspector.store import Store
from inspector.templates import template_of

from .cjk import fullwidth
from .conflict import conflict_message
from .styles import tcss
from .tone import tone
from .widgets.fixed_table import FixedTable
from .widgets.literal import LiteralTable
from .widgets.textual_compat import Footer, Input, put_cell

log = logging.getLogger("inspector.ui")

ANSWER_STYLE = {
    AnswerValue.MET: "green",
    AnswerValue.PARTLY_MET: "yellow",
    AnswerValue.NOT_MET: "bold red",
    AnswerValue.NOT_APPLICABLE: "dim",
    AnswerValue.NOT_DUE: "cyan",
}
ANSWER_KEY = {
    AnswerValue.MET: "1",
    AnswerValue.PARTLY_MET: "2",
    AnswerValue.NOT_MET: "3",
    AnswerValue.NOT_APPLICABLE: "0",
    AnswerValue.NOT_DUE: "4",
}
SIDE_LIST_MIN_WIDTH = 100
NOTE_SAVE_DELAY = 0.4  # seconds after the last keystroke in the note field
_FIXED_COLUMNS = 4 + 9 + 8 + 2 * 4 + 2  # 序号, 编号, 作答, cell padding, scrollbar


def answer_cell(visit: Visit, item_id: str) -> Text:
    given = visit.answers.get(item_id)
    if given is None:
        return Text("未答", style="dim italic")
    return Text(short_answer(given.value), style=tone(ANSWER_STYLE[given.value]))


class ItemTable(FixedTable):
    """The item list; an answer repaints its own row only.

    `DataTable.update_cell` repaints every visible row; changing the cell and
    refreshing its row region gives the same picture for less of the 50 ms
    a keystroke may take.
    """

    def page_to(self, row: int) -> None:
        """Move the cursor; past the last visible row, turn a page so it sits at the top.

        Scrolling one line per answer would repaint every row on every key;
        turning a page repaints them once per screenful and lets the reader see
        what comes next.
        """
        top = int(self.scroll_y)
        visible = max(1, self.size.height - (self.header_height if self.show_header else 0))
        if not top <= row < top + visible:
            self.scroll_to(y=max(0, row - 1), animate=False, immediate=True)
        self.move_cursor(row=row, animate=False)

    def set_cell(self, row_key: str, column_key: str, value: object) -> None:
        put_cell(self, row_key, column_key, value)
        self.refresh_row(self.get_row_index(row_key))


class NoteInput(Input):
    """The note of the current item; Enter or Esc leaves it (saving) instead of leaving the visit.

    Both are priority bindings, so the focus is back on the items before the
    keys that came in the same burst are forwarded: `e`, a note, Enter and `1`
    typed in one go (a paste, a laggy SSH link) answer the item rather than
    ending the note in "1" (see `screens/dialogs/form_screen.py`).
    """

    BINDINGS = [
        Binding("escape", "leave", "完成备注", priority=True, id="visit.note.leave"),
        Binding("enter", "leave", "保存备注", show=False, priority=True, id="visit.note.enter"),
    ]

    def action_leave(self) -> None:
        self.screen.set_focus(self.screen.query_one("#items", DataTable))


class VisitScreen(Screen[None]):
    """One visit: answer items, take notes, record findings, finish, reopen."""

    DEFAULT_CSS = tcss("visit_screen")

    BINDINGS = [
        # One footer entry stands for the four answer keys (80 columns hold no more),
        # help lists them together, and the detail panel spells out each next to the item.
        Binding("1", "answer('MET')", "作答", key_display="0-3", id="visit.met"),
        Binding("2", "answer('PARTLY_MET')", "作答", show=False, id="visit.partly_met"),
        Binding("3", "answer('NOT_MET')", "作答", show=False, id="visit.not_met"),
        Binding("0", "answer('NOT_APPLICABLE')", "作答", show=False, id="visit.not_applicable"),
        Binding("4", "answer('NOT_DUE')", "作答", show=False, id="visit.not_due"),
        Binding("n", "next_unanswered", "未答项", id="visit.next_unanswered"),
        Binding("j", "move(1)", "下一项", show=False, id="visit.down"),
        Binding("k", "move(-1)", "上一项", show=False, id="visit.up"),
        Binding("g", "jump", "跳转", id="visit.jump"),
        Binding("e", "edit_note", "备注", id="visit.note"),
        Binding("f", "finding", "问题", id="visit.finding"),
        Binding("c", "finish", "完成", id="visit.finish"),
        Binding("r", "reopen", "重开", id="visit.reopen"),
        Binding("m", "memo", "反馈", tooltip="生成本次现场指导的反馈意见草稿（Word 公文）", id="visit.memo"),
        Binding(
            "i", "issue_memo", "印发", show=False, tooltip="印发反馈意见：确定成文日期和文号", id="visit.issue_memo"
        ),
        Binding(
            "a", "achievements", "成效", show=False, tooltip="填写反馈意见的主要做法和成效", id="visit.achievements"
        ),
        Binding("p", "pockets", "口袋党员", show=False, id="visit.pockets"),
        Binding("escape", "back", "返回", id="visit.back"),
    ]

    def __init__(self, visit_id: str, branch_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.branch_id = branch_id
        self.load_error: str | None = None
        self.items: list[Item] = []
        self._note_item: str | None = None
        self._note_timer: Timer | None = None
        self._stale_sections: set[str] = set()
        #: While a save the system refused is pending: the visit as last stored
        #: (`self.visit` then holds the unsaved answers and notes on top of it).
        self._stored: Visit | None = None
        store = self.app.store
        try:
            self.branch = store.branch(branch_id)
            self.visit: Visit = store.visit(visit_id, branch_id)
            self.template = template_of(store, self.visit)
        except (UserError, ValueError) as exc:  # ValueError: a snapshot whose hash does not match
            log.warning("visit %s cannot be opened: %s", visit_id, exc)
            self.load_error = str(exc)
            return
        # Read once: the roster's facts are then counted in memory as the cursor moves.
        self.roster = store.members(branch_id)
        self.items = visits.applicable_items(self.template, self.branch)
        self.row_of = {item.id: n for n, item in enumerate(self.items)}
        self.section_of = {item.id: self.template.section_of(item.id) for item in self.items}
        self.section_items: dict[str, list[str]] = {}
        for item in self.items:
            self.section_items.setdefault(self.section_of[item.id].id, []).append(item.id)
        self.findings = self._visit_findings()
        self.section_ids = list(self.section_items)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="visit-title")
        yield Static(id="progress")
        with Horizontal(id="visit-main"):
            yield LiteralTable(id="sections", cursor_type="row", show_cursor=True, zebra_stripes=False)
            yield ItemTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        with Horizontal(id="note-row"):
            yield Label("备注：", id="note-label")
            yield NoteInput(placeholder="按 e 填写，回车保存", id="note", compact=True)
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        if self.load_error is not None or not self.items:
            self.app.notify(
                self.load_error or "该检查清单没有适用于本支部的条目",
                title="无法打开现场指导",
                severity="error",
                markup=False,
            )
            self.app.pop_screen()
            return
        sections = self.query_one("#sections", DataTable)
        sections.can_focus = False
        sections.add_column("章节", key="title")
        sections.add_column("进度", key="count")
        for sid, ids in self.section_items.items():
            title = fullwidth(self.template.section_of(ids[0]).title)
            sections.add_row(title, self._section_count(sid), key=sid)
        table = self.query_one("#items", DataTable)
        table.add_column("序号", key="no", width=4)
        table.add_column("编号", key="id", width=9)
        table.add_column("检查内容", key="text", width=self._text_width())
        table.add_column("作答", key="answer", width=8)
        for n, item in enumerate(self.items, 1):
            table.add_row(str(n), item.id, fullwidth(item.text), answer_cell(self.visit, item.id), key=item.id)
        self._show_status()
        first = visits.unanswered(self.template, self.branch, self.visit)
        if first:
            table.move_cursor(row=self.row_of[first[0].id], animate=False)
        self._show_item()
        table.focus()
        self._restore_draft()

    def on_resize(self) -> None:
        if not self.items:
            return
        sections = self.query_one("#sections", DataTable)
        sections.display = self.size.width >= SIDE_LIST_MIN_WIDTH
        if sections.display:
            for sid in self._stale_sections:
                sections.update_cell(sid, "count", self._section_count(sid))
            self._stale_sections.clear()
        self.query_one("#detail").styles.height = 7 if self.size.height < 30 else 10
        self.query_one("#items", FixedTable).set_widths([4, 9, self._text_width(), 8])

    def _text_width(self) -> int:
        width = self.app.size.width
        if width >= SIDE_LIST_MIN_WIDTH:
            width -= 36
        return max(16, width - _FIXED_COLUMNS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Finish shows on a visit in progress, reopen on a completed one."""
        if action == "finish":
            return not self.completed
        if action == "reopen":
            return self.completed
        return True

    # ----------------------------------------------------------------- helpers
    @property
    def current_item(self) -> Item:
        row = self.query_one("#items", DataTable).cursor_row
        return self.items[max(0, min(row, len(self.items) - 1))]

    @property
    def completed(self) -> bool:
        return self.visit.status == VisitStatus.COMPLETED

    def _visit_findings(self) -> list[Finding]:
        return [f for f in self.app.store.findings(self.branch_id) if f.visit_id == self.visit_id]

    def _section_count(self, sid: str) -> str:
        ids = self.section_items[sid]
        return f"{sum(1 for i in ids if i in self.visit.answers)}/{len(ids)}"

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(Text(text), layout=False)
        message.set_class(error, "error")
        message.set_class(not error and bool(text), "ok")

    def _show_status(self) -> None:
        state = "已完成（只读，按 r 重新打开）" if self.completed else label(VisitStatus.DRAFT)
        title = f"{self.branch.name}　现场指导　{self.visit.date.isoformat()}　{state}"
        self.query_one("#visit-title", Static).update(Text(title), layout=False)
        self.query_one("#note", Input).disabled = self.completed
        self.refresh_bindings()
        self._show_progress()

    def _show_progress(self) -> None:
        item = self.current_item
        section = self.section_of[item.id]
        answered = sum(1 for i in self.items if i.id in self.visit.answers)
        not_due = visits.not_due_count(self.visit)
        line = (
            f"{fullwidth(section.title)} {self._section_count(section.id)}"
            f"　｜　全部 {answered}/{len(self.items)}"
            + (f"（未到节点 {not_due}）" if not_due else "")
            + f"　｜　问题 {len(self.findings)} 项"
        )
        self.query_one("#progress", Static).update(Text(line), layout=False)

    def _show_item(self) -> None:
        """Detail, note and progress of the item under the cursor."""
        self._save_note()
        item = self.current_item
        n = self.row_of[item.id] + 1
        text = Text()
        text.append(f"第{n}项·{item.id}：", style="bold")  # no space: Rich would break the line there
        text.append(fullwidth(item.text), style="bold")
        text.append("\n检查：", style=tone("bold cyan"))
        text.append(fullwidth(item.check))
        text.append("\n方式：", style=tone("bold cyan"))
        text.append("、".join(label(m) for m in item.methods))
        text.append("　依据：", style=tone("bold cyan"))
        text.append(f"方案{item.basis}「{PLAN_SECTIONS.get(item.basis, '')}」")
        cited = citation_text(item.cites, item.source, self.visit.date, self.app.sources)
        if cited:
            text.append(f"；{fullwidth(cited)}")
        if item.local:
            text.append("（本党委做法）", style="italic")
        given = self.visit.answers.get(item.id)
        text.append("\n作答：", style=tone("bold cyan"))
        if given:
            text.append(label(given.value), style=tone(ANSWER_STYLE[given.value]))
            text.append(f"（{given.who}）　")
        else:
            text.append("未答　", style="dim")
        keys = "　".join(f"〔{ANSWER_KEY[a]}〕{label(a)}" for a in item.answers_on(self.visit.date))
        text.append(keys, style="dim")
        fact = facts_for(
            self.template.id, item.id, self.roster, self.visit.date, self.app.settings.excellent_cap, self.app.templates
        )
        if fact:
            text.append("\n花名册：", style="bold cyan")
            text.append(fullwidth(fact))
        self.query_one("#detail", Static).update(text, layout=False)
        # Answering moves to the next item: the label says whose note this is.
        self.query_one("#note-label", Label).update(f"第{n}项备注：")
        note = self.query_one("#note", Input)
        note.value = given.note if given else self.visit.notes.get(item.id, "")
        self._note_item = item.id
        self._show_progress()

    def _update_rows(self, before: Visit) -> None:
        """Re-draw only the rows whose answers changed (ours, or merged from others)."""
        table = self.query_one("#items", ItemTable)
        sections = self.query_one("#sections", DataTable)
        touched = set()
        for item_id in before.answers.keys() | self.visit.answers.keys():
            if item_id in self.row_of and before.answers.get(item_id) != self.visit.answers.get(item_id):
                table.set_cell(item_id, "answer", answer_cell(self.visit, item_id))
                touched.add(self.section_of[item_id].id)
        if sections.display:
            for sid in touched:
                sections.update_cell(sid, "count", self._section_count(sid))
        else:  # hidden at 80 columns: brought up to date when shown again
            self._stale_sections |= touched

    def _apply(self, saved: Visit) -> None:
        before, self.visit = self.visit, saved
        self._update_rows(before)

    def _failed(self, exc: UserError) -> None:
        """A save refused: say why in one line and show what is on disk now;
        a save the system refused (full disk, no permission) keeps the change."""
        if isinstance(exc, SaveFailed) and isinstance(exc.unsaved, Visit) and not self.app.store.read_only:
            self._keep_unsaved(exc, exc.unsaved)
            return
        if isinstance(exc, EditConflict):
            self.say(conflict_message(exc, {"status": "完成状态"}, "已显示最新内容，请核对"), error=True)
        else:
            self.say(str(exc), error=True)
        self._reload()

    def _keep_unsaved(self, exc: SaveFailed, unsaved: Visit) -> None:
        """Show the change as made, keep it as a draft where the disk allows,
        and save it with the next answer or note (`_save_unsaved`)."""
        if self._stored is None:
            self._stored = self.visit
        self._apply(unsaved)
        self._show_progress()
        store = self.app.store
        kept = "本屏"
        try:
            store.save_draft(
                "visit",
                self.visit_id,
                {"visit": unsaved.model_dump_json(), "stored": self._stored.model_dump_json()},
                title=f"{self.branch.name}{self.visit.date.isoformat()}的现场指导",
                reason=str(exc),
            )
            kept = "本屏和草稿"
        except UserError:
            log.warning("visit %s: draft not kept either", self.visit_id, exc_info=True)
        self.say(f"{exc}（未保存的作答和备注留在{kept}，下次作答或改备注时一并保存）", error=True)

    def _saver(self) -> Store:
        """The store to save through: while a change is pending, each save
        carries it too (its base is the visit as last stored)."""
        if self._stored is None:
            return self.app.store
        return _WithPending(self.app.store, self._stored)  # type: ignore[return-value]

    def _saved_unsaved(self) -> None:
        """A save went through: whatever was pending went with it."""
        if self._stored is None:
            return
        self._stored = None
        try:
            self.app.store.discard_draft("visit", self.visit_id)
        except UserError:
            log.warning("visit %s: draft not removed", self.visit_id, exc_info=True)

    def _restore_draft(self) -> None:
        """Answers and notes a refused save kept as a draft: saved now if the disk allows."""
        draft = self.app.store.draft("visit", self.visit_id)
        if draft is None or self.completed:
            return
        try:
            unsaved = Visit.model_validate_json(draft["fields"]["visit"])
            stored = Visit.model_validate_json(draft["fields"]["stored"])
        except (KeyError, ValueError):
            log.warning("visit %s: unreadable draft ignored", self.visit_id, exc_info=True)
            return
        self._stored = stored
        try:
            saved = self._saver().save(unsaved)
        except UserError as exc:
            self._failed(exc)
            return
        self._saved_unsaved()
        self._apply(saved)
        self._show_item()
        self.say("已保存上次未能保存的作答和备注")

    def _reload(self) -> None:
        """After a clash with someone else's save: show what is on disk now."""
        self._apply(self.app.store.visit(self.visit_id, self.branch_id))
        self._show_status()
        self._show_item()

    def _goto(self, item_id: str) -> None:
        self._move_to(self.row_of[item_id])

    def _move_to(self, row: int) -> None:
        """Move the cursor and show the item in the same frame (the highlight
        message would only arrive a frame later)."""
        self.query_one("#items", ItemTable).page_to(row)
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        if self._note_item != self.current_item.id:
            self._show_item()
        sections = self.query_one("#sections", DataTable)
        row = self.section_ids.index(self.section_of[self.current_item.id].id)
        if sections.display and sections.cursor_row != row:
            sections.move_cursor(row=row, animate=False)

    # ------------------------------------------------------------------- notes
    def _save_note(self) -> None:
        """Save the note field if it differs from what is on record; a note on
        an unanswered item is kept on the visit until the item is answered."""
        if self._note_timer is not None:
            self._note_timer.stop()
            self._note_timer = None
        item_id = self._note_item
        if item_id is None or self.completed:
            return
        value = self.query_one("#note", Input).value.strip()
        given = self.visit.answers.get(item_id)
        if value == (given.note if given else self.visit.notes.get(item_id, "")):
            return
        try:
            self._apply(visits.set_note(self._saver(), self.visit, item_id, value))
        except UserError as exc:
            self._failed(exc)
            return
        self._saved_unsaved()
        self.say(f"已保存 {item_id} 的备注")

    def save_pending(self) -> None:
        """Called by the app before it exits (SIGHUP/SIGTERM): keep the typed note."""
        if self.items:
            self._save_note()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Save a pause after the last keystroke: a lid closed mid-sentence loses
        at most the last 0.4 s of typing, and a fast typist does not save per key."""
        if event.input.id != "note" or self.completed:
            return
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self._save_note)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "note":
            self._save_note()

    def action_edit_note(self) -> None:
        if self.completed:
            self.say(str(visits.VisitLocked()), error=True)
            return
        self.query_one("#note", Input).focus()

    # ----------------------------------------------------------------- answers
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "items":
            self._follow_cursor()

    def action_answer(self, name: str) -> None:
        value = AnswerValue[name]
        item = self.current_item
        if self.completed:
            self.say(str(visits.VisitLocked()), error=True)
            return
        try:
            saved = visits.answer(self._saver(), self.visit, item.id, value, template=self.template)
        except visits.AnswerNotAllowed as exc:
            self.say(str(exc), error=True)
            return
        except UserError as exc:
            self._failed(exc)
            return
        self._saved_unsaved()
        self._apply(saved)
        self.say(f"已保存：{item.id} {label(value)}")
        if value == AnswerValue.NOT_MET:
            self._offer_finding(item)
        else:
            self._advance()

    def _advance(self) -> None:
        table = self.query_one("#items", DataTable)
        if table.cursor_row < len(self.items) - 1:
            self._move_to(table.cursor_row + 1)
        else:
            self._show_item()

    def action_move(self, step: int) -> None:
        table = self.query_one("#items", DataTable)
        self._move_to(max(0, min(len(self.items) - 1, table.cursor_row + step)))

    def action_next_unanswered(self) -> None:
        missing = visits.unanswered(self.template, self.branch, self.visit)
        if not missing:
            self.say("所有条目均已作答，可按 c 完成")
            return
        after = [i for i in missing if self.row_of[i.id] > self.query_one("#items", DataTable).cursor_row]
        self._goto((after or missing)[0].id)

    def action_jump(self) -> None:
        from .dialogs.common import PromptDialog

        def go(value: str | None) -> None:
            if not value:
                return
            target = value.strip().upper()
            if target.isdigit() and 1 <= int(target) <= len(self.items):
                self._goto(self.items[int(target) - 1].id)
            elif target in self.row_of:
                self._goto(target)
            else:
                self.say(f"没有第「{value}」项（序号 1–{len(self.items)}，或条目编号如 PLAN-01）", error=True)

        self.app.push_screen(
            PromptDialog("跳转到条目", f"序号（1–{len(self.items)}）或条目编号：", placeholder="如 12 或 PLAN-01"),
            go,
        )

    # ---------------------------------------------------------------- findings
    def _offer_finding(self, item: Item) -> None:
        if any(f.item_id == item.id for f in self.findings):
            self.say(f"已保存：{item.id} 不符合（本条已登记问题，按 f 查看）")
            self._advance()
            return
        self._edit_finding(visits.finding_from_item(self.visit, item), is_new=True, then_advance=True)

    def action_finding(self) -> None:
        item = self.current_item
        existing = [f for f in self.findings if f.item_id == item.id]
        if existing:
            self._edit_finding(existing[0], is_new=False)
            return
        try:
            finding = visits.finding_from_item(self.visit, item)
        except visits.NotYetDue as exc:
            self.say(str(exc), error=True)
            return
        self._edit_finding(finding, is_new=True)

    def _edit_finding(self, finding: Finding, *, is_new: bool, then_advance: bool = False) -> None:
        from .finding import FindingEditor

        def done(saved: Finding | None) -> None:
            if saved is not None:
                self.findings = self._visit_findings()
                self.say(f"已登记问题：{saved.item_id or ''} 整改时限 {saved.deadline or '未定'}")
            elif is_new:
                self.say("未登记问题（可随时按 f 登记）")
            if then_advance:
                self._advance()
            else:
                self._show_progress()

        self.app.push_screen(FindingEditor(finding, is_new=is_new), done)

    # ---------------------------------------------------------- finish, reopen
    def action_finish(self) -> None:
        if self.completed:
            self.say("本次现场指导已完成")
            return
        self._save_note()
        missing = visits.unanswered(self.template, self.branch, self.visit)
        if missing:
            self._refuse_finish(missing)
            return
        self.findings = self._visit_findings()
        lacking = visits.without_finding(self.visit, self.findings)
        if lacking:
            self._ask_finding_or_reason(lacking)
            return
        from .dialogs.common import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                saved = visits.finish(self.app.store, self.visit, self.template, self.branch)
            except visits.VisitIncomplete as exc:
                self._refuse_finish(exc.items)
                return
            except visits.FindingsMissing as exc:
                self._ask_finding_or_reason(exc.item_ids)
                return
            except UserError as exc:
                self._failed(exc)
                return
            self._apply(saved)
            self._show_status()
            self._show_item()
            self.say("现场指导已完成，记录已转为只读；按 a 填写主要做法和成效，按 m 生成反馈意见")

        pending = visits.incomplete_findings(self.findings)
        listed = "、".join(f.item_id or f.description[:8] for f in pending)
        warning = f"问题 {listed} 的四明确尚不完整（待完善），完成后仍可在台账中补充。\n" if pending else ""
        self.app.push_screen(ConfirmDialog(f"{warning}完成后本次现场指导将转为只读，确定完成吗？"), confirmed)

    def _ask_finding_or_reason(self, item_ids: list[str]) -> None:
        """Each 不符合 item without a finding gets one, or a stated reason for none; then finishing goes on."""
        from .dialogs.common import ChoiceDialog, PromptDialog

        item_id = item_ids[0]
        self._goto(item_id)
        self.say(str(visits.FindingsMissing(item_ids)), error=True)

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                saved = visits.set_no_finding_reason(self.app.store, self.visit, item_id, reason)
            except UserError as exc:
                self._failed(exc)
                return
            self._apply(saved)
            self.action_finish()

        def chosen(index: int | None) -> None:
            if index == 0:
                self._edit_finding(visits.finding_from_item(self.visit, self.template.item(item_id)), is_new=True)
            elif index == 1:
                self.app.push_screen(PromptDialog("不登记问题", f"{item_id} 不登记问题的理由："), reason_given)

        self.app.push_screen(
            ChoiceDialog(
                "答「不符合」但未登记问题",
                f"条目 {item_id}（共 {len(item_ids)} 项）：",
                ["登记问题", "不登记，说明理由"],
            ),
            chosen,
        )

    def _refuse_finish(self, missing: list[Item]) -> None:
        """One line that fits 80 columns, most important first; the cursor goes to the first gap."""
        ids = "、".join(i.id for i in missing)
        self.say(f"还有 {len(missing)} 项未作答，不能完成（按 n 逐项查看）：{ids}", error=True)
        self._goto(missing[0].id)

    def action_reopen(self) -> None:
        if not self.completed:
            self.say("本次现场指导尚未完成，无需重新打开")
            return
        from .dialogs.common import PromptDialog

        def reopen(reason: str | None) -> None:
            if not reason:
                self.say("未重新打开")
                return
            try:
                saved = visits.reopen(self.app.store, self.visit, reason)
            except UserError as exc:
                self._failed(exc)
                return
            self._apply(saved)
            self._show_status()
            self._show_item()
            self.say(f"已重新打开（理由：{reason}）")

        self.app.push_screen(PromptDialog("重新打开现场指导", "请填写重新打开的理由（将记入记录）："), reopen)

    # -------------------------------------------------------------------- memo
    def action_memo(self) -> None:
        from .dialogs.memo import NOT_COMPLETED, generate_memos

        if not self.completed:
            self.say(f"{NOT_COMPLETED}（所有条目作答后按 c 完成）", error=True)
            return

        def done(result) -> None:
            if result is None or not result.written:
                return
            try:
                self.visit = self.app.store.visit(self.visit_id, self.branch_id)  # now lists the memo
            except UserError as exc:
                log.warning("visit %s after memo: %s", self.visit_id, exc)
            self.say(f"反馈意见已保存到：{result.written[0]}")

        subject = f"{self.branch.name}　{self.visit.date.isoformat()} 现场指导"
        generate_memos(self.app, subject, [(self.branch_id, self.visit_id)], then=done)

    def action_issue_memo(self) -> None:
        from .dialogs.memo import NOT_COMPLETED, issue_memo

        if not self.completed:
            self.say(f"{NOT_COMPLETED}（所有条目作答后按 c 完成）", error=True)
            return

        def done(path: Path) -> None:
            try:
                self.visit = self.app.store.visit(self.visit_id, self.branch_id)  # now lists the issued memo
            except UserError as exc:
                log.warning("visit %s after issue: %s", self.visit_id, exc)
            self.say(f"反馈意见已印发：{path}")

        issue_memo(self.app, self.visit, done)

    def action_achievements(self) -> None:
        from inspector.achievements import NOT_COMPLETED

        from .achievements import AchievementsEditor

        if not self.completed:
            self.say(f"{NOT_COMPLETED}（所有条目作答后按 c 完成）", error=True)
            return

        def done(saved: Visit | None) -> None:
            if saved is not None:
                self.visit = saved
                self.say("主要做法和成效已保存，生成反馈意见时采用")

        self.app.push_screen(AchievementsEditor(self.visit, self.branch.name), done)

    # -------------------------------------------------------------- navigation
    def action_pockets(self) -> None:
        from .pockets import PocketScreen

        self._save_note()
        self.app.push_screen(PocketScreen(self.branch_id, visit_id=self.visit_id))

    def action_back(self) -> None:
        self._save_note()
        if self._stored is not None:
            self.app.notify(
                "本次现场指导有未能保存的作答和备注：已尽量留作草稿，再次打开时保存。",
                title="未保存",
                severity="warning",
                timeout=15,
            )
        self.app.pop_screen()


class _WithPending:
    """A store whose saves of one visit use `stored` as their base, so that
    changes a refused save left in the visit are saved along with the next."""

    def __init__(self, store: Store, stored: Visit) -> None:
        self._store = store
        self._stored = stored

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save(self, record: Visit, *, base: Visit | None = None, at: Any = None) -> Visit:
        return self._store.save(record, base=self._stored, at=at)
