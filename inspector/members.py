"""The branch's 党员花名册: members as people type or import them, 党费 and
marking a member as out of reach.

Cells come from a form (text), a CSV (text) or an Excel workbook (text,
numbers, dates, Excel date serials); `member_from_cells` reads them all by
the same rules and names every bad cell in Chinese. 党费 follows the rules in
force since 2008-04-01: serving staff pay 0.5% of a monthly after-tax fixed
income up to 3000 元, 1% to 5000, 1.5% to 10000 and 2% above; retired members
0.5% up to 5000 and 1% above; farmers 0.2–1 元 a month; students, the
unemployed and 低保 members 0.2 元. An amount the branch agreed replaces the
derived one (`dues_override`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from inspector import labels
from inspector.dates import parse_date
from inspector.errors import StoreError, UserError
from inspector.labels import MEMBER_FIELDS
from inspector.models import (
    AppraisalGrade,
    Member,
    MemberCategory,
    MemberKind,
    MemberStatus,
    PocketMember,
    Sex,
)
from inspector.pocket import add_months, save_member
from inspector.store import Store

#: (upper bound of the monthly base in 元, percent) of serving staff and of retired members.
EMPLOYED_RATES: tuple[tuple[float, float], ...] = ((3000.0, 0.5), (5000.0, 1.0), (10000.0, 1.5), (float("inf"), 2.0))
RETIRED_RATES: tuple[tuple[float, float], ...] = ((5000.0, 0.5), (float("inf"), 1.0))
#: Fixed monthly dues in 元 (farmers may agree up to 1 元: `dues_override`).
FIXED_DUES = {MemberCategory.FARMER: 0.2, MemberCategory.STUDENT: 0.2, MemberCategory.UNEMPLOYED: 0.2}
#: Months of probation of a 预备党员 (党章第七条).
PROBATION_MONTHS = 12

_YES = {"是", "有", "y", "yes", "1", "true", "√", "✓", "☑"}
_NO = {"否", "无", "没有", "n", "no", "0", "false", "", "×"}
_SEX = {"男": Sex.MALE, "女": Sex.FEMALE}
_STATUS = {"正式": MemberStatus.FULL, "正式党员": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}
_CATEGORY = {
    "在职": MemberCategory.EMPLOYED,
    "在职党员": MemberCategory.EMPLOYED,
    "职工": MemberCategory.EMPLOYED,
    "干部": MemberCategory.EMPLOYED,
    "离休": MemberCategory.RETIRED,
    "退休": MemberCategory.RETIRED,
    "离退休党员": MemberCategory.RETIRED,
    "农牧民": MemberCategory.FARMER,
    "农民党员": MemberCategory.FARMER,
    "在校学生": MemberCategory.STUDENT,
    "学生党员": MemberCategory.STUDENT,
    "失业": MemberCategory.UNEMPLOYED,
    "下岗": MemberCategory.UNEMPLOYED,
    "低保": MemberCategory.UNEMPLOYED,
    "无业": MemberCategory.UNEMPLOYED,
}
# A year and month only ("1998.07", "1998年7月"), as rosters often give the joined date.
_YEAR_MONTH = re.compile(r"(\d{4})(?:[-/.年])(\d{1,2})月?")
# Excel's day 0 for serial dates (the 1900 system, with its leap-year slip before March 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
# Numbers in a date column read as years (with a month after the point), not serials.
_YEARS = (1900, 2100)
_BOOLS = ("leading_cadre", "mobile", "frail")
_DATES = ("birth_date", "joined_on", "full_on", "last_attended", "last_dues_paid", "last_talk")
_MONEY = ("dues_base", "dues_override")
#: Fields whose values rarely repeat from one member to the next (not worth remembering).
_UNIQUE = frozenset({"name", "contact", "notes", *_MONEY})


class MemberInvalid(UserError):
    """Cells that do not make a valid member; `problems` maps field → message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("；".join(problems.values()))


def cell_text(value: Any) -> str:
    """A cell as text: a whole number read as a float (Excel stores every number so) without its .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _normal(value: Any) -> str:
    """Text with full-width digits and punctuation made half-width (input methods type them)."""
    return unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")


def cell_date(value: Any) -> date | None:
    """A date from a cell: a date, an Excel serial, or text in any form `inspector/dates.py`
    reads, or a year and month (the 1st of that month); ValueError in Chinese otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _YEARS[0] <= value < _YEARS[1]:
            # 2001.07 typed into Excel or Calc becomes the number 2001.07 (2001.10 becomes
            # 2001.1): a year and month, not day 2001 of Excel's calendar (1905).
            year, month = int(value), round((value - int(value)) * 100)
            if 1 <= month <= 12:
                return date(year, month, 1)
            raise ValueError(f"日期无效：{value}（年月请写作 {year}-07 或 {year}年7月）")
        if 1 <= value < 2958466:  # Excel's serial range (to 9999-12-31)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"日期无效：{value}")
    text = _normal(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 5:  # a serial that came through as text (CSV saved from Excel)
        return _EXCEL_EPOCH + timedelta(days=int(text))
    m = _YEAR_MONTH.fullmatch(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    try:
        return parse_date(text)
    except UserError as exc:
        raise ValueError(str(exc)) from None


def _money(label: str, value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _normal(value).replace(",", "").removesuffix("元")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{label}应为金额（元），现为「{cell_text(value)}」") from None


def _flag(label: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _normal(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{label}应填「是」或「否」（现为「{cell_text(value)}」）")


def _choice(enum: type, aliases: Mapping[str, Any], label: str, value: Any) -> Any:
    text = _normal(value)
    if not text:
        return None
    if text in aliases:
        return aliases[text]
    if text.endswith("党员") and text[:-2] in aliases:
        return aliases[text[:-2]]
    try:
        return labels.parse(enum, text)
    except ValueError:
        allowed = "、".join(labels.labels(enum))
        raise ValueError(f"{label}「{cell_text(value)}」无法识别，应为：{allowed}") from None


@functools.lru_cache(maxsize=4096, typed=True)
def _parse_repeated(field: str, value: Any) -> Any:
    """`_parse` of a value many rows share (a 党小组, 男, a joined date):
    a county roster repeats a few hundred of them over 60,000 rows."""
    return _parse(field, value)


def _parse(field: str, value: Any) -> Any:
    label = MEMBER_FIELDS[field]
    if field in _DATES:
        try:
            return cell_date(value)
        except ValueError as exc:
            raise ValueError(f"{label}：{exc}") from None
    if field in _MONEY:
        return _money(label, value)
    if field in _BOOLS:
        return _flag(label, value)
    if field == "sex":
        return _choice(Sex, _SEX, label, value)
    if field == "status":
        return _choice(MemberStatus, _STATUS, label, value) or MemberStatus.FULL
    if field == "category":
        return _choice(MemberCategory, _CATEGORY, label, value) or MemberCategory.EMPLOYED
    if field == "appraisal":
        return _choice(AppraisalGrade, {}, label, value)
    if field == "contact":
        return _normal(value)
    return cell_text(value)


def member_from_cells(branch_id: str, cells: Mapping[str, Any], base: Member | None = None) -> Member:
    """A validated Member from cells by field name (fields not given keep `base`'s
    values); MemberInvalid with one Chinese message per bad cell."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = base.model_dump() if base else {"branch_id": branch_id}
    for field, raw in cells.items():
        if field not in MEMBER_FIELDS:
            continue
        try:
            values[field] = (_parse if field in _UNIQUE else _parse_repeated)(field, raw)
        except ValueError as exc:
            problems[field] = str(exc)
    try:
        member = Member.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err.get("loc") else "name"
            label = MEMBER_FIELDS.get(field, field)
            kind = err.get("type", "")
            problems.setdefault(
                field, f"{label}不能为空" if kind in ("string_too_short", "missing") else f"{label}无效"
            )
    if not problems:
        problems = _date_order(member)
    if problems:
        raise MemberInvalid(problems)
    return member


def _date_order(member: Member) -> dict[str, str]:
    if member.birth_date and member.joined_on and member.joined_on < add_months(member.birth_date, 18 * 12):
        return {"joined_on": "入党日期早于年满18周岁"}
    if member.joined_on and member.full_on and member.full_on < member.joined_on:
        return {"full_on": "转正日期不能早于入党日期"}
    if member.status == MemberStatus.PROBATIONARY and member.full_on is not None:
        return {"full_on": "预备党员不应有转正日期（已转正的请把党员类别改为正式党员）"}
    return {}


def dues_rate(member: Member) -> float | None:
    """Percent of the base the 2008 rules ask of this member (None: a fixed amount, or no base)."""
    if member.dues_base is None:
        return None
    if member.category == MemberCategory.EMPLOYED:
        table = EMPLOYED_RATES
    elif member.category == MemberCategory.RETIRED:
        table = RETIRED_RATES
    else:
        return None
    return next(rate for limit, rate in table if member.dues_base <= limit)


def monthly_dues(member: Member) -> float | None:
    """元 a month: the agreed amount, else as the rules derive it; None while the base is unknown."""
    if member.dues_override is not None:
        return member.dues_override
    if member.category in FIXED_DUES:
        return FIXED_DUES[member.category]
    rate = dues_rate(member)
    if rate is None or member.dues_base is None:
        return None
    return round(member.dues_base * rate / 100, 2)


def dues_text(member: Member) -> str:
    """党费 as the roster shows it: 「45.00元（1.5%）」, 「0.20元」, 「约定 30.00元」 or 「缺基数」."""
    amount = monthly_dues(member)
    if amount is None:
        return "缺基数"
    if member.dues_override is not None:
        return f"约定 {amount:.2f}元"
    rate = dues_rate(member)
    return f"{amount:.2f}元" + (f"（{rate:g}%）" if rate is not None else "")


def probation_ends(member: Member) -> date | None:
    """Last day of a 预备党员's year of probation (None for a full member or no joined date)."""
    if member.status != MemberStatus.PROBATIONARY or member.joined_on is None:
        return None
    return add_months(member.joined_on, PROBATION_MONTHS)


_NUMERALS = "一二三四五六七八九十"
_GROUP_NUMBER = re.compile(r"第?([0-9]+|[一二三四五六七八九十]+)")


def _group_number(group: str) -> int:
    """第三党小组 → 3, 第12党小组 → 12 (一 to 十九 in Chinese numerals); 0 when it names no number."""
    m = _GROUP_NUMBER.match(unicodedata.normalize("NFKC", group))
    if not m:
        return 0
    text = m.group(1)
    if text.isdigit():
        return int(text)
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _NUMERALS.index(text) + 1 if len(text) == 1 else 0
    return (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (_NUMERALS.index(units) + 1 if units else 0)


def roster_order(member: Member) -> tuple[int, str, date, str]:
    """How a roster is listed: by party group in its number's order, then joined date, then name."""
    return (_group_number(member.party_group), member.party_group, member.joined_on or date.max, member.name)


def merge_key(name: str, joined_on: date | None) -> tuple[str, date | None]:
    """How a roster row finds its member: the name (spaces removed) and the joined date."""
    return "".join(name.split()), joined_on


def linked_records(pockets: Iterable[PocketMember]) -> dict[str, PocketMember]:
    """Each member's live 口袋/失联/流动 record, by member id."""
    return {p.member_id: p for p in pockets if p.member_id and not p.deleted}


def mark_out_of_reach(store: Store, member: Member, kind: MemberKind, today: date) -> PocketMember:
    """Open a 口袋/失联/流动 record for a roster member, carrying over the dates the
    rules of `inspector/pocket.py` read; one live record per member."""
    if member.id in linked_records(store.pockets(member.branch_id)):
        raise StoreError(f"「{member.name}」已登记在口袋/失联/流动党员中，请在那里修改")
    record = PocketMember(
        branch_id=member.branch_id,
        name=member.name,
        member_kind=kind,
        probationary=member.status == MemberStatus.PROBATIONARY,
        last_attended=member.last_attended,
        last_dues_paid=member.last_dues_paid,
        found_on=today,
        member_id=member.id,
    )
    saved = save_member(store, record, today)
    if kind == MemberKind.MOBILE and not member.mobile:
        store.save(member.model_copy(update={"mobile": True}), base=member)
    return saved


def remove_member(store: Store, member: Member) -> PocketMember | None:
    """Delete a member from the roster as a tombstone (so the delete travels in sync
    bundles); a linked 口袋/失联/流动 record keeps its data and is returned."""
    store.delete(member)
    return linked_records(store.pockets(member.branch_id)).get(member.id)


def removed_from_roster(pockets: Iterable[PocketMember], roster: Iterable[Member]) -> set[str]:
    """The ids of the records whose linked member is no longer on the roster."""
    live = {m.id for m in roster}
    return {p.id for p in pockets if p.member_id and p.member_id not in live}


def candidate_line(member: Member) -> str:
    """A member on file as one line, enough to tell two of the same name apart."""
    joined = member.joined_on.isoformat() if member.joined_on else "未填"
    parts = [member.name, f"入党日期{joined}", labels.label(member.status)]
    parts += [p for p in (member.party_group, member.unit_post) if p]
    return "，".join(parts)
