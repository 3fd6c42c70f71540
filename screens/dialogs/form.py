"""The base of the form dialogs: a box with a title, the fields, an error
line and OK / cancel buttons.

Enter in a field and the OK button submit, Esc and the cancel button leave
(asking first when something was typed, see `form_screen.py`). A subclass gives its fields (`fields`) and `submit`, which reads them and
dismisses with the result; a `UserError` it raises is shown on the error
line and the form stays open.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from inspector.errors import UserError

from ..widgets.literal import CLEANED_NOTICE, literal, typed_controls
from ..widgets.textual_compat import Input
from .form_screen import FormScreen, text_key

ResultT = TypeVar("ResultT")


class FormDialog(FormScreen[ResultT]):
    OK_LABEL: ClassVar[str] = "确定（回车）"
    CANCEL_LABEL: ClassVar[str] = "取消（Esc）"
    COMPACT_BUTTONS: ClassVar[bool] = False
    #: Long forms scroll inside the box.
    SCROLLS: ClassVar[bool] = False

    def form_title(self) -> str:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def extra_buttons(self) -> ComposeResult:
        """Buttons between OK and cancel (see `button_pressed`)."""
        yield from ()

    def initial_error(self) -> str:
        return ""

    def compose(self) -> ComposeResult:
        box = VerticalScroll if self.SCROLLS else Vertical
        with box(classes="dialog-box"):
            yield Static(self.form_title(), classes="dialog-title", markup=False)
            yield from self.fields()
            yield Static(self.initial_error(), classes="dialog-error", id="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.OK_LABEL, variant="primary", id="ok", compact=self.COMPACT_BUTTONS)
                yield from self.extra_buttons()
                yield Button(self.CANCEL_LABEL, id="cancel", compact=self.COMPACT_BUTTONS)

    def show_error(self, text: str) -> None:
        self.query_one("#error", Static).update(literal(text))

    def form_message(self, text: str) -> None:
        self.show_error(text)

    def draft_key(self) -> tuple[str, str] | None:
        """A form is known by its title (which names the record: 销号：问题…)."""
        return (type(self).__name__, text_key(self.form_title()))

    def draft_title(self) -> str:
        return self.form_title()

    def submit(self) -> None:
        """Check the fields and dismiss with the result; raise UserError to refuse."""
        raise NotImplementedError

    def action_submit(self) -> None:
        try:
            self.submit()
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.forget_draft()
        if typed_controls(self):
            self.app.notify(CLEANED_NOTICE, severity="warning")

    def save_form(self) -> None:
        self.action_submit()

    def enter_in(self, field: Input) -> None:
        """Enter in `field`: submit the form (a form may move to the next field instead)."""
        self.action_submit()

    def button_pressed(self, button_id: str) -> None:
        """One of the `extra_buttons` was pressed."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()
        else:
            self.button_pressed(event.button.id or "")
