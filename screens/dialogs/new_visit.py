"""Start a visit: date, inspectors, methods and the checklist (picked by sector, changeable)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label, Select, SelectionList

from inspector.checklist import pick_template
from inspector.dates import hint
from inspector.errors import UserError
from inspector.labels import label
from inspector.models import Branch, Stage, VisitMethod
from inspector.visit import VisitInvalid, parse_date, split_names, start_visit

from ..cjk import fullwidth
from ..styles import tcss
from ..widgets.textual_compat import Input
from .form import FormDialog

_DEFAULT_METHODS = (VisitMethod.REVIEW_RECORDS, VisitMethod.HEAR_REPORT)


class NewVisitDialog(FormDialog["Visit | None"]):
    """Dismisses the started Visit, or None when cancelled."""

    DEFAULT_CSS = tcss("dialog", "new_visit_dialog")
    BINDINGS = [
        Binding("ctrl+s", "submit", "开始指导", id="new_visit.start"),
        Binding("escape", "cancel", "取消", id="new_visit.cancel"),
    ]
    OK_LABEL = "开始指导（Ctrl+S）"
    COMPACT_BUTTONS = True

    def __init__(self, branch: Branch) -> None:
        super().__init__()
        self.branch = branch

    def form_title(self) -> str:
        return f"新建现场指导：{self.branch.name}"

    def fields(self) -> ComposeResult:
        templates = self.app.templates
        try:
            default = pick_template(templates, self.branch.sectors).id
        except LookupError:
            default = None
        with Horizontal(classes="row"):
            yield Label("指导日期")
            yield Input(
                self.app.today().isoformat(),
                placeholder=hint(self.app.today()),
                compact=True,
                id="date",
                classes="date",
            )
        with Horizontal(classes="row"):
            yield Label("指导人员")
            yield Input(
                self.app.store.user, placeholder="如 张三、李四（多人用顿号分隔）", compact=True, id="inspectors"
            )
        with Horizontal(classes="row"):
            yield Label("检查清单")
            yield Select(
                [
                    (fullwidth(f"{t.title}（{t.version}）"), t.id)
                    for t in sorted(templates.values(), key=lambda t: t.id)
                ],
                value=default if default is not None else Select.BLANK,
                allow_blank=default is None,
                prompt="请选择",
                compact=True,
                id="template",
            )
        yield Label("指导方式（空格勾选）：")
        yield SelectionList[str](
            *[(label(m), m.value, m in _DEFAULT_METHODS) for m in VisitMethod], id="methods", compact=True
        )
        yield Label("本次参加的关键环节（全过程，可不选）：")
        yield SelectionList[str](*[(label(s), s.value, False) for s in Stage], id="stages", compact=True)

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()
        if not self.app.templates:
            self.show_error("没有可用的检查清单模板，请检查 checklists 文件夹")

    def submit(self) -> None:
        try:
            on = parse_date(self.query_one("#date", Input).value)
        except UserError:
            self.query_one("#date", Input).focus()
            raise
        inspectors = split_names(self.query_one("#inspectors", Input).value)
        methods = [VisitMethod(m) for m in self.query_one("#methods", SelectionList).selected]
        stages = [Stage(s) for s in self.query_one("#stages", SelectionList).selected]
        template_id = self.query_one("#template", Select).value
        template = self.app.templates.get(str(template_id)) if template_id is not Select.BLANK else None
        if template is None:
            raise UserError("请选择检查清单")
        try:
            visit = start_visit(
                self.app.store, self.branch, template, on=on, inspectors=inspectors, methods=methods, stages=stages
            )
        except VisitInvalid as exc:
            self.query_one(f"#{exc.field}").focus()
            raise
        self.dismiss(visit)
