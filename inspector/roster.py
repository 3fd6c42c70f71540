"""Importing the committee's branch roster from a CSV file.

Committees keep the roster in Excel or WPS. Chinese Windows saves "CSV" as
GBK, "CSV UTF-8" with a byte-order mark, and "Unicode text" as tab-separated
UTF-16; all three are read. Reading never writes: `read_roster` returns a
preview (rows to add or update, one error per bad row) and `import_roster`
saves the good rows once the user has confirmed, in transactions of
`BATCH` branches so other clerks' saves never wait long for the lock.
Each row is saved with the branch as the preview read it as its base: a
field a clerk changed meanwhile is kept, and one the roster changes too is
listed as a conflict instead of being overwritten.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from inspector.branches import LABELS, BranchInvalid, branch_from_fields
from inspector.errors import EditConflict, StoreError
from inspector.models import Branch
from inspector.pinyin import initials
from inspector.store import Store

#: Column headings accepted for each field (first is the one we document).
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("支部名称", "党支部名称", "党组织名称", "支部", "名称"),
    "sector": ("所属领域", "领域", "类型", "支部类型", "行业"),
    "secretary": ("支部书记", "书记", "书记姓名"),
    "members": ("党员人数", "党员数", "人数"),
    "party_groups": ("党小组数", "党小组"),
    "has_leading_cadres": ("有领导干部党员", "领导干部党员", "有领导干部"),
    "contact": ("联系方式", "联系电话", "电话"),
    "notes": ("备注",),
}

#: Longest cell accepted, in characters (a roster cell is a name, a phone, a note).
MAX_CELL = 2000
#: Most branch rows in one file: a county has a few thousand.
MAX_ROWS = 20000
#: Branches saved per transaction: the lock is held for one batch at a time
#: (each branch costs two fsyncs when the batch commits).
BATCH = 25

ADD = "新增"
UPDATE = "更新"
SAME = "无变化"


class RosterFileError(StoreError):
    """The file as a whole cannot be read as a roster."""


@dataclass
class RosterRow:
    line: int
    branch: Branch
    action: str  # ADD, UPDATE or SAME
    #: The branch as stored when the preview was read (None for ADD).
    base: Branch | None = None


@dataclass
class RosterError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.message}"


@dataclass
class RosterPreview:
    encoding: str
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)

    @property
    def changes(self) -> list[RosterRow]:
        return [r for r in self.rows if r.action != SAME]


@dataclass
class RosterImport:
    saved: int = 0
    #: One line per branch whose fields were changed by someone else since the preview.
    conflicts: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name shown to the user) as Excel/WPS saved it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8（带BOM）"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise RosterFileError("无法识别文件编码：请在 Excel/WPS 中另存为「CSV（逗号分隔）」或「CSV UTF-8」") from None


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {h: f for f, names in HEADINGS.items() for h in names}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = "".join(cell.split()).strip("*＊")
        fld = wanted.get(key)
        if fld and fld not in found:
            found[fld] = index
    if "name" not in found:
        raise RosterFileError(
            f"第1行应为表头，且须有「{LABELS['name']}」一列（现为：{'、'.join(h for h in header if h) or '空'}）"
        )
    return found


def read_roster(source: Path | bytes, existing: list[Branch]) -> RosterPreview:
    """Parse and check a roster; nothing is saved."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise RosterFileError(f"无法读取文件：{source}（{exc.strerror or exc}）") from exc
    else:
        data = source
    text, encoding = decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = (row for row in reader if any(c.strip() for c in row))
    try:
        # The header and one row past the limit, each with the line it ends on.
        numbered = [(reader.line_num, row) for row in islice(rows, MAX_ROWS + 2)]
    except csv.Error as exc:  # a cell over csv's own limit (131,072), or a quote never closed
        raise RosterFileError(f"第{reader.line_num}行附近无法读取：单元格超过 {MAX_CELL} 字，或引号不成对") from exc
    if not numbered:
        raise RosterFileError("文件是空的")
    if len(numbered) > MAX_ROWS + 1:
        raise RosterFileError(f"名册超过 {MAX_ROWS} 行，请分成几个文件分别导入")
    (_, header), body = numbered[0], numbered[1:]
    columns = _columns(header)
    preview = RosterPreview(encoding=encoding)
    by_name = {_key(b.name): b for b in existing}
    seen: dict[str, int] = {}
    for line, row in body:
        fields = {f: (row[i] if i < len(row) else "") for f, i in columns.items()}
        long = [LABELS[f] for f, v in fields.items() if len(v) > MAX_CELL]
        if long:
            preview.errors.append(RosterError(line, f"{'、'.join(long)}超过 {MAX_CELL} 字"))
            continue
        key = _key(fields["name"])
        if key and key in seen:
            preview.errors.append(RosterError(line, f"支部名称「{fields['name'].strip()}」与第{seen[key]}行重复"))
            continue
        old = by_name.get(key)
        try:
            branch = branch_from_fields(fields, base=old)
        except BranchInvalid as exc:
            preview.errors.append(RosterError(line, "；".join(exc.problems.values())))
            continue
        # Worked out now, so saving (under the lock) does not import pypinyin or compute them.
        branch = branch.model_copy(update={"initials": initials(branch.name)})
        seen[key] = line
        if old is None:
            preview.rows.append(RosterRow(line, branch, ADD))
        else:
            action = SAME if branch == old else UPDATE
            preview.rows.append(RosterRow(line, branch, action, base=old))
    if not preview.rows and not preview.errors:
        raise RosterFileError("文件只有表头，没有支部")
    return preview


def import_roster(
    store: Store, preview: RosterPreview, progress: Callable[[int, int], None] | None = None
) -> RosterImport:
    """Save the good rows, `BATCH` branches to a transaction (each batch all
    or nothing); `progress(done, total)` after each batch."""
    rows = preview.changes
    result = RosterImport()
    for start in range(0, len(rows), BATCH):
        with store.transaction():
            for row in rows[start : start + BATCH]:
                try:
                    store.save(row.branch, base=row.base)
                except EditConflict as exc:
                    names = "、".join(LABELS.get(f, f) for f in sorted(exc.theirs))
                    result.conflicts.append(f"「{row.branch.name}」：{names}在预览后已被他人修改，名册中的值未导入")
                    continue
                result.saved += 1
        if progress is not None:
            progress(min(start + BATCH, len(rows)), len(rows))
    return result


def _key(name: str) -> str:
    return "".join(name.split())
