"""The errors a user can cause or meet, each with a one-line Chinese message.

Screens and commands catch `UserError` and show its text; anything else is a
bug and is logged with its traceback. Subclasses say what went wrong so a
caller can react (a conflict offers a merge, a busy lock a retry).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspector.models import Record


class UserError(Exception):
    """An error with a one-line Chinese message fit to show a user."""


class StoreError(UserError):
    """The data folder could not be read or written as asked."""


class RosterChoiceInvalid(UserError):
    """A choice for a roster row that may be a member on file does not fit that row."""


class CorruptFile(StoreError):
    def __init__(self, path: Path, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"数据文件已损坏，未作改动：{path}（{detail}）")


class NewerSchema(CorruptFile):
    """Written by a newer version of the program: refused, never overwritten."""

    def __init__(self, path: Path, version: int):
        self.path = path
        self.detail = f"数据结构 {version}"
        StoreError.__init__(
            self, f"数据文件由更新版本的程序写入（数据结构 {version}），请升级本程序，文件未作改动：{path}"
        )


class Unreadable(CorruptFile):
    """A data file or folder this login may not read: a permission problem, not damage."""

    def __init__(self, path: Path):
        self.path = path
        self.detail = "没有权限"
        StoreError.__init__(
            self,
            f"没有权限读取：{path}；请让管理员检查它的属主、属组和权限（共享目录请按 README 的 Committee server 一节设置）",
        )


class SaveFailed(StoreError):
    """The system refused a write (full disk, no permission, read-only folder,
    I/O error); nothing on disk was changed and the caller's input is intact."""

    def __init__(self, message: str, errno: int | None = None):
        self.errno = errno
        #: The record `Store.save` could not write, with the caller's change:
        #: a screen keeps showing it (and keeps it as a draft) instead of losing it.
        self.unsaved: Record | None = None
        super().__init__(message)


class ImportInterrupted(StoreError):
    """A bundle import that failed after some branches were committed (each whole)."""

    def __init__(self, committed: int, total: int, reason: str):
        super().__init__(
            f"导入未完成：{total} 个党支部中已导入 {committed} 个（每个都完整），其余未导入：{reason}；"
            "问题解决后再导入同一个同步包即可补全，已导入的不会重复"
        )


class StoreBusy(StoreError):
    """Another process held the data folder's lock for too long."""


class NotFound(StoreError):
    """No record with that id (or it was deleted)."""


class EditConflict(StoreError):
    """Someone else saved the same fields since this editor loaded the record."""

    def __init__(self, record: Record, theirs: dict[str, tuple[Any, Any]], current: Record):
        self.record = record
        self.theirs = theirs
        self.current = current
        names = "、".join(sorted(theirs))
        super().__init__(f"该记录已被他人修改（字段：{names}），请查看对方的修改后再保存")


class OutputExists(UserError):
    """A document would overwrite an existing file without --force."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"文件已存在，未覆盖：{path}（如需覆盖请加 --force）")


class ReportInvalid(UserError):
    """A 通报 cannot be made as asked (a period that does not parse, no Chinese font for its charts)."""
