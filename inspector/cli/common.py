"""What every command shares: the Store for --data/--user, checklist folders, the log."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

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
    return Store(root, args.user, read_only=read_only)


def warn_skipped(store) -> int:
    """Name on stderr every file a listing skipped; the exit status (1 if any)."""
    import sys

    for _path, message in sorted(store.errors.items()):
        print(f"警告：{message}；已跳过该文件，其余照常列出", file=sys.stderr)
    return 1 if store.errors else 0


def checklist_dirs(args: argparse.Namespace, root: Path) -> list[Path]:
    return [root / "checklists", *map(Path, args.checklists)]


class _QuietFileHandler(logging.FileHandler):
    """A log write that fails (a full disk) is dropped: the one-line error the
    user gets matters more than the log, and logging's fallback prints a
    traceback ("--- Logging error ---") over it."""

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
    """Into `logs/<login>.log`, owner-only; the folder gets the committee's
    modes (group-shared on a server, so the next clerk can add a log)."""
    from inspector.errors import StoreError
    from inspector.settings import load_settings, resolve_data_dir
    from inspector.store.files import ensure_dir

    try:
        root = resolve_data_dir(getattr(args, "data", None))
        if root.exists():
            load_settings(root).apply_modes()
        ensure_dir(root / "logs")
        path = root / "logs" / f"{log_name()}.log"
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        handler: logging.Handler = _QuietFileHandler(path, encoding="utf-8")
    except (OSError, StoreError):
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
