"""The layering, checked on the source: imports inside functions count too.

- `inspector/` never reaches Textual or `screens/`; only `inspector/cli/` opens
  the app, and nothing else in the domain imports the CLI.
- Only `inspector/documents/` uses python-docx.
- Screens use the store through `inspector.store` (its public API), never the
  file format in `inspector.store.files` or `inspector.store.core`.
- No import cycle anywhere in `inspector/` and `screens/`.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("inspector", "screens", "checklists")


@cache
def modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for f in (ROOT / pkg).rglob("*.py"):
            name = ".".join(f.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = f
    return found


@cache
def imports(name: str) -> frozenset[str]:
    """Every module `name` imports, at any depth of its code (externals by their top package)."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules()]
            # `from pkg import submodule` depends on the submodule; `from pkg import name` on pkg.
            out.update(subs)
            if len(subs) < len(node.names):
                out.add(target)
    return frozenset(out)


def edges(name: str) -> set[str]:
    return {t for t in imports(name) if t in modules() and t != name}


def _offenders(source_ok, target_bad) -> list[str]:
    return sorted(
        f"{name} -> {target}" for name in modules() if source_ok(name) for target in imports(name) if target_bad(target)
    )


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_domain_never_imports_textual_screens_or_the_cli():
    bad = _offenders(
        lambda n: _in(n, "inspector") and not _in(n, "inspector.cli"),
        lambda t: _in(t, "textual") or _in(t, "rich") or _in(t, "screens") or _in(t, "inspector.cli"),
    )
    assert bad == []


def test_only_documents_use_python_docx():
    bad = _offenders(lambda n: not _in(n, "inspector.documents"), lambda t: _in(t, "docx"))
    assert bad == []


def test_screens_use_only_the_public_store_api():
    bad = _offenders(
        lambda n: _in(n, "screens"),
        lambda t: _in(t, "inspector.store.files") or _in(t, "inspector.store.core") or _in(t, "inspector.cli"),
    )
    assert bad == []


def find_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(modules()):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycles_counting_imports_inside_functions():
    assert find_cycles() == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    """The contract is only as good as its parser: a nested import must be seen."""
    assert "screens.app" in imports("inspector.cli.app")
