"""Screen and dialog styles live in `screens/styles/*.tcss`, not in Python strings."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SCREENS = Path(__file__).resolve().parent.parent / "screens"
STYLES = SCREENS / "styles"


@cache
def _style_assignments() -> tuple[tuple[Path, ast.Assign], ...]:
    """Parsed once per process: every style file's test asks for the same assignments."""
    found = []
    for path in sorted(SCREENS.rglob("*.py")):
        if "widgets" in path.parts:  # reusable widgets keep their DEFAULT_CSS, as Textual's own do
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in {"CSS", "DEFAULT_CSS"} for t in node.targets
            ):
                found.append((path, node))
    return tuple(found)


@cache
def _css_variables() -> dict[str, str]:
    from textual.app import App

    return App().get_css_variables()


def test_no_screen_or_dialog_writes_its_styles_inline():
    inline = [
        f"{path.relative_to(SCREENS)}:{node.lineno}"
        for path, node in _style_assignments()
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(node.value))
        and not (isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "tcss")
    ]
    assert inline == []


@pytest.mark.parametrize("path", sorted(STYLES.glob("*.tcss")), ids=lambda p: p.name)
def test_every_style_file_is_used_and_parses(path):
    from textual.css.stylesheet import Stylesheet

    used = {
        arg.value
        for _, node in _style_assignments()
        if isinstance(node.value, ast.Call)
        for arg in node.value.args
        if isinstance(arg, ast.Constant)
    }
    assert path.stem in used or path.name == "app.tcss"
    sheet = Stylesheet(variables=_css_variables())
    sheet.read(path)
    sheet.parse()
    assert sheet.rules
