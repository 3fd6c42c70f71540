"""Members out of effective management (口袋/失联/流动) and their deadlines.

Only dates are stored; every count of days and every threshold is derived
here from `today`, so the branch screen, the memo and the ledger agree.
The rules, as the 组织关系集中排查 of the 2016 plan (四、2) applies them:

- 口袋党员: the 组织关系介绍信 ran out (issued + validity) and the member never
  registered with the receiving organisation.
- Track 1, 自行脱党 (党章第九条): six months in a row without attending,
  paying dues or doing assigned work → the 支部大会 decides 除名.
- Track 2, 停止党籍 (条例第二十四条): lost contact six months or more and
  still unreachable → 停止党籍; two years later still unreachable → 除名.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from inspector import labels
from inspector.dates import parse_date
from inspector.errors import StoreError, UserError
from inspector.models import MAX_LETTER_DAYS, Disposition, LegalTrack, MemberKind, PocketMember
from inspector.store import Store, validation_message

#: Months without contact after which either legal track may be applied.
TRACK_MONTHS = 6
#: Years a 停止党籍 member may still apply to be restored before 除名.
RESTORE_YEARS = 2
#: Days before a threshold from which it is shown as coming up.
SOON_DAYS = 30

#: The dates of a record, with the names a user knows them by.
DATE_LABELS = {"letter_issued": "介绍信开具日期", "last_contact": "最后联系日期", "disposition_on": "处置日期"}

# Dispositions that end the case: nothing more falls due.
_SETTLED = {
    Disposition.BACK_TO_NORMAL,
    Disposition.STRUCK_OFF,
    Disposition.PROBATION_CANCELLED,
    Disposition.TRANSFERRED,
}


class DueLevel(StrEnum):
    """How urgent the next step is; screens colour rows by it."""

    SETTLED = "已处置"
    OK = "正常"
    SOON = "临近"
    DUE = "已到期"
    MISSING = "缺日期"


@dataclass(frozen=True)
class DueNotice:
    level: DueLevel
    text: str


def add_months(start: date, months: int) -> date:
    """Same day `months` later; the 31st becomes the month's last day."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def days_since(day: date | None, today: date) -> int | None:
    return None if day is None else (today - day).days


def letter_expires(member: PocketMember) -> date | None:
    """Last day the introduction letter is valid, when both dates are known."""
    if member.letter_issued is None or member.letter_valid_days is None:
        return None
    return member.letter_issued + timedelta(days=member.letter_valid_days)


def is_pocket(member: PocketMember, today: date) -> bool:
    """Letter expired and the member still not registered anywhere."""
    expires = letter_expires(member)
    return (
        expires is not None
        and today > expires
        and member.disposition not in (Disposition.TRANSFERRED, Disposition.BACK_TO_NORMAL)
    )


def track_deadline(member: PocketMember) -> date | None:
    """Day the six months without contact are complete."""
    return None if member.last_contact is None else add_months(member.last_contact, TRACK_MONTHS)


def restore_deadline(member: PocketMember) -> date | None:
    """Last day a 停止党籍 member may apply to be restored."""
    if member.disposition != Disposition.SUSPENDED or member.disposition_on is None:
        return None
    return add_months(member.disposition_on, 12 * RESTORE_YEARS)


def _threshold(deadline: date, today: date, due: str, coming: str) -> DueNotice:
    left = (deadline - today).days
    if left <= 0:
        return DueNotice(DueLevel.DUE, f"{deadline.isoformat()}已满：{due}")
    level = DueLevel.SOON if left <= SOON_DAYS else DueLevel.OK
    return DueNotice(level, f"还有{left}天（{deadline.isoformat()}）：{coming}")


def due_next(member: PocketMember, today: date) -> DueNotice:
    """What is due next for this member, as one Chinese line."""
    if member.disposition in _SETTLED:
        return DueNotice(DueLevel.SETTLED, f"已处置：{labels.label(member.disposition)}")
    if member.disposition == Disposition.SUSPENDED:
        end = restore_deadline(member)
        if end is None:
            return DueNotice(DueLevel.MISSING, "请填写停止党籍的决定日期，以计算两年期限")
        return _threshold(
            end,
            today,
            "停止党籍满两年仍无法联系，按自行脱党予以除名",
            "停止党籍期满两年仍无法联系的予以除名，期内本人可书面申请恢复党籍",
        )
    if member.disposition == Disposition.CORRECT_WITHIN_TERM:
        return DueNotice(DueLevel.OK, "限期改正中：到期仍不改正的，劝退或除名")
    if member.disposition == Disposition.PERSUADE_TO_LEAVE:
        return DueNotice(DueLevel.OK, "劝退中：劝而不退的，提交支部大会讨论除名")
    deadline = track_deadline(member)
    if member.track == LegalTrack.LAPSED:
        if deadline is None:
            return DueNotice(DueLevel.MISSING, "请填写最后参加组织生活或交纳党费的日期")
        return _threshold(
            deadline,
            today,
            "连续6个月未参加组织生活、未交党费或未做党分配的工作，提交支部大会讨论除名，报上级党委批准",
            "连续6个月期满前，督促其参加组织生活、交纳党费",
        )
    if member.track == LegalTrack.SUSPENDED:
        if deadline is None:
            return DueNotice(DueLevel.MISSING, "请填写最后一次联系上的日期")
        return _threshold(
            deadline,
            today,
            "失去联系满6个月，经查找仍无法取得联系的，作出停止党籍决定",
            "失去联系满6个月前，继续查找本人",
        )
    if is_pocket(member, today):
        expired = letter_expires(member)
        assert expired is not None
        prefix = "" if member.member_kind == MemberKind.POCKET else "应列为口袋党员："
        return DueNotice(
            DueLevel.DUE,
            f"{prefix}介绍信已于{expired.isoformat()}过期未报到，联系接收单位，督促本人报到",
        )
    if deadline is not None:
        return _threshold(
            deadline,
            today,
            "6个月以上未联系，确定按自行脱党或停止党籍程序处理",
            "满6个月未联系的，须确定处置程序",
        )
    expires = letter_expires(member)
    if expires is not None:
        return DueNotice(DueLevel.OK, f"介绍信有效至{expires.isoformat()}，督促按时报到")
    return DueNotice(DueLevel.MISSING, "请填写最后联系日期或介绍信开具日期")


def save_member(store: Store, member: PocketMember, today: date, *, base: PocketMember | None = None) -> PocketMember:
    """Save a record after checking its dates make sense: none lies in the
    future, and 停止党籍 carries the date its two years run from."""
    for field, label in DATE_LABELS.items():
        day = getattr(member, field)
        if day is not None and day > today:
            raise StoreError(f"{label}不能晚于今天（{today.isoformat()}）")
    if member.disposition == Disposition.SUSPENDED and member.disposition_on is None:
        raise StoreError("停止党籍须填写决定日期")
    if member.letter_valid_days is not None and member.letter_issued is None:
        raise StoreError("填写了介绍信有效期，请同时填写开具日期")
    return store.save(member, base=base)


class MemberInvalid(UserError):
    """A record as typed on its form that cannot be kept, with the first thing to put right."""


def parse_valid_days(text: str) -> int | None:
    """The letter's 有效期 as typed: empty, or whole days within what a record may hold."""
    text = text.strip()
    if not text:
        return None
    if not (text.isdigit() and 1 <= int(text) <= MAX_LETTER_DAYS):
        raise MemberInvalid(f"有效期应为 1–{MAX_LETTER_DAYS} 之间的天数")
    return int(text)


def _typed_date(text: str, label: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except UserError as exc:
        raise MemberInvalid(f"{label}：{exc}") from None


def edited_member(
    original: PocketMember,
    *,
    name: str,
    letter_valid_days: str,
    letter_issued: str,
    last_contact: str,
    disposition_on: str,
    **fields: Any,
) -> PocketMember:
    """The record as its form now says (the name, validity and dates as typed, empty for none;
    the other `fields` already typed), or MemberInvalid with the first thing to put right.
    Whether the dates make sense on the day is checked by `save_member`."""
    name = name.strip()
    if not name:
        raise MemberInvalid("请填写姓名")
    days = parse_valid_days(letter_valid_days)
    typed = {"letter_issued": letter_issued, "last_contact": last_contact, "disposition_on": disposition_on}
    data = original.model_dump()
    data.update(fields, name=name, letter_valid_days=days)
    data.update({f: _typed_date(typed[f], label) for f, label in DATE_LABELS.items()})
    try:
        return PocketMember.model_validate(data)
    except ValidationError as exc:
        raise MemberInvalid(validation_message(exc)) from exc
