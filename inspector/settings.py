"""Where the data lives and the committee's own settings.

Settings are per data folder (`<data>/settings.json`) because they belong to
the committee, not to one login: font names differ between committees' font
sets, and local practice (a party lesson every quarter) is theirs to set.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from inspector.errors import CorruptFile, StoreError
from inspector.store.files import read_json_file, set_modes, write_json_file

APP_NAME = "inspector"


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
    party_lessons_per_quarter: int = Field(default=1, ge=0, le=12)
    overdue_soon_days: int = Field(default=7, ge=1, le=365)
    not_visited_days: int = Field(default=90, ge=1, le=3650)
    shared_group: str = ""

    def apply_modes(self) -> None:
        if self.shared_group:
            set_modes(0o660, 0o2770)


def settings_path(root: Path) -> Path:
    return root / "settings.json"


def load_settings(root: Path) -> Settings:
    try:
        raw = read_json_file(settings_path(root))
    except CorruptFile:
        raise
    if raw is None:
        return Settings()
    raw = {k: v for k, v in raw.items() if not k.startswith("_")}
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise StoreError(f"设置文件有误：{settings_path(root)}（{exc.errors()[0]['loc']}）") from exc


def save_settings(root: Path, settings: Settings) -> None:
    write_json_file(settings_path(root), settings.model_dump(mode="json"))
