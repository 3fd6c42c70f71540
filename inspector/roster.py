"""Importing the committee's rosters (branches, or the members of branches)
from an Excel workbook or a CSV file, and exporting the member roster.

Committees keep their rosters in Excel/WPS, mostly as workbooks exported from
the party-member information system. A .xlsx is read with openpyxl (imported
only here, when a workbook is read or written); an old .xls or a workbook
with a password is an OLE file openpyxl cannot open, and is refused with what
to do. Chinese Windows saves "CSV" as GBK, "CSV UTF-8" with a byte-order
mark, and "Unicode text" as tab-separated UTF-16; all three are read.

The header says which roster it is: a 姓名 column makes it a member roster
(each row names its branch, or `--branch` gives it), else a 支部名称 column a
branch roster. Title rows above the header are skipped. A column that holds
身份证号 refuses the whole file: the roster keeps no ID numbers.

Reading never writes: `read_roster` returns a preview (rows to add or
update, one error per bad row, members it cannot tell apart from ones on
file) and `import_roster` saves the good rows once the user has confirmed,
in transactions short enough that other clerks' saves never wait long for
the lock. Each row is saved with the record as the preview read it as its
base: a field a clerk changed meanwhile is kept, and one the roster changes
too is listed as a conflict instead of being overwritten.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import groupby, islice
from pathlib import Path
from typing import Any

from inspector.branches import LABELS, BranchInvalid, branch_from_fields
from inspector.errors import EditConflict, RosterChoiceInvalid, SaveFailed, StoreError
from inspector.labels import MEMBER_FIELDS, label
from inspector.members import MemberInvalid, cell_text, member_from_cells, merge_key, roster_order
from inspector.models import Branch, Member, Record
from inspector.pinyin import initials
from inspector.store import Store
from inspector.store.core import gc_paused

#: Column headings accepted for each branch field (first is the one we document).
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

#: Column headings of a member roster: our own export's first, then what the
#: party-member information system and committees' own sheets use.
MEMBER_HEADINGS: dict[str, tuple[str, ...]] = {
    "branch": ("所在党支部", "所在支部", "党支部", "支部名称", "党支部名称", "所在党组织", "党组织名称"),
    "name": ("姓名", "党员姓名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生时间"),
    "status": ("党员类别", "党员状态", "正式/预备", "党籍状态"),
    "joined_on": ("入党日期", "入党时间", "加入党组织日期"),
    "full_on": ("转正日期", "转正时间"),
    "party_group": ("所在党小组", "党小组"),
    "unit_post": ("工作单位及职务", "工作单位及职务（职称）", "单位及职务", "工作单位", "现工作单位及职务"),
    "category": ("人员类别", "人员身份", "身份"),
    "leading_cadre": ("党员领导干部", "是否党员领导干部", "领导干部"),
    "mobile": ("流动党员", "是否流动党员"),
    "frail": ("年老体弱", "是否年老体弱"),
    "contact": ("联系电话", "手机号码", "手机", "电话", "联系方式"),
    "dues_base": ("党费基数", "交纳党费基数", "月工资收入", "月收入"),
    "dues_override": ("约定月交党费", "月交党费", "每月交纳党费", "月交纳党费"),
    "last_attended": ("最后参加组织生活日期", "最近参加组织生活日期"),
    "last_dues_paid": ("最后交纳党费日期", "党费交至", "最近交纳党费日期"),
    "last_talk": ("谈心谈话日期", "谈心谈话时间"),
    "appraisal": ("评议等次", "民主评议等次", "评议结果"),
    "notes": ("备注",),
}

#: Headings that name a column of ID numbers, refused (data minimisation).
ID_HEADINGS = ("身份证", "公民身份号码", "证件号")
_ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")

#: Longest cell accepted, in characters (a roster cell is a name, a phone, a note).
MAX_CELL = 2000
#: Most branch rows in one file: a county has a few thousand.
MAX_ROWS = 20000
#: Most member rows in one file: a county has tens of thousands of members.
MAX_MEMBER_ROWS = 200_000
#: Rows looked at for the header (title rows above it are skipped).
HEADER_SEARCH = 10
#: A transaction ends after this many branch files or this many seconds of
#: saving, whichever comes first: each branch file costs two fsyncs when the
#: batch commits, so the lock is held well under a second.
BATCH = 25
BATCH_SECONDS = 0.4
#: Records of one branch file saved in one pass: a branch of thousands is saved over several batches.
PER_SAVE = 300

ADD = "新增"
UPDATE = "更新"
SAME = "无变化"

BRANCHES = "branches"
MEMBERS = "members"


class RosterFileError(StoreError):
    """The file as a whole cannot be read as a roster."""


@dataclass
class RosterRow:
    line: int
    record: Record  # a Branch or a Member
    action: str  # ADD, UPDATE or SAME
    #: The record as stored when the preview was read (None for ADD).
    base: Record | None = None


@dataclass
class RosterError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.message}"


@dataclass
class RosterAmbiguity:
    """A row that may be a member on file or a new one: saved only once the
    user says which (`resolve`)."""

    line: int
    member: Member
    #: The row's cells, so choosing a member on file updates it as a matched row would.
    cells: dict[str, Any]
    candidates: list[Member]

    def __str__(self) -> str:
        return (
            f"第{self.line}行：花名册中已有{len(self.candidates)}名「{self.member.name}」，入党日期不全或相同，"
            "无法确定是否同一人：确认是其中哪一位或新党员后才导入"
        )


NEW = "new"
EXISTING = "existing"


@dataclass
class RosterPreview:
    encoding: str
    kind: str = BRANCHES
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    #: Rows that may be a member already on file or a new one: saved only once resolved.
    ambiguous: list[RosterAmbiguity] = field(default_factory=list)

    @property
    def changes(self) -> list[RosterRow]:
        return [r for r in self.rows if r.action != SAME]

    def counts(self) -> dict[str, int]:
        return {a: sum(1 for r in self.rows if r.action == a) for a in (ADD, UPDATE, SAME)}


@dataclass
class RosterImport:
    saved: int = 0
    #: One line per record whose fields were changed by someone else since the preview.
    conflicts: list[str] = field(default_factory=list)
    #: Longest time one batch held the folder's lock, in seconds.
    longest_hold: float = 0.0
    batches: int = 0


@dataclass
class Sheet:
    """The non-blank rows of a file as (line number, cells), and how it was read."""

    encoding: str
    rows: list[tuple[int, list[Any]]]
    #: Merged ranges of a workbook: (first row, last row, reference such as "A1:B1").
    merged: list[tuple[int, int, str]] = field(default_factory=list)


# ---------------------------------------------------------------- reading files


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


def _blank(row: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _csv_sheet(data: bytes, limit: int) -> Sheet:
    text, encoding = decode(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = (row for row in reader if not _blank(row))
    try:
        # Each row with the line it ends on.
        numbered: list[tuple[int, list[Any]]] = [(reader.line_num, row) for row in islice(rows, limit)]
    except csv.Error as exc:  # a cell over csv's own limit (131,072), or a quote never closed
        raise RosterFileError(f"第{reader.line_num}行附近无法读取：单元格超过 {MAX_CELL} 字，或引号不成对") from exc
    return Sheet(encoding, numbered)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CORRUPT = "文件已损坏，或不是 Excel 工作簿（.xlsx）：请在 Excel/WPS 中打开后重新另存为 .xlsx"


def _xlsx_sheet(data: bytes, limit: int) -> Sheet:
    """The first sheet of a workbook, read by python-calamine (a county's 60,000
    rows in about a second, where openpyxl's reader takes over a minute)."""
    from python_calamine import CalamineWorkbook, PasswordError  # only when a workbook is read

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        top, _left = sheet.start or (0, 0)
        rows = ((n, row) for n, row in enumerate(sheet.iter_rows(), start=top + 1) if not _blank(row))
        numbered: list[tuple[int, list[Any]]] = list(islice(rows, limit))
        ranges = sheet.merged_cell_ranges or []
    except PasswordError as exc:
        raise RosterFileError("工作簿设有密码，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再导入") from exc
    except Exception as exc:  # the reader raises several kinds for a damaged file; each means the same to the user
        raise RosterFileError(_CORRUPT) from exc
    merged = [
        (r1 + 1, r2 + 1, f"{_column_name(c1)}{r1 + 1}:{_column_name(c2)}{r2 + 1}") for (r1, c1), (r2, c2) in ranges
    ]
    return Sheet("Excel 工作簿", numbered, merged)


def read_sheet(source: Path | bytes, limit: int) -> Sheet:
    """The rows of a .xlsx or CSV file (told apart by their bytes, not their names)."""
    if isinstance(source, Path):
        if source.suffix.lower() in (".et", ".ods"):
            raise RosterFileError(f"不支持 {source.suffix} 文件：请在 WPS/Excel 中另存为 .xlsx 或 CSV")
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise RosterFileError(f"无法读取文件：{source}（{exc.strerror or exc}）") from exc
    else:
        data = source
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise RosterFileError("工作簿设有打开密码，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再导入")
        raise RosterFileError("这是旧版 Excel 文件（.xls）：请在 Excel/WPS 中「另存为」Excel 工作簿（.xlsx）后再导入")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_sheet(data, limit)
    return _csv_sheet(data, limit)


# ---------------------------------------------------------------- the header


def heading_key(cell: Any) -> str:
    """A heading as compared: full-width forms made half-width, spaces, line breaks and required-marks removed."""
    text = unicodedata.normalize("NFKC", "" if cell is None else str(cell))
    return "".join(text.split()).strip("*:：")


def _heading_lookup(headings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for fld, names in headings.items():
        for name in names:
            out.setdefault(heading_key(name), fld)
    return out


_LOOKUPS = {BRANCHES: _heading_lookup(HEADINGS), MEMBERS: _heading_lookup(MEMBER_HEADINGS)}
_BRACKETS = re.compile(r"[(（].*?[)）]$")


def map_header(header: Sequence[Any], kind: str) -> dict[str, int]:
    """Column index of each field of a `kind` roster the header names (the first
    column wins when two name the same field); a note in brackets after a heading is ignored."""
    lookup = _LOOKUPS[kind]
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = heading_key(cell)
        fld = lookup.get(key) or lookup.get(_BRACKETS.sub("", key))
        if fld and fld not in found:
            found[fld] = index
    return found


def _refuse_id_numbers(header: Sequence[Any], body: list[tuple[int, list[Any]]]) -> None:
    for index, cell in enumerate(header):
        key = heading_key(cell)
        if any(word in key for word in ID_HEADINGS):
            raise _id_column(index, key)
    sample = body[:50]
    for index in range(len(header)):
        values = [str(row[index]).strip() for _, row in sample if index < len(row) and row[index] not in (None, "")]
        hits = sum(1 for v in values if _ID_NUMBER.fullmatch(unicodedata.normalize("NFKC", v)))
        if values and hits * 2 > len(values):
            raise _id_column(index, heading_key(header[index]) or "无标题")


def _id_column(index: int, heading: str) -> RosterFileError:
    return RosterFileError(
        f"第{_column_name(index)}列「{heading}」是身份证号码：花名册不保存身份证号（减少收集个人信息，防止泄露），"
        "请删除这一列后再导入；未导入任何内容"
    )


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _find_header(sheet: Sheet) -> tuple[int, list[Any], str]:
    """(position in sheet.rows, header cells, roster kind) of the first row that names a 姓名 or 支部名称 column."""
    for position, (_line, row) in enumerate(sheet.rows[:HEADER_SEARCH]):
        for kind in (MEMBERS, BRANCHES):
            if "name" in map_header(row, kind):
                return position, row, kind
    first = sheet.rows[0][1] if sheet.rows else []
    shown = "、".join(str(h) for h in first if h not in (None, "")) or "空"
    raise RosterFileError(
        f"找不到表头：党员名册须有「姓名」一列，支部名册须有「{LABELS['name']}」一列（第1行为：{shown}）"
    )


def _refuse_merged(sheet: Sheet, header_line: int) -> None:
    """Merged cells at or below the header leave empty cells that would be read as missing values."""
    for first, last, ref in sheet.merged:
        if last >= header_line:  # only a title above the header may be merged
            where = "表头" if first <= header_line else f"第{first}行"
            raise RosterFileError(
                f"{where}有合并单元格（{ref}）：请取消合并，让每列只有一个标题、每格都填上内容后再导入；未导入任何内容"
            )


# ---------------------------------------------------------------- previews


def read_roster(
    source: Path | bytes,
    existing: list[Branch],
    *,
    members_of: Callable[[str], list[Member]] | None = None,
    branch: str | None = None,
) -> RosterPreview:
    """Parse and check a roster of branches or of members; nothing is saved.

    `existing` are the branches on file; `members_of(branch id)` gives a
    branch's members (needed for a member roster); `branch` names the branch
    every member row belongs to when the file has no branch column."""
    sheet = read_sheet(source, MAX_MEMBER_ROWS + HEADER_SEARCH + 1)
    if not sheet.rows:
        raise RosterFileError("文件是空的")
    position, header, kind = _find_header(sheet)
    header_line = sheet.rows[position][0]
    body = sheet.rows[position + 1 :]
    _refuse_merged(sheet, header_line)
    _refuse_id_numbers(header, body)
    limit = MAX_MEMBER_ROWS if kind == MEMBERS else MAX_ROWS
    if len(body) > limit:
        raise RosterFileError(f"名册超过 {limit} 行，请分成几个文件分别导入")
    with gc_paused():  # a record or more per row, all kept
        if kind == BRANCHES:
            preview = _branch_preview(sheet.encoding, header, body, existing)
        else:
            preview = _member_preview(sheet.encoding, header, body, existing, members_of or (lambda _bid: []), branch)
    if not preview.rows and not preview.errors and not preview.ambiguous:
        raise RosterFileError("文件只有表头，没有内容")
    return preview


def _cells(row: list[Any], columns: dict[str, int]) -> dict[str, Any]:
    return {f: (row[i] if i < len(row) else None) for f, i in columns.items()}


def _too_long(cells: dict[str, Any], names: dict[str, str]) -> list[str]:
    return [names.get(f, f) for f, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL]


def _branch_preview(
    encoding: str, header: list[Any], body: list[tuple[int, list[Any]]], existing: list[Branch]
) -> RosterPreview:
    columns = map_header(header, BRANCHES)
    preview = RosterPreview(encoding=encoding, kind=BRANCHES)
    by_name = {_key(b.name): b for b in existing}
    seen: dict[str, int] = {}
    for line, row in body:
        fields = {f: cell_text(v) for f, v in _cells(row, columns).items()}
        long = _too_long(fields, LABELS)
        if long:
            preview.errors.append(RosterError(line, f"{'、'.join(long)}超过 {MAX_CELL} 字"))
            continue
        key = _key(fields["name"])
        if key and key in seen:
            preview.errors.append(RosterError(line, f"支部名称「{fields['name'].strip()}」与第{seen[key]}行重复"))
            continue
        old = by_name.get(key)
        try:
            found = branch_from_fields(fields, base=old)
        except BranchInvalid as exc:
            preview.errors.append(RosterError(line, "；".join(exc.problems.values())))
            continue
        # Worked out now, so saving (under the lock) does not import pypinyin or compute them.
        found = found.model_copy(update={"initials": initials(found.name)})
        seen[key] = line
        if old is None:
            preview.rows.append(RosterRow(line, found, ADD))
        else:
            preview.rows.append(RosterRow(line, found, SAME if found == old else UPDATE, base=old))
    return preview


def _member_preview(
    encoding: str,
    header: list[Any],
    body: list[tuple[int, list[Any]]],
    existing: list[Branch],
    members_of: Callable[[str], list[Member]],
    branch: str | None,
) -> RosterPreview:
    columns = map_header(header, MEMBERS)
    preview = RosterPreview(encoding=encoding, kind=MEMBERS)
    by_name = {_key(b.name): b for b in existing if not b.deleted}
    fixed: Branch | None = None
    if branch is not None:
        fixed = by_name.get(_key(branch))
        if fixed is None:
            raise RosterFileError(f"找不到党支部「{branch}」：请先添加该支部或导入支部名册")
    elif "branch" not in columns:
        raise RosterFileError("党员名册没有「所在党支部」一列：请加上这一列，或指定导入到哪个党支部")
    on_file: dict[str, dict[tuple[str, date | None], list[Member]]] = {}
    seen: dict[tuple[str, str, date | None], int] = {}
    for line, row in body:
        cells = _cells(row, columns)
        long = _too_long(cells, MEMBER_FIELDS)
        if long:
            preview.errors.append(RosterError(line, f"{'、'.join(long)}超过 {MAX_CELL} 字"))
            continue
        named = str(cells.pop("branch", None) or "").strip()
        target = fixed if fixed is not None else by_name.get(_key(named))
        if target is None:
            message = "所在党支部为空" if not named else f"所在党支部「{named}」不在支部名册中，请先添加该支部"
            preview.errors.append(RosterError(line, message))
            continue
        if fixed is not None and named and _key(named) != _key(fixed.name):
            preview.errors.append(RosterError(line, f"所在党支部「{named}」不是「{fixed.name}」"))
            continue
        try:
            member = member_from_cells(target.id, cells)
        except MemberInvalid as exc:
            preview.errors.append(RosterError(line, "；".join(exc.problems.values())))
            continue
        key = merge_key(member.name, member.joined_on)
        if (target.id, *key) in seen:
            joined = member.joined_on.isoformat() if member.joined_on else "未填"
            preview.errors.append(
                RosterError(line, f"「{member.name}」（入党日期{joined}）与第{seen[(target.id, *key)]}行重复")
            )
            continue
        seen[(target.id, *key)] = line
        if target.id not in on_file:
            on_file[target.id] = _by_key(members_of(target.id))
        _place(preview, line, member, cells, on_file[target.id])
    return preview


def _by_key(members: Iterable[Member]) -> dict[tuple[str, date | None], list[Member]]:
    out: dict[tuple[str, date | None], list[Member]] = {}
    for m in members:
        if not m.deleted:
            out.setdefault(merge_key(m.name, m.joined_on), []).append(m)
    return out


def _place(
    preview: RosterPreview,
    line: int,
    member: Member,
    cells: dict[str, Any],
    on_file: dict[tuple[str, date | None], list[Member]],
) -> None:
    """Add, update or ask: a member on file is the one with the same name and joined
    date; a same-name member with either joined date missing may be the same person.
    An update takes the row's filled cells; a blank cell keeps what is on file."""
    name, joined = merge_key(member.name, member.joined_on)
    same = on_file.get((name, joined), [])
    maybe = [
        m for (n, j), ms in on_file.items() if n == name and j != joined and (j is None or joined is None) for m in ms
    ]
    if len(same) == 1 and not maybe:
        _update(preview, line, same[0], cells)
    elif same or maybe:
        preview.ambiguous.append(RosterAmbiguity(line, member, cells, [*same, *maybe]))
    else:
        preview.rows.append(RosterRow(line, member, ADD))


def _update(preview: RosterPreview, line: int, old: Member, cells: dict[str, Any]) -> None:
    """The row's filled cells over the member on file; a blank cell keeps what is there."""
    filled = {f: v for f, v in cells.items() if not (v is None or (isinstance(v, str) and not v.strip()))}
    try:
        updated = member_from_cells(old.branch_id, filled, base=old)
    except MemberInvalid as exc:
        preview.errors.append(RosterError(line, "；".join(exc.problems.values())))
        return
    preview.rows.append(RosterRow(line, updated, SAME if updated == old else UPDATE, base=old))


def resolve(preview: RosterPreview, line: int, choice: str) -> None:
    """Settle an ambiguous row: `NEW` adds it as another member, `EXISTING` (the
    only candidate) or a candidate's number from 1 updates that member on file.
    A member on file takes at most one row of the file."""
    found = next((a for a in preview.ambiguous if a.line == line), None)
    if found is None:
        raise RosterChoiceInvalid(f"第{line}行不是待核对的行")
    if choice == NEW:
        target = None
    else:
        number = 1 if choice == EXISTING and len(found.candidates) == 1 else _number(choice)
        if number is None or not 1 <= number <= len(found.candidates):
            raise RosterChoiceInvalid(
                f"第{line}行：请选择 new（新党员）或 1–{len(found.candidates)}（花名册中已有的第几位）"
                if len(found.candidates) > 1
                else f"第{line}行：请选择 new（新党员）或 existing（花名册中已有的这位）"
            )
        target = found.candidates[number - 1]
        taken = next((r.line for r in preview.rows if r.base is not None and r.base.id == target.id), None)
        if taken is not None:
            raise RosterChoiceInvalid(f"第{line}行：花名册中的「{target.name}」已对应第{taken}行")
    preview.ambiguous.remove(found)
    if target is None:
        preview.rows.append(RosterRow(line, found.member, ADD))
    else:
        _update(preview, line, target, found.cells)
    preview.rows.sort(key=lambda r: r.line)


def _number(choice: str) -> int | None:
    return int(choice) if choice.isdigit() else None


# ---------------------------------------------------------------- saving


def import_roster(
    store: Store, preview: RosterPreview, progress: Callable[[int, int], None] | None = None
) -> RosterImport:
    """Save the good rows, each batch one transaction (all or nothing) that ends
    after `BATCH` passes over a branch file (of up to `PER_SAVE` records each) or
    `BATCH_SECONDS`; `progress(done, total)` after each."""
    rows = sorted(preview.changes, key=lambda r: _branch_of(r.record))
    files = [
        chunk
        for _bid, group in groupby(rows, key=lambda r: _branch_of(r.record))
        for chunk in _chunks(list(group), PER_SAVE)
    ]
    result = RosterImport()
    done = 0
    pending = iter(files)
    rows_of_file = next(pending, None)
    while rows_of_file is not None:
        start = time.monotonic()
        count = 0
        # Each record is dumped and validated again: the collector runs once
        # a batch, after it, instead of over and over across the preview's records.
        with gc_paused(), store.transaction():
            while rows_of_file is not None and (
                count == 0 or (count < BATCH and time.monotonic() - start < BATCH_SECONDS)
            ):
                saved = store.save_many([(r.record, r.base) for r in rows_of_file])
                for row, outcome in zip(rows_of_file, saved):
                    _count(row, outcome, result)
                done += len(rows_of_file)
                count += 1
                rows_of_file = next(pending, None)
        result.longest_hold = max(result.longest_hold, time.monotonic() - start)
        result.batches += 1
        if progress is not None:
            progress(done, len(rows))
    return result


def _chunks(rows: list[RosterRow], size: int) -> Iterator[list[RosterRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _count(row: RosterRow, outcome: Record | EditConflict, result: RosterImport) -> None:
    if isinstance(outcome, EditConflict):
        names = "、".join(_field_label(row.record, f) for f in sorted(outcome.theirs))
        result.conflicts.append(f"「{getattr(row.record, 'name', '')}」：{names}在预览后已被他人修改，名册中的值未导入")
    else:
        result.saved += 1


def _field_label(record: Record, name: str) -> str:
    return (MEMBER_FIELDS if isinstance(record, Member) else LABELS).get(name, name)


def _branch_of(record: Record) -> str:
    return record.id if isinstance(record, Branch) else str(getattr(record, "branch_id", ""))


def _key(name: str) -> str:
    return "".join(name.split())


# ---------------------------------------------------------------- export


def _export_cell(member: Member, name: str) -> Any:
    value = getattr(member, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return None
    if isinstance(value, StrEnum):  # a stored code: its Chinese
        return label(value)
    return value


def member_rows(store: Store, branch_ids: Iterable[str]) -> Iterator[list[Any]]:
    """The export's rows: the branch name, then each field of `MEMBER_FIELDS`."""
    for bid in branch_ids:
        name = store.branch(bid).name
        for member in sorted(store.members(bid), key=roster_order):
            yield [name, *(_export_cell(member, f) for f in MEMBER_FIELDS)]


def export_members(store: Store, branch_ids: Iterable[str], path: Path) -> int:
    """Write the member roster to a .xlsx that `read_roster` reads back; the number of members written."""
    from openpyxl import Workbook  # heavy: only when a workbook is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员花名册")
    headings = [MEMBER_HEADINGS["branch"][0], *MEMBER_FIELDS.values()]
    for index, heading in enumerate(headings):  # wide enough for a date, a branch name, a unit and post
        wide = {"所在党支部": 26, "工作单位及职务": 24, "备注": 20}.get(heading, max(11, 2 * len(heading) + 2))
        sheet.column_dimensions[_column_name(index)].width = wide
    sheet.freeze_panes = "C2"
    sheet.append(headings)
    count = 0
    for row in member_rows(store, branch_ids):
        sheet.append(row)
        count += 1
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SaveFailed(f"无法写入：{path}（{exc.strerror or exc}）", exc.errno) from exc
    return count
