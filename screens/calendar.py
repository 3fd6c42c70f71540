"""The campaign calendar: a month of key dates, and what falls due this week.

The dates are worked out by `inspector.keydates` in a thread (at county scale
it reads every branch); the screen lays out the month and the week's list.
F4 (the user's branches) or p (a chosen 指导员 or 包联领导) keeps the plan's
dates and only that person's branches' dates.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from inspector import keydates as kd
from inspector.assignments import branch_ids_of, people
from inspector.errors import UserError

from .styles import tcss
from .widgets.literal import literal
from .widgets.textual_compat import Footer

WEEKDAYS = "一二三四五六日"
CELL = 10  # columns per day: "31 ●12" plus room
KIND_STYLE = {
    kd.Kind.CAMPAIGN: "bold cyan",
    kd.Kind.DEADLINE: "yellow",
    kd.Kind.REPORT: "magenta",
    kd.Kind.RETURN_VISIT: "green",
    kd.Kind.RECTIFICATION: "red",
}
KIND_LABEL = {
    kd.Kind.CAMPAIGN: "节点",
    kd.Kind.DEADLINE: "时限",
    kd.Kind.REPORT: "报告",
    kd.Kind.RETURN_VISIT: "回头看",
    kd.Kind.RECTIFICATION: "整顿",
}
WEEK_LINES = 9


class CalendarScreen(Screen[None]):
    """A month view; [ and ] turn the month, t comes back to today's; F4 and p show one person's branches."""

    HELP = (
        "学习教育日历：方案规定的时间节点（每季度党员大会、七一党课、年底组织生活会和民主评议），"
        "以及问题整改时限、整改报告报送期限、已安排的回头看和软弱涣散整顿时限。数字为当天事项数。"
        "F4 只看我的支部，p 选一位指导员或包联领导只看其负责的支部（方案规定的时间节点照常显示）。"
    )
    DEFAULT_CSS = tcss("calendar_screen")
    BINDINGS = [
        Binding("left_square_bracket", "month(-1)", "上月", key_display="[", id="calendar.previous"),
        Binding("right_square_bracket", "month(1)", "下月", key_display="]", id="calendar.next"),
        Binding("t", "today", "本月", id="calendar.today"),
        Binding("f4", "my_branches", "我的支部", id="calendar.my_branches"),
        Binding("p", "person", "按人", id="calendar.person"),
        Binding("escape", "back", "返回", id="calendar.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[kd.Event] | None = None
        self.month = (0, 0)
        #: Whose branches are shown (None: every branch).
        self.person: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="month-title")
        yield Static(id="month")
        yield Static("正在读取…", id="week")
        yield Footer()

    def on_mount(self) -> None:
        today = self.app.today()
        self.month = (today.year, today.month)
        self.sub_title = "学习教育日历"
        self.load()

    @work(thread=True, exclusive=True, group="calendar")
    def load(self) -> None:
        try:
            found = kd.events(self.app.store)
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, found)

    def show(self, found: list[kd.Event]) -> None:
        self.events = found
        self._draw()

    def _draw(self) -> None:
        if self.events is None:
            return
        year, month = self.month
        today = self.app.today()
        found = self.events
        title = f"{year}年{month}月"
        if self.person is not None:
            mine = branch_ids_of(self.app.settings, self.person)
            found = kd.of_branches(found, mine)
            title += f"　只看{self.person}负责的{len(mine)}个党支部（方案节点照常显示）"
        days = kd.by_day(found)
        self.query_one("#month-title", Static).update(literal(title))
        grid = Text()
        for n, name in enumerate(WEEKDAYS):
            grid.append(name + " " * (CELL - 2), style="bold" if n < 5 else "bold dim")  # over the day numbers
        for week in kd.month_grid(year, month):
            grid.append("\n")
            for day in week:
                grid.append_text(self._cell(day, days.get(day, []) if day else [], today))
        self.query_one("#month", Static).update(grid)
        monday, sunday = kd.week_of(today)
        this_week = kd.due_this_week(found, today)
        text = Text(f"本周（{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日）到期：", style="bold")
        if not this_week:
            text.append("无")
        for e in this_week[:WEEK_LINES]:
            text.append(f"\n{e.day.month}月{e.day.day}日 ")
            text.append(f"〔{KIND_LABEL[e.kind]}〕", style=KIND_STYLE[e.kind])
            text.append(e.title)
        if len(this_week) > WEEK_LINES:
            text.append(f"\n……另有 {len(this_week) - WEEK_LINES} 项", style="dim")
        self.query_one("#week", Static).update(text)

    @staticmethod
    def _cell(day: date | None, events: list[kd.Event], today: date) -> Text:
        if day is None:
            return Text(" " * CELL)
        style = "reverse" if day == today else ""
        cell = Text(f"{day.day:>2}", style=style)
        if events:
            kinds = {e.kind for e in events}
            mark = kd.Kind.CAMPAIGN if kd.Kind.CAMPAIGN in kinds else events[0].kind
            cell.append(f" ●{len(events)}", style=KIND_STYLE[mark])
        cell.append(" " * (CELL - cell.cell_len))
        return cell

    def action_month(self, step: int) -> None:
        year, month = self.month
        month += step
        self.month = (year + (month - 1) // 12, (month - 1) % 12 + 1)
        self._draw()

    def action_today(self) -> None:
        today = self.app.today()
        self.month = (today.year, today.month)
        self._draw()

    def show_person(self, person: str | None) -> None:
        """Only `person`'s branches (None: every branch); someone with none is refused."""
        if person is not None and not branch_ids_of(self.app.settings, person):
            self.notify(f"{person}尚未被指派为任何党支部的指导员或包联领导", severity="warning", markup=False)
            return
        self.person = person
        self._draw()

    def action_my_branches(self) -> None:
        self.show_person(None if self.person == self.app.store.user else self.app.store.user)

    def action_person(self) -> None:
        from .dialogs.common import ChoiceDialog

        names = people(self.app.settings)
        if not names:
            self.notify("尚未指派指导员或包联领导（首页 F9 指派）", severity="warning")
            return
        current = names.index(self.person) + 1 if self.person in names else 0

        def chosen(index: int | None) -> None:
            if index is not None:
                self.show_person(names[index - 1] if index else None)

        self.app.push_screen(
            ChoiceDialog("按人查看", "只看谁负责的党支部：", ["全部党支部", *names], current=current), chosen
        )

    def action_back(self) -> None:
        self.app.pop_screen()
