"""F1 / ?: the keys of the screen the user is on, read from its bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..styles import tcss

_KEY_NAMES = {
    "enter": "回车",
    "escape": "Esc",
    "space": "空格",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "question_mark": "?",
    "delete": "Del",
    "backspace": "退格",
}


def key_label(key: str) -> str:
    """Key names as printed on keyboards: ctrl+n → Ctrl+N, f1 → F1."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    parts = key.split("+")
    return "+".join(p.capitalize() if len(p) > 1 else p.upper() for p in parts)


def bindings_of(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) of the app's bindings active on `screen`, the screen's own first."""
    seen: dict[str, list[str]] = {}
    order: list[str] = []
    app_descs: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        # Our bindings all carry an id; Textual's own (English) ones do not.
        if not binding.description or binding.system or not binding.id:
            continue
        # The footer has room for a word; the tooltip, when given, says more.
        desc = binding.tooltip or binding.description
        if active.node is screen.app:
            app_descs.add(desc)
        if desc not in seen:
            seen[desc] = []
            order.append(desc)
        label = key_label(key)
        if label not in seen[desc]:
            seen[desc].append(label)
    order.sort(key=lambda d: d in app_descs)
    return [("／".join(seen[d]), d) for d in order]


class HelpDialog(ModalScreen[None]):
    DEFAULT_CSS = tcss("dialog", "help_dialog")
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "关闭", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, box=None, padding=(0, 2, 0, 0))
        table.add_column("按键", style="bold", no_wrap=True)
        table.add_column("作用")
        for keys, desc in bindings_of(self.target):
            table.add_row(keys, desc)
        with VerticalScroll(classes="dialog-box"):
            yield Static("帮助（Esc 关闭）", classes="dialog-title")
            if self.target.HELP:
                yield Static(Text(self.target.HELP), classes="muted")
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
