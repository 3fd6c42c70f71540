"""First start on an empty data folder: import a roster, add a branch, or try the demo."""

from __future__ import annotations

import logging

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from inspector.errors import UserError

from .styles import tcss
from .widgets.literal import literal
from .widgets.textual_compat import Footer

DEMO_BRANCHES = 60
log = logging.getLogger("inspector.ui")


class WelcomeScreen(Screen):
    HELP = "数据目录还是空的。可以导入支部名册、手工新增党支部，或打开演示数据先熟悉操作。"
    DEFAULT_CSS = tcss("welcome_screen")
    BINDINGS = [
        Binding("1", "choose(0)", "导入名册", id="welcome.import_roster"),
        Binding("2", "choose(1)", "新增支部", id="welcome.add_branch"),
        Binding("3", "choose(2)", "演示数据", id="welcome.demo"),
        Binding(
            "4", "choose(3)", "同步包", tooltip="导入县委服务器或另一台电脑导出的同步包", id="welcome.import_bundle"
        ),
        Binding("ctrl+q", "app.quit", "退出", id="welcome.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="box"):
            yield Static("欢迎使用「两学一做」现场指导", id="title")
            yield Static(f"学习教育：{self.app.settings.campaign.line()}", id="campaign", markup=False)
            yield Static("还没有党支部。请选择开始的方式（↑↓ 选择，回车确定，或按数字键）：")
            yield OptionList(
                Option("1. 导入支部名册（Excel/WPS 另存的 CSV 文件）", id="import"),
                Option("2. 手工新增一个党支部", id="add"),
                Option(f"3. 打开演示数据（{DEMO_BRANCHES} 个虚构党支部，写入本数据目录，供熟悉操作）", id="demo"),
                Option("4. 导入同步包（县委服务器或另一台电脑导出的 .zip）", id="bundle"),
                id="choices",
            )
            yield Static(f"数据目录：{self.app.store.root}", id="where", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"欢迎 · {self.app.settings.campaign.short()}"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(event.option_index)

    def action_choose(self, index: int) -> None:
        if index == 0:
            from .dialogs.roster import RosterDialog

            self.app.push_screen(RosterDialog(), self._done)
        elif index == 1:
            from .dialogs.branch_form import BranchForm

            self.app.push_screen(BranchForm(None), self._done)
        elif index == 3:
            from .dialogs.sync import start_import

            start_import(self.app, lambda ok: ok and self.is_current and self.dismiss())
        else:
            self.query_one("#choices", OptionList).disabled = True
            self.query_one("#where", Static).update("正在生成演示数据，请稍候…")
            self.make_demo()

    def _done(self, result: object) -> None:
        if result:
            self.dismiss()

    @work(thread=True, exclusive=True, group="demo")
    def make_demo(self) -> None:
        from inspector.demo import generate

        app = self.app
        status = self.query_one("#where", Static)

        def progress(n: int, total: int) -> None:
            app.call_from_thread(status.update, f"正在生成演示数据：{n}／{total} 个党支部…")

        try:
            generate(app.store, branches=DEMO_BRANCHES, seed=1, checklist_dirs=app.checklist_dirs, progress=progress)
        except UserError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # a bug must not take the app down with it
            log.exception("demo generation failed")
            app.call_from_thread(self._failed, f"生成演示数据失败：{exc}（详见日志）")
            return
        app.call_from_thread(self._demo_ready)

    def _failed(self, message: str) -> None:
        self.query_one("#choices", OptionList).disabled = False
        self.query_one("#where", Static).update(literal(message))
        self.notify(message, severity="error", markup=False)

    def _demo_ready(self) -> None:
        self.app.notify(f"演示数据已生成：{DEMO_BRANCHES} 个党支部")
        self.dismiss()
