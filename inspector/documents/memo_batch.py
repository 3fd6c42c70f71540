"""Draft memos for every completed visit without a current one and not issued, on every core (`memo --all`, the app's `a`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from inspector import clock
from inspector.checklist import load_sources
from inspector.documents.memo import (
    MemoInputs,
    criteria_texts,
    gather,
    is_current,
    issued,
    record_staged,
    write_memo,
)
from inspector.documents.officialdoc import StagedFile
from inspector.errors import StoreError
from inspector.models import Visit, VisitKind, VisitStatus
from inspector.settings import load_settings
from inspector.store import BranchRecords, Store
from inspector.store.files import ensure_dir

if TYPE_CHECKING:
    from inspector.checklist import ChecklistTemplate


# ----------------------------------------------------------------- many memos
@dataclass
class Outcome:
    visit_id: str
    status: str  # written / current / issued / skipped / failed
    file: str = ""
    message: str = ""


class _Batch:
    """Per-process state of `memo --all`: its own Store, settings and caches."""

    def __init__(self, root: str, user: str, out_dir: str, force: bool, today: date, extra_dirs: Sequence[str]):
        self.store = Store(root, user)
        self.settings = load_settings(self.store.root)
        self.criteria = criteria_texts(self.store.root, [Path(d) for d in extra_dirs])
        self.sources = load_sources([self.store.root / "checklists", *extra_dirs])
        self.out_dir = Path(out_dir)
        self.force = force
        self.today = today
        self.templates: dict[tuple[str, str, str], ChecklistTemplate] = {}

    def run(self, bids: Sequence[str]) -> list[Outcome]:
        """A memo for each completed visit of the branches, as each branch
        file's index lists them; each file is read once, for the listing and
        the memos.

        A helper thread writes and syncs each memo's file (`StagedFile`) while
        this one reads and renders the next memo; the memo is recorded once
        the next one is rendered. The helper only waits for the disk: rendering
        there instead would keep this thread, holding the store's lock, waiting
        for the interpreter after each system call of its save."""
        out: list[Outcome] = []
        pending: tuple[int, Visit, MemoInputs, Future[StagedFile]] | None = None

        def record() -> None:
            assert pending is not None
            slot, visit, inputs, staging = pending
            out[slot] = self.record(visit, inputs, staging)

        with ThreadPoolExecutor(max_workers=1) as helper:
            try:
                for bid in bids:
                    try:
                        records = self.store.branch_records(bid)
                    except (StoreError, OSError):  # an unreadable branch file is left out (`check` names it)
                        continue
                    for v in records.visits:
                        if v.status is not VisitStatus.COMPLETED:
                            continue
                        step = self.prepare(bid, v.id, records)
                        if isinstance(step, Outcome):
                            out.append(step)
                            continue
                        visit, inputs, path, payload = step
                        out.append(Outcome(v.id, "failed"))  # its place, filled in by `record`
                        if pending is not None:
                            record()
                        # Synced while the next memo is rendered, not while the last
                        # one's save holds the lock: its fsync would wait for this one's.
                        staging = helper.submit(StagedFile, path, payload, force=self.force)
                        pending = (len(out) - 1, visit, inputs, staging)
                if pending is not None:
                    record()
                    pending = None
            finally:
                if pending is not None:  # left by an unexpected error: no temp file stays behind
                    with contextlib.suppress(Exception):
                        pending[3].result().discard()
        return out

    def prepare(self, bid: str, vid: str, records: BranchRecords) -> Outcome | tuple[Visit, MemoInputs, Path, bytes]:
        """The visit, its memo's inputs, file and rendered memo; or the outcome
        when no memo is to be written (or a read-only folder's was)."""
        from inspector.templates import template_of

        try:
            visit = self.store.visit(vid, bid)
            if visit.status != VisitStatus.COMPLETED:  # reopened since the index was read
                return Outcome(vid, "skipped", message="未完成")
            if visit.visit_kind != VisitKind.GUIDANCE:  # a 回头看 has its own memo (`followup_memo.py`)
                return Outcome(vid, "skipped", message="回头看")
            done = issued(visit)
            if done is not None:  # a signed snapshot: never regenerated
                return Outcome(vid, "issued", done.file)
            key = (visit.template_id, visit.template_version, visit.template_hash)
            if key not in self.templates:
                self.templates[key] = template_of(self.store, visit)
            inputs = gather(
                self.store,
                visit,
                settings=self.settings,
                criteria=self.criteria,
                template=self.templates[key],
                sources=self.sources,
                records=records,
            )
            if is_current(visit, inputs.content_hash()):
                return Outcome(vid, "current")
            if self.store.read_only:  # drafts are written but not recorded (`write_memo`)
                rec = write_memo(
                    self.store, visit, out_dir=self.out_dir, force=self.force, today=self.today, inputs=inputs
                )
                return Outcome(vid, "written", rec.file)
            path = (self.out_dir / inputs.filename(visit, issued=False)).absolute()
            return visit, inputs, path, inputs.payload(self.today, "")
        except (StoreError, ValueError, OSError) as exc:
            return Outcome(vid, "failed", message=str(exc))

    def record(self, visit: Visit, inputs: MemoInputs, staging: Future[StagedFile]) -> Outcome:
        try:
            rec = record_staged(self.store, visit, inputs, staging.result(), today=self.today)
        except (StoreError, ValueError, OSError) as exc:
            return Outcome(visit.id, "failed", message=str(exc))
        return Outcome(visit.id, "written", rec.file)


_BATCH: _Batch | None = None


def _init_worker(*args) -> None:
    global _BATCH
    _BATCH = _Batch(*args)


def _work(bids: list[str]) -> list[Outcome]:
    assert _BATCH is not None
    return _BATCH.run(bids)


def write_all(
    store: Store,
    out_dir: Path,
    *,
    force: bool = False,
    today: date | None = None,
    extra_dirs: Sequence[Path] = (),
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """A memo for every completed visit without a current one, on every core.

    The processes are given branches, not visits: each lists its branches'
    completed visits from the file it reads for their memos anyway, instead
    of this one reading every branch file first while they wait. `progress`
    counts branches done."""
    import gc
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, as_completed

    out_dir = Path(out_dir).expanduser().absolute()
    ensure_dir(out_dir)  # owner-only (or the shared group's): memos name people and findings
    today = today or clock.today()
    bids = store.branch_ids()
    workers = workers or os.cpu_count() or 1
    args = (str(store.root), store.user, str(out_dir), force, today, [str(d) for d in extra_dirs])
    done: list[Outcome] = []
    if progress:
        progress(0, len(bids))
    if workers <= 1 or len(bids) < 4:
        batch = _Batch(*args)
        for n, bid in enumerate(bids, 1):
            done.extend(batch.run([bid]))
            if progress:
                progress(n, len(bids))
        return done
    size = max(1, min(16, len(bids) // (workers * 8)))
    chunks = [bids[i : i + size] for i in range(0, len(bids), size)]
    # Fork is quick (the children inherit the imports), but forking a process
    # that runs threads (the app calls this from a worker thread) can
    # deadlock the children: then spawn.
    single = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if single else "spawn")
    # What the children inherit is never garbage: frozen, their collector
    # neither walks it nor copies its pages by touching it.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=args
        ) as pool:
            futures = {pool.submit(_work, c): len(c) for c in chunks}
            branches = 0
            for fut in as_completed(futures):
                done.extend(fut.result())
                branches += futures[fut]
                if progress:
                    progress(branches, len(bids))
    finally:
        gc.unfreeze()
    return done
