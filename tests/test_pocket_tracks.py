"""The two tracks for members out of reach, the deciders of each decision and
恢复党籍, over dated scenarios (inspector/pocket.py)."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.errors import StoreError
from inspector.models import Branch, Disposition, LegalTrack, PocketMember
from inspector.pocket import DueLevel, decision_gap, due_next, fitting_track, is_pocket, save_member

TODAY = date(2016, 11, 26)
RECENT = date(2016, 11, 1)
STALE = date(2016, 5, 1)  # more than six months before TODAY
DECIDED = {"meeting_on": date(2016, 6, 10), "approved_on": date(2016, 6, 20), "filed_on": date(2016, 6, 30)}


def member(**kw) -> PocketMember:
    return PocketMember(branch_id="b1", name="张三", **kw)


@pytest.fixture
def branch_store(store):
    store.save(Branch(id="b1", name="第一支部"))
    return store


SCENARIOS = [
    # (scenario, record, fitting track, level, words in the next step)
    (
        "attendance stale, dues current",
        member(last_attended=STALE, last_dues_paid=RECENT, last_contact=RECENT),
        LegalTrack.LAPSED,
        DueLevel.DUE,
        ("批评教育", "限期改正", "党章第九条", "除名"),
    ),
    (
        "dues stale only",
        member(last_attended=RECENT, last_dues_paid=STALE, last_contact=RECENT),
        LegalTrack.LAPSED,
        DueLevel.DUE,
        ("未交纳党费", "限期改正"),
    ),
    (
        "unreachable 7 months",
        member(last_attended=date(2016, 4, 20), last_dues_paid=date(2016, 4, 20), last_contact=date(2016, 4, 20)),
        LegalTrack.SUSPENDED,
        DueLevel.DUE,
        ("失去联系满6个月", "停止党籍", "县委组织部备案"),
    ),
    (
        "预备党员 unreachable",
        member(probationary=True, last_contact=date(2016, 4, 20)),
        LegalTrack.SUSPENDED,
        DueLevel.DUE,
        ("预备党员不适用停止党籍", "取消预备党员资格"),
    ),
    (
        "restored after 停止党籍",
        member(
            last_contact=date(2016, 10, 1),
            disposition=Disposition.RESTORED,
            disposition_on=date(2016, 10, 20),
            applied_on=date(2016, 10, 1),
            meeting_on=date(2016, 10, 10),
            approved_on=date(2016, 10, 20),
            filed_on=date(2016, 10, 25),
        ),
        LegalTrack.NONE,
        DueLevel.SETTLED,
        ("恢复党籍",),
    ),
    (
        "all current",
        member(last_attended=RECENT, last_dues_paid=RECENT, last_contact=RECENT),
        LegalTrack.NONE,
        DueLevel.OK,
        ("督促参加组织生活",),
    ),
]


@pytest.mark.parametrize(
    ("record", "track", "level", "words"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_two_tracks_over_dated_scenarios(record, track, level, words):
    assert fitting_track(record, TODAY) == track
    notice = due_next(record, TODAY)
    assert notice.level == level, notice.text
    for word in words:
        assert word in notice.text, (word, notice.text)


def test_zixing_tuodang_six_months_without_organisation_life_or_dues_either_one_starts_the_track():
    """党章第九条：连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作 — each alone counts."""
    assert fitting_track(member(last_attended=STALE), TODAY) == LegalTrack.LAPSED
    assert fitting_track(member(last_dues_paid=STALE), TODAY) == LegalTrack.LAPSED
    assert fitting_track(member(last_attended=RECENT, last_dues_paid=RECENT), TODAY) == LegalTrack.NONE


def test_zixing_tuodang_contact_is_not_a_condition():
    """第九条 names attendance, dues and assigned work, not contact: a member in touch
    who stopped attending is still on the 自行脱党 track."""
    reachable = member(last_attended=STALE, last_dues_paid=STALE, last_contact=RECENT)
    assert fitting_track(reachable, TODAY) == LegalTrack.LAPSED
    assert fitting_track(member(last_contact=RECENT), TODAY) == LegalTrack.NONE


def test_a_stored_track_that_the_dates_contradict_is_questioned():
    record = member(track=LegalTrack.LAPSED, last_contact=date(2016, 1, 1), last_attended=date(2016, 1, 1))
    notice = due_next(record, TODAY)
    assert notice.level == DueLevel.DUE and "请核对适用程序" in notice.text


def test_ting_zhi_dang_ji_is_never_given_to_a_probationary_member(branch_store):
    """预备党员 失去联系、经查找仍无法联系的，取消预备党员资格，不作停止党籍处理."""
    record = member(probationary=True, disposition=Disposition.SUSPENDED, disposition_on=date(2016, 11, 1))
    with pytest.raises(StoreError, match="预备党员不适用停止党籍"):
        save_member(branch_store, record, TODAY)
    cancelled = record.model_copy(update={"disposition": Disposition.PROBATION_CANCELLED})
    save_member(branch_store, cancelled, TODAY)
    with pytest.raises(StoreError, match="只适用于预备党员"):
        save_member(branch_store, member(disposition=Disposition.PROBATION_CANCELLED), TODAY)


@pytest.mark.parametrize("disposition", [Disposition.SUSPENDED, Disposition.STRUCK_OFF, Disposition.RESTORED])
def test_decision_by_the_branch_meeting_approved_by_the_committee_filed_with_the_county(disposition):
    """停止党籍、除名、恢复党籍：支部大会讨论决定，报党委批准，报县委组织部备案."""
    record = member(disposition=disposition, disposition_on=date(2016, 6, 20), applied_on=date(2016, 6, 1))
    assert "支部大会" in decision_gap(record)
    record = record.model_copy(update={"meeting_on": date(2016, 6, 10)})
    assert "党委审批" in decision_gap(record)
    record = record.model_copy(update={"approved_on": date(2016, 6, 20)})
    assert "县委组织部备案" in decision_gap(record)
    assert due_next(record, TODAY).level == DueLevel.DUE
    assert decision_gap(record.model_copy(update={"filed_on": date(2016, 6, 30)})) == ""


def test_decision_steps_must_come_in_order(branch_store):
    record = member(disposition=Disposition.STRUCK_OFF, meeting_on=date(2016, 6, 20), approved_on=date(2016, 6, 10))
    with pytest.raises(StoreError, match="党委批准日期不能早于支部大会日期"):
        save_member(branch_store, record, TODAY)
    with pytest.raises(StoreError, match="须经支部大会讨论"):
        save_member(branch_store, member(approved_on=date(2016, 6, 10)), TODAY)


def test_hui_fu_dang_ji_follows_suspension_and_a_written_application(branch_store):
    """符合条件的，可以按照规定程序恢复党籍：本人书面申请 → 支部大会 → 党委批准."""
    suspended = save_member(
        branch_store,
        member(disposition=Disposition.SUSPENDED, disposition_on=date(2016, 6, 20), **DECIDED),
        TODAY,
    )
    restored = suspended.model_copy(
        update={"disposition": Disposition.RESTORED, "applied_on": None, "meeting_on": None, "approved_on": None}
    )
    with pytest.raises(StoreError, match="书面申请"):
        save_member(branch_store, restored, TODAY, base=suspended)
    with pytest.raises(StoreError, match="只适用于已停止党籍"):
        save_member(branch_store, member(disposition=Disposition.RESTORED, applied_on=RECENT), TODAY)
    restored = restored.model_copy(
        update={"applied_on": date(2016, 11, 1), "meeting_on": date(2016, 11, 10), "filed_on": None}
    )
    saved = save_member(branch_store, restored, TODAY, base=suspended)
    assert "党委审批" in due_next(saved, TODAY).text


def test_a_returned_receipt_means_the_member_registered():
    """介绍信回执退回：本人已到接收单位报到，不再是口袋党员."""
    letter = member(letter_issued=date(2016, 6, 1), letter_valid_days=30)
    assert is_pocket(letter, TODAY)
    assert not is_pocket(letter.model_copy(update={"receipt_returned_on": date(2016, 6, 20)}), TODAY)
