"""What every command shares: the Store for --data/--user, checklist folders, the log."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from inspector.text import escape_json, show_controls

log = logging.getLogger("inspector")


def open_store(args: argparse.Namespace):
    """The Store for --data/--user, with the committee's file modes applied."""
    from inspector.settings import load_settings, resolve_data_dir
    from inspector.store import Store

    root = resolve_data_dir(args.data)
    if root.exists():
        load_settings(root).apply_modes()
    return Store(root, args.user)


def checklist_dirs(args: argparse.Namespace, root: Path) -> list[Path]:
    return [root / "checklists", *map(Path, args.checklists)]


def setup_logging(args: argparse.Namespace) -> None:
    from inspector.settings import resolve_data_dir

    try:
        logdir = resolve_data_dir(getattr(args, "data", None)) / "logs"
        logdir.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = logging.FileHandler(logdir / "inspector.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def say(text: object = "", *, file: TextIO | None = None) -> None:
    """`print` for lines that may hold typed or imported text: a terminal gets
    its control characters written out, never acted on."""
    print(show_controls(str(text)), file=file or sys.stdout)


def json_text(data: Any) -> str:
    """Indented JSON of `data` that is safe on a terminal (see `escape_json`)."""
    import orjson

    return escape_json(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
