"""What every command shares: the Store for --data/--user, checklist folders, the log."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from inspector.text import escape_json, json_safe, show_controls

log = logging.getLogger("inspector")


def open_store(args: argparse.Namespace, *, read_only: bool = False):
    """The Store for --data/--user, with the committee's file modes applied
    (and, in shared mode, checked); `read_only` never takes the lock."""
    from inspector.settings import load_settings, resolve_data_dir
    from inspector.store import Store

    root = resolve_data_dir(args.data)
    if root.exists():
        settings = load_settings(root)
        settings.apply_modes()
        settings.check_shared(root)
    return Store(root, args.user, read_only=read_only, upgrading=_announce_upgrade)


def _announce_upgrade(version: int) -> None:
    """Opening a folder an older version wrote rewrites every file first (a
    county's ~4,000 take tens of seconds), before the app can draw anything:
    say so, rather than leave a blank terminal."""
    from inspector.models import SCHEMA_VERSION

    say(
        f"数据目录由旧版本写成（数据结构 {version}），正在升级为数据结构 {SCHEMA_VERSION}："
        f"只需一次，原文件先备份到 backup/schema-{version}/，请稍候……",
        file=sys.stderr,
    )


def warn_skipped(store) -> int:
    """Name on stderr every file a listing skipped; the exit status (1 if any)."""
    for _path, message in sorted(store.errors.items()):
        say(f"警告：{message}；已跳过该文件，其余照常列出", file=sys.stderr)
    return 1 if store.errors else 0


def checklist_dirs(args: argparse.Namespace, root: Path) -> list[Path]:
    return [root / "checklists", *map(Path, args.checklists)]


class _LogFile(logging.FileHandler):
    """`logs/<login>.log`, owner-only, made at the first record, so a command
    that logs nothing (`check`) writes nothing. A log write that fails (a
    full disk) is dropped: the user's one-line error matters more, and
    logging's fallback would print "--- Logging error ---" over it."""

    def __init__(self, path: Path):
        super().__init__(path, encoding="utf-8", delay=True)

    def _open(self):
        from inspector.store.files import ensure_dir

        ensure_dir(Path(self.baseFilename).parent)
        os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def log_name() -> str:
    """Each login writes its own log (`logs/<login>.log`): on a shared server
    a log file made by one clerk could not be written by the next."""
    import getpass

    try:
        login = getpass.getuser()
    except Exception:  # no login name in some containers
        login = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in login).lstrip(".") or "user"


def setup_logging(args: argparse.Namespace) -> None:
    """Log to `<data>/logs/<login>.log`; its folder gets the committee's modes
    (group-shared on a server, so the next clerk can add a log)."""
    from inspector.errors import StoreError
    from inspector.settings import load_settings, resolve_data_dir

    root = resolve_data_dir(getattr(args, "data", None))
    with contextlib.suppress(StoreError):  # a bad settings file is reported by the command itself
        if root.exists():
            load_settings(root).apply_modes()
    handler = _LogFile(root / "logs" / f"{log_name()}.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def say(text: object = "", *, file: TextIO | None = None) -> None:
    """`print` for lines that may hold typed or imported text: a terminal gets
    its control characters written out, never acted on."""
    print(show_controls(str(text)), file=file or sys.stdout)


def json_bytes(data: Any) -> bytes:
    """Indented UTF-8 JSON of `data` that is safe on a terminal (see `escape_json`);
    UTC times end in Z, as pydantic stores them."""
    import orjson

    raw = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_UTC_Z)
    if _flat_and_safe(data):  # a listing's rows: checking their texts beats searching ~11 MB of JSON
        return raw
    return escape_json(raw.decode()).encode()


#: Values orjson writes without any text of ours in them.
_PLAIN = frozenset({int, float, bool, type(None)})


def _flat_and_safe(data: Any) -> bool:
    """Whether `data` is a list of flat objects whose texts are all `json_safe`."""
    if type(data) is not list:
        return False
    for row in data:
        if type(row) is not dict:
            return False
        for v in row.values():
            if type(v) is str:
                if not (v.isprintable() or json_safe(v)):  # the first test settles most texts, without a call
                    return False
            elif type(v) not in _PLAIN:
                return False
    return True


def json_text(data: Any) -> str:
    """`json_bytes` as text, for `print`."""
    return json_bytes(data).decode()
