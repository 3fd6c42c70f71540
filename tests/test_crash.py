"""Crash test: a writer process is SIGKILLed at random and at aimed moments.

The writer is forked from the test (a separate process with its own Store,
killed with SIGKILL like a closed lid or a dropped SSH session would). After
every save returns it appends a line to a report file with an unbuffered
os.write, so a line on record means "save() had returned". After each kill:
every data file parses, `inspector check` runs without writing anything and
names every temp file the kill left, the next open removes them, and every
reported save is on disk. Aimed kills use
storage's INSPECTOR_TEST_PAUSE hook: the writer stops itself (SIGSTOP) at the
n-th pass of a named point (temp file written / file replaced / journal
written / first journal rename / a visit's log record written but not synced
/ a visit file replaced by itself and its log, the log not yet removed) and
is killed there.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from datetime import date
from pathlib import Path

import orjson
import pytest
from storage_samples import branch, data_files, finding, snapshot, visit

from inspector.cli import main
from inspector.ledger.rows import Ledger
from inspector.models import Answer, AnswerValue, Finding, MemoRecord, RectificationReport, VisitStatus
from inspector.store import Store
from inspector.store.files import Journal

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGSTOP (POSIX)")

TODAY = date(2016, 12, 31)
PLAIN_POINTS = ("before_replace", "after_replace", "before_append", "log_appended", "log_folded")
JOURNAL_POINTS = ("journal_written", "journal_renamed", "before_replace", "after_replace", "log_folded")


class World:
    """Branches, a visit and findings the writer works on, made by the parent."""

    def __init__(self, root: Path):
        self.root = root
        self.store = Store(root, "检查员")
        self.branches = [self.store.save(branch(f"第{i}党支部")) for i in range(3)]
        self.txn_findings = [self.store.save(finding(b.id, description="事务计数")) for b in self.branches]
        self.txn_visit = self.store.save(visit(self.branches[0].id, answers={}))
        # Its issued memo and 整改报告 are in the derived index (the report's date changes below).
        self.memo_visit = self.store.save(
            visit(
                self.branches[1].id,
                status=VisitStatus.COMPLETED,
                memos=[MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2026, 11, 25))],
            )
        )

    def new_trial(self):
        b = self.branches[0]
        return self.store.save(visit(b.id, answers={})), self.store.save(finding(b.id, progress="0")), self.memo_visit


def _plain_writer(store: Store, report: int, v, f, memo_visit) -> None:
    """Answers, a counter and new findings, one save each, reported after
    return; now and then it refreshes the derived caches, as a reader would,
    and changes a 整改报告 the index keeps."""
    bid = v.branch_id
    for i in range(1, 100_000):
        if i % 5 == 0:
            store.branch_summaries()  # folds the index journal, writes its snapshot when it read files
            Ledger(store).rows(TODAY)
            Ledger(store).save_cache()  # cache/ledger.json, whatever it holds
            store.open_findings()  # cache/open.json, written when it read a branch file
            cur = store.visit(memo_visit.id, memo_visit.branch_id)
            received = RectificationReport(received_on=date(2026, 12, 1 + i % 28))
            store.save(cur.model_copy(update={"report": received}), base=cur)
        step = i % 3
        if step == 0:
            cur = store.visit(v.id, bid)
            answers = {**cur.answers, f"i{i}": Answer(value=AnswerValue.MET, note=f"第{i}项")}
            store.save(cur.model_copy(update={"answers": answers}), base=cur)
            os.write(report, f"a i{i}\n".encode())
        elif step == 1:
            cur = store.get(Finding, f.id, bid)
            store.save(cur.model_copy(update={"progress": str(int(cur.progress) + 1)}))
            os.write(report, f"f {int(cur.progress) + 1}\n".encode())
        else:
            new = store.save(finding(bid, description=f"新问题{i}"))
            os.write(report, f"n {new.id}\n".encode())


def _journal_writer(store: Store, report: int, world: World) -> None:
    """Transactions that set one counter in four files, reported after commit;
    before each, an answer to the visit among them goes to its log, which the
    transaction then folds into the visit file."""
    start = int(store.get(Finding, world.txn_findings[0].id, world.branches[0].id).progress or 0)
    for k in range(start + 1, start + 100_000):
        cur = store.visit(world.txn_visit.id, world.branches[0].id)
        answers = {**cur.answers, f"t{k}": Answer(value=AnswerValue.MET)}
        store.save(cur.model_copy(update={"answers": answers}), base=cur)
        os.write(report, f"a t{k}\n".encode())
        with store.transaction():
            for f in world.txn_findings:
                store.save(f.model_copy(update={"progress": str(k)}))
            cur = store.visit(world.txn_visit.id, world.branches[0].id)
            store.save(cur.model_copy(update={"summary": str(k)}))
        os.write(report, f"t {k}\n".encode())


def _run_child(world: World, report_path: Path, mode: str, pause: str | None, trial) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        if pause:
            os.environ["INSPECTOR_TEST_PAUSE"] = pause
        report = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        store = Store(world.root, "写入进程")
        if mode == "plain":
            _plain_writer(store, report, *trial)
        else:
            _journal_writer(store, report, world)
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _kill(pid: int, pause: str | None, delay: float, report_path: Path) -> str:
    if pause:
        _, status = os.waitpid(pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            return f"writer ended before {pause}"
    else:  # a random moment after the writer's first save, whatever the machine's speed
        deadline = time.monotonic() + 20
        while not (report_path.exists() and report_path.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        return "writer died before the kill"
    return ""


def _derived_views(root: Path) -> tuple:
    store = Store(root, "检查员")
    return (
        store.branch_summaries(),
        [(s.id, f) for s, f in Ledger(store).stored(TODAY)],
        store.open_findings(),
    )


def _derived_problems(root: Path) -> list[str]:
    """The derived caches as a kill left them (the index's snapshot and
    journal, the ledger cache, the open findings) give what the data files
    give, as do damaged ones and none at all: they hold nothing of their own."""
    cached = _derived_views(root)
    problems = []
    if not any(s.memos for s in cached[0]):
        problems.append("the issued memo is missing from the summaries")
    shutil.copytree(root / "cache", root / "cache.as-left")
    for name in ("index.json", "index.log", "ledger.json", "open.json"):
        path = root / "cache" / name
        if path.exists():
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    if _derived_views(root) != cached:
        problems.append("damaged caches change what is listed")
    shutil.rmtree(root / "cache")
    shutil.move(root / "cache.as-left", root / "cache")
    (root / "cache" / "index.json").unlink(missing_ok=True)  # the journal alone, folded from its start
    if _derived_views(root) != cached:
        problems.append("the index journal alone disagrees with the data files")
    shutil.rmtree(root / "cache")
    if _derived_views(root) != cached:
        problems.append("the caches as the kill left them disagree with the data files")
    return problems


def _corrupt_files(root: Path) -> list[Path]:
    bad = []
    for path in data_files(root):
        try:
            orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            bad.append(path)
    return bad


def _lost_plain_saves(store: Store, report: list[str], v, f) -> list[str]:
    bid = v.branch_id
    answers = store.visit(v.id, bid).answers
    progress = int(store.get(Finding, f.id, bid).progress)
    ids = {x.id for x in store.findings(bid)}
    lost = []
    for line in report:
        kind, value = line.split()
        if (
            (kind == "a" and value not in answers)
            or (kind == "f" and progress < int(value))
            or (kind == "n" and value not in ids)
        ):
            lost.append(line)
    last = [int(line.split()[1]) for line in report if line.startswith("f ")]
    history = [c for c in store.history(f) if c.field == "progress"]
    if len(history) != progress:  # every increment that reached disk has its change record
        lost.append(f"history has {len(history)} progress changes for {progress}")
    if last and progress > last[-1] + 1:
        lost.append(f"progress {progress} beyond the last reported {last[-1]} + 1")
    return lost


def _temp_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tmp"))


def _check_writes_nothing_and_names_leftovers(root: Path, capsys) -> list[str]:
    """Run `inspector check` on the folder as the kill left it."""
    problems = []
    capsys.readouterr()
    before, temps = snapshot(root), _temp_files(root)
    main(["--data", str(root), "check"])
    out = capsys.readouterr().out
    if snapshot(root) != before:
        problems.append("check changed the folder")
    problems += [f"check did not name {p}" for p in temps if f"可清理：{p}" not in out]
    return problems


def _journal_state(store: Store, world: World) -> list[str]:
    values = [store.get(Finding, f.id, f.branch_id).progress for f in world.txn_findings]
    return values + [store.visit(world.txn_visit.id, world.branches[0].id).summary or ""]


def test_sigkill_never_corrupts_a_file_nor_loses_a_returned_save(tmp_path, capsys):
    rng = random.Random(20161)
    world = World(tmp_path / "data")
    trials = []
    for _ in range(18):
        trials.append(("plain", None))
    for _ in range(14):
        trials.append(("journal", None))
    for point in PLAIN_POINTS:
        trials += [("plain", f"{point}@{rng.randint(1, 12)}") for _ in range(6)]
    for point in JOURNAL_POINTS:
        trials += [("journal", f"{point}@{rng.randint(1, 9)}") for _ in range(4)]
    rng.shuffle(trials)

    figures = {
        "trials": 0,
        "corrupt": 0,
        "lost": 0,
        "saves_reported": 0,
        "journal_left": 0,
        "mixed_before_recovery": 0,
        "temp_files_left_by_kills": 0,
        "temp_files_after_open": 0,
        "trials_leaving_visit_logs": 0,
    }
    problems = []
    for n, (mode, pause) in enumerate(trials):
        trial = world.new_trial() if mode == "plain" else None
        report_path = tmp_path / f"report-{n}.txt"
        pid = _run_child(world, report_path, mode, pause, trial)
        why = _kill(pid, pause, rng.uniform(0, 0.12), report_path)
        assert not why, f"trial {n} ({mode}, {pause}): {why}"
        figures["trials"] += 1
        report = report_path.read_text().splitlines() if report_path.exists() else []
        figures["saves_reported"] += len(report)

        corrupt = _corrupt_files(world.root)
        figures["corrupt"] += len(corrupt)
        problems += [f"trial {n}: corrupt {p}" for p in corrupt]

        if mode == "journal" and (world.root / Journal.NAME).exists():
            figures["journal_left"] += 1
            seen = set()
            for f in world.txn_findings:
                raw = orjson.loads((world.store.branch_dir(f.branch_id) / "branch.json").read_bytes())
                seen |= {d["progress"] for d in raw["finding"].values() if d["id"] == f.id}
            figures["mixed_before_recovery"] += len(seen) > 1  # the kill landed between two renames
        problems += [f"trial {n}: {x}" for x in _check_writes_nothing_and_names_leftovers(world.root, capsys)]
        figures["temp_files_left_by_kills"] += len(_temp_files(world.root))
        figures["trials_leaving_visit_logs"] += any(world.root.rglob(".*.json.log"))
        fresh = Store(world.root, "检查员")  # takes the lock: finishes a half-done journal, removes leftovers
        assert not (world.root / Journal.NAME).exists()
        left = _temp_files(world.root)
        figures["temp_files_after_open"] += len(left)
        problems += [f"trial {n}: left after the next open: {p}" for p in left]
        problems += [f"trial {n}: {x}" for x in _derived_problems(world.root)]
        if mode == "plain":
            lost = _lost_plain_saves(fresh, report, *trial[:2])
        else:
            state = _journal_state(fresh, world)
            done = [int(line.split()[1]) for line in report if line.startswith("t ")]
            answers = fresh.visit(world.txn_visit.id, world.branches[0].id).answers
            lost = [line for line in report if line.startswith("a ") and line.split()[1] not in answers]
            if len(set(state)) != 1:
                lost.append(f"transaction half applied: {state}")
            elif done and int(state[0]) < done[-1]:
                lost.append(f"transaction {done[-1]} returned but disk holds {state[0]}")
        figures["lost"] += len(lost)
        problems += [f"trial {n} ({mode}, {pause}): {x}" for x in lost]
        assert not fresh.errors, fresh.errors

    print(f"\ncrash test: {figures}")
    assert figures["trials"] >= 50
    assert figures["saves_reported"] >= 32  # each randomly killed writer had saved at least once
    assert figures["mixed_before_recovery"] >= 1  # aimed kills did land between journal renames
    assert figures["trials_leaving_visit_logs"] >= 1  # saves were appended to logs the next open read
    assert problems == []
