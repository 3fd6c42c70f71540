"""What every form shares: Enter moves on at once, and Esc asks before typing is lost.

Enter is a priority binding: the screen moves focus (or saves) while the app
handles the Enter key itself, before it forwards the keys that came in the
same burst (paste, a laggy SSH link). Left to the Input, its Submitted
message is handled only after those keys already went to the field being
left. Before it acts, Enter waits for every field to take the keys typed
before it (`fields_settled`), so a save reads them. Outside an Input (a
button, a text area, a select) Enter does what that widget does.

Esc leaves a form at once when nothing was changed since it opened, and
otherwise asks 保存 / 放弃 / 继续编辑 (`LeaveDialog`).

Whatever is typed survives the app closing (SIGHUP from a dropped SSH link,
SIGTERM, ctrl+q): `save_pending` keeps an open form's fields as a draft in
the data folder (`Store.save_draft`, per user, under `draft_key`), and the
form opened again for the same thing puts them back with a notice.

A date field (an Input with the class `date`) says under it, as one types,
the date it understood (→ 2017年1月5日 星期四), so 2017/1/5 or 20170105 is
seen read right before it is saved.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime
from typing import ClassVar, TypeVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from inspector.dates import understood
from inspector.errors import UserError
from inspector.store import Store

from ..styles import tcss
from ..widgets.textual_compat import Input, TextArea

log = logging.getLogger("inspector.ui")
ResultT = TypeVar("ResultT")

SAVE = "save"
DISCARD = "discard"
#: The longest Enter waits for the fields to take the keys typed before it.
SETTLE_SECONDS = 1.0


class LeaveDialog(ModalScreen["str | None"]):
    """Dismisses SAVE, DISCARD, or None to go on editing (also Esc)."""

    DEFAULT_CSS = tcss("dialog", "leave_dialog")
    BINDINGS = [
        Binding("escape", "keep", "继续编辑", id="leave.keep"),
        Binding("s", "choose('save')", "保存", id="leave.save"),
        Binding("d", "choose('discard')", "放弃", id="leave.discard"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("有未保存的修改", classes="dialog-title")
            yield Static("本表单有修改尚未保存。要保存吗？", id="message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("保存（S）", variant="primary", id=SAVE)
                yield Button("放弃修改（D）", variant="error", id=DISCARD)
                yield Button("继续编辑（Esc）", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id if event.button.id in (SAVE, DISCARD) else None)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_keep(self) -> None:
        self.dismiss(None)


class FormScreen(ModalScreen[ResultT]):
    """A form: `save_form` saves or submits it, `leave` closes it unsaved."""

    BINDINGS = [Binding("enter", "field_enter", "下一项", show=False, priority=True, id="form.enter")]
    #: Widget types whose content counts as typing.
    FIELD_TYPES: ClassVar[tuple[type, ...]] = (Input, TextArea, Select)

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, str] = {}

    # ----------------------------------------------------------- form values
    def form_values(self) -> dict[str, str]:
        """Every field's content as text, by widget id."""
        values = {}
        for widget in self.query("Input, TextArea, Select"):
            if widget.id is None:
                continue
            if isinstance(widget, Input):
                values[widget.id] = widget.value
            elif isinstance(widget, TextArea):
                values[widget.id] = widget.text
            elif isinstance(widget, Select):
                values[widget.id] = "" if widget.is_blank() else str(widget.value)
        return values

    def set_form_values(self, values: dict[str, str]) -> None:
        """Put back what `form_values` returned (fields this form lacks are ignored)."""
        for wid, text in values.items():
            found = self.query(f"#{wid}")
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Input):
                widget.value = text
            elif isinstance(widget, TextArea):
                widget.text = text
            elif isinstance(widget, Select) and text:
                # Select values are StrEnum members, equal to their text.
                widget.value = text

    def form_changed(self) -> bool:
        return self.form_values() != self._initial

    def on_mount(self) -> None:
        # Runs after the subclass's own on_mount (Textual calls each class's handler, subclass first).
        self._initial = self.form_values()
        self._restore_draft()
        self.form_ready()

    def form_ready(self) -> None:
        """The form is on screen with the record's values (a hook)."""

    def form_message(self, text: str) -> None:
        """Show a line on the form (its error line; a toast by default)."""
        self.app.notify(text)

    # ------------------------------------------------------------------ drafts
    def draft_key(self) -> tuple[str, str] | None:
        """(kind, id) of what this form edits, under which its draft is kept; None keeps none."""
        return None

    def _drafts(self) -> tuple[Store, tuple[str, str]] | None:
        """Where this form's draft goes; None for a form without one, or shown in an app
        without a data folder (a dialog on its own)."""
        store = getattr(self.app, "store", None)
        key = self.draft_key()
        return (store, key) if isinstance(store, Store) and key is not None else None

    def draft_title(self) -> str:
        """What the draft is of, as the start-up notice names it."""
        raise NotImplementedError

    def _restore_draft(self) -> None:
        where = self._drafts()
        draft = where[0].draft(*where[1]) if where else None
        if draft is None:
            return
        self.set_form_values(draft["fields"])
        kept = datetime.fromisoformat(draft["saved"]).astimezone().strftime("%m-%d %H:%M")
        self.form_message(f"已恢复 {kept} 未能保存的内容（{draft['reason']}）；Esc 可放弃")

    def keep_draft(self, reason: str) -> None:
        where = self._drafts()
        if where is None:
            return
        try:
            where[0].save_draft(*where[1], self.form_values(), title=self.draft_title(), reason=reason)
        except (UserError, OSError) as exc:
            log.error("draft not kept: %s", exc)

    def forget_draft(self) -> None:
        where = self._drafts()
        if where is None:
            return
        try:
            where[0].discard_draft(*where[1])
        except (UserError, OSError) as exc:
            log.warning("draft not removed: %s", exc)

    def save_pending(self) -> None:
        """The app is closing: keep what was typed as a draft (a record editor saves it if it can)."""
        if self.form_changed():
            log.warning("unsubmitted form kept as a draft on exit: %s", self.draft_title())
            self.keep_draft("程序关闭时尚未提交")

    # ------------------------------------------------------------------ dates
    @on(Input.Changed, ".date")
    def _echo_date(self, event: Input.Changed) -> None:
        field = event.input
        echo_id = f"{field.id}-echo"
        found = self.query(f"#{echo_id}")
        if found:
            echo = found.first(Static)
        elif field.value == self._initial.get(field.id or ""):
            return  # the value the form opened with (or set before it was shown) needs no echo
        else:
            echo = Static("", id=echo_id, classes="date-echo", markup=False)
            # Under the field's row (a label and the field side by side), else under the field.
            row = field.parent if isinstance(field.parent, Horizontal) else field
            row.parent.mount(echo, after=row)  # type: ignore[union-attr]
        echo.update(understood(field.value))
        echo.display = bool(field.value.strip())

    # ------------------------------------------------------------------ keys
    async def action_field_enter(self) -> None:
        focused = self.focused
        if not isinstance(focused, Input):
            raise SkipAction()
        await self.fields_settled()
        self.enter_in(focused)

    async def fields_settled(self) -> None:
        """Wait until every field has handled the keys already sent to it.

        The app hands each key to the widget focused at that moment and goes on
        at once; a burst (刘明, Tab, 赵强, Enter) reaches this priority Enter
        while both names still wait in their fields' queues, so a save here
        would read them empty. A callback queued behind those keys marks each
        field done; the app sends no further key meanwhile, so the order holds.
        """
        done = []
        for widget in self.query("*"):
            if widget.can_focus:
                settled = asyncio.Event()
                if widget.call_later(settled.set):
                    done.append(settled.wait())
        try:
            # Bounded, so a field that never answers cannot freeze the keyboard.
            await asyncio.wait_for(asyncio.gather(*done), timeout=SETTLE_SECONDS)
        except TimeoutError:
            log.warning("fields still busy after %.1f s; Enter goes on", SETTLE_SECONDS)

    def enter_in(self, field: Input) -> None:
        """Enter in `field`: move to the next field (a form may save instead)."""
        self.focus_next()

    def save_form(self) -> None:
        raise NotImplementedError

    def leave(self) -> None:
        """Close without saving (a draft kept of this form goes too)."""
        self.forget_draft()
        self.dismiss(None)  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        if not self.form_changed():
            self.leave()
            return

        def chosen(choice: str | None) -> None:
            if choice == SAVE:
                self.save_form()
            elif choice == DISCARD:
                self.leave()

        self.app.push_screen(LeaveDialog(), chosen)


def text_key(*texts: str) -> str:
    """A short file-safe id for a form known only by its wording (a prompt and its question)."""
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
