"""Crash-safe file storage under TinyDB.

Measured on this kind of machine, TinyDB's stock JSONStorage rewrites files in
place (a SIGKILL mid-write corrupts them) and has no cross-process lock (two
processes lose updates). This module gives:

* `AtomicJSONStorage`: a TinyDB storage that writes a temp file in the same
  folder, fsyncs it, `os.replace`s it over the old one and fsyncs the folder.
  Reads are cached by the file's (inode, mtime, size) so an unchanged file is
  not parsed twice, and a change made by another process is seen at once.
* `Shard`: one small TinyDB file (a branch, a visit) with batched writes, so a
  save that touches several tables is still one atomic rename.
* `DataLock`: the cross-process lock every read-modify-write runs under.
* `Journal`: all-or-nothing writes across several shards (sync imports).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

from .models import SCHEMA_VERSION

META_TABLE = "_meta"

# Migrations from schema N to N+1, applied on read; the file is rewritten in
# the new schema by its next save. Empty while the schema is at version 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class StoreError(Exception):
    """An error with a one-line Chinese message fit to show a user."""


class CorruptFile(StoreError):
    def __init__(self, path: Path, detail: str):
        self.path = path
        self.detail = detail
        super().__init__(f"数据文件已损坏，未作改动：{path}（{detail}）")


class StoreBusy(StoreError):
    pass


_FILE_MODE = 0o600
_DIR_MODE = 0o700


def set_modes(file_mode: int, dir_mode: int) -> None:
    """Committees that share a folder through a group widen these (0660/2770)."""
    global _FILE_MODE, _DIR_MODE
    _FILE_MODE, _DIR_MODE = file_mode, dir_mode


def ensure_dir(path: Path) -> None:
    """Create `path` and any missing parents owner-only (umask aside)."""
    if path.is_dir():
        return
    ensure_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=_DIR_MODE)
    with contextlib.suppress(OSError):
        os.chmod(path, _DIR_MODE)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":  # directories cannot be opened for fsync there
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def dumps(data: Any) -> bytes:
    """UTF-8 JSON with Chinese kept as text (never \\uXXXX)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def write_temp(path: Path, payload: bytes) -> Path:
    """Write `payload` to a synced temp file beside `path` and return it."""
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, _FILE_MODE)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return Path(tmp)


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload`: readers see the old or the new file, never half."""
    tmp = write_temp(path, payload)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def file_signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_json_file(path: Path) -> dict[str, Any] | None:
    """Parse one data file, migrating old schemas; None when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptFile(path, f"无法读取：{exc.strerror or exc}") from exc
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptFile(path, f"JSON 格式错误：{exc}") from exc
    if not isinstance(data, dict):
        raise CorruptFile(path, "顶层不是对象")
    return migrate(path, data)


def schema_of(data: dict[str, Any]) -> int:
    meta = data.get(META_TABLE) or {}
    doc = meta.get("1") if isinstance(meta, dict) else None
    if not isinstance(doc, dict):
        return SCHEMA_VERSION
    return int(doc.get("schema", SCHEMA_VERSION))


def migrate(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    version = schema_of(data)
    if version > SCHEMA_VERSION:
        raise CorruptFile(path, f"由更新版本（数据结构 {version}）写入，请升级本程序")
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    data[META_TABLE] = {"1": {"schema": SCHEMA_VERSION}}
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic replace on write, stat-keyed cache on read.

    Inside `batch()`, writes stay in memory and are flushed as one atomic
    replace at the end, so one save is one rename however many tables change.
    """

    def __init__(self, path: str | Path, on_reload: Callable[[], None] | None = None):
        self.path = Path(path)
        self._on_reload = on_reload
        self._cache: dict[str, Any] | None = None
        self._sig: tuple[int, int, int] | None = None
        self._batch_depth = 0
        self._dirty = False
        self._held: Journal | None = None

    def read(self) -> dict[str, Any] | None:
        if self._batch_depth and self._cache is not None:
            return self._cache
        sig = file_signature(self.path)
        if sig is not None and sig == self._sig and self._cache is not None:
            return self._cache
        data = read_json_file(self.path) if sig is not None else None
        if self._cache is not None and self._on_reload is not None:
            self._on_reload()
        self._cache, self._sig = data, sig
        return data

    def write(self, data: dict[str, Any]) -> None:
        data.setdefault(META_TABLE, {"1": {"schema": SCHEMA_VERSION}})
        self._cache = data
        if self._batch_depth:
            self._dirty = True
            return
        self._flush()

    def _flush(self) -> None:
        assert self._cache is not None
        try:
            payload = dumps(self._cache)
            if self._held is not None:
                self._held.stage(self.path, payload)
                self._sig = None
                return
            atomic_write(self.path, payload)
        except BaseException:
            self._cache, self._sig = None, None
            raise
        self._sig = file_signature(self.path)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self.read()
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self._dirty = False
            self._cache, self._sig = None, None  # drop unflushed edits
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._dirty = False
            self._flush()

    def close(self) -> None:
        pass


class Shard:
    """One TinyDB file holding a few tables of records plus their changes."""

    def __init__(self, path: Path):
        self.path = path
        self.storage: AtomicJSONStorage
        self.db = TinyDB(path, storage=AtomicJSONStorage, on_reload=self._forget_ids)
        self.storage = self.db.storage  # type: ignore[assignment]

    def _forget_ids(self) -> None:
        # Another process changed the file: TinyDB's cached ids and query
        # results describe the old content.
        for table in self.db._tables.values():
            table._next_id = None
            table.clear_cache()

    def table(self, name: str):
        return self.db.table(name, cache_size=0)

    def raw(self) -> dict[str, Any]:
        return self.storage.read() or {}

    def docs(self, table: str) -> list[dict[str, Any]]:
        return list((self.raw().get(table) or {}).values())

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        with self.storage.batch():
            yield


class DataLock:
    """Cross-process, re-entrant lock on the data folder."""

    def __init__(self, root: Path, timeout: float = 15.0):
        self._lock = FileLock(root / ".lock", timeout=timeout, mode=_FILE_MODE, preserve_lock_file=True)
        self._local = threading.local()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise StoreBusy("数据目录正被其他进程长时间占用，请稍后再试") from exc
        try:
            yield
        finally:
            self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.is_locked


class Journal:
    """All-or-nothing writes across several files.

    Files are staged as synced temp files; `commit` writes a journal naming
    every rename, syncs it, performs the renames and removes it. A crash after
    the journal is written is rolled forward by `recover` at the next lock;
    a crash before leaves the old files untouched.
    """

    NAME = ".journal.json"

    def __init__(self, root: Path):
        self.root = root
        self.staged: dict[Path, Path] = {}

    def stage(self, path: Path, payload: bytes) -> None:
        old = self.staged.pop(path, None)
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old)
        self.staged[path] = write_temp(path, payload)

    def commit(self) -> None:
        if not self.staged:
            return
        entries = [[str(tmp), str(dst)] for dst, tmp in self.staged.items()]
        atomic_write(self.root / self.NAME, dumps(entries))
        self._apply(entries)
        self.staged.clear()

    def abort(self) -> None:
        for tmp in self.staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.staged.clear()

    def _apply(self, entries: list[list[str]]) -> None:
        dirs = set()
        for tmp, dst in entries:
            if os.path.exists(tmp):
                os.replace(tmp, dst)
            dirs.add(os.path.dirname(dst))
        for d in dirs:
            _fsync_dir(Path(d))
        os.unlink(self.root / self.NAME)
        _fsync_dir(self.root)

    @classmethod
    def recover(cls, root: Path) -> bool:
        """Finish a transaction that crashed after its journal was written."""
        path = root / cls.NAME
        if not path.exists():
            return False
        try:
            entries = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            # A torn journal means the commit never started: drop it.
            os.unlink(path)
            return False
        cls(root)._apply(entries)
        return True
