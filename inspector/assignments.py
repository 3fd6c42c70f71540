"""指导员 and 包联领导: which committee member guides which branch.

Kept in the settings (`Settings.assignments`), changed under the data
folder's lock (`update_settings`), people from the staff list only (the
same list 销号 verifiers come from). A branch may have several 指导员 and
包联领导; a person may have many branches. Listings (coverage, ledger,
整改报告) filter by a person through `branch_ids_of`.

A table of assignments (.xlsx or .csv, columns 党支部 and 指导员 and/or
包联领导, several names in a cell split by 、，, or spaces) is checked in
full before anything is written: unknown branches or people are listed
by row and nothing changes. The export (`workbook`) is such a table, one row
per branch, so it imports back unchanged and serves as the form to fill in.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inspector.errors import UserError
from inspector.labels import label
from inspector.models import AssignmentRole
from inspector.pinyin import sort_key
from inspector.settings import Assignment, Settings, load_settings, update_settings
from inspector.store import Store

#: Column names accepted for each part of a row (committees name them differently).
HEADERS: dict[str, tuple[str, ...]] = {
    "branch": ("党支部", "支部名称", "党组织名称", "党支部名称", "支部"),
    AssignmentRole.GUIDE: ("指导员", "党建指导员", "联系指导员"),
    AssignmentRole.LEADER: ("包联领导", "联系领导", "包联党委委员"),
}
_SPLIT = re.compile(r"[、，,;；/\s]+")
MAX_ROWS = 20000


class AssignmentError(UserError):
    """An assignment refused, with one Chinese line (or one line per bad row) saying why."""


def _name(text: str) -> str:
    return "".join(text.split())


def of_branch(settings: Settings, bid: str) -> list[Assignment]:
    return [a for a in settings.assignments if a.branch_id == bid]


def branch_ids_of(settings: Settings, person: str) -> set[str]:
    """The branches `person` guides or leads (empty for someone with none)."""
    who = _name(person)
    return {a.branch_id for a in settings.assignments if _name(a.person) == who}


def people(settings: Settings) -> list[str]:
    """Everyone assigned to some branch, each once, in the order first assigned."""
    return list(dict.fromkeys(_name(a.person) for a in settings.assignments))


def names(settings: Settings, bid: str, role: AssignmentRole) -> list[str]:
    """Who holds `role` at the branch, in the order assigned."""
    return [a.person for a in of_branch(settings, bid) if a.role == role]


def holders(settings: Settings) -> dict[str, dict[AssignmentRole, list[str]]]:
    """`names` of every branch at once (by branch id, then role), for tables of all branches."""
    out: dict[str, dict[AssignmentRole, list[str]]] = {}
    for a in settings.assignments:
        out.setdefault(a.branch_id, {}).setdefault(a.role, []).append(a.person)
    return out


def people_line(settings: Settings, bid: str) -> str:
    """「指导员：张三　包联领导：李四」 for one branch ("" when nobody is assigned)."""
    parts = []
    for role in AssignmentRole:
        held = names(settings, bid, role)
        if held:
            parts.append(f"{label(role)}：{'、'.join(held)}")
    return "　".join(parts)


def _checked(settings: Settings, bid: str, person: str, role: AssignmentRole) -> Assignment:
    person = _name(person)
    if not person:
        raise AssignmentError("请填写姓名")
    if not settings.is_staff(person):
        raise AssignmentError(f"{person}不在党委工作人员名单中，请先用 inspector settings staff add {person} 加入")
    return Assignment(branch_id=bid, person=person, role=role)


def _with(settings: Settings, new: Iterable[Assignment]) -> Settings:
    """`settings` with `new` added, each (branch, person, role) once."""
    out = list(settings.assignments)
    seen = {(a.branch_id, _name(a.person), a.role) for a in out}
    for a in new:
        key = (a.branch_id, _name(a.person), a.role)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return settings.model_copy(update={"assignments": out})


def assign(store: Store, bid: str, person: str, role: AssignmentRole = AssignmentRole.GUIDE) -> Settings:
    store.branch(bid)  # a branch that does not exist is refused with its own message
    return update_settings(store.root, store.lock, lambda s: _with(s, [_checked(s, bid, person, role)]))


def unassign(store: Store, bid: str, person: str, role: AssignmentRole | None = None) -> Settings:
    """Take `person` off the branch (in `role`, or in every role)."""
    who = _name(person)

    def change(settings: Settings) -> Settings:
        keep = [
            a
            for a in settings.assignments
            if not (a.branch_id == bid and _name(a.person) == who and (role is None or a.role == role))
        ]
        if len(keep) == len(settings.assignments):
            raise AssignmentError(f"{who}没有被指派到该党支部")
        return settings.model_copy(update={"assignments": keep})

    return update_settings(store.root, store.lock, change)


def add_staff(store: Store, name: str) -> Settings:
    return update_settings(store.root, store.lock, lambda s: s.with_staff_added(name))


def remove_staff(store: Store, name: str) -> Settings:
    """Off the staff list, and off every branch: only staff may be assigned."""
    who = _name(name)

    def change(settings: Settings) -> Settings:
        kept = settings.with_staff_removed(name)
        return kept.model_copy(update={"assignments": [a for a in kept.assignments if _name(a.person) != who]})

    return update_settings(store.root, store.lock, change)


# ------------------------------------------------------------------ tables
@dataclass(frozen=True)
class Planned:
    """What a table would assign, and the rows it refused (nothing is written while any is refused)."""

    assignments: list[Assignment]
    errors: list[str]
    #: How many of `assignments` are not yet in the settings (the rest are there already).
    added: int = 0


def read_rows(path: Path) -> list[list[str]]:
    """The cells of the first sheet of an .xlsx, or of a .csv (UTF-8 or GBK), as text."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return _xlsx_rows(path)
        if suffix == ".xls":
            raise AssignmentError("不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
        if suffix != ".csv":
            raise AssignmentError(f"只能导入 .xlsx 或 .csv 文件：{path.name}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AssignmentError(f"找不到文件：{path}") from None
    except PermissionError:
        raise AssignmentError(f"没有权限读取文件：{path}") from None
    except OSError as exc:
        raise AssignmentError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(r) for r in csv.reader(text.splitlines())]
    raise AssignmentError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")


def _xlsx_rows(path: Path) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise AssignmentError("未安装 openpyxl，无法读取 .xlsx；请另存为 CSV 后导入") from None
    from zipfile import BadZipFile

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError):
            raise
        raise AssignmentError(f"无法打开工作簿（文件损坏或设有密码）：{path.name}") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                raise AssignmentError(f"表格超过 {MAX_ROWS} 行，请拆分后导入")
        return rows
    finally:
        book.close()


def _column(header: Sequence[str], names: tuple[str, ...]) -> int | None:
    cells = [_name(h) for h in header]
    return next((i for i, h in enumerate(cells) if h in names), None)


def plan(store: Store, rows: Sequence[Sequence[str]]) -> Planned:
    """Check a whole table against the branches and the staff list; nothing is written."""
    settings = load_settings(store.root)
    body = [r for r in rows if any(str(c).strip() for c in r)]
    if not body:
        raise AssignmentError("表格是空的")
    header, data = body[0], body[1:]
    bcol = _column(header, HEADERS["branch"])
    roles = {role: col for role in AssignmentRole if (col := _column(header, HEADERS[role])) is not None}
    if bcol is None or not roles:
        raise AssignmentError("表头须有「党支部」列，以及「指导员」或「包联领导」列")
    by_name: dict[str, list[str]] = {}
    for b in store.branches():
        by_name.setdefault(_name(b.name), []).append(b.id)
    out: list[Assignment] = []
    errors: list[str] = []
    for n, row in enumerate(data, 2):
        cells = [str(c) for c in row]
        name = _name(cells[bcol]) if bcol < len(cells) else ""
        ids = by_name.get(name, [])
        if len(ids) != 1:
            errors.append(f"第{n}行：{'找不到党支部' if not ids else '有多个党支部名为'}「{name}」")
            continue
        for role, col in roles.items():
            for person in _SPLIT.split(cells[col] if col < len(cells) else ""):
                if not person:
                    continue
                try:
                    out.append(_checked(settings, ids[0], person, role))
                except AssignmentError as exc:
                    errors.append(f"第{n}行：{exc}")
    return Planned(out, errors, len(_with(settings, out).assignments) - len(settings.assignments))


def import_table(store: Store, path: Path, *, dry_run: bool = False) -> Planned:
    """Assign from a table: all rows or, when any row is refused, none."""
    planned = plan(store, read_rows(path))
    if planned.errors or dry_run:
        return planned
    update_settings(store.root, store.lock, lambda s: _with(s, planned.assignments))
    return planned


def table(store: Store, settings: Settings) -> list[list[str]]:
    """Every branch in pinyin order with its 指导员 and 包联领导, under the headings `plan` reads first."""
    rows = [[HEADERS["branch"][0], *(HEADERS[role][0] for role in AssignmentRole)]]
    held = holders(settings)
    for b in sorted(store.branch_summaries(), key=lambda b: sort_key(b.name, b.pinyin)):
        roles = held.get(b.id, {})
        rows.append([b.name, *("、".join(roles.get(role, [])) for role in AssignmentRole)])
    return rows


def workbook(store: Store) -> bytes:
    """The assignments as an .xlsx that `import_table` reads back unchanged."""
    from openpyxl import Workbook  # heavy: only when a workbook is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet("指导员和包联领导")
    for column, width in zip("ABC", (30, 24, 24)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    for row in table(store, load_settings(store.root)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_table(store: Store, path: Path, *, force: bool = False) -> None:
    """Write `workbook` to `path` whole or not at all; an existing file only with `force`."""
    from inspector.documents.officialdoc import write_new_file

    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise AssignmentError(f"只能导出为 .xlsx 文件：{path.name}")
    write_new_file(path, workbook(store), force=force)
