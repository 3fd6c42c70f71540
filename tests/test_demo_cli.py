"""The demo committee and the headless commands `demo`, `list` and `check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import TODAY

from inspector.cli import main
from inspector.demo import DemoRefused, generate
from inspector.models import AnswerValue, FindingStatus, MemberKind, Sector, VisitStatus, WeakLaxStatus
from inspector.store import Store

N = 12


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """One small demo, built once; tests that damage it work on a copy."""
    root = tmp_path_factory.mktemp("demo") / "data"
    stats = generate(Store(root, "演示"), N, 7, today=TODAY)
    (root.parent / "stats.json").write_text(json.dumps(stats.__dict__, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture
def stats(demo_dir) -> dict:
    return json.loads((demo_dir.parent / "stats.json").read_text(encoding="utf-8"))


@pytest.fixture
def copy(demo_dir, tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(demo_dir, target)
    return target


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys, root: Path, what: str, *extra: str) -> list[dict]:
    code, out, _err = run(capsys, "--data", str(root), "list", what, "--json", *extra)
    assert code == 0
    return json.loads(out)


# ------------------------------------------------------------------- demo
def test_same_seed_same_committee(tmp_path, demo_dir):
    again = Store(tmp_path / "again", "演示")
    generate(again, N, 7, today=TODAY)
    first = Store(demo_dir, "演示")
    assert [(b.id, b.name, b.sector, b.members, b.secretary) for b in first.branches()] == [
        (b.id, b.name, b.sector, b.members, b.secretary) for b in again.branches()
    ]
    assert sorted((f.id, f.status, f.deadline) for f in first.all_findings()) == sorted(
        (f.id, f.status, f.deadline) for f in again.all_findings()
    )
    assert first.committee().name == again.committee().name


def test_other_seed_other_committee(tmp_path, demo_dir):
    other = Store(tmp_path / "other", "演示")
    generate(other, N, 8, today=TODAY)
    names = {b.name for b in Store(demo_dir).branches()}
    assert names != {b.name for b in other.branches()}


def test_demo_covers_every_state(demo_dir, stats):
    store = Store(demo_dir, "演示")
    branches = store.branches()
    assert len(branches) == N
    assert {b.sector for b in branches} == set(Sector)
    assert all(b.name.endswith("党支部") and b.initials for b in branches)
    findings = store.all_findings()
    assert {f.status for f in findings} == set(FindingStatus)
    assert any(f.overdue_days(TODAY) > 0 for f in findings)
    assert all(f.goal and f.measures and f.deadline and f.responsible.person for f in findings)
    summaries = store.branch_summaries()
    assert any(s.draft_visits for s in summaries)
    assert any(s.last_visit for s in summaries)
    assert any(not s.last_visit and not s.draft_visits for s in summaries)
    pockets = [p for b in branches for p in store.pockets(b.id)]
    assert {p.member_kind for p in pockets} == set(MemberKind)
    weak = [w for b in branches for w in store.weaklax(b.id)]
    # 撤销 corrects a mistaken 认定; the demo makes none, every stage of the procedure appears
    assert {w.status for w in weak} == set(WeakLaxStatus) - {WeakLaxStatus.WITHDRAWN}
    assert all(w.criteria and w.plan.goal and w.plan.deadline for w in weak)
    assert sum(stats["findings"].values()) == len(findings)


def test_findings_come_from_not_met_answers(demo_dir):
    store = Store(demo_dir)
    for bid in store.branch_ids():
        data = store.branch_data(bid)
        visits = {v.id: v for v in data.visits}
        for f in data.findings:
            assert visits[f.visit_id].answers[f.item_id].value is AnswerValue.NOT_MET
        for v in data.visits:
            if v.status is VisitStatus.COMPLETED:
                not_met = {i for i, a in v.answers.items() if a.value is AnswerValue.NOT_MET}
                assert not_met == {f.item_id for f in data.findings if f.visit_id == v.id}


def test_demo_refuses_folder_with_data(capsys, demo_dir):
    with pytest.raises(DemoRefused):
        generate(Store(demo_dir), 3, 1, today=TODAY)
    code, out, err = run(capsys, "--data", str(demo_dir), "demo", "--branches", "3")
    assert code == 1
    assert err.count("\n") == 1 and "空目录" in err and out == ""


def test_demo_refuses_folder_with_other_files(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "笔记.txt").write_text("别覆盖我", encoding="utf-8")
    code, _out, err = run(capsys, "--data", str(folder), "demo", "--branches", "3")
    assert code == 1 and "笔记.txt" in err
    assert sorted(p.name for p in folder.iterdir()) == ["logs", "笔记.txt"]


def test_demo_command_fills_empty_folder(capsys, tmp_path):
    code, out, err = run(capsys, "--data", str(tmp_path / "new"), "demo", "--branches", "3", "--seed", "2")
    assert code == 0
    assert "党支部 3 个" in out and "3/3" in err
    assert len(listing(capsys, tmp_path / "new", "branches")) == 3


# ------------------------------------------------------------------- list
def test_list_json_matches_demo(capsys, demo_dir, stats):
    branches = listing(capsys, demo_dir, "branches")
    visits = listing(capsys, demo_dir, "visits")
    findings = listing(capsys, demo_dir, "findings")
    assert len(branches) == N
    assert len(visits) == sum(stats["visits"].values())
    assert len(findings) == sum(stats["findings"].values())
    names = {b["id"]: b["name"] for b in branches}
    assert all(v["branch"] == names[v["branch_id"]] for v in visits)
    assert all(f["branch"] == names[f["branch_id"]] for f in findings)
    assert sum(f["overdue_days"] > 0 for f in findings) == stats["overdue"]
    assert sum(b["open_findings"] for b in branches) == sum(f["status"] != "已销号" for f in findings)
    opened = listing(capsys, demo_dir, "findings", "--open")
    assert len(opened) == sum(f["status"] != "已销号" for f in findings)


def test_list_json_keeps_chinese_as_text(capsys, demo_dir):
    code, out, _ = run(capsys, "--data", str(demo_dir), "list", "branches", "--json")
    assert code == 0 and "党支部" in out and "\\u" not in out


def test_list_table(capsys, demo_dir):
    code, out, _ = run(capsys, "--data", str(demo_dir), "list", "findings")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("党支部") and "逾期" in lines[0]
    assert lines[-1].startswith("共 ") and lines[-1].endswith("个问题")


def test_list_skips_corrupt_file_and_names_it(capsys, copy):
    before = listing(capsys, copy, "findings")
    victim = sorted((copy / "branches").iterdir())[0] / "branch.json"
    lost = sum(1 for f in before if f["branch_id"] == victim.parent.name)
    victim.write_bytes(b'{"finding": {"1": ')
    code, out, err = run(capsys, "--data", str(copy), "list", "findings", "--json")
    assert code == 1  # the listing is incomplete: a script must notice
    assert len(json.loads(out)) == len(before) - lost
    assert err.count("\n") == 1 and str(victim) in err
    assert victim.read_bytes() == b'{"finding": {"1": '


# ------------------------------------------------------------------ check
def test_check_passes_on_demo(capsys, demo_dir):
    code, out, _ = run(capsys, "--data", str(demo_dir), "check")
    assert code == 0, out
    assert out.startswith("检查完成：未发现问题")


def test_check_names_corrupt_data_file(capsys, copy):
    victim = next((copy / "branches").glob("*/visits/*.json"))
    victim.write_bytes(b"\x00garbage")
    code, out, _ = run(capsys, "--data", str(copy), "check")
    assert code == 1
    problems = out.splitlines()[:-1]
    assert any(str(victim) in line for line in problems)
    assert out.splitlines()[-1].startswith("检查完成：发现")


def test_check_finds_invalid_record_and_missing_snapshot(capsys, copy):
    path = sorted((copy / "branches").glob("*/branch.json"))[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    doc = next(iter(data["branch"].values()))
    doc["members"] = -5
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for snap in (copy / "templates").iterdir():
        snap.unlink()
    code, out, _ = run(capsys, "--data", str(copy), "check")
    assert code == 1
    assert any(str(path) in line and "members" in line for line in out.splitlines())
    assert "快照缺失" in out


def test_check_finds_visit_missing_from_index(capsys, copy):
    visit = next((copy / "branches").glob("*/visits/*.json"))
    visit.unlink()
    code, out, _ = run(capsys, "--data", str(copy), "check")
    assert code == 1
    assert visit.stem in out and "索引" in out


def test_check_reports_malformed_extra_checklist(capsys, demo_dir, tmp_path):
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "local.toml").write_text(
        '[template]\nid = "local"\nversion = "1"\ntitle = "本地"\n[[sections]]\nid = "a"\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "--data", str(demo_dir), "--checklists", str(extra), "check")
    assert code == 1
    assert any("local.toml" in line for line in out.splitlines()[:-1])
    code, out, _ = run(capsys, "--data", str(demo_dir), "--checklists", str(tmp_path / "nowhere"), "check")
    assert code == 1 and "nowhere" in out


def test_county_readers_agree_with_branch_reads(copy):
    """all_findings() reads findings straight from JSON; it must match the careful per-branch read."""
    store = Store(copy, "测试员")
    per_branch = {f.id: f for bid in store.branch_ids() for f in store.findings(bid)}
    assert {f.id: f for f in store.all_findings()} == per_branch
    gone = store.delete(next(iter(per_branch.values())))
    fresh = Store(copy, "测试员")
    assert gone.id not in {f.id for f in fresh.all_findings()}
    assert len(fresh.all_findings()) == len(per_branch) - 1
    assert {v.branch_id for v in fresh.all_visit_index()} <= set(fresh.branch_ids())


def test_app_refuses_to_start_without_a_terminal(tmp_path):
    """`ssh host inspector` without -t: one line naming ssh -t, exit 2, no escape codes."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "--data", str(tmp_path / "d")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stdout == b""
    assert "ssh -t" in out.stderr.decode() and b"\x1b" not in out.stderr


def test_the_demo_happens_inside_the_campaign_year_by_default(tmp_path):
    """No visit of the demo falls outside the 2016 campaign, so "纪念建党95周年" is never asked in 2026."""
    from inspector.settings import Campaign, load_settings

    store = Store(tmp_path / "data", "演示")
    generate(store, 12, 3)
    campaign = Campaign()
    visits = [v for b in store.branches() for v in store.visits(b.id)]
    assert visits
    assert all(campaign.start <= v.date <= campaign.end for v in visits), sorted(v.date for v in visits)[:3]
    staff = load_settings(store.root).staff
    closed = [f for b in store.branches() for f in store.findings(b.id) if f.status is FindingStatus.CLOSED]
    assert staff and closed and all(f.verifier in staff and f.verifier != f.responsible.person for f in closed)


def test_demo_year_moves_the_demo(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "d"), "demo", "--branches", "3", "--year", "2017"]) == 0
    assert "日期截至 2017-12-31" in capsys.readouterr().out
    store = Store(tmp_path / "d")
    assert all(v.date.year == 2017 for b in store.branches() for v in store.visits(b.id))


def test_branch_names_read_like_a_towns(demo_dir):
    """Town offices under the town's name, each once; no village name before them."""
    from inspector.demo import OFFICE_UNITS

    store = Store(demo_dir, "演示")
    town = store.committee().name.split("县")[1].removesuffix("委员会")
    offices = [b.name for b in store.branches() if b.sector == Sector.PUBLIC_INSTITUTION]
    assert offices and all(n.startswith(town) for n in offices)
    for unit in OFFICE_UNITS[1:]:
        assert sum(n == f"{town}{unit}党支部" for n in offices) <= 1
    for b in store.branches():
        assert "第二第" not in b.name and "村村" not in b.name


def test_findings_and_weak_lax_evidence_agree_with_the_branch(tmp_path):
    from inspector.demo import RELATION_ITEMS, REMEDIES, SECRETARY_VACANT

    store = Store(tmp_path / "data", "演示")
    generate(store, N, 3, today=TODAY)  # a seed whose weak/lax branches were found out on visits
    goals = {goal for pairs in REMEDIES.values() for goal, _ in pairs} | {SECRETARY_VACANT[1]}
    goals |= {goal for items in RELATION_ITEMS.values() for _, _, goal, _ in items.values()}
    checked = vacant = 0
    for b in store.branches():
        findings = store.findings(b.id)
        assert all(f.goal in goals for f in findings)
        vacancy = [f for f in findings if f.description.startswith("党支部书记长期缺职")]
        assert bool(vacancy) <= (not b.secretary), b.name  # never for a branch with a secretary
        vacant += bool(vacancy)
        for det in store.weaklax(b.id):
            for tick in det.criteria:
                if tick.evidence.startswith("现场指导发现："):
                    assert tick.evidence.removeprefix("现场指导发现：") in {f.description for f in findings}
                    checked += 1
    assert checked and vacant


def test_demo_answers_the_members_out_of_reach_from_the_branchs_records(demo_dir):
    """口袋/失联 items are 不符合 only where such members, known by the visit, were not yet
    settled on its day; the finding's fact names how many."""
    from inspector.demo import RELATION_ITEMS
    from inspector.pocket import DueLevel, due_next

    store = Store(demo_dir)
    checked, failed = 0, 0
    for bid in store.branch_ids():
        data = store.branch_data(bid)
        for v in data.visits:
            if v.status is not VisitStatus.COMPLETED:
                continue
            for item_id, (kinds, *_) in RELATION_ITEMS.get(v.template_id, {}).items():
                if item_id not in v.answers:
                    continue
                n = sum(
                    1
                    for m in data.pockets
                    if m.member_kind in kinds
                    and m.found_on is not None
                    and m.found_on <= v.date
                    and due_next(m, v.date).level != DueLevel.SETTLED
                )
                answer = v.answers[item_id]
                checked += 1
                assert (answer.value is AnswerValue.NOT_MET) == bool(n), (v.id, item_id, n)
                if n:
                    failed += 1
                    finding = next(f for f in data.findings if f.visit_id == v.id and f.item_id == item_id)
                    assert f"有{n}名" in finding.description
    assert checked and failed


def test_demo_visits_attend_key_points_only_around_them(demo_dir):
    """全过程 (plan 四、1): a visit attends the study plan, the 七一 lesson or the year-end meetings
    only when its date falls near them."""
    from datetime import date

    from inspector.demo import STAGE_WINDOWS

    store = Store(demo_dir)
    attended = 0
    for bid in store.branch_ids():
        for v in store.branch_data(bid).visits:
            for stage in v.stages:
                start, end, _ = STAGE_WINDOWS[stage]
                assert date(v.date.year, *start) <= v.date <= date(v.date.year, *end), (v.date, stage)
                attended += 1
    assert attended


def test_demo_answers_duties_not_yet_due_as_not_due(demo_dir):
    """Time-bound duties (七一 lesson, year-end 专题组织生活会 and 民主评议) are "未到时间节点"
    before their time: the demo neither finds them met nor records a problem on them."""
    from inspector.templates import template_of

    store = Store(demo_dir)
    pending = 0
    for bid in store.branch_ids():
        data = store.branch_data(bid)
        visits = {v.id: v for v in data.visits}
        for v in data.visits:
            template = template_of(store, v)
            for item_id, answer in v.answers.items():
                if not template.item(item_id).is_due(v.date):
                    assert answer.value is AnswerValue.NOT_DUE, (v.date, item_id, answer.value)
                    pending += 1
        for f in data.findings:
            v = visits[f.visit_id]
            assert template_of(store, v).item(f.item_id).is_due(v.date), (f.item_id, v.date)
    assert pending


def test_branch_ordinals_read_as_chinese_numbers_and_never_run_out():
    from inspector.demo import _ordinal

    spelt = [_ordinal(n) for n in (1, 10, 11, 20, 99, 100, 101, 110, 111, 120, 999)]
    assert spelt == [
        "一",
        "十",
        "十一",
        "二十",
        "九十九",
        "一百",
        "一百零一",
        "一百一十",
        "一百一十一",
        "一百二十",
        "九百九十九",
    ]
    assert len({_ordinal(n) for n in range(1, 2000)}) == 1999  # a town's 120th 机关 branch is not its 20th again
