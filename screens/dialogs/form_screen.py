"""What every form shares: Enter moves on at once, and Esc asks before typing is lost.

Enter is a priority binding: the screen moves focus (or saves) while the app
handles the Enter key itself, before it forwards the keys that came in the
same burst (paste, a laggy SSH link). Left to the Input, its Submitted
message is handled only after those keys already went to the field being
left. Outside an Input (a button, a text area, a select) Enter does what
that widget does.

Esc leaves a form at once when nothing was changed since it opened, and
otherwise asks 保存 / 放弃 / 继续编辑 (`LeaveDialog`).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from ..styles import tcss

ResultT = TypeVar("ResultT")

SAVE = "save"
DISCARD = "discard"


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
        self.form_ready()

    def form_ready(self) -> None:
        """The form is on screen with the record's values (a hook)."""

    # ------------------------------------------------------------------ keys
    def action_field_enter(self) -> None:
        focused = self.focused
        if not isinstance(focused, Input):
            raise SkipAction()
        self.enter_in(focused)

    def enter_in(self, field: Input) -> None:
        """Enter in `field`: move to the next field (a form may save instead)."""
        self.focus_next()

    def save_form(self) -> None:
        raise NotImplementedError

    def leave(self) -> None:
        """Close without saving."""
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
