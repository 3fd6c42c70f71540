"""软弱涣散 determination of one branch: 认定 → 整顿 → 验收 → 销号.

Criteria come from the committee's list (`app.criteria`); the rules of each
step live in `inspector.weaklax`, this screen only collects input. Before the
determination exists, ticks are a draft on screen; once it exists, every
change is saved at once.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from inspector import weaklax as wl
from inspector.dates import hint
from inspector.errors import EditConflict, UserError
from inspector.labels import WEAKLAX_FIELDS as FIELD_LABELS
from inspector.labels import choices, label
from inspector.models import (
    AcceptanceResult,
    CriterionTick,
    Plan4,
    Responsibility,
    WeakLaxDetermination,
)
from inspector.visit import parse_date

from .cjk import fullwidth
from .conflict import conflict_message
from .dialogs.form_screen import FormScreen
from .dialogs.record_editor import RecordEditor
from .styles import tcss
from .tone import tone
from .widgets.fixed_table import FixedTable
from .widgets.textual_compat import Footer, Input, TextArea

_FIXED_COLUMNS = 2 + 6 + 2 * 4 + 2  # tick, id, cell padding, scrollbar


class WeakLaxScreen(Screen[None]):
    """The branch's latest determination, or a draft of a new one."""

    DEFAULT_CSS = tcss("weak_lax_screen")

    BINDINGS = [
        Binding("space", "tick", "勾选", id="weaklax.tick"),
        Binding("e", "evidence", "依据", id="weaklax.evidence"),
        Binding("d", "determine", "认定", id="weaklax.determine"),
        Binding("m", "plan", "方案", id="weaklax.plan"),
        Binding("z", "rectify", "开始整顿", id="weaklax.rectify"),
        Binding("a", "accept", "验收", id="weaklax.accept"),
        Binding("x", "close", "销号", id="weaklax.close"),
        Binding("u", "withdraw", "撤销认定", tooltip="认定有误时撤销（须写明理由，记录保留）", id="weaklax.withdraw"),
        Binding("escape", "back", "返回", id="weaklax.back"),
    ]

    def __init__(self, branch_id: str, *, visit_id: str | None = None) -> None:
        super().__init__()
        self.branch_id = branch_id
        self.visit_id = visit_id
        self.det: WeakLaxDetermination | None = None
        self.draft: dict[str, str] = {}  # criterion id -> evidence, before 认定

    def compose(self) -> ComposeResult:
        yield Static(id="wl-title")
        yield Static(id="wl-status")
        yield FixedTable(id="criteria", cursor_type="row", zebra_stripes=True)
        yield Static(id="wl-evidence")
        yield Static(id="wl-plan")
        yield Static(id="wl-message")
        yield Footer()

    def on_mount(self) -> None:
        branch = self.app.store.branch(self.branch_id)
        self.query_one("#wl-title", Static).update(Text(f"{branch.name}　软弱涣散基层党组织认定与整顿"))
        self.det = wl.current(self.app.store.weaklax(self.branch_id))
        table = self.query_one("#criteria", DataTable)
        table.add_column("", key="tick", width=2)
        table.add_column("编号", key="id", width=6)
        text_width, evidence_width = self._widths()
        table.add_column("认定标准", key="text", width=text_width)
        table.add_column("事实依据", key="evidence", width=evidence_width)
        for c in self.app.criteria:
            text = fullwidth(c.text) + ("（本地）" if c.local else "")
            if not c.applies_to(branch.sectors):
                text += "（不适用于本支部）"
            table.add_row("", c.id, text, "", key=c.id)
        self._refresh_ticks()
        self._show()
        table.focus()
        self._suggest()

    def _suggest(self) -> None:
        """The criteria the latest visit's 不符合 items point to, as a hint; nothing is ticked."""
        if not self.editing_draft:
            return
        try:
            visit, found = wl.branch_suggestions(self.app.store, self.branch_id, self.app.criteria, self.visit_id)
        except UserError:
            return  # the visit or its checklist cannot be read: `inspector check` names it
        if visit is not None and found:
            hints = "；".join(f"{c.id}（{'、'.join(items)}不符合）" for c, items in found)
            self.say(f"{visit.date.isoformat()}现场指导提示对照：{hints}。请核实事实后自行勾选")

    def _widths(self) -> tuple[int, int]:
        """Criterion text and evidence columns: evidence gets a third of a wide terminal."""
        room = self.app.size.width - _FIXED_COLUMNS
        evidence = 20 if room < 90 else room // 3
        return max(16, room - evidence), evidence

    def on_resize(self) -> None:
        self.query_one("#criteria", FixedTable).set_widths([2, 6, *self._widths()])

    # ------------------------------------------------------------------ state
    @property
    def editing_draft(self) -> bool:
        """No open determination: ticks are a draft until 认定."""
        return wl.Step.DETERMINE in wl.allowed_steps(self.det)

    def ticks(self) -> dict[str, str]:
        if self.editing_draft:
            return self.draft
        assert self.det is not None
        return {t.criterion_id: t.evidence for t in self.det.criteria}

    def _tick_cells(self, cid: str) -> tuple[str, str]:
        ticks = self.ticks()
        return ("☑" if cid in ticks else "☐", fullwidth(ticks.get(cid, "")))

    def _refresh_ticks(self, only: str | None = None) -> None:
        table = self.query_one("#criteria", DataTable)
        for c in self.app.criteria:
            if only is None or c.id == only:
                tick, evidence = self._tick_cells(c.id)
                table.update_cell(c.id, "tick", tick)
                table.update_cell(c.id, "evidence", evidence)

    @property
    def current_id(self) -> str:
        table = self.query_one("#criteria", DataTable)
        return self.app.criteria[table.cursor_row].id

    def _show(self) -> None:
        det = self.det
        status = self.query_one("#wl-status", Static)
        if self.editing_draft:
            if det is None:
                line = "未认定。空格勾选认定标准并填写事实依据，按 d 认定"
            else:
                result = label(det.acceptance_result) if det.acceptance_result else ""
                line = f"状态：已销号（{det.closed_on}，验收{result}）。重新认定：空格勾选标准，按 d"
            status.update(Text(line, style="bold"))
        else:
            assert det is not None
            by = f"（{det.decided_by}）" if det.decided_by else ""
            line = f"状态：{label(det.status)}　认定 {det.determined_on.isoformat()}{by}　勾选 {len(det.criteria)} 项"
            if det.acceptance_result is not None:
                line += f"　验收：{label(det.acceptance_result)}（{det.accepted_on}）"
                if det.acceptance_score is not None:
                    line += f" {det.acceptance_score:g}分"
                if det.satisfaction is not None:
                    line += f" 满意率{det.satisfaction:g}%"
            status.update(Text(line, style="bold"))
        self._show_plan()
        self._show_evidence()
        self.refresh_bindings()

    def _show_plan(self) -> None:
        plan = self.det.plan if self.det is not None and not self.editing_draft else None
        text = Text("整顿方案（四明确）", style="bold")
        if plan is None:
            text.append("：认定后按 m 制定")
        else:
            missing = wl.plan_problems(plan)
            if missing:
                text.append("　尚缺：" + "、".join(missing), style=tone("red"))
            text.append(f"\n目标任务：{fullwidth(plan.goal) or '—'}")
            text.append(f"\n整顿措施：{fullwidth(plan.measures) or '—'}")
            deadline = plan.deadline.isoformat() if plan.deadline else "—"
            who = f"{plan.responsible.leader or '—'}（领导）、{plan.responsible.person or '—'}（责任人）"
            text.append(f"\n时限要求：{deadline}　责任主体：{who}")
        self.query_one("#wl-plan", Static).update(text)

    def _show_evidence(self) -> None:
        if not self.app.criteria:
            self.query_one("#wl-evidence", Static).update(
                "没有可用的认定标准清单（weaklax.toml），请检查数据目录中的清单文件"
            )
            return
        cid = self.current_id
        evidence = self.ticks().get(cid)
        line = f"{cid} 事实依据：{fullwidth(evidence)}" if evidence else f"{cid} 未勾选"
        self.query_one("#wl-evidence", Static).update(Text(line))

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#wl-message", Static)
        line.update(Text(message))
        line.set_class(error, "error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer shows the steps that make sense in the current status."""
        basic = self.app.settings.weaklax.basic_may_close
        return action not in set(wl.Step) or action in wl.allowed_steps(self.det, basic_may_close=basic)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_evidence()

    # ---------------------------------------------------------------- criteria
    def _set_tick(self, cid: str, evidence: str | None) -> None:
        """Tick (with evidence) or untick one criterion; saved at once once determined."""
        ticks = dict(self.ticks())
        if evidence is None:
            ticks.pop(cid, None)
        else:
            ticks[cid] = evidence
        if self.editing_draft:
            self.draft = ticks
        else:
            assert self.det is not None
            new = [CriterionTick(criterion_id=k, evidence=v) for k, v in ticks.items()]
            try:
                self.det = wl.update_criteria(self.app.store, self.det, new, self.app.criteria)
            except UserError as exc:
                self._refused(exc)
                return
            self.say(f"已保存：{cid}")
        self._refresh_ticks(cid)
        self._show()

    def action_tick(self) -> None:
        if not self.app.criteria:
            return
        cid = self.current_id
        if cid in self.ticks():
            self._set_tick(cid, None)
        else:
            self.action_evidence()

    def action_evidence(self) -> None:
        from .dialogs.common import PromptDialog

        if not self.app.criteria:
            return
        cid = self.current_id
        criterion = next(c for c in self.app.criteria if c.id == cid)

        def got(value: str | None) -> None:
            if value:
                self._set_tick(cid, value)

        self.app.push_screen(
            PromptDialog(f"{cid} {fullwidth(criterion.text)}", "事实依据（勾选必填）：", self.ticks().get(cid, "")),
            got,
        )

    # ------------------------------------------------------------------- steps
    def _refused(self, exc: UserError) -> None:
        if isinstance(exc, EditConflict):
            self.say(conflict_message(exc, FIELD_LABELS, "已显示最新内容，请核对后再操作"), error=True)
            self.det = wl.current(self.app.store.weaklax(self.branch_id))
            self._refresh_ticks()
            self._show()
        else:
            self.say(str(exc), error=True)

    def _step(self, do) -> None:
        try:
            self.det = do()
        except UserError as exc:
            self._refused(exc)
            return
        assert self.det is not None
        self.say(f"已保存：{label(self.det.status)}")
        self._refresh_ticks()
        self._show()

    def action_determine(self) -> None:
        from .dialogs.common import ConfirmDialog

        ticks = [CriterionTick(criterion_id=k, evidence=v) for k, v in self.draft.items()]
        try:  # refused before asking: the question is for a 认定 the rules allow
            wl.check_ticks(ticks, self.app.criteria, self.app.store.branch(self.branch_id).sectors)
        except UserError as exc:
            self._refused(exc)
            return

        def do() -> WeakLaxDetermination:
            det = wl.determine(
                self.app.store, self.branch_id, ticks, self.app.criteria, on=self.app.today(), visit_id=self.visit_id
            )
            self.draft = {}
            return det

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._step(do)

        self.app.push_screen(
            ConfirmDialog(
                f"按勾选的 {len(ticks)} 项标准认定本支部为软弱涣散党组织？认定记入台账，可按 u 撤销并写明理由。"
            ),
            confirmed,
        )

    def action_withdraw(self) -> None:
        from .dialogs.common import PromptDialog

        det = self.det
        assert det is not None

        def got(reason: str | None) -> None:
            if reason is not None:
                self._step(lambda: wl.withdraw(self.app.store, det, reason, self.app.today()))

        self.app.push_screen(PromptDialog("撤销认定", "撤销理由（记入台账）：", ""), got)

    def action_plan(self) -> None:
        det = self.det
        assert det is not None

        def got(saved: WeakLaxDetermination | None) -> None:
            if saved is not None:
                self._step(lambda: saved)

        self.app.push_screen(PlanEditor(det, is_new=False), got)

    def action_rectify(self) -> None:
        from .dialogs.common import ConfirmDialog

        det = self.det
        assert det is not None

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._step(lambda: wl.start_rectification(self.app.store, det))

        self.app.push_screen(ConfirmDialog("按整顿方案开始整顿？开始后进入整顿中，整顿完成后验收。"), confirmed)

    def action_accept(self) -> None:
        det = self.det
        assert det is not None

        def got(typed: wl.Acceptance | None) -> None:
            if typed is not None:
                self._step(
                    lambda: wl.accept(
                        self.app.store,
                        det,
                        typed.result,
                        typed.on,
                        score=typed.score,
                        satisfaction=typed.satisfaction,
                        body=typed.body,
                    )
                )

        self.app.push_screen(AcceptanceDialog(det, self.app.today(), self.app.settings.weaklax.acceptance_body), got)

    def action_close(self) -> None:
        from .dialogs.common import PromptDialog

        det = self.det
        assert det is not None

        def got(value: str | None) -> None:
            if not value:
                return
            try:
                on = parse_date(value)
            except UserError as exc:
                self.say(str(exc), error=True)
                return
            self._step(lambda: wl.close(self.app.store, det, on))

        self.app.push_screen(PromptDialog("销号", "销号日期：", self.app.today().isoformat()), got)

    def action_back(self) -> None:
        self.app.pop_screen()


class PlanEditor(RecordEditor[WeakLaxDetermination]):
    """The 整顿方案 with its 四明确; may be saved incomplete and finished later."""

    FIELD_LABELS = {"plan": "整顿方案"}
    ERROR_ID = "plan-error"
    LAST_FIELD = "plan-person"

    DEFAULT_CSS = tcss("plan_editor")
    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="plan.save"),
        Binding("escape", "cancel", "取消", id="plan.cancel"),
    ]

    def compose(self) -> ComposeResult:
        p = self.original.plan
        with VerticalScroll(id="plan-box"):
            yield Static("整顿方案（四明确）　Ctrl+S 或 F2 保存，Esc 取消", classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("目标任务")
                yield TextArea(p.goal, id="plan-goal", compact=True, soft_wrap=True)
            with Horizontal(classes="field-row"):
                yield Label("整顿措施")
                yield TextArea(p.measures, id="plan-measures", compact=True, soft_wrap=True)
            with Horizontal(classes="field-row"):
                yield Label("时限要求")
                yield Input(
                    p.deadline.isoformat() if p.deadline else "",
                    placeholder=hint(self.app.today()),
                    id="plan-deadline",
                    classes="date",
                    compact=True,
                )
                yield Label("责任领导", classes="second")
                yield Input(p.responsible.leader, id="plan-leader", compact=True)
                yield Label("具体责任人", classes="second")
                yield Input(p.responsible.person, id="plan-person", compact=True)
            yield Static("", id="plan-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#plan-goal", TextArea).focus()

    def draft_title(self) -> str:
        return "整顿方案"

    def edited(self) -> WeakLaxDetermination:
        q = self.query_one
        text = q("#plan-deadline", Input).value.strip()
        plan = Plan4(
            goal=q("#plan-goal", TextArea).text.strip(),
            measures=q("#plan-measures", TextArea).text.strip(),
            deadline=parse_date(text) if text else None,
            responsible=Responsibility(
                leader=q("#plan-leader", Input).value.strip(), person=q("#plan-person", Input).value.strip()
            ),
        )
        return self.original.model_copy(update={"plan": plan})

    def persist(self, det: WeakLaxDetermination) -> WeakLaxDetermination:
        return wl.set_plan(self.app.store, self.original, det.plan)


class AcceptanceDialog(FormScreen["tuple[AcceptanceResult, date, float | None] | None"]):
    """验收: a grade and a date (the score is optional: pass marks are local practice)."""

    DEFAULT_CSS = tcss("acceptance_dialog")
    BINDINGS = [
        Binding("ctrl+s,f2", "save", "保存", id="accept.save"),
        Binding("escape", "cancel", "取消", id="accept.cancel"),
    ]

    def __init__(self, det: WeakLaxDetermination, today: date, body: str) -> None:
        super().__init__()
        self.det = det
        self.today = today
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="accept-box"):
            yield Static("验收（Ctrl+S 或 F2 保存，Esc 取消）")
            with Horizontal(classes="field-row"):
                yield Label("验收结果")
                yield Select(choices(AcceptanceResult), prompt="请选择", compact=True, id="accept-result")
            with Horizontal(classes="field-row"):
                yield Label("验收日期")
                yield Input(
                    self.today.isoformat(), placeholder=hint(self.today), id="accept-date", classes="date", compact=True
                )
            with Horizontal(classes="field-row"):
                yield Label("得分")
                yield Input("", placeholder="可空，0–100", id="accept-score", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("满意率%")
                yield Input("", placeholder="民主测评满意率，可空", id="accept-satisfaction", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("验收单位")
                yield Input(self.body, id="accept-body", compact=True)
            yield Static("", id="accept-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#accept-result", Select).focus()

    def draft_key(self) -> tuple[str, str]:
        return ("acceptance", self.det.id)

    def draft_title(self) -> str:
        return "软弱涣散党组织整顿验收"

    def form_message(self, text: str) -> None:
        self.query_one("#accept-error", Static).update(Text(text))

    def enter_in(self, field: Input) -> None:
        """Enter moves on; in the last field it saves."""
        if field.id == "accept-body":
            self.action_save()
        else:
            self.focus_next()

    def save_form(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        q = self.query_one
        result = q("#accept-result", Select).value
        try:
            accepted = wl.acceptance_from_form(
                result if isinstance(result, AcceptanceResult) else None,
                q("#accept-date", Input).value,
                q("#accept-score", Input).value,
                q("#accept-satisfaction", Input).value,
                q("#accept-body", Input).value,
            )
        except UserError as exc:
            self.form_message(str(exc))
            return
        self.forget_draft()
        self.dismiss(accepted)
