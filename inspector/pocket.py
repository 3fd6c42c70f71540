"""Members out of effective management (口袋/失联/流动) and their deadlines.

Only dates are stored; every count of days and every threshold is derived
here from `today`, so the branch screen, the memo and the ledger agree.
The rules, as the 组织关系集中排查 of the 2016 plan (四、2) applies them:

- 口袋党员: the 组织关系介绍信 ran out (issued + validity), its 回执 never came
  back and the member never registered with the receiving organisation.
- Track 1, 自行脱党 (党章第九条): without good reason, six months in a row not
  attending organisation life, OR not paying dues, OR not doing assigned work.
  Attendance and dues are dated apart; whichever reaches six months first
  starts the track; contact does not count. A reachable member is educated
  and given a term to correct (限期改正); then the 支部大会 decides 除名 and
  the higher committee approves.
- Track 2, 停止党籍 (the 2016 排查 notice): lost contact six months or more and
  still unreachable → 停止党籍; two years later still unreachable → 除名.
  A 预备党员 is never given 停止党籍: the outcome is 取消预备党员资格.
- 停止党籍, 除名, 取消预备党员资格 and 恢复党籍 are decided by the 支部大会,
  approved by the 基层党委 and filed with the 县委组织部; 恢复党籍 starts from
  the member's written application.
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

#: Months without organisation life, dues or contact after which a track applies.
TRACK_MONTHS = 6
#: Years of 停止党籍 still unreachable after which the member is struck off (除名).
SUSPENSION_YEARS = 2
#: Days before a threshold from which it is shown as coming up.
SOON_DAYS = 30

#: The dates of a record, with the names a user knows them by.
DATE_LABELS = {
    "letter_issued": "介绍信开具日期",
    "receipt_returned_on": "回执退回日期",
    "last_attended": "最后参加组织生活日期",
    "last_dues_paid": "最后交纳党费日期",
    "last_contact": "最后联系日期",
    "disposition_on": "处置日期",
    "applied_on": "书面申请日期",
    "meeting_on": "支部大会日期",
    "approved_on": "党委批准日期",
    "filed_on": "报县委组织部备案日期",
}

#: Dispositions the 支部大会 decides and the 基层党委 approves, filed with the 县委组织部.
DECIDED = (
    Disposition.SUSPENDED,
    Disposition.STRUCK_OFF,
    Disposition.PROBATION_CANCELLED,
    Disposition.RESTORED,
)

# Dispositions that end the case once decided: nothing more falls due.
_SETTLED = {
    Disposition.BACK_TO_NORMAL,
    Disposition.STRUCK_OFF,
    Disposition.PROBATION_CANCELLED,
    Disposition.TRANSFERRED,
    Disposition.RESTORED,
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
    """Letter expired, no 回执 back and the member still not registered anywhere."""
    expires = letter_expires(member)
    return (
        expires is not None
        and today > expires
        and member.receipt_returned_on is None
        and member.disposition not in (Disposition.TRANSFERRED, Disposition.BACK_TO_NORMAL)
    )


def lapse_deadline(member: PocketMember) -> date | None:
    """Day six months without organisation life or without dues are complete,
    whichever comes first (党章第九条: "连续六个月不参加党的组织生活，或不交纳党费")."""
    known = [d for d in (member.last_attended, member.last_dues_paid) if d is not None]
    return add_months(min(known), TRACK_MONTHS) if known else None


def contact_deadline(member: PocketMember) -> date | None:
    """Day six months without contact are complete (失去联系满6个月)."""
    return None if member.last_contact is None else add_months(member.last_contact, TRACK_MONTHS)


def fitting_track(member: PocketMember, today: date) -> LegalTrack:
    """The track the dates call for on `today`: unreachable six months or more →
    停止党籍 (取消预备党员资格 for a 预备党员); reachable but six months without
    organisation life or dues → 自行脱党; otherwise none yet."""
    lost = contact_deadline(member)
    if lost is not None and today >= lost:
        return LegalTrack.SUSPENDED
    lapsed = lapse_deadline(member)
    if lapsed is not None and today >= lapsed:
        return LegalTrack.LAPSED
    return LegalTrack.NONE


def track_for(member: PocketMember, today: date) -> LegalTrack:
    """The track to follow: what the dates call for, else the one the branch recorded."""
    fits = fitting_track(member, today)
    return member.track if fits == LegalTrack.NONE else fits


def strike_off_due(member: PocketMember) -> date | None:
    """Day 停止党籍 has lasted two years: still unreachable → 除名."""
    if member.disposition != Disposition.SUSPENDED or member.disposition_on is None:
        return None
    return add_months(member.disposition_on, 12 * SUSPENSION_YEARS)


def _outcome(member: PocketMember, full_member: str) -> str:
    """What the branch meeting decides at the end of a track: a 预备党员 loses probation instead."""
    return "取消预备党员资格" if member.probationary else full_member


def decision_gap(member: PocketMember) -> str:
    """The next step of a decided disposition not yet on record ("" when complete)."""
    if member.disposition not in DECIDED:
        return ""
    what = labels.label(member.disposition)
    if member.disposition == Disposition.RESTORED and member.applied_on is None:
        return "恢复党籍须本人书面申请：请填写书面申请日期"
    if member.meeting_on is None:
        return f"{what}须经支部大会讨论决定：请填写支部大会日期"
    if member.approved_on is None:
        return f"{what}待党委审批：批准后填写党委批准日期"
    if member.filed_on is None:
        return f"{what}已经党委批准，报县委组织部备案"
    return ""


def _threshold(deadline: date, today: date, due: str, coming: str) -> DueNotice:
    left = (deadline - today).days
    if left <= 0:
        return DueNotice(DueLevel.DUE, f"{deadline.isoformat()}已满：{due}")
    level = DueLevel.SOON if left <= SOON_DAYS else DueLevel.OK
    return DueNotice(level, f"还有{left}天（{deadline.isoformat()}）：{coming}")


def _lapsed(member: PocketMember, today: date) -> DueNotice:
    deadline = lapse_deadline(member)
    if deadline is None:
        return DueNotice(DueLevel.MISSING, "请分别填写最后参加组织生活日期和最后交纳党费日期")
    return _threshold(
        deadline,
        today,
        "连续6个月未参加组织生活或未交纳党费，能联系上的，进行批评教育、限期改正；"
        f"无正当理由仍不改正的，按党章第九条提交支部大会讨论{_outcome(member, '除名')}，报上级党委批准",
        "连续6个月期满前，督促其参加组织生活、交纳党费",
    )


def _unreachable(member: PocketMember, today: date) -> DueNotice:
    deadline = contact_deadline(member)
    if deadline is None:
        return DueNotice(DueLevel.MISSING, "请填写最后一次联系上的日期")
    if member.probationary:
        due = "失去联系满6个月，经查找仍无法取得联系：预备党员不适用停止党籍，提交支部大会讨论取消预备党员资格"
    else:
        due = "失去联系满6个月，经查找仍无法取得联系的，支部大会讨论停止党籍，报党委批准、县委组织部备案"
    return _threshold(deadline, today, due, "失去联系满6个月前，继续查找本人")


def due_next(member: PocketMember, today: date) -> DueNotice:
    """Which track fits this member and what is due next, as one Chinese line."""
    gap = decision_gap(member)
    if gap:
        return DueNotice(DueLevel.DUE, gap)
    if member.disposition in _SETTLED:
        return DueNotice(DueLevel.SETTLED, f"已处置：{labels.label(member.disposition)}")
    if member.disposition == Disposition.SUSPENDED:
        end = strike_off_due(member)
        if end is None:
            return DueNotice(DueLevel.MISSING, "请填写停止党籍的决定日期，以计算两年期限")
        return _threshold(
            end,
            today,
            "停止党籍满两年仍无法取得联系，按自行脱党予以除名",
            "停止党籍满两年仍无法取得联系的予以除名；本人可书面申请恢复党籍",
        )
    if member.disposition == Disposition.CORRECT_WITHIN_TERM:
        return DueNotice(
            DueLevel.OK,
            f"限期改正中：到期无正当理由仍不改正的，按党章第九条提交支部大会讨论{_outcome(member, '除名')}",
        )
    if member.disposition == Disposition.PERSUADE_TO_LEAVE:
        return DueNotice(DueLevel.OK, "劝退中：劝而不退的，提交支部大会讨论除名")
    fits = fitting_track(member, today)
    if fits != LegalTrack.NONE and member.track not in (LegalTrack.NONE, fits):
        return DueNotice(DueLevel.DUE, f"按现有日期应适用{labels.label(fits)}，请核对适用程序")
    track = track_for(member, today)
    if track == LegalTrack.LAPSED:
        return _lapsed(member, today)
    if track == LegalTrack.SUSPENDED:
        return _unreachable(member, today)
    if is_pocket(member, today):
        expired = letter_expires(member)
        assert expired is not None
        prefix = "" if member.member_kind == MemberKind.POCKET else "应列为口袋党员："
        return DueNotice(
            DueLevel.DUE,
            f"{prefix}介绍信已于{expired.isoformat()}过期未报到，联系接收单位，督促本人报到",
        )
    coming = [d for d in (lapse_deadline(member), contact_deadline(member)) if d is not None]
    if coming:
        return _threshold(
            min(coming),
            today,
            "满6个月，确定按自行脱党或停止党籍程序处理",
            "督促参加组织生活、交纳党费，保持联系；满6个月的须确定处置程序",
        )
    expires = letter_expires(member)
    if expires is not None:
        if member.receipt_returned_on is not None:
            return DueNotice(DueLevel.OK, f"回执已于{member.receipt_returned_on.isoformat()}退回")
        return DueNotice(DueLevel.OK, f"介绍信有效至{expires.isoformat()}，督促按时报到")
    return DueNotice(DueLevel.MISSING, "请填写最后参加组织生活、交纳党费或联系日期，或介绍信开具日期")


def _steps_in_order(member: PocketMember) -> str:
    """Why the decision's dates are out of order ("" when they are fine):
    application, then branch meeting, then approval, then filing."""
    steps = [(f, getattr(member, f)) for f in ("applied_on", "meeting_on", "approved_on", "filed_on")]
    known = [(f, d) for f, d in steps if d is not None]
    for (first, a), (then, b) in zip(known, known[1:]):
        if b < a:
            return f"{DATE_LABELS[then]}不能早于{DATE_LABELS[first]}"
    if member.approved_on is not None and member.meeting_on is None:
        return "党委批准前须经支部大会讨论：请填写支部大会日期"
    return ""


def save_member(store: Store, member: PocketMember, today: date, *, base: PocketMember | None = None) -> PocketMember:
    """Save a record after checking it makes sense: no date lies in the
    future, 停止党籍 carries the date its two years run from and is never
    given to a 预备党员, 恢复党籍 follows 停止党籍 and a written application,
    and the decision's steps come in order."""
    for field, label in DATE_LABELS.items():
        day = getattr(member, field)
        if day is not None and day > today:
            raise StoreError(f"{label}不能晚于今天（{today.isoformat()}）")
    if member.disposition == Disposition.SUSPENDED:
        if member.probationary:
            raise StoreError("预备党员不适用停止党籍：应由支部大会讨论取消预备党员资格")
        if member.disposition_on is None:
            raise StoreError("停止党籍须填写决定日期")
    if member.disposition == Disposition.PROBATION_CANCELLED and not member.probationary:
        raise StoreError("取消预备党员资格只适用于预备党员")
    if member.disposition == Disposition.RESTORED:
        if base is None or base.disposition not in (Disposition.SUSPENDED, Disposition.RESTORED):
            raise StoreError("恢复党籍只适用于已停止党籍的党员")
        if member.applied_on is None:
            raise StoreError("恢复党籍须本人书面申请：请填写书面申请日期")
    problem = _steps_in_order(member)
    if problem:
        raise StoreError(problem)
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


def edited_member(original: PocketMember, *, name: str, letter_valid_days: str, **fields: Any) -> PocketMember:
    """The record as its form now says (the name, validity and every date of
    `DATE_LABELS` as typed, empty for none; the other `fields` already typed),
    or MemberInvalid with the first thing to put right.
    Whether the dates make sense on the day is checked by `save_member`."""
    name = name.strip()
    if not name:
        raise MemberInvalid("请填写姓名")
    days = parse_valid_days(letter_valid_days)
    typed = {f: _typed_date(fields.pop(f), label) for f, label in DATE_LABELS.items() if f in fields}
    data = original.model_dump()
    data.update(fields, name=name, letter_valid_days=days)
    data.update(typed)
    try:
        return PocketMember.model_validate(data)
    except ValidationError as exc:
        raise MemberInvalid(validation_message(exc)) from exc
