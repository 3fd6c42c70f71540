"""The 党员花名册: cells as forms, CSV and workbooks give them, 党费 by the 2008
rules, member rosters from .xlsx (fixtures built here with openpyxl), the
merge by name and joined date, bad workbooks refused whole, and the export."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from inspector.errors import RosterChoiceInvalid, StoreError
from inspector.members import (
    MemberInvalid,
    cell_date,
    dues_rate,
    dues_text,
    mark_out_of_reach,
    member_from_cells,
    monthly_dues,
    probation_ends,
    remove_member,
    removed_from_roster,
)
from inspector.models import Branch, Member, MemberCategory, MemberKind, MemberStatus, Sex
from inspector.roster import (
    ADD,
    MEMBER_HEADINGS,
    MEMBERS,
    NEW,
    SAME,
    UPDATE,
    RosterFileError,
    export_members,
    heading_key,
    import_roster,
    map_header,
    read_roster,
    resolve,
)

HEADER = ["姓名", "性别", "出生日期", "党员类别", "入党日期", "所在党小组", "工作单位及职务", "联系电话", "党费基数"]


def workbook(rows: list[list[object]], *, title: str | None = None, merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(f"A1:{chr(64 + len(rows[0]))}1")
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def branch(store):
    return store.save(Branch(name="城关社区党支部"))


def preview_of(store, data: bytes, **kw):
    return read_roster(data, store.branches(), members_of=store.members, **kw)


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(1998, 7, 1, 0, 0), date(1998, 7, 1)),
        (35977, date(1998, 7, 1)),  # an Excel serial
        ("35977", date(1998, 7, 1)),  # a serial saved into a CSV
        ("１９９８年７月１日", date(1998, 7, 1)),  # full-width digits
        ("1998.07", date(1998, 7, 1)),  # year and month only
        ("1998/7/1", date(1998, 7, 1)),
        (1998.07, date(1998, 7, 1)),  # 1998.07 typed into a spreadsheet becomes a number
        (1998.1, date(1998, 10, 1)),  # and 1998.10 becomes 1998.1
        ("", None),
        (None, None),
    ],
)
def test_cell_dates(cell, expected):
    assert cell_date(cell) == expected


def test_bad_cells_each_named():
    with pytest.raises(MemberInvalid) as exc:
        member_from_cells("b", {"name": "张三", "sex": "未知", "joined_on": "1998-13-40", "dues_base": "很多"})
    assert set(exc.value.problems) == {"sex", "joined_on", "dues_base"}
    assert "性别「未知」无法识别" in str(exc.value)


def test_probationary_with_a_full_date_is_refused():
    with pytest.raises(MemberInvalid, match="预备党员不应有转正日期"):
        member_from_cells(
            "b", {"name": "李四", "status": "预备党员", "joined_on": "2016-03-01", "full_on": "2016-06-01"}
        )


@pytest.mark.parametrize(
    ("category", "base", "rate", "amount"),
    [
        (MemberCategory.EMPLOYED, 3000, 0.5, 15.0),
        (MemberCategory.EMPLOYED, 3000.01, 1.0, 30.0),
        (MemberCategory.EMPLOYED, 5000, 1.0, 50.0),
        (MemberCategory.EMPLOYED, 8000, 1.5, 120.0),
        (MemberCategory.EMPLOYED, 12000, 2.0, 240.0),
        (MemberCategory.RETIRED, 5000, 0.5, 25.0),
        (MemberCategory.RETIRED, 6000, 1.0, 60.0),
        (MemberCategory.FARMER, None, None, 0.2),
        (MemberCategory.STUDENT, None, None, 0.2),
    ],
)
def test_dues_by_the_2008_rules(category, base, rate, amount):
    member = Member(branch_id="b", name="王五", category=category, dues_base=base)
    assert dues_rate(member) == rate
    assert monthly_dues(member) == pytest.approx(amount)


def test_agreed_dues_replace_the_derived_ones():
    member = Member(branch_id="b", name="王五", dues_base=8000, dues_override=100)
    assert monthly_dues(member) == 100 and dues_text(member) == "约定 100.00元"
    assert dues_text(Member(branch_id="b", name="赵六")) == "缺基数"


def test_probation_runs_a_year():
    member = Member(branch_id="b", name="新党员", status=MemberStatus.PROBATIONARY, joined_on=date(2016, 2, 29))
    assert probation_ends(member) == date(2017, 2, 28)


# ---------------------------------------------------------------- header mapping


@given(st.sampled_from(sorted({(f, h) for f, names in MEMBER_HEADINGS.items() for h in names})), st.data())
def test_every_heading_maps_whatever_its_spacing_and_width(pair, data):
    fld, heading = pair
    decorated = data.draw(st.sampled_from(["{}", " {} ", "{}*", "*{}", "{}\n", "{}（必填）", "{}:"])).format(heading)
    spaced = data.draw(st.sampled_from([decorated, " ".join(decorated)]))
    found = map_header(["序号", spaced], MEMBERS)
    wanted = next(f for f, names in MEMBER_HEADINGS.items() if heading_key(heading) in map(heading_key, names))
    assert found == {wanted: 1}
    assert fld in MEMBER_HEADINGS


@given(st.lists(st.text(min_size=0, max_size=6), max_size=8))
def test_unknown_headings_map_to_nothing_and_never_fail(header):
    found = map_header(header, MEMBERS)
    assert all(0 <= i < len(header) for i in found.values())
    assert all(heading_key(header[i]) for i in found.values())


def test_first_of_two_columns_for_a_field_wins():
    assert map_header(["手机", "联系电话", "姓名"], MEMBERS) == {"contact": 0, "name": 2}


# ---------------------------------------------------------------- workbooks


def test_member_workbook_with_a_title_row(store, branch):
    data = workbook(
        [
            HEADER,
            [
                "张　三",
                "男",
                datetime(1970, 5, 1),
                "正式党员",
                35977,
                "第一党小组",
                "街道办 主任",
                "１３９００００００００",
                8000,
            ],
            ["李四", "女", "1990.03", "预备", "2016年3月1日", "第二党小组", "社区 网格员", "13800000000", ""],
            [None, None, None, None, None, None, None, None, None],
        ],
        title="城关社区党支部党员花名册",
    )
    preview = preview_of(store, data, branch="城关社区党支部")
    assert preview.kind == MEMBERS and not preview.errors
    assert [r.line for r in preview.rows] == [3, 4]
    first, second = (r.record for r in preview.rows)
    assert isinstance(first, Member) and isinstance(second, Member)
    assert (first.name, first.sex, first.joined_on, first.contact) == (
        "张　三",
        Sex.MALE,
        date(1998, 7, 1),
        "13900000000",
    )
    assert second.status == MemberStatus.PROBATIONARY and second.birth_date == date(1990, 3, 1)
    assert store.members(branch.id) == []  # nothing saved before confirming
    assert import_roster(store, preview).saved == 2
    assert sorted(m.name for m in store.members(branch.id)) == ["张　三", "李四"]


def test_reimport_merges_by_name_and_joined_date(store, branch):
    store.save(Member(branch_id=branch.id, name="张三", joined_on=date(1998, 7, 1), contact="旧电话"))
    store.save(Member(branch_id=branch.id, name="王五", joined_on=date(2001, 7, 1)))
    store.save(Member(branch_id=branch.id, name="赵六"))  # joined date never recorded
    data = workbook(
        [
            ["所在党支部", "姓名", "入党日期", "联系电话"],
            ["城关社区党支部", "张三", "1998-07-01", "13900000000"],
            ["城关社区党支部", "王五", "2001-07-01", ""],  # a blank cell keeps what is on file
            ["城关社区党支部", "王五", "2010-07-01", ""],  # same name, other date: another person
            ["城关社区党支部", "赵六", "2005-07-01", ""],  # may be the one on file: asked
        ]
    )
    preview = preview_of(store, data)
    assert [(r.line, r.action) for r in preview.rows] == [(2, UPDATE), (3, SAME), (4, ADD)]
    assert [e.line for e in preview.ambiguous] == [5]
    assert "无法确定是否同一人" in str(preview.ambiguous[0])
    import_roster(store, preview)
    members = {(m.name, m.joined_on): m for m in store.members(branch.id)}
    assert members[("张三", date(1998, 7, 1))].contact == "13900000000"
    assert len(members) == 4 and ("赵六", None) in members


AMBIGUOUS = [["所在党支部", "姓名", "入党日期", "联系电话"], ["城关社区党支部", "赵六", "2005-07-01", "139"]]


@pytest.mark.parametrize(
    ("choice", "expected"), [("existing", {"赵六": date(2005, 7, 1)}), ("1", {"赵六": date(2005, 7, 1)})]
)
def test_an_ambiguous_row_said_to_be_the_member_on_file_updates_it(store, branch, choice, expected):
    old = store.save(Member(branch_id=branch.id, name="赵六", unit_post="村委会"))
    preview = preview_of(store, workbook(AMBIGUOUS))
    resolve(preview, 2, choice)
    assert not preview.ambiguous and [(r.line, r.action) for r in preview.rows] == [(2, UPDATE)]
    import_roster(store, preview)
    (member,) = store.members(branch.id)
    assert member.id == old.id and {member.name: member.joined_on} == expected
    assert (member.contact, member.unit_post) == ("139", "村委会")  # the row's cells over what is on file


def test_an_ambiguous_row_said_to_be_new_adds_a_member(store, branch):
    store.save(Member(branch_id=branch.id, name="赵六"))
    preview = preview_of(store, workbook(AMBIGUOUS))
    resolve(preview, 2, NEW)
    assert [(r.line, r.action) for r in preview.rows] == [(2, ADD)]
    import_roster(store, preview)
    assert sorted(str(m.joined_on) for m in store.members(branch.id)) == ["2005-07-01", "None"]


def test_unfitting_choices_are_refused_and_leave_the_row_unresolved(store, branch):
    store.save(Member(branch_id=branch.id, name="赵六"))
    store.save(Member(branch_id=branch.id, name="赵六", joined_on=date(2005, 7, 1)))
    preview = preview_of(store, workbook(AMBIGUOUS))
    assert len(preview.ambiguous[0].candidates) == 2
    for line, choice, message in [
        (3, NEW, "第3行不是待核对的行"),
        (2, "existing", "请选择 new（新党员）或 1–2"),
        (2, "3", "请选择 new（新党员）或 1–2"),
    ]:
        with pytest.raises(RosterChoiceInvalid, match=message):
            resolve(preview, line, choice)
    assert [a.line for a in preview.ambiguous] == [2] and not preview.rows
    import_roster(store, preview)
    assert len(store.members(branch.id)) == 2  # nothing written for an unresolved row


def test_one_member_on_file_takes_one_row(store, branch):
    store.save(Member(branch_id=branch.id, name="赵六"))
    data = workbook([*AMBIGUOUS, ["城关社区党支部", "赵六", "2010-07-01", ""]])
    preview = preview_of(store, data)
    resolve(preview, 2, "existing")
    with pytest.raises(RosterChoiceInvalid, match="已对应第2行"):
        resolve(preview, 3, "existing")


def test_cli_match_resolves_rows_and_leaves_the_rest(store, branch, tmp_path, capsys):
    from inspector.cli import main

    store.save(Member(branch_id=branch.id, name="赵六"))
    store.save(Member(branch_id=branch.id, name="钱七"))
    path = tmp_path / "r.xlsx"
    path.write_bytes(workbook([*AMBIGUOUS, ["城关社区党支部", "钱七", "2011-07-01", ""]]))
    data = ["--data", str(store.root)]
    assert main([*data, "roster", "import", str(path), "--match", "2=existing", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "待核对 1 行" in out and "1. 钱七，入党日期未填" in out
    names = {m.name: m.joined_on for m in store.members(branch.id)}
    assert names == {"赵六": date(2005, 7, 1), "钱七": None}
    assert main([*data, "roster", "import", str(path), "--match", "2", "--yes"]) == 1
    assert "--match 2：应写成" in capsys.readouterr().err


def test_duplicates_and_unknown_branches_are_row_errors(store, branch):
    data = workbook(
        [
            ["所在党支部", "姓名", "入党日期"],
            ["城关社区党支部", "张三", "1998-07-01"],
            ["城关社区党支部", "张三", "1998-07-01"],
            ["火星党支部", "李四", "1998-07-01"],
            ["", "王五", "1998-07-01"],
        ]
    )
    preview = preview_of(store, data)
    assert [str(e) for e in preview.errors] == [
        "第3行：「张三」（入党日期1998-07-01）与第2行重复",
        "第4行：所在党支部「火星党支部」不在支部名册中，请先添加该支部",
        "第5行：所在党支部为空",
    ]


@pytest.mark.parametrize(
    ("rows", "kw", "message"),
    [
        ([["姓名", "身份证号"], ["张三", "110101199003071234"]], {}, "身份证号码"),
        ([["姓名", "号码"], ["张三", "11010119900307123X"], ["李四", "110101199003071234"]], {}, "身份证号码"),
        ([["姓名", "入党日期"], ["张三", "1998-07-01"]], {}, "所在党支部"),
        ([["姓名"], ["张三"]], {"branch": "不存在的支部"}, "找不到党支部"),
        ([["序号", "电话"], ["1", "2"]], {}, "找不到表头"),
    ],
)
def test_files_refused_whole(store, branch, rows, kw, message):
    with pytest.raises(RosterFileError, match=message):
        preview_of(store, workbook(rows), **kw)


def test_merged_header_cells_are_refused(store, branch):
    data = workbook([["姓名", "入党日期", ""], ["张三", "1998-07-01", ""]], merge="B1:C1")
    with pytest.raises(RosterFileError, match=r"表头有合并单元格（B1:C1）"):
        preview_of(store, data, branch="城关社区党支部")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, r"旧版 Excel 文件（\.xls）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "设有打开密码"),
        (b"PK\x03\x04" + b"\0" * 100, "文件已损坏"),
    ],
)
def test_xls_protected_and_corrupt_workbooks(store, data, message):
    with pytest.raises(RosterFileError, match=message):
        preview_of(store, data)


def test_member_csv_reads_like_a_workbook(store, branch):
    csv = "所在党支部,姓名,性别,入党日期\n城关社区党支部,张三,男,1998.07\n".encode("gbk")
    preview = preview_of(store, csv)
    assert preview.kind == MEMBERS and preview.encoding == "GBK"
    assert preview.rows[0].record.joined_on == date(1998, 7, 1)  # type: ignore[attr-defined]


def test_export_reads_back_unchanged(store, branch, tmp_path):
    store.save(
        Member(
            branch_id=branch.id,
            name="张三",
            sex=Sex.MALE,
            joined_on=date(1998, 7, 1),
            category=MemberCategory.RETIRED,
            leading_cadre=True,
            dues_base=4000,
            last_attended=date(2016, 9, 30),
        )
    )
    out = tmp_path / "花名册.xlsx"
    assert export_members(store, [branch.id], out) == 1
    header = next(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("所在党支部", "姓名", "性别")
    preview = preview_of(store, out.read_bytes())
    assert [r.action for r in preview.rows] == [SAME]


# ---------------------------------------------------------------- out of reach


def test_mark_a_member_as_mobile_links_the_record(store, branch):
    member = store.save(
        Member(
            branch_id=branch.id,
            name="张三",
            status=MemberStatus.PROBATIONARY,
            joined_on=date(2016, 3, 1),
            last_attended=date(2016, 5, 1),
        )
    )
    record = mark_out_of_reach(store, member, MemberKind.MOBILE, date(2016, 11, 1))
    assert record.member_id == member.id and record.probationary and record.last_attended == date(2016, 5, 1)
    assert store.get(Member, member.id, branch.id).mobile
    with pytest.raises(StoreError, match="已登记"):
        mark_out_of_reach(store, store.get(Member, member.id, branch.id), MemberKind.POCKET, date(2016, 11, 1))


def test_demo_branches_have_their_rosters(store):
    from inspector.demo import generate

    generate(store, 3, seed=7, today=date(2016, 12, 31))
    for b in store.branches():
        members = store.members(b.id)
        assert len(members) == b.members
        assert all(m.joined_on and m.birth_date and m.joined_on < date(2016, 12, 31) for m in members)
        assert {m.status for m in members} <= set(MemberStatus)


@pytest.mark.parametrize(
    ("groups", "listed"),
    [
        (["第三党小组", "第一党小组", "第二党小组"], ["第一党小组", "第二党小组", "第三党小组"]),
        (["第十二党小组", "第十党小组", "第2党小组", ""], ["", "第2党小组", "第十党小组", "第十二党小组"]),
    ],
)
def test_roster_lists_party_groups_in_number_order(groups, listed):
    from inspector.members import roster_order

    found = sorted((Member(branch_id="b", name="某", party_group=g) for g in groups), key=roster_order)
    assert [m.party_group for m in found] == listed


def test_save_many_merges_like_save_and_returns_clashes_in_place(store, branch):
    from inspector.errors import EditConflict
    from inspector.store import Store

    on_file = store.save(Member(branch_id=branch.id, name="张三", contact="1"))
    other = Store(store.root, "另一位")
    other.save(on_file.model_copy(update={"contact": "2", "notes": "他人修改"}), base=on_file)
    pairs = [
        (on_file.model_copy(update={"contact": "3"}), on_file),  # both changed the phone: a clash
        (Member(branch_id=branch.id, name="李四"), None),
        (Member(branch_id=branch.id, name="王五"), None),
    ]
    clash, *added = store.save_many(pairs)
    assert isinstance(clash, EditConflict) and set(clash.theirs) == {"contact"}
    members = {m.name: m for m in store.members(branch.id)}
    assert members["张三"].contact == "2" and members["张三"].notes == "他人修改"
    assert {m.name for m in added} == {"李四", "王五"} <= set(members)
    assert len(store.history(members["李四"])) == 1  # created, with its history entry
    store.save(members["李四"].model_copy(update={"contact": "139"}), base=members["李四"])  # ids still unique
    assert len(store.members(branch.id)) == 3


def test_a_large_branch_is_saved_over_several_batches(store, branch, monkeypatch):
    import inspector.roster as roster

    monkeypatch.setattr(roster, "PER_SAVE", 4)
    monkeypatch.setattr(roster, "BATCH", 1)
    data = workbook([["姓名", "入党日期"], *([f"党员{n}", f"2000-01-{n + 1:02d}"] for n in range(10))])
    seen: list[tuple[int, int]] = []
    result = import_roster(
        store, preview_of(store, data, branch="城关社区党支部"), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(4, 10), (8, 10), (10, 10)] and result.batches == 3 and result.saved == 10
    assert len(store.members(branch.id)) == 10


def test_a_sync_conflict_names_a_member_field_as_the_roster_does():
    from inspector.sync.merge import Conflict

    def label(kind: str) -> str:
        return Conflict("c", "b", "支部", kind, "r", "张三", "category", "farmer", ()).label

    assert label("member") == "党员「张三」的人员类别"
    assert label("finding") == "问题「张三」的问题类别"


def test_removing_a_member_is_a_tombstone_and_keeps_the_linked_record(store, branch):
    member = store.save(Member(branch_id=branch.id, name="孙丽", last_attended=date(2015, 3, 1)))
    kept = mark_out_of_reach(store, member, MemberKind.POCKET, date(2016, 12, 1))
    assert remove_member(store, member) == kept
    assert store.members(branch.id) == []
    changes = store.raw_changes("member", member.id, branch.id)  # the tombstone travels in bundles
    assert any(c["field"] == "deleted" and c["new"] is True for c in changes)
    assert removed_from_roster(store.pockets(branch.id), store.members(branch.id)) == {kept.id}
