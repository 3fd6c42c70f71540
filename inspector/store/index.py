"""The folder's derived index: what county-wide reads need of each branch,
kept beside the data so a new process does not read 2,000 branch files.

It is a cache and holds nothing of its own. Each branch's entry names the
signature (inode, mtime, size) of the branch file it was made from, and each
visit's part the signature of its visit file; a reader checks those
signatures (a stat per branch file and per visits folder) and makes again
whatever no longer matches, so an entry written by another program version,
a sync import or a crashed save is never believed. Deleting the files loses
nothing; a damaged or foreign one is rebuilt.

Two files in `<data>/cache/`:

    index.json   a snapshot: every entry, and how far into the journal it reaches
    index.log    one line per branch or visit file a save wrote, appended by
                 the saver under the folder's lock (`Store` after its writes)

Neither is synced: a line lost to a crash is a signature that no longer
matches, which the next reader repairs by reading that one file.

A branch file read for its summary is decoded by msgspec into the fields
`summarise` reads alone (`SUMMARY_FIELDS`), each checked to be of its JSON
type as `check_tables` would: the rest, most of it the change history, is
skipped without building it (~5x cheaper than parsing it whole). A file
that does not fit goes through the careful reader, which names it or
migrates it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, NotRequired, Required, TypedDict, Union

import msgspec
import orjson

from inspector.models import (
    SCHEMA_VERSION,
    Disposition,
    FindingStatus,
    MemberKind,
    Sector,
    VisitKind,
    VisitStatus,
    WeakLaxStatus,
    overdue_days,
)
from inspector.pinyin import full
from inspector.store.files import META_TABLE, append_bytes, write_derived
from inspector.store.shape import TABLES, VISIT_INDEX

SNAPSHOT = "index.json"
JOURNAL = "index.log"
#: Bumped when an entry's shape changes: an index of another version is rebuilt.
_VERSION = 1
#: The journal is dropped (not folded any more) beyond this size; a reader's
#: snapshot keeps it short in normal use, see `FolderIndex.save`.
_JOURNAL_LIMIT = 1 << 20
#: How an issued memo's 成文日期 is stored in a visit file (a draft memo stores null).
ISSUED_NEEDLE = b'"issued_on":"'

#: Stamped like every data file; an index of another schema is rebuilt, never migrated.
_META = {"1": {"schema": SCHEMA_VERSION}}

Sig = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PocketFact:
    """A 口袋/失联/流动 member as the 通报 counts it."""

    found_on: date | None
    kind: MemberKind
    disposition: Disposition


@dataclass(frozen=True, slots=True)
class IssuedMemo:
    """A completed visit whose memo was issued, with the branch's 整改报告 on it (if received)."""

    visit_id: str
    visit_date: date
    guidance: bool  # a 回头看's memo asks for no report
    issued_on: date
    received_on: date | None

    def to_json(self) -> list[Any]:
        received = self.received_on.isoformat() if self.received_on else None
        return [self.visit_id, self.visit_date.isoformat(), self.guidance, self.issued_on.isoformat(), received]

    @classmethod
    def from_json(cls, data: list[Any]) -> IssuedMemo:
        vid, day, guidance, issued, received = data
        return cls(
            str(vid),
            date.fromisoformat(day),
            bool(guidance),
            date.fromisoformat(issued),
            date.fromisoformat(received) if received else None,
        )


@dataclass
class BranchSummary:
    """What the branch table and the county reads (通报, 整改报告) need of one
    branch: derived from its branch file, plus `memos` from its visit files."""

    id: str
    name: str
    sector: Sector
    secretary: str
    members: int
    initials: str
    pinyin: str
    last_visit: date | None
    draft_visits: list[str]
    open_findings: int
    open_deadlines: list[date]
    weaklax: WeakLaxStatus | None
    pockets: list[PocketFact] = field(default_factory=list)
    #: Issued memos of live completed visits, oldest visit first.
    memos: tuple[IssuedMemo, ...] = ()

    def overdue(self, today: date) -> int:
        """How many of the branch's open findings are overdue (逾期) on `today`."""
        return sum(1 for d in self.open_deadlines if overdue_days(d, today))

    def to_json(self) -> dict[str, Any]:
        """The branch file's part (`memos` are kept per visit file)."""
        out = {k: v for k, v in self.__dict__.items() if k != "memos"}
        return {
            **out,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "open_deadlines": [d.isoformat() for d in self.open_deadlines],
            "pockets": [[p.found_on.isoformat() if p.found_on else None, p.kind, p.disposition] for p in self.pockets],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BranchSummary:
        """From `to_json`; ValueError, KeyError or TypeError when it does not fit.
        Enum values are looked up in dicts: 2,000 of these are read per process."""
        weak = data["weaklax"]
        return cls(
            data["id"],
            data["name"],
            _SECTORS[data["sector"]],
            data["secretary"],
            data["members"],
            data["initials"],
            data["pinyin"],
            _day(data["last_visit"]),
            data["draft_visits"],
            data["open_findings"],
            [date.fromisoformat(d) for d in data["open_deadlines"]],
            _WEAKLAX[weak] if weak else None,
            [PocketFact(_day(f), _KINDS[k], _DISPOSITIONS[d]) for f, k, d in data["pockets"]],
        )


_SECTORS = {m.value: m for m in Sector}
_WEAKLAX = {m.value: m for m in WeakLaxStatus}
_KINDS = {m.value: m for m in MemberKind}
_DISPOSITIONS = {m.value: m for m in Disposition}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _branch_doc(data: dict[str, Any]) -> dict[str, Any] | None:
    branch = next(iter((data.get("branch") or {}).values()), None)
    return None if not branch or branch.get("deleted") else branch


def unspelled(data: dict[str, Any]) -> bool:
    """Whether a branch file's branch was saved before its full pinyin was
    kept: the index's reader then spells it (pypinyin costs ~0.5 s to load),
    which a save leaves to that reader."""
    branch = _branch_doc(data)
    return branch is not None and not branch.get("pinyin")


#: What `summarise` reads of each table of a branch file.
SUMMARY_FIELDS: dict[str, tuple[str, ...]] = {
    "branch": ("deleted", "name", "sector", "secretary", "members", "initials", "pinyin"),
    "finding": ("deleted", "status", "deadline"),
    VISIT_INDEX: ("id", "deleted", "date", "status"),
    "weaklax": ("deleted", "determined_on", "status"),
    "pocket": ("deleted", "found_on", "member_kind", "disposition"),
}


def _decoder(tables: dict[str, tuple[str, ...]]) -> msgspec.json.Decoder[Any]:
    """A branch file's decoder that builds only `tables`' fields, each of its
    JSON type as `shape.TABLES` (from the models) gives it, required where
    the model requires it; other tables and fields are skipped unbuilt."""

    def doc(table: str, fields: tuple[str, ...]) -> Any:
        shape = TABLES[table]
        spec = {}
        for name in fields:
            allowed = shape.types.get(name)
            kind = Union[allowed] if allowed else Any  # noqa: UP007 (a tuple of types, built at run time)
            spec[name] = Required[kind] if name in shape.required else NotRequired[kind]
        return TypedDict(f"{table}_fields", spec)  # type: ignore[operator]

    spec = {table: NotRequired[dict[str, doc(table, fields)]] for table, fields in tables.items()}  # type: ignore[misc]
    spec[META_TABLE] = NotRequired[dict[str, Any]]
    return msgspec.json.Decoder(TypedDict("branch_file", spec))  # type: ignore[operator]


_SUMMARY_DECODER = _decoder(SUMMARY_FIELDS)


def summary_tables(raw: bytes) -> dict[str, Any] | None:
    """What `summarise` reads of a branch file's bytes; None when the file
    does not fit those fields' types or is of another schema: the careful
    reader then names or migrates it."""
    try:
        data: dict[str, Any] = _SUMMARY_DECODER.decode(raw)
    except msgspec.DecodeError:  # ValidationError included
        return None
    meta = data.get(META_TABLE)
    return data if meta is None or meta == _META else None


def summarise(bid: str, data: dict[str, Any]) -> BranchSummary | None:
    """A branch file's tables (as stored) summarised; None for a deleted
    branch. Its pinyin is the stored one ("" before it was kept: the index's
    reader spells it)."""
    branch = _branch_doc(data)
    if branch is None:
        return None
    open_f = [
        f
        for f in (data.get("finding") or {}).values()
        if not f.get("deleted") and f.get("status") != FindingStatus.CLOSED
    ]
    visits = [v for v in (data.get(VISIT_INDEX) or {}).values() if not v.get("deleted")]
    dates = [v["date"] for v in visits if v.get("status") == VisitStatus.COMPLETED]
    wl = [w for w in (data.get("weaklax") or {}).values() if not w.get("deleted")]
    wl_status = None
    if wl:
        latest = max(wl, key=lambda w: w.get("determined_on", ""))
        wl_status = WeakLaxStatus(latest["status"])
    pockets = [
        PocketFact(
            date.fromisoformat(p["found_on"]) if p.get("found_on") else None,
            MemberKind(p.get("member_kind", MemberKind.POCKET)),
            Disposition(p.get("disposition", Disposition.PENDING)),
        )
        for p in (data.get("pocket") or {}).values()
        if not p.get("deleted")
    ]
    return BranchSummary(
        id=bid,
        name=branch["name"],
        sector=Sector(branch.get("sector", Sector.OTHER)),
        secretary=branch.get("secretary", ""),
        members=branch.get("members", 0),
        initials=branch.get("initials", ""),
        pinyin=branch.get("pinyin") or "",
        last_visit=date.fromisoformat(max(dates)) if dates else None,
        draft_visits=[v["id"] for v in visits if v.get("status") != VisitStatus.COMPLETED],
        open_findings=len(open_f),
        open_deadlines=sorted(date.fromisoformat(f["deadline"]) for f in open_f if f.get("deadline")),
        weaklax=wl_status,
        pockets=pockets,
    )


def issued_memo(data: dict[str, Any]) -> IssuedMemo | None:
    """A visit file's tables (as stored) reduced to its issued memo; None
    when the visit is deleted, not completed, or has no issued memo."""
    visit = next(iter((data.get("visit") or {}).values()), None)
    if not visit or visit.get("deleted") or visit.get("status") != VisitStatus.COMPLETED:
        return None
    issued = next((m["issued_on"] for m in visit.get("memos") or () if m.get("issued_on")), None)
    if issued is None:
        return None
    report = visit.get("report") or {}
    received = report.get("received_on")
    return IssuedMemo(
        visit["id"],
        date.fromisoformat(visit["date"]),
        visit.get("visit_kind", VisitKind.GUIDANCE) == VisitKind.GUIDANCE,
        date.fromisoformat(issued),
        date.fromisoformat(received) if received else None,
    )


@dataclass
class Entry:
    """One branch: its summary by branch-file signature, its visits' memos by visit-file signature."""

    sig: Sig | None = None
    summary: BranchSummary | None = None
    #: The visits folder's signature when `visits` was last checked against it whole.
    vsig: Sig | None = None
    visits: dict[str, tuple[Sig, IssuedMemo | None]] = field(default_factory=dict)
    _composed: BranchSummary | None = None

    def composed(self) -> BranchSummary | None:
        """The summary with its memos (made once per change)."""
        if self.summary is None:
            return None
        if self._composed is None:
            memos = sorted(
                (m for _, m in self.visits.values() if m is not None), key=lambda m: (m.visit_date, m.visit_id)
            )
            self._composed = replace(self.summary, memos=tuple(memos)) if memos else self.summary
        return self._composed

    def set_summary(self, sig: Sig | None, summary: BranchSummary | None) -> None:
        self.sig, self.summary, self._composed = sig, summary, None

    def set_visits(self, vsig: Sig | None, visits: dict[str, tuple[Sig, IssuedMemo | None]]) -> None:
        self.vsig, self.visits, self._composed = vsig, visits, None

    def set_visit(self, vid: str, sig: Sig, memo: IssuedMemo | None) -> None:
        """One visit file as a save wrote it; the folder is checked whole again
        at the next read (another program may have written a sibling)."""
        self.visits[vid] = (sig, memo)
        self.vsig, self._composed = None, None

    def to_json(self) -> list[Any]:
        return [
            self.sig,
            self.summary.to_json() if self.summary else None,
            self.vsig,
            {vid: [sig, m.to_json() if m else None] for vid, (sig, m) in self.visits.items()},
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Entry:
        sig, summary, vsig, visits = data
        return cls(
            _sig(sig),
            BranchSummary.from_json(summary) if summary else None,
            _sig(vsig),
            {vid: (_req(_sig(s)), IssuedMemo.from_json(m) if m else None) for vid, (s, m) in visits.items()},
        )


def spell(entries: Iterable[Entry]) -> None:
    """Give each summary its full pinyin where its branch was saved before
    that was kept (`summarise` leaves it ""): spelled once, then indexed."""
    for entry in entries:
        summary = entry.summary
        if summary is not None and not summary.pinyin:
            entry.set_summary(entry.sig, replace(summary, pinyin=full(summary.name)))


def _sig(value: Any) -> Sig | None:
    """A file's signature: three numbers, six for a visit file with a log (`files.file_signature`)."""
    if value is None:
        return None
    if len(value) == 3:  # most: spelled out, it reads thousands of entries faster
        a, b, c = value
        return (int(a), int(b), int(c))
    if len(value) != 6:
        raise ValueError("bad signature")
    return tuple(map(int, value))


def _req(sig: Sig | None) -> Sig:
    if sig is None:
        raise ValueError("missing signature")
    return sig


def branch_line(bid: str, sig: Sig, summary: BranchSummary | None) -> bytes:
    """A journal line for a branch file a save wrote."""
    return orjson.dumps(["b", bid, sig, summary.to_json() if summary else None])


def visit_line(bid: str, vid: str, sig: Sig, memo: IssuedMemo | None) -> bytes:
    """A journal line for a visit file a save wrote."""
    return orjson.dumps(["v", bid, vid, sig, memo.to_json() if memo else None])


def append(root: Path, lines: list[bytes]) -> None:
    """Add lines to the journal (the caller holds the folder's lock); one that grew too long is dropped."""
    path = os.path.join(root, "cache", JOURNAL)  # on every save: no Path built
    if append_bytes(path, b"".join(line + b"\n" for line in lines)) > _JOURNAL_LIMIT:
        with contextlib.suppress(OSError):
            os.unlink(path)


class FolderIndex:
    """The entries as the snapshot and the journal give them; `Store` checks them."""

    def __init__(self, root: Path):
        self.cache = root / "cache"
        self.entries: dict[str, Entry] = {}
        self._journal: tuple[int, int] = (0, 0)  # (inode, offset) folded so far
        self._lines = 0  # folded since the snapshot was read or written
        self.load()

    def load(self) -> None:
        """Entries from the snapshot, empty when it is absent, damaged or of another version."""
        self.entries, self._journal = {}, (0, 0)
        try:
            raw = orjson.loads((self.cache / SNAPSHOT).read_bytes())
            if raw.get("version") != _VERSION or raw.get("_meta") != _META:
                return
            inode, offset = raw["journal"]
            entries = {str(bid): Entry.from_json(e) for bid, e in raw["entries"].items()}
        except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return
        self.entries, self._journal = entries, (int(inode), int(offset))

    def fold(self) -> None:
        """Apply the journal lines written since the last fold (by any process)."""
        path = self.cache / JOURNAL
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return
        try:
            st = os.fstat(fd)
            inode, offset = st.st_ino, self._journal[1]
            if inode != self._journal[0] or st.st_size < offset:  # a new or cut journal
                offset = 0
            os.lseek(fd, offset, os.SEEK_SET)
            with os.fdopen(fd, "rb", closefd=False) as fh:
                tail = fh.read()
        except OSError:
            return
        finally:
            os.close(fd)
        end = tail.rfind(b"\n") + 1  # a line being written is folded next time
        for line in tail[:end].splitlines():
            self._apply(line)
        self._journal = (inode, offset + end)

    def _apply(self, line: bytes) -> None:
        """One journal line; a torn or foreign one is skipped (its file then fails its signature check)."""
        try:
            doc = orjson.loads(line)
            if doc[0] == "b":
                _, bid, sig, summary = doc
                self.entries.setdefault(bid, Entry()).set_summary(
                    _sig(sig), BranchSummary.from_json(summary) if summary else None
                )
            elif doc[0] == "v":
                _, bid, vid, sig, memo = doc
                self.entries.setdefault(bid, Entry()).set_visit(
                    vid, _req(_sig(sig)), IssuedMemo.from_json(memo) if memo else None
                )
        except (orjson.JSONDecodeError, IndexError, KeyError, TypeError, ValueError):
            return
        self._lines += 1

    @property
    def folded(self) -> int:
        """Journal lines folded since the snapshot was read or written."""
        return self._lines

    def save(self) -> None:
        """Write the snapshot (atomically, not synced: it is derived)."""
        payload = orjson.dumps(
            {
                "_meta": _META,
                "version": _VERSION,
                "journal": list(self._journal),
                "entries": {bid: e.to_json() for bid, e in self.entries.items()},
            }
        )
        with contextlib.suppress(OSError):
            write_derived(self.cache / SNAPSHOT, payload)
        self._lines = 0
