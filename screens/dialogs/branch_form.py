"""Add or edit a branch; each field's problem is shown under it, in Chinese."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Label, Select, Static

from inspector.branches import LABELS, BranchInvalid, branch_from_fields, name_taken
from inspector.labels import label
from inspector.models import Branch, Sector

from ..styles import tcss
from ..widgets.literal import literal
from ..widgets.textual_compat import Input
from .form import FormDialog

_TEXT_FIELDS = (
    "name",
    "secretary",
    "other_sectors",
    "members",
    "probationary_members",
    "party_groups",
    "contact",
    "notes",
)
_PLACEHOLDERS = {
    "name": "如：城关镇第一党支部",
    "secretary": "填写姓名",
    "other_sectors": "兼属的领域，如：机关事业单位、联合党支部（可空）",
    "members": "填写正式和预备党员合计人数",
    "probationary_members": "预备党员人数，没有填 0",
    "party_groups": "没有党小组填 0",
    "contact": "填写电话或其他联系方式",
    "notes": "",
}


class BranchForm(FormDialog["Branch | None"]):
    """Dismisses the saved Branch, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "branch_form")
    BINDINGS = [
        Binding("ctrl+s", "submit", "保存", id="branch_form.save"),
        Binding("escape", "cancel", "取消", id="branch_form.cancel"),
    ]
    OK_LABEL = "保存（Ctrl+S）"
    COMPACT_BUTTONS = True
    SCROLLS = True

    def __init__(self, branch: Branch | None) -> None:
        super().__init__()
        self.original = branch

    def form_title(self) -> str:
        return "修改党支部" if self.original else "新增党支部"

    def draft_key(self) -> tuple[str, str] | None:
        return ("BranchForm", self.original.id if self.original else "new")

    def draft_title(self) -> str:
        return f"修改党支部：{self.original.name}" if self.original else "新增党支部"

    def fields(self) -> ComposeResult:
        b = self.original
        for fld in _TEXT_FIELDS[:2]:
            yield from self._text_row(fld, b)
        with Horizontal(classes="row"):
            yield Label(LABELS["sector"])
            yield Select(
                [(label(s), s.value) for s in Sector],
                value=(b.sector if b else Sector.OTHER).value,
                allow_blank=False,
                compact=True,
                id="f-sector",
            )
        yield Static("", classes="field-error", id="e-sector")
        for fld in _TEXT_FIELDS[2:6]:
            yield from self._text_row(fld, b)
        with Horizontal(classes="row"):
            yield Label("")
            yield Checkbox(
                LABELS["has_leading_cadres"],
                value=b.has_leading_cadres if b else False,
                compact=True,
                id="f-has_leading_cadres",
            )
        for fld in _TEXT_FIELDS[6:]:
            yield from self._text_row(fld, b)

    def _text_row(self, fld: str, b: Branch | None) -> ComposeResult:
        value = "" if b is None else str(getattr(b, fld))
        if b is not None and fld == "other_sectors":
            value = "、".join(label(s) for s in b.other_sectors)
        with Horizontal(classes="row"):
            yield Label(LABELS[fld] + ("＊" if fld == "name" else ""))
            yield Input(value, placeholder=_PLACEHOLDERS[fld], compact=True, id=f"f-{fld}")
        yield Static("", classes="field-error", id=f"e-{fld}")

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()

    def values(self) -> dict[str, str | bool]:
        out: dict[str, str | bool] = {f: self.query_one(f"#f-{f}", Input).value for f in _TEXT_FIELDS}
        out["sector"] = str(self.query_one("#f-sector", Select).value)
        out["has_leading_cadres"] = self.query_one("#f-has_leading_cadres", Checkbox).value
        return out

    def _show_problems(self, problems: dict[str, str]) -> None:
        for err in self.query(".field-error"):
            message = problems.get((err.id or "")[2:], "")
            err.update(literal(message))
            err.display = bool(message)
        if problems:
            first = next(iter(problems))
            target = self.query(f"#f-{first}")
            if target:
                target.first().focus()

    def submit(self) -> None:
        store = self.app.store
        try:
            branch = branch_from_fields(self.values(), base=self.original)
        except BranchInvalid as exc:
            self._show_problems(exc.problems)
            return
        others = [(s.id, s.name) for s in store.branch_summaries()]
        if name_taken(branch.name, others, branch.id):
            self._show_problems({"name": f"已有名为「{branch.name}」的党支部，请换一个名称"})
            return
        self._show_problems({})
        saved = store.save(branch, base=self.original)
        self.app.notify(f"已保存：{saved.name}", markup=False)
        self.dismiss(saved)
