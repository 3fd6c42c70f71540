"""The app's start path stays light: no pypinyin, no python-docx until a user needs them."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.home_fixtures import seed

START = """
import asyncio, json, sys
from inspector.store import Store
from screens.app import InspectorApp

async def main():
    app = InspectorApp(Store(sys.argv[1]))
    app._resume_offered = True
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.screen_stack[0]._shown:
            await pilot.pause(0.02)
        shown = len(app.screen_stack[0]._shown)
    print(json.dumps({"shown": shown, **{m: m in sys.modules for m in ("pypinyin", "docx", "lxml")}}))

asyncio.run(main())
"""


def test_start_to_branch_table_imports_no_heavy_library(tmp_path):
    seed(tmp_path / "d")
    out = subprocess.run(
        [sys.executable, "-c", START, str(tmp_path / "d")], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "shown": 5,
        "pypinyin": False,
        "docx": False,
        "lxml": False,
    }


def test_settings_and_the_screens_import_no_checklist_loader():
    """The checklists load in a thread after the first paint; reading the settings must not pull them in before."""
    code = "import json, sys, inspector.settings, screens.app; print(json.dumps('inspector.checklist' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "false"
