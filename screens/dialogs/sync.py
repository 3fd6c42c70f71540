"""导入／导出同步包 from the app (F5 / F6 on the home screen, F6 on a branch).

The path is asked with a `PromptDialog`; the import or export then runs in a
thread inside `SyncJobDialog`, which shows 「正在导入…」 and then the report
(or the one Chinese line of a refused bundle). After an import with
conflicts it offers the Conflicts screen. Over SSH the paths are on the
server, so they are shown in full.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from inspector.errors import UserError
from inspector.sync.merge import export_bundle, import_bundle

from ..styles import tcss
from .common import ConfirmDialog, PromptDialog
from .progress import ProgressDialog

log = logging.getLogger("inspector.ui")

BUNDLE_SUFFIX = ".zip"


@dataclass
class Outcome:
    """What a sync job did, as lines to show."""

    ok: bool
    lines: list[str]
    conflicts: int = 0
    path: Path | None = None
    open_conflicts: bool = False  # the user asked for the Conflicts screen from the report


# ------------------------------------------------------------------ paths
def default_folder() -> Path:
    """Where bundles are looked for and written: the folder the app was started in."""
    return Path.cwd()


def newest_bundle(folders: list[Path]) -> Path | None:
    """The most recent .zip in the folders (what `scp` or a USB copy just put there)."""
    found: list[tuple[float, Path]] = []
    for folder in dict.fromkeys(folders):
        try:
            found.extend((p.stat().st_mtime, p) for p in folder.glob(f"*{BUNDLE_SUFFIX}") if p.is_file())
        except OSError:
            continue
    return max(found)[1] if found else None


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_.")


def export_name(today, user: str, branch_name: str | None = None) -> str:
    """同步包-王干事-2026-11-26.zip (whose bundle it is shows on the other side),
    or 同步包-王干事-红星村党支部-2026-11-26.zip for one branch."""
    parts = ["同步包", _safe(user), _safe(branch_name or "")]
    return "-".join(p for p in parts if p) + f"-{today.isoformat()}{BUNDLE_SUFFIX}"


def as_path(text: str) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else default_folder() / path


# ------------------------------------------------------------------- jobs
def import_job(store, path: Path) -> Outcome:
    try:
        report = import_bundle(store, path)
    except UserError as exc:  # BundleError and lock time-outs: one line each
        return Outcome(False, [f"未导入：{exc}"], path=path)
    except Exception:
        log.exception("import of %s failed", path)
        return Outcome(False, ["导入失败：系统错误，详见日志；数据未作改动。"], path=path)
    # The report's hint names the command line (`inspector conflicts`); here a key does it.
    lines = [line for line in report.lines() if "inspector conflicts" not in line]
    conflicts = report.totals()["conflicts"]
    if conflicts:
        lines.append("两边改法不同的字段都已保留两边的值：按 C 打开「冲突处理」逐处选择（以后也可在首页按 F7）。")
    # Totals first, then the branches (indented), which may run to hundreds of lines.
    branches = [line for line in lines if line.startswith(" ")]
    lines = [line for line in lines if not line.startswith(" ")]
    if branches:
        lines += ["各党支部（↑↓ 翻看）：" if len(branches) > 8 else "各党支部：", *branches]
    return Outcome(True, lines, conflicts, path)


def export_job(store, path: Path, branches: list[str] | None) -> Outcome:
    try:
        report = export_bundle(store, path, branches)
    except UserError as exc:
        return Outcome(False, [f"导出失败：{exc}"], path=path)
    except Exception:
        log.exception("export to %s failed", path)
        return Outcome(False, ["导出失败：系统错误，详见日志。"], path=path)
    lines = [
        f"已写入：{report.path}（{report.bytes / 1024:.0f} KB，用时 {report.seconds:.2f} 秒）",
        f"党支部 {report.branches} 个，记录 {report.records} 条（其中现场指导 {report.visits} 次），"
        f"修改记录 {report.changes} 条，检查清单 {report.templates} 份。",
        "用 U 盘或 scp 把这个文件带到另一台电脑，在那里按 F5 导入。",
    ]
    return Outcome(True, lines, path=path)


# ----------------------------------------------------------------- dialog
class SyncJobDialog(ProgressDialog[Outcome]):
    """Run one import or export in a thread, show what it did, dismiss the `Outcome`."""

    DEFAULT_CSS = tcss("dialog", "sync_job_dialog")
    BINDINGS = [
        Binding("escape", "close", "关闭", id="sync.close"),
        Binding("c", "conflicts", "处理冲突", id="sync.conflicts"),
        Binding("up", "scroll_report('scroll_up')", show=False),
        Binding("down", "scroll_report('scroll_down')", show=False),
        Binding("pageup", "scroll_report('page_up')", show=False),
        Binding("pagedown", "scroll_report('page_down')", show=False),
    ]

    def __init__(self, title: str, busy: str, job: Callable[[], Outcome]) -> None:
        super().__init__(title)
        self.busy = busy
        self.job = job
        self.outcome: Outcome | None = None

    def body(self) -> ComposeResult:
        with VerticalScroll(id="report"):
            yield Static(self.busy, id="lines", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button("处理冲突（C）", id="conflicts")
            yield Button("确定（回车）", variant="primary", id="ok", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#conflicts", Button).display = False
        self.in_thread(self.job, self.show_outcome)

    def show_outcome(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.query_one("#lines", Static).update(Text("\n".join(outcome.lines)))
        self.query_one("#report").set_class(not outcome.ok, "failed")
        self.query_one("#conflicts", Button).display = outcome.conflicts > 0
        ok = self.query_one("#ok", Button)
        ok.disabled = False
        ok.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "conflicts":
            self.action_conflicts()
        else:
            self.action_close()

    def action_close(self) -> None:
        if self.outcome is None:
            self.notify("正在处理，请稍候…")
            return
        self.dismiss(self.outcome)

    def action_scroll_report(self, how: str) -> None:
        getattr(self.query_one("#report", VerticalScroll), f"action_{how}")()

    def action_conflicts(self) -> None:
        if self.outcome is not None and self.outcome.conflicts:
            self.outcome.open_conflicts = True
            self.dismiss(self.outcome)


# ------------------------------------------------------------------ flows
def start_import(app, on_done: Callable[[bool], object] | None = None) -> None:
    """Ask for a bundle and import it. Filled in: the path typed last time if that
    import failed (to fix a typo), else the newest .zip in the folder used last
    time, the current folder or home. `on_done(ok)` runs once the report is closed."""
    from ..conflicts import open_conflicts

    last: tuple[Path, bool] | None = app.last_import
    if last is not None and not last[1]:
        initial = str(last[0])
    else:
        folders = ([last[0].parent] if last else []) + [default_folder(), Path.home()]
        newest = newest_bundle(folders)
        initial = str(newest) if newest else str(default_folder()) + "/"

    def after(outcome: Outcome | None) -> None:
        if outcome is None:
            return
        app.last_import = (outcome.path, outcome.ok)
        if on_done is not None:
            on_done(outcome.ok)
        if outcome.open_conflicts:
            open_conflicts(app)

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = as_path(text)
        app.push_screen(SyncJobDialog("导入同步包", f"正在导入 {path} …", lambda: import_job(app.store, path)), after)

    app.push_screen(
        PromptDialog(
            "导入同步包",
            "同步包文件（另一台电脑按 F6 导出的 .zip）：",
            initial,
            placeholder="如 /home/zhang/同步包-2026-11-26.zip",
        ),
        chosen,
    )


def start_export(app, branch_id: str | None = None, branch_name: str | None = None) -> None:
    """Ask where to write a bundle of every branch (or of one) and write it."""
    scope = f"只导出「{branch_name}」" if branch_id else "导出全部党支部"
    initial = default_folder() / export_name(app.today(), app.store.user, branch_name if branch_id else None)
    branches = [branch_id] if branch_id else None

    def run(path: Path) -> None:
        app.push_screen(
            SyncJobDialog("导出同步包", f"正在导出到 {path} …", lambda: export_job(app.store, path, branches))
        )

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = as_path(text)
        if path.is_dir():
            path = path / initial.name
        if path.suffix.lower() != BUNDLE_SUFFIX:
            path = path.with_name(path.name + BUNDLE_SUFFIX)
        if path.exists():
            app.push_screen(
                ConfirmDialog(f"文件已存在：{path}\n覆盖它吗？", yes="覆盖（Y）", no="取消（N）"),
                lambda yes: run(path) if yes else None,
            )
        else:
            run(path)

    app.push_screen(
        PromptDialog("导出同步包", f"{scope}（含修改记录）。保存为：", str(initial), placeholder="文件名以 .zip 结尾"),
        chosen,
    )
