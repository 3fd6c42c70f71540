"""The derived index (`inspector/store/index.py`): saves journal their entries,
and a reader never believes an entry whose file another writer has changed."""

from __future__ import annotations

import shutil
from datetime import date

import orjson
from storage_samples import branch, finding, pocket, visit

from inspector.models import Disposition, FindingStatus, MemberKind, MemoRecord, VisitStatus
from inspector.store import IssuedMemo, PocketFact, Store
from inspector.store.files import dumps


def _rewritten_behind_the_index(path, change) -> None:
    """The file changed the way another program version or a copy would: no journal line."""
    data = orjson.loads(path.read_bytes())
    change(data)
    path.write_bytes(dumps(data))


def test_saves_journal_their_entries_and_a_new_process_reads_no_data_file(store, monkeypatch):
    b = store.save(branch("第一党支部"))
    store.save(pocket(b.id, member_kind=MemberKind.LOST_CONTACT, found_on=date(2016, 8, 1)))
    issued = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2016, 9, 5))
    v = store.save(visit(b.id, date=date(2016, 9, 1), status=VisitStatus.COMPLETED, memos=[issued]))
    assert (store.root / "cache" / "index.log").exists()

    reader = Store(store.root, "另一人")
    read: list[object] = []
    monkeypatch.setattr(Store, "_read_for_scan", lambda self, path: read.append(path))
    monkeypatch.setattr(Store, "_issued_memo", lambda self, path: read.append(path))
    [s] = reader.branch_summaries()
    assert read == []
    assert s.pockets == [PocketFact(date(2016, 8, 1), MemberKind.LOST_CONTACT, Disposition.PENDING)]
    assert s.memos == (IssuedMemo(v.id, date(2016, 9, 1), True, date(2016, 9, 5), None),)


def test_files_changed_behind_the_index_are_read_again(store):
    b = store.save(branch("第一党支部"))
    issued = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2016, 9, 5))
    first = store.save(visit(b.id, date=date(2016, 9, 1), status=VisitStatus.COMPLETED, memos=[issued]))
    second = store.save(visit(b.id, date=date(2016, 10, 1)))
    assert [m.visit_id for m in store.branch_summaries()[0].memos] == [first.id]
    (store.root / "cache" / "index.log").unlink()
    Store(store.root).branch_summaries()  # a snapshot naming every file's and folder's signature

    def rename(data):
        next(iter(data["branch"].values()))["name"] = "第二党支部"

    def report(day: str):
        def change(data):
            next(iter(data["visit"].values()))["report"] = {"received_on": day}

        return change

    visit_file = store.branch_dir(b.id) / "visits" / f"{first.id}.json"
    _rewritten_behind_the_index(store.branch_dir(b.id) / "branch.json", rename)
    _rewritten_behind_the_index(visit_file, report("2016-10-01"))  # in place: its folder's signature stays
    [s] = Store(store.root, "另一人").branch_summaries()
    assert s.name == "第二党支部"
    assert s.memos[0].received_on == date(2016, 10, 1)
    # A later save in the same visits folder journals only its own file: the sibling is still checked.
    _rewritten_behind_the_index(visit_file, report("2016-10-02"))
    store.save(store.visit(second.id, b.id).model_copy(update={"summary": "另一次保存"}))
    [s] = Store(store.root, "另一人").branch_summaries()
    assert s.memos[0].received_on == date(2016, 10, 2)


def test_an_index_of_another_schema_or_torn_is_rebuilt(store):
    b = store.save(branch("第一党支部"))
    (store.root / "cache" / "index.log").unlink()
    fresh = Store(store.root).branch_summaries()  # read from the files: the snapshot is written
    snapshot = store.root / "cache" / "index.json"
    data = orjson.loads(snapshot.read_bytes())
    data["_meta"] = {"1": {"schema": 1}}
    next(iter(data["entries"].values()))[1]["name"] = "旧版本的名称"
    snapshot.write_bytes(orjson.dumps(data))
    assert Store(store.root).branch_summaries() == fresh
    (store.root / "cache" / "index.log").write_bytes(b'["b","' + b.id.encode() + b'",[1,2')
    snapshot.unlink()
    assert Store(store.root).branch_summaries() == fresh


def _open(store: Store) -> list:
    """Open findings as reading every branch file gives them."""
    return [f for f in store.all_findings() if f.status != FindingStatus.CLOSED]


def test_open_findings_come_from_their_cache_and_changed_files_are_read_again(store, monkeypatch):
    a, b = store.save(branch("第一党支部")), store.save(branch("第二党支部"))
    kept = store.save(finding(a.id, description="未整改"))
    store.save(finding(a.id, status=FindingStatus.CLOSED, verifier="王建国", verified_on=date(2026, 12, 1)))
    store.save(finding(b.id, status=FindingStatus.AWAITING_CHECK))
    assert store.open_findings() == _open(store)  # cache/open.json is written: it read both files
    assert kept in store.open_findings()

    read: list[str] = []
    reader = Store(store.root, "另一人")
    every = Store.findings_and_visits

    def counted(self, bid):
        if self is not store:  # `_open(store)` reads every file: that is the point of it
            read.append(bid)
        return every(self, bid)

    monkeypatch.setattr(Store, "findings_and_visits", counted)
    assert reader.open_findings() == _open(store) and read == []

    # Closed by another program (no journal, nothing of ours): only that file is read, once.
    def close(data):
        doc = next(d for d in data["finding"].values() if d["id"] == kept.id)
        doc.update(status="closed", verifier="王建国", verified_on="2026-12-02")

    _rewritten_behind_the_index(store.branch_dir(a.id) / "branch.json", close)
    assert kept not in reader.open_findings() and read == [a.id]
    assert Store(store.root, "第三人").open_findings() == _open(store) and read == [a.id]


def test_an_open_findings_cache_damaged_foreign_or_stale_is_not_believed(store):
    b = store.save(branch("第一党支部"))
    store.save(finding(b.id))
    expected = store.open_findings()
    path = store.root / "cache" / "open.json"
    good = path.read_bytes()
    data = orjson.loads(good)
    [(sig, docs)] = data["branches"].values()

    def forged(**changes) -> bytes:
        return orjson.dumps({**data, **changes})

    for bad in (
        good[: len(good) // 2],  # torn
        forged(_meta={"1": {"schema": 1}}),  # another schema
        forged(branches={b.id: [sig, [{**docs[0], "status": "nonsense"}]]}),  # does not validate
        forged(branches={b.id: [[sig[0], sig[1] - 1, sig[2]], []]}),  # another file's signature
        forged(branches={b.id: [sig, "not a list"]}),
    ):
        path.write_bytes(bad)
        assert Store(store.root, "另一人").open_findings() == expected, bad[:80]
        assert orjson.loads(path.read_bytes())["branches"][b.id][1] == docs  # rebuilt from the file


def test_the_tables_read_checks_no_visit_file_and_the_next_whole_read_does(store, monkeypatch):
    """The branch table's read (`table_only`) leaves visit files unread, and
    keeps in the index only what it checked: the next whole read, in any
    process, finds the issued memo."""
    b = store.save(branch("白坝村党支部"))
    issued = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2016, 9, 5))
    v = store.save(visit(b.id, date=date(2016, 9, 1), status=VisitStatus.COMPLETED, memos=[issued]))
    shutil.rmtree(store.root / "cache")
    memo_reads: list[object] = []
    reads = Store._issued_memo
    monkeypatch.setattr(Store, "_issued_memo", lambda self, path: memo_reads.append(path) or reads(self, path))

    table = Store(store.root)
    [s] = table.branch_summaries(table_only=True)
    assert (s.name, s.pinyin, s.memos, memo_reads) == ("白坝村党支部", "bai ba cun dang zhi bu", (), [])
    assert (store.root / "cache" / "index.json").exists()
    [s] = Store(store.root).branch_summaries()
    assert ([m.visit_id for m in s.memos], len(memo_reads)) == ([v.id], 1)
    [s] = table.branch_summaries()
    assert ([m.visit_id for m in s.memos], len(memo_reads)) == ([v.id], 2)


def test_a_findings_listing_checks_no_visit_file(store, monkeypatch):
    """It prints names and findings only, so a first build leaves the memos to the next whole read."""
    from inspector.cli.listing import finding_rows

    b = store.save(branch("白坝村党支部"))
    issued = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2016, 9, 5))
    store.save(visit(b.id, date=date(2016, 9, 1), status=VisitStatus.COMPLETED, memos=[issued]))
    shutil.rmtree(store.root / "cache")
    memo_reads: list[object] = []
    reads = Store._issued_memo
    monkeypatch.setattr(Store, "_issued_memo", lambda self, path: memo_reads.append(path) or reads(self, path))
    assert finding_rows(Store(store.root), date(2016, 12, 31)) == [] and memo_reads == []
    [s] = Store(store.root).branch_summaries()
    assert len(s.memos) == 1 and len(memo_reads) == 1
