"""Draft memos for every completed visit without a current one and not issued, on every core (`memo --all`, the app's `a`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from inspector import clock
from inspector.checklist import load_sources
from inspector.documents.memo import criteria_texts, gather, is_current, issued, write_memo
from inspector.errors import StoreError
from inspector.models import VisitKind, VisitStatus
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

    def branch(self, bid: str) -> list[Outcome]:
        """A memo for each completed visit of the branch, as its file's index
        lists them; the file is read once, for the listing and the memos."""
        try:
            records = self.store.branch_records(bid)
        except (StoreError, OSError):  # an unreadable branch file is left out (`check` names it)
            return []
        return [self.one(bid, v.id, records) for v in records.visits if v.status is VisitStatus.COMPLETED]

    def one(self, bid: str, vid: str, records: BranchRecords | None = None) -> Outcome:
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
            rec = write_memo(self.store, visit, out_dir=self.out_dir, force=self.force, today=self.today, inputs=inputs)
            return Outcome(vid, "written", rec.file)
        except (StoreError, ValueError, OSError) as exc:
            return Outcome(vid, "failed", message=str(exc))


_BATCH: _Batch | None = None


def _init_worker(*args) -> None:
    global _BATCH
    _BATCH = _Batch(*args)


def _work(bids: list[str]) -> list[Outcome]:
    assert _BATCH is not None
    return [o for bid in bids for o in _BATCH.branch(bid)]


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
            done.extend(batch.branch(bid))
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
