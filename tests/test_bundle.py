"""Bad bundles: each kind is refused whole with one Chinese line, and the data
folder is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import orjson
import pytest
from sync_fixtures import bundle, folder_state, new_store, seed

from inspector.cli import main
from inspector.models import Committee
from inspector.sync import bundle as bundle_mod
from inspector.sync.bundle import BundleError
from inspector.sync.merge import import_bundle


@pytest.fixture
def setup(tmp_path):
    """A server's good bundle, and a laptop (with its own data) to import into."""
    server = new_store(tmp_path, "server", "县委张")
    seed(server)
    server.save(Committee(name="中共白沙镇委员会"))
    laptop = new_store(tmp_path, "laptop", "王干事")
    seed(laptop)
    return server, laptop, bundle(server, tmp_path, "good")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rewrite(path: Path, members: dict[str, bytes], *, fix_checksums: bool = True) -> Path:
    """Write `members` as a new bundle, with the manifest's checksums made to match unless told not to."""
    manifest = orjson.loads(members["manifest.json"])
    if fix_checksums:
        manifest["parts"] = {
            n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in members.items()
            if n != "manifest.json"
        }
    out = path.with_name("bad.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", orjson.dumps(manifest))
        for name, data in members.items():
            if name != "manifest.json":
                zf.writestr(name, data)
    return out


def _with_manifest(path: Path, **changes) -> Path:
    members = _members(path)
    members["manifest.json"] = orjson.dumps({**orjson.loads(members["manifest.json"]), **changes})
    return _rewrite(path, members)


def _branch_part(members: dict[str, bytes]) -> tuple[str, dict]:
    name = next(n for n in members if n.startswith("branches/"))
    return name, orjson.loads(members[name])


def _truncated(path: Path) -> Path:
    data = path.read_bytes()
    out = path.with_name("bad.zip")
    out.write_bytes(data[: len(data) // 2])
    return out


def _garbage(path: Path) -> Path:
    out = path.with_name("bad.zip")
    out.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    return out


def _flipped_byte(path: Path) -> Path:
    """A stored member whose bytes were damaged in transit (CRC no longer matches)."""
    members = _members(path)
    out = path.with_name("bad.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = bytearray(out.read_bytes())
    at = raw.index(b'"branch_id"') + 3
    raw[at] ^= 0x01
    out.write_bytes(bytes(raw))
    return out


def _checksum(path: Path) -> Path:
    members = _members(path)
    name, part = _branch_part(members)
    part["records"]["branch"][0]["secretary"] = "被改过"
    members[name] = orjson.dumps(part)
    return _rewrite(path, members, fix_checksums=False)


def _named(member: str):
    def make(path: Path) -> Path:
        members = _members(path)
        name, _ = _branch_part(members)
        members[member] = members.pop(name)
        return _rewrite(path, members)

    return make


def _invalid_record(path: Path) -> Path:
    members = _members(path)
    name, part = _branch_part(members)
    part["records"]["branch"][0]["members"] = -5
    members[name] = orjson.dumps(part)
    return _rewrite(path, members)


def _invalid_change(path: Path) -> Path:
    members = _members(path)
    name, part = _branch_part(members)
    part["changes"][0]["record_id"] = "不存在的记录"
    members[name] = orjson.dumps(part)
    return _rewrite(path, members)


def _invalid_template(path: Path) -> Path:
    members = _members(path)
    name = next(n for n in members if n.startswith("templates/"))
    snap = orjson.loads(members[name])
    snap["template"]["title"] = "被改过的清单"
    members[name] = orjson.dumps(snap)
    return _rewrite(path, members)


def _invalid_committee(path: Path) -> Path:
    members = _members(path)
    part = orjson.loads(members["committee.json"])
    part["record"]["name"] = ""
    members["committee.json"] = orjson.dumps(part)
    return _rewrite(path, members)


def _missing_part(path: Path) -> Path:
    members = _members(path)
    manifest = orjson.loads(members["manifest.json"])
    name, _ = _branch_part(members)
    del members[name]
    members["manifest.json"] = orjson.dumps(manifest)
    return _rewrite(path, members, fix_checksums=False)


def _bomb(path: Path) -> Path:
    """A member that inflates far beyond the limit (a few KB on disk)."""
    out = path.with_name("bad.zip")
    members = _members(path)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        with zf.open("templates/99.json", "w") as fh:
            chunk = b" " * (1 << 20)
            for _ in range(bundle_mod.MAX_MEMBER_BYTES // len(chunk) + 1):
                fh.write(chunk)
    return out


BAD = {
    "truncated": (_truncated, "损坏或不完整"),
    "not a zip": (_garbage, "损坏或不完整"),
    "damaged bytes": (_flipped_byte, "损坏或不完整"),
    "format version": (lambda p: _with_manifest(p, format_version=99), "格式版本不符"),
    "schema version": (lambda p: _with_manifest(p, schema=99), "数据结构版本不符"),
    "not ours": (lambda p: _with_manifest(p, format="zip"), "不是本程序导出的同步包"),
    "checksum": (_checksum, "校验失败"),
    "missing part": (_missing_part, "与清单不一致"),
    "dot-dot name": (_named("branches/../../evil.json"), "文件名不安全"),
    "absolute name": (_named("/etc/evil.json"), "文件名不安全"),
    "unknown member": (_named("branches/x/y.json"), "不认识的文件"),
    "oversized member": (_bomb, "过大"),
    "invalid record": (_invalid_record, "未通过校验"),
    "invalid committee": (_invalid_committee, "committee.json 中有记录未通过校验"),
    "orphan change": (_invalid_change, "不属于包内任何记录"),
    "tampered template": (_invalid_template, "检查清单快照"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_bundle_is_refused_and_folder_untouched(setup, kind):
    _, laptop, good = setup
    make, words = BAD[kind]
    bad = make(good)
    before = folder_state(laptop.root)
    with pytest.raises(BundleError) as err:
        import_bundle(laptop, bad)
    message = str(err.value)
    assert words in message
    assert "\n" not in message and re.search(r"[\u4e00-\u9fff]", message)
    assert folder_state(laptop.root) == before


def test_bundle_from_this_installation_is_refused(setup, tmp_path):
    server, _, good = setup
    before = folder_state(server.root)
    with pytest.raises(BundleError, match="本机导出"):
        import_bundle(server, good)
    assert folder_state(server.root) == before


def test_total_size_limit_counts_every_member(setup, monkeypatch):
    _, laptop, good = setup
    monkeypatch.setattr(bundle_mod, "MAX_TOTAL_BYTES", 1000)
    before = folder_state(laptop.root)
    with pytest.raises(BundleError, match="过大"):
        import_bundle(laptop, good)
    assert folder_state(laptop.root) == before


def test_merge_that_breaks_a_rule_is_refused_whole(tmp_path):
    """Each side's edit is valid; together they are not (deadline before found_on)."""
    from datetime import date

    from inspector.models import Finding

    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, bundle(server, tmp_path, "base"))
    f = server.get(Finding, ids["f1"], ids["branch"])
    server.save(f.model_copy(update={"deadline": date(2026, 11, 10)}))
    f = laptop.get(Finding, ids["f1"], ids["branch"])
    laptop.save(f.model_copy(update={"found_on": date(2026, 11, 15)}))
    before = folder_state(server.root)
    with pytest.raises(BundleError, match="合并后"):
        import_bundle(server, bundle(laptop, tmp_path, "clash"))
    assert folder_state(server.root) == before


def test_cli_refusal_is_one_chinese_line(setup, capsys):
    _, laptop, good = setup
    bad = _truncated(good)
    assert main(["--data", str(laptop.root), "import", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("错误：同步包已损坏或不完整") and "\n" not in err


def test_failure_midway_leaves_folder_untouched(setup, monkeypatch):
    """All or nothing: an error while applying (here the third record) undoes the whole import."""
    from inspector.store import Store

    _, laptop, good = setup
    fresh = Store(laptop.root.parent / "fresh", "新机")
    before = folder_state(fresh.root)
    real, calls = Store.ingest, []

    def failing(self, *args, **kwargs):
        calls.append(args[1])
        if len(calls) == 3:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "ingest", failing)
    with pytest.raises(OSError):
        import_bundle(fresh, good)
    assert folder_state(fresh.root) == before
    monkeypatch.setattr(Store, "ingest", real)
    report = import_bundle(fresh, good)  # the same bundle goes in whole once the fault is gone
    assert report.totals()["added"] == 5 and report.committee == "added" and report.templates == 1
