"""F1 / ?: the keys of the screen the user is on, read from its bindings."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..key_sentences import sentence
from ..styles import tcss

_KEY_NAMES = {
    "enter": "回车",
    "escape": "Esc",
    "space": "空格",
    "tab": "Tab",
    "shift+tab": "shift+Tab",
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
#: Textual's names of printable keys, shown as the character typed.
_CHARACTERS = {"slash": "/", "question_mark": "?", "full_stop": ".", "comma": ",", "minus": "-", "plus": "+"}


def key_label(key: str) -> str:
    """Keys as the user types them: n, /, F3, ctrl+p (as in keymap.json), special keys by their name."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    *mods, last = key.split("+")
    if re.fullmatch(r"f\d+", last):
        last = last.upper()
    elif len(last) > 1:
        last = _KEY_NAMES.get(last) or _CHARACTERS.get(last, last)
    return "+".join([*mods, last])


def bindings_of(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) of the app's bindings active on `screen`, the screen's own first."""
    return [(keys, desc) for keys, desc, _ in key_help(screen)]


def key_help(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, binding ids) of the bindings active on `screen`: the ids are
    what `<data>/keymap.json` rebinds."""
    ids: dict[str, list[str]] = {}
    seen: dict[str, list[str]] = {}
    order: list[str] = []
    app_descs: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        # Our bindings all carry an id; Textual's own (English) ones do not.
        if not binding.description or binding.system or not binding.id:
            continue
        # The footer has room for a word; help gives the sentence that says what the key does.
        desc = sentence(binding.id) or binding.tooltip or binding.description
        if active.node is screen.app:
            app_descs.add(desc)
        if desc not in seen:
            seen[desc] = []
            ids[desc] = []
            order.append(desc)
        if binding.id not in ids[desc]:
            ids[desc].append(binding.id)
        label = key_label(key)
        if label not in seen[desc]:
            seen[desc].append(label)
    order.sort(key=lambda d: d in app_descs)
    return [("／".join(seen[d]), d, "、".join(ids[d])) for d in order]


class HelpDialog(ModalScreen[None]):
    DEFAULT_CSS = tcss("dialog", "help_dialog")
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "关闭", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.target = screen

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, box=None, padding=(0, 2, 0, 0))
        table.add_column("按键", style="bold", no_wrap=True)
        table.add_column("作用　灰字为 keymap.json 中的按键编号")
        for keys, desc, ids in key_help(self.target):
            table.add_row(Text(keys), Text.assemble(desc, "　", (ids, "dim")))
        with VerticalScroll(classes="dialog-box"):
            yield Static("帮助（Esc 关闭）", classes="dialog-title")
            if self.target.HELP:
                yield Static(Text(self.target.HELP), classes="muted")
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
