"""Opening the Textual app: the only code in `inspector` that imports `screens`."""

from __future__ import annotations

import argparse
import os

from inspector.cli.common import checklist_dirs, open_store


def run_app(args: argparse.Namespace) -> int:
    os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
    store = open_store(args)
    from screens.app import run

    return run(store, checklist_dirs=checklist_dirs(args, store.root), mouse=not args.no_mouse)
