"""Storage: round trips, file format and modes, schema versions, reloads, corrupt files."""

from __future__ import annotations

import grp
import os
import stat

import orjson
import pytest
from storage_samples import branch, committee, data_files, finding, pocket, snapshot, visit, weaklax

from inspector.errors import CorruptFile, NewerSchema, StoreError
from inspector.models import SCHEMA_VERSION, Branch, Finding, PocketMember, Visit, WeakLaxDetermination
from inspector.settings import Settings, save_settings
from inspector.store import Store
from inspector.store import files as storage
from inspector.store.files import Shard, file_signature


def _full_store(store: Store):
    b = store.save(branch())
    recs = {
        "committee": store.save(committee()),
        "branch": b,
        "visit": store.save(visit(b.id)),
        "finding": store.save(finding(b.id)),
        "pocket": store.save(pocket(b.id)),
        "weaklax": store.save(weaklax(b.id)),
    }
    store.keep_template("onsite", "2016.1", "abc123", {"format": 1, "template": {"id": "onsite"}})
    save_settings(store.root, Settings(committee_name="城关镇党委"))
    store.branch_summaries()
    return recs


# ------------------------------------------------------------ round trips
def test_every_record_type_round_trips(store):
    recs = _full_store(store)
    fresh = Store(store.root, "另一人")  # nothing from the first instance's caches
    b = recs["branch"]
    assert fresh.committee() == recs["committee"]
    assert fresh.branch(b.id) == b
    assert fresh.visit(recs["visit"].id) == recs["visit"]
    assert fresh.visits(b.id) == [recs["visit"]]
    assert fresh.findings(b.id) == [recs["finding"]]
    assert fresh.pockets(b.id) == [recs["pocket"]]
    assert fresh.weaklax(b.id) == [recs["weaklax"]]
    for cls in (Finding, PocketMember, WeakLaxDetermination):
        rec = recs[cls.kind]
        assert fresh.get(cls, rec.id, b.id) == rec
    assert fresh.get(Visit, recs["visit"].id) == recs["visit"]
    data = fresh.branch_data(b.id)
    assert (data.branch, data.visits, data.findings) == (b, [recs["visit"]], [recs["finding"]])


def test_initials_are_stored_with_the_branch(store):
    b = store.save(branch("城关镇第一村党支部"))
    assert b.initials == "cgzdycdzb"
    assert Store(store.root).branch(b.id).initials == "cgzdycdzb"


def test_chinese_is_stored_as_text(store):
    recs = _full_store(store)
    raw = (store.branch_dir(recs["branch"].id) / "branch.json").read_bytes()
    assert "城关镇第一村党支部".encode() in raw
    assert "“三会一课”记录不全".encode() in raw
    for path in data_files(store.root):
        assert b"\\u" not in path.read_bytes(), path


def test_every_file_carries_the_schema_version(store):
    _full_store(store)
    (store.root / "cache" / "index.log").unlink()
    Store(store.root).branch_summaries()  # a reader that finds entries missing writes the index's snapshot
    files = data_files(store.root)
    names = {p.name for p in files}
    assert {"meta.json", "settings.json", "committee.json", "branch.json", "index.json"} <= names
    assert any(p.parent.name == "templates" for p in files)
    assert any(p.parent.name == "visits" for p in files)
    for path in files:
        meta = orjson.loads(path.read_bytes())["_meta"]
        assert meta == {"1": {"schema": SCHEMA_VERSION}}, path


def _modes(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, root)] = stat.S_IMODE(os.stat(path).st_mode)
    return out


def test_files_are_owner_only(tmp_path):
    store = Store(tmp_path / "data")
    _full_store(store)
    modes = _modes(store.root)
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700
    assert modes[".lock"] == 0o600
    for rel, mode in modes.items():
        is_dir = (store.root / rel).is_dir()
        assert mode == (0o700 if is_dir else 0o600), rel


def _other_group() -> grp.struct_group:
    """A group this process may give files to, other than its primary one."""
    ids = {g.gr_gid for g in grp.getgrall()} if os.geteuid() == 0 else set(os.getgroups())
    ids.discard(os.getgid())
    if not ids:
        pytest.skip("no second group to give files to (needs root or membership of two groups)")
    return grp.getgrgid(min(ids))


def test_shared_group_widens_modes(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "_FILE_MODE", storage._FILE_MODE)
    monkeypatch.setattr(storage, "_DIR_MODE", storage._DIR_MODE)
    monkeypatch.setattr(storage, "_GROUP", storage._GROUP)
    group = _other_group()
    Settings(shared_group=group.gr_name).apply_modes()
    store = Store(tmp_path / "shared")
    _full_store(store)
    modes = _modes(store.root)
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o2770
    for rel, mode in modes.items():
        is_dir = (store.root / rel).is_dir()
        assert mode == (0o2770 if is_dir else 0o660), rel
        assert os.stat(store.root / rel).st_gid == group.gr_gid, rel


# ------------------------------------------------------------ schema versions
def _set_schema(path, version, edit=None):
    data = orjson.loads(path.read_bytes())
    data["_meta"] = {"1": {"schema": version}}
    if edit:
        edit(data)
    path.write_bytes(orjson.dumps(data))


def test_file_from_a_newer_schema_is_refused_and_kept(store):
    b = store.save(branch())
    other = store.save(branch("城关镇第二村党支部"))
    path = store.branch_dir(b.id) / "branch.json"
    _set_schema(path, SCHEMA_VERSION + 1)
    before = path.read_bytes()
    fresh = Store(store.root)
    with pytest.raises(NewerSchema) as err:
        fresh.branch(b.id)
    msg = str(err.value)
    assert "更新版本" in msg and "升级" in msg and str(path) in msg and "\n" not in msg
    with pytest.raises(CorruptFile):
        fresh.save(finding(b.id))
    with pytest.raises(CorruptFile):
        fresh.save(b.model_copy(update={"secretary": "新书记"}))
    assert path.read_bytes() == before
    assert [x.id for x in fresh.branches()] == [other.id]
    assert path in fresh.errors


def test_migration_is_applied_on_read_and_written_by_the_next_save(store, monkeypatch):
    b = store.save(branch())
    store.save(finding(b.id))
    path = store.branch_dir(b.id) / "branch.json"

    def rename_back(data):  # the fake schema 0 called the branch's name "title"
        for doc in data["branch"].values():
            doc["title"] = doc.pop("name")

    _set_schema(path, 0, rename_back)

    def v0_to_v1(data):
        for doc in data["branch"].values():
            doc["name"] = doc.pop("title")
        return data

    fresh = Store(store.root)
    with pytest.raises(CorruptFile, match="无法从数据结构 0 升级"):
        fresh.branch(b.id)
    monkeypatch.setitem(storage.MIGRATIONS, 0, v0_to_v1)
    fresh = Store(store.root)
    assert fresh.branch(b.id) == b
    assert orjson.loads(path.read_bytes())["_meta"]["1"]["schema"] == 0  # reading does not write
    fresh.save(finding(b.id, description="第二个问题"))
    data = orjson.loads(path.read_bytes())
    assert data["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert all("title" not in d and d["name"] == b.name for d in data["branch"].values())
    assert len(Store(store.root).findings(b.id)) == 2


def test_failing_migration_names_the_file(store, monkeypatch):
    b = store.save(branch())
    path = store.branch_dir(b.id) / "branch.json"
    _set_schema(path, 0)
    monkeypatch.setitem(storage.MIGRATIONS, 0, lambda data: data["missing"])
    with pytest.raises(CorruptFile, match="升级失败") as err:
        Store(store.root).branch(b.id)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("meta", [{"1": {"schema": "1"}}, {"1": {}}, [1], {"1": {"schema": -1}}])
def test_garbled_schema_stamp_is_a_corrupt_file(store, meta):
    b = store.save(branch())
    path = store.branch_dir(b.id) / "branch.json"
    data = orjson.loads(path.read_bytes())
    data["_meta"] = meta
    path.write_bytes(orjson.dumps(data))
    with pytest.raises(CorruptFile, match="版本信息"):
        Store(store.root).branch(b.id)


# ------------------------------------------------------------ reloads
def test_two_instances_inserting_into_one_shard(store):
    other = Store(store.root, "第二人")
    b = store.save(branch())
    saved = []
    for i in range(6):
        writer = (store, other)[i % 2]
        saved.append(writer.save(finding(b.id, description=f"问题{i}")))
    for reader in (store, other, Store(store.root)):
        assert sorted(f.description for f in reader.findings(b.id)) == [f"问题{i}" for i in range(6)]
    shard = Shard(store.branch_dir(b.id) / "branch.json")
    changes = shard.raw()["changes"]
    assert len(changes) == 1 + 6  # branch creation + one creation per finding
    assert len({c["id"] for c in changes.values()}) == 7
    for f in saved:
        assert [c.field for c in store.history(f)] == ["*"]


def test_reload_forgets_tinydb_ids_and_query_cache(store):
    from tinydb import Query

    b = store.save(branch())
    path = store.branch_dir(b.id) / "branch.json"
    mine = Shard(path)
    mine.table("scratch").insert({"id": "a", "n": 1})
    assert mine.table("scratch").search(Query().n == 1)
    theirs = Shard(path)
    theirs.table("scratch").insert({"id": "b", "n": 1})
    assert len(mine.table("scratch").search(Query().n == 1)) == 2  # sees the other writer, not a cached result
    mine.table("scratch").insert({"id": "c", "n": 1})  # a fresh id, not the one the other writer took
    assert sorted(d["id"] for d in Shard(path).docs("scratch")) == ["a", "b", "c"]
    assert len(Shard(path).raw()["scratch"]) == 3


def test_unchanged_stat_does_not_hide_another_writer(store):
    """Coarse mtimes and reused inodes can give a changed file its old stat;
    a read-modify-write must still see the other writer's save."""
    b = store.save(branch())
    other = Store(store.root, "第二人")
    first = store.save(finding(b.id, description="甲"))
    other.save(finding(b.id, description="乙"))
    path = store.branch_dir(b.id) / "branch.json"
    mine = store._shard(path).storage
    mine._sig = file_signature(path)  # pretend the stat still matches our cache
    store.save(first.model_copy(update={"goal": "新目标"}))
    assert sorted(f.description for f in Store(store.root).findings(b.id)) == ["乙", "甲"]


# ------------------------------------------------------------ corrupt files
CORRUPTIONS = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty": lambda raw: b"",
    "garbage": lambda raw: b"\x00\xff\xfe not json",
    "not an object": lambda raw: b"[1, 2, 3]",
}


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_corrupt_branch_file_is_named_kept_and_isolated(store, how):
    good = store.save(branch("城关镇第二村党支部"))
    store.save(finding(good.id))
    bad = store.save(branch())
    store.save(finding(bad.id))
    path = store.branch_dir(bad.id) / "branch.json"
    path.write_bytes(CORRUPTIONS[how](path.read_bytes()))
    before = path.read_bytes()

    for s in (store, Store(store.root)):
        with pytest.raises(CorruptFile) as err:
            s.branch(bad.id)
        assert str(path) in str(err.value) and "\n" not in str(err.value)
        for record in (finding(bad.id), bad.model_copy(update={"notes": "改"}), pocket(bad.id)):
            with pytest.raises(CorruptFile):
                s.save(record)
            assert path.read_bytes() == before
        assert [b.id for b in s.branches()] == [good.id]
        assert [x.id for x in s.branch_summaries()] == [good.id]
        assert {f.branch_id for f in s.all_findings()} == {good.id}
        assert path in s.errors
        s.save(finding(good.id, description="照常保存"))
    assert path.read_bytes() == before
    assert len(store.findings(good.id)) == 3


def test_invalid_record_is_named_and_kept_as_it_is(store):
    """Valid JSON holding a record the model refuses (a hand edit): reads name
    the file; saves of other records leave that record exactly as it was."""
    good = store.save(branch("城关镇第二村党支部"))
    bad = store.save(branch())
    path = store.branch_dir(bad.id) / "branch.json"
    path.write_bytes(path.read_bytes().replace(b'"members":37', b'"members":-5'))
    fresh = Store(store.root)
    with pytest.raises(CorruptFile, match="记录无效") as err:
        fresh.branch(bad.id)
    assert str(path) in str(err.value)
    assert [b.id for b in fresh.branches()] == [good.id]
    assert path in fresh.errors
    f = fresh.save(finding(bad.id))
    assert fresh.findings(bad.id) == [f]
    stored = [d for d in orjson.loads(path.read_bytes())["branch"].values()]
    assert stored[0]["members"] == -5 and stored[0]["id"] == bad.id


def test_corrupt_visit_file_is_isolated(store):
    b = store.save(branch())
    v1 = store.save(visit(b.id))
    v2 = store.save(visit(b.id))
    path = store.branch_dir(b.id) / "visits" / f"{v1.id}.json"
    path.write_bytes(b'{"visit": {"1": ')
    before = path.read_bytes()
    fresh = Store(store.root)
    assert [v.id for v in fresh.visits(b.id)] == [v2.id]
    assert path in fresh.errors
    with pytest.raises(CorruptFile):
        fresh.save(v1.model_copy(update={"summary": "总结"}))
    assert path.read_bytes() == before
    fresh.save(v2.model_copy(update={"summary": "总结"}))
    assert fresh.visit(v2.id).summary == "总结"


def test_error_entry_clears_once_the_file_is_repaired(store):
    b = store.save(branch())
    path = store.branch_dir(b.id) / "branch.json"
    good = path.read_bytes()
    path.write_bytes(b"{")
    with pytest.raises(CorruptFile):
        store.branch(b.id)
    assert path in store.errors
    path.write_bytes(good)
    assert store.branch(b.id) == b
    assert path not in store.errors


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_named(store):
    b = store.save(branch())
    path = store.branch_dir(b.id) / "branch.json"
    path.chmod(0)
    try:
        with pytest.raises(CorruptFile, match="无法读取") as err:
            Store(store.root).branch(b.id)
        assert str(path) in str(err.value)
    finally:
        path.chmod(0o600)


def test_lone_surrogate_is_removed_on_save_and_refused_by_the_writer(store):
    b = store.save(branch())
    saved = store.save(finding(b.id).model_copy(update={"description": "坏\ud800字符"}))  # a lone surrogate
    assert saved.description == "坏字符"
    assert Store(store.root).findings(b.id) == [saved]
    before = snapshot(store.root)
    with pytest.raises(StoreError, match="无法保存"):
        storage.dumps({"note": "坏\ud800字符"})
    assert snapshot(store.root) == before


def test_branch_model_is_the_same_after_reading_back(store):
    b = store.save(Branch(name="  前后有空格的党支部  ", secretary=" 王 "))
    assert b.name == "前后有空格的党支部" and b.secretary == "王"
    assert Store(store.root).branch(b.id) == b


def test_replace_keeps_id_and_order_and_drops_old_keys(tmp_path):
    shard = Shard(tmp_path / "s.json")
    first = shard.table("t").insert({"id": "a", "old": 1})
    shard.table("t").insert({"id": "b"})
    shard.replace("t", first, {"id": "a", "new": 2})
    assert [d["id"] for d in shard.docs("t")] == ["a", "b"]
    assert Shard(tmp_path / "s.json").table("t").get(doc_id=first) == {"id": "a", "new": 2}


@pytest.mark.parametrize(
    ("ids", "added"),
    [
        (["1", "2", "3"], ["4", "5"]),  # as every save leaves them
        (["1", "4", "2"], ["3"]),  # out of order, the next after the last free
        (["1", "3", "2"], ["4", "5"]),  # out of order, the next after the last taken
    ],
)
def test_append_never_reuses_an_id(tmp_path, ids, added):
    path = tmp_path / "s.json"
    path.write_bytes(orjson.dumps({"t": {i: {"id": f"old{i}"} for i in ids}}))
    shard = Shard(path)
    shard.append("t", [{"id": f"new{n}"} for n in range(len(added))])
    stored = orjson.loads(path.read_bytes())["t"]
    assert list(stored) == ids + added
    assert [d["id"] for d in stored.values()] == [f"old{i}" for i in ids] + [f"new{n}" for n in range(len(added))]


def test_a_file_built_from_its_last_bytes_is_what_dumping_it_whole_gives(tmp_path):
    """A write reuses the bytes of every table that did not change or only
    grew at its end; the file must be byte for byte orjson's dump of the tables."""
    path = tmp_path / "s.json"
    shard = Shard(path)

    def check():
        raw = path.read_bytes()
        assert raw == storage.dumps(shard.raw()) == orjson.dumps(orjson.loads(raw))

    shard.append("log", [{"id": "c1", "new": "第一"}])  # a new table
    check()
    first = shard.table("record").insert({"id": "v", "answers": {"a": 1}})
    check()
    for n in range(3):  # as a save: the record replaced, its changes appended, one write
        with shard.batch():
            shard.replace("record", first, {"id": "v", "answers": {"a": n, "b": "改\u2028过"}})
            shard.append("log", [{"id": f"c{n}a"}])
            shard.append("log", [{"id": f"c{n}b"}, {"id": f"c{n}c", "new": None}])
        check()
    shard.append('empty "quoted" 表', [])
    shard.append('empty "quoted" 表', [{"id": "e"}])
    check()
    with shard.batch():  # grown, then replaced whole: not spliced
        shard.append("log", [{"id": "late"}])
        shard.table("log").remove(doc_ids=[1])
    check()
    shard.append("log", [{"id": "after", 3: "a key that is not text"}])
    check()
    assert [d["id"] for d in Shard(path).docs("log")][-3:] == ["c2c", "late", "after"]
    assert list(orjson.loads(path.read_bytes())) == ["log", "_meta", "record", 'empty "quoted" 表']
