"""指导员 and 包联领导: assigned from the staff list through the settings, imported from
a table all or nothing, and used to filter listings."""

from __future__ import annotations

import pytest

from inspector import assignments as asg
from inspector.cli import main
from inspector.models import AssignmentRole, Branch, Sector
from inspector.settings import Settings, load_settings, save_settings

STAFF = ["赵组织委员", "钱宣传委员", "孙副书记"]


@pytest.fixture
def branches(store):
    save_settings(store.root, Settings(staff=STAFF))
    return [
        store.save(Branch(name=name, sector=Sector.RURAL, secretary="王书记", members=12))
        for name in ("红星村党支部", "东风社区党支部", "城关中学党支部")
    ]


def test_assign_and_unassign_through_the_settings(store, branches):
    red, east, _ = branches
    asg.assign(store, red.id, "赵组织委员")
    asg.assign(store, red.id, "孙副书记", AssignmentRole.LEADER)
    asg.assign(store, east.id, "赵 组织委员")  # as typed with an IME: the same person
    settings = load_settings(store.root)
    assert asg.branch_ids_of(settings, "赵组织委员") == {red.id, east.id}
    assert asg.people_line(settings, red.id) == "指导员：赵组织委员　包联领导：孙副书记"
    asg.assign(store, red.id, "赵组织委员")  # twice: kept once
    assert len(load_settings(store.root).assignments) == 3
    asg.unassign(store, red.id, "赵组织委员")
    assert asg.branch_ids_of(load_settings(store.root), "赵组织委员") == {east.id}
    with pytest.raises(asg.AssignmentError, match="没有被指派"):
        asg.unassign(store, red.id, "赵组织委员")


def test_only_staff_may_be_assigned(store, branches):
    with pytest.raises(asg.AssignmentError, match="不在党委工作人员名单中"):
        asg.assign(store, branches[0].id, "路人甲")
    assert load_settings(store.root).assignments == []


def _xlsx(path, rows):
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl reads .xlsx tables")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_table_with_a_bad_row_writes_nothing(store, branches, tmp_path):
    path = _xlsx(
        tmp_path / "指派.xlsx",
        [
            ["序号", "支部名称", "党建指导员", "包联领导"],
            [1, "红星村党支部", "赵组织委员、钱宣传委员", "孙副书记"],
            [2, "无此党支部", "赵组织委员", None],
            [3, "东风社区党支部", "路人甲", None],
        ],
    )
    planned = asg.import_table(store, path)
    assert planned.errors == [
        "第3行：找不到党支部「无此党支部」",
        "第4行：路人甲不在党委工作人员名单中，请先用 inspector settings staff add 路人甲 加入",
    ]
    assert load_settings(store.root).assignments == []


def test_a_good_table_assigns_every_row(store, branches, tmp_path):
    path = tmp_path / "指派.csv"
    path.write_bytes(
        "党支部,指导员,包联领导\n红星村党支部,赵组织委员 钱宣传委员,孙副书记\n\n城关中学党支部,钱宣传委员,\n".encode(
            "gbk"
        )
    )
    assert asg.import_table(store, path, dry_run=True).errors == []
    assert load_settings(store.root).assignments == []  # a dry run writes nothing
    asg.import_table(store, path)
    settings = load_settings(store.root)
    assert asg.branch_ids_of(settings, "钱宣传委员") == {branches[0].id, branches[2].id}
    assert asg.branch_ids_of(settings, "孙副书记") == {branches[0].id}


@pytest.mark.parametrize(
    ("name", "payload", "words"),
    [
        ("旧表.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("坏表.xlsx", b"not a zip", "文件损坏或设有密码"),
        ("表.txt", b"", "只能导入"),
    ],
)
def test_files_that_cannot_be_read_are_one_line(store, branches, tmp_path, name, payload, words):
    pytest.importorskip("openpyxl", reason="openpyxl reads .xlsx tables")
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(asg.AssignmentError, match=words):
        asg.import_table(store, path)


def test_cli_assigns_and_filters_the_ledger_and_reports(store, branches, tmp_path, capsys):
    data = ["--data", str(store.root)]
    assert main([*data, "settings", "assign", "红星村党支部", "赵组织委员"]) == 0
    assert "指导员：赵组织委员" in capsys.readouterr().out
    assert main([*data, "settings", "assignments", "--person", "赵组织委员"]) == 0
    assert capsys.readouterr().out.strip() == "红星村党支部　指导员：赵组织委员"
    assert main([*data, "ledger", "-o", str(tmp_path / "l.csv"), "--person", "钱宣传委员"]) == 1
    assert "钱宣传委员尚未负责任何党支部" in capsys.readouterr().err
    assert main([*data, "reportback", "--person", "赵组织委员"]) == 0
    assert "没有超过报送期限" in capsys.readouterr().out


def test_the_export_imports_back_unchanged(store, branches, tmp_path, capsys):
    red, east, _ = branches
    asg.assign(store, red.id, "赵组织委员")
    asg.assign(store, red.id, "钱宣传委员")
    asg.assign(store, red.id, "孙副书记", AssignmentRole.LEADER)
    asg.assign(store, east.id, "钱宣传委员", AssignmentRole.LEADER)
    before = load_settings(store.root)
    path = tmp_path / "指派.xlsx"
    assert main(["--data", str(store.root), "settings", "assignments", "--export", str(path)]) == 0
    assert asg.read_rows(path) == [
        ["党支部", "指导员", "包联领导"],
        ["城关中学党支部", "", ""],
        ["东风社区党支部", "", "钱宣传委员"],
        ["红星村党支部", "赵组织委员、钱宣传委员", "孙副书记"],
    ]
    again = asg.import_table(store, path)
    assert (again.errors, again.added, len(again.assignments)) == ([], 0, 4)
    assert load_settings(store.root) == before
    save_settings(store.root, before.model_copy(update={"assignments": []}))
    assert asg.import_table(store, path).added == 4
    assert _held(load_settings(store.root)) == _held(before)  # the same people, in each cell's order
    assert main(["--data", str(store.root), "settings", "assignments", "--export", str(path)]) == 1
    assert "文件已存在" in capsys.readouterr().err


def _held(settings: Settings) -> dict:
    return {
        (bid, role): asg.names(settings, bid, role)
        for bid in {a.branch_id for a in settings.assignments}
        for role in AssignmentRole
    }


def test_removing_someone_from_the_staff_takes_them_off_their_branches(store, branches, capsys):
    red, east, _ = branches
    asg.assign(store, red.id, "赵组织委员")
    asg.assign(store, east.id, "赵组织委员", AssignmentRole.LEADER)
    asg.assign(store, east.id, "钱宣传委员")
    assert main(["--data", str(store.root), "settings", "staff", "remove", "赵 组织委员"]) == 0
    assert "已一并撤销其负责的 2 个党支部的指派" in capsys.readouterr().out
    settings = load_settings(store.root)
    assert settings.staff == ["钱宣传委员", "孙副书记"]
    assert [(a.branch_id, a.person) for a in settings.assignments] == [(east.id, "钱宣传委员")]
