"""The application shell: data, key map, command palette, signals.

Screens reach shared state through the app: `app.store`, `app.settings`,
`app.templates`, `app.criteria` and `app.today()`. The app alone watches the
data folder and tells the screen on top when it changed (`watched.py`). Checklists load in a
thread after the first screen is up, so start-up stays under a second even
at county scale; the first screen that needs them waits for that load.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import select
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from inspector import clock
from inspector.errors import UserError
from inspector.models import VisitKind
from inspector.settings import Settings, load_settings
from inspector.store import Store

from .home import HomeScreen
from .palette import NavigationCommands
from .watched import DataChanged

if TYPE_CHECKING:
    from inspector.checklist import ChecklistTemplate, RuleSource, WeakLaxCriterion
    from inspector.visit import Unfinished

    from .ledger import LedgerSource

log = logging.getLogger("inspector.ui")

#: After SIGHUP the terminal is gone and restoring it may block; the data is
#: already saved by then, so the process leaves after this many seconds anyway.
_EXIT_GRACE_SECONDS = 5.0

#: How often the app asks the store whether anything was saved: a read of a
#: few bytes (`Store.change_signature`), so others' changes show within ~2 s.
WATCH_SECONDS = 1.0


@runtime_checkable
class KeepsTyping(Protocol):
    """A screen or form holding typed text it saves when the app closes
    (the visit screen's note, the record editors)."""

    def save_pending(self) -> None: ...


class InspectorApp(App[int]):
    TITLE = "两学一做 · 现场指导"
    COMMANDS = {NavigationCommands}
    # Absolute: Textual resolves a relative path against the file of the
    # (sub)class, and tests subclass the app.
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "帮助", id="app.help"),
        Binding("question_mark", "help", "帮助", show=False, id="app.help_alt"),
        Binding("ctrl+p", "command_palette", "命令", show=False, id="app.command_palette"),
        Binding("ctrl+q", "quit", "退出", show=False, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        # Priority: the app moves focus while it handles Tab itself, before it
        # forwards the keys that came in the same burst (paste, a laggy SSH
        # link). Left to the focused widget, Tab is handled only after the app
        # has already forwarded those keys to the field being left.
        Binding("tab", "focus_next", "下一项", show=False, priority=True, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "上一项", show=False, priority=True, id="app.focus_previous"),
    ]

    def __init__(self, store: Store, checklist_dirs: Sequence[Path] = (), *, hard_exit: bool = False) -> None:
        super().__init__()
        self.store = store
        self.checklist_dirs = list(checklist_dirs)
        self.settings: Settings = load_settings(store.root)
        self._checklists_lock = threading.Lock()
        self._loaded: Any = None
        self._criteria: list[WeakLaxCriterion] | None = None
        self._resume_offered = False
        self._ledger_source: LedgerSource | None = None
        #: What the user chose earlier in this session, offered again:
        #: the bundle last imported and whether that import went through,
        self.last_import: tuple[Path, bool] | None = None
        #: and the folder 反馈意见 were last written to.
        self.memo_folder: Path | None = None
        #: `hard_exit` (a real process, see `run`): a signal also arms a timer
        #: that ends the process if restoring a vanished terminal hangs.
        self.exit_timer: threading.Timer | None = None
        self._hard_exit = hard_exit
        #: Counts the changes seen in the data folder (and day turns): a
        #: screen compares it with the count it last showed.
        self.data_generation = 0
        self._data_state = (store.change_signature(), self.today())
        if self.settings.committee_name:
            self.sub_title = self.settings.committee_name
        if store.read_only:
            self.sub_title = f"【只读】{self.sub_title}"
        self._cursor_blinks = self.settings.cursor_blinks()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Text cursors blink only where the settings allow (by default not over SSH)."""
        from textual.widgets import Input, TextArea

        if isinstance(event.widget, Input | TextArea) and not self._cursor_blinks:
            event.widget.cursor_blink = False

    # ------------------------------------------------------------ shared state
    def today(self) -> date:
        return clock.today()

    def check_data(self) -> bool:
        """Note whether anything was saved (by anyone) or the day turned since
        the last check; True if so, and `data_generation` has moved on."""
        try:
            state = (self.store.change_signature(), self.today())
        except OSError as exc:
            log.warning("change marker: %s", exc)
            return False
        if state == self._data_state:
            return False
        self._data_state = state
        self.data_generation += 1
        return True

    def _watch_data(self) -> None:
        if self.check_data():
            self.screen.post_message(DataChanged())

    def _load_checklists(self) -> Any:
        with self._checklists_lock:
            if self._loaded is None:
                from inspector.checklist import load_templates

                self._loaded = load_templates(self.checklist_dirs)
                self._criteria = list(self._loaded.criteria)
                for err in self._loaded.errors:
                    log.warning("checklist: %s", err)
            return self._loaded

    def ledger_source(self) -> LedgerSource:
        """The committee ledger's reader, shared by its screens for the whole session."""
        from .ledger import LedgerSource

        if self._ledger_source is None:
            self._ledger_source = LedgerSource(self.store)
        return self._ledger_source

    @property
    def templates(self) -> dict[str, ChecklistTemplate]:
        return self._load_checklists().templates

    @property
    def criteria(self) -> list[WeakLaxCriterion]:
        self._load_checklists()
        assert self._criteria is not None
        return self._criteria

    @property
    def sources(self) -> dict[str, RuleSource]:
        """Dated rule sources, for citing what was in force on a visit's date."""
        return self._load_checklists().sources

    @property
    def checklist_errors(self) -> list[Any]:
        return self._load_checklists().errors

    # ---------------------------------------------------------------- start-up
    def get_default_screen(self) -> HomeScreen:
        return HomeScreen()

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        from .too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen

        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small and not isinstance(self.screen, TooSmallScreen):
            self.push_screen(TooSmallScreen())
        elif not small and isinstance(self.screen, TooSmallScreen):
            self.pop_screen()

    def on_mount(self) -> None:
        if self.store.read_only:
            self.notify(
                "数据目录只读（只读磁盘或没有写入权限）：可以查看、导出和生成草稿，不能修改。",
                title="只读打开",
                severity="warning",
                timeout=30,
            )
        self._apply_keymap()
        self._install_signal_handlers()
        self.set_interval(WATCH_SECONDS, self._watch_data)
        if self._hard_exit:
            self.set_interval(WATCH_SECONDS, self._watch_terminal)
        if self.store.is_empty():
            from .welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())
        self._check_size(self.size.width, self.size.height)

    def home_ready(self) -> None:
        """The branch table is on screen: now load checklists (kept off the
        start path) and offer to resume unfinished visits."""
        if self._loaded is None:
            self._load_checklists_in_background()
        self.offer_resume()
        from .conflicts import notify_open_conflicts

        notify_open_conflicts(self)
        self.notify_drafts()

    def notify_drafts(self) -> None:
        """Name the forms kept as drafts: each comes back when its record is opened."""
        drafts = self.store.drafts()
        if drafts:
            names = "、".join(str(d.get("title", "")) for d in drafts[:5])
            more = f"等 {len(drafts)} 份" if len(drafts) > 5 else ""
            self.notify(
                f"{names}{more}有未能保存的内容，已留作草稿；打开该记录即可恢复。",
                title="未保存的草稿",
                timeout=15,
            )

    @work(thread=True, group="checklists")
    def _load_checklists_in_background(self) -> None:
        errors = self._load_checklists().errors
        if errors:
            first = str(errors[0])
            more = f"等 {len(errors)} 处" if len(errors) > 1 else ""
            self.call_from_thread(
                self.notify,
                f"{first}{more}；有误的文件已跳过，详见日志。",
                title="检查清单有误",
                severity="warning",
                timeout=12,
            )

    def _apply_keymap(self) -> None:
        """Users may rebind any key by id in `<data>/keymap.json`, e.g. {"home.add_branch": "ctrl+a"}."""
        path = self.store.root / "keymap.json"
        if not path.exists():
            return
        try:
            keymap = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(keymap, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
            ):
                raise ValueError('应为 {"按键编号": "按键"} 形式')
        except (OSError, ValueError) as exc:
            log.warning("keymap %s: %s", path, exc)
            self.notify(f"快捷键设置文件 {path.name} 有误，已忽略：{exc}", severity="warning", timeout=10, markup=False)
            return
        self.set_keymap(keymap)

    def offer_resume(self, *, asked: bool = False) -> None:
        """Find the visits still in progress: on start (home calls this when its
        data is in) they go to the home screen's panel, never a dialog that would
        take the user's first keys; when the user asks, a list to pick from."""
        if self._resume_offered and not asked:
            return
        self._resume_offered = True
        self._find_unfinished(asked)

    @work(thread=True, group="resume")
    def _find_unfinished(self, asked: bool) -> None:
        from inspector.visit import unfinished

        found = unfinished(self.store, self.store.user)
        self.call_from_thread(self._show_unfinished, found, asked)

    def _show_unfinished(self, found: list[Unfinished], asked: bool) -> None:
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.show_unfinished(found)
        if not asked:
            return
        if not found:
            self.notify("没有未完成的现场指导")
            return
        from .dialogs.common import ChoiceDialog

        def chosen(index: int | None) -> None:
            if index is not None:
                self.open_visit(found[index].branch_id, found[index].visit_id)

        self.push_screen(
            ChoiceDialog("未完成的现场指导", "选择一项继续（Esc 返回）：", [u.label for u in found]),
            chosen,
        )

    # ------------------------------------------------------------- navigation
    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def open_branch(self, branch_id: str) -> None:
        from .branch import BranchScreen

        self.go_home()
        self.push_screen(BranchScreen(branch_id))

    def open_committee_screen(self, which: str = "ledger") -> None:
        """Open one of the committee's ledgers ("ledger", "weaklax" or "coverage") over the home screen."""
        from .coverage import CoverageScreen
        from .ledger import LedgerScreen
        from .weaklax_ledger import WeakLaxLedgerScreen

        screen_class = {"weaklax": WeakLaxLedgerScreen, "coverage": CoverageScreen}.get(which, LedgerScreen)
        if isinstance(self.screen, screen_class):
            return
        # Installed once and kept: opened again it shows at once, filters and
        # selection as left, and brings in what changed meanwhile (`watched.py`).
        name = f"committee-{which}"
        if not self.is_screen_installed(name):
            screen: Screen[None]
            if screen_class is WeakLaxLedgerScreen:
                screen = WeakLaxLedgerScreen()
            elif screen_class is CoverageScreen:
                screen = CoverageScreen(self.ledger_source())
            else:
                screen = LedgerScreen(self.ledger_source())
            self.install_screen(screen, name)
        self.go_home()
        self.push_screen(name)

    def open_visit(self, branch_id: str, visit_id: str) -> None:
        self.open_branch(branch_id)
        self.push_visit(branch_id, visit_id)

    def push_visit(self, branch_id: str, visit_id: str) -> None:
        """The visit's screen on top: the checklist walk, or the 回头看 walk."""
        try:
            kind = self.store.visit(visit_id, branch_id).visit_kind
        except (UserError, ValueError):  # the visit screen says why it cannot open
            kind = VisitKind.GUIDANCE
        if kind == VisitKind.RETURN:
            from .followup import FollowUpScreen

            self.push_screen(FollowUpScreen(visit_id, branch_id))
            return
        try:
            from .visit import VisitScreen
        except ImportError:
            self.notify("现场指导界面尚未就绪", severity="warning")
            return
        self.push_screen(VisitScreen(visit_id, branch_id))

    def action_help(self) -> None:
        from .dialogs.help import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder="输入支部名称或拼音首字母（如 dyzb），或功能名称…", id="--command-palette")
            )

    def action_help_quit(self) -> None:
        self.notify("按 Ctrl+Q 退出程序", title="要退出吗？")

    # --------------------------------------------------------- leaving safely
    def save_pending(self) -> None:
        """Ask every open screen to save text typed but not yet saved (a note being written)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, KeepsTyping):
                try:
                    screen.save_pending()
                except Exception:  # one screen failing must not stop the others
                    log.exception("save_pending failed on %r", screen)

    async def action_quit(self) -> None:
        self.save_pending()
        self.exit(0)

    def _install_signal_handlers(self) -> None:
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self._on_signal, sig)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):  # not the main thread, or Windows
            log.info("signal handlers not installed")

    def _watch_terminal(self) -> None:
        """A terminal that hangs up without a SIGHUP (a pty that is not the
        process's controlling terminal, its other end closed) leaves Textual's
        input thread reading end-of-file in a busy loop for ever: leave as a
        SIGHUP would."""
        stdin = sys.__stdin__
        if self.exit_timer is None and stdin is not None and terminal_hung_up(stdin.fileno()):
            self._on_signal(signal.SIGHUP)

    def _on_signal(self, sig: int) -> None:
        log.info("signal %s: saving and leaving", signal.Signals(sig).name)
        self.save_pending()
        if self._hard_exit and self.exit_timer is None:
            self.exit_timer = threading.Timer(_EXIT_GRACE_SECONDS, os._exit, args=(0,))
            self.exit_timer.daemon = True
            self.exit_timer.start()
        self.exit(0)


def terminal_hung_up(fd: int) -> bool:
    """True when `fd` reports a hang-up or an error: no key can come from it again."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    try:
        events = poller.poll(0)
    except OSError:
        return True
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _fd, mask in events)


def run(store: Store, checklist_dirs: Sequence[Path] = (), mouse: bool = True) -> int:
    """Run the app until the user quits; returns the process exit code."""
    app = InspectorApp(store, checklist_dirs, hard_exit=True)
    try:
        app.run(mouse=mouse)
    finally:
        if app.exit_timer is not None:
            app.exit_timer.cancel()
    return app.return_code or 0
