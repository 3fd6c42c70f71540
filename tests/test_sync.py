"""Sync by bundle: round trips, idempotence, order independence, conflicts kept
and resolved, and (hypothesis) that merging never loses a field change."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sync_fixtures import bundle, change_ids, folder_state, new_store, records, seed

from inspector.cli import main
from inspector.models import AnswerValue, Branch, Finding, FindingStatus, PocketMember
from inspector.store import Store
from inspector.store.changes import get_path
from inspector.sync.merge import (
    AUTO_MERGE_INST,
    export_bundle,
    import_bundle,
    list_conflicts,
    load_peers,
    resolve_conflict,
)
from inspector.visit import answer


@pytest.fixture
def pair(tmp_path):
    """A server with one seeded branch, and a laptop that has imported it."""
    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, bundle(server, tmp_path, "first"))
    return server, laptop, ids


def _finding(store: Store, fid: str, bid: str) -> Finding:
    return store.get(Finding, fid, bid)


def _edit(store: Store, cls, rid: str, bid: str, **changes):
    record = store.get(cls, rid, bid)
    return store.save(record.model_copy(update=changes))


def test_first_import_adds_everything_with_history_and_template(pair, tmp_path):
    server, laptop, ids = pair
    assert records(laptop) == records(server)
    assert change_ids(laptop) == change_ids(server)
    visit = laptop.visit(ids["visit"])
    assert laptop.template_path(visit.template_id, visit.template_version, visit.template_hash).exists()
    assert [v.id for v in laptop.visit_index(ids["branch"])] == [ids["visit"]]


def test_round_trip_laptop_server_laptop(pair, tmp_path):
    server, laptop, ids = pair
    bid = ids["branch"]
    # On the laptop: the visit goes on, a finding is refined, a new one is found.
    visit = laptop.visit(ids["visit"])
    answer(laptop, visit, ids["item"], AnswerValue.PARTLY_MET, note="基本做到")
    _edit(laptop, Finding, ids["f1"], bid, measures="补齐会议记录，支委会专题研究")
    laptop.save(Finding(branch_id=bid, description="发展党员程序不规范", found_on=date(2026, 11, 20)))
    report = import_bundle(server, bundle(laptop, tmp_path, "to-server"))
    t = report.totals()
    assert (t["added"], t["updated"], t["conflicts"]) == (1, 2, 0)
    # On the server: staff move the finding on.
    _edit(server, Finding, ids["f1"], bid, status=FindingStatus.IN_PROGRESS, progress="已整改一半")
    report = import_bundle(laptop, bundle(server, tmp_path, "back"))
    assert report.totals()["updated"] == 1 and report.totals()["conflicts"] == 0
    assert records(laptop) == records(server)
    assert change_ids(laptop) == change_ids(server)
    f1 = _finding(laptop, ids["f1"], bid)
    assert (f1.status, f1.measures) == (FindingStatus.IN_PROGRESS, "补齐会议记录，支委会专题研究")
    assert laptop.visit(ids["visit"]).answers[ids["item"]].note == "基本做到"


def test_importing_the_same_bundle_twice_changes_nothing(pair, tmp_path):
    server, laptop, ids = pair
    _edit(server, Branch, ids["branch"], None, secretary="刘书记")
    path = bundle(server, tmp_path, "again")
    assert import_bundle(laptop, path).totals()["updated"] == 1
    before = folder_state(laptop.root)
    report = import_bundle(laptop, path)
    assert report.totals() == {"added": 0, "updated": 0, "unchanged": 5, "conflicts": 0}
    assert report.new_changes == 0
    assert folder_state(laptop.root) == before


def test_tombstones_travel(pair, tmp_path):
    server, laptop, ids = pair
    laptop.delete(laptop.get(PocketMember, ids["pocket"], ids["branch"]))
    import_bundle(server, bundle(laptop, tmp_path, "del"))
    assert server.pockets(ids["branch"]) == []
    assert records(server)[("pocket", ids["pocket"])]["deleted"] is True


def _conflicting(pair, tmp_path, server_value="整改中：已补两次记录", laptop_value="已全部补齐"):
    server, laptop, ids = pair
    _edit(server, Finding, ids["f1"], ids["branch"], progress=server_value)
    _edit(laptop, Finding, ids["f1"], ids["branch"], progress=laptop_value)
    return import_bundle(server, bundle(laptop, tmp_path, "conflict"))


def test_conflict_is_kept_not_overwritten(pair, tmp_path):
    server, laptop, ids = pair
    report = _conflicting(pair, tmp_path)
    assert report.totals()["conflicts"] == 1
    # The server's own value stays; both values are listed.
    assert _finding(server, ids["f1"], ids["branch"]).progress == "整改中：已补两次记录"
    [conflict] = list_conflicts(server)
    assert conflict.field == "progress" and conflict.record_id == ids["f1"]
    assert {s.value for s in conflict.sides} == {"整改中：已补两次记录", "已全部补齐"}
    assert {s.who for s in conflict.sides} == {"县委张", "王干事"}
    assert [s.local for s in conflict.sides].count(True) == 1
    assert conflict.label == "问题「三会一课记录不全」的整改进展"
    # It survives a new Store on the folder, and a second import.
    import_bundle(server, bundle(laptop, tmp_path, "conflict2"))
    assert [c.id for c in list_conflicts(Store(server.root, "县委李"))] == [conflict.id]


def test_conflict_resolved_by_staff_travels_back(pair, tmp_path):
    server, laptop, ids = pair
    _conflicting(pair, tmp_path)
    [conflict] = list_conflicts(server)
    theirs = next(s for s in conflict.sides if not s.local)
    resolve_conflict(server, conflict.id, theirs.change_id)
    assert list_conflicts(server) == []
    assert _finding(server, ids["f1"], ids["branch"]).progress == "已全部补齐"
    pick = server.history(_finding(server, ids["f1"], ids["branch"]))[-1]
    assert pick.who == "县委张" and set(pick.prev.split(",")) == {s.change_id for s in conflict.sides}
    # The laptop gets the pick without a conflict of its own, and edits on from it.
    report = import_bundle(laptop, bundle(server, tmp_path, "picked"))
    assert report.totals()["conflicts"] == 0 and list_conflicts(laptop) == []
    assert records(laptop) == records(server)
    _edit(laptop, Finding, ids["f1"], ids["branch"], progress="已验收")
    report = import_bundle(server, bundle(laptop, tmp_path, "after"))
    assert report.totals()["conflicts"] == 0
    assert _finding(server, ids["f1"], ids["branch"]).progress == "已验收"


def test_local_edit_during_conflict_replaces_the_shown_value(pair, tmp_path):
    server, laptop, ids = pair
    _conflicting(pair, tmp_path)
    _edit(server, Finding, ids["f1"], ids["branch"], progress="县委改写")
    [conflict] = list_conflicts(server)
    assert {s.value for s in conflict.sides} == {"县委改写", "已全部补齐"}


def test_same_value_on_both_sides_is_no_conflict(pair, tmp_path):
    server, laptop, ids = pair
    report = _conflicting(pair, tmp_path, server_value="一样", laptop_value="一样")
    assert report.totals()["conflicts"] == 0
    import_bundle(laptop, bundle(server, tmp_path, "same-back"))
    assert records(laptop) == records(server) and change_ids(laptop) == change_ids(server)
    merges = [c for c in server.history(_finding(server, ids["f1"], ids["branch"])) if c.inst == AUTO_MERGE_INST]
    assert len(merges) == 1
    # Editing on from the agreed value raises no conflict on the other side.
    _edit(laptop, Finding, ids["f1"], ids["branch"], progress="再推进")
    assert import_bundle(server, bundle(laptop, tmp_path, "on")).totals()["conflicts"] == 0
    assert _finding(server, ids["f1"], ids["branch"]).progress == "再推进"


def test_import_order_does_not_matter(tmp_path):
    origin = new_store(tmp_path, "origin", "县委张")
    ids = seed(origin)
    base = bundle(origin, tmp_path, "base")
    a, b, s1, s2 = (new_store(tmp_path, n, n) for n in ("a", "b", "s1", "s2"))
    for st_ in (a, b, s1, s2):
        import_bundle(st_, base)
    bid = ids["branch"]
    _edit(a, Finding, ids["f1"], bid, progress="甲的进展")
    _edit(b, Finding, ids["f1"], bid, progress="乙的进展")  # conflict
    _edit(a, Branch, bid, None, notes="甲备注")
    _edit(b, Finding, ids["f2"], bid, status=FindingStatus.CLOSED)
    b.delete(b.get(PocketMember, ids["pocket"], bid))
    a.save(Finding(branch_id=bid, description="甲新发现", found_on=date(2026, 11, 21)))
    pa, pb = bundle(a, tmp_path, "pa"), bundle(b, tmp_path, "pb")
    import_bundle(s1, pa)
    import_bundle(s1, pb)
    import_bundle(s2, pb)
    import_bundle(s2, pa)
    assert records(s1) == records(s2)
    assert change_ids(s1) == change_ids(s2)
    [conflict] = list_conflicts(s1)
    assert list_conflicts(s2) == [conflict] and conflict.current == "乙的进展"  # the newer side, on both


def test_since_exports_only_recent_and_relays_imports(pair, tmp_path):
    server, laptop, ids = pair
    second = server.save(Branch(name="青山社区党支部"))
    # Records unchanged since the cut-off stay home; the new branch travels.
    assert export_bundle(server, tmp_path / "none.zip", since="2999-01-01").branches == 0
    rep = export_bundle(server, tmp_path / "recent.zip", since=server.history(second)[0].at)
    assert (rep.branches, rep.records) == (1, 1)
    # A branch brought in by an import counts as changed since then (relaying),
    # even though its changes were made earlier elsewhere.
    third = new_store(tmp_path, "third", "赵")
    import_bundle(third, bundle(server, tmp_path, "all"))
    mark = load_peers(third)["received"][-1]["at"]
    assert export_bundle(third, tmp_path / "relay.zip", since=mark).branches == 2
    # "last": since the previous export of this installation.
    assert export_bundle(third, tmp_path / "relay2.zip", since="last").branches == 0
    _edit(third, Branch, second.id, None, notes="新备注")
    assert export_bundle(third, tmp_path / "relay3.zip", since="last").branches == 1


def test_export_by_branch_name(pair, tmp_path):
    server, _, ids = pair
    server.save(Branch(name="青山社区党支部"))
    rep = export_bundle(server, tmp_path / "one.zip", branches=["红星村党支部"])
    assert (rep.branches, rep.visits) == (1, 1)


def test_cli_export_import_json(pair, tmp_path, capsys):
    server, laptop, ids = pair
    _edit(server, Branch, ids["branch"], None, members=35)
    out = tmp_path / "cli.zip"
    assert main(["--data", str(server.root), "export", "-o", str(out)]) == 0
    assert "已导出 1 个党支部" in capsys.readouterr().out
    assert main(["--data", str(laptop.root), "import", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["updated"] == 1 and data["branches"][0]["name"] == "红星村党支部"
    assert main(["--data", str(laptop.root), "import", str(out)]) == 0
    assert "合计 1 个党支部：新增 0，更新 0，未变 5，冲突 0" in capsys.readouterr().out


def test_cli_lists_and_picks_conflicts(pair, tmp_path, capsys):
    server, laptop, ids = pair
    _conflicting(pair, tmp_path)
    capsys.readouterr()
    assert main(["--data", str(server.root), "conflicts"]) == 0
    text = capsys.readouterr().out
    assert "已全部补齐" in text and "整改中：已补两次记录" in text
    [conflict] = list_conflicts(server)
    number = 1 + [s.value for s in conflict.sides].index("已全部补齐")
    assert main(["--data", str(server.root), "conflicts", "--pick", conflict.id[:8], str(number)]) == 0
    assert _finding(Store(server.root), ids["f1"], ids["branch"]).progress == "已全部补齐"


# ------------------------------------------------------------ hypothesis
FIELDS = [
    ("finding", "f1", "progress"),
    ("finding", "f1", "goal"),
    ("finding", "f2", "progress"),
    ("branch", "branch", "notes"),
    ("pocket", "pocket", "notes"),
    ("finding", "f2", "deleted"),
    ("visit", "visit", "answers.item"),
]
KINDS = {"finding": Finding, "branch": Branch, "pocket": PocketMember}
VALUES = {
    "甲": AnswerValue.MET,
    "乙": AnswerValue.NOT_MET,
    "丙": AnswerValue.PARTLY_MET,
    "": AnswerValue.NOT_APPLICABLE,
}
edits = st.lists(st.tuples(st.sampled_from(range(len(FIELDS))), st.sampled_from(sorted(VALUES))), max_size=5)


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    """One seeded folder and its bundle, copied for every example (seeding is the slow part)."""
    root = tmp_path_factory.mktemp("origin")
    store = new_store(root, "data", "甲")
    ids = seed(store)
    return store.root, ids, bundle(store, root, "base")


def _apply(store: Store, ids: dict[str, str], n: int, value: str) -> tuple[tuple[str, str, str], object] | None:
    """Make one edit; (field key, new value) when it really changed something."""
    kind, key, path = FIELDS[n]
    rid = ids[key]
    if kind == "visit":
        path = f"answers.{ids['item']}"
        before = records(store)[(kind, rid)]["answers"].get(ids["item"])
        visit = answer(store, store.visit(rid), ids["item"], VALUES[value])
        after = visit.model_dump(mode="json")["answers"][ids["item"]]
        return ((kind, rid, path), after) if after != before else None
    new = (value == "甲") if path == "deleted" else value
    current = records(store)[(kind, rid)]
    if current[path] == new:
        return None
    store.save(KINDS[kind].model_validate({**current, path: new}))
    return (kind, rid, path), new


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(left=edits, right=edits)
def test_merging_never_loses_a_field_change(origin, left, right):
    source, ids, base = origin
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        shutil.copytree(source, tmp_path / "one")
        one = Store(tmp_path / "one", "甲")
        two = new_store(tmp_path, "two", "乙")
        import_bundle(two, base)
        finals: list[dict] = []  # per side: field -> last value it saved (fields it really changed)
        for store, script in ((one, left), (two, right)):
            final = {}
            for n, value in script:
                made = _apply(store, ids, n, value)
                if made is not None:
                    final[made[0]] = made[1]
            finals.append(final)
        made = change_ids(one) | change_ids(two)
        import_bundle(two, bundle(one, tmp_path, "l"))
        import_bundle(one, bundle(two, tmp_path, "r"))
        # Every change made on either side is now on both.
        assert made <= change_ids(one) == change_ids(two)
        found = {(c.kind, c.record_id, c.field): c for c in list_conflicts(one)}
        assert found.keys() == {(c.kind, c.record_id, c.field) for c in list_conflicts(two)}
        mine, theirs = records(one), records(two)
        a, b = finals
        clashing = {k for k in a.keys() & b.keys() if a[k] != b[k]}
        event(f"conflicting fields: {len(clashing)}")
        assert found.keys() == clashing
        for key in clashing:  # both values kept, each side shows its own until staff pick
            kind, rid, path = key
            assert sorted(map(str, (s.value for s in found[key].sides))) == sorted(map(str, (a[key], b[key])))
            assert (get_path(mine[(kind, rid)], path), get_path(theirs[(kind, rid)], path)) == (a[key], b[key])
        for key in (a.keys() | b.keys()) - clashing:  # the latest value wins on both sides
            kind, rid, path = key
            want = a[key] if key in a else b[key]
            assert get_path(mine[(kind, rid)], path) == want == get_path(theirs[(kind, rid)], path)
        # Staff pick on one side; after one more exchange both sides agree on everything.
        for conflict in found.values():
            resolve_conflict(one, conflict.id, conflict.sides[-1].change_id)
        import_bundle(two, bundle(one, tmp_path, "l2"))
        import_bundle(one, bundle(two, tmp_path, "r2"))
        assert list_conflicts(one) == list_conflicts(two) == []
        assert records(one) == records(two)


def test_committee_is_adopted_merged_or_kept(tmp_path):
    from inspector.models import Committee

    server = new_store(tmp_path, "server", "县委张")
    seed(server)
    server.save(Committee(name="中共白沙镇委员会"))
    laptop = new_store(tmp_path, "laptop", "王干事")
    report = import_bundle(laptop, bundle(server, tmp_path, "one"))
    assert report.committee == "added" and laptop.committee() == server.committee()
    # Both rename it differently: a conflict like any other, resolved the same way.
    server.save(server.committee().model_copy(update={"contact": "县委办 0731-1"}))
    laptop.save(laptop.committee().model_copy(update={"contact": "县委办 0731-2"}))
    assert import_bundle(server, bundle(laptop, tmp_path, "two")).committee == "conflicts"
    [conflict] = list_conflicts(server)
    assert (conflict.kind, conflict.field, conflict.label) == (
        "committee",
        "contact",
        "党委「中共白沙镇委员会」的联系方式",
    )
    resolve_conflict(server, conflict.id, next(s.change_id for s in conflict.sides if not s.local))
    assert server.committee().contact == "县委办 0731-2" and list_conflicts(server) == []
    # A folder that set up its own committee keeps it.
    other = new_store(tmp_path, "other", "李")
    mine = other.save(Committee(name="中共青山镇委员会"))
    assert import_bundle(other, bundle(server, tmp_path, "three")).committee == "kept"
    assert other.committee() == mine


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(left=edits, right=edits)
def test_import_order_never_matters(origin, left, right):
    """Two laptops edit at random; two servers import their bundles in opposite orders."""
    _, ids, base = origin
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        stores = {n: new_store(tmp_path, n, n) for n in ("a", "b", "s1", "s2")}
        for store in stores.values():
            import_bundle(store, base)
        for name, script in (("a", left), ("b", right)):
            for n, value in script:
                _apply(stores[name], ids, n, value)
        pa, pb = bundle(stores["a"], tmp_path, "pa"), bundle(stores["b"], tmp_path, "pb")
        for path in (pa, pb):
            import_bundle(stores["s1"], path)
        for path in (pb, pa):
            import_bundle(stores["s2"], path)
        s1, s2 = stores["s1"], stores["s2"]
        assert records(s1) == records(s2) and change_ids(s1) == change_ids(s2)
        assert list_conflicts(s1) == list_conflicts(s2)
