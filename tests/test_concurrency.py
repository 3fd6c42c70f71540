"""Two processes updating the same branch at once: nothing lost, nothing torn.

Each worker (a fresh interpreter) runs ROUNDS rounds of four saves on one
branch file and one visit file shared with the other worker:
  * its own counter: read-modify-write of its own finding (same file as the other's);
  * a shared counter under `store.lock()` (classic read-modify-write);
  * an answer appended to the shared visit through `save(..., base=...)`;
  * an optimistic append to one shared text field through `base`, retried
    on EditConflict — a silent overwrite would show as a missing token.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter

import orjson
import pytest
from storage_samples import branch, data_files, finding, visit

from inspector.errors import StoreBusy
from inspector.models import Finding
from inspector.store import Store

ROUNDS = 100  # x 4 kinds of save = 400 updates per process (at least 200 wanted)

WORKER = textwrap.dedent(
    """
    import json, sys, time
    from inspector.models import Answer, AnswerValue, Finding
    from inspector.store import Store
    from inspector.errors import EditConflict

    root, me, bid, vid, own, shared, optimistic = sys.argv[1:]
    store = Store(root, me)
    conflicts = 0

    def bump(f):
        return f.model_copy(update={"progress": str(int(f.progress) + 1)})

    t0 = time.perf_counter()
    for i in range(ROUNDS):
        store.save(bump(store.get(Finding, own, bid)))
        with store.lock():
            store.save(bump(store.get(Finding, shared, bid)))
        cur = store.visit(vid, bid)
        answer = Answer(value=AnswerValue.MET, note=f"{me}第{i}条", who=me)
        store.save(cur.model_copy(update={"answers": {**cur.answers, f"{me}-{i}": answer}}), base=cur)
        while True:
            cur = store.get(Finding, optimistic, bid)
            try:
                store.save(cur.model_copy(update={"goal": cur.goal + f"|{me}{i}"}), base=cur)
                break
            except EditConflict:
                conflicts += 1
    print(json.dumps({"conflicts": conflicts, "seconds": time.perf_counter() - t0, "saves": 4 * ROUNDS + conflicts}))
    """
).replace("ROUNDS", str(ROUNDS))


def test_two_processes_lose_no_update(tmp_path):
    root = tmp_path / "data"
    store = Store(root, "组织委员")
    b = store.save(branch())
    v = store.save(visit(b.id, answers={}))
    mine, theirs, shared, optimistic = (store.save(finding(b.id, description=d, progress="0")) for d in "甲乙丙丁")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root), who, b.id, v.id, own.id, shared.id, optimistic.id],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, own in (("甲", mine), ("乙", theirs))
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        results.append(json.loads(out))

    assert [p for p in data_files(root) if not _parses(p)] == []
    fresh = Store(root, "组织委员")
    get = lambda f: fresh.get(Finding, f.id, b.id)  # noqa: E731
    assert (get(mine).progress, get(theirs).progress) == (str(ROUNDS), str(ROUNDS))
    assert get(shared).progress == str(2 * ROUNDS)
    tokens = get(optimistic).goal.split("|")[1:]
    assert sorted(tokens) == sorted(f"{who}{i}" for who in "甲乙" for i in range(ROUNDS))
    assert [t for t in tokens if t.startswith("甲")] == [f"甲{i}" for i in range(ROUNDS)]
    answers = fresh.visit(v.id, b.id).answers
    assert set(answers) == {f"{who}-{i}" for who in "甲乙" for i in range(ROUNDS)}

    # History is complete: one change per increment and per answer, each
    # change following the previous one on the same field (no forks).
    for f, expected in ((mine, ROUNDS), (theirs, ROUNDS), (shared, 2 * ROUNDS)):
        hist = [c for c in fresh.history(f) if c.field == "progress"]
        assert [c.new for c in hist] == [str(n) for n in range(1, expected + 1)]
        assert [c.prev for c in hist[1:]] == [c.id for c in hist[:-1]]
    hist = [c for c in fresh.history(optimistic) if c.field == "goal"]
    assert len(hist) == 2 * ROUNDS and all(c.old == p.new for p, c in zip(hist, hist[1:]))
    assert [c.prev for c in hist[1:]] == [c.id for c in hist[:-1]]
    vhist = [c for c in fresh.history(v) if c.field.startswith("answers.")]
    assert Counter(c.who for c in vhist) == {"甲": ROUNDS, "乙": ROUNDS}
    raw = orjson.loads((fresh.branch_dir(b.id) / "branch.json").read_bytes())
    ids = [c["id"] for c in raw["changes"].values()]
    assert len(ids) == len(set(ids)) == 1 + 4 + 6 * ROUNDS
    assert fresh.errors == {}
    print(f"\nconcurrency: {ROUNDS} rounds x 4 saves per process, results {results}")


def _parses(path) -> bool:
    try:
        orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        return False
    return True


def test_threads_of_one_process_exclude_each_other(tmp_path):
    """The app saves from worker threads too: a thread waits for another's
    hold as a process does, and re-enters its own."""
    store = Store(tmp_path / "data", "甲", lock_timeout=0.2)
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.lock(), store.lock():  # re-entered in its thread
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(StoreBusy), store.lock():
            pass
    finally:
        release.set()
        holder.join()
    with store.lock():
        assert store.lock.held
    assert not store.lock.held


def test_lock_file_removed_while_waited_for(tmp_path):
    """A waiter that gets the lock of a file someone removed meanwhile takes
    the lock of the file there now, so the next taker still waits for it."""
    store = Store(tmp_path / "data", "甲")
    lock = store.root / ".lock"
    held, taken, release = threading.Event(), threading.Event(), threading.Event()

    def wait_for_it():
        held.wait(10)
        with store.lock():
            taken.set()
            release.wait(10)

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    try:
        with store.lock():
            held.set()
            time.sleep(0.2)  # the waiter opens the old file and polls it meanwhile
            lock.unlink()
        assert taken.wait(10)
        fd = os.open(lock, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    finally:
        release.set()
        waiter.join()
