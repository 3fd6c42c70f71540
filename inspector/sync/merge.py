"""Sync between installations (a laptop and the committee server) by bundle.

Merging works on the field-level change history (`changes.Change`): each
change names in `prev` the change(s) to the same field it replaced, so the
changes of one field form a graph. After an import holds the changes of both
sides, the *heads* of a field (changes nobody replaced) decide its value:

* one head: its value wins (the other side changed a field we had not);
* several heads with the same value: no conflict; a merge change whose id is
  derived from the heads (so both sides make the very same one) replaces them;
* several heads with different values: a conflict. Nothing is overwritten:
  both values stay in the history, a `conflict` document marks the field,
  and the value shown is this installation's own (else the newest, so that
  import order does not matter) until staff pick one. The pick is a change
  of its own whose `prev` names every head.

`prev` may therefore name several changes, comma-separated. Importing is
idempotent because changes are matched by id, and order independent because
the result depends only on the set of changes.

For the app: `export_bundle`, `import_bundle` (its `ImportReport.lines()` are
what to show), `list_conflicts` and `resolve_conflict(store, id, side.change_id)`;
`Conflict.label`, `show_value` and `local_time` render a conflict in Chinese.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from inspector.errors import ImportInterrupted, NotFound, StoreError
from inspector.labels import KINDS as KIND_LABELS
from inspector.labels import MEMBER_FIELDS, field_value
from inspector.labels import SYNC_FIELDS as FIELD_LABELS
from inspector.models import RECORD_TYPES, utcnow
from inspector.store import attachments
from inspector.store import changes as ch
from inspector.store.core import CHANGES, Store, validation_message
from inspector.store.files import Journal
from inspector.sync.bundle import BRANCH_KINDS, BranchPart, Bundle, BundleError, read_bundle, write_bundle

log = logging.getLogger(__name__)

CONFLICTS = "conflict"  # table of the branch file holding conflict markers
AUTO_MERGE_WHO = "（同步自动合并）"
AUTO_MERGE_INST = "sync"
_NS = uuid.UUID("6f1d3c2e-9b7a-4e55-8a1e-2f0c6d8b4a11")
_HISTORY = 200  # exchange log entries kept in peers.json

COMMITTEE_OUTCOMES = {
    "added": "党委信息：已采用包内的党委信息。",
    "updated": "党委信息：已更新。",
    "conflicts": "党委信息：两边改法不同，已保留两边的值待选择。",
    "kept": "党委信息：本机已设置了另一个党委，未采用包内的党委信息。",
}


# ------------------------------------------------------------------ reports
@dataclass
class BranchReport:
    branch_id: str
    name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0


@dataclass
class ImportReport:
    source: str
    created: str
    branches: list[BranchReport] = field(default_factory=list)
    committee: str | None = None  # added/updated/unchanged/conflicts, "kept" (ours differs), None (not in bundle)
    new_changes: int = 0
    templates: int = 0
    seconds: float = 0.0
    lock_turns: int = 0  # how often the import took the folder's lock to commit
    longest_turn: float = 0.0  # the longest of those, in seconds

    def totals(self) -> dict[str, int]:
        keys = ("added", "updated", "unchanged", "conflicts")
        return {k: sum(getattr(b, k) for b in self.branches) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "totals": self.totals()}

    def lines(self) -> list[str]:
        t = self.totals()
        out = [f"来自安装 {self.source[:8]}（导出于 {local_time(self.created)}）："]
        for b in self.branches:
            if b.added or b.updated or b.conflicts:
                out.append(f"  {b.name}：新增 {b.added}，更新 {b.updated}，未变 {b.unchanged}，冲突 {b.conflicts}")
        out.append(
            f"合计 {len(self.branches)} 个党支部：新增 {t['added']}，更新 {t['updated']}，未变 {t['unchanged']}，"
            f"冲突 {t['conflicts']}；新变更 {self.new_changes} 条，用时 {self.seconds:.2f} 秒。"
        )
        if self.committee in COMMITTEE_OUTCOMES:
            out.append(COMMITTEE_OUTCOMES[self.committee])
        if not self.new_changes:
            out.append("本包的内容此前都已导入，数据未作改动。")
        if t["conflicts"]:
            out.append("有冲突的字段两边的值都已保留，请在「冲突」中选择保留哪一个（inspector conflicts 查看）。")
        return out


@dataclass
class ExportReport:
    path: str
    branches: int
    records: int
    visits: int
    changes: int
    templates: int
    bytes: int
    since: str | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        since = f" {local_time(self.since)} 以来有变化的" if self.since else ""
        return (
            f"已导出{since} {self.branches} 个党支部：记录 {self.records} 条（现场指导 {self.visits} 次），"
            f"变更 {self.changes} 条，检查清单 {self.templates} 份；{self.bytes / 1024:.0f} KB，"
            f"用时 {self.seconds:.2f} 秒 → {self.path}"
        )


@dataclass(frozen=True)
class ConflictSide:
    change_id: str
    value: Any
    who: str
    at: str
    inst: str
    local: bool  # made on this installation
    shown: str  # the value on one short line, in Chinese


@dataclass(frozen=True)
class Conflict:
    """One field two installations changed differently; `current` is shown until
    one side is picked. `branch_id` is "" for the committee record."""

    id: str
    branch_id: str
    branch_name: str
    kind: str
    record_id: str
    title: str
    field: str
    current: Any
    sides: tuple[ConflictSide, ...]

    @property
    def label(self) -> str:
        head, _, key = self.field.partition(".")
        # The roster's own names first: its 类别 is 人员类别, not a finding's 问题类别.
        name = (MEMBER_FIELDS.get(head) if self.kind == "member" else None) or FIELD_LABELS.get(head, head)
        return f"{KIND_LABELS.get(self.kind, self.kind)}「{self.title}」的{name}" + (f"（{key}）" if key else "")

    @property
    def current_shown(self) -> str:
        return show_value(field_value(self.kind, self.field, self.current))


def local_time(iso: str) -> str:
    """A stored UTC time as the user's wall clock, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(iso)


# ------------------------------------------------------------ change graph
def _parents(change: dict[str, Any]) -> list[str]:
    prev = change.get("prev")
    return prev.split(",") if prev else []


def _when(change: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(change["at"]), change["id"]


def _heads(chain: list[dict[str, Any]]) -> list[dict[str, Any]]:
    replaced = {p for c in chain for p in _parents(c)}
    return [c for c in chain if c["id"] not in replaced]


def _distinct(heads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for h in heads:
        if all(h["new"] != o["new"] for o in out):
            out.append(h)
    return out


def _shown(heads: list[dict[str, Any]], local_inst: str) -> dict[str, Any]:
    """The head whose value stays in the record while a conflict is open."""
    own = [h for h in heads if h["inst"] == local_inst]
    return max(own or heads, key=_when)


def _merge_change(heads: list[dict[str, Any]]) -> dict[str, Any]:
    """The same on every installation: id, time and author derive from the heads."""
    ids = sorted(h["id"] for h in heads)
    newest = max(heads, key=_when)
    return ch.Change(
        id=str(uuid.uuid5(_NS, ",".join(ids))),
        kind=newest["kind"],
        record_id=newest["record_id"],
        branch_id=newest["branch_id"],
        field=newest["field"],
        old=newest["new"],
        new=newest["new"],
        who=AUTO_MERGE_WHO,
        at=newest["at"],
        inst=AUTO_MERGE_INST,
        prev=",".join(ids),
    ).model_dump(mode="json")


def _topo(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first, but never a change before one it replaces."""
    by_id = {c["id"]: c for c in changes}
    out: list[dict[str, Any]] = []
    done: set[str] = set()

    def visit(c: dict[str, Any]) -> None:
        stack = [(c, iter(sorted((by_id[p] for p in _parents(c) if p in by_id), key=_when)))]
        while stack:
            node, parents = stack[-1]
            nxt = next((p for p in parents if p["id"] not in done), None)
            if nxt is not None:
                stack.append((nxt, iter(sorted((by_id[p] for p in _parents(nxt) if p in by_id), key=_when))))
                continue
            stack.pop()
            if node["id"] not in done:
                done.add(node["id"])
                out.append(node)

    for c in sorted(changes, key=_when):
        if c["id"] not in done:
            visit(c)
    return out


def conflict_id(record_id: str, path: str) -> str:
    return str(uuid.uuid5(_NS, f"{record_id}|{path}"))


# ------------------------------------------------------------------ merging
@dataclass
class _RecordPlan:
    kind: str
    record_id: str
    branch_id: str | None
    doc: dict[str, Any]
    place: list[dict[str, Any]]
    outcome: str
    markers: list[dict[str, Any]]
    fresh: int  # changes this folder did not have (theirs and merges)


def _field_value(
    chain: list[dict[str, Any]], local_inst: str
) -> tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]] | None]:
    """(shown head, merge change to add, conflicting heads) of one field."""
    heads = _heads(chain)
    if len(_distinct(heads)) > 1:
        return _shown(heads, local_inst), None, heads
    if len(heads) > 1:
        merge = _merge_change(heads)
        return merge, merge, None
    return heads[0], None, None


def _plan_record(
    kind: str,
    rid: str,
    bid: str | None,
    local_doc: dict[str, Any] | None,
    local_changes: list[dict[str, Any]],
    theirs: list[dict[str, Any]],
    bundle_doc: dict[str, Any],
    local_inst: str,
    markers: dict[str, dict[str, Any]],
) -> _RecordPlan | None:
    known = {c["id"] for c in local_changes}
    new = _topo([c for c in theirs if c["id"] not in known])
    if not new:
        return None
    sequence = local_changes + new
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in sequence:
        if c["field"] != ch.CREATED:
            chains[c["field"]].append(c)
    if local_doc is None:
        creation = next((c for c in sequence if c["field"] == ch.CREATED), None)
        doc = dict(creation["new"] if creation else bundle_doc)  # set_path never mutates nested values
        touched = set(chains)
    else:
        doc = dict(local_doc)
        touched = {c["field"] for c in new} - {ch.CREATED}
    tail: list[dict[str, Any]] = []
    moved: set[str] = set()
    marks: list[dict[str, Any]] = []
    in_conflict = False
    for path in sorted(touched):
        chain = chains[path]
        shown, merge, conflicting = _field_value(chain, local_inst)
        ch.set_path(doc, path, shown["new"])
        if merge is not None:
            tail.append(merge)
        elif shown["id"] != chain[-1]["id"]:
            # The last change of a field is the one the next local edit replaces.
            moved.add(shown["id"])
            tail.append(shown)
        cid = conflict_id(rid, path)
        was_open = markers.get(cid, {}).get("open", False)
        if conflicting:
            in_conflict = True
        if bool(conflicting) != was_open:
            marks.append(
                {"id": cid, "kind": kind, "record_id": rid, "branch_id": bid, "field": path, "open": bool(conflicting)}
            )
    try:
        doc = RECORD_TYPES[kind].model_validate(doc).model_dump(mode="json")
    except ValidationError as exc:
        raise BundleError(
            f"合并后{KIND_LABELS.get(kind, kind)}记录 {rid[:8]} 无效（{validation_message(exc)}），未导入任何内容"
        ) from exc
    place = [c for c in new if c["id"] not in moved] + tail
    if in_conflict:
        outcome = "conflicts"
    elif local_doc is None:
        outcome = "added"
    else:
        outcome = "updated" if doc != local_doc else "unchanged"
    return _RecordPlan(kind, rid, bid, doc, place, outcome, marks, len(place) - len(moved))


def _by_record(changes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in changes:
        out[c["record_id"]].append(c)
    return out


def _docs(data: dict[str, Any] | None, table: str) -> list[dict[str, Any]]:
    return list(((data or {}).get(table) or {}).values())


def _plan_branch(
    store: Store, part: BranchPart, report: BranchReport
) -> tuple[list[_RecordPlan], list[dict[str, Any]]]:
    bid = part.branch_id
    local = store.branch_file(bid)
    local_changes = _by_record(_docs(local, CHANGES))
    markers = {m["id"]: m for m in _docs(local, CONFLICTS)}
    theirs = _by_record(part.changes)
    plans: list[_RecordPlan] = []
    marks: list[dict[str, Any]] = []
    for kind, doc in part.all_records():
        rid = doc["id"]
        if kind == "visit":
            vdata = store.visit_file(bid, rid)
            mine = _docs(vdata, CHANGES)
            local_doc = next((d for d in _docs(vdata, "visit") if d["id"] == rid), None)
        else:
            mine = local_changes.get(rid, [])
            local_doc = next((d for d in _docs(local, kind) if d["id"] == rid), None)
        plan = _plan_record(kind, rid, bid, local_doc, mine, theirs.get(rid, []), doc, store.installation_id, markers)
        if plan is None:
            report.unchanged += 1
            continue
        setattr(report, plan.outcome, getattr(report, plan.outcome) + 1)
        plans.append(plan)
        marks.extend(plan.markers)
    return plans, marks


# ------------------------------------------------------------------- import
#: How long one turn of the lock may last while an import commits: another
#: clerk's save waits at most about this long.
LOCK_TURN = 0.5


@dataclass
class _Prepared:
    """One branch (or the committee) of a bundle, planned and then staged."""

    report: BranchReport | None  # None for the committee
    plans: list[_RecordPlan]
    marks: list[dict[str, Any]]
    journal: Journal  # what the plan read; once staged, the files it writes

    @property
    def fresh(self) -> int:
        return sum(p.fresh for p in self.plans)


def _prepare_branch(store: Store, part: BranchPart, *, stage: bool) -> _Prepared:
    names = [d["name"] for d in part.records.get("branch", []) if d["id"] == part.branch_id]
    report = BranchReport(part.branch_id, names[0] if names else part.branch_id)
    with store.staging() as journal:
        plans, marks = _plan_branch(store, part, report)
        if stage:
            _stage(store, plans, marks)
    return _Prepared(report, plans, marks, journal)


def _prepare_committee(store: Store, bundle: Bundle, report: ImportReport, *, stage: bool) -> _Prepared:
    with store.staging() as journal:
        plan = _plan_committee(store, bundle, report)
        plans = [plan] if plan is not None else []
        if stage:
            _stage(store, plans, [])
    return _Prepared(None, plans, [], journal)


def _stage(store: Store, plans: list[_RecordPlan], marks: list[dict[str, Any]]) -> None:
    for plan in plans:
        store.ingest(plan.kind, plan.record_id, plan.branch_id, plan.doc, plan.place)
    for mark in marks:
        store.ingest(CONFLICTS, mark["id"], mark["branch_id"], mark, [])


def import_bundle(store: Store, path: str | Path) -> ImportReport:
    """Bring a bundle in. A bad bundle, or a merge that breaks a rule, raises
    BundleError and changes nothing.

    Everything is planned and built without the lock; the lock is taken only
    to commit, a few branches at a time (`LOCK_TURN`), so other clerks' saves
    go on meanwhile. Each turn first re-checks the files it builds on and
    plans a branch again if someone saved to it meanwhile. Every turn is all
    or nothing and holds whole branches; if a later turn fails (a full disk,
    a killed process), the branches before it stay imported, each complete,
    and importing the same bundle again brings in the rest (changes are
    matched by id, so nothing is doubled): `ImportInterrupted` says so."""
    started = time.perf_counter()
    bundle = read_bundle(Path(path), local_installation=store.installation_id)
    report = ImportReport(source=bundle.source, created=str(bundle.manifest.get("created", "")))
    # First every branch is planned, so that a bundle that does not merge is
    # refused before anything is written. Plans are kept with what they read.
    parts = {p.branch_id: p for p in bundle.branches}
    prepared = [_prepare_branch(store, part, stage=False) for part in bundle.branches]
    committee = _prepare_committee(store, bundle, report, stage=False)
    if committee.plans:
        prepared.insert(0, committee)
    report.branches = [p.report for p in prepared if p.report is not None]
    todo = [p for p in prepared if p.plans or p.marks]
    # Checklist snapshots (content-addressed files) go with the first turn.
    templates = _missing_templates(store, bundle)
    with store.staging() as first:
        for snap in templates:
            store.keep_template(snap["id"], snap["version"], snap["content_hash"], snap)
    report.templates = len(templates)

    def again(prep: _Prepared) -> _Prepared:
        if prep.report is None:
            return _prepare_committee(store, bundle, report, stage=True)
        fresh = _prepare_branch(store, parts[prep.report.branch_id], stage=True)
        assert fresh.report is not None
        prep.report.__dict__.update(fresh.report.__dict__)  # the report shows the merge as committed
        fresh.report = prep.report
        return fresh

    done, turn_files, per_file = 0, 0, 0.02  # seconds a file takes to commit, measured each turn
    try:
        while done < len(todo) or first.staged:
            # Build a turn's files outside the lock, as many as one turn may write.
            turn: list[_Prepared] = []
            files = 0
            while done + len(turn) < len(todo) and (not turn or files * per_file < LOCK_TURN):
                prep = todo[done + len(turn)]
                with store.staging(prep.journal.seen) as journal:
                    _stage(store, prep.plans, prep.marks)
                staged = _Prepared(prep.report, prep.plans, prep.marks, journal) if not journal.stale else again(prep)
                turn.append(staged)
                files += len(staged.journal.staged)
            held = time.perf_counter()
            with store.lock():
                turn = [t if store.unchanged(t.journal) else again(t) for t in turn]
                store.commit_staged([first, *(t.journal for t in turn)])
                first = Journal(store.root)
            took = time.perf_counter() - held
            report.lock_turns += 1
            report.longest_turn = max(report.longest_turn, took)
            per_file = max(took / max(files, 1), 0.0005)
            turn_files += files
            done += len(turn)
    except StoreError as exc:
        if not done:
            raise
        committed = sum(1 for t in todo[:done] if t.report is not None)
        total = sum(1 for t in todo if t.report is not None)
        raise ImportInterrupted(committed, total, str(exc)) from exc
    # Attachments are content-addressed files, kept once and never changed:
    # written after the records, and by any later import of the bundle if a
    # crash came between (each takes the lock only for its own file).
    for data in bundle.attachments.values():
        attachments.keep(store, data)
    report.new_changes = sum(p.fresh for p in todo)
    if todo:
        with store.lock():
            _note_import(store, bundle, report)
    report.seconds = time.perf_counter() - started
    log.info(
        "imported bundle %s from %s: %s; %d files in %d turns of the lock, longest %.2f s",
        path,
        bundle.source,
        report.totals(),
        turn_files,
        report.lock_turns,
        report.longest_turn,
    )
    return report


def _plan_committee(store: Store, bundle: Bundle, report: ImportReport) -> _RecordPlan | None:
    """A folder without a committee adopts the bundle's; the same committee merges
    like any record; another committee (each side set up its own) stays as it is."""
    if bundle.committee is None:
        return None
    doc, theirs = bundle.committee
    data = store.committee_file()
    docs = _docs(data, "committee")
    mine = next((d for d in docs if d["id"] == doc["id"]), None)
    if mine is None and any(not d.get("deleted") for d in docs):
        report.committee = "kept"
        return None
    history = [c for c in _docs(data, CHANGES) if c["record_id"] == doc["id"]]
    plan = _plan_record("committee", doc["id"], None, mine, history, theirs, doc, store.installation_id, {})
    report.committee = plan.outcome if plan else "unchanged"
    if plan is not None:
        plan.markers = []  # committee conflicts are read from its history (`_committee_conflicts`)
    return plan


def _missing_templates(store: Store, bundle: Bundle) -> list[dict[str, Any]]:
    out = []
    for snap in bundle.templates:
        if not store.template_path(snap["id"], snap["version"], snap["content_hash"]).exists():
            out.append(snap)
    return out


# ------------------------------------------------------------ exchange log
PEERS = "sync/peers.json"


def load_peers(store: Store) -> dict[str, Any]:
    """What was exchanged with whom: {"peers": {inst: {...}}, "received": [...], "exports": [...]}."""
    try:
        data = store.read_state(PEERS) or {}
    except StoreError:
        log.warning("peers.json unreadable; starting a new exchange log", exc_info=True)
        data = {}
    return {
        "peers": data.get("peers") or {},
        "received": data.get("received") or [],
        "exports": data.get("exports") or [],
    }


def _note_import(store: Store, bundle: Bundle, report: ImportReport) -> None:
    peers = load_peers(store)
    now = utcnow().isoformat()
    peer = peers["peers"].setdefault(bundle.source, {"imports": 0, "changes": 0})
    peer.update(
        last_import=now,
        last_bundle_created=bundle.manifest.get("created"),
        last_user=bundle.manifest.get("user"),
        imports=peer.get("imports", 0) + 1,
        changes=peer.get("changes", 0) + report.new_changes,
    )
    touched = [b.branch_id for b in report.branches if b.added or b.updated or b.conflicts]
    peers["received"] = [*peers["received"], {"at": now, "from": bundle.source, "branches": touched}][-_HISTORY:]
    store.write_state(PEERS, peers)


def _note_export(store: Store, report: ExportReport, begun: datetime) -> None:
    with store.lock():
        peers = load_peers(store)
        entry = {"at": begun.isoformat(), "file": report.path, "since": report.since, "branches": report.branches}
        peers["exports"] = [*peers["exports"], entry][-_HISTORY:]
        store.write_state(PEERS, peers)


# ------------------------------------------------------------------- export
def parse_since(value: str | date | datetime | None, store: Store | None = None) -> datetime | None:
    """`--since`: a date (from its local midnight), an ISO time, or "last" (the previous export)."""
    if value is None or isinstance(value, datetime):
        return value.astimezone() if isinstance(value, datetime) else None
    if isinstance(value, date):
        return datetime.combine(value, dtime()).astimezone()
    text = value.strip()
    if text in ("last", "上次"):
        exports = load_peers(store).get("exports") if store is not None else None
        return datetime.fromisoformat(exports[-1]["at"]) if exports else None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), dtime()).astimezone()
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.astimezone()
    except ValueError:
        raise StoreError(f"日期无效：「{text}」（格式为 2026-11-26，或 last 表示上次导出以来）") from None


def resolve_branches(store: Store, wanted: list[str]) -> list[str]:
    """Branch ids for `--branch` values, each an id or an exact branch name."""
    ids = set(store.branch_ids())
    by_name: dict[str, list[str]] = defaultdict(list)
    if any(w not in ids for w in wanted):
        for b in store.branch_summaries():  # cached by file stat: no 2000 validations
            by_name[b.name].append(b.id)
    out: list[str] = []
    for w in wanted:
        if w in ids:
            out.append(w)
        elif len(by_name.get(w, [])) == 1:
            out.append(by_name[w][0])
        elif by_name.get(w):
            raise StoreError(f"有多个党支部名为「{w}」，请改用编号")
        else:
            raise NotFound(f"找不到党支部：{w}")
    return list(dict.fromkeys(out))


def _export_branch(
    store: Store, bid: str, since: datetime | None, whole: bool, templates: set[tuple[str, str, str]]
) -> BranchPart | None:
    data = store.branch_file(bid)
    changes = _by_record(_docs(data, CHANGES))
    items: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = []
    for kind in ("branch", "finding", "pocket", "weaklax", "member"):
        items.extend((kind, d, changes.get(d["id"], [])) for d in _docs(data, kind))
    for vid in store.visit_ids(bid):
        vdata = store.visit_file(bid, vid)
        vchanges = _by_record(_docs(vdata, CHANGES))
        items.extend(("visit", d, vchanges.get(d["id"], [])) for d in _docs(vdata, "visit"))

    def wanted(kind: str, doc: dict[str, Any], hist: list[dict[str, Any]]) -> bool:
        if since is None or whole:
            return True
        return any(datetime.fromisoformat(c["at"]) >= since for c in hist)

    chosen = [it for it in items if wanted(*it)]
    if not chosen:
        return None
    if not any(kind == "branch" for kind, _, _ in chosen):  # the branch always travels with its records
        chosen = [it for it in items if it[0] == "branch"] + chosen
    part = BranchPart(bid, {k: [] for k in BRANCH_KINDS})
    for kind, doc, hist in chosen:
        part.records[kind].append(doc)
        part.changes.extend(hist)
        if kind == "visit":
            templates.add((doc["template_id"], doc["template_version"], doc["template_hash"]))
    return part


def _attached(store: Store, parts: list[BranchPart]) -> dict[str, bytes]:
    """The files the exported visits' 整改报告 point at, by SHA-256 (one this folder lacks stays behind)."""
    out: dict[str, bytes] = {}
    for part in parts:
        for doc in part.records.get("visit", []):
            sha = (doc.get("report") or {}).get("attachment") or ""
            if sha and sha not in out and (data := attachments.read(store.root, sha)) is not None:
                out[sha] = data
    return out


def _export_committee(store: Store) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    data = store.committee_file()
    live = [d for d in _docs(data, "committee") if not d.get("deleted")]
    if not live:
        return None
    return live[0], [c for c in _docs(data, CHANGES) if c["record_id"] == live[0]["id"]]


def export_bundle(
    store: Store, path: str | Path, branches: list[str] | None = None, since: str | date | datetime | None = None
) -> ExportReport:
    """Write the chosen branches (default all) to one bundle file.

    With `since`, only records changed since then travel (each with its whole
    history, so the other side can always merge them), plus every record of a
    branch that received an import since then, so bundles relay onwards."""
    started, begun = time.perf_counter(), utcnow()
    path = Path(path).expanduser()
    since_at = parse_since(since, store)
    # Read without the data lock (each file is replaced atomically), so a
    # county-wide export never makes other users' saves wait.
    bids = resolve_branches(store, branches) if branches else store.branch_ids()
    received: set[str] = set()
    if since_at is not None:
        for entry in load_peers(store)["received"]:
            if datetime.fromisoformat(entry["at"]) >= since_at:
                received.update(entry["branches"])
    keys: set[tuple[str, str, str]] = set()
    parts = [p for bid in bids if (p := _export_branch(store, bid, since_at, bid in received, keys)) is not None]
    snaps = []
    for key in sorted(keys):
        snap = store.template_snapshot(*key)
        if snap is None:
            log.warning("template snapshot %s missing; visits that use it travel without it", key)
            continue
        snaps.append({k: v for k, v in snap.items() if not k.startswith("_")})
    manifest = write_bundle(
        path,
        installation_id=store.installation_id,
        user=store.user,
        branches=parts,
        templates=snaps,
        since=since_at.isoformat() if since_at else None,
        committee=_export_committee(store),
        attachments=_attached(store, parts),
    )
    counts = manifest["counts"]
    report = ExportReport(
        path=str(path),
        branches=counts["branches"],
        records=counts["records"],
        visits=counts["visits"],
        changes=counts["changes"],
        templates=counts["templates"],
        bytes=path.stat().st_size,
        since=since_at.isoformat(timespec="minutes") if since_at else None,
        seconds=0.0,
    )
    # The start time: what was saved while this export ran goes with the next "--since last".
    if not store.read_only:  # a read-only data folder still exports; "--since last" then uses the earlier one
        _note_export(store, report, begun)
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- conflicts
def _record_state(
    store: Store, kind: str, rid: str, bid: str, data: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    if kind == "visit":
        data = store.visit_file(bid, rid)
    elif kind == "committee":
        data = store.committee_file()
    elif data is None:
        data = store.branch_file(bid)
    doc = next((d for d in _docs(data, kind) if d["id"] == rid), None)
    return doc, [c for c in _docs(data, CHANGES) if c["record_id"] == rid]


def _title(kind: str, doc: dict[str, Any]) -> str:
    if kind == "visit":
        return str(doc.get("date", ""))
    text = str(doc.get("name") or doc.get("description") or doc.get("determined_on") or doc.get("id", ""))
    return text if len(text) <= 20 else text[:19] + "…"


def _conflict_at(
    store: Store,
    kind: str,
    rid: str,
    bid: str,
    path: str,
    owner: str,
    state: tuple[dict[str, Any] | None, list[dict[str, Any]]],
) -> Conflict | None:
    """The conflict on one field as it stands now (None when the field has one value)."""
    doc, history = state
    if doc is None:
        return None
    heads = _heads([c for c in history if c["field"] == path])
    if len(_distinct(heads)) < 2:
        return None
    sides = tuple(
        ConflictSide(
            h["id"],
            h["new"],
            h["who"],
            h["at"],
            h["inst"],
            h["inst"] == store.installation_id,
            show_value(field_value(kind, path, h["new"])),
        )
        for h in sorted(heads, key=_when)
    )
    return Conflict(
        conflict_id(rid, path), bid, owner, kind, rid, _title(kind, doc), path, ch.get_path(doc, path), sides
    )


def _committee_conflicts(store: Store) -> list[Conflict]:
    """The committee file is one small file: its conflicts are found from its history directly."""
    data = store.committee_file()
    out = []
    for doc in _docs(data, "committee"):
        state = _record_state(store, "committee", doc["id"], "", data)
        for path in sorted({c["field"] for c in state[1]} - {ch.CREATED}):
            found = _conflict_at(store, "committee", doc["id"], "", path, doc.get("name", ""), state)
            if found is not None:
                out.append(found)
    return out


def list_conflicts(store: Store, branch_ids: list[str] | None = None) -> list[Conflict]:
    """Every open conflict, by branch; a branch file without one is not even parsed."""
    out: list[Conflict] = [] if branch_ids else _committee_conflicts(store)
    for bid in branch_ids or store.branch_ids():
        if not store.branch_file_has(bid, b'"open":true'):
            continue
        data = store.branch_file(bid)
        owner = next(iter(_docs(data, "branch")), {}).get("name", bid)
        for mark in _docs(data, CONFLICTS):
            if mark.get("open"):
                state = _record_state(store, mark["kind"], mark["record_id"], bid, data)
                found = _conflict_at(store, mark["kind"], mark["record_id"], bid, mark["field"], owner, state)
                if found is not None:
                    out.append(found)
    return out


def resolve_conflict(store: Store, conflict_id_: str, choice: str) -> None:
    """Keep the side whose change id is `choice`: saved as a change by the
    current user that replaces every side, so the pick travels like any edit."""
    with store.lock():
        found = [c for c in list_conflicts(store) if c.id == conflict_id_]
        if not found:
            raise NotFound("该冲突已不存在（可能已在别处处理），请刷新")
        conflict = found[0]
        doc, history = _record_state(store, conflict.kind, conflict.record_id, conflict.branch_id)
        heads = _heads([c for c in history if c["field"] == conflict.field])
        picked = next((h for h in heads if h["id"] == choice), None)
        if doc is None or picked is None:
            raise StoreError("所选的值已不在冲突中，请刷新后重选")
        ids = sorted(h["id"] for h in heads)
        change = ch.Change(
            kind=conflict.kind,
            record_id=conflict.record_id,
            branch_id=conflict.branch_id or None,
            field=conflict.field,
            old=ch.get_path(doc, conflict.field),
            new=picked["new"],
            who=store.user,
            inst=store.installation_id,
            prev=",".join(ids),
        ).model_dump(mode="json")
        doc = dict(doc)
        ch.set_path(doc, conflict.field, picked["new"])
        try:
            doc = RECORD_TYPES[conflict.kind].model_validate(doc).model_dump(mode="json")
        except ValidationError as exc:
            raise StoreError(f"选择该值后记录无效：{validation_message(exc)}") from exc
        mark = {
            "id": conflict.id,
            "kind": conflict.kind,
            "record_id": conflict.record_id,
            "branch_id": conflict.branch_id,
            "field": conflict.field,
            "open": False,
        }
        bid = conflict.branch_id or None
        with store.transaction():
            store.ingest(conflict.kind, conflict.record_id, bid, doc, [change])
            if bid:
                store.ingest(CONFLICTS, conflict.id, bid, mark, [])


# Parts of dict values worth showing (an answer's who/at are in the side itself).
_PART_LABELS = {
    "value": "",
    "note": "备注：",
    "evidence": "佐证：",
    "leader": "责任领导：",
    "person": "责任人：",
    "goal": "目标：",
    "measures": "措施：",
    "deadline": "时限：",
    "responsible": "",
}


def show_value(value: Any) -> str:
    """A field value on one short line (answers and 四明确 are dicts)."""
    if isinstance(value, dict):
        value = "，".join(
            f"{_PART_LABELS[k]}{show_value(v)}"
            for k, v in value.items()
            if k in _PART_LABELS and v not in (None, "", {})
        )
    text = "（空）" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 60 else text[:59] + "…"
