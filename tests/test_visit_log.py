"""Visit logs: a visit's saves are appended to a log beside its file (see
inspector/store/files.py): framing, torn tails, replay, folding, and every
reader seeing the file and its log as one."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from datetime import date
from pathlib import Path

import orjson
import pytest
from storage_samples import branch, visit

from inspector.errors import CorruptFile, SaveFailed
from inspector.models import Answer, AnswerValue, MemoRecord, Visit, VisitStatus
from inspector.store import Store
from inspector.store import files as storage
from inspector.store.check import Report, check_data
from inspector.store.files import log_path, log_record, log_records, read_bytes


def _answer(store: Store, v: Visit, key: str) -> Visit:
    cur = store.visit(v.id, v.branch_id)
    return store.save(cur.model_copy(update={"answers": {**cur.answers, key: Answer(value=AnswerValue.MET)}}), base=cur)


def _visit_path(store: Store, v: Visit) -> Path:
    return store.branch_dir(v.branch_id) / "visits" / f"{v.id}.json"


@pytest.fixture
def logged(store):
    """A visit saved once whole, then answered twice: two records in its log."""
    b = store.save(branch())
    v = store.save(visit(b.id, answers={}))
    store.keep_template("onsite", "2016.1", "abc123", {"format": 1, "template": {"id": "onsite"}})
    path = _visit_path(store, v)
    main = path.read_bytes()
    _answer(store, v, "a1")
    v = _answer(store, v, "a2")
    assert path.read_bytes() == main
    return store, v, path, main


# ---------------------------------------------------------------- framing
def test_records_round_trip_and_a_torn_last_one_is_ignored_wherever_it_is_cut():
    payloads = [b'[5,{"visit":{"1":null}}]', b"x" * 300, b"[]"]
    data = b"".join(log_record(p) for p in payloads)
    assert log_records(Path("v.json"), data) == (payloads, len(data))
    start = len(data) - len(log_record(payloads[-1]))
    for cut in range(start, len(data)):
        assert log_records(Path("v.json"), data[:cut]) == (payloads[:2], start)
    # blocks a crash left unwritten read as zeros: a torn record too
    zeros = data[:start] + bytes(len(data) - start)
    assert log_records(Path("v.json"), zeros) == (payloads[:2], start)
    flipped = data[:-1] + bytes([data[-1] ^ 1])  # the last record's checksum fails
    assert log_records(Path("v.json"), flipped) == (payloads[:2], start)


@pytest.mark.parametrize("at", [3, 14], ids=["header", "payload"])
def test_damage_before_the_last_record_is_a_corrupt_file(at):
    data = bytearray(log_record(b"y" * 40) + log_record(b"z" * 40))
    data[at] ^= 0xFF
    with pytest.raises(CorruptFile, match="修改日志第 1 条记录"):
        log_records(Path("v.json"), bytes(data))


# ------------------------------------------------------------ the save path
def test_a_visit_save_appends_and_every_reader_sees_the_file_and_its_log(logged):
    store, v, path, main = logged
    assert os.path.exists(log_path(path))
    fresh = Store(store.root, "另一人")
    assert set(fresh.visit(v.id, v.branch_id).answers) == {"a1", "a2"}
    assert set(fresh.visit(v.id, v.branch_id, keep=False).answers) == {"a1", "a2"}  # the fast read
    assert set(fresh.visit_file(v.branch_id, v.id)["visit"]["1"]["answers"]) == {"a1", "a2"}  # sync
    assert fresh.visit_file_has(v.branch_id, v.id, b'"a2"')
    report = Report()
    check_data(fresh, report)
    assert [p for p in report.problems if v.id in p or "修改日志" in p] == []
    folded = orjson.loads(read_bytes(path)[0])
    assert set(folded["visit"]["1"]["answers"]) == {"a1", "a2"}
    assert len(storage.file_signature(path)) == 6  # covers the log: readers' caches see appends


def test_another_process_append_is_seen_at_once(logged):
    store, v, _path, _main = logged
    reader = Store(store.root, "读者")
    assert set(reader.visit(v.id, v.branch_id).answers) == {"a1", "a2"}
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            _answer(Store(store.root, "另一进程"), v, "a3")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert set(reader.visit(v.id, v.branch_id).answers) == {"a1", "a2", "a3"}
    assert set(store.visit(v.id, v.branch_id).answers) == {"a1", "a2", "a3"}
    _answer(store, v, "a4")  # the first process's next save builds on the child's
    assert set(Store(store.root).visit(v.id, v.branch_id).answers) == {"a1", "a2", "a3", "a4"}


def test_a_torn_last_record_is_ignored_and_cut_off_by_the_next_save(logged):
    store, v, path, _main = logged
    log = Path(log_path(path))
    sound = log.stat().st_size
    with open(log, "ab") as fh:
        fh.write(log_record(b'[5,{"visit":{}}]')[:-4])  # a crash mid-append
    fresh = Store(store.root, "另一人")
    assert set(fresh.visit(v.id, v.branch_id).answers) == {"a1", "a2"}
    _answer(fresh, v, "a3")
    records, end = log_records(path, log.read_bytes())
    assert end == log.stat().st_size and len(records) == 3
    assert sound < end
    assert set(Store(store.root).visit(v.id, v.branch_id).answers) == {"a1", "a2", "a3"}


def test_damage_inside_the_log_is_named_never_dropped(logged):
    store, v, path, _main = logged
    log = Path(log_path(path))
    data = bytearray(log.read_bytes())
    data[20] ^= 0xFF  # inside the first of two records
    log.write_bytes(bytes(data))
    fresh = Store(store.root, "另一人")
    with pytest.raises(CorruptFile, match="修改日志第 1 条记录"):
        fresh.visit(v.id, v.branch_id)
    assert str(path) in str(fresh.errors)
    report = Report()
    check_data(fresh, report)
    assert any("修改日志第 1 条记录" in p for p in report.problems)
    with pytest.raises(CorruptFile):
        _answer(fresh, v, "a3")
    assert log.read_bytes() == bytes(data)  # nothing written over it


def test_a_log_without_its_file_is_a_corrupt_file(logged):
    store, v, path, _main = logged
    path.unlink()
    with pytest.raises(CorruptFile, match="修改日志"):
        read_bytes(path)
    report = Report()
    check_data(Store(store.root), report)
    assert any("没有对应的现场指导文件" in p for p in report.problems)


# ----------------------------------------------------------------- folding
def test_replaying_a_log_over_the_file_that_folded_it_changes_nothing(logged):
    store, v, path, _main = logged
    log = Path(log_path(path))
    kept = log.read_bytes()
    before = read_bytes(path)[0]
    with store.lock():
        assert storage.fold_log(path)
    assert not log.exists() and path.read_bytes() == before
    log.write_bytes(kept)  # as a crash between the replace and the removal leaves it
    assert read_bytes(path)[0] == before
    assert set(Store(store.root).visit(v.id, v.branch_id).answers) == {"a1", "a2"}


def test_the_log_is_folded_once_it_outgrows_the_file(logged):
    store, v, path, _main = logged
    log = Path(log_path(path))
    for n in range(3, 300):
        _answer(store, v, f"a{n}")
        if not log.exists():
            break
    else:
        pytest.fail("the log was never folded")
    data = orjson.loads(path.read_bytes())  # the file alone holds everything now
    assert set(data["visit"]["1"]["answers"]) == {f"a{k}" for k in range(1, n + 1)}
    _answer(store, v, "later")
    assert log.exists()


def test_a_transaction_folds_the_log_before_replacing_the_file(logged):
    store, v, path, _main = logged
    with store.transaction():
        cur = store.visit(v.id, v.branch_id)
        store.save(cur.model_copy(update={"status": VisitStatus.COMPLETED}))
    assert not os.path.exists(log_path(path))
    fresh = Store(store.root)
    got = fresh.visit(v.id, v.branch_id)
    assert (set(got.answers), got.status) == ({"a1", "a2"}, VisitStatus.COMPLETED)
    assert [e.status for e in fresh.visit_index(v.branch_id)] == [VisitStatus.COMPLETED]


def test_the_index_sees_an_issued_memo_saved_to_the_log(store):
    b = store.save(branch())
    v = store.save(visit(b.id, status=VisitStatus.COMPLETED))
    path = _visit_path(store, v)
    reader = Store(store.root, "读者")
    assert not any(s.memos for s in reader.branch_summaries())
    memo = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2016, 9, 5))
    store.save(v.model_copy(update={"memos": [memo]}), base=v)  # the index entry is the same: appended
    assert os.path.exists(log_path(path))
    assert [m.issued_on for s in reader.branch_summaries() for m in s.memos] == [date(2016, 9, 5)]
    shutil.rmtree(store.root / "cache")  # rebuilt from the files and their logs
    assert [m.issued_on for s in Store(store.root, "重建").branch_summaries() for m in s.memos] == [date(2016, 9, 5)]


def test_upgrade_folds_a_log_in_the_files_own_schema(logged, monkeypatch):
    """An upgrade rewrites the file: its log, in the old schema, goes into it first."""
    from inspector.store import upgrade

    store, v, path, _main = logged
    before = read_bytes(path)[0]
    with store.lock():
        assert upgrade._upgrade_file(store.root, path) is False  # current already: only folded
    assert not os.path.exists(log_path(path)) and path.read_bytes() == before


def test_record_layout_is_length_crc_and_header_crc():
    framed = log_record(b"abc")
    length, crc, head = struct.unpack("<III", framed[:12])
    assert (length, framed[12:]) == (3, b"abc")
    assert crc == zlib.crc32(b"abc") and head == zlib.crc32(framed[:8])


def test_only_visit_files_have_logs(tmp_path):
    root = tmp_path / "visits"  # a data folder that happens to be called so
    assert storage.has_log_path(root / "branches" / "b1" / "visits" / "v1.json")
    for other in ("committee.json", "branches/b1/branch.json", "visits/v1.json", "branches/b1/visits/.v1.json.log"):
        assert not storage.has_log_path(root / other)


def test_an_append_the_disk_cut_short_is_refused_and_taken_back(logged, monkeypatch):
    store, v, path, _main = logged
    log = Path(log_path(path))
    before = log.read_bytes()
    real_write = os.write
    monkeypatch.setattr(storage.os, "write", lambda fd, data: real_write(fd, data[:10]))
    with pytest.raises(SaveFailed):
        _answer(store, v, "a3")
    monkeypatch.undo()
    assert log.read_bytes() == before
    assert set(Store(store.root).visit(v.id, v.branch_id).answers) == {"a1", "a2"}
    _answer(store, v, "a3")  # the same process saves again from what is on disk
    assert set(Store(store.root).visit(v.id, v.branch_id).answers) == {"a1", "a2", "a3"}
