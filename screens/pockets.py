"""Members of one branch out of effective management (口袋/失联/流动).

Each row counts the days since the letter and since the last contact and
shows what falls due next on the two legal tracks (`inspector.pocket`), so
a six-month threshold is seen before it passes.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Label, Select, Static

from inspector import labels, members, pocket
from inspector.labels import POCKET_FIELDS as FIELD_LABELS
from inspector.models import Disposition, LegalTrack, MemberKind, PocketMember

from .cjk import fullwidth
from .dialogs.record_editor import RecordEditor
from .record_list import RecordListScreen, day
from .styles import tcss
from .tone import tone
from .widgets.literal import LiteralTable
from .widgets.textual_compat import Footer, Input

LEVEL_STYLE = {
    pocket.DueLevel.DUE: "bold red",
    pocket.DueLevel.SOON: "bold yellow",
    pocket.DueLevel.MISSING: "magenta",
    pocket.DueLevel.OK: "green",
    pocket.DueLevel.SETTLED: "dim",
}
LEVEL_ORDER = list(LEVEL_STYLE)
# Sized to fit 80 columns; the detail line under the table spells everything out.
COLUMNS = (
    ("kind", "类别", 4),
    ("name", "姓名", 6),
    ("letter", "介绍信", 10),
    ("letter_days", "天数", 4),
    ("contact", "最后联系", 10),
    ("contact_days", "天数", 4),
    ("track", "程序", 8),
    ("disposition", "处置", 8),
    ("level", "提示", 6),
)


def short_track(track: LegalTrack) -> str:
    """自行脱党（党章第九条） → 自行脱党: the article is in the detail line."""
    return labels.label(track).split("（")[0]


def _count(n: int | None) -> str:
    return "—" if n is None else str(n)


def row_cells(member: PocketMember, today: date) -> tuple[object, ...]:
    notice = pocket.due_next(member, today)
    return (
        labels.label(member.member_kind)[:2],
        member.name,
        day(member.letter_issued),
        _count(pocket.days_since(member.letter_issued, today)),
        day(member.last_contact),
        _count(pocket.days_since(member.last_contact, today)),
        short_track(pocket.track_for(member, today)),
        labels.label(member.disposition),
        Text(notice.level.value, style=tone(LEVEL_STYLE[notice.level])),
    )


class PocketScreen(RecordListScreen):
    """The branch's pocket/lost/mobile members, most urgent first."""

    DEFAULT_CSS = tcss("pocket_screen")
    MESSAGE_ID = "pocket-message"

    BINDINGS = [
        Binding("a", "add", "新增", id="pockets.add"),
        Binding("enter,e", "edit", "修改", id="pockets.edit"),
        Binding("escape", "back", "返回", id="pockets.back"),
    ]

    def __init__(self, branch_id: str, *, visit_id: str | None = None) -> None:
        super().__init__()
        self.branch_id = branch_id
        self.visit_id = visit_id
        self.members: dict[str, PocketMember] = {}
        #: Records whose member was deleted from the roster: kept, and said so.
        self.removed: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(id="pocket-title")
        yield LiteralTable(id="pockets", cursor_type="row", zebra_stripes=True)
        yield Static(id="pocket-detail")
        yield Static(id="pocket-message")
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.store
        branch = store.branch(self.branch_id)
        today = self.app.today()
        self.query_one("#pocket-title", Static).update(
            Text(f"{branch.name}　口袋党员、失联党员、流动党员　（今天 {today.isoformat()}）")
        )
        table = self.query_one("#pockets", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)

        def urgency(m: PocketMember) -> tuple[int, str]:
            return LEVEL_ORDER.index(pocket.due_next(m, today).level), m.name

        found = store.pockets(self.branch_id)
        self.removed = members.removed_from_roster(found, store.members(self.branch_id))
        for member in sorted(found, key=urgency):
            self.members[member.id] = member
            table.add_row(*row_cells(member, today), key=member.id)
        self._show_detail()
        table.focus()

    @property
    def current(self) -> PocketMember | None:
        table = self.query_one("#pockets", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.members.get(key or "")

    def _show_detail(self) -> None:
        detail = self.query_one("#pocket-detail", Static)
        member = self.current
        if member is None:
            detail.update("本支部尚无记录。排查中发现口袋党员、失联党员或流动党员，按 a 新增。")
            return
        notice = pocket.due_next(member, self.app.today())
        text = Text()
        text.append(f"{member.name}（{labels.label(member.member_kind)}）下一步：", style="bold")
        text.append(fullwidth(notice.text), style=tone(LEVEL_STYLE[notice.level]))
        expires = pocket.letter_expires(member)
        decided = f"（{member.disposition_on.isoformat()}）" if member.disposition_on else ""
        extra = [
            f"处置：{labels.label(member.disposition)}{decided}",
            f"适用程序：{labels.label(pocket.track_for(member, self.app.today()))}",
            f"组织生活 {day(member.last_attended)}",
            f"党费 {day(member.last_dues_paid)}",
        ]
        if member.probationary:
            extra.insert(0, "预备党员")
        if member.id in self.removed:
            extra.insert(0, "该党员已从花名册删除")
        if expires:
            extra.append(f"介绍信有效至 {expires.isoformat()}")
        if member.receipt_returned_on:
            extra.append(f"回执 {member.receipt_returned_on.isoformat()} 退回")
        if member.receiving_org:
            extra.append(f"接收单位：{member.receiving_org}")
        if member.notes:
            extra.append(f"备注：{member.notes}")
        text.append("\n" + fullwidth("　".join(extra)))
        detail.update(text)

    def action_add(self) -> None:
        today = self.app.today()
        member = PocketMember(branch_id=self.branch_id, name="（新）", found_on=today, visit_id=self.visit_id)
        self.app.push_screen(PocketEditor(member, is_new=True), self._saved)

    def action_edit(self) -> None:
        member = self.current
        if member is None:
            self.say("没有可修改的记录，按 a 新增", error=True)
            return
        self.app.push_screen(PocketEditor(member, is_new=False), self._saved)

    def _saved(self, member: PocketMember | None) -> None:
        if member is None:
            return
        table = self.query_one("#pockets", DataTable)
        cells = row_cells(member, self.app.today())
        if member.id in self.members:
            for (key, _label, _width), value in zip(COLUMNS, cells):
                table.update_cell(member.id, key, value)
        else:
            table.add_row(*cells, key=member.id)
        self.members[member.id] = member
        table.move_cursor(row=table.get_row_index(member.id), animate=False)
        self._show_detail()
        self.say(f"已保存：{member.name}")


class PocketEditor(RecordEditor[PocketMember]):
    """Add or edit one record; dates are checked as typed, the save merges with others' edits."""

    FIELD_LABELS = FIELD_LABELS
    ERROR_ID = "pocket-error"
    LAST_FIELD = "notes"

    DEFAULT_CSS = tcss("pocket_editor")

    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="pocket.save"),
        Binding("escape", "cancel", "取消", id="pocket.cancel"),
    ]

    def compose(self) -> ComposeResult:
        m = self.original
        with VerticalScroll(id="pocket-box"):
            title = "新增记录" if self.is_new else f"修改记录：{m.name}"
            yield Static(
                f"{title}（Ctrl+S 或 F2 保存，Esc 取消；日期格式 2026-11-26）", id="pocket-editor-title", markup=False
            )
            with Horizontal(classes="field-row"):
                yield Label("姓名")
                yield Input("" if self.is_new else m.name, placeholder="填写姓名", id="name", compact=True)
                yield Label("类别", classes="second")
                yield Select(
                    labels.choices(MemberKind), value=m.member_kind, allow_blank=False, compact=True, id="kind"
                )
            with Horizontal(classes="field-row"):
                yield Label("预备党员")
                yield Checkbox("是（不适用停止党籍）", m.probationary, id="probationary", compact=True)
            yield from _dates(m, ("letter_issued", "未开具可空"), ("receipt_returned_on", "回执未退回可空"))
            with Horizontal(classes="field-row"):
                yield Label("有效期（天）")
                yield Input(str(m.letter_valid_days or ""), placeholder="如 90", id="valid_days", compact=True)
                yield Label("接收单位", classes="second")
                yield Input(m.receiving_org, placeholder="填写组织关系转入的党组织", id="receiving_org", compact=True)
            yield from _dates(m, ("last_attended", "最后参加的日期"), ("last_dues_paid", "最后交纳的日期"))
            with Horizontal(classes="field-row"):
                yield Label("分配的工作")
                yield Input(
                    m.assigned_work, placeholder="党组织分配的工作及完成情况，可空", id="assigned_work", compact=True
                )
            yield from _dates(m, ("last_contact", "最后一次联系上本人"))
            with Horizontal(classes="field-row"):
                yield Label("适用程序")
                yield Select(labels.choices(LegalTrack), value=m.track, allow_blank=False, compact=True, id="track")
            with Horizontal(classes="field-row"):
                yield Label("处置")
                yield Select(
                    labels.choices(Disposition),
                    value=m.disposition,
                    allow_blank=False,
                    compact=True,
                    id="disposition",
                )
            yield from _dates(m, ("disposition_on", "作出决定的日期"), ("applied_on", "恢复党籍的申请"))
            yield from _dates(m, ("meeting_on", "支部大会讨论"), ("approved_on", "党委批准"))
            yield from _dates(m, ("filed_on", "报县委组织部备案"))
            with Horizontal(classes="field-row"):
                yield Label("备注")
                yield Input(m.notes, id="notes", compact=True)
            yield Static("", id="pocket-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def draft_title(self) -> str:
        return f"党员记录「{self.original.name}」"

    def edited(self) -> PocketMember:
        q = self.query_one
        return pocket.edited_member(
            self.original,
            name=q("#name", Input).value,
            letter_valid_days=q("#valid_days", Input).value,
            **{field: q(f"#{field}", Input).value for field in pocket.DATE_LABELS},
            member_kind=q("#kind", Select).value,
            probationary=q("#probationary", Checkbox).value,
            receiving_org=q("#receiving_org", Input).value.strip(),
            assigned_work=q("#assigned_work", Input).value.strip(),
            track=q("#track", Select).value,
            disposition=q("#disposition", Select).value,
            notes=q("#notes", Input).value.strip(),
        )

    def persist(self, member: PocketMember) -> PocketMember:
        return pocket.save_member(self.app.store, member, self.app.today(), base=None if self.is_new else self.original)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _dates(member: PocketMember, *fields: tuple[str, str]) -> ComposeResult:
    """One row of up to two date inputs, labelled as `pocket.DATE_LABELS` names them."""
    with Horizontal(classes="field-row"):
        for n, (field, hint) in enumerate(fields):
            yield Label(_SHORT_LABELS.get(field, pocket.DATE_LABELS[field]), classes="second" if n else "")
            yield Input(_iso(getattr(member, field)), placeholder=hint, id=field, classes="date", compact=True)


# Labels that would not fit the form's label column at 80 columns.
_SHORT_LABELS = {
    "last_attended": "最后组织生活",
    "last_dues_paid": "最后交纳党费",
    "filed_on": "县委组织部备案",
}
