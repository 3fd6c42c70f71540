"""The data folder: where every record lives and how it is saved.

Layout (each `.json` is a TinyDB file written by `AtomicJSONStorage`)::

    <data>/meta.json                         installation id, schema
    <data>/settings.json                     committee settings
    <data>/committee.json                    the committee record + its changes
    <data>/branches/<branch id>/branch.json  branch, findings, pocket members,
                                             weak/lax determinations, visit index, changes
    <data>/branches/<branch id>/visits/<visit id>.json   one visit + its changes
    <data>/templates/<id>@<version>-<hash>.json          checklist versions in use
    <data>/cache/index.json, index.log       the derived index (store/index.py), rebuilt when stale
    <data>/cache/open.json                   open findings by branch (store/open_index.py), the same way
    <data>/logs/<login>.log
    <data>/.lock                             the folder's lock, with who holds it (blank when free)

A save rewrites one small file (a visit file for an answer, a branch file for
a finding) under the folder's lock, so a save costs milliseconds at county
scale and two processes never lose each other's updates.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import getpass
import itertools
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from inspector.errors import CorruptFile, EditConflict, NotFound, SaveFailed, StoreError
from inspector.models import (
    SCHEMA_VERSION,
    Branch,
    Committee,
    Finding,
    FindingStatus,
    Member,
    PocketMember,
    Record,
    Stage,
    Visit,
    VisitStatus,
    WeakLaxDetermination,
    new_id,
    utcnow,
)
from inspector.pinyin import full, initials
from inspector.store import changes as ch
from inspector.store import open_index
from inspector.store.files import (
    LOG_SUFFIX,
    READ_ONLY_ERRNOS,
    DataLock,
    Journal,
    Shard,
    digest,
    ensure_dir,
    file_signature,
    json_payload,
    parse,
    read_bytes,
    read_error,
    read_json_file,
    read_tables,
    take_written,
    write_json_file,
)
from inspector.store.index import (
    ISSUED_NEEDLE,
    BranchSummary,
    Entry,
    FolderIndex,
    IssuedMemo,
    branch_line,
    issued_memo,
    spell,
    summarise,
    summary_tables,
    unspelled,
    visit_line,
)
from inspector.store.index import append as append_to_index
from inspector.store.shape import CHANGES, VISIT_INDEX, check_tables
from inspector.store.shape import INDEXED as _INDEXED
from inspector.store.upgrade import upgrade_folder

# The county-wide listings never read the change history (most of a branch
# file): its documents are checked when a shard reads it, not on every scan.
_SCAN_SKIPS = frozenset({CHANGES})

R = TypeVar("R", bound=Record)
B = TypeVar("B", bound=Branch)

BRANCH_TABLES = ("branch", "finding", "pocket", "weaklax", "member")
#: Forms that could not be saved, per user: `<data>/drafts/<user>/<kind>.<id>.json`.
DRAFTS = "drafts"
SETTINGS = "settings.json"
_SHARD_CACHE_SIZE = 64
#: A hold of the lock that wrote more files than this (a county import) leaves
#: them to the next reader's signature check instead of journalling each.
_INDEX_BATCH = 64
#: Journal lines a reader folds before it writes a new snapshot of the index.
_SNAPSHOT_AFTER = 200
#: `branch_summaries` gives its summaries before spelling names (`listed`) when it read more branch files than this.
_LISTING_AFTER = 100


def current_user(explicit: str | None = None) -> str:
    """Who acts: --user, then INSPECTOR_USER, then the login name."""
    if explicit:
        return explicit
    env = os.environ.get("INSPECTOR_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@dataclass
class BranchData:
    """One branch with everything recorded about it."""

    branch: Branch
    visits: list[Visit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pockets: list[PocketMember] = field(default_factory=list)
    weaklax: list[WeakLaxDetermination] = field(default_factory=list)


@dataclass(frozen=True)
class BranchRecords:
    """A branch's live records, without its visits' own files or its roster:
    what a memo draws on (`Store.branch_records`)."""

    branch: Branch
    findings: list[Finding]
    pockets: list[PocketMember]
    weaklax: list[WeakLaxDetermination]
    visits: list[VisitEntry]


@dataclass(frozen=True)
class Clash:
    """One field two people changed: its value before (`old`), `theirs` (by `who`, `at`) and `mine`."""

    field: str
    old: Any
    theirs: Any
    mine: Any
    who: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class VisitEntry:
    """One visit as its branch file's index lists it (no answers): what
    county-wide listings need without opening the visit files."""

    id: str
    branch_id: str
    date: date
    status: VisitStatus
    template_id: str
    completed_at: datetime | None
    deleted: bool
    stages: tuple[Stage, ...]

    @classmethod
    def from_index(cls, bid: str, doc: dict[str, Any]) -> VisitEntry:
        """From a stored index entry (its shape checked by `store/shape.py` on read)."""
        done = doc.get("completed_at")
        return cls(
            id=doc["id"],
            branch_id=bid,
            date=date.fromisoformat(doc["date"]),
            status=VisitStatus(doc["status"]),
            template_id=doc.get("template_id") or "",
            completed_at=datetime.fromisoformat(done) if done else None,
            deleted=bool(doc.get("deleted")),
            stages=tuple(Stage(code) for code in doc.get("stages") or ()),
        )


_ADAPTERS: dict[type, TypeAdapter] = {}


def _validate_many(cls: type[R], docs: Iterable[dict[str, Any]]) -> list[R]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(list[cls])  # type: ignore[valid-type]
    return adapter.validate_python([d for d in docs if not d.get("deleted")])


class Store:
    """Every read and write of one data folder.

    Each `save` is complete when it returns: the file is on disk, synced, and
    the change history written with it in the same atomic replace.

    Reading never needs the lock. `read_only` (asked for, as `check` does, or
    found because the folder may not be written) opens without it, so
    nothing is created, recovered or tidied; a save then fails with one line.
    """

    def __init__(
        self,
        root: str | Path,
        user: str | None = None,
        *,
        lock_timeout: float = 15.0,
        read_only: bool = False,
        upgrading: Callable[[int], None] | None = None,
    ):
        self.root = Path(root).expanduser().resolve()
        self.user = current_user(user)
        self.read_only = read_only
        self.lock = DataLock(self.root, timeout=lock_timeout, user=self.user)
        self._shards: OrderedDict[Path, Shard] = OrderedDict()
        self._branches_prefix = os.path.join(self.root, "branches", "")
        #: The newest change id per field of the record `_write` saved last, and
        #: the history table they describe: while the file's cached history is
        #: that same dict, the next save of the record needs no scan of it.
        self._heads: tuple[str, dict[str, Any], dict[str, str]] | None = None
        #: The last file `_shard_for` named, and for what: paths cost more to build than to look up.
        self._last_path: tuple[tuple[str, str, str | None], Path] | None = None
        self._journal: Journal | None = None
        self._index: FolderIndex | None = None
        self._findings_cache: dict[str, tuple[Any, list[Finding]]] = {}
        self._open: dict[str, open_index.OpenEntry] | None = None
        self._installation_id: str | None = None
        #: The record `save` returned last, as it was stored (`_dump_of`, `_revalidated`).
        self._saved: _Saved | None = None
        self.errors: dict[Path, str] = {}
        if read_only:
            self.lock.read_only = True
            return
        try:
            ensure_dir(self.root)
            with self.lock():  # taking the lock first finishes a crashed transaction
                upgrade_folder(self.root, upgrading)
                self._installation_id = self._meta(create=True)
        except SaveFailed as exc:
            if exc.errno not in READ_ONLY_ERRNOS:
                raise
            self.read_only = self.lock.read_only = True
            return
        self.lock.after_writes = self._index_writes

    # ------------------------------------------------------------------ meta
    @property
    def installation_id(self) -> str:
        found = self._installation_id
        if found is None:
            found = self._meta(create=False)
            if found is None:
                with self.lock():
                    found = self._meta(create=True)
            assert found is not None  # _meta(create=True) writes one when there is none
            self._installation_id = found
        return found

    @installation_id.setter
    def installation_id(self, value: str) -> None:
        self._installation_id = value

    def _meta(self, *, create: bool) -> str | None:
        path = self.root / "meta.json"
        meta = read_json_file(path)
        if meta is not None and isinstance(meta.get("installation_id"), str):
            return meta["installation_id"]
        if not create:
            return None
        meta = {"installation_id": new_id(), "schema": SCHEMA_VERSION, "created": utcnow().isoformat()}
        write_json_file(path, meta)
        return meta["installation_id"]

    def change_signature(self) -> bytes | None:
        """Differs from the last call's value once anyone, in any process, has
        saved anything here: a read of a few bytes, cheap enough to ask every
        second or two (see `DataLock`)."""
        return self.lock.change_token()

    def is_empty(self) -> bool:
        return not self.branch_ids() and self.committee() is None

    # ---------------------------------------------------------------- shards
    def branch_dir(self, bid: str) -> Path:
        return self.root / "branches" / _safe_id(bid)

    def _shard(self, path: Path) -> Shard:
        shard = self._shards.get(path)
        if shard is None:
            shard = self._shards[path] = Shard(path)
            # Never evict during a transaction: the staged content lives in the shard.
            while len(self._shards) > _SHARD_CACHE_SIZE and self._journal is None:
                self._shards.popitem(last=False)
        else:
            self._shards.move_to_end(path)
        if self._journal is not None:
            shard.storage._held = self._journal
        return shard

    def _shard_for(self, kind: str, record_id: str, branch_id: str | None) -> Shard:
        key = (kind, record_id, branch_id)
        last = self._last_path
        if last is None or last[0] != key:  # a save asks twice, and the next answer again
            last = self._last_path = (key, self._shard_path(kind, record_id, branch_id))
        return self._shard(last[1])

    def _shard_path(self, kind: str, record_id: str, branch_id: str | None) -> Path:
        if kind == "committee":
            return self.root / "committee.json"
        if kind == "visit":
            assert branch_id, "a visit needs its branch"
            return self.branch_dir(branch_id) / "visits" / f"{_safe_id(record_id)}.json"
        bid = record_id if kind == "branch" else branch_id
        assert bid, f"a {kind} needs its branch"
        return self.branch_dir(bid) / "branch.json"

    def _load(self, shard: Shard, *, fresh: bool = False) -> dict[str, Any]:
        """The shard's content; `fresh` (under the lock, before a write)
        re-checks the file itself rather than trusting its stat."""
        try:
            data = shard.fresh() if fresh else shard.raw()
        except CorruptFile as exc:
            self.errors[exc.path] = str(exc)
            raise
        self.errors.pop(shard.path, None)
        return data

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Several saves applied all together or not at all (sync imports)."""
        with self.lock():
            if self._journal is not None:  # nested: the outer one commits
                yield
                return
            journal = self._journal = Journal(self.root)
            committed = False
            try:
                yield
                journal.commit()
                committed = True
            except BaseException:
                journal.abort()
                raise
            finally:
                self._end_journal(committed)

    def _end_journal(self, committed: bool) -> None:
        self._journal = None
        for shard in self._shards.values():
            shard.storage.end_transaction(committed)
        while len(self._shards) > _SHARD_CACHE_SIZE:
            self._shards.popitem(last=False)

    @contextlib.contextmanager
    def staging(self, seen: dict[Path, bytes | None] | None = None) -> Iterator[Journal]:
        """Saves and ingests made inside are only built, in the journal this
        yields, without the lock and without writing anything: a long write (a
        county bundle) prepares so, then commits in short turns of the lock
        (`commit_staged`). The journal notes a digest of every file read
        (`seen`, starting from the given one) and whether one changed while
        it was read (`stale`)."""
        assert self._journal is None, "staging inside a transaction"
        journal = self._journal = Journal(self.root, seen)
        try:
            yield journal
        finally:
            self._end_journal(committed=False)

    def unchanged(self, journal: Journal) -> bool:
        """Whether every file `journal` read is still as it was (call under the lock)."""
        for path, seen in journal.seen.items():
            found = read_bytes(path)
            if digest(found[0] if found else None) != seen:
                return False
        return True

    def commit_staged(self, journals: Iterable[Journal]) -> None:
        """Write what several `staging` journals built, all or nothing. The
        caller holds the lock and has checked each with `unchanged`."""
        assert self.lock.held, "commit_staged needs the lock"
        combined = Journal(self.root)
        for journal in journals:
            combined.staged.update(journal.staged)
        combined.commit()

    def _staged_names(self, folder: Path) -> set[str]:
        """Files created inside the running transaction, not yet on disk."""
        if self._journal is None:
            return set()
        return {p.name for p in self._journal.staged if p.parent == folder}

    # ----------------------------------------------------------------- reads
    def branch_ids(self) -> list[str]:
        base = self.root / "branches"
        staged = {p.parent.name for p in self._journal.staged if p.parent.parent == base} if self._journal else set()
        try:
            return sorted(staged.union(e.name for e in os.scandir(base) if e.is_dir()))
        except FileNotFoundError:
            return sorted(staged)
        except OSError as exc:  # nothing can be listed without it
            raise read_error(exc, base) from exc

    def committee(self) -> Committee | None:
        found = self._records(Committee, self._shard(self.root / "committee.json"))
        return found[0] if found else None

    def _records(self, cls: type[R], shard: Shard) -> list[R]:
        try:
            return _validate_file(cls, shard.path, (self._load(shard).get(cls.kind) or {}).values())
        except CorruptFile as exc:
            self.errors[exc.path] = str(exc)
            raise

    def branch(self, bid: str, *, keep: bool = True) -> Branch:
        """The branch record; `keep=False` reads just it from the file, which
        is not kept in the shard cache: for sweeps over many branches."""
        quick = None if keep else _one_record(Branch, self.branch_dir(bid) / "branch.json")
        if quick is not None:
            return quick
        found = self._records(Branch, self._shard_for("branch", bid, None))
        if not found:
            raise NotFound(f"找不到党支部：{bid}")
        return found[0]

    def branches(self) -> list[Branch]:
        out = []
        for bid in self.branch_ids():
            with contextlib.suppress(NotFound, CorruptFile):
                out.append(self.branch(bid))
        return out

    def findings(self, bid: str) -> list[Finding]:
        return self._records(Finding, self._shard_for("branch", bid, None))

    def pockets(self, bid: str) -> list[PocketMember]:
        return self._records(PocketMember, self._shard_for("branch", bid, None))

    def members(self, bid: str) -> list[Member]:
        """The branch's 党员花名册 (empty for a branch without one)."""
        return self._records(Member, self._shard_for("branch", bid, None))

    def weaklax(self, bid: str) -> list[WeakLaxDetermination]:
        return self._records(WeakLaxDetermination, self._shard_for("branch", bid, None))

    def visit_ids(self, bid: str) -> list[str]:
        vdir = self.branch_dir(bid) / "visits"
        try:
            names = {e.name for e in os.scandir(vdir)}
        except FileNotFoundError:
            names = set()
        except OSError as exc:
            raise read_error(exc, vdir) from exc
        names |= self._staged_names(vdir)
        return sorted(n[:-5] for n in names if n.endswith(".json") and not n.startswith("."))

    def visit(self, vid: str, bid: str | None = None, *, keep: bool = True) -> Visit:
        """The visit record; `keep=False` as for `branch`."""
        bid = bid or self.locate_visit(vid)
        quick = None if keep else _one_record(Visit, self.branch_dir(bid) / "visits" / f"{_safe_id(vid)}.json")
        if quick is not None:
            return quick
        found = self._records(Visit, self._shard_for("visit", vid, bid))
        if not found:
            raise NotFound(f"找不到现场指导记录：{vid}")
        return found[0]

    def locate_visit(self, vid: str) -> str:
        name = f"{_safe_id(vid)}.json"
        for bid in self.branch_ids():
            vdir = self.branch_dir(bid) / "visits"
            if (vdir / name).exists() or name in self._staged_names(vdir):
                return bid
        raise NotFound(f"找不到现场指导记录：{vid}")

    def visits(self, bid: str) -> list[Visit]:
        out = []
        for vid in self.visit_ids(bid):
            with contextlib.suppress(NotFound, CorruptFile):
                out.append(self.visit(vid, bid))
        return sorted(out, key=lambda v: (v.date, v.id))

    def branch_data(self, bid: str) -> BranchData:
        return BranchData(
            branch=self.branch(bid),
            visits=self.visits(bid),
            findings=self.findings(bid),
            pockets=self.pockets(bid),
            weaklax=self.weaklax(bid),
        )

    def get(self, cls: type[R], record_id: str, branch_id: str | None = None) -> R:
        if cls is Visit:
            return self.visit(record_id, branch_id)  # type: ignore[return-value]
        found = [r for r in self._records(cls, self._shard_for(cls.kind, record_id, branch_id)) if r.id == record_id]
        if not found:
            raise NotFound(f"找不到记录：{record_id}")
        return found[0]

    def history(self, record: Record) -> list[ch.Change]:
        shard = self._shard_for(record.kind, record.id, getattr(record, "branch_id", None))
        docs = [d for d in shard.docs(CHANGES) if d["record_id"] == record.id]
        return [ch.Change.model_validate(d) for d in docs]

    def changed_since(self, record: R) -> tuple[R, dict[str, tuple[Any, Any]], str] | None:
        """If the stored record differs from `record` (the version a form opened):
        the stored one, its changed fields as {field: (then, now)} and who changed them last."""
        try:
            current = self.get(type(record), record.id, _branch_of(record))
        except NotFound:
            return None
        fields = ch.diff(ch.dump(record), ch.dump(current))
        if not fields:
            return None
        heads = {f.split(".")[0] for f in fields}
        names = [c.who for c in sorted(self.history(current), key=lambda c: c.at) if c.field.split(".")[0] in heads]
        return current, fields, names[-1] if names else ""

    def clashes(self, conflict: EditConflict) -> list[Clash]:
        """Each clashing field of an `EditConflict`: its value when the form opened,
        theirs (who saved it, when) and mine."""
        history = sorted(self.history(conflict.current), key=lambda c: c.at)
        mine = ch.dump(conflict.record)
        out = []
        for path, (old, theirs) in sorted(conflict.theirs.items()):
            last = next((c for c in reversed(history) if c.field == path), None)
            who, at = (last.who, last.at) if last is not None else ("", None)
            out.append(Clash(path, old, theirs, ch.get_path(mine, path), who, at))
        return out

    @staticmethod
    def resolved(conflict: EditConflict, keep_theirs: Iterable[str]) -> Record:
        """My record with their values for the fields in `keep_theirs`: saved with
        the stored record (`conflict.current`) as its base, it clashes no more."""
        data = ch.dump(conflict.record)
        for path in keep_theirs:
            ch.set_path(data, path, conflict.theirs[path][1])
        return type(conflict.record).model_validate(data)

    def visit_index(self, bid: str) -> list[VisitEntry]:
        """The branch's visits as its file lists them, deleted ones included."""
        return [VisitEntry.from_index(bid, d) for d in self._shard_for("branch", bid, None).docs(VISIT_INDEX)]

    # --------------------------------------------------------- county scale
    def _scan(self) -> Iterator[tuple[str, str, Any]]:
        """Every branch file (as a plain string: 2,000 Path or even
        os.path joins cost more than the stats) with its signature; one that
        cannot even be looked at is named in `errors` and left out."""
        head, tail = os.path.join(self.root, "branches", ""), os.sep + "branch.json"
        for bid in self.branch_ids():  # directory names: no separator to escape the folder
            name = head + bid + tail
            try:
                sig = file_signature(name)
            except CorruptFile as exc:
                self.errors[Path(name)] = str(exc)
                continue
            if sig is not None:
                yield bid, name, sig

    def _read_for_scan(self, path: Path) -> dict[str, Any] | None:
        try:
            data = read_tables(path, skip=_SCAN_SKIPS)
        except CorruptFile as exc:
            self.errors[path] = str(exc)
            return None
        self.errors.pop(path, None)
        return data

    def branch_summaries(
        self, *, table_only: bool = False, listed: Callable[[list[BranchSummary]], None] | None = None
    ) -> list[BranchSummary]:
        """Every live branch, from the folder's derived index (`store/index.py`):
        only files whose signature no longer matches their entry are read.

        `table_only` is what the branch table shows: visit files are not
        checked (their `memos` may be stale), which spares a first build
        reading each of them and a later one statting each; the next call
        without it checks them and keeps them in the index.

        `listed`: when more than `_LISTING_AFTER` branch files were read (a
        first launch, a deleted index, a sync import) and names stored before
        their pinyin was kept must be spelled (pypinyin takes ~0.5 s to load,
        more than reading the county), it is first given the summaries, those
        without their full pinyin, so a caller can show them meanwhile."""
        index = self._index
        if index is None:
            index = self._index = FolderIndex(self.root)
        index.fold()
        fresh: dict[str, Entry] = {}
        stale: list[tuple[str, Path, Any]] = []
        read = 0
        for bid, name, sig in self._scan():
            entry = fresh[bid] = index.entries.get(bid) or Entry()
            if entry.sig != sig:
                stale.append((bid, Path(name), sig))
            if not table_only:
                read += self._check_visits(name[: -len("branch.json")] + "visits", entry)
        for bid, path, sig in stale:
            data = self._summary_tables(path, self._branch_bytes(path))
            if data is None and path in self.errors:
                del fresh[bid]  # damaged: read (and reported) again next time, never kept as absent
                continue
            fresh[bid].set_summary(sig, self._summarise(bid, path, data) if data else None)
            read += 1
        unspelled = [e for bid, _, _ in stale if (e := fresh.get(bid)) and e.summary and not e.summary.pinyin]
        if unspelled:
            if listed is not None and len(stale) > _LISTING_AFTER:
                listed(_composed(fresh))
            spell(unspelled)
        changed = read or len(fresh) != len(index.entries)
        index.entries = fresh
        if not self.read_only and (changed or index.folded > _SNAPSHOT_AFTER):
            index.save()
        return _composed(fresh)

    def _branch_bytes(self, path: Path) -> bytes | None:
        """A branch file's bytes for its summary; None when it is gone or
        cannot be read (named in `errors`)."""
        try:
            found = read_bytes(path)
        except CorruptFile as exc:
            self.errors[path] = str(exc)
            return None
        return None if found is None else found[0]

    def _summary_tables(self, path: Path, raw: bytes | None) -> dict[str, Any] | None:
        """What the summary reads of a branch file's bytes: decoded quickly
        (`summary_tables`), or the careful way when that does not fit, which
        names a damaged file in `errors` and migrates an older one."""
        if raw is None:
            return None
        data = summary_tables(raw)
        try:
            if data is None:
                data = check_tables(path, parse(path, raw), skip=_SCAN_SKIPS)
        except CorruptFile as exc:
            self.errors[path] = str(exc)
            return None
        self.errors.pop(path, None)
        return data

    def _check_visits(self, vdir: str, entry: Entry) -> int:
        """Bring the entry's visits up to date: each known visit file is
        statted (a file rewritten in place, as `cp` does, keeps its folder's
        signature), and the folder `vdir` is listed again when its signature
        changed (a file added, removed or replaced). Returns how many visit
        files were read."""
        try:
            vsig = file_signature(vdir)
            if vsig == entry.vsig and vsig is not None:
                for vid, (sig, _memo) in entry.visits.items():
                    if file_signature(f"{vdir}/{vid}.json") != sig:
                        break
                else:
                    return 0
        except CorruptFile as exc:
            self.errors[Path(vdir)] = str(exc)
            return 0
        known, found, read = entry.visits, {}, 0
        try:
            sigs: dict[str, tuple[int, ...]] = {}
            logs: dict[str, tuple[int, ...]] = {}
            with os.scandir(vdir) as listing:
                for e in listing:
                    if e.name.endswith(".json") and not e.name.startswith("."):
                        st = e.stat()
                        sigs[e.name[:-5]] = (st.st_ino, st.st_mtime_ns, st.st_size)
                    elif e.name.endswith(".json" + LOG_SUFFIX) and e.name.startswith("."):
                        st = e.stat()
                        logs[e.name[1 : -len(".json" + LOG_SUFFIX)]] = (st.st_ino, st.st_mtime_ns, st.st_size)
            for vid, sig in sigs.items():
                sig += logs.get(vid, ())  # as `file_signature` gives it
                hit = known.get(vid)
                if hit is None or hit[0] != sig:
                    hit, read = (sig, self._issued_memo(Path(f"{vdir}/{vid}.json"))), read + 1
                found[vid] = hit
        except FileNotFoundError:
            pass
        except OSError as exc:
            self.errors[Path(vdir)] = str(read_error(exc, Path(vdir)))
            return 0
        entry.set_visits(vsig, found)
        return read

    def _issued_memo(self, path: Path) -> IssuedMemo | None:
        """The visit file's issued memo, parsing only the few files that have one."""
        try:
            found = read_bytes(path)
            if found is None or ISSUED_NEEDLE not in found[0]:
                return None
            return issued_memo(check_tables(path, parse(path, found[0])))
        except CorruptFile as exc:
            self.errors[path] = str(exc)
        except (ValueError, KeyError, TypeError) as exc:  # a value no record would validate with
            self.errors[path] = str(CorruptFile(path, f"记录无效：{exc}"))
        return None

    def _index_writes(self) -> None:
        """Journal the index entries of the branch and visit files this hold of
        the lock wrote (see `DataLock.after_writes`), from what was written:
        readers in any process then skip reading them. Only a cache: nothing
        here may fail the save, and a line left out is a file read later."""
        base = self._branches_prefix
        paths = list(dict.fromkeys(p for p in take_written() if p.startswith(base)))
        if not paths or len(paths) > _INDEX_BATCH:
            return
        lines = []
        try:
            for p in paths:
                parts = p[len(base) :].split(os.sep)
                if parts[1:] == ["branch.json"]:
                    data, sig = self._as_written(p)
                    if data is not None and sig is not None and not unspelled(data):
                        lines.append(branch_line(parts[0], sig, summarise(parts[0], data)))
                elif len(parts) == 3 and parts[1] == "visits":
                    data, sig = self._as_written(p)
                    if data is not None and sig is not None:
                        lines.append(visit_line(parts[0], parts[2][:-5], sig, issued_memo(data)))
            if lines:
                append_to_index(self.root, lines)
        except (OSError, StoreError, ValueError, KeyError, TypeError):
            return

    def _as_written(self, name: str) -> tuple[dict[str, Any] | None, Any]:
        """A file's tables and signature: as this process holds them when
        they are what is on disk, else read."""
        sig = file_signature(name)
        last = self._last_path  # usually the file just saved: no new Path to build and hash
        path = last[1] if last is not None and str(last[1]) == name else Path(name)
        shard = self._shards.get(path)
        data = shard.held(sig) if shard is not None and sig is not None else None
        if data is None:
            found = read_bytes(path)
            if found is None:
                return None, None
            data, sig = check_tables(path, parse(path, found[0]), skip=_SCAN_SKIPS), found[1]
        return data, sig

    def _summarise(self, bid: str, path: Path, data: dict[str, Any]) -> BranchSummary | None:
        try:
            return summarise(bid, data)
        except (ValueError, KeyError, TypeError) as exc:  # a value no record would validate with
            self.errors[path] = str(CorruptFile(path, f"记录无效：{exc}"))
            return None

    def all_findings(self) -> list[Finding]:
        """Every live finding of every branch; only changed files are re-read."""
        out: list[Finding] = []
        fresh: dict[str, tuple[Any, list[Finding]]] = {}
        with gc_paused():  # tens of thousands of new objects: collect once, after
            for bid, _path, sig in self._scan():
                hit = self._findings_cache.get(bid)
                if hit is None or hit[0] != sig:
                    try:
                        hit = (sig, self.findings_and_visits(bid)[0])
                    except CorruptFile:
                        continue  # named in `errors`; read again next time
                fresh[bid] = hit
                out.extend(hit[1])
        self._findings_cache = fresh
        return out

    def open_findings(self) -> list[Finding]:
        """Every live finding not yet closed (销号), of every branch: from the
        derived `cache/open.json` (`store/open_index.py`), so only the branch
        files whose signature no longer matches their entry are read, and a
        new process validates a few thousand findings, not every one."""
        entries = self._open
        if entries is None:
            entries = open_index.load(self.root / "cache")
        out: list[Finding] = []
        fresh: dict[str, open_index.OpenEntry] = {}
        read = 0
        with gc_paused():
            for bid, _path, sig in self._scan():
                entry = entries.get(bid)
                found = _believed(entry, sig)
                if entry is None or found is None:
                    try:
                        found = [f for f in self.findings_and_visits(bid)[0] if f.status != FindingStatus.CLOSED]
                    except CorruptFile:
                        continue  # named in `errors`; read again next time
                    entry = open_index.OpenEntry(sig, [ch.dump(f) for f in found], found)
                    read += 1
                fresh[bid] = entry
                out.extend(found)
        self._open = fresh
        if not self.read_only and (read or len(fresh) != len(entries)):
            open_index.save(self.root / "cache", fresh)
        return out

    def findings_and_visits(self, bid: str) -> tuple[list[Finding], list[VisitEntry]]:
        """One branch's live findings and live visits, read the fast way when
        the file is sound (county-scale listings); CorruptFile names a bad one."""
        path = self.branch_dir(bid) / "branch.json"
        fast = _findings_fast(path)
        if fast is not None:
            self.errors.pop(path, None)
            return fast[0], _live_visits(bid, fast[1])
        try:
            data = read_tables(path, skip=_SCAN_SKIPS)
            if data is None:  # removed since it was listed
                return [], []
            found = _validate_file(Finding, path, (data.get("finding") or {}).values())
        except CorruptFile as exc:
            self.errors[path] = str(exc)
            raise
        self.errors.pop(path, None)
        return found, _live_visits(bid, (data.get(VISIT_INDEX) or {}).values())

    def branch_records(self, bid: str) -> BranchRecords:
        """The branch, its live findings, pockets, weak/lax determinations and
        visits, read once and not kept: for sweeps that write no branch file
        (`memo --all`). A sound current-schema file is validated straight from
        its bytes (its change history never becomes Python objects); any other
        goes the careful way, which names a problem."""
        path = self.branch_dir(bid) / "branch.json"
        fast = _parsed_fast(_BranchRecordsOnly, path)
        if fast is not None:
            live = [b for b in fast.branch.values() if not b.deleted]
            with contextlib.suppress(CorruptFile):
                check_tables(path, {VISIT_INDEX: fast.visit_index})
                if live:
                    return BranchRecords(
                        live[0],
                        [f for f in fast.finding.values() if not f.deleted],
                        [p for p in fast.pocket.values() if not p.deleted],
                        [w for w in fast.weaklax.values() if not w.deleted],
                        _live_visits(bid, fast.visit_index.values()),
                    )
        shard = self._shard_for("branch", bid, None)
        return BranchRecords(
            self.branch(bid),
            self.findings(bid),
            self.pockets(bid),
            self.weaklax(bid),
            _live_visits(bid, shard.docs(VISIT_INDEX)),
        )

    def all_visit_index(self) -> list[VisitEntry]:
        """Every live visit of every branch, from the branch files' index."""
        out: list[VisitEntry] = []
        for bid, name, _sig in self._scan():
            data = self._read_for_scan(Path(name)) or {}
            out.extend(_live_visits(bid, (data.get(VISIT_INDEX) or {}).values()))
        return out

    # --------------------------------------------- whole files (sync, caches)
    def branch_file(self, bid: str) -> dict[str, Any]:
        """Every table of a branch file as stored (sync merges by raw records and changes)."""
        return self._file_tables(self.branch_dir(bid) / "branch.json")

    def committee_file(self) -> dict[str, Any]:
        return self._file_tables(self.root / "committee.json")

    def visit_file(self, bid: str, vid: str) -> dict[str, Any]:
        return self._file_tables(self.branch_dir(bid) / "visits" / f"{_safe_id(vid)}.json")

    def _file_tables(self, path: Path) -> dict[str, Any]:
        """A file of tables as stored; inside `staging`, what was read is noted."""
        found = read_bytes(path)
        if self._journal is not None:
            self._journal.saw(path, found[0] if found else None)
        return {} if found is None else check_tables(path, parse(path, found[0]))

    def branch_file_has(self, bid: str, needle: bytes) -> bool:
        """Whether the branch file's bytes hold `needle`, without parsing it (False when absent)."""
        path = self.branch_dir(bid) / "branch.json"
        try:
            return needle in path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as exc:  # e.g. no permission: named in `errors`, the caller goes on
            self.errors[path] = str(read_error(exc, path))
            return False

    def summary_signatures(self) -> dict[str, Any]:
        """The (inode, mtime, size) of the branch file each summary of the last
        `branch_summaries()` was made from, for callers that keep derived rows."""
        entries = self._index.entries if self._index is not None else {}
        return {bid: e.sig for bid, e in entries.items() if e.summary is not None}

    def visit_file_has(self, bid: str, vid: str, needle: bytes) -> bool:
        """Whether the visit file's bytes hold `needle`, without parsing it (as `branch_file_has`)."""
        path = self.branch_dir(bid) / "visits" / f"{_safe_id(vid)}.json"
        try:
            found = read_bytes(path)  # with its log
        except CorruptFile as exc:
            self.errors[path] = str(exc)
            return False
        return found is not None and needle in found[0]

    def read_state(self, name: str) -> dict[str, Any] | None:
        """A file of derived or bookkeeping state (`cache/ledger.json`, `sync/peers.json`); None when absent."""
        return read_json_file(self.root / name)

    def write_state(self, name: str, data: dict[str, Any]) -> None:
        write_json_file(self.root / name, data)

    # ---------------------------------------------------------------- drafts
    def _draft_path(self, kind: str, record_id: str) -> Path:
        return self.root / DRAFTS / _safe_id(self.user) / f"{_safe_id(kind)}.{_safe_id(record_id)}.json"

    def save_draft(self, kind: str, record_id: str, fields: dict[str, str], *, title: str, reason: str) -> None:
        """Keep a form that could not be saved (its fields by widget id), for this user only."""
        draft = {
            "kind": kind,
            "record_id": record_id,
            "title": title,
            "reason": reason,
            "saved": utcnow().isoformat(),
            "fields": fields,
        }
        with self.lock():
            write_json_file(self._draft_path(kind, record_id), draft)

    def draft(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """This user's draft of that record, if one was kept."""
        try:
            draft = read_json_file(self._draft_path(kind, record_id))
        except CorruptFile:
            return None
        return draft if draft is not None and isinstance(draft.get("fields"), dict) else None

    def drafts(self) -> list[dict[str, Any]]:
        """This user's drafts, oldest first."""
        folder = self.root / DRAFTS / _safe_id(self.user)
        try:
            names = sorted(
                e.name for e in os.scandir(folder) if e.name.endswith(".json") and not e.name.startswith(".")
            )
        except FileNotFoundError:
            return []
        found = []
        for name in names:
            try:
                draft = read_json_file(folder / name)
            except CorruptFile:  # a torn draft must not hide the others
                continue
            if draft is not None and isinstance(draft.get("fields"), dict):
                found.append(draft)
        return sorted(found, key=lambda d: str(d.get("saved")))

    def discard_draft(self, kind: str, record_id: str) -> None:
        path = self._draft_path(kind, record_id)
        if not path.exists():
            return
        with self.lock():
            path.unlink(missing_ok=True)

    # ---------------------------------------------------------------- writes
    def save(self, record: R, *, base: R | None = None, at=None) -> R:
        """Save `record` now. With `base` (the version the editor started
        from), fields changed by someone else meanwhile are kept, and a field
        both changed raises `EditConflict` instead of overwriting theirs.

        A visit whose date, status or tombstone changes is written together
        with the branch file's visit index, all or nothing."""
        record, doc = _revalidated(record, self._saved)
        bid = _branch_of(record)
        try:
            saved, doc = self._save(record, doc, bid, base, at)
        except SaveFailed as exc:
            exc.unsaved = record
            raise
        self._saved = _Saved.of(saved, doc)
        return saved

    def _dump_of(self, record: Record) -> dict[str, Any]:
        """`record` dumped; the record `save` returned last is the usual base
        of the next save (an answer after an answer), and its dump is known."""
        hit = self._saved
        return hit.doc if hit is not None and hit.record is record else ch.dump(record)

    def _save(
        self, record: R, doc: dict[str, Any], bid: str | None, base: R | None, at: Any
    ) -> tuple[R, dict[str, Any]]:
        with self.lock():
            shard = self._shard_for(record.kind, record.id, bid)
            current = _find(self._load(shard, fresh=True).get(record.kind), record.id)
            base_doc = None if base is None or current is None else self._dump_of(base)
            saved, doc, fields = _merged(record, doc, base_doc, current)
            if not fields:
                return saved, doc
            entry = _index_entry(doc) if record.kind == "visit" else None
            if entry is not None and current is not None and _index_entry(current) == entry:
                entry = None
            with self.transaction() if entry is not None else contextlib.nullcontext():
                shard = self._shard_for(record.kind, record.id, bid)  # joins the transaction
                with shard.batch(checked=True):  # read fresh above, under this hold
                    self._write(shard, saved, doc, fields, at=at)
                if entry is not None:
                    assert bid is not None  # a visit always names its branch
                    self._put_index(bid, entry)
        return saved, doc

    def save_many(self, pairs: Sequence[tuple[Record, Record | None]]) -> list[Record | EditConflict]:
        """Save records of branch files (not visits), each with its base as in
        `save`, under one hold of the lock; each branch file is rewritten once
        however many of its records change, which makes a county roster
        import minutes faster. A record that clashes comes back as its
        `EditConflict`, in its place; the others are saved."""
        out: list[Record | EditConflict] = []
        with self.lock():
            for bid, group in itertools.groupby(pairs, key=lambda pair: _branch_of(pair[0])):
                assert bid is not None, "save_many saves records of branch files"
                shard = self._shard_for("branch", bid, None)
                created: dict[str, list[tuple[Record, dict[str, Any]]]] = {}
                with shard.batch():
                    for record, base in group:
                        assert record.kind != "visit", "a visit is saved with its index by save()"
                        record, doc = _revalidated(record)
                        current = _find(self._load(shard, fresh=True).get(record.kind), record.id)
                        if current is None:
                            # A new record has no history to chain to: added with the others in one write.
                            out.append(record)
                            created.setdefault(record.kind, []).append((record, doc))
                            continue
                        try:
                            base_doc = None if base is None else self._dump_of(base)
                            saved, doc, fields = _merged(record, doc, base_doc, current)
                        except EditConflict as exc:
                            out.append(exc)
                            continue
                        out.append(saved)
                        if fields:
                            self._write(shard, saved, doc, fields)
                    for table, pairs_of_table in created.items():
                        shard.append(table, [doc for _record, doc in pairs_of_table])
                        shard.append(
                            CHANGES, ch.creation_docs(pairs_of_table, who=self.user, inst=self.installation_id)
                        )
        return out

    def delete(self, record: R) -> R:
        """Deletion is a tombstone, so it can travel to other installations."""
        return self.save(record.model_copy(update={"deleted": True}))

    def _write(
        self, shard: Shard, record: Record, doc: dict[str, Any], fields: dict[str, tuple[Any, Any]], *, at=None
    ) -> None:
        """Store `record` as `doc` (its dump) with a change per field of `fields`."""
        history = shard.raw().get(CHANGES) or {}
        heads = self._heads
        if heads is not None and heads[0] == record.id and heads[1] is history:
            previous = heads[2]
        else:
            previous = ch.last_change_ids(history.values(), record.id)
        changes = ch.make_changes(record, fields, who=self.user, inst=self.installation_id, previous=previous, at=at)
        self.put_raw(shard, record.kind, doc)
        # Not TinyDB's insert_multiple, which rebuilds the whole history's keys (as ints, then back) per save.
        shard.append(CHANGES, changes)
        latest = {**previous, **{c["field"]: c["id"] for c in changes}}
        self._heads = (record.id, shard.raw()[CHANGES], latest)

    @staticmethod
    def put_raw(shard: Shard, table: str, doc: dict[str, Any]) -> None:
        """Insert `doc`, or replace the stored document with the same id.

        See `Shard.replace` for why not TinyDB's `update`."""
        with shard.batch():
            raw = shard.raw().get(table) or {}
            for doc_id, existing in raw.items():
                if existing.get("id") == doc["id"]:
                    shard.replace(table, int(doc_id), doc)
                    return
            shard.table(table).insert(doc)

    def _put_index(self, bid: str, entry: dict[str, Any]) -> None:
        shard = self._shard_for("branch", bid, None)
        with shard.batch():
            self.put_raw(shard, VISIT_INDEX, entry)

    def ingest(
        self, shard_kind: str, record_id: str, branch_id: str | None, doc: dict[str, Any], changes: list[dict[str, Any]]
    ) -> None:
        """Write a record and already-made changes as they are (sync import).

        `changes` go to the end of the history in the given order; a known
        one listed again is moved there (the last change of a field is the
        one the next local edit replaces, see `changes.last_change_ids`).
        Call inside `transaction()`; the caller has validated `doc`."""
        shard = self._shard_for(shard_kind, record_id, branch_id)
        with shard.batch():
            self.put_raw(shard, shard_kind, doc)
            listed = {c["id"] for c in changes}
            again = [int(k) for k, c in (shard.raw().get(CHANGES) or {}).items() if c["id"] in listed]
            if again:
                shard.table(CHANGES).remove(doc_ids=again)
            if changes:
                shard.table(CHANGES).insert_multiple(changes)
        if shard_kind == "visit":
            assert branch_id, "a visit needs its branch"
            self._put_index(branch_id, _index_entry(doc))

    def raw_changes(self, kind: str, record_id: str, branch_id: str | None) -> list[dict[str, Any]]:
        shard = self._shard_for(kind, record_id, branch_id)
        return [d for d in shard.docs(CHANGES) if d["record_id"] == record_id]

    # ------------------------------------------------------------- templates
    def template_path(self, template_id: str, version: str, content_hash: str) -> Path:
        return self.root / "templates" / f"{_safe_id(template_id)}@{_safe_id(version)}-{content_hash[:12]}.json"

    def keep_template(self, template_id: str, version: str, content_hash: str, snapshot: dict[str, Any]) -> None:
        path = self.template_path(template_id, version, content_hash)
        if path.exists():
            return
        if self._journal is not None:
            self._journal.stage(path, json_payload(snapshot))
            return
        with self.lock():
            write_json_file(path, snapshot)

    def template_snapshot(self, template_id: str, version: str, content_hash: str) -> dict[str, Any] | None:
        return read_json_file(self.template_path(template_id, version, content_hash))


@dataclass(frozen=True, slots=True)
class _Saved:
    """A record as `save` stored it: the record, its dump, and its field
    values then (entry fields copied, so that a dict changed in place since
    is not taken for the stored one)."""

    record: Record
    doc: dict[str, Any]
    fields: dict[str, Any]

    @classmethod
    def of(cls, record: Record, doc: dict[str, Any]) -> _Saved:
        entries = record.entry_fields
        values = {k: dict(v) if k in entries and type(v) is dict else v for k, v in record.__dict__.items()}
        return cls(record, doc, values)


_ABSENT = object()


@functools.cache
def _field_adapter(cls: type[Record], name: str) -> TypeAdapter:
    """Validates and dumps values of one field of `cls` on their own."""
    return TypeAdapter(cls.model_fields[name].annotation or Any)


def _revalidated(record: R, saved: _Saved | None = None) -> tuple[R, dict[str, Any]]:
    """`record` validated again, so text from any path (model_copy skips
    validation) is stored clean, and the dump it is stored as: the one
    validated, unless validation changed something. A record that differs
    from the one `saved` only in entries of its entry fields (an answer
    after an answer) has just those entries validated and dumped: the
    whole visit cost more than the rest of a save."""
    quick = None if saved is None else _entries_revalidated(record, saved)
    if quick is not None:
        return quick
    doc = ch.dump(record)
    clean = type(record).model_validate(doc)
    if isinstance(clean, Branch):
        clean = _with_initials(clean)
    if clean != record:  # a text was cleaned (or initials set): what is stored is dumped again
        doc = ch.dump(clean)
    return clean, doc


def _entries_revalidated(record: R, saved: _Saved) -> tuple[R, dict[str, Any]] | None:
    """`_revalidated` for a record whose fields are the very values of
    `saved` but for some entries of entry fields; None for any other.

    An entry that is the stored one (the same object) keeps its stored dump;
    the others are dumped, cleaned and validated as the whole record's
    validation would (`Record.entry_fields` says why that is the same)."""
    cls = type(record)
    if cls is not type(saved.record) or not cls.entry_fields:
        return None
    doc: dict[str, Any] | None = None
    update: dict[str, Any] = {}
    for name, value in record.__dict__.items():
        then = saved.fields.get(name, _ABSENT)
        if value is then:
            continue
        stored = saved.doc.get(name)
        if (
            name not in cls.entry_fields
            or type(value) is not dict
            or type(then) is not dict
            or type(stored) is not dict
        ):
            return None
        fresh = {k: value[k] for k in ch.replaced(then, value)}
        if not fresh and value.keys() == then.keys():
            continue
        dumped: dict[str, Any] = {}
        if fresh:
            adapter = _field_adapter(cls, name)
            dumped = adapter.dump_python(fresh, mode="json")
            valid = adapter.validate_python(cls.clean_field(name, dumped))
            if valid != fresh:  # a text was cleaned
                dumped = adapter.dump_python(valid, mode="json")
            update[name] = {**value, **valid}
        if doc is None:
            doc = dict(saved.doc)
        if list(value)[: len(stored)] == list(stored):  # entries replaced in place or added at the end
            entries = dict(stored)
            entries.update(dumped)
        else:
            entries = {k: dumped[k] if k in fresh else stored[k] for k in value}
        doc[name] = entries
    if doc is None:
        return record, saved.doc
    return (record.model_copy(update=update) if update else record), doc


def _merged(
    record: R, new: dict[str, Any], base: dict[str, Any] | None, current: dict[str, Any] | None
) -> tuple[R, dict[str, Any], dict[str, tuple[Any, Any]]]:
    """The record to store, its dump, and its changed fields ({} when nothing
    of mine is new: then what is stored, others' edits included).

    `record` is validated already and `new` is its dump (`_revalidated`);
    `base` is the dump of the version the editor started from. Unless others'
    edits are merged into it, the record is stored as it is, neither
    validated nor dumped again (each costs about as much as the rest of a
    save for a visit's answers)."""
    merged = new if base is None or current is None else _merge(record, base, current, new)
    fields = ch.diff(current, merged)
    if merged is new:
        return record, new, fields
    saved = type(record).model_validate(merged)
    return saved, ch.dump(saved), fields


def _composed(entries: dict[str, Entry]) -> list[BranchSummary]:
    return [s for e in entries.values() if (s := e.composed()) is not None]


def _with_initials(branch: B) -> B:
    wanted = {"initials": initials(branch.name), "pinyin": full(branch.name)}
    if all(getattr(branch, k) == v for k, v in wanted.items()):
        return branch
    return branch.model_copy(update=wanted)


def _branch_of(record: Record) -> str | None:
    if record.kind == "branch":
        return record.id
    return getattr(record, "branch_id", None)


def _find(table: dict[str, Any] | None, record_id: str) -> dict[str, Any] | None:
    """A copy of the stored document (the cached one changes when it is saved)."""
    for doc in (table or {}).values():
        if doc.get("id") == record_id:
            return dict(doc)
    return None


def _live_visits(bid: str, docs: Iterable[dict[str, Any]]) -> list[VisitEntry]:
    return [VisitEntry.from_index(bid, d) for d in docs if not d.get("deleted")]


#: What a visit stored before a field existed holds for it, so an unchanged
#: visit of an upgraded folder does not rewrite its branch file's index.
_INDEX_DEFAULTS = {
    k: None if f.is_required() else f.get_default(call_default_factory=True)
    for k, f in Visit.model_fields.items()
    if k in _INDEXED
}


def _index_entry(visit: dict[str, Any]) -> dict[str, Any]:
    return {"id": visit["id"], **{k: visit.get(k, _INDEX_DEFAULTS[k]) for k in _INDEXED}}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building ~50,000 records triggers the cyclic collector over and over
    (a third of a county-wide read, a tenth of a county roster import); it
    runs once when we are done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _FindingsOnly(BaseModel):
    """A branch file's findings validated straight from its bytes: the change
    history beside them (most of the file) never becomes Python objects."""

    model_config = ConfigDict(extra="ignore")
    meta: dict[str, Any] | None = Field(default=None, alias="_meta")
    finding: dict[str, Finding] = Field(default_factory=dict)
    visit_index: dict[str, dict[str, Any]] = Field(default_factory=dict)


class _BranchRecordsOnly(_FindingsOnly):
    """A branch file's tables a memo draws on, validated straight from its bytes (`Store.branch_records`)."""

    branch: dict[str, Branch] = Field(default_factory=dict)
    pocket: dict[str, PocketMember] = Field(default_factory=dict)
    weaklax: dict[str, WeakLaxDetermination] = Field(default_factory=dict)


M = TypeVar("M", bound=BaseModel)


def _parsed_fast(model: type[M], path: Path) -> M | None:
    """`model` validated straight from a current-schema file's bytes; None
    (unreadable, invalid, another schema) sends the caller the careful way,
    which names any problem."""
    try:
        found = read_bytes(path)  # a visit file's with its log
        if found is None:
            return None
        parsed = model.model_validate_json(found[0])
    except (CorruptFile, ValidationError):
        return None
    meta = getattr(parsed, "meta", None)
    return None if meta is not None and meta.get("1") != {"schema": SCHEMA_VERSION} else parsed


def _findings_fast(path: Path) -> tuple[list[Finding], list[dict[str, Any]]] | None:
    """Live findings and the visit index of a sound current-schema file (5x
    faster than parsing it all); None sends the caller the careful way."""
    parsed = _parsed_fast(_FindingsOnly, path)
    if parsed is None:
        return None
    try:
        check_tables(path, {VISIT_INDEX: parsed.visit_index})
    except CorruptFile:
        return None
    return [f for f in parsed.finding.values() if not f.deleted], list(parsed.visit_index.values())


#: Per record class, a model of a file holding only that class's table (see `_one_record`).
_ONE_TABLE: dict[type, type[BaseModel]] = {}


def _one_record(cls: type[R], path: Path) -> R | None:
    """The one live record of a branch's or visit's own table (`cls.kind`),
    validated straight from the file's bytes without the rest of the file
    (findings, members, change history); None sends the caller the careful way."""
    model = _ONE_TABLE.get(cls)
    if model is None:
        table: Any = (dict[str, cls], Field(default_factory=dict, alias=cls.kind))  # type: ignore[valid-type]
        model = _ONE_TABLE[cls] = create_model(
            f"_{cls.__name__}Only",
            __config__=ConfigDict(extra="ignore"),
            meta=(dict[str, Any] | None, Field(default=None, alias="_meta")),
            table=table,
        )
    parsed = _parsed_fast(model, path)
    live = [r for r in getattr(parsed, "table", {}).values() if not r.deleted]
    return live[0] if len(live) == 1 else None


def _believed(entry: open_index.OpenEntry | None, sig: Any) -> list[Finding] | None:
    """An entry's open findings while its branch file is unchanged and its
    documents validate (once per process); None sends the caller to the file."""
    if entry is None or entry.sig != sig:
        return None
    if entry.findings is None:
        with contextlib.suppress(ValidationError):
            entry.findings = _validate_many(Finding, entry.docs)
    return entry.findings


def _validate_file(cls: type[R], path: Path, docs: Iterable[dict[str, Any]]) -> list[R]:
    """Records of one file; a document that does not validate makes the file unreadable."""
    try:
        return _validate_many(cls, docs)
    except ValidationError as exc:
        raise CorruptFile(path, f"记录无效：{validation_message(exc)}") from exc


def _merge(record: Record, base: dict[str, Any], current: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Apply my edits (base → new, dumps) on top of what is on disk now."""
    theirs = {} if base == current else ch.diff(base, current)
    for key, (was, now) in list(theirs.items()):
        if now is None and key not in current and was == _stored_default(type(record), key):
            del theirs[key]  # stored before the field existed: nobody's edit
    if not theirs:  # nobody else saved it meanwhile: mine is the whole story
        return new
    mine = ch.diff(base, new)
    clash = {f: theirs[f] for f in mine if f in theirs and theirs[f][1] != mine[f][1]}
    if clash:
        raise EditConflict(record, clash, type(record).model_validate(current))
    merged = dict(current)
    for path, (_old, value) in mine.items():
        ch.set_path(merged, path, value)
    return merged


@functools.cache
def _stored_default(cls: type[Record], name: str) -> Any:
    """The field `name` of `cls` as a document stored without it reads, dumped
    (a visit saved before 阶段 existed has no `stages`); no value when the
    field is required or not one of `cls`."""
    found = cls.model_fields.get(name)
    if found is None or found.is_required():
        return _ABSENT
    return _field_adapter(cls, name).dump_python(found.get_default(call_default_factory=True), mode="json")


def read_settings_data(root: Path) -> dict[str, Any] | None:
    """settings.json of the folder at `root`, before a Store is opened on it (the
    shared-group modes it names apply to the files the Store creates)."""
    return read_json_file(root / SETTINGS)


def change_settings_data(
    root: Path,
    lock: Callable[[], contextlib.AbstractContextManager[object]],
    change: Callable[[dict[str, Any] | None], dict[str, Any]],
) -> dict[str, Any]:
    """Read, change and write settings.json of `root` atomically under the folder's `lock`."""
    with lock():
        data = change(read_settings_data(root))
        write_json_file(root / SETTINGS, data)
    return data


def _safe_id(value: str) -> str:
    """Ids become file names: refuse anything that could leave the folder."""
    if not value or any(c in value for c in "/\\\0") or value in (".", "..") or len(value) > 100:
        raise StoreError(f"无效的记录编号：{value!r}")
    return value


def validation_message(exc: ValidationError) -> str:
    """One Chinese line for a pydantic error (the first problem)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    msg = err.get("msg", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{where}：{msg}" if where else msg
