"""Deadlines of members out of management (inspector/pocket.py: 口袋党员 and the two tracks)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from inspector.errors import StoreError
from inspector.models import MAX_LETTER_DAYS, Branch, Disposition, LegalTrack, MemberKind, PocketMember
from inspector.pocket import (
    DueLevel,
    MemberInvalid,
    add_months,
    days_since,
    due_next,
    edited_member,
    is_pocket,
    lapse_deadline,
    letter_expires,
    parse_valid_days,
    save_member,
    strike_off_due,
)

TODAY = date(2026, 11, 26)


def member(**kw) -> PocketMember:
    return PocketMember(branch_id="b1", name="张三", **kw)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 26), 6) == date(2026, 11, 26)
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)


def test_days_since_letter_and_contact():
    m = member(letter_issued=date(2026, 9, 1), last_contact=date(2026, 11, 1))
    assert days_since(m.letter_issued, TODAY) == 86
    assert days_since(m.last_contact, TODAY) == 25
    assert days_since(None, TODAY) is None


def test_expired_letter_without_registration_is_a_pocket_member():
    m = member(member_kind=MemberKind.MOBILE, letter_issued=date(2026, 8, 1), letter_valid_days=90)
    assert letter_expires(m) == date(2026, 10, 30)
    assert is_pocket(m, TODAY)
    notice = due_next(m, TODAY)
    assert notice.level == DueLevel.DUE
    assert "应列为口袋党员" in notice.text and "2026-10-30" in notice.text
    registered = m.model_copy(update={"disposition": Disposition.TRANSFERRED})
    assert not is_pocket(registered, TODAY)


def test_letter_still_valid_is_not_due():
    m = member(letter_issued=date(2026, 11, 1), letter_valid_days=90)
    notice = due_next(m, TODAY)
    assert notice.level == DueLevel.OK and "2027-01-30" in notice.text


DECIDED = {"meeting_on": date(2024, 11, 20), "approved_on": date(2024, 11, 26), "filed_on": date(2024, 11, 30)}


def test_track1_lapsed_six_months_in_a_row_goes_to_branch_meeting():
    m = member(track=LegalTrack.LAPSED, last_attended=date(2026, 5, 26), last_dues_paid=date(2026, 10, 1))
    assert lapse_deadline(m) == TODAY
    notice = due_next(m, TODAY)
    assert notice.level == DueLevel.DUE
    assert "限期改正" in notice.text and "支部大会讨论除名" in notice.text


def test_track1_coming_up_within_thirty_days():
    m = member(track=LegalTrack.LAPSED, last_attended=date(2026, 9, 1), last_dues_paid=date(2026, 6, 10))
    notice = due_next(m, TODAY)
    assert notice.level == DueLevel.SOON
    assert notice.text.startswith("还有14天（2026-12-10）")


def test_track2_lost_contact_six_months_leads_to_suspension():
    m = member(track=LegalTrack.SUSPENDED, last_contact=date(2026, 3, 1))
    notice = due_next(m, TODAY)
    assert notice.level == DueLevel.DUE and "停止党籍" in notice.text


def test_track2_suspended_two_years_then_struck_off():
    m = member(
        track=LegalTrack.SUSPENDED,
        last_contact=date(2024, 1, 1),
        disposition=Disposition.SUSPENDED,
        disposition_on=date(2024, 11, 26),
        **DECIDED,
    )
    assert strike_off_due(m) == TODAY
    assert due_next(m, TODAY).level == DueLevel.DUE
    assert "除名" in due_next(m, TODAY).text
    earlier = m.model_copy(update={"disposition_on": date(2025, 6, 1)})
    notice = due_next(earlier, TODAY)
    assert notice.level == DueLevel.OK and "恢复党籍" in notice.text


def test_missing_dates_are_asked_for():
    assert due_next(member(), TODAY).level == DueLevel.MISSING
    assert due_next(member(track=LegalTrack.LAPSED), TODAY).level == DueLevel.MISSING
    suspended = member(disposition=Disposition.SUSPENDED, **DECIDED)
    assert "决定日期" in due_next(suspended, TODAY).text


def test_a_release_record_with_one_date_asks_for_attendance_and_dues_apart():
    """A record of the first release kept one date; on the 自行脱党 track it reads as
    contact only, and the two dates 党章第九条 counts are asked for."""
    old = PocketMember.model_validate(
        {"id": "p1", "branch_id": "b1", "name": "张三", "track": "lapsed", "last_contact": "2026-11-01"}
    )
    assert (old.last_attended, old.last_dues_paid, old.last_contact) == (None, None, date(2026, 11, 1))
    notice = due_next(old, TODAY)
    assert notice.level == DueLevel.MISSING and "最后参加组织生活日期和最后交纳党费日期" in notice.text


def test_unreachable_six_months_without_a_track_calls_for_suspension():
    notice = due_next(member(last_contact=date(2026, 1, 5)), TODAY)
    assert notice.level == DueLevel.DUE and "停止党籍" in notice.text


def test_settled_cases_have_nothing_due():
    for d in (Disposition.BACK_TO_NORMAL, Disposition.TRANSFERRED):
        assert due_next(member(disposition=d, last_contact=date(2020, 1, 1)), TODAY).level == DueLevel.SETTLED
    struck = member(disposition=Disposition.STRUCK_OFF, last_contact=date(2020, 1, 1), **DECIDED)
    assert due_next(struck, TODAY).level == DueLevel.SETTLED


def test_save_member_refuses_future_dates_and_missing_decision_date(store):
    store.save(Branch(id="b1", name="第一支部"))
    with pytest.raises(StoreError, match="不能晚于今天"):
        save_member(store, member(last_contact=date(2026, 12, 1)), TODAY)
    with pytest.raises(StoreError, match="决定日期"):
        save_member(store, member(disposition=Disposition.SUSPENDED), TODAY)
    saved = save_member(store, member(last_contact=date(2026, 6, 1)), TODAY)
    assert store.pockets("b1")[0].id == saved.id


def form(original: PocketMember | None = None, **typed: str) -> PocketMember:
    """`edited_member` with every text field as an empty form would give it."""
    texts = {"name": "张三", "letter_valid_days": "", "letter_issued": "", "last_contact": "", "disposition_on": ""}
    return edited_member(original or member(), **(texts | typed))


@pytest.mark.parametrize("text", ["0", "3651", "-5", "九十", "1.5"])
def test_validity_outside_what_a_record_may_hold_is_refused(text):
    with pytest.raises(MemberInvalid, match="有效期应为 1–3650 之间的天数"):
        parse_valid_days(text)


def test_validity_bounds_are_the_models():
    assert (parse_valid_days(""), parse_valid_days(" 1 "), parse_valid_days("3650")) == (None, 1, 3650)
    assert member(letter_valid_days=parse_valid_days(str(MAX_LETTER_DAYS))).letter_valid_days == MAX_LETTER_DAYS
    with pytest.raises(ValidationError):
        member(letter_valid_days=MAX_LETTER_DAYS + 1)


def test_an_edited_member_is_typed_from_the_form():
    m = form(name=" 李四 ", letter_valid_days="90", letter_issued="2026-08-01", receiving_org="县委组织部")
    assert (m.name, m.letter_valid_days, m.letter_issued, m.last_contact, m.receiving_org) == (
        "李四",
        90,
        date(2026, 8, 1),
        None,
        "县委组织部",
    )


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ({"name": "  "}, "请填写姓名"),
        ({"letter_valid_days": "0"}, "有效期应为"),
        ({"last_contact": "2026-02-30"}, "最后联系日期：日期无效"),
        ({"disposition_on": "昨天"}, "处置日期：日期无效"),
        ({"name": "张" * 101}, "name"),  # the model's own limit
    ],
)
def test_an_edited_member_names_the_first_thing_to_put_right(typed, words):
    with pytest.raises(MemberInvalid, match=words):
        form(**typed)
