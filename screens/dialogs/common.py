"""Small modal dialogs: yes/no confirmation and a one-line prompt.

Every modal dismisses with a value so callers can use `push_screen(..., callback)`
or `await push_screen_wait(...)` the same way.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from inspector.errors import UserError

from ..styles import tcss
from ..widgets.textual_compat import Input
from .form import FormDialog
from .form_screen import text_key


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses True for 确定, False for 取消 / Esc."""

    DEFAULT_CSS = tcss("dialog", "confirm_dialog")
    BINDINGS = [
        Binding("escape,n", "cancel", "取消", id="dialog.cancel"),
        Binding("y", "confirm", "确定", id="dialog.confirm"),
    ]

    def __init__(self, message: str, *, yes: str = "确定（Y）", no: str = "取消（N）") -> None:
        super().__init__()
        self.message = message
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.message, id="message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="primary", id="yes")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PromptDialog(FormDialog["str | None"]):
    """Ask for one line of text; dismisses the text (stripped) or None on Esc."""

    DEFAULT_CSS = tcss("dialog", "prompt_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="dialog.cancel")]

    def __init__(
        self, title: str, label: str, initial: str = "", placeholder: str = "", *, required: bool = True
    ) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.initial = initial
        self.placeholder = placeholder
        self.required = required

    def form_title(self) -> str:
        return self.title_text

    def draft_key(self) -> tuple[str, str] | None:
        return ("PromptDialog", text_key(self.title_text, self.label))

    def fields(self) -> ComposeResult:
        yield Label(self.label, markup=False)
        yield Input(self.initial, placeholder=self.placeholder, id="value")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    def submit(self) -> None:
        value = self.query_one("#value", Input).value.strip()
        if self.required and not value:
            raise UserError("请填写后再确定。")
        self.dismiss(value)


class ChoiceDialog(ModalScreen["int | None"]):
    """Pick one of a list (arrow keys or the item's number, Enter); dismisses its index or None."""

    DEFAULT_CSS = tcss("dialog", "choice_dialog")
    BINDINGS = [Binding("escape", "cancel", "取消", id="dialog.cancel")]

    def __init__(self, title: str, label: str, choices: list[str], *, current: int | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Label(self.label, markup=False)
            numbered = [f"{n}. {c}" if n < 10 else c for n, c in enumerate(self.choices, 1)]
            yield OptionList(*[Option(Text(text), id=str(i)) for i, text in enumerate(numbered)])

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.current or 0
        options.focus()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.choices):
                event.stop()
                self.dismiss(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
