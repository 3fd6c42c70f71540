"""回头看 in the demo: some branches with open findings get one, walked and
finished or only scheduled, all through `inspector/followup.py` so the
ledger moves by the rules as it would in use."""

from __future__ import annotations

import random
from datetime import date, timedelta

from inspector import clock
from inspector import followup as fu
from inspector.models import FollowUpResult
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


def add(store: Store, seed: int, today: date, staff: list[str], counts: dict[str, int]) -> None:
    """Add the demo's 回头看 (after every branch is built), counted in `counts` by kind."""
    rng = random.Random(f"followup-{seed}")
    for branch in store.branches():
        source = fu.source_visit(store, branch.id)
        if source is None or not fu.open_targets(store, branch.id) or rng.random() >= SHARE:
            continue
        earliest = source.date + timedelta(days=30)
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
