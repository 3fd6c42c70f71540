"""回头看 and 整改报告 in the demo, all through the domain's rules as in use.

Some branches with open findings get a 回头看, walked and finished or only
scheduled (`inspector/followup.py`, which moves the ledger). A few memos are
issued (their Word files go to `<data>/memos`), and most of those branches
report back, some late, with the report as a file (`inspector/reportback.py`).
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from inspector import clock
from inspector import followup as fu
from inspector import reportback as rp
from inspector.models import FollowUpResult, VisitStatus
from inspector.settings import load_settings
from inspector.store import Store

#: Share of branches with something open that get a 回头看.
SHARE = 0.3
#: Of those, the share still only scheduled (not walked yet).
SCHEDULED = 0.4
_EVIDENCE = {
    FollowUpResult.DONE: [
        "查阅整改台账和会议记录，已整改到位",
        "听取支部书记汇报并查看佐证材料，已完成",
        "现场查看，制度已上墙并执行",
    ],
    FollowUpResult.PARTLY: ["已制定措施，但只落实了一部分", "记录已补记，但仍不规范", "部分党员已完成，仍有少数未落实"],
    FollowUpResult.NOT_DONE: ["未见整改记录", "支部书记称工作忙尚未开展", "整改措施未落实"],
}
_RESULTS = [FollowUpResult.DONE, FollowUpResult.PARTLY, FollowUpResult.NOT_DONE]


#: Memos issued in the demo, whatever its size: each is a Word file to render.
ISSUED_MEMOS = 8
_REPORT_TEXT = (
    "关于{branch}整改落实情况的报告\n\n党委：\n"
    "收到《反馈意见》后，我支部召开支委会逐条研究，制定整改方案，明确责任人和完成时限。"
    "截至目前，反馈的问题已整改{done}项，其余正在推进。\n\n{branch}\n{day}\n"
)


def add(store: Store, seed: int, today: date, staff: list[str], counts: dict[str, int]) -> int:
    """Add the demo's 整改报告 and 回头看 (after every branch is built); the 回头看 are counted in `counts`
    (the demo's visit counts) as scheduled or done. Returns how many findings are overdue on `today`
    afterwards: a 回头看 closes some."""
    rng = random.Random(f"followup-{seed}")
    # Every visit so far is a 现场指导: the index gives each branch's latest completed one unread.
    sources = {bid: last for bid in store.branch_ids() if (last := _last_completed(store, bid)) is not None}
    _reports(store, rng, today, staff, sources)
    for branch in store.branches():
        source = sources.get(branch.id)
        if source is None or not fu.open_targets(store, branch.id) or rng.random() >= SHARE:
            continue
        earliest = source[0] + timedelta(days=30)
        if earliest > today:
            continue
        scheduled = rng.random() < SCHEDULED
        if scheduled:
            on = today - timedelta(days=rng.randint(0, 10))
        else:
            on = earliest + timedelta(days=rng.randint(0, (today - earliest).days))
        scheduled = scheduled or on > clock.today()  # results can only be recorded once the day has come
        with store.transaction():  # one commit per branch: the demo stays quick
            visit = fu.schedule(store, branch, on=on, inspectors=rng.sample(staff, 2))
            if not scheduled:
                for target in fu.targets(store, visit):
                    result = rng.choices(_RESULTS, [6, 3, 1])[0]
                    visit = fu.record(store, visit, target.key, result, rng.choice(_EVIDENCE[result])).visit
                fu.finish(store, visit)
        kind = "return_scheduled" if scheduled else "return_done"
        counts[kind] = counts.get(kind, 0) + 1
    return sum(1 for f in store.open_findings() if f.overdue_days(today) > 0)


def _last_completed(store: Store, bid: str) -> tuple[date, str] | None:
    done = [e for e in store.visit_index(bid) if not e.deleted and e.status == VisitStatus.COMPLETED]
    return max(((e.date, e.id) for e in done), default=None)


def _reports(
    store: Store,
    rng: random.Random,
    today: date,
    staff: list[str],
    sources: dict[str, tuple[date, str]],
) -> None:
    """Issue a few memos 5 days after their visit; two in three branches report back, some after the due date."""
    from inspector.documents.memo import issue_memo
    from inspector.store.files import ensure_dir

    settings = load_settings(store.root)
    done = sorted((bid, vid) for bid, (day, vid) in sources.items() if day + timedelta(days=45) <= today)
    folder = store.root / "memos"
    ensure_dir(folder)
    with tempfile.TemporaryDirectory() as tmp:
        for bid, vid in rng.sample(done, min(ISSUED_MEMOS, len(done))):
            visit = store.visit(vid, bid)
            issued_on = visit.date + timedelta(days=5)
            issue_memo(store, visit, out_dir=folder, today=issued_on)  # no 文号: numbering reads every visit
            if rng.random() >= 2 / 3:
                continue
            visit = store.visit(visit.id, visit.branch_id)
            due = rp.report_due(visit, settings)
            assert due is not None  # just issued
            received = min(today, due + timedelta(days=rng.randint(-20, 10)))
            name = store.branch(visit.branch_id).name
            path = Path(tmp) / f"{name}整改落实情况报告.txt"
            text = _REPORT_TEXT.format(branch=name, done=rng.randint(2, 6), day=received.isoformat())
            path.write_text(text, encoding="utf-8")
            rp.record_report(
                store,
                visit,
                received_on=received,
                file=path,
                reviewer=rng.choice(staff),
                conclusion=rng.choice(["整改基本到位", "整改到位，材料齐全", "部分问题整改不到位，需补充佐证"]),
            )
