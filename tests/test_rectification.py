"""Status rules of the rectification ledger: one step forward, checked closing, reopening with a reason."""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from ledger_data import add_branch, add_finding

from inspector import rectification as rx
from inspector.errors import EditConflict, UserError
from inspector.models import Finding, FindingStatus, Responsibility
from inspector.settings import Settings, load_settings, save_settings, update_settings
from inspector.store import Store

S = FindingStatus


@pytest.fixture
def branch(store):
    save_settings(store.root, Settings(staff=["赵组织委员", "钱宣传委员"]))
    return add_branch(store, "城关镇第一村党支部")


def test_forward_one_step_at_a_time(store, branch):
    f = add_finding(store, branch, "三会一课记录不全")
    f = rx.advance(store, f, S.IN_PROGRESS, progress="已补记 9 月支委会记录")
    assert f.status == S.IN_PROGRESS and f.progress == "已补记 9 月支委会记录"
    f = rx.advance(store, f, S.AWAITING_CHECK)
    f = rx.close(store, f, verifier="赵组织委员", on=date(2026, 11, 20), evidence="会议记录本复印件")
    on_disk = store.get(Finding, f.id, branch.id)
    assert on_disk.status == S.CLOSED
    assert (on_disk.verifier, on_disk.verified_on, on_disk.evidence) == (
        "赵组织委员",
        date(2026, 11, 20),
        "会议记录本复印件",
    )


@pytest.mark.parametrize(
    ("start", "to", "words"),
    [
        (S.NOT_STARTED, S.AWAITING_CHECK, "逐级推进"),
        (S.NOT_STARTED, S.CLOSED, "逐级推进"),
        (S.IN_PROGRESS, S.CLOSED, "逐级推进"),
        (S.IN_PROGRESS, S.NOT_STARTED, "不能退回"),
        (S.AWAITING_CHECK, S.NOT_STARTED, "只能重新打开为「整改中」"),
        (S.CLOSED, S.NOT_STARTED, "只能重新打开为「整改中」"),
        (S.CLOSED, S.AWAITING_CHECK, "只能重新打开为「整改中」"),
        (S.IN_PROGRESS, S.IN_PROGRESS, "已是「整改中」"),
    ],
)
def test_every_illegal_move_is_refused_in_chinese(store, branch, start, to, words):
    f = add_finding(store, branch, "党费收缴不及时", status=start)
    with pytest.raises(rx.RectificationError, match=words):
        rx.move(store, f, to, verifier="赵组织委员", on=date(2026, 11, 20), evidence="收据", reason="复查")
    assert store.get(Finding, f.id, branch.id).status == start
    assert to not in rx.allowed_moves(f.status)


def test_allowed_moves_match_the_rules(store, branch):
    got = {s: rx.allowed_moves(add_finding(store, branch, "问题", status=s).status) for s in S}
    assert got == {
        S.NOT_STARTED: [S.IN_PROGRESS],
        S.IN_PROGRESS: [S.AWAITING_CHECK],
        S.AWAITING_CHECK: [S.CLOSED, S.IN_PROGRESS],
        S.CLOSED: [S.IN_PROGRESS],
    }


def test_backwards_through_advance_is_a_reopening(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK)
    with pytest.raises(rx.RectificationError, match="须填写理由"):
        rx.advance(store, f, S.IN_PROGRESS)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"verifier": "张委员"}, "不能是具体责任人本人"),
        ({"verifier": " 张 委员 "}, "不能是具体责任人本人"),
        ({"verifier": ""}, "须填写验收人"),
        ({"on": date(2026, 11, 27)}, "不能晚于今天"),
        ({"on": date(2026, 8, 31)}, "不能早于发现日期"),
        ({"evidence": "  "}, "须注明佐证材料"),
    ],
)
def test_closing_checks(store, branch, kwargs, words):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK, found_on=date(2026, 9, 1))
    args = {"verifier": "赵组织委员", "on": date(2026, 11, 26), "evidence": "整改报告"} | kwargs
    with pytest.raises(rx.RectificationError, match=words):
        rx.close(store, f, **args)
    assert store.get(Finding, f.id, branch.id).status == S.AWAITING_CHECK


def test_closing_may_use_evidence_already_recorded(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK, evidence="照片 3 张")
    f = rx.close(store, f, verifier="赵组织委员", on=date(2026, 11, 26))
    assert f.status == S.CLOSED and f.evidence == "照片 3 张"


def test_reopen_needs_a_reason_and_keeps_it(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK)
    f = rx.close(store, f, verifier="赵组织委员", on=date(2026, 11, 20), evidence="报告")
    with pytest.raises(rx.RectificationError, match="须填写理由"):
        rx.reopen(store, f, "   ")
    f = rx.reopen(store, f, "回头看发现问题反弹")
    assert f.status == S.IN_PROGRESS and f.verifier == "" and f.verified_on is None
    assert [(r.who, r.reason) for r in f.reopenings] == [("测试员", "回头看发现问题反弹")]
    with pytest.raises(rx.RectificationError, match="无需重新打开"):
        rx.reopen(store, f, "再来一次")


def test_history_shows_who_when_old_new(store, branch, monkeypatch):
    f = add_finding(store, branch, "问题")
    f = rx.advance(store, f, S.IN_PROGRESS)
    other = Store(store.root, "钱干事")
    f = rx.advance(other, other.get(Finding, f.id, branch.id), S.AWAITING_CHECK)
    entries = rx.history(store, f)
    assert entries[0].field == "*" and entries[0].who == "测试员"
    moves = [(e.who, e.label, e.old, e.new) for e in entries if e.field == "status"]
    assert moves == [("测试员", "状态", "未启动", "整改中"), ("钱干事", "状态", "整改中", "待验收")]
    assert all(e.at.tzinfo is not None for e in entries)
    assert "钱干事　状态：整改中 → 待验收" in entries[-1].line()


def test_bulk_move_reports_each_finding(store, branch):
    a = add_finding(store, branch, "甲", status=S.AWAITING_CHECK, person="张委员")
    b = add_finding(store, branch, "乙", status=S.AWAITING_CHECK, person="赵组织委员")
    c = add_finding(store, branch, "丙", status=S.IN_PROGRESS)
    results = rx.bulk_move(store, [a, b, c], S.CLOSED, verifier="赵组织委员", on=date(2026, 11, 25), evidence="台账")
    assert [r.ok for r in results] == [True, False, False]
    assert "具体责任人" in results[1].message and "逐级推进" in results[2].message
    assert [store.get(Finding, x.id, branch.id).status for x in (a, b, c)] == [
        S.CLOSED,
        S.AWAITING_CHECK,
        S.IN_PROGRESS,
    ]


def test_stale_editor_gets_a_conflict_naming_the_field(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK)
    other = Store(store.root, "钱干事")
    rx.reopen(other, other.get(Finding, f.id, branch.id), "材料不全")
    with pytest.raises(EditConflict, match=r"钱干事.*状态：待验收 → 整改中"):
        rx.close(store, f, verifier="赵组织委员", on=date(2026, 11, 26), evidence="报告")
    assert store.get(Finding, f.id, branch.id).status == S.IN_PROGRESS


def _edit_in_other_process(root, user, finding_id, branch_id, go, done, out):
    store = Store(root, user)
    f = store.get(Finding, finding_id, branch_id)  # loaded before the other saves
    done.set()
    go.wait(10)
    try:
        rx.advance(store, f, FindingStatus.IN_PROGRESS, progress=f"{user}推进")
        out.put(("ok", ""))
    except EditConflict as exc:
        out.put(("conflict", str(exc)))


def _run_pair(store, first, second):
    """Both processes load their finding, then both save; returns their outcomes."""
    ctx = multiprocessing.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = []
    for user, f in (("甲干事", first), ("乙干事", second)):
        done = ctx.Event()
        p = ctx.Process(target=_edit_in_other_process, args=(str(store.root), user, f.id, f.branch_id, go, done, out))
        p.start()
        assert done.wait(30)
        procs.append(p)
    go.set()
    results = sorted(out.get(timeout=30) for _ in procs)
    for p in procs:
        p.join(10)
    return results


def test_two_processes_different_findings_both_saved(store, branch):
    a = add_finding(store, branch, "甲问题")
    b = add_finding(store, branch, "乙问题")
    assert _run_pair(store, a, b) == [("ok", ""), ("ok", "")]
    assert store.get(Finding, a.id, branch.id).status == S.IN_PROGRESS
    assert store.get(Finding, b.id, branch.id).status == S.IN_PROGRESS


def test_two_processes_same_finding_second_is_told(store, branch):
    f = add_finding(store, branch, "同一问题")
    (kind1, msg), second = _run_pair(store, f, f)
    assert kind1 == "conflict" and second == ("ok", "")
    assert "进展" in msg and "干事推进" in msg
    saved = store.get(Finding, f.id, branch.id)
    assert saved.status == S.IN_PROGRESS
    # exactly one of them wrote the progress: never a silent overwrite
    progress_changes = [c for c in store.history(saved) if c.field == "progress"]
    assert len(progress_changes) == 1 and saved.progress == progress_changes[0].new


def test_closing_through_move_needs_a_date(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK)
    with pytest.raises(rx.RectificationError, match="须填写验收日期"):
        rx.move(store, f, S.CLOSED, verifier="赵组织委员", evidence="报告")


def test_progress_notes_are_saved_but_not_on_closed_items(store, branch):
    f = add_finding(store, branch, "问题", status=S.IN_PROGRESS)
    f = rx.note_progress(store, f, progress=" 已召开支委会研究 ", evidence="会议纪要")
    assert (f.progress, f.evidence) == ("已召开支委会研究", "会议纪要")
    assert [e.label for e in rx.history(store, f)][-2:] == ["佐证材料", "进展"]
    f = rx.advance(store, f, S.AWAITING_CHECK)
    f = rx.close(store, f, verifier="赵组织委员", on=date(2026, 11, 26))
    with pytest.raises(rx.RectificationError, match="请先重新打开"):
        rx.note_progress(store, f, progress="补充")


def test_a_reopening_is_a_move_back_to_in_progress_from_awaiting_check_or_closed():
    reopenings = {(s, to) for s in S for to in S if rx.is_reopening(s, to)}
    assert reopenings == {(S.AWAITING_CHECK, S.IN_PROGRESS), (S.CLOSED, S.IN_PROGRESS)}
    assert not rx.is_reopening(S.NOT_STARTED, S.IN_PROGRESS)  # that one is a step forward


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("  ", "请填写整改时限"),
        ("2026-02-30", "日期无效"),
        ("2026-11-01", "整改时限不能早于发现日期（2026-11-02）"),
    ],
)
def test_a_typed_deadline_is_required_real_and_not_before_the_finding(text, words):
    with pytest.raises(UserError, match=words):
        rx.parse_deadline(text, date(2026, 11, 2))


def test_a_typed_deadline_on_or_after_the_finding_date_is_taken():
    assert rx.parse_deadline(" 2026-11-02 ", date(2026, 11, 2)) == date(2026, 11, 2)
    assert rx.parse_deadline("2026-12-31", date(2026, 11, 2)) == date(2026, 12, 31)


def test_the_model_and_the_form_refuse_an_early_deadline_with_the_same_words(store, branch):
    f = add_finding(store, branch, "三会一课记录不全")
    with pytest.raises(ValueError, match="整改时限不能早于发现日期") as model:
        Finding.model_validate({**f.model_dump(), "deadline": date(2000, 1, 1)})
    with pytest.raises(rx.RectificationError) as form:
        rx.edited_finding(f, description=f.description, deadline="2000-01-01")
    assert str(form.value) in str(model.value)


def test_an_edited_finding_needs_a_description_and_keeps_the_other_fields(store, branch):
    f = add_finding(store, branch, "三会一课记录不全")
    with pytest.raises(rx.RectificationError, match="请填写问题描述"):
        rx.edited_finding(f, description=" ", deadline="2026-12-31")
    edited = rx.edited_finding(f, description=" 党费收缴不及时 ", deadline="2026-12-31", goal="按月收缴")
    assert (edited.id, edited.description, edited.deadline, edited.goal) == (
        f.id,
        "党费收缴不及时",
        date(2026, 12, 31),
        "按月收缴",
    )
    with pytest.raises(rx.RectificationError, match="severity"):  # a field the model refuses
        rx.edited_finding(f, description="问题", deadline="2026-12-31", severity="很严重")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        (("  ", "2026-11-20", "会议记录"), "销号须填写验收人"),
        (("赵组织委员", "2026-11-31", "会议记录"), "日期无效"),
        (("赵组织委员", "2026-11-20", " "), "销号须注明佐证材料"),
    ],
)
def test_close_details_as_typed_need_a_verifier_a_real_date_and_evidence(typed, words):
    with pytest.raises(UserError, match=words):
        rx.close_details(*typed)


def test_close_details_are_what_close_takes(store, branch):
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK)
    details = rx.close_details(" 赵组织委员 ", "2026-11-20", " 会议记录 ")
    assert details == {"verifier": "赵组织委员", "on": date(2026, 11, 20), "evidence": "会议记录", "outside_reason": ""}
    with pytest.raises(rx.RectificationError, match="销号须填写验收人"):  # the same words as the form
        rx.close(store, f, verifier=" ", on=date(2026, 11, 20), evidence="会议记录")
    assert rx.close(store, f, **details).status == S.CLOSED


def test_xiaohao_verifier_is_neither_the_person_responsible_nor_the_leader_responsible(store, branch):
    """销号即验收：验收人不能是具体责任人，也不能是责任领导."""
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK, found_on=date(2026, 9, 1))
    f = f.model_copy(update={"responsible": Responsibility(leader="赵组织委员", person="张委员")})
    for who, words in (("赵组织委员", "不能是责任领导本人"), ("张委员", "不能是具体责任人本人")):
        with pytest.raises(rx.RectificationError, match=words):
            rx.close(store, f, verifier=who, on=date(2026, 11, 26), evidence="报告")


def test_xiaohao_verifier_comes_from_the_committee_staff_list_or_with_a_reason_kept(store, branch):
    """验收人从党委工作人员中选择；名单外人员验收的，须注明理由并留存."""
    f = add_finding(store, branch, "问题", status=S.AWAITING_CHECK, found_on=date(2026, 9, 1))
    with pytest.raises(rx.RectificationError, match="不在党委工作人员名单中"):
        rx.close(store, f, verifier="孙书记", on=date(2026, 11, 26), evidence="报告")
    closed = rx.close(
        store, f, verifier="孙书记", on=date(2026, 11, 26), evidence="报告", outside_reason="县委组织部派员验收"
    )
    assert store.get(Finding, f.id, branch.id).verifier_reason == "县委组织部派员验收"
    reopened = rx.reopen(store, closed, "复查")
    assert reopened.verifier_reason == ""
    staff_closed = rx.close(
        store,
        rx.advance(store, reopened, S.AWAITING_CHECK),
        verifier=" 钱 宣传委员",
        on=date(2026, 11, 26),
        evidence="报告",
        outside_reason="多余的理由",
    )
    assert staff_closed.verifier_reason == ""  # staff need no reason: none is kept


def test_the_staff_list_is_edited_under_the_lock_and_refuses_twins(store):
    added = update_settings(store.root, store.lock, lambda s: s.with_staff_added(" 李 干事 "))
    assert added.staff == ["李干事"] and load_settings(store.root).is_staff("李干事")
    with pytest.raises(UserError, match="已在工作人员名单中"):
        update_settings(store.root, store.lock, lambda s: s.with_staff_added("李干事"))
    removed = update_settings(store.root, store.lock, lambda s: s.with_staff_removed("李干事"))
    assert removed.staff == []
    with pytest.raises(UserError, match="名单中没有"):
        removed.with_staff_removed("李干事")


def test_settings_staff_command_adds_lists_and_removes(tmp_path, capsys):
    from inspector.cli import main

    data = str(tmp_path / "data")
    assert main(["--data", data, "settings", "staff", "add", "李干事"]) == 0
    assert main(["--data", data, "settings", "staff"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "李干事"
    assert main(["--data", data, "settings", "staff", "add", "李干事"]) == 1
    assert "已在工作人员名单中" in capsys.readouterr().err
    assert main(["--data", data, "settings", "staff", "remove", "李干事"]) == 0
    assert load_settings(tmp_path / "data").staff == []


def test_settings_are_written_by_the_store_under_the_folder_lock(tmp_path):
    from inspector.errors import StoreBusy
    from inspector.store.files import DataLock

    store = Store(tmp_path / "data", "测试员", lock_timeout=0.2)
    other = DataLock(store.root, timeout=0.2, user="另一位")
    with other(), pytest.raises(StoreBusy):  # someone else holds the folder: the change waits, then says who
        update_settings(store.root, store.lock, lambda s: s.with_staff_added("李干事"))
    assert load_settings(store.root).staff == []
    update_settings(store.root, store.lock, lambda s: s.with_staff_added("李干事"))
    assert load_settings(store.root).staff == ["李干事"]
