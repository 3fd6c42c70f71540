"""回头看: scheduling, results moving the ledger through the rectification and
weak/lax rules, finishing, and the short memo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from followup_fixtures import BRANCH_ID, CLOSED_ID, FINDINGS, RETURN_DAY, WEAKLAX_ID, seed

from inspector import followup as fu
from inspector.models import Finding, FindingStatus, FollowUpResult, Visit, WeakLaxDetermination, WeakLaxStatus

S = FindingStatus
R = FollowUpResult
NOT_STARTED, IN_PROGRESS, AWAITING = (fid for fid, _text, _status in FINDINGS)


@pytest.fixture
def visit(store):
    branch = seed(store.root)
    return fu.schedule(store, branch, on=RETURN_DAY, inspectors=["赵组织委员"])


def finding(store, fid: str) -> Finding:
    return store.get(Finding, fid, BRANCH_ID)


def key(fid: str) -> str:
    return fu.target_key(fu.FINDING, fid)


def test_walks_only_open_findings_and_the_open_rectification(store, visit):
    keys = [t.key for t in fu.targets(store, visit)]
    assert keys == [key(NOT_STARTED), key(IN_PROGRESS), key(AWAITING), fu.target_key(fu.WEAKLAX, WEAKLAX_ID)]
    assert key(CLOSED_ID) not in keys
    assert store.visit(visit.id, BRANCH_ID).visit_kind == "return"


def test_done_closes_the_finding_through_the_rules(store, visit):
    recorded = fu.record(store, visit, key(NOT_STARTED), R.DONE, "查阅第二季度党员大会记录，已补记")
    assert recorded.message == "已整改：已验收销号"
    f = finding(store, NOT_STARTED)
    assert (f.status, f.verifier, f.verified_on, f.evidence) == (
        S.CLOSED,
        "赵组织委员",
        RETURN_DAY,
        "查阅第二季度党员大会记录，已补记",
    )
    fields = {c.field for c in store.history(f)}
    assert {"status", "verifier", "progress"} <= fields  # each step saved by the rules, with history
    # The closed finding stays in this visit's walk with its result.
    assert key(NOT_STARTED) in {t.key for t in fu.targets(store, recorded.visit)}


def test_done_stops_at_awaiting_check_when_the_rules_refuse_closing(store):
    branch = seed(store.root)
    visit = fu.schedule(store, branch, on=RETURN_DAY, inspectors=["李委员"])  # the 具体责任人 himself
    recorded = fu.record(store, visit, key(IN_PROGRESS), R.DONE, "台账已按月登记")
    assert finding(store, IN_PROGRESS).status == S.AWAITING_CHECK
    assert "未能销号" in recorded.message and "具体责任人" in recorded.message
    assert recorded.visit.followups[key(IN_PROGRESS)].value == R.DONE  # the result is kept all the same


def test_partly_reopens_an_awaiting_finding_with_the_visit_as_reason(store, visit):
    recorded = fu.record(store, visit, key(AWAITING), R.PARTLY, "只谈了一半党员")
    f = finding(store, AWAITING)
    assert f.status == S.IN_PROGRESS
    assert f.reopenings[-1].reason.startswith("2026-11-20回头看：部分整改")
    assert recorded.message == "部分整改：已重新打开为「整改中」"


def test_partly_starts_and_not_done_keeps_a_finding_not_started(store, visit):
    fu.record(store, visit, key(NOT_STARTED), R.NOT_DONE, "未见任何记录")
    f = finding(store, NOT_STARTED)
    assert f.status == S.NOT_STARTED and "未整改" in f.progress
    visit = store.visit(visit.id, BRANCH_ID)
    fu.record(store, visit, key(NOT_STARTED), R.PARTLY, "补记了一次")
    assert finding(store, NOT_STARTED).status == S.IN_PROGRESS


def test_rectification_starts_through_the_weaklax_rules(store, visit):
    wl_key = fu.target_key(fu.WEAKLAX, WEAKLAX_ID)
    recorded = fu.record(store, visit, wl_key, R.PARTLY, "已召开两次支委会")
    assert store.get(WeakLaxDetermination, WEAKLAX_ID, BRANCH_ID).status == WeakLaxStatus.RECTIFYING
    assert recorded.message == "部分整改：已改为「整顿中」"


def test_refusals(store, visit):
    with pytest.raises(fu.FollowUpError, match="佐证"):
        fu.record(store, visit, key(NOT_STARTED), R.DONE, "  ")
    with pytest.raises(fu.FollowUpError, match="已安排"):
        fu.schedule(store, store.branch(BRANCH_ID), on=RETURN_DAY, inspectors=["钱宣传委员"])
    later = visit.model_copy(update={"date": date(2026, 12, 5)})
    with pytest.raises(fu.FollowUpError, match="到期后"):
        fu.record(store, later, key(NOT_STARTED), R.DONE, "已补记")


def test_nothing_open_needs_no_return_visit(store):
    branch = seed(store.root, weaklax=False)
    for fid, _text, _status in FINDINGS:
        store.delete(finding(store, fid))
    with pytest.raises(fu.FollowUpError, match="无需回头看"):
        fu.schedule(store, branch, on=RETURN_DAY, inspectors=["赵组织委员"])


def test_finish_needs_every_target_and_tallies(store, visit):
    with pytest.raises(fu.FollowUpError, match="还有4项未查看"):
        fu.finish(store, visit)
    results = [R.DONE, R.PARTLY, R.NOT_DONE, R.DONE]
    for target, result in zip(fu.targets(store, visit), results, strict=True):
        visit = fu.record(store, visit, target.key, result, "查阅资料").visit
    done = fu.finish(store, visit)
    assert done.status == "completed"
    assert fu.tally(store, done) == fu.Tally(done=2, partly=1, not_done=1, closed=1)


def walked(store, visit) -> Visit:
    for target, result in zip(fu.targets(store, visit), [R.DONE, R.NOT_DONE, R.DONE, R.DONE], strict=True):
        visit = fu.record(store, visit, target.key, result, "查阅了会议记录").visit
    return fu.finish(store, visit)


def test_memo_reports_what_is_left_and_is_recorded_as_a_draft(store, visit, tmp_path):
    from docx import Document

    from inspector.documents.followup_memo import write_followup_memo
    from inspector.documents.memo import memo_text

    visit = walked(store, visit)
    rec = write_followup_memo(store, visit, out_dir=tmp_path)
    text = memo_text(Document(rec.file))
    assert text[0].startswith("关于城关镇第二社区党支部")
    body = "\n".join(text)
    assert "本次回头看共查看未销号问题3个和软弱涣散党组织整顿事项" in body
    assert "1.党费收缴台账未按月登记（未整改）。查阅了会议记录。" in body
    assert "请于收到本意见后30日内" in body and "2026年11月26日" in body
    (kept,) = store.visit(visit.id, BRANCH_ID).memos
    assert kept.file == rec.file and kept.issued_on is None and not kept.number and kept.content_hash
    assert rec.file.endswith("回头看反馈意见-20261120-" + visit.id[:8] + "-草稿.docx")


def test_memo_is_issued_once_with_a_number_in_a_masthead(store, visit, tmp_path):
    from docx import Document

    from inspector.documents import memo
    from inspector.documents.followup_memo import issue_followup_memo, write_followup_memo

    visit = walked(store, visit)
    draft = write_followup_memo(store, visit, out_dir=tmp_path)
    rec = issue_followup_memo(store, store.visit(visit.id, BRANCH_ID), numbered=True, out_dir=tmp_path)
    assert rec.issued_on == date(2026, 11, 26) and rec.number == "组字〔2026〕1号"
    texts = [p.text for p in Document(rec.file).paragraphs]
    assert texts[3] == "组字〔2026〕1号" and texts[6].startswith("关于城关镇第二社区党支部")
    assert [m.file for m in store.visit(visit.id, BRANCH_ID).memos] == [draft.file, rec.file]
    issued = Path(rec.file).read_bytes()
    with pytest.raises(memo.MemoIssued):  # a draft never replaces the issued memo
        write_followup_memo(store, store.visit(visit.id, BRANCH_ID), out_dir=tmp_path)
    with pytest.raises(memo.StoreError, match="理由"):
        issue_followup_memo(store, store.visit(visit.id, BRANCH_ID), out_dir=tmp_path)
    assert Path(rec.file).read_bytes() == issued
    # The committee's numbers run on across both kinds of memo.
    assert memo.next_number(store, 2026, "组字〔{year}〕{n}号") == "组字〔2026〕2号"
    again = issue_followup_memo(store, store.visit(visit.id, BRANCH_ID), reason="补记佐证", out_dir=tmp_path)
    assert again.file != rec.file and again.reason == "补记佐证" and not again.number


def test_memo_needs_a_completed_return_visit(store, visit, tmp_path):
    from inspector.documents.followup_memo import write_followup_memo
    from inspector.errors import StoreError

    with pytest.raises(StoreError, match="尚未完成"):
        write_followup_memo(store, visit, out_dir=tmp_path)
    source = fu.source_visit(store, BRANCH_ID)
    assert source is not None
    with pytest.raises(StoreError, match="这不是回头看"):
        write_followup_memo(store, source, out_dir=tmp_path)
    assert not list(tmp_path.glob("*.docx"))


def test_a_guidance_visit_is_stored_as_before():
    visit = Visit(branch_id="b", date=RETURN_DAY, template_id="t", template_version="1", template_hash="h")
    assert "visit_kind" not in visit.model_dump() and "followups" not in visit.model_dump(mode="json")


def test_cli_issues_a_return_visits_memo(store, visit, tmp_path, capsys):
    from inspector.cli import main

    visit = walked(store, visit)
    args = ["--data", str(store.root), "memo", "issue", visit.id, "--number", "-o", str(tmp_path)]
    assert main(args) == 0
    assert "文号：组字〔2026〕1号" in capsys.readouterr().out
    (rec,) = store.visit(visit.id, BRANCH_ID).memos
    assert rec.number == "组字〔2026〕1号" and "回头看反馈意见" in rec.file and "印发1" in rec.file
