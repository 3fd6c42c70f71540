"""Opening the Textual app: the only code in `inspector` that imports `screens`."""

from __future__ import annotations

import argparse
import os
import sys

from inspector.cli.common import checklist_dirs, open_store


def run_app(args: argparse.Namespace) -> int:
    # Without a terminal on both ends (`ssh host inspector` without -t, a pipe)
    # Textual writes escape codes into the pipe and spins a core forever.
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "错误：终端界面需要在终端中运行；通过 SSH 登录时请使用 ssh -t（或改用 inspector list 等子命令）",
            file=sys.stderr,
        )
        return 2
    os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
    store = open_store(args)
    from screens.app import run

    return run(store, checklist_dirs=checklist_dirs(args, store.root), mouse=not args.no_mouse)
