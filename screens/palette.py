"""Command palette (Ctrl+P): jump to any branch by name or pinyin initials, or to any screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from inspector.labels import label
from inspector.pinyin import matches

from .home import HomeScreen


class NavigationCommands(Provider):
    """Branches come from the home table's data, so the palette opens instantly."""

    def _screens(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        out: list[tuple[str, str, Callable[[], object]]] = [
            ("支部列表", "回到首页的党支部列表", app.go_home),
            ("帮助", "查看当前界面的按键", app.action_help),
            ("新增党支部", "手工填写一个党支部", partial(self._on_home, "add_branch")),
            ("导入支部名册", "从 Excel/WPS 保存的 CSV 文件导入", partial(self._on_home, "import_roster")),
            ("继续未完成的现场指导", "列出所有进行中的现场指导", self._resume),
            ("整改台账", "全部党支部的问题整改、销号（F3）", partial(self._ledger, "ledger")),
            ("软弱涣散党组织整顿台账", "被认定为软弱涣散的党支部及整顿进展", partial(self._ledger, "weaklax")),
            ("指导覆盖情况", "哪些党支部从未指导或长期未指导", partial(self._ledger, "coverage")),
            ("指导员和包联领导", "指派、撤销，导入或导出 Excel 表格（F9）", partial(self._on_home, "assignments")),
            ("导入同步包", "导入另一台电脑导出的同步包（F5）", partial(self._on_home, "import_bundle")),
            ("导出同步包", "全部党支部导出为同步包，带到另一台电脑（F6）", partial(self._on_home, "export_bundle")),
            ("冲突处理", "同步时两边改法不同的字段，选择保留哪个值（F7）", partial(self._on_home, "conflicts")),
        ]
        from .branch import BranchScreen

        branch_screen = next((s for s in reversed(app.screen_stack) if isinstance(s, BranchScreen)), None)
        if branch_screen is not None:
            name = branch_screen.branch_name or "本支部"
            for title, action in (
                ("新建现场指导", "new_visit"),
                ("口袋党员", "pockets"),
                ("党员花名册", "members"),
                ("软弱涣散", "weaklax"),
                ("导出本支部同步包", "export_bundle"),
            ):
                out.append((f"{name}：{title}", "", partial(self._on_branch, branch_screen, action)))
        return out

    def _on_home(self, action: str) -> None:
        self.app.go_home()
        getattr(self.app.screen_stack[0], f"action_{action}")()

    def _on_branch(self, screen, action: str) -> None:
        while self.app.screen is not screen and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        getattr(screen, f"action_{action}")()

    def _ledger(self, which: str) -> None:
        self.app.open_committee_screen(which)

    def _resume(self) -> None:
        self.app.offer_resume(asked=True)

    async def discover(self) -> Hits:
        for title, help_text, action in self._screens():
            yield DiscoveryHit(title, action, help=help_text or None)

    async def search(self, query: str) -> Hits:
        q = query.strip().lower()
        matcher = self.matcher(query)
        shown = 0
        for title, help_text, action in self._screens():
            score = matcher.match(title)
            if score > 0:
                shown += 1
                yield Hit(score, matcher.highlight(title), action, text=title, help=help_text or None)
        home = self.app.screen_stack[0]
        for s in home.summaries if isinstance(home, HomeScreen) else ():
            if not matches(q, s.name, s.initials):
                continue
            exact = s.name.lower().startswith(q) or s.initials.startswith(q)
            yield Hit(
                0.9 if exact else 0.6,
                Text(s.name),
                partial(self.app.open_branch, s.id),
                text=s.name,
                help=f"{label(s.sector)}　书记：{s.secretary or '未填'}",
            )
            shown += 1
            if shown >= 50:
                break
        if not shown:
            # Said in Chinese here: the palette's own notice of no match is English.
            yield Hit(0.01, Text(f"没有名称或拼音首字母含「{query.strip()}」的支部或功能"), _nothing, text=query)


def _nothing() -> None:
    """Choosing the no-match line closes the palette and does nothing else."""
