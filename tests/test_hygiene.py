"""Import hygiene: the headless domain never pulls in the UI or heavy libraries.

Checked in a fresh interpreter, since this test process has imported textual."""

from __future__ import annotations

import json
import subprocess
import sys

WALK = """
import json, pkgutil, sys, importlib
import inspector
names = sorted(m.name for m in pkgutil.walk_packages(inspector.__path__, "inspector.") if not m.name.endswith("__main__"))
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "textual": sorted(m for m in sys.modules if m.split(".")[0] == "textual")}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_no_inspector_module_imports_textual():
    result = _run(WALK)
    assert {"inspector.store", "inspector.store.files", "inspector.cli", "inspector.models"} <= set(result["modules"])
    assert result["textual"] == []


def test_cli_start_path_stays_light():
    result = _run(
        "import json, sys, inspector.cli\n"
        "print(json.dumps({m: m in sys.modules for m in ('textual', 'docx', 'lxml', 'pypinyin', 'screens')}))"
    )
    assert result == {"textual": False, "docx": False, "lxml": False, "pypinyin": False, "screens": False}
