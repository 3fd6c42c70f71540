"""Roster CSV import: encodings as Excel/WPS save them, one error per bad row, nothing saved before confirming."""

from __future__ import annotations

import pytest

from inspector import labels
from inspector.branches import BranchInvalid, branch_from_fields, name_taken
from inspector.models import Branch, Sector
from inspector.roster import ADD, BATCH, MAX_ROWS, SAME, UPDATE, RosterFileError, import_roster, read_roster
from inspector.store import Store

ROSTER = (
    "支部名称,所属领域,支部书记,党员人数,有领导干部党员\r\n"
    "第一党支部,农村,王建国,23,否\r\n"
    ",社区,李四,5,否\r\n"
    "第二党支部,火星,赵六,7,否\r\n"
    "第三党支部,国企,孙七,十二,是\r\n"
    "第一党支部,农村,重复,3,否\r\n"
    "城关社区党支部,社区,周八,41,是\r\n"
)


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (ROSTER.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + ROSTER.encode("utf-8"), "UTF-8（带BOM）"),
        (ROSTER.encode("gbk"), "GBK"),
        (ROSTER.replace(",", "\t").encode("utf-16"), "UTF-16"),
    ],
)
def test_read_roster_in_each_encoding(encoded, label):
    preview = read_roster(encoded, [])
    assert preview.encoding == label
    assert [r.record.name for r in preview.rows] == ["第一党支部", "城关社区党支部"]
    assert preview.rows[1].record.sector == Sector.COMMUNITY and preview.rows[1].record.has_leading_cadres
    assert [str(e) for e in preview.errors] == [
        "第3行：支部名称不能为空",
        "第4行：所属领域「火星」无法识别，应为：" + "、".join(labels.labels(Sector)),
        "第5行：党员人数应为不小于 0 的整数（现为「十二」）",
        "第6行：支部名称「第一党支部」与第2行重复",
    ]


def test_nothing_saved_until_import(store):
    preview = read_roster(ROSTER.encode("gbk"), store.branches())
    assert store.branches() == []
    assert import_roster(store, preview).saved == 2
    assert sorted(b.name for b in store.branches()) == ["城关社区党支部", "第一党支部"]
    assert all(b.initials for b in store.branches())


def test_reimport_updates_existing_by_name(store):
    store.save(Branch(name="第一党支部", sector=Sector.RURAL, secretary="王建国", members=23))
    store.save(
        Branch(name="城关社区党支部", sector=Sector.COMMUNITY, secretary="旧书记", members=41, has_leading_cadres=True)
    )
    preview = read_roster(ROSTER.encode("utf-8"), store.branches())
    assert [r.action for r in preview.rows] == [SAME, UPDATE]
    import_roster(store, preview)
    assert {b.name: b.secretary for b in store.branches()} == {"第一党支部": "王建国", "城关社区党支部": "周八"}
    assert len(store.branches()) == 2
    assert preview.rows[0].action != ADD


def test_missing_name_column_is_refused():
    with pytest.raises(RosterFileError, match="支部名称"):
        read_roster("书记,人数\n张三,3\n".encode(), [])


def test_branch_form_messages():
    with pytest.raises(BranchInvalid) as info:
        branch_from_fields({"name": "  ", "members": "-3", "sector": "社区"})
    assert info.value.problems == {"members": "党员人数应为不小于 0 的整数（现为「-3」）", "name": "支部名称不能为空"}
    with pytest.raises(BranchInvalid) as info:
        branch_from_fields({"name": "  ", "members": "3"})
    assert info.value.problems == {"name": "支部名称不能为空"}
    b = branch_from_fields({"name": " 第一党支部 ", "members": "12人", "has_leading_cadres": "是"})
    assert (b.name, b.members, b.has_leading_cadres, b.sector) == ("第一党支部", 12, True, Sector.OTHER)
    assert name_taken("第一 党支部", [("x", "第一党支部")]) and not name_taken("第一党支部", [("x", "第一党支部")], "x")


def test_roster_import_overwrote_a_clerks_edit_made_after_the_preview(tmp_path):
    """Another clerk's changes between preview and confirm are kept; a field
    both changed is listed as a conflict and keeps the clerk's value."""
    mine, clerk = Store(tmp_path, "导入人"), Store(tmp_path, "办事员")
    first = mine.save(Branch(name="第一党支部", sector=Sector.RURAL, secretary="王建国", members=23, notes="旧备注"))
    mine.save(Branch(name="城关社区党支部", sector=Sector.COMMUNITY, secretary="旧书记", members=41))
    preview = read_roster(ROSTER.encode("utf-8"), mine.branches())
    stored = clerk.branch(first.id)
    clerk.save(stored.model_copy(update={"notes": "办事员的备注", "contact": "13900000000"}), base=stored)
    city = next(b for b in clerk.branches() if b.name == "城关社区党支部")
    clerk.save(city.model_copy(update={"secretary": "办事员改的书记"}), base=city)
    rows = [r for r in preview.rows if r.record.id == first.id]
    rows[0].record = rows[0].record.model_copy(update={"members": 30})  # the roster changes another field
    rows[0].action = UPDATE
    result = import_roster(mine, preview)
    after = {b.name: b for b in Store(tmp_path).branches()}
    assert after["第一党支部"].notes == "办事员的备注" and after["第一党支部"].contact == "13900000000"
    assert after["第一党支部"].members == 30
    assert after["城关社区党支部"].secretary == "办事员改的书记"  # not reverted to the roster's 周八
    assert result.saved == 1 and len(result.conflicts) == 1
    assert "城关社区党支部" in result.conflicts[0] and "支部书记" in result.conflicts[0]


def test_roster_cell_over_csv_limit_raised_csv_error():
    with pytest.raises(RosterFileError, match="2000"):
        read_roster(("支部名称,备注\n第一党支部," + "长" * 131_073 + "\n").encode(), [])


def test_roster_cell_over_2000_characters_is_a_row_error():
    preview = read_roster(("支部名称,备注\n第一党支部," + "长" * 2001 + "\n第二党支部,短\n").encode(), [])
    assert [str(e) for e in preview.errors] == ["第2行：备注超过 2000 字"]
    assert [r.record.name for r in preview.rows] == ["第二党支部"]


def test_roster_over_20000_rows_is_refused():
    body = "".join(f"第{n}党支部\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(RosterFileError, match="20000"):
        read_roster(("支部名称\n" + body).encode(), [])


def test_large_roster_import_commits_in_batches_with_progress(tmp_path):
    store = Store(tmp_path, "导入人")
    body = "".join(f"第{n}党支部\n" for n in range(BATCH * 2 + 7))
    seen = []
    result = import_roster(
        store, read_roster(("支部名称\n" + body).encode(), []), progress=lambda d, t: seen.append((d, t))
    )
    assert result.saved == BATCH * 2 + 7
    assert seen == [(BATCH, BATCH * 2 + 7), (BATCH * 2, BATCH * 2 + 7), (BATCH * 2 + 7, BATCH * 2 + 7)]
    assert len(Store(tmp_path).branches()) == BATCH * 2 + 7
