"""Writing inspection memos (反馈意见) from the app: where to, overwrite or not,
progress, and where the files went.

Default folder: `<data>/memos/`, not the current directory. Committee staff
on the shared server start the app from wherever their shell happens to be;
memos under the data folder land in one place every colleague can find,
next to the records they were made from (and backed up with them), and the
file recorded on the visit does not depend on where the app was launched.
An inspector on a laptop sees the full path in the prompt and again in the
notification, may type another folder (`~/桌面`), and that choice is kept
for the rest of the session.

The memos are written by `inspector.documents.memo` in a thread with a progress bar,
so a batch over a slow SSH link never freezes the screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Label, ProgressBar, Static

from inspector.errors import UserError
from inspector.models import Visit, VisitStatus
from inspector.settings import load_settings

from ..styles import tcss
from .common import ConfirmDialog, PromptDialog
from .progress import ProgressDialog

if TYPE_CHECKING:
    from inspector.documents.memo import MemoDraft

log = logging.getLogger("inspector.ui")

NOT_COMPLETED = "本次现场指导尚未完成，完成后才能生成反馈意见"


def default_folder(app: App) -> Path:
    """The folder chosen last in this session (`InspectorApp.memo_folder`), else the data folder's `memos`."""
    return app.memo_folder or Path(app.store.root).absolute() / "memos"


@dataclass
class MemoResult:
    """What a run did: files written, visits already current, failures (one Chinese line each)."""

    written: list[Path]
    current: int  # already had a current memo (batch only)
    skipped: int  # reopened since they were listed
    failed: list[str]
    kept: int = 0  # existing files the user chose not to overwrite
    stopped: bool = False
    issued: int = 0  # issued memos: never regenerated


@dataclass
class _Job:
    visit: Visit
    inputs: MemoDraft
    path: Path


class MemoProgress(ProgressDialog["MemoResult | None"]):
    """Writes the memos of `refs` ((branch id, visit id) pairs) into `folder`.

    With `only_stale`, visits whose memo is current are left alone (the
    batch key); otherwise every visit given gets a new memo (the user asked
    for this one). Existing files are only replaced after a confirmation.
    """

    DEFAULT_CSS = tcss("dialog", "memo_progress")
    BINDINGS = [Binding("escape", "stop", "停止", id="memo.stop")]

    def __init__(self, subject: str, refs: Sequence[tuple[str, str]], folder: Path, *, only_stale: bool) -> None:
        super().__init__("生成现场指导反馈意见")
        self.subject = subject
        self.refs = list(refs)
        self.folder = folder
        self.only_stale = only_stale
        self._stop = threading.Event()

    def body(self) -> ComposeResult:
        yield Static(self.subject, id="memo-subject", markup=False)
        yield Static(f"保存到：{self.folder}", id="memo-folder", markup=False)
        yield ProgressBar(total=len(self.refs) or 1, show_eta=False, id="memo-bar")
        yield Label("正在读取记录……", id="memo-status")
        yield Static("Esc 停止", id="memo-hint")

    def on_mount(self) -> None:
        self.plan()

    def action_stop(self) -> None:
        self._stop.set()
        self.query_one("#memo-status", Label).update("正在停止（当前这份写完后停止）……")

    def plan(self) -> None:
        self.in_thread(self._read, self._planned)

    # ------------------------------------------------------------ in threads
    def _read(self) -> tuple[list[_Job], MemoResult]:
        """Read each visit and its memo inputs; decide which to write."""
        from inspector.documents import memo
        from inspector.documents.followup_memo import memo_inputs

        app = self.app
        store = app.store
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("memo folder %s: %s", self.folder, exc)
            failed = [f"无法创建文件夹：{self.folder}（没有权限或路径有误）"]
            return [], MemoResult([], current=0, skipped=0, failed=failed)
        criteria = memo.criteria_texts(store.root, app.checklist_dirs)
        settings = load_settings(store.root)
        jobs: list[_Job] = []
        current = skipped = issued = 0
        failed: list[str] = []
        for bid, vid in self.refs:
            if self._stop.is_set():
                break
            try:
                visit = store.visit(vid, bid)
                if visit.status != VisitStatus.COMPLETED:
                    skipped += 1
                    continue
                if memo.issued(visit) is not None:
                    issued += 1
                    continue
                inputs = memo_inputs(store, visit, settings=settings, criteria=criteria)
                if self.only_stale and memo.is_current(visit, inputs.content_hash()):
                    current += 1
                    continue
            except Exception as exc:  # one visit failing must not end the app or the batch
                log.exception("memo of visit %s", vid)
                failed.append(f"现场指导 {vid[:8]}：{_reason(exc)}")
                continue
            jobs.append(_Job(visit, inputs, self.folder / inputs.filename(visit, issued=False)))
        return jobs, MemoResult([], current, skipped, failed, stopped=self._stop.is_set(), issued=issued)

    def _write(self, jobs: list[_Job], force: bool, result: MemoResult) -> MemoResult:
        from inspector.documents import memo
        from inspector.errors import OutputExists

        app = self.app
        today = app.today()
        done = 0
        for job in jobs:
            if self._stop.is_set():
                result.stopped = True
                break
            self.from_thread(self._progress, done, len(jobs), job.visit)
            done += 1
            try:
                record = memo.write_memo(
                    app.store, job.visit, path=job.path, force=force, today=today, inputs=job.inputs
                )
            except OutputExists as exc:
                result.failed.append(f"文件已存在，未覆盖：{exc.path}")
            except OSError as exc:
                log.warning("memo %s: %s", job.path, exc)
                result.failed.append(f"无法写入 {job.path}（没有权限或磁盘已满）")
            except Exception as exc:
                log.exception("memo %s", job.path)
                result.failed.append(f"{job.path.name}：{_reason(exc)}")
            else:
                result.written.append(Path(record.file))
        self.from_thread(self._progress, done, len(jobs), None)
        return result

    # ----------------------------------------------------- on the UI thread
    def _progress(self, done: int, total: int, visit: Visit | None) -> None:
        bar = self.query_one("#memo-bar", ProgressBar)
        bar.update(total=total or 1, progress=done)
        if visit is not None:
            self.query_one("#memo-status", Label).update(
                f"正在生成第 {done + 1}/{total} 份（{visit.date.isoformat()}）……"
            )

    def write(self, jobs: list[_Job], force: bool, result: MemoResult) -> None:
        self.in_thread(lambda: self._write(jobs, force, result), self._finish)

    def _planned(self, planned: tuple[list[_Job], MemoResult]) -> None:
        jobs, result = planned
        if not jobs or result.stopped:
            self._finish(result)
            return
        existing = [j for j in jobs if j.path.exists()]
        if not existing:
            self.write(jobs, False, result)
            return
        if len(jobs) == 1:
            question = f"文件已存在：\n{existing[0].path}\n覆盖这个文件吗？"
            no = "取消（N）"
        else:
            question = f"保存位置已有其中 {len(existing)} 份反馈意见的文件（共 {len(jobs)} 份）。覆盖这些文件吗？"
            no = "跳过这些（N）"

        def answered(overwrite: bool | None) -> None:
            if overwrite:
                self.write(jobs, True, result)
                return
            taken = {j.path for j in existing}
            keep = [j for j in jobs if j.path not in taken]
            result.kept += len(existing)
            if keep:
                self.write(keep, False, result)
            else:
                self._finish(result)

        self.app.push_screen(ConfirmDialog(question, yes="覆盖（Y）", no=no), answered)

    def _finish(self, result: MemoResult) -> None:
        message, title, severity, timeout = summary(result, self.folder)
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=False)
        self.dismiss(result)


def _reason(exc: Exception) -> str:
    """Our errors carry a Chinese line; anything else is a bug, told as such (details in the log)."""
    return str(exc) if isinstance(exc, (UserError, ValueError)) else "生成时出错，详见日志"


def summary(result: MemoResult, folder: Path) -> tuple[str, str, str, float]:
    """(message, title, severity, timeout) for `notify`: the full path of each file, since over
    SSH it is on the server and the user must be able to fetch it."""
    lines = []
    if len(result.written) == 1:
        lines.append(f"已保存到：{result.written[0]}")
    elif result.written:
        lines.append(f"已生成 {len(result.written)} 份，保存在：{folder}")
    if result.current:
        lines.append(f"{result.current} 份已是最新，未重新生成。")
    if result.issued:
        lines.append(f"{result.issued} 份已印发，不再重新生成（如需修改请重新印发）。")
    if result.kept:
        lines.append(f"未覆盖已有的文件，{result.kept} 份未生成。")
    if result.skipped:
        lines.append(f"{result.skipped} 份已重新打开，未生成。")
    if result.stopped:
        lines.append("已按要求停止。")
    lines.extend(result.failed[:3])
    if len(result.failed) > 3:
        lines.append(f"另有 {len(result.failed) - 3} 份失败，详见日志。")
    if not lines:
        lines.append("没有需要生成的反馈意见。")
    if result.failed:
        return "\n".join(lines), "反馈意见未全部生成", "error", 30
    title = "反馈意见已生成" if result.written else "未生成反馈意见"
    return "\n".join(lines), title, "information", 20


def generate_memos(
    app: App,
    subject: str,
    refs: Sequence[tuple[str, str]],
    *,
    only_stale: bool = False,
    then: Callable[[MemoResult | None], None] | None = None,
) -> None:
    """Ask where to save (default `default_folder`), then write with progress; `then` gets the result."""

    def chosen(text: str | None) -> None:
        if not text:
            return
        folder = Path(text).expanduser().absolute()
        app.memo_folder = folder
        app.push_screen(MemoProgress(subject, refs, folder, only_stale=only_stale), then)

    app.push_screen(
        PromptDialog(
            "生成反馈意见", f"{subject}\n保存到文件夹（回车确定，可改为其他文件夹）：", str(default_folder(app))
        ),
        chosen,
    )


def issue_memo(app: App, visit: Visit, then: Callable[[Path], None]) -> None:
    """Issue (印发) a visit's memo: a reason first when it was issued before,
    then the folder, then whether to give it a 文号; `then` gets the file."""
    from inspector.documents import memo
    from inspector.documents.followup_memo import memo_inputs

    def write(folder: Path, reason: str, numbered: bool) -> None:
        store = app.store
        try:
            current = store.visit(visit.id, visit.branch_id)
            inputs = memo_inputs(store, current, criteria=memo.criteria_texts(store.root, app.checklist_dirs))
            rec = memo.issue_memo(store, current, numbered=numbered, reason=reason, out_dir=folder, inputs=inputs)
        except (UserError, OSError) as exc:
            app.notify(
                _reason(exc) if isinstance(exc, UserError) else f"无法写入：{folder}", severity="error", markup=False
            )
            return
        number = f"（{rec.number}）" if rec.number else ""
        app.notify(f"已印发{number}，成文日期 {rec.issued_on}：{rec.file}", title="印发反馈意见", markup=False)
        then(Path(rec.file))

    def folder_chosen(reason: str, text: str | None) -> None:
        if not text:
            return
        folder = Path(text).expanduser().absolute()
        app.memo_folder = folder
        app.push_screen(
            ConfirmDialog("是否编发文号（按设置的文号格式，本党委当年顺序编号）？", yes="编号（Y）", no="不编号（N）"),
            lambda numbered: write(folder, reason, bool(numbered)),
        )

    def ask_folder(reason: str | None) -> None:
        if reason is None:
            return
        app.push_screen(
            PromptDialog(
                "印发反馈意见", "印发后成文日期定为今天，不再重新生成。\n保存到文件夹：", str(default_folder(app))
            ),
            lambda text: folder_chosen(reason, text),
        )

    if memo.issued(visit) is None:
        ask_folder("")
    else:
        app.push_screen(
            PromptDialog("重新印发反馈意见", "该反馈意见已印发，重新印发将形成新版本。请填写理由："), ask_folder
        )
