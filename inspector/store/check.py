"""`inspector check`: is every checklist and every data file sound?

Run after editing a committee checklist, after copying a data folder between
machines or when the app reports a damaged file. It reads everything and
changes nothing; each problem is one Chinese line that names the file, and
the exit status is 1 when anything is wrong, so it can guard a script.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from inspector.errors import CorruptFile, StoreError
from inspector.labels import label
from inspector.models import (
    AnswerValue,
    Branch,
    Committee,
    Finding,
    FindingStatus,
    Member,
    PocketMember,
    Record,
    Visit,
    WeakLaxDetermination,
)
from inspector.rectification import same_person
from inspector.settings import Campaign, WeakLaxRules, load_settings
from inspector.store import attachments
from inspector.store.changes import Change
from inspector.store.core import VISIT_INDEX, Store, validation_message
from inspector.store.files import LOG_SUFFIX, META_TABLE, Journal, leftovers, read_error, read_json_file, read_tables
from inspector.weaklax import step_problems

if TYPE_CHECKING:
    from inspector.checklist import ChecklistTemplate, WeakLaxCriterion

BRANCH_FILE_TABLES: dict[str, type[Record]] = {
    "branch": Branch,
    "finding": Finding,
    "pocket": PocketMember,
    "weaklax": WeakLaxDetermination,
    "member": Member,
}
_KNOWN_BRANCH_TABLES = {*BRANCH_FILE_TABLES, VISIT_INDEX, "changes", META_TABLE}


@dataclass
class Report:
    """What a check found: one line per problem, and what was looked at."""

    problems: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # harmless; removed by the next save
    templates: int = 0
    branches: int = 0
    visits: int = 0
    records: int = 0

    def add(self, line: str) -> None:
        self.problems.append(line)


# -------------------------------------------------------------- checklists
def check_checklists(
    dirs: Iterable[Path], report: Report, *, required: Iterable[Path] = (), campaign: Campaign | None = None
) -> None:
    """Every checklist file loads, and no item or criterion cites a rule the campaign could not cite,
    carries a member-problem category or breaks the sector rules (`sector_problems`)."""
    from inspector.checklist import category_problems, citation_problems, load_templates, sector_problems

    for d in required:
        if not Path(d).is_dir():
            report.add(f"检查清单目录不存在：{d}")
    loaded = load_templates(list(dirs))
    report.templates = len(loaded.templates)
    for err in loaded.errors:
        report.add(f"检查清单：{err}")
    campaign = campaign or Campaign()
    lines = [*citation_problems(loaded, campaign.start, campaign.end), *category_problems(loaded)]
    for line in [*lines, *sector_problems(loaded)]:
        report.add(f"检查清单：{line}")
    if not loaded.templates:
        report.add("没有任何可用的检查清单模板")


# ------------------------------------------------------------- data folder
class Snapshots:
    """The checklist versions visits were made with, each read and verified once."""

    def __init__(self, report: Report):
        self.report = report
        self.items: dict[Path, set[str] | None] = {}
        self.templates: dict[Path, ChecklistTemplate | None] = {}
        self.missing: dict[Path, int] = {}

    def get(self, path: Path, *, used: bool = True) -> set[str] | None:
        """Item ids of the snapshot at `path`; None (reported) when unusable."""
        from inspector.checklist import template_from_snapshot

        if path not in self.items:
            try:
                snapshot = read_json_file(path)
                template = template_from_snapshot(snapshot) if snapshot is not None else None
            except CorruptFile as exc:
                self.report.add(str(exc))
                template = None
            except ValidationError as exc:
                self.report.add(f"检查清单快照无法使用：{path}（{validation_message(exc)}）")
                template = None
            except (ValueError, KeyError, TypeError) as exc:
                self.report.add(f"检查清单快照无法使用：{path}（{exc}）")
                template = None
            else:
                if template is None:
                    self.missing[path] = 0
            self.items[path] = {i.id for i in template.items()} if template else None
            self.templates[path] = template
        if used and path in self.missing:
            self.missing[path] += 1
        return self.items[path]

    def report_missing(self) -> None:
        for path, visits in sorted(self.missing.items()):
            self.report.add(f"检查清单快照缺失：{path}（{visits} 次现场指导使用该版本）")


def _read(path: Path, report: Report, *, tables: bool = True) -> dict[str, Any] | None:
    try:
        data = read_tables(path) if tables else read_json_file(path)
    except CorruptFile as exc:
        report.add(str(exc))
        return None
    if data is None:
        report.add(f"数据文件缺失：{path}")
    return data


def _records(path: Path, data: dict[str, Any], table: str, cls: type[Record], report: Report) -> Iterator[Record]:
    docs = data.get(table) or {}
    if not isinstance(docs, dict):
        report.add(f"数据文件 {path} 的「{table}」表格式错误")
        return
    for doc_id, doc in docs.items():
        report.records += 1
        try:
            yield cls.model_validate(doc)
        except ValidationError as exc:
            rid = doc.get("id", doc_id) if isinstance(doc, dict) else doc_id
            report.add(f"数据文件 {path} 中的记录 {rid} 无效：{validation_message(exc)}")


def _changes(path: Path, data: dict[str, Any], report: Report) -> None:
    docs = data.get("changes") or {}
    if not isinstance(docs, dict):
        report.add(f"数据文件 {path} 的修改记录表格式错误")
        return
    for doc in docs.values():
        try:
            Change.model_validate(doc)
        except ValidationError as exc:
            report.add(f"数据文件 {path} 中的修改记录无效：{validation_message(exc)}")
            return  # one line per file is enough to send someone to it


def check_data(store: Store, report: Report, criteria: Mapping[str, WeakLaxCriterion] | None = None) -> None:
    """Every data file, and the rules its records must keep; `criteria` (the
    weak/lax list by id) lets ticks be checked against the branch's sectors."""
    root = store.root
    _read(root / "meta.json", report, tables=False)
    if (root / Journal.NAME).exists():
        report.leftovers.append(f"有一次未完成的保存：{root / Journal.NAME}，下次保存时将自动完成")
    left = leftovers(root, time.time())
    report.leftovers += [f"可清理：{path}（中断的保存留下的，下次保存时自动删除）" for path in left]
    committee = root / "committee.json"
    if committee.exists():
        data = _read(committee, report)
        if data is not None:
            list(_records(committee, data, "committee", Committee, report))
            _changes(committee, data, report)
    rules = WeakLaxRules()
    if (root / "settings.json").exists():
        try:
            rules = load_settings(root).weaklax
        except StoreError as exc:
            report.add(str(exc))
    templates = Snapshots(report)
    try:
        bids = store.branch_ids()
    except CorruptFile as exc:
        report.add(str(exc))
        bids = []
    empty = set(left)
    for bid in bids:
        if store.branch_dir(bid) in empty:
            continue
        report.branches += 1
        check_branch(store, bid, report, templates, rules, criteria or {})
    for snapshot in sorted((root / "templates").glob("*.json")):
        templates.get(snapshot, used=False)
    templates.report_missing()


def check_branch(
    store: Store,
    bid: str,
    report: Report,
    templates: Snapshots,
    rules: WeakLaxRules,
    criteria: Mapping[str, WeakLaxCriterion],
) -> None:
    folder = store.branch_dir(bid)
    path = folder / "branch.json"
    data = _read(path, report)
    if data is None:
        return
    for table in sorted(set(data) - _KNOWN_BRANCH_TABLES):
        report.add(f"数据文件 {path} 含有未知的表「{table}」")
    live: dict[str, list[Record]] = {}
    for table, cls in BRANCH_FILE_TABLES.items():
        live[table] = [r for r in _records(path, data, table, cls, report) if not r.deleted]
    _changes(path, data, report)
    branches = live["branch"]
    if len(branches) != 1 or branches[0].id != bid:
        report.add(f"数据文件 {path} 应当恰好含有编号为 {bid} 的一个党支部记录")
    for table in ("finding", "pocket", "weaklax", "member"):
        for r in live[table]:
            owner = getattr(r, "branch_id", bid)
            if owner != bid:
                report.add(f"数据文件 {path} 中的记录 {r.id} 属于另一个党支部（{owner}）")
    index = {v.get("id"): v for v in (data.get(VISIT_INDEX) or {}).values() if isinstance(v, dict)}
    visit_ids = check_visits(store, bid, index, report, templates)
    check_rules(path, live, visit_ids, report, rules, criteria)
    for vid, entry in index.items():
        if not entry.get("deleted") and vid not in visit_ids:
            report.add(f"数据文件 {path} 的现场指导索引列有 {vid}，但找不到对应的现场指导文件")
    for r in live["finding"] + live["pocket"] + live["weaklax"]:
        vid = getattr(r, "visit_id", None)
        if vid and vid not in visit_ids:
            report.add(f"数据文件 {path} 中的记录 {r.id} 引用了不存在的现场指导 {vid}")


def check_visits(
    store: Store, bid: str, index: dict[str | None, dict[str, Any]], report: Report, templates: Snapshots
) -> dict[str, tuple[Visit, ChecklistTemplate | None]]:
    """Check every visit file of a branch against the index; return the visits found, with their checklists."""
    found: dict[str, tuple[Visit, ChecklistTemplate | None]] = {}
    vdir = store.branch_dir(bid) / "visits"
    try:
        listed = [e.name for e in os.scandir(vdir)]
    except FileNotFoundError:
        listed = []
    except OSError as exc:
        report.add(str(read_error(exc, vdir)))
        listed = []
    names = sorted(n for n in listed if n.endswith(".json") and not n.startswith("."))
    for name in listed:  # a log is read with its visit file (`files.read_bytes`): one alone is named
        if name.startswith(".") and name.endswith(".json" + LOG_SUFFIX) and name[1 : -len(LOG_SUFFIX)] not in names:
            report.add(f"修改日志 {vdir / name} 没有对应的现场指导文件，其中的修改未被读取")
    for name in names:
        path = vdir / name
        data = _read(path, report)
        if data is None:
            continue
        _changes(path, data, report)
        for visit in _records(path, data, "visit", Visit, report):
            assert isinstance(visit, Visit)
            report.visits += 1
            found[visit.id] = (visit, None)
            if f"{visit.id}.json" != name or visit.branch_id != bid:
                report.add(f"现场指导文件 {path} 的编号或所属党支部与所在位置不符")
            entry = index.get(visit.id)
            if entry is None:
                report.add(f"现场指导 {visit.id} 不在党支部索引中：{path}")
            elif (entry.get("date"), entry.get("status"), bool(entry.get("deleted"))) != (
                visit.date.isoformat(),
                visit.status.value,
                visit.deleted,
            ):
                report.add(f"现场指导 {visit.id} 的日期或状态与党支部索引不一致：{path}")
            if visit.deleted:
                continue
            if visit.report is not None and visit.report.attachment:
                problem = attachments.damage(store.root, visit.report.attachment)
                if problem is not None:
                    report.add(f"现场指导 {visit.id} 的整改报告「{visit.report.file_name}」：{problem}")
            snapshot = store.template_path(visit.template_id, visit.template_version, visit.template_hash)
            item_ids = templates.get(snapshot)
            if item_ids is not None:
                unknown = [i for i in visit.answers if i not in item_ids]
                if unknown:
                    report.add(
                        f"现场指导 {visit.id} 的答案中有检查清单里没有的条目（{'、'.join(unknown[:5])}）：{path}"
                    )
            found[visit.id] = (visit, templates.templates.get(snapshot))
    return found


def check_rules(
    path: Path,
    live: dict[str, list[Record]],
    visits: dict[str, tuple[Visit, ChecklistTemplate | None]],
    report: Report,
    rules: WeakLaxRules,
    criteria: Mapping[str, WeakLaxCriterion],
) -> None:
    """Stored data that breaks the campaign's rules (edited by hand, merged from
    an old bundle, or saved before a rule existed), one line each."""
    for visit, template in visits.values():
        if template is None or visit.deleted:
            continue
        due = {i.id for i in template.items() if i.is_due(visit.date)}
        for item_id, answer in visit.answers.items():
            if answer.value == AnswerValue.NOT_DUE and item_id in due:
                report.add(f"现场指导 {visit.id} 的条目 {item_id} 在指导日期已到时间节点，却答「未到时间节点」：{path}")
    for f in live["finding"]:
        assert isinstance(f, Finding)
        where = f"问题 {f.id}（{f.item_id or '无条目'}）"
        if f.status == FindingStatus.CLOSED:
            for who, name in (("具体责任人", f.responsible.person), ("责任领导", f.responsible.leader)):
                if same_person(f.verifier, name):
                    report.add(f"{where}由{who}本人（{name}）验收销号：{path}")
        found_on = visits.get(f.visit_id or "")
        if found_on is None:
            continue
        visit = found_on[0]
        given = visit.answers.get(f.item_id or "")
        if given is not None and given.value != AnswerValue.NOT_MET:
            report.add(f"{where}登记在答「{label(given.value)}」的条目上：{path}")
        if f.deadline is not None and f.deadline < visit.date:
            report.add(f"{where}的整改时限 {f.deadline} 早于现场指导日期 {visit.date}：{path}")
    sectors = [s for b in live["branch"] if isinstance(b, Branch) for s in b.sectors]
    for det in live["weaklax"]:
        assert isinstance(det, WeakLaxDetermination)
        for problem in step_problems(det, rules):
            report.add(f"软弱涣散认定 {det.id}：{problem}：{path}")
        for tick in det.criteria:
            criterion = criteria.get(tick.criterion_id)
            if sectors and criterion is not None and not criterion.applies_to(sectors):
                report.add(f"软弱涣散认定 {det.id}：勾选的认定标准 {criterion.id} 不适用于本支部的领域：{path}")


# -------------------------------------------------------------------- CLI
