"""The store under hostile conditions: full and read-only disks, damaged and
unreadable files, leftovers of killed writers, a busy lock, a shared server.

Tests run as root in CI, where chmod does not stop a read: unreadable files
and folders and a read-only folder are simulated by making the system call
fail with the errno the kernel gives (said in each test); one test uses a
real read-only bind mount where the machine allows it.
"""

from __future__ import annotations

import errno
import grp
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from conftest import TODAY
from storage_samples import branch, finding, snapshot

from inspector.cli import main
from inspector.cli.common import _LogFile
from inspector.demo import generate
from inspector.errors import CorruptFile, SaveFailed, StoreBusy, StoreError, Unreadable
from inspector.models import VisitStatus
from inspector.settings import Settings, save_settings
from inspector.store import Store
from inspector.store import files as storage
from inspector.store.files import DataLock, Journal


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "data"
    generate(Store(root, "演示"), 6, 7, today=TODAY)
    return root


@pytest.fixture
def copy(demo_dir, tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(demo_dir, target)
    return target


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def data_snapshot(root: Path) -> dict[str, bytes]:
    """`snapshot` without the log and the change marker (a failed save may stamp it; readers just refresh)."""
    return {k: v for k, v in snapshot(root).items() if k != DataLock.MARKER and not k.startswith("logs")}


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(f"*{storage.TEMP_SUFFIX}"))


def fail_under(monkeypatch, name: str, root: Path, code: int) -> None:
    """Make `os.<name>` fail with `code` for descriptors or paths under `root`."""
    real = getattr(os, name)

    def target(arg) -> str:
        if isinstance(arg, int):
            try:
                return os.readlink(f"/proc/self/fd/{arg}")
            except OSError:
                return ""
        return os.fspath(arg)

    def failing(*args, **kwargs):
        if target(args[0]).startswith(str(root)):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


# --------------------------------------------------------- 4. disk full
@pytest.mark.parametrize(
    ("call", "code", "words"),
    [
        ("write", errno.ENOSPC, "磁盘已满"),
        ("fsync", errno.EDQUOT, "磁盘已满"),
        ("replace", errno.EIO, "未能保存"),
        ("replace", errno.EACCES, "没有权限"),
    ],
)
def test_disk_full_save_is_one_chinese_line_and_changes_nothing(store, monkeypatch, call, code, words):
    if call == "write" and not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell the store's writes from pytest's")
    b = store.save(branch())
    before = data_snapshot(store.root)
    fail_under(monkeypatch, call, store.root, code)
    with pytest.raises(SaveFailed) as raised:
        store.save(b.model_copy(update={"notes": "新的备注"}))
    monkeypatch.undo()
    message = str(raised.value)
    assert words in message and "\n" not in message and "Errno" not in message
    assert raised.value.errno == code
    assert data_snapshot(store.root) == before  # old file intact, temp file removed
    assert store.branch(b.id) == b


def test_disk_full_journal_commit_removes_its_staged_files(store, monkeypatch):
    b = store.save(branch())
    f = store.save(finding(b.id))
    before = data_snapshot(store.root)
    real = storage.atomic_write

    def full_for_journal(path, payload):
        if path.name == Journal.NAME:
            raise storage.save_error(OSError(errno.ENOSPC, "No space left on device"), path)
        real(path, payload)

    monkeypatch.setattr(storage, "atomic_write", full_for_journal)
    with pytest.raises(SaveFailed, match="磁盘已满"), store.transaction():
        store.save(f.model_copy(update={"progress": "一半"}))
        store.save(branch("第二党支部"))
    assert temp_files(store.root) == []
    assert data_snapshot(store.root) == before


def test_disk_full_import_prints_one_line_and_exits_1(tmp_path, capsys, monkeypatch, copy):
    bundle = tmp_path / "包.zip"
    assert run(capsys, "--data", str(copy), "export", "-o", str(bundle))[0] == 0
    target = tmp_path / "other"
    Store(target, "乙")
    before = data_snapshot(target)
    fail_under(monkeypatch, "fsync", target, errno.ENOSPC)
    code, out, err = run(capsys, "--data", str(target), "import", str(bundle))
    monkeypatch.undo()
    assert code == 1
    assert err.count("\n") == 1 and "磁盘已满" in err and "Traceback" not in err
    assert data_snapshot(target) == before


def test_log_on_a_full_disk_prints_no_logging_error(tmp_path, capsys):
    class FullDisk:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    handler = _LogFile(tmp_path / "logs" / "a.log")
    handler.stream = FullDisk()
    handler.emit(logging.LogRecord("inspector", logging.ERROR, __file__, 1, "保存失败", None, None))
    assert capsys.readouterr().err == ""


# ----------------------------------------------------- 5. read-only folder
def _read_only_lock(monkeypatch, code: int) -> None:
    """As root, chmod does not stop a write: the lock's open fails as on a read-only folder."""

    def refuse(self, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(self.path))

    monkeypatch.setattr(storage.FolderLock, "acquire", refuse)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_read_only_folder_reading_commands_work(copy, tmp_path, capsys, monkeypatch, code):
    visit_id = next(  # a memo not yet issued: an issued one is never regenerated
        v.id
        for bid in Store(copy).branch_ids()
        for v in Store(copy).visits(bid)
        if v.status is VisitStatus.COMPLETED and not any(m.issued_on for m in v.memos)
    )
    before = snapshot(copy)
    _read_only_lock(monkeypatch, code)
    out_dir = tmp_path / "elsewhere"
    out_dir.mkdir()
    commands = [
        ["check"],
        ["list", "branches"],
        ["list", "findings", "--json"],
        ["ledger", "-o", str(out_dir / "台账.csv")],
        ["memo", visit_id, "-o", str(out_dir)],
        ["export", "-o", str(out_dir / "包.zip")],
    ]
    for argv in commands:
        code_, out, err = run(capsys, "--data", str(copy), *argv)
        assert code_ == 0, (argv, out, err)
        assert err == "", argv
    assert Store(copy).read_only
    monkeypatch.undo()
    after = snapshot(copy)
    assert {k: v for k, v in after.items() if not k.startswith("logs")} == before


def test_read_only_folder_save_is_one_line(copy, monkeypatch):
    _read_only_lock(monkeypatch, errno.EROFS)
    store = Store(copy, "甲")
    assert store.read_only
    b = store.branches()[0]
    with pytest.raises(SaveFailed, match="只读") as raised:
        store.save(b.model_copy(update={"notes": "改"}))
    assert "\n" not in str(raised.value)


def test_read_only_folder_for_real_with_a_bind_mount(copy, tmp_path):
    """A real read-only mount (root in a private mount namespace); skipped where that is not allowed."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        pytest.skip("a read-only bind mount needs root with unshare and mount")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    out = tmp_path / "台账.csv"
    script = (
        f"mount --bind '{copy}' '{copy}' && mount -o remount,bind,ro '{copy}' && "
        f"'{sys.executable}' -m inspector.cli --data '{copy}' list branches && "
        f"'{sys.executable}' -m inspector.cli --data '{copy}' check && "
        f"'{sys.executable}' -m inspector.cli --data '{copy}' ledger -o '{out}'"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    if "mount:" in done.stderr and "permission denied" in done.stderr.lower():
        pytest.skip(f"mounting is not allowed here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and out.exists()


# ----------------------------------------------- 6. structurally wrong JSON
def _first_branch_file(root: Path) -> Path:
    """The first branch file holding a finding (the damages below need one)."""
    files = [folder / "branch.json" for folder in sorted((root / "branches").iterdir())]
    return next(f for f in files if json.loads(f.read_text(encoding="utf-8")).get("finding"))


def _wrong_finding_table(data):
    data["finding"] = [1, 2]


def _wrong_visit_index(data):
    data["visit_index"] = [1]


def _integer_deadline(data):
    doc = next(iter(data["finding"].values()))
    doc["deadline"] = 20161231


@pytest.mark.parametrize("damage", [_wrong_finding_table, _wrong_visit_index, _integer_deadline])
def test_structurally_wrong_json_is_one_line_naming_the_file(copy, tmp_path, capsys, damage):
    victim = _first_branch_file(copy)
    data = orjson.loads(victim.read_bytes())
    damage(data)
    victim.write_bytes(orjson.dumps(data))
    for argv, code in [
        (["list", "branches"], 1),
        (["list", "findings"], 1),
        (["list", "visits"], 1),
        (["ledger", "-o", str(tmp_path / "台账.csv")], 1),
        (["check"], 1),
        (["export", "-o", str(tmp_path / "包.zip")], 1),
    ]:
        code_, out, err = run(capsys, "--data", str(copy), *argv)
        assert code_ == code, (argv, out, err)
        named = [line for line in (out + err).splitlines() if str(victim) in line]
        assert len(named) == 1, (argv, out, err)
        assert "Traceback" not in out + err
    store = Store(copy)
    assert len(store.branch_summaries()) == len(store.branch_ids()) - 1
    assert store.errors.keys() == {victim}
    with pytest.raises(CorruptFile, match="数据文件已损坏"):
        store.findings(victim.parent.name)


def _unreadable(monkeypatch, victim: Path) -> None:
    """As root, a 0000 file is still readable: its opens fail with EACCES instead."""
    real_open, real_read = os.open, Path.read_bytes

    def os_open(path, *args, **kwargs):
        if os.fspath(path) == str(victim):
            raise PermissionError(errno.EACCES, "Permission denied", str(victim))
        return real_open(path, *args, **kwargs)

    def read_bytes(self):
        if self == victim:
            raise PermissionError(errno.EACCES, "Permission denied", str(victim))
        return real_read(self)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_unreadable_branch_file_is_named_and_skipped(copy, tmp_path, capsys, monkeypatch):
    from inspector.sync.merge import list_conflicts

    victim = _first_branch_file(copy)
    _unreadable(monkeypatch, victim)
    code, out, err = run(capsys, "--data", str(copy), "list", "branches")
    assert code == 1 and err.count("\n") == 1 and str(victim) in err and "没有权限" in err
    assert "已损坏" not in err
    code, out, _ = run(capsys, "--data", str(copy), "check")
    assert code == 1 and str(victim) in out and "没有权限" in out
    store = Store(copy)  # what the app does at start
    list_conflicts(store)
    store.branch_summaries()
    assert isinstance(store.errors, dict) and set(store.errors) == {victim}


def test_unreadable_folder_is_one_line(copy, capsys, monkeypatch):
    """As root, a 0000 folder can still be listed: its scandir fails with EACCES instead."""
    folder = copy / "branches"
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    for argv in (["list", "branches"], ["list", "findings"], ["check"]):
        code, out, err = run(capsys, "--data", str(copy), *argv)
        assert code == 1, argv
        assert str(folder) in out + err and "没有权限" in out + err and "Traceback" not in out + err


def test_unreadable_branch_folder_is_named_and_skipped(copy, capsys, monkeypatch):
    """As root, a 0000 branch folder can still be entered: stat inside it fails with EACCES instead."""
    folder = _first_branch_file(copy).parent
    real = os.stat

    def stat_(path, *args, **kwargs):
        if os.fspath(path).startswith(str(folder) + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_)
    code, out, err = run(capsys, "--data", str(copy), "list", "branches", "--json")
    assert code == 1 and "没有权限" in err and str(folder) in err
    assert len(json.loads(out)) == len(Store(copy).branch_ids()) - 1


# -------------------------------------------- 7. damaged branch vanishes
def test_damaged_branch_is_reported_on_every_run_not_cached_as_absent(copy, capsys):
    victim = _first_branch_file(copy)
    victim.write_bytes(b'{"branch": ')
    for _ in range(3):  # the second and third runs read the summary cache
        code, out, err = run(capsys, "--data", str(copy), "list", "branches")
        assert code == 1
        assert err.count("\n") == 1 and str(victim) in err
    store = Store(copy)
    store.branch_summaries()
    store.branch_summaries()
    assert victim in store.errors


# ------------------------------------------------------------ 8. leftovers
def _leave_leftovers(root: Path, age: float) -> list[Path]:
    """What killed writers leave: temp files and empty branch folders, `age` seconds old."""
    bid = sorted((root / "branches").iterdir())[0]
    made = [
        root / ".meta.json.x1.tmp",
        bid / ".branch.json.x2.tmp",
        root / "templates" / ".t.json.x3.tmp",
    ]
    for path in made:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"{half")
    empty = root / "branches" / "半途而废"
    (empty / "visits").mkdir(parents=True)
    made.append(empty)
    then = time.time() - age
    for path in [*made, empty / "visits"]:
        os.utime(path, (then, then))
    return made


@pytest.mark.parametrize(
    "note",
    [".lock", DataLock.OLD_HOLDER],  # a holder's note in the lock file, or beside it as older versions kept it
)
def test_leftovers_are_removed_at_the_next_lock_only_when_older(copy, note):
    old = _leave_leftovers(copy, 60)
    (copy / note).write_bytes(b'{"user":"x"}')  # its holder was killed holding the lock
    fresh = copy / ".settings.json.x4.tmp"  # a writer that took the lock after us
    fresh.write_bytes(b"{")
    future = time.time() + 60
    os.utime(fresh, (future, future))
    store = Store(copy)
    assert [p for p in old if p.exists()] == []
    assert fresh.exists()
    assert "半途而废" not in store.branch_ids()
    assert not (copy / DataLock.OLD_HOLDER).exists()
    assert (copy / ".lock").read_bytes().strip() == b""  # released: no note stands


def test_check_reports_leftovers_and_writes_nothing(copy, capsys):
    left = _leave_leftovers(copy, 60)
    (copy / "meta.json").unlink()
    shutil.rmtree(copy / "cache", ignore_errors=True)
    before = snapshot(copy)
    dirs = sorted(p for p in copy.rglob("*") if p.is_dir())
    code, out, _ = run(capsys, "--data", str(copy), "check")
    assert snapshot(copy) == before
    assert sorted(p for p in copy.rglob("*") if p.is_dir()) == dirs
    for path in left:
        assert f"可清理：{path}" in out
    assert "半途而废" not in out.replace(f"可清理：{left[-1]}", "")  # not "missing data"
    assert code == 1  # meta.json is missing


# ------------------------------------------------------ 10. lock holder
def test_store_busy_names_the_holder(store):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from inspector.store import Store\n"
            "s = Store(sys.argv[1], '张三')\n"
            "with s.lock():\n"
            "    print('held', flush=True)\n"
            "    time.sleep(30)\n",
            str(store.root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreBusy) as raised:
            Store(store.root, "李四", lock_timeout=0.2)
        message = str(raised.value)
        assert "张三" in message and str(holder.pid) in message and "起" in message
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------- 11. shared server
def _other_group() -> grp.struct_group:
    ids = {g.gr_gid for g in grp.getgrall()} if os.geteuid() == 0 else set(os.getgroups())
    ids.discard(os.getgid())
    if not ids:
        pytest.skip("no second group to give files to (needs root or membership of two groups)")
    return grp.getgrgid(min(ids))


def test_shared_folder_not_group_accessible_is_refused_with_the_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(storage, "_FILE_MODE", storage._FILE_MODE)
    monkeypatch.setattr(storage, "_DIR_MODE", storage._DIR_MODE)
    monkeypatch.setattr(storage, "_GROUP", storage._GROUP)
    group = _other_group()
    root = tmp_path / "data"
    Store(root, "甲")  # made before the folder was shared: owner-only, the user's own group
    save_settings(root, Settings(shared_group=group.gr_name))
    code, _out, err = run(capsys, "--data", str(root), "list", "branches")
    assert code == 1 and err.count("\n") == 1
    assert f"chgrp -R {group.gr_name}" in err and "chmod g+s" in err


def test_shared_group_that_does_not_exist_says_how_to_make_it(tmp_path):
    with pytest.raises(StoreError, match="groupadd"):
        Settings(shared_group="没有这个组").apply_modes()


def test_permission_problem_says_no_permission_not_damaged(tmp_path):
    message = str(Unreadable(tmp_path / "branch.json"))
    assert "没有权限" in message and "已损坏" not in message


def test_log_files_are_per_user_and_owner_only(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("USER", "clerk1")
    monkeypatch.setenv("LOGNAME", "clerk1")
    victim_data = tmp_path / "d2"
    Store(victim_data)
    (victim_data / "settings.json").write_text("{broken", encoding="utf-8")
    code, _out, err = run(capsys, "--data", str(victim_data), "list", "branches")
    assert code == 1
    log_file = victim_data / "logs" / "clerk1.log"
    assert log_file.exists()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((victim_data / "logs").stat().st_mode) == 0o700


def test_data_root_is_owner_only(tmp_path, capsys):
    root = tmp_path / "fresh" / "data"
    assert run(capsys, "--data", str(root), "list", "branches")[0] == 0
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_memos_and_exports_are_owner_only(copy, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    assert run(capsys, "--data", str(copy), "ledger", "-o", str(out / "台账.csv"))[0] == 0
    assert run(capsys, "--data", str(copy), "memo", "--all", "--out-dir", str(out / "memos"), "--jobs", "1")[0] == 0
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) > 1
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o600}
    assert stat.S_IMODE((out / "memos").stat().st_mode) == 0o700
