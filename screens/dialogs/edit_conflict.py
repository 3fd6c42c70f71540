"""Someone else saved the fields this form changed: show each one as it was,
as they saved it (who, when) and as typed here, and let the user keep theirs,
keep mine, or choose per field. Esc goes back to the form with the typing intact.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from inspector.labels import field_value, shown_value
from inspector.store import Clash

from ..styles import tcss

MINE = "mine"
THEIRS = "theirs"


class EditConflictDialog(ModalScreen["frozenset[str] | None"]):
    """Dismisses the fields whose stored (their) value is kept, or None to go on editing."""

    DEFAULT_CSS = tcss("dialog", "edit_conflict_dialog")
    BINDINGS = [
        Binding("escape", "back", "返回编辑", id="conflict.back"),
        Binding("m", "all_mine", "全部用我的", id="conflict.all_mine"),
        Binding("t", "all_theirs", "全部用对方的", id="conflict.all_theirs"),
    ]

    def __init__(self, kind: str, clashes: list[Clash], labels: Mapping[str, str]) -> None:
        super().__init__()
        self.kind = kind
        self.clashes = clashes
        self.labels = labels

    def _value(self, clash: Clash, value: object) -> str:
        return shown_value(field_value(self.kind, clash.field, value))

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static("修改冲突：以下内容他人已先保存", classes="dialog-title")
            for n, clash in enumerate(self.clashes):
                name = self.labels.get(clash.field.split(".")[0], clash.field)
                when = clash.at.astimezone().strftime("%m-%d %H:%M") if clash.at else ""
                by = f"{clash.who or '他人'} {when}".strip()
                yield Static(Text(name, style="bold"), classes="clash-name")
                yield Static(Text(f"原来：{self._value(clash, clash.old)}"), classes="clash-line")
                yield Static(Text(f"对方：{self._value(clash, clash.theirs)}（{by}）"), classes="clash-line")
                yield Static(Text(f"我的：{self._value(clash, clash.mine)}"), classes="clash-line")
                yield Select(
                    [("保留我的", MINE), ("采用对方的", THEIRS)],
                    value=MINE,
                    allow_blank=False,
                    compact=True,
                    id=f"choice-{n}",
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button("按所选保存", variant="primary", id="chosen", compact=True)
                yield Button("全部用我的（M）", id="all-mine", compact=True)
                yield Button("全部用对方的（T）", id="all-theirs", compact=True)
                yield Button("返回编辑（Esc）", id="back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#choice-0", Select).focus()

    def _keep_theirs(self) -> frozenset[str]:
        return frozenset(
            clash.field
            for n, clash in enumerate(self.clashes)
            if self.query_one(f"#choice-{n}", Select).value == THEIRS
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "chosen": lambda: self.dismiss(self._keep_theirs()),
            "all-mine": self.action_all_mine,
            "all-theirs": self.action_all_theirs,
        }
        actions.get(event.button.id or "", self.action_back)()

    def action_all_mine(self) -> None:
        self.dismiss(frozenset())

    def action_all_theirs(self) -> None:
        self.dismiss(frozenset(c.field for c in self.clashes))

    def action_back(self) -> None:
        self.dismiss(None)
