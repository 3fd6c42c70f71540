"""A data folder and a sync bundle made by the release before stable codes
(schema 1, `tests/data/release-0.1/`, see `tests/data/README.md`) open,
migrate and import, with listings equal to what that release printed."""

from __future__ import annotations

import os
import shutil
import signal
from datetime import date
from pathlib import Path

import orjson
import pytest

from inspector.cli import main
from inspector.errors import NewerSchema
from inspector.models import RECORD_TYPES, SCHEMA_VERSION, map_enum_field, map_enum_record
from inspector.pocket import due_next
from inspector.store import Store
from inspector.store.upgrade import BACKUP_DIR, folder_schema, upgrade_folder
from inspector.sync.merge import import_bundle

RELEASE = Path(__file__).parent / "data" / "release-0.1"
LISTINGS = ("branches", "visits", "findings")


@pytest.fixture(autouse=True)
def _release_day(monkeypatch):
    # The day the fixture's listings were captured (overdue days depend on it).
    monkeypatch.setenv("INSPECTOR_TODAY", "2026-11-26")
    monkeypatch.setenv("INSPECTOR_USER", "测试")


@pytest.fixture
def old_folder(tmp_path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(RELEASE / "data", root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*.json"))
        if BACKUP_DIR not in p.relative_to(root).parts
    }


def _code(enum, value):
    return enum(value)


def _listing(capsys, root: Path, kind: str) -> str:
    capsys.readouterr()
    assert main(["--data", str(root), "list", kind, "--json"]) == 0
    return capsys.readouterr().out


def _assert_listings_as_released(capsys, root: Path) -> None:
    for kind in LISTINGS:
        assert _listing(capsys, root, kind) == (RELEASE / f"list-{kind}.json").read_text(encoding="utf-8"), kind


def test_release_folder_migrates_on_open_with_a_backup_of_every_file(old_folder, capsys):
    before = _files(old_folder)
    assert folder_schema(old_folder) == 1
    Store(old_folder)
    assert folder_schema(old_folder) == SCHEMA_VERSION
    after = _files(old_folder)
    backup = old_folder / BACKUP_DIR / "schema-1"
    rewritten = {name for name in after if name in before and after[name] != before[name]}
    assert "meta.json" in rewritten and any(n.endswith("branch.json") for n in rewritten)
    for name in rewritten:
        assert (backup / name).read_bytes() == before[name], name
        data = orjson.loads(after[name])
        assert data["_meta"] == {"1": {"schema": SCHEMA_VERSION}}, name
    assert not (old_folder / "cache" / "index.json").exists()  # derived: rebuilt, not migrated
    # Records, the visit index and the change history hold codes now: `enum(value)` raises on a label.
    checked = 0
    for name in rewritten:
        data = orjson.loads(after[name])
        for kind in RECORD_TYPES:
            for doc in (data.get(kind) or {}).values():
                map_enum_record(kind, doc, _code)
                checked += 1
        for entry in (data.get("visit_index") or {}).values():
            map_enum_record("visit", entry, _code)
        for c in (data.get("changes") or {}).values():
            if c["field"] == "*":
                map_enum_record(c["kind"], c["new"], _code)
            else:
                map_enum_field(c["kind"], c["field"], c["old"], _code)
                map_enum_field(c["kind"], c["field"], c["new"], _code)
            checked += 1
    assert checked > 200

    capsys.readouterr()
    assert main(["--data", str(old_folder), "check"]) == 1
    assert _check_problems(capsys.readouterr().out) == [RELEASED_RULE_BREAK]
    _assert_listings_as_released(capsys, old_folder)


def test_a_second_open_does_not_migrate_again(old_folder):
    Store(old_folder)
    migrated = {
        p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in old_folder.rglob("*.json") if "cache" not in p.parts
    }
    assert upgrade_folder(old_folder) == 0
    Store(old_folder)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in migrated} == migrated


# The release's demo ticked a 农村/社区-only criterion for a branch of another
# sector; `inspector check` reports that rule break and nothing else.
RELEASED_RULE_BREAK = "勾选的认定标准 WL09 不适用于本支部的领域"


def _check_problems(out: str) -> list[str]:
    """The rule of each problem line `inspector check` printed, without the record and file it names."""
    lines = [line for line in out.splitlines() if line and not line.startswith("检查完成")]
    return [line.split("：")[1] for line in lines]


def test_the_release_bundle_imports_into_a_new_folder(tmp_path, capsys):
    root = tmp_path / "new"
    assert main(["--data", str(root), "import", str(RELEASE / "bundle.zip")]) == 0
    _assert_listings_as_released(capsys, root)
    capsys.readouterr()
    assert main(["--data", str(root), "check"]) == 1
    assert _check_problems(capsys.readouterr().out) == [RELEASED_RULE_BREAK]


def test_the_release_bundle_imports_into_the_migrated_release_folder_as_unchanged(old_folder, tmp_path, capsys):
    """Its own export, read back after the migration: every record and change is already there."""
    store = Store(old_folder)
    store.installation_id = "another-installation"  # a bundle from ourselves is refused
    capsys.readouterr()
    report = import_bundle(store, RELEASE / "bundle.zip")
    assert report.totals()["added"] == 0 and report.totals()["conflicts"] == 0
    _assert_listings_as_released(capsys, old_folder)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGSTOP (POSIX)")
@pytest.mark.parametrize("point", ["before_replace", "after_replace"])
@pytest.mark.parametrize("n", [1, 2, 5, 12, 21])
def test_a_migration_killed_midway_resumes_at_the_next_open(old_folder, capsys, point, n):
    pid = os.fork()
    if pid == 0:  # the child migrates until it stops itself at the n-th replace
        try:
            os.environ["INSPECTOR_TEST_PAUSE"] = f"{point}@{n}"
            Store(old_folder)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status)  # it stopped mid-migration (the folder has 12 files to rewrite)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    Store(old_folder)
    assert folder_schema(old_folder) == SCHEMA_VERSION
    for path in old_folder.rglob("*.json"):
        if BACKUP_DIR not in path.relative_to(old_folder).parts and "cache" not in path.parts:
            assert orjson.loads(path.read_bytes())["_meta"] == {"1": {"schema": SCHEMA_VERSION}}, path
    backups = old_folder / BACKUP_DIR / "schema-1"
    for path in (RELEASE / "data").rglob("*.json"):
        name = path.relative_to(RELEASE / "data")
        if "cache" not in name.parts:
            assert (backups / name).read_bytes() == path.read_bytes(), name
    _assert_listings_as_released(capsys, old_folder)


def test_a_folder_of_a_newer_schema_is_refused_untouched(old_folder):
    meta = old_folder / "meta.json"
    data = orjson.loads(meta.read_bytes())
    data["_meta"] = {"1": {"schema": SCHEMA_VERSION + 1}}
    meta.write_bytes(orjson.dumps(data))
    before = _files(old_folder)
    with pytest.raises(NewerSchema):
        Store(old_folder)
    assert _files(old_folder) == before


def test_release_pocket_records_open_with_attendance_and_dues_not_yet_known(old_folder):
    """The release kept one date per member; it stays the contact date and
    the two dates 党章第九条 counts read as unknown, so each record still has a next step."""
    store = Store(old_folder)
    members = [m for b in store.branches() for m in store.pockets(b.id)]
    assert members and any(m.last_contact for m in members)
    for m in members:
        assert (m.last_attended, m.last_dues_paid, m.probationary) == (None, None, False)
        assert due_next(m, date(2026, 11, 26)).text


def test_a_schema2_folder_is_restamped_with_a_backup(old_folder, capsys):
    Store(old_folder)
    for path in [old_folder / "meta.json", *(p for p in old_folder.rglob("*.json") if BACKUP_DIR not in p.parts)]:
        data = orjson.loads(path.read_bytes())
        if "cache" in path.parts:
            continue
        if path.name == "meta.json":
            data["schema"] = 2
        data["_meta"] = {"1": {"schema": 2}}
        path.write_bytes(orjson.dumps(data))
    assert folder_schema(old_folder) == 2
    Store(old_folder)
    assert folder_schema(old_folder) == SCHEMA_VERSION
    assert (old_folder / BACKUP_DIR / "schema-2" / "meta.json").exists()
    _assert_listings_as_released(capsys, old_folder)


def test_a_command_says_it_upgrades_an_old_folder_once(old_folder, capsys):
    capsys.readouterr()
    assert main(["--data", str(old_folder), "list", "branches", "--json"]) == 0
    said = capsys.readouterr().err
    assert (
        f"正在升级为数据结构 {SCHEMA_VERSION}" in said
        and "backup/schema-1/" in said
        and said.count("\n") == 1
        and said.endswith("\n")
    )
    assert main(["--data", str(old_folder), "list", "branches", "--json"]) == 0
    assert "升级" not in capsys.readouterr().err  # upgraded: nothing to say
