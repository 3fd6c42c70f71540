"""Members (党员花名册) travel in sync bundles like every branch record: added
with their history, edits merged per field, a concurrent edit of one field
kept as a conflict, and a delete as a tombstone."""

from __future__ import annotations

from datetime import date

import pytest
from sync_fixtures import bundle, new_store, seed

from inspector.members import mark_out_of_reach, remove_member
from inspector.models import Member, MemberKind, MemberStatus
from inspector.sync.merge import import_bundle, list_conflicts


@pytest.fixture
def pair(tmp_path):
    """A server whose branch has two members, and a laptop that has imported it."""
    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    for name, joined in (("张三", date(1998, 7, 1)), ("李四", date(2015, 7, 1))):
        member = server.save(Member(branch_id=ids["branch"], name=name, joined_on=joined, contact="旧电话"))
        ids[name] = member.id
    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, bundle(server, tmp_path, "first"))
    return server, laptop, ids


def _member(store, ids, name) -> Member:
    return store.get(Member, ids[name], ids["branch"])


def test_members_arrive_with_their_history(pair):
    server, laptop, ids = pair
    assert laptop.members(ids["branch"]) == server.members(ids["branch"])
    assert laptop.raw_changes("member", ids["张三"], ids["branch"]) == server.raw_changes(
        "member", ids["张三"], ids["branch"]
    )


def test_a_concurrent_edit_of_one_member_is_a_conflict_per_field(pair, tmp_path):
    server, laptop, ids = pair
    mine = _member(server, ids, "张三")
    server.save(mine.model_copy(update={"contact": "13900000001", "party_group": "第一党小组"}), base=mine)
    theirs = _member(laptop, ids, "张三")
    laptop.save(theirs.model_copy(update={"contact": "13900000002", "unit_post": "村委会主任"}), base=theirs)
    report = import_bundle(server, bundle(laptop, tmp_path, "edits"))
    assert report.totals()["conflicts"] == 1
    merged = _member(server, ids, "张三")
    # Fields changed on one side only are merged; the field changed on both keeps the local value.
    assert (merged.party_group, merged.unit_post, merged.contact) == ("第一党小组", "村委会主任", "13900000001")
    [conflict] = list_conflicts(server)
    assert (conflict.kind, conflict.record_id, conflict.field) == ("member", ids["张三"], "contact")
    assert conflict.label == "党员「张三」的联系电话"
    assert {(s.who, s.value) for s in conflict.sides} == {("县委张", "13900000001"), ("王干事", "13900000002")}
    assert _member(server, ids, "李四").contact == "旧电话"  # the other member untouched


def test_a_member_added_on_one_side_and_promoted_on_the_other_both_arrive(pair, tmp_path):
    server, laptop, ids = pair
    laptop.save(Member(branch_id=ids["branch"], name="王五", joined_on=date(2016, 7, 1)))
    old = _member(server, ids, "李四")
    server.save(old.model_copy(update={"status": MemberStatus.PROBATIONARY}), base=old)
    import_bundle(server, bundle(laptop, tmp_path, "to-server"))
    import_bundle(laptop, bundle(server, tmp_path, "to-laptop"))
    for store in (server, laptop):
        by_name = {m.name: m for m in store.members(ids["branch"])}
        assert sorted(by_name) == ["张三", "李四", "王五"]
        assert by_name["李四"].status == MemberStatus.PROBATIONARY
    assert list_conflicts(server) == list_conflicts(laptop) == []


def test_a_removed_member_travels_as_a_tombstone_and_the_linked_record_stays(pair, tmp_path):
    server, laptop, ids = pair
    member = _member(laptop, ids, "李四")
    linked = mark_out_of_reach(laptop, member, MemberKind.POCKET, date(2026, 11, 1))
    remove_member(laptop, member)
    import_bundle(server, bundle(laptop, tmp_path, "removed"))
    assert [m.name for m in server.members(ids["branch"])] == ["张三"]
    kept = [p for p in server.pockets(ids["branch"]) if p.member_id == ids["李四"]]
    assert [p.id for p in kept] == [linked.id]
