"""The derived index (`inspector/store/index.py`): saves journal their entries,
and a reader never believes an entry whose file another writer has changed."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import orjson
import pytest
from storage_samples import branch, finding, pocket, visit, weaklax

from inspector.errors import CorruptFile
from inspector.models import Disposition, FindingStatus, MemberKind, MemoRecord, VisitStatus
from inspector.store import IssuedMemo, PocketFact, Store
from inspector.store import core as store_core
from inspector.store.files import dumps, parse
from inspector.store.index import summarise, summary_tables
from inspector.store.shape import check_tables


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
    monkeypatch.setattr(Store, "_branch_bytes", lambda self, path: read.append(path))
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


def _county(store: Store) -> list[str]:
    """Three branches with findings (open, closed, overdue), visits (completed, in progress),
    a weak/lax determination and a pocket member; a fourth deleted. Their ids."""
    ids = []
    for n, name in enumerate(("白坝村党支部", "北店社区党支部", "柏岗村党支部")):
        b = store.save(branch(name, members=10 + n))
        store.save(finding(b.id, found_on=date(2016, 5, 1), deadline=date(2016, 6, n + 1)))
        store.save(finding(b.id, status=FindingStatus.CLOSED))
        store.save(visit(b.id, date=date(2016, 9, n + 1), status=VisitStatus.COMPLETED))
        store.save(visit(b.id, date=date(2016, 10, n + 1)))
        ids.append(b.id)
    store.save(weaklax(ids[0]))
    store.save(pocket(ids[1], found_on=date(2016, 8, 1)))
    gone = store.save(branch("已撤销党支部"))
    store.delete(gone)
    return ids


def test_the_quick_read_summarises_a_file_as_the_careful_one_does(store):
    for bid in _county(store):
        path = store.branch_dir(bid) / "branch.json"
        raw = path.read_bytes()
        careful = check_tables(path, parse(path, raw))
        quick = summary_tables(raw)
        assert quick is not None and "changes" not in quick
        assert summarise(bid, quick) == summarise(bid, careful)
        assert summarise(bid, careful).open_findings == 1


@pytest.mark.parametrize(
    ("change", "quick", "damaged"),
    [
        (lambda d: next(iter(d["finding"].values())).update(deadline=20161231), False, True),  # read by the summary
        (lambda d: d.update(finding=[1, 2]), False, True),
        (lambda d: d.update(_meta={"1": {"schema": 4}}), False, False),  # an older schema: migrated
        (lambda d: next(iter(d["finding"].values())).update(description=5), True, True),  # not read by it
    ],
)
def test_a_file_the_quick_read_does_not_fit_goes_the_careful_way(store, change, quick, damaged):
    """The careful reader names a damaged file (its branch is left out of the
    table) and migrates an older one; a field the summary does not read is
    checked when the branch is opened."""
    [bid, *_] = _county(store)
    path = store.branch_dir(bid) / "branch.json"
    _rewritten_behind_the_index(path, change)
    assert (summary_tables(path.read_bytes()) is not None) == quick
    shutil.rmtree(store.root / "cache")
    reader = Store(store.root, read_only=True)  # as is: no upgrade of the folder on open
    listed = {s.id for s in reader.branch_summaries()}
    assert (bid in listed, path in reader.errors) == (quick or not damaged, damaged and not quick)
    if damaged and quick:
        with pytest.raises(CorruptFile):
            reader.findings(bid)


def test_a_first_build_gives_its_summaries_before_it_spells_names(store, monkeypatch):
    """Given `listed`, a build that read many files and must spell names stored
    before their pinyin was kept first gives its summaries, those names
    unspelled, then returns what a plain build does; with nothing to spell,
    or the index up to date, `listed` is not called."""
    ids = _county(store)
    shutil.rmtree(store.root / "cache")
    monkeypatch.setattr(store_core, "_LISTING_AFTER", 0)
    calls: list[list] = []
    spelled = Store(store.root).branch_summaries(table_only=True, listed=calls.append)
    assert calls == []

    def unspell(data):
        next(iter(data["branch"].values())).pop("pinyin")

    _rewritten_behind_the_index(store.branch_dir(ids[1]) / "branch.json", unspell)
    shutil.rmtree(store.root / "cache")
    plain = Store(store.root).branch_summaries(table_only=True)
    assert plain == spelled and len(plain) == 3
    assert next(s for s in plain if s.id == ids[1]).pinyin == "bei dian she qu dang zhi bu"
    shutil.rmtree(store.root / "cache")
    built = Store(store.root).branch_summaries(table_only=True, listed=calls.append)
    assert built == plain
    assert calls == [[s if s.id != ids[1] else replace(s, pinyin="") for s in plain]]
    calls.clear()
    assert Store(store.root).branch_summaries(table_only=True, listed=calls.append) == plain
    assert calls == []
