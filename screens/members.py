"""A branch's 党员花名册: the table of members, their form, and marking a
member as 口袋/失联/流动 (the record then follows `inspector/pocket.py`)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Label, Select, Static

from inspector import labels, members
from inspector.errors import UserError
from inspector.labels import MEMBER_FIELDS
from inspector.models import AppraisalGrade, Member, MemberCategory, MemberKind, MemberStatus, PocketMember, Sex

from .dialogs.common import ChoiceDialog, ConfirmDialog
from .dialogs.record_editor import RecordEditor
from .record_list import RecordListScreen, day
from .styles import tcss
from .widgets.literal import LiteralTable
from .widgets.textual_compat import Footer, Input

# Sized to fit 80 columns; the detail line under the table spells everything out.
COLUMNS = (
    ("name", "姓名", 8),
    ("status", "类别", 4),
    ("joined", "入党日期", 10),
    ("group", "党小组", 6),
    ("dues", "月交党费", 10),
    ("attended", "组织生活", 10),
    ("paid", "交纳党费", 10),
    ("mark", "状态", 4),
)
_KINDS = list(MemberKind)


def row_cells(member: Member, linked: PocketMember | None) -> tuple[object, ...]:
    return (
        member.name,
        labels.label(member.status)[:2],
        day(member.joined_on),
        member.party_group.removesuffix("党小组").removesuffix("小组") or "—",
        members.dues_text(member).split("（")[0],
        day(member.last_attended),
        day(member.last_dues_paid),
        Text(labels.label(linked.member_kind)[:2], style="bold yellow")
        if linked
        else ("流动" if member.mobile else ""),
    )


class MemberScreen(RecordListScreen):
    """The roster of one branch, by party group and joined date."""

    DEFAULT_CSS = tcss("member_screen")
    MESSAGE_ID = "member-message"
    BINDINGS = [
        Binding("a", "add", "新增", id="members.add"),
        Binding("enter,e", "edit", "修改", id="members.edit"),
        Binding("k", "mark", "标为口袋/失联/流动", id="members.mark"),
        Binding("i", "import_roster", "导入", id="members.import"),
        Binding("delete", "remove", "删除", id="members.remove"),
        Binding("escape", "back", "返回", id="members.back"),
    ]

    def __init__(self, branch_id: str) -> None:
        super().__init__()
        self.branch_id = branch_id
        self.branch_name = ""
        self.members: dict[str, Member] = {}
        self.linked: dict[str, PocketMember] = {}
        self._order: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="member-title")
        yield LiteralTable(id="members", cursor_type="row", zebra_stripes=True)
        yield Static(id="member-detail")
        yield Static(id="member-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        self._fill()
        table.focus()

    def _fill(self) -> None:
        store = self.app.store
        branch = store.branch(self.branch_id)
        self.branch_name = branch.name
        found = sorted(store.members(self.branch_id), key=members.roster_order)
        self.linked = members.linked_records(store.pockets(self.branch_id))
        probationary = sum(1 for m in found if m.status == MemberStatus.PROBATIONARY)
        self.query_one("#member-title", Static).update(
            Text(f"{branch.name}　党员花名册　{len(found)}名（预备党员{probationary}名）")
        )
        table = self.query_one("#members", DataTable)
        table.clear()
        self.members = {m.id: m for m in found}
        self._order = [m.id for m in found]  # row n is member _order[n]
        # The table measures every cell it is given: a screenful of rows is
        # built and added first, so the roster shows at once, the rest once that is drawn.
        first = self.app.size.height
        table.add_rows([row_cells(m, self.linked.get(m.id)) for m in found[:first]])
        if found[first:]:
            self.call_after_refresh(self._add_rest, self._order, found[first:])
        self._show_detail()

    def _add_rest(self, order: list[str], rest: list[Member]) -> None:
        if order is self._order:  # not filled again meanwhile
            self.query_one("#members", DataTable).add_rows([row_cells(m, self.linked.get(m.id)) for m in rest])

    @property
    def current(self) -> Member | None:
        table = self.query_one("#members", DataTable)
        if not table.row_count:
            return None
        return self.members.get(self._order[table.cursor_row])

    def _show_detail(self) -> None:
        detail = self.query_one("#member-detail", Static)
        m = self.current
        if m is None:
            detail.update("本支部尚无花名册。按 a 逐个新增，或按 i 导入 Excel/CSV 名册。")
            return
        parts = [
            labels.label(m.sex) if m.sex else "",
            f"{m.birth_date.year}年生" if m.birth_date else "",
            labels.label(m.status),
            f"预备期至{ends.isoformat()}" if (ends := members.probation_ends(m)) else "",
            f"转正 {m.full_on.isoformat()}" if m.full_on else "",
            labels.label(m.category),
            m.unit_post,
            "党员领导干部" if m.leading_cadre else "",
            "年老体弱" if m.frail else "",
            f"党费 {members.dues_text(m)}",
            f"谈心谈话 {day(m.last_talk)}",
            f"评议 {labels.label(m.appraisal)}" if m.appraisal else "",
            m.contact,
        ]
        text = Text(m.name, style="bold")
        text.append("　" + "　".join(p for p in parts if p))
        linked = self.linked.get(m.id)
        if linked is not None:
            text.append(f"\n已登记为{labels.label(linked.member_kind)}（在口袋党员界面处理）", style="yellow")
        detail.update(text)

    def action_add(self) -> None:
        self.app.push_screen(MemberEditor(Member(branch_id=self.branch_id, name="（新）"), is_new=True), self._saved)

    def action_edit(self) -> None:
        member = self.current
        if member is None:
            self.say("没有可修改的党员，按 a 新增", error=True)
            return
        self.app.push_screen(MemberEditor(member, is_new=False), self._saved)

    def action_mark(self) -> None:
        member = self.current
        if member is None:
            self.say("请先选择一名党员", error=True)
            return
        choices = [labels.label(k) for k in _KINDS]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            try:
                record = members.mark_out_of_reach(self.app.store, member, _KINDS[index], self.app.today())
            except UserError as exc:
                self.say(str(exc), error=True)
                return
            self.linked[member.id] = record
            self._saved(self.app.store.get(Member, member.id, self.branch_id))
            self.say(f"已将{member.name}登记为{labels.label(record.member_kind)}，到期事项见口袋党员界面（p）")

        self.app.push_screen(ChoiceDialog(f"标记：{member.name}", "登记为：", choices), chosen)

    def action_remove(self) -> None:
        member = self.current
        if member is None:
            self.say("请先选择一名党员", error=True)
            return
        linked = self.linked.get(member.id)
        kept = f"其{labels.label(linked.member_kind)}记录保留，并注明已从花名册删除。" if linked else ""
        question = f"从花名册删除{members.candidate_line(member)}？{kept}"

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                members.remove_member(self.app.store, member)
            except UserError as exc:
                self.say(str(exc), error=True)
                return
            row = self.query_one("#members", DataTable).cursor_row
            self._fill()
            table = self.query_one("#members", DataTable)
            if table.row_count:
                table.move_cursor(row=min(row, table.row_count - 1), animate=False)
            self.say(f"已删除：{member.name}")

        self.app.push_screen(ConfirmDialog(question, yes="删除（Y）"), confirmed)

    def _saved(self, member: Member | None) -> None:
        if member is None:
            return
        table = self.query_one("#members", DataTable)
        cells = row_cells(member, self.linked.get(member.id))
        if member.id in self.members:
            row = self._order.index(member.id)
            for column, value in enumerate(cells):
                table.update_cell_at((row, column), value)
        else:
            table.add_row(*cells)
            self._order.append(member.id)
            row = len(self._order) - 1
        self.members[member.id] = member
        table.move_cursor(row=row, animate=False)
        self._show_detail()
        self.say(f"已保存：{member.name}")

    def action_import_roster(self) -> None:
        from .dialogs.roster import RosterDialog

        self.app.push_screen(RosterDialog(branch=self.branch_name), lambda saved: saved and self._fill())


class MemberEditor(RecordEditor[Member]):
    """Add or edit one member; every field is read by the rules of `inspector/members.py`."""

    FIELD_LABELS = MEMBER_FIELDS
    ERROR_ID = "member-error"
    LAST_FIELD = "notes"

    DEFAULT_CSS = tcss("pocket_editor", "member_editor")

    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="member.save"),
        Binding("escape", "cancel", "取消", id="member.cancel"),
    ]

    def compose(self) -> ComposeResult:
        m = self.original
        with VerticalScroll(id="pocket-box"):
            title = "新增党员" if self.is_new else f"修改：{m.name}"
            yield Static(f"{title}（Ctrl+S 或 F2 保存，Esc 取消）", id="pocket-editor-title", markup=False)
            with Horizontal(classes="field-row"):
                yield from _text(m, "name", "姓名", first=True)
                yield Label("性别", classes="second")
                yield Select(labels.choices(Sex), value=m.sex or Select.NULL, compact=True, id="sex")
            with Horizontal(classes="field-row"):
                yield Label("党员类别")
                yield Select(labels.choices(MemberStatus), value=m.status, allow_blank=False, compact=True, id="status")
                yield Label("人员类别", classes="second")
                yield Select(
                    labels.choices(MemberCategory), value=m.category, allow_blank=False, compact=True, id="category"
                )
            yield from _row(m, ("birth_date", "如 1970-05-01"), ("joined_on", "如 1998-07-01"))
            yield from _row(m, ("full_on", "预备党员空着"), ("party_group", "如 第一党小组"))
            yield from _row(m, ("unit_post", "单位及职务"), ("contact", "手机或座机"))
            with Horizontal(classes="field-row"):
                yield Checkbox("党员领导干部", m.leading_cadre, id="leading_cadre", compact=True)
                yield Checkbox("流动党员", m.mobile, id="mobile", compact=True)
                yield Checkbox("年老体弱", m.frail, id="frail", compact=True)
            yield from _row(m, ("dues_base", "月税后固定收入（元）"), ("dues_override", "与支部约定时填"))
            yield from _row(m, ("last_attended", "最后参加的日期"), ("last_dues_paid", "最后交纳的日期"))
            with Horizontal(classes="field-row"):
                yield from _text(m, "last_talk", "最近一次谈心谈话")
                yield Label("评议等次", classes="second")
                yield Select(
                    labels.choices(AppraisalGrade), value=m.appraisal or Select.NULL, compact=True, id="appraisal"
                )
            with Horizontal(classes="field-row"):
                yield from _text(m, "notes", "可空")
            yield Static("", id="member-error")
        yield Footer()

    def on_mount(self) -> None:
        name = self.query_one("#name", Input)
        if self.is_new:
            name.value = ""
        name.focus()

    def draft_title(self) -> str:
        return f"党员「{self.original.name}」"

    def edited(self) -> Member:
        q = self.query_one
        cells: dict[str, object] = {f: q(f"#{f}", Input).value for f in _INPUTS}
        for f in ("sex", "status", "category", "appraisal"):
            value = q(f"#{f}", Select).value
            cells[f] = "" if value is Select.NULL else str(value)
        for f in ("leading_cadre", "mobile", "frail"):
            cells[f] = q(f"#{f}", Checkbox).value
        return members.member_from_cells(self.original.branch_id, cells, base=self.original)


_INPUTS = (
    "name",
    "birth_date",
    "joined_on",
    "full_on",
    "party_group",
    "unit_post",
    "contact",
    "dues_base",
    "dues_override",
    "last_attended",
    "last_dues_paid",
    "last_talk",
    "notes",
)
# Labels that would not fit the form's label column at 80 columns.
_SHORT = {"last_attended": "最后组织生活", "last_dues_paid": "最后交纳党费", "dues_override": "约定月交"}


def _shown(member: Member, field: str) -> str:
    value = getattr(member, field)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value) if not isinstance(value, date) else value.isoformat()


def _text(member: Member, field: str, hint: str, *, first: bool = True) -> ComposeResult:
    yield Label(_SHORT.get(field, MEMBER_FIELDS[field]), classes="" if first else "second")
    yield Input(_shown(member, field), placeholder=hint, id=field, compact=True)


def _row(member: Member, *fields: tuple[str, str]) -> ComposeResult:
    with Horizontal(classes="field-row"):
        for n, (field, hint) in enumerate(fields):
            yield from _text(member, field, hint, first=n == 0)
