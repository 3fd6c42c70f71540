"""Where the data lives and the committee's own settings.

Settings are per data folder (`<data>/settings.json`) because they belong to
the committee, not to one login: font names differ between committees' font
sets, and local practice (a party lesson every quarter) is theirs to set.
The file is read and written by the store, like every data file (atomically,
under the folder's lock); this module gives it its meaning.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from inspector.errors import StoreError
from inspector.models import AssignmentRole
from inspector.store.core import SETTINGS, change_settings_data, read_settings_data
from inspector.store.files import DataLock, set_modes

APP_NAME = "inspector"
#: Settings a checklist item's text may name as {name}, with their defaults:
#: local practice the committee sets (`inspector/checklist.py` fills them in).
#: Kept here, not there, so that reading the settings (every start) does not
#: import the checklist loader.
SETTING_DEFAULTS = {"party_lessons_per_quarter": 1}


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data, then INSPECTOR_DATA, then the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("INSPECTOR_DATA")
    if env:
        return Path(env).expanduser()
    return default_data_dir()


class MemoFonts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"


class Campaign(BaseModel):
    """The campaign the visits belong to; its dates bound the demo's visits and are shown on every start."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="「两学一做」学习教育", min_length=1, max_length=100)
    start: date = date(2016, 2, 1)
    end: date = date(2016, 12, 31)

    @model_validator(mode="after")
    def _start_before_end(self) -> Campaign:
        if self.end < self.start:
            raise ValueError("结束日期不能早于开始日期")
        return self

    def line(self) -> str:
        """The campaign and its dates in full, as the welcome screen shows it."""
        return f"{self.name}（{self.start.isoformat()} 至 {self.end.isoformat()}）"

    def short(self) -> str:
        """The campaign and its months, short enough for a header at 80 columns (「两学一做」学习教育 2016.2–12)."""
        start, end = self.start, self.end
        until = f"{end.month}" if end.year == start.year else f"{end.year}.{end.month}"
        return f"{self.name} {start.year}.{start.month}–{until}"


class WeakLaxRules(BaseModel):
    """Local practice of the 软弱涣散 procedure: who decides and accepts, and
    the 验收 pass marks (70 points, more than half 不满意 fails: seen in practice)."""

    model_config = ConfigDict(extra="forbid")
    decider: str = Field(default="县委组织部", min_length=1, max_length=100)
    acceptance_body: str = Field(default="县委组织部", min_length=1, max_length=100)
    pass_score: float = Field(default=70, ge=0, le=100)
    min_satisfaction: float = Field(default=50, ge=0, le=100)
    # Whether a 基本合格 acceptance lets the branch be struck off (销号); places differ.
    basic_may_close: bool = False


def _name(text: str) -> str:
    """A person's name as typed, spaces (full-width ones included) removed."""
    return "".join(text.split())


class Assignment(BaseModel):
    """One committee member tied to one branch: its 指导员 or its 包联领导."""

    model_config = ConfigDict(extra="forbid")
    branch_id: str
    person: str
    role: AssignmentRole = AssignmentRole.GUIDE


class Settings(BaseModel):
    """Committee settings; the defaults need no settings file (fonts: the usual GB/T 9704-2012 names)."""

    model_config = ConfigDict(extra="forbid")
    committee_name: str = ""
    memo_fonts: MemoFonts = Field(default_factory=MemoFonts)
    memo_show_member_names: bool = False
    # 请于收到本意见后N日内 (never a date that could precede the 成文日期).
    memo_report_back_days: int = Field(default=30, ge=1, le=365)
    # GB/T 9704 7.3.5.1 (sealed) layout of the signature, else 7.3.5.2.
    memo_sealed: bool = True
    # 文号 of an issued memo: {year} and {n}, numbered per committee per year.
    memo_number_pattern: str = "组字〔{year}〕{n}号"
    # 每季度党课次数 (local practice): written into the party-lesson items when a visit starts (`inspector/visit.py`).
    party_lessons_per_quarter: int = Field(default=SETTING_DEFAULTS["party_lessons_per_quarter"], ge=0, le=12)
    overdue_soon_days: int = Field(default=7, ge=1, le=365)
    not_visited_days: int = Field(default=90, ge=1, le=3650)
    shared_group: str = ""
    campaign: Campaign = Field(default_factory=Campaign)
    weaklax: WeakLaxRules = Field(default_factory=WeakLaxRules)
    # The committee's staff: a 销号 is verified by one of them (`inspector/rectification.py`).
    staff: list[str] = Field(default_factory=list)
    # The 通报 names typical cases' branches as 某农村党支部 instead of by name.
    report_anonymise: bool = False
    # Who guides which branch, from the staff (`inspector/assignments.py`).
    assignments: list[Assignment] = Field(default_factory=list)
    # 优秀 in 民主评议党员: at most this share of the members appraised (one third is local practice).
    excellent_cap: float = Field(default=1 / 3, gt=0, le=1)
    # "auto": no blinking cursor over SSH, where every blink is a repaint sent
    # down the link to each clerk (README, "Committee server"); "on" or "off" always.
    cursor_blink: Literal["auto", "on", "off"] = "auto"

    def cursor_blinks(self, env: Mapping[str, str] = os.environ) -> bool:
        """Whether text cursors blink in this session."""
        if self.cursor_blink == "auto":
            return not (env.get("SSH_CONNECTION") or env.get("SSH_TTY"))
        return self.cursor_blink == "on"

    def is_staff(self, name: str) -> bool:
        return bool(_name(name)) and _name(name) in {_name(n) for n in self.staff}

    def with_staff_added(self, name: str) -> Settings:
        name = _name(name)
        if not name:
            raise StoreError("请填写姓名")
        if self.is_staff(name):
            raise StoreError(f"{name}已在工作人员名单中")
        return self.model_copy(update={"staff": [*self.staff, name]})

    def with_staff_removed(self, name: str) -> Settings:
        if not self.is_staff(name):
            raise StoreError(f"工作人员名单中没有{_name(name)}")
        return self.model_copy(update={"staff": [n for n in self.staff if _name(n) != _name(name)]})

    def apply_modes(self) -> None:
        """Shared mode: new files 0660 and folders 2770, in `shared_group`."""
        if self.shared_group:
            set_modes(0o660, 0o2770, _group_id(self.shared_group))

    def check_shared(self, root: Path) -> None:
        """In shared mode, a folder another clerk could not use is refused at
        start with the commands that fix it (not later as a raw error)."""
        if not self.shared_group:
            return
        group = self.shared_group
        gid = _group_id(group)
        if hasattr(os, "getgroups") and os.geteuid() != 0 and gid not in {os.getegid(), *os.getgroups()}:
            raise StoreError(
                f"当前登录用户不在共享用户组「{group}」中：请管理员执行 sudo usermod -aG {group} <登录名>，然后重新登录"
            )
        for path in _shared_paths(root):
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StoreError(f"没有权限访问 {path}（{exc.strerror}）；{_shared_fix(group, root)}") from exc
            wanted = 0o2070 if stat.S_ISDIR(st.st_mode) else 0o060
            if st.st_gid != gid or st.st_mode & wanted != wanted:
                raise StoreError(
                    f"共享数据目录的权限不对：{path}（应属用户组 {group}，组内可读写）；{_shared_fix(group, root)}"
                )


def _group_id(group: str) -> int:
    import grp

    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise StoreError(
            f"设置中的共享用户组「{group}」不存在：请管理员执行 sudo groupadd {group}（见 README 的 Committee server 一节）"
        ) from None


def _shared_paths(root: Path) -> list[Path]:
    """The folder, what lies in it and every branch folder: what any clerk's first save touches."""
    paths = [root]
    for folder in (root, root / "branches"):
        try:
            paths += [Path(e.path) for e in os.scandir(folder)]
        except OSError:
            continue
    return paths


def _shared_fix(group: str, root: Path) -> str:
    return (
        f"请管理员执行：sudo chgrp -R {group} '{root}' && sudo chmod -R g+rwX '{root}' && "
        f"sudo find '{root}' -type d -exec chmod g+s {{}} +"
    )


def settings_path(root: Path) -> Path:
    return root / SETTINGS


def _validated(root: Path, raw: dict | None) -> Settings:
    if raw is None:
        return Settings()
    raw = {k: v for k, v in raw.items() if not k.startswith("_")}
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise StoreError(f"设置文件有误：{settings_path(root)}（{exc.errors()[0]['loc']}）") from exc


def load_settings(root: Path) -> Settings:
    return _validated(root, read_settings_data(root))


def save_settings(root: Path, settings: Settings) -> None:
    update_settings(root, DataLock(root), lambda _old: settings)


def update_settings(
    root: Path, lock: Callable[[], AbstractContextManager[object]], change: Callable[[Settings], Settings]
) -> Settings:
    """Read, change and write the settings under the data folder's lock, so
    two people editing them at once never lose each other's change."""
    changed: list[Settings] = []

    def apply(raw: dict | None) -> dict:
        changed.append(change(_validated(root, raw)))
        return changed[0].model_dump(mode="json")

    change_settings_data(root, lock, apply)
    return changed[0]
