"""One branch: profile, visits, open findings, pocket members, weak/lax status."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from inspector import followup as fu
from inspector import labels
from inspector import rectification as rx
from inspector import reportback as rp
from inspector.errors import UserError
from inspector.models import Finding, FindingStatus, VisitStatus
from inspector.pocket import DueLevel, due_next
from inspector.store import BranchData
from inspector.weaklax import current as current_weaklax

from .cjk import fullwidth
from .styles import tcss
from .watched import WatchedScreen
from .widgets.fixed_table import FixedTable, spread
from .widgets.textual_compat import Footer

_VISIT_WIDTHS = (10, 6, 0, 0)  # 日期 状态 指导人员 检查清单
_VISIT_FLEX = ((2, 10, 24), (3, 10, 60))
_FINDING_WIDTHS = (0, 8, 10, 6, 4)  # 问题 类别 时限 状态 逾期
_FINDING_FLEX = ((0, 20, 80), (1, 8, 16))


class RecordTable(FixedTable):
    """A table of records; Enter opens the highlighted one (shown in the footer)."""

    BINDINGS = [Binding("enter", "select_cursor", "打开", id="branch.open")]


class BranchScreen(WatchedScreen):
    HELP = "按Tab键在「现场指导记录」与「未销号问题」之间切换；在记录上按回车打开。"
    DEFAULT_CSS = tcss("branch_screen")
    BINDINGS = [
        Binding("n", "new_visit", "新建指导", id="branch.new_visit"),
        Binding("p", "pockets", "口袋党员", id="branch.pockets"),
        Binding("w", "weaklax", "软弱涣散", id="branch.weaklax"),
        Binding("e", "edit_branch", "修改支部", id="branch.edit"),
        Binding(
            "b",
            "report",
            "整改报告",
            show=False,
            tooltip="登记所选（或最近一次要求报送的）现场指导的整改报告",
            id="branch.report",
        ),
        Binding(
            "h",
            "follow_up",
            "回头看",
            show=False,
            tooltip="安排或继续回头看：查看未销号的问题和整顿事项的整改落实情况",
            id="branch.follow_up",
        ),
        # Not in the footer (80 columns are full); F1 and the visit list's caption show them.
        Binding(
            "m",
            "memo",
            "反馈意见",
            show=False,
            tooltip="生成所选（或最近一次）已完成现场指导的反馈意见",
            id="branch.memo",
        ),
        Binding(
            "a",
            "memo_all",
            "全部反馈意见",
            show=False,
            tooltip="为本支部尚无最新反馈意见的全部已完成现场指导生成反馈意见",
            id="branch.memo_all",
        ),
        Binding(
            "t",
            "paper_checklist",
            "纸质检查表",
            show=False,
            tooltip="生成本支部适用的纸质检查表（Word），附未销号问题和签字栏，供现场指导时填写",
            id="branch.paper_checklist",
        ),
        Binding(
            "r",
            "members",
            "花名册",
            show=False,
            tooltip="本支部的党员花名册：新增、修改，标为口袋/失联/流动党员",
            id="branch.members",
        ),
        Binding(
            "f6",
            "export_bundle",
            "导出同步包",
            show=False,
            tooltip="把本支部导出为同步包，带到另一台电脑",
            id="branch.export_bundle",
        ),
        Binding("escape", "back", "返回", id="branch.back"),
    ]

    def __init__(self, branch_id: str) -> None:
        super().__init__()
        self.branch_id = branch_id
        self.branch_name = ""
        self.data: BranchData | None = None
        self._findings: list[Finding] = []
        self._shown_as: tuple[BranchData, date] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="profile")
        yield Static("", id="status")
        yield Static("现场指导记录", classes="caption", id="visits-caption")
        yield RecordTable(id="visits", cursor_type="row", zebra_stripes=True)
        yield Static("未销号问题", classes="caption", id="findings-caption")
        yield RecordTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        visits = self.query_one("#visits", FixedTable)
        for label, width in zip(("日期", "状态", "指导人员", "检查清单"), _VISIT_WIDTHS):
            visits.add_column(label, width=width or 10)
        findings = self.query_one("#findings", FixedTable)
        for label, width in zip(("问题", "类别", "整改时限", "状态", "逾期"), _FINDING_WIDTHS):
            findings.add_column(label, width=width or 20)
        self._fit_columns()
        self.mark_fresh()
        self.reload()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        width = self.app.size.width - 1
        self.query_one("#visits", FixedTable).set_widths(spread(width, _VISIT_WIDTHS, _VISIT_FLEX, 2))
        self.query_one("#findings", FixedTable).set_widths(spread(width, _FINDING_WIDTHS, _FINDING_FLEX, 2))

    # -------------------------------------------------------------- data
    def refresh_data(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the branch again (another session may have changed it); the
        tables are refilled only if it did, keeping the highlighted rows."""
        try:
            data = self.app.store.branch_data(self.branch_id)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        today = self.app.today()
        if (data, today) == self._shown_as:
            return
        self._shown_as = (data, today)
        self.data = data
        self.branch_name = data.branch.name
        self.sub_title = data.branch.name
        self._show_profile(data)
        self._show_visits(data)
        self._show_findings(data)

    def _show_profile(self, data: BranchData) -> None:
        b = data.branch
        parts = [
            f"[b]{_esc(b.name)}[/b]",
            f"领域：{_esc('、'.join(labels.label(s) for s in b.sectors))}",
            f"书记：{_esc(b.secretary) or '未填'}",
            f"党员 {b.members} 名" + (f"（预备 {b.probationary_members} 名）" if b.probationary_members else ""),
            f"党小组 {b.party_groups} 个",
        ]
        if b.has_leading_cadres:
            parts.append("有领导干部党员")
        if b.contact:
            parts.append(f"联系：{_esc(b.contact)}")
        self.query_one("#profile", Static).update("　".join(parts))
        today = self.app.today()
        notices = [due_next(m, today) for m in data.pockets]
        urgent = sum(1 for n in notices if n.level in (DueLevel.DUE, DueLevel.SOON))
        pocket = f"口袋／失联／流动党员：{len(data.pockets)} 名"
        if urgent:
            pocket += f"（[b red]{urgent} 名需处理[/]）"
        det = current_weaklax(data.weaklax)
        if det is None:
            weak = "软弱涣散：未认定"
        else:
            weak = f"软弱涣散：[b yellow]{labels.label(det.status)}[/]（{det.determined_on.isoformat()} 认定）"
        awaiting = rp.latest_awaited(self.branch_id, data.visits, self.app.settings)
        report = rp.state_line(awaiting, self.app.today())
        if awaiting is not None and awaiting.missing(self.app.today()):
            report = f"[b red]{report}[/]"
        self.query_one("#status", Static).update("　".join(x for x in (pocket, weak, report) if x))

    def _show_visits(self, data: BranchData) -> None:
        table = self.query_one("#visits", FixedTable)
        keep = _cursor_key(table)
        table.clear()
        templates = self.app.templates
        for v in sorted(data.visits, key=lambda v: (v.date, v.id), reverse=True):
            status = Text(labels.label(v.status), style="bold" if v.status == VisitStatus.DRAFT else "")
            template = templates.get(v.template_id)
            title = fullwidth(template.title) if template else v.template_id
            if fu.is_return(v):
                title = f"{labels.label(v.visit_kind)}（{len(v.followups)} 项已查看）"
            table.add_row(v.date.isoformat(), status, "、".join(v.inspectors), title, key=v.id)
        _move_to(table, keep)
        drafts = sum(1 for v in data.visits if v.status == VisitStatus.DRAFT)
        caption = f"现场指导记录（{len(data.visits)} 次" + (f"，{drafts} 次进行中）" if drafts else "）")
        if not data.visits:
            caption += "　按 N 新建"
        elif any(v.status == VisitStatus.COMPLETED for v in data.visits):
            caption += "　按 m 生成反馈意见，a 全部生成"
        self.query_one("#visits-caption", Static).update(caption)

    def _show_findings(self, data: BranchData) -> None:
        today = self.app.today()
        table = self.query_one("#findings", FixedTable)
        keep = _cursor_key(table)
        table.clear()
        open_ = [f for f in data.findings if f.status != FindingStatus.CLOSED]
        open_.sort(key=lambda f: (f.deadline is None, f.deadline or today, f.id))
        self._findings = open_
        overdue = 0
        for f in open_:
            days = f.overdue_days(today)
            overdue += bool(days)
            # A finding short of its 四明确 says so before its description.
            draft = "" if rx.is_complete(f) else "待完善 "
            table.add_row(
                Text.assemble((draft, "bold yellow"), fullwidth(f.description)),
                labels.label(f.category),
                f.deadline.isoformat() if f.deadline else "未定",
                labels.label(f.status),
                Text(str(days) if days else "", style="bold red", justify="right"),
                key=f.id,
            )
        _move_to(table, keep)
        closed = len(data.findings) - len(open_)
        text = f"未销号问题（{len(open_)} 个"
        text += f"，逾期 {overdue} 个" if overdue else ""
        text += f"；已销号 {closed} 个）" if closed else "）"
        self.query_one("#findings-caption", Static).update(text)

    # ----------------------------------------------------------- actions
    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_row(event.data_table.id or "", event.row_key.value)

    def _open_row(self, table_id: str, key: str | None) -> None:
        if key is None:
            return
        if table_id == "visits":
            self.app.push_visit(self.branch_id, key)
        else:
            finding = next((f for f in self._findings if f.id == key), None)
            if finding is None:
                return
            try:
                from .finding import FindingEditor
            except ImportError:
                self.notify("问题编辑界面尚未就绪", severity="warning")
                return
            self.app.push_screen(FindingEditor(finding, is_new=False), lambda _saved: self.reload())

    def action_new_visit(self) -> None:
        from .dialogs.new_visit import NewVisitDialog

        if self.data is None:
            return

        def started(visit) -> None:
            if visit is None:
                return
            self.reload()
            try:
                from .visit import VisitScreen
            except ImportError:
                self.notify("现场指导已创建，但现场指导界面尚未就绪", severity="warning")
                return
            self.app.push_screen(VisitScreen(visit.id, self.branch_id))

        under_way = [
            v for v in self.data.visits if v.status != VisitStatus.COMPLETED and not v.deleted and not fu.is_return(v)
        ]
        if not under_way:
            self.app.push_screen(NewVisitDialog(self.data.branch), started)
            return
        visit = max(under_way, key=lambda v: v.date)
        from .dialogs.common import ChoiceDialog

        def decided(index: int | None) -> None:
            if index == 0:
                self.app.open_visit(self.branch_id, visit.id)
            elif index == 1 and self.data is not None:
                self.app.push_screen(NewVisitDialog(self.data.branch), started)

        self.app.push_screen(
            ChoiceDialog(
                "本支部已有进行中的现场指导",
                f"{visit.date.isoformat()}　{'、'.join(visit.inspectors)}　已答 {len(visit.answers)} 项。要：",
                ["继续这次现场指导", "仍然新建一次现场指导"],
            ),
            decided,
        )

    def action_follow_up(self) -> None:
        """Continue the 回头看 under way, else schedule one (the domain refuses when nothing is open)."""
        if self.data is None:
            return
        under_way = [v for v in self.data.visits if fu.is_return(v) and v.status == VisitStatus.DRAFT and not v.deleted]
        if under_way:
            self.app.push_visit(self.branch_id, max(under_way, key=lambda v: v.date).id)
            return
        from .dialogs.followup import ScheduleFollowUpDialog

        def scheduled(visit) -> None:
            if visit is not None:
                self.reload()
                self.app.push_visit(self.branch_id, visit.id)

        self.app.push_screen(ScheduleFollowUpDialog(self.data.branch), scheduled)

    def action_report(self) -> None:
        """The report answering the highlighted 现场指导, else the latest memo that asks for one."""
        if self.data is None:
            return
        table = self.query_one("#visits", FixedTable)
        visit = None
        done = [v for v in self.data.visits if v.status == VisitStatus.COMPLETED and not fu.is_return(v)]
        if table.has_focus and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            visit = next((v for v in done if v.id == key), None)
        if visit is None:
            awaiting = rp.latest_awaited(self.branch_id, self.data.visits, self.app.settings)
            visit = awaiting.visit if awaiting else max(done, key=lambda v: (v.date, v.id), default=None)
        if visit is None:
            self.notify("本支部还没有已完成的现场指导，无从登记整改报告", severity="warning")
            return
        from .dialogs.reportback import ReportDialog

        self.app.push_screen(ReportDialog(visit), lambda saved: self.reload() if saved else None)

    def action_pockets(self) -> None:
        try:
            from .pockets import PocketScreen
        except ImportError:
            self.notify("口袋党员界面尚未就绪", severity="warning")
            return
        self.app.push_screen(PocketScreen(self.branch_id))

    def action_members(self) -> None:
        from .members import MemberScreen

        self.app.push_screen(MemberScreen(self.branch_id))

    def action_weaklax(self) -> None:
        try:
            from .weaklax import WeakLaxScreen
        except ImportError:
            self.notify("软弱涣散界面尚未就绪", severity="warning")
            return
        self.app.push_screen(WeakLaxScreen(self.branch_id))

    def action_edit_branch(self) -> None:
        from .dialogs.branch_form import BranchForm

        if self.data is not None:
            self.app.push_screen(BranchForm(self.data.branch), lambda saved: saved and self.reload())

    def action_memo(self) -> None:
        """The highlighted visit when the visit list has the focus, else the latest completed one."""
        from .dialogs.memo import generate_memos

        if self.data is None:
            return
        table = self.query_one("#visits", FixedTable)
        if table.has_focus and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            visit = next((v for v in self.data.visits if v.id == key), None)
            if visit is not None and fu.is_return(visit):
                self.notify("回头看的反馈意见请打开该回头看后按 m 生成", severity="warning")
                return
            if visit is not None and visit.status != VisitStatus.COMPLETED:
                self.notify(
                    f"所选的现场指导（{visit.date.isoformat()}）尚未完成，完成后才能生成反馈意见", severity="warning"
                )
                return
        else:
            done = [v for v in self.data.visits if v.status == VisitStatus.COMPLETED and not fu.is_return(v)]
            visit = max(done, key=lambda v: (v.date, v.id), default=None)
        if visit is None:
            self.notify("本支部还没有已完成的现场指导，无法生成反馈意见", severity="warning")
            return
        generate_memos(self.app, f"{self.branch_name}　{visit.date.isoformat()} 现场指导", [(self.branch_id, visit.id)])

    def action_paper_checklist(self) -> None:
        from inspector.documents.officialdoc import safe_filename
        from inspector.documents.paper_checklist import paper_checklist

        from .dialogs.document import DocumentDialog
        from .dialogs.memo import default_folder

        app = self.app
        summary = next((s for s in app.store.branch_summaries() if s.id == self.branch_id), None)
        if summary is None:
            return
        committee = app.store.committee()

        def make(_period: str) -> bytes:
            return paper_checklist(
                app.store,
                summary,
                app.checklist_dirs,
                fonts=app.settings.memo_fonts,
                when=app.today(),
                committee=committee.name if committee else app.settings.committee_name,
            )

        app.push_screen(
            DocumentDialog(
                "生成纸质检查表",
                f"{summary.name}：适用的检查项、未销号问题和签字栏。",
                default_folder(app) / safe_filename(f"检查表-{summary.name}"),
                make,
            )
        )

    def action_memo_all(self) -> None:
        from .dialogs.memo import generate_memos

        if self.data is None:
            return
        done = sorted(
            (v for v in self.data.visits if v.status == VisitStatus.COMPLETED and not fu.is_return(v)),
            key=lambda v: (v.date, v.id),
        )
        if not done:
            self.notify("本支部还没有已完成的现场指导，无法生成反馈意见", severity="warning")
            return
        subject = f"{self.branch_name}：已完成现场指导共{len(done)}次，已有最新反馈意见的不再生成"
        generate_memos(self.app, subject, [(self.branch_id, v.id) for v in done], only_stale=True)

    def action_export_bundle(self) -> None:
        from .dialogs.sync import start_export

        start_export(self.app, self.branch_id, self.branch_name)


def _cursor_key(table: FixedTable) -> str | None:
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:  # an empty table
        return None


def _move_to(table: FixedTable, key: str | None) -> None:
    """Put the cursor back on the record it was on, if it is still listed."""
    if key is None:
        return
    try:
        table.move_cursor(row=table.get_row_index(key), animate=False)
    except RowDoesNotExist:
        return


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
