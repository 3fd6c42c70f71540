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
* Visit logs: a save of a visit file (an answer, dozens an hour) appends its
  change to a log beside it instead of replacing the whole file (see below).
* `DataLock`: the cross-process lock every read-modify-write runs under
  (`FolderLock`, a bare flock: saves take it thousands of times a day).
* `Journal`: all-or-nothing writes across several shards (sync imports),
  rolled forward by the next process that takes the lock after a crash.

Every OSError of a write leaves as `SaveFailed`, one Chinese line, with the
old file untouched and the temp file removed; a file or folder this login
may not read is `Unreadable`, never "damaged".

Visit logs. Replacing a visit file costs a new inode, its fsync, a rename and
the folder's fsync; appending a few kilobytes to an open file and syncing it
costs a fraction of that. So a visit file `visits/<id>.json` (the "main"
file) may have a log `visits/.<id>.json.log`:

* The log is a sequence of records, each `<length: 4 bytes LE><crc32 of the
  payload: 4 bytes LE><crc32 of those 8 bytes: 4 bytes LE><payload>`, the
  payload `[schema, {table: {doc id: document or null} or null}]`: whole
  documents put (null: deleted; a null table: dropped), written with the
  main file's schema. Applying a record twice gives what applying it once
  gives, and so does applying a whole log again over a main file that
  already holds it (`_fold`); it would not over a main file changed further,
  which is why nothing but a fold replaces a main file that has a log.
* The file's content is the main file with its log applied in order. Every
  reader goes through `read_bytes` (which returns that content as one JSON
  file, and a signature covering both files: `file_signature`), or through
  `AtomicJSONStorage`; a reader reads the log before the main file, so a
  fold running meanwhile is seen whole or not at all.
* A save under the lock appends one record (in one write) and `fdatasync`s
  it, and a log's first record also syncs its folder, before it returns;
  the log and its main file stay open (`_log_pin`), so the next save's
  check is two stats, as `is_pinned` is for a replaced file. A last record
  cut short, zeros, or failing its checksum is a write a crash interrupted,
  never acknowledged: readers ignore it and the next writer cuts it off
  before appending. Damage anywhere else is `CorruptFile`.
* Folding (`fold_log`, and a save whose log outgrew its main file, `FOLD_AT`): the
  main file is replaced, atomically as ever, with exactly the main file plus
  its whole log, then the log is removed; a crash between the two leaves a
  log whose replay changes nothing. Nothing else ever replaces a main file
  that has a log: a `Journal`, an upgrade and a new file fold it first.
* Only visit files have logs (`has_log_path`). An older program reading a
  folder with a log would miss the log's records: logs came with schema 6
  (`inspector/store/steps.py`), which such a program refuses.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage
from tinydb.table import Table

from inspector.errors import CorruptFile, NewerSchema, SaveFailed, StoreBusy, StoreError, Unreadable
from inspector.models import SCHEMA_VERSION
from inspector.store.shape import check_tables
from inspector.store.steps import FILE_STEPS

META_TABLE = "_meta"

# Migrations from schema N to N+1 of one file, applied on read. Opening a
# folder rewrites every file in the current schema first (`upgrade.py`), so
# this is the path of files that missed it (one that was unreadable then).
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = FILE_STEPS


_PASSES: dict[str, int] = {}


def _checkpoint(point: str) -> None:
    """Crash-test hook: with INSPECTOR_TEST_PAUSE="<point>@<n>" the process
    stops itself (SIGSTOP) at the n-th pass of `point`, so tests/test_crash.py
    can SIGKILL it exactly there. Unset (always, outside that test) it costs
    one environment lookup."""
    spec = os.environ.get("INSPECTOR_TEST_PAUSE")
    if not spec or not spec.startswith(point + "@"):
        return
    _PASSES[point] = _PASSES.get(point, 0) + 1
    if _PASSES[point] == int(spec.rpartition("@")[2]):
        os.kill(os.getpid(), signal.SIGSTOP)


_FILE_MODE = 0o600
_DIR_MODE = 0o700
_GROUP: int | None = None

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}
READ_ONLY_ERRNOS = {*_DENIED, errno.EROFS}


def set_modes(file_mode: int, dir_mode: int, group: int | None = None) -> None:
    """Committees that share a folder through a group widen these (0660/2770)
    and give every new file and folder that group."""
    global _FILE_MODE, _DIR_MODE, _GROUP
    _FILE_MODE, _DIR_MODE, _GROUP = file_mode, dir_mode, group


def new_file_mode() -> int:
    """The mode of a file the program writes: owner-only, or the shared group's."""
    return _FILE_MODE


def save_error(exc: OSError, path: Path) -> SaveFailed:
    """One Chinese line for a write the system refused."""
    code = exc.errno
    if code in _FULL:
        message = f"磁盘已满，未能保存：{path}；已输入的内容仍在，请腾出空间后重试"
    elif code in _DENIED:
        message = (
            f"没有权限写入 {path.parent}：未能保存；请让管理员检查该目录的属主、属组和权限"
            "（共享目录请按 README 的 Committee server 一节设置）"
        )
    elif code == errno.EROFS:
        message = f"数据目录是只读的，未能保存：{path}；请改用可写的数据目录（--data）"
    else:
        message = f"未能保存：{path}（{exc.strerror or exc}）；已输入的内容仍在，请检查磁盘后重试"
    return SaveFailed(message, code)


def ensure_dir(path: Path) -> None:
    """Create `path` and any missing parents owner-only (umask aside), or
    group-shared with the setgid bit in shared mode."""
    if path.is_dir():
        return
    ensure_dir(path.parent)
    try:
        path.mkdir(mode=_DIR_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise save_error(exc, path) from exc
    with contextlib.suppress(OSError):
        if _GROUP is not None:
            os.chown(path, -1, _GROUP)
        os.chmod(path, _DIR_MODE)  # after chown, which may clear the setgid bit


def _fsync_dir(path: str | Path) -> None:
    if sys.platform == "win32":  # directories cannot be opened for fsync there
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def dumps(data: Any) -> bytes:
    """UTF-8 JSON with Chinese kept as text (never \\uXXXX). Keys that are not
    plain strings are written as strings too, but only on a second try:
    allowing them from the start doubles orjson's time on a visit file."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate from a broken paste
            raise StoreError("无法保存：文本中含有无法存储的字符，请删除后重试") from exc


def json_payload(data: dict[str, Any]) -> bytes:
    """The bytes of a plain JSON file, stamped with the schema version."""
    return dumps({**data, META_TABLE: {"1": {"schema": SCHEMA_VERSION}}})


def write_json_file(path: Path, data: dict[str, Any]) -> None:
    """Atomically write a plain JSON file, stamped with the schema version."""
    atomic_write(path, json_payload(data))


TEMP_SUFFIX = ".tmp"


def _set_mode(fd: int) -> None:
    """Owner-only, or the shared group's (umask aside)."""
    if hasattr(os, "fchmod"):  # POSIX; on Windows the folder's ACL decides
        with contextlib.suppress(OSError):
            if _GROUP is not None:
                os.fchown(fd, -1, _GROUP)
            os.fchmod(fd, _FILE_MODE)


def write_temp(path: Path, payload: bytes) -> Path:
    """Write `payload` to a synced temp file beside `path` and return it."""
    tmp, fd = synced_temp(path, payload)
    os.close(fd)
    return Path(tmp)


_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _new_temp(path: Path) -> tuple[int, str]:
    """A new owner-only file `.<name>.<random>.tmp` beside `path`, opened, as
    `tempfile.mkstemp` makes one, without the generality that cost a save
    as much as the rest of its bookkeeping."""
    folder, name = os.path.split(path)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "没有可用的临时文件名", folder)


def synced_temp(path: Path, payload: bytes) -> tuple[str, int]:
    """`write_temp`, leaving the temp file open: its descriptor is returned
    with its name. Every data file's new content is written here first."""
    try:
        fd, tmp = _new_temp(path)
    except FileNotFoundError:  # its folder is made once, not checked on every save
        ensure_dir(path.parent)
        try:
            fd, tmp = _new_temp(path)
        except OSError as exc:
            raise save_error(exc, path) from exc
    except OSError as exc:
        raise save_error(exc, path) from exc
    try:
        _set_mode(fd)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise save_error(exc, path) from exc
        raise
    return tmp, fd


#: Files written by this process so far; `DataLock` compares it on release
#: to tell whether to stamp the folder's change marker.
_writes = 0
#: The data files replaced since `take_written` last emptied it (for the derived index).
_written: list[str] = []


def take_written() -> list[str]:
    """The paths of the data files replaced since the last call."""
    found = _written[:]
    _written.clear()
    return found


def write_derived(path: Path, payload: bytes) -> None:
    """Replace a derived file atomically, without syncing: a torn or lost one is rebuilt."""
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        _set_mode(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def append_bytes(path: str | Path, payload: bytes) -> int:
    """Append to a derived file without syncing (one write, so concurrent
    appenders under the lock never interleave); returns its new size."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, _FILE_MODE)
    except FileNotFoundError:  # its folder is made once, not checked on every save
        ensure_dir(Path(path).parent)
        fd = os.open(path, flags, _FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            _set_mode(fd)
        _checkpoint("before_append")
        return size + os.write(fd, payload)
    finally:
        os.close(fd)


#: The file this process replaced last, kept open (name, descriptor, inode):
#: while it is open no other file can take its inode, so a stat that finds
#: that inode, mtime and size at that name finds that very file as written
#: (`is_pinned`). Not on Windows, where an open file cannot be replaced.
_pinned: tuple[str, int, int] | None = None


def _pin(name: str, fd: int, inode: int) -> None:
    global _pinned
    old, _pinned = _pinned, None
    if old is not None:
        with contextlib.suppress(OSError):
            os.close(old[1])
    if sys.platform == "win32":
        os.close(fd)
        return
    _pinned = (name, fd, inode)


#: The visit file this process appended to last, with its log, both kept
#: open (name, main descriptor, main inode, log descriptor, log inode): as
#: `_pinned`, no other file can take either inode meanwhile.
_log_pin: tuple[str, int, int, int, int] | None = None


def _unpin_log(name: str | None = None) -> None:
    """Close the pinned visit file and log (only if it is `name`'s, when given)."""
    global _log_pin
    pin = _log_pin
    if pin is None or (name is not None and pin[0] != name):
        return
    _log_pin = None
    for fd in (pin[1], pin[3]):
        with contextlib.suppress(OSError):
            os.close(fd)


def is_pinned(path: Path, sig: Sig) -> bool:
    """Whether `path` with signature `sig` is the file this process replaced
    or appended to last, still open."""
    if len(sig) > 3:
        pin = _log_pin
        return pin is not None and pin[2] == sig[0] and pin[4] == sig[3] and pin[0] == str(path)
    pinned = _pinned
    return pinned is not None and pinned[2] == sig[0] and pinned[0] == str(path)


def _open_log(name: str, sig: Sig) -> tuple[str, int, int, int, int]:
    """Open (creating it if `sig` has no log) the log of the visit file read
    as `sig` under this hold of the lock, and pin both."""
    global _log_pin
    _unpin_log()
    main = os.open(name, os.O_RDONLY)
    try:
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        log = os.open(log_path(name), flags | (os.O_CREAT if len(sig) == 3 else 0), 0o600)
    except BaseException:
        os.close(main)
        raise
    pin = (name, main, os.fstat(main).st_ino, log, os.fstat(log).st_ino)
    if len(sig) == 3:
        _set_mode(log)
    _log_pin = pin
    return pin


_sync_data = getattr(os, "fdatasync", os.fsync)


def append_record(path: Path, sig: Sig, end: int, payload: bytes) -> Sig:
    """Append one record to the log of the visit file read as `sig` (its log's
    sound records ending at `end`) and sync it; returns the new signature.
    Called under the lock."""
    global _writes
    name = str(path)
    framed = log_record(payload)
    try:
        pin = _log_pin
        if pin is None or pin[0] != name or len(sig) == 3 or pin[2] != sig[0] or pin[4] != sig[3]:
            pin = _open_log(name, sig)
        log = pin[3]
        if len(sig) > 3 and sig[5] != end:  # a record a crash interrupted
            os.ftruncate(log, end)
        try:
            if os.write(log, framed) != len(framed):  # one write, so a reader sees it whole or torn
                raise OSError(errno.ENOSPC, "写入不完整")
            _checkpoint("log_appended")
            _sync_data(log)
            if end == 0:  # a new log (or one a crash left empty): its name must last too
                _fsync_dir(os.path.dirname(name))
        except BaseException:
            with contextlib.suppress(OSError):  # not acknowledged: not left to be read either
                os.ftruncate(log, end)
            raise
        st = os.fstat(log)
    except OSError as exc:
        _unpin_log()
        raise save_error(exc, path) from exc
    _writes += 1
    _written.append(name)
    return (*sig[:3], st.st_ino, st.st_mtime_ns, st.st_size)


def remove_log(path: Path) -> None:
    """Remove a visit file's log once the file holds all of it (see the docstring)."""
    _unpin_log(str(path))
    try:
        os.unlink(log_path(path))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise save_error(exc, path) from exc


def fold_log(path: Path) -> bool:
    """Fold a visit file's log into it and remove the log, under the lock, for
    writers that replace the whole file; False when it has none."""
    if not has_log_path(path) or not os.path.exists(log_path(path)):
        return False
    found = read_bytes(path)
    if found is not None and len(found[1]) > 3 and found[1][5]:
        atomic_write(path, found[0])
    _checkpoint("log_folded")
    remove_log(path)
    return True


def atomic_write(path: Path, payload: bytes) -> Sig:
    """Replace `path` with `payload`: readers see the old or the new file, never
    half. Returns the new file's signature (as `file_signature`)."""
    global _writes
    _writes += 1
    tmp, fd = synced_temp(path, payload)
    name = str(path)
    try:
        st = os.fstat(fd)  # the rename changes no inode, mtime or size
        _checkpoint("before_replace")
        os.replace(tmp, path)
    except BaseException as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise save_error(exc, path) from exc
        raise
    _pin(name, fd, st.st_ino)
    _written.append(name)
    _checkpoint("after_replace")
    try:
        _fsync_dir(os.path.dirname(name))
    except OSError as exc:
        raise save_error(exc, path) from exc
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_error(exc: OSError, path: Path) -> CorruptFile:
    """A refused read: `Unreadable` for a permission problem, else the system's reason."""
    if isinstance(exc, PermissionError):
        return Unreadable(path)
    return CorruptFile(path, f"无法读取：{exc.strerror or exc}")


def digest(raw: bytes | None) -> bytes | None:
    """A short fingerprint of a file's bytes (None for an absent file)."""
    return None if raw is None else hashlib.blake2b(raw, digest_size=16).digest()


#: A file's signature: (inode, mtime, size), followed by its log's when it has one.
Sig = tuple[int, ...]

LOG_SUFFIX = ".log"
_VISITS = os.sep + "visits"


def has_log_path(name: str | Path) -> bool:
    """Whether the file may have a log: a visit file (`branches/<branch>/visits/<id>.json`)."""
    name = os.fspath(name)
    if not name.endswith(".json") or not name[: name.rfind(os.sep)].endswith(_VISITS):
        return False
    parts = name.rsplit(os.sep, 4)
    return len(parts) == 5 and parts[1] == "branches"


def log_path(name: str | Path) -> str:
    """Where the log of a visit file lies: `.<name>.log` beside it (hidden, as temp files are)."""
    folder, base = os.path.split(os.fspath(name))
    return os.path.join(folder, f".{base}{LOG_SUFFIX}")


def _stat(name: str) -> Sig | None:
    try:
        st = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # e.g. a folder on the way this login may not enter
        raise read_error(exc, Path(name)) from exc
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def file_signature(path: str | Path) -> Sig | None:
    """(inode, mtime, size) of the file, and of its log when it has one; None when absent."""
    name = os.fspath(path)
    sig = _stat(name)
    if sig is None or not has_log_path(name):
        return sig
    log = _stat(log_path(name))
    return sig if log is None else sig + log


def _read_plain(path: str | Path) -> tuple[bytes, Sig] | None:
    """One file's bytes and the signature of that very file; None when absent."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise read_error(exc, Path(path)) from exc
    try:
        st = os.fstat(fd)
        raw = os.read(fd, st.st_size + 1)  # one read for a file as large as its stat
        if len(raw) != st.st_size:  # changed in place since the stat: read on to its end
            chunks = [raw]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            raw = b"".join(chunks)
    except OSError as exc:
        raise read_error(exc, Path(path)) from exc
    finally:
        os.close(fd)
    return raw, (st.st_ino, st.st_mtime_ns, st.st_size)


def read_logged(path: Path) -> tuple[bytes, Sig, int] | None:
    """`read_bytes`, with where the log's sound records end (0 without a log):
    a writer cuts off what follows, a record a crash interrupted."""
    log = _read_plain(log_path(path)) if has_log_path(path) else None  # before the main file: see the docstring
    found = _read_plain(path)
    if log is None:
        return None if found is None else (found[0], found[1], 0)
    if found is None:
        raise CorruptFile(path, "有尚未并入的修改日志，但文件本身不见了")
    records, end = log_records(path, log[0])
    raw = _fold(path, found[0], records) if records else found[0]
    return raw, found[1] + log[1], end


def read_bytes(path: Path) -> tuple[bytes, Sig] | None:
    """The file's bytes (a visit file's with its log applied, as one JSON
    file) and its signature (`file_signature`); None when absent."""
    found = read_logged(path)
    return None if found is None else (found[0], found[1])


_HEAD = struct.Struct("<III")  # payload length, payload crc32, crc32 of those 8 bytes


def log_record(payload: bytes) -> bytes:
    """One framed log record."""
    head = struct.pack("<II", len(payload), zlib.crc32(payload))
    return head + struct.pack("<I", zlib.crc32(head)) + payload


def log_records(path: Path, data: bytes) -> tuple[list[bytes], int]:
    """The payloads of a log's sound records and where they end. Only the
    last write can be torn (cut short, or zeros where a crash left its blocks
    unwritten): that is ignored; damage before it is `CorruptFile`."""
    out: list[bytes] = []
    at, size = 0, len(data)
    while size - at >= _HEAD.size:
        length, crc, head_crc = _HEAD.unpack_from(data, at)
        if zlib.crc32(data[at : at + 8]) != head_crc:
            if data.count(0, at) == size - at:
                break
            raise CorruptFile(path, f"修改日志第 {len(out) + 1} 条记录的头部已损坏")
        end = at + _HEAD.size + length
        if end > size:
            break
        payload = data[at + _HEAD.size : end]
        if zlib.crc32(payload) != crc:
            if end == size:  # the last record: taken for one a crash interrupted
                break
            raise CorruptFile(path, f"修改日志第 {len(out) + 1} 条记录已损坏")
        out.append(payload)
        at = end
    return out, at


def _fold(path: Path, raw: bytes, records: list[bytes]) -> bytes:
    """The main file's bytes with the log's records applied in order."""
    data = _loads(path, raw)
    schema = schema_of(path, data)
    for n, payload in enumerate(records, 1):
        try:
            version, tables = orjson.loads(payload)
            if not isinstance(tables, dict) or not isinstance(version, int):
                raise TypeError(version)
            if version != schema:
                if version > SCHEMA_VERSION:
                    raise NewerSchema(path, version)
                raise CorruptFile(path, f"修改日志第 {n} 条记录的数据结构 {version} 与文件的 {schema} 不符")
            for name, docs in tables.items():
                if docs is None:
                    data.pop(name, None)
                    continue
                table = data.setdefault(name, {})
                for key, doc in docs.items():
                    if doc is None:
                        table.pop(key, None)
                    else:
                        table[key] = doc
        except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
            raise CorruptFile(path, f"修改日志第 {n} 条记录无效") from exc
    return dumps(data)


def _loads(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptFile(path, f"JSON 格式错误：{exc}") from exc
    if not isinstance(data, dict):
        raise CorruptFile(path, "顶层不是对象")
    return data


def parse(path: Path, raw: bytes) -> dict[str, Any]:
    """Parse one data file's bytes, migrating old schemas."""
    return migrate(path, _loads(path, raw))


def read_json_file(path: Path) -> dict[str, Any] | None:
    """Parse one data file, migrating old schemas; None when it does not exist."""
    found = read_bytes(path)
    return None if found is None else parse(path, found[0])


def read_tables(path: Path, *, skip: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    """Like `read_json_file` for a file of tables (a branch, a visit, the
    committee), whose structure is checked too (see `check_tables` for `skip`)."""
    data = read_json_file(path)
    return None if data is None else check_tables(path, data, skip=skip)


def schema_of(path: Path, data: dict[str, Any]) -> int:
    """The schema a file was written with (files from before the stamp count as current)."""
    meta = data.get(META_TABLE)
    if meta is None:
        return SCHEMA_VERSION
    try:
        version = meta["1"]["schema"]
    except (KeyError, TypeError):
        raise CorruptFile(path, "版本信息缺失") from None
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise CorruptFile(path, f"版本信息无效：{version!r}")
    return version


def migrate(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    version = schema_of(path, data)
    if version > SCHEMA_VERSION:
        raise NewerSchema(path, version)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise CorruptFile(path, f"无法从数据结构 {version} 升级")
        try:
            data = step(data)
        except Exception as exc:
            raise CorruptFile(path, f"从数据结构 {version} 升级失败：{exc}") from exc
        version += 1
    data[META_TABLE] = {"1": {"schema": SCHEMA_VERSION}}
    return data


#: A visit's log is folded into its file once it is as large as the file, and
#: at least this large: each fold costs a whole write, each reader of the
#: file parses the log's records again.
FOLD_AT = 16 << 10


class AtomicJSONStorage(Storage):
    """TinyDB storage: atomic replace on write, stat-keyed cache on read.

    Inside `batch()`, writes stay in memory and are flushed as one atomic
    replace at the end, so one save is one rename however many tables change.
    A batch (a read-modify-write, always under the data lock) starts by
    comparing the file's bytes with the cached ones: a stat signature alone
    can miss another process's write (coarse mtime, reused inode, same size),
    and a stale cache would silently drop that write.
    Inside a `Journal` transaction, writes are staged; reads see the staged
    content until the transaction ends. A visit file's save outside one is
    appended to its log: the documents that differ from the tables as on disk
    (see the module docstring).
    """

    def __init__(self, path: str | Path, on_reload: Callable[[], None] | None = None):
        self.path = Path(path)
        self._on_reload = on_reload
        self._cache: dict[str, Any] | None = None
        self._raw: bytes | None = None  # the bytes `_cache` was parsed from or written as
        self._sig: Sig | None = None
        self._batch_depth = 0
        self._dirty = False
        self._held: Journal | None = None
        self._staged: bytes | None = None  # payload staged in `_held`, not yet on disk
        #: The last payload built from `_cache` and where each table's bytes lie
        #: in it: {table: (its dict then, start, end)} (`_payload`).
        self._layout: tuple[bytes, dict[str, tuple[Any, int, int]]] | None = None
        #: Tables that only grew at their end since: {table: (its dict as laid
        #: out, its dict now, the keys added)} (`appended`).
        self._grown: dict[str, tuple[Any, Any, list[str]]] = {}
        #: The signature of the file this storage last wrote, while `_cache` is its content.
        self._wrote: Sig | None = None
        #: A visit file: saves append to its log (`append_record`).
        self._logged = has_log_path(self.path)
        #: The tables as on disk ({name: table}, tables are replaced, never
        #: changed in place), while the main file has the current schema:
        #: what a save's log record is the difference from.
        self._disk: dict[str, Any] | None = None
        #: Where the log's sound records end, as last read or written.
        self._log_end = 0

    def read(self) -> dict[str, Any] | None:
        if self._cache is not None and (self._batch_depth or self._staged is not None):
            return self._cache
        if self._staged is not None:  # an aborted batch dropped the staged content
            self._cache, self._layout, self._wrote = orjson.loads(self._staged), None, None
            return self._cache
        sig = file_signature(self.path)
        if sig is not None and sig == self._sig and self._cache is not None:
            return self._cache
        return self._reload()

    def _reload(self) -> dict[str, Any] | None:
        found = read_logged(self.path)
        if found is not None and self._cache is not None and found[0] == self._raw:
            self._sig, self._log_end = found[1], found[2]
            return self._cache
        data = current = None
        if found is not None:
            loaded = _loads(self.path, found[0])
            current = schema_of(self.path, loaded) == SCHEMA_VERSION
            data = check_tables(self.path, migrate(self.path, loaded))
        if self._cache is not None and self._on_reload is not None:
            self._on_reload()
        self._cache, self._layout, self._grown, self._wrote = data, None, {}, None
        self._disk = dict(data) if current and data is not None and self._logged else None
        self._raw, self._sig, self._log_end = found if found is not None else (None, None, 0)
        return data

    def write(self, data: dict[str, Any]) -> None:
        data.setdefault(META_TABLE, {"1": {"schema": SCHEMA_VERSION}})
        self._cache = data
        if self._batch_depth:
            self._dirty = True
            return
        self._flush()

    def appended(self, table: str, before: Any, after: Any, keys: list[str]) -> None:
        """The cached table `before` was replaced by `after`, the same documents
        followed by those under `keys` (`Shard.append`): the next payload
        reuses the bytes of `before` and serialises only the new documents."""
        grown = self._grown.get(table)
        if grown is not None and grown[1] is before:  # grown twice before a flush
            self._grown[table] = (grown[0], after, grown[2] + keys)
        else:
            self._grown[table] = (before, after, keys)

    def _payload(self) -> bytes:
        """`dumps(self._cache)`, reusing the last payload's bytes of every table
        that is the same dict as then, or that only grew at its end: a
        visit's change history, most of its file, grows by every answer and
        would otherwise be serialised whole each time. orjson's compact
        output of a dict is its entries' outputs joined by commas, so the
        bytes are the same (tests/test_storage.py compares them)."""
        cache = self._cache
        assert cache is not None
        laid, places = self._layout or (b"", {})
        grown, self._grown = self._grown, {}
        old = memoryview(laid)
        parts: list[bytes | memoryview] = [b"{"]
        size = 1
        fresh: dict[str, tuple[Any, int, int]] = {}
        for name, table in cache.items():
            if type(name) is not str:
                self._layout = None
                return dumps(cache)
            head = (b"," if size > 1 else b"") + dumps(name) + b":"
            parts.append(head)
            size += len(head)
            start = size
            place = places.get(name)
            more = grown.get(name)
            if place is not None and place[0] is table:
                body: list[bytes | memoryview] = [old[place[1] : place[2]]]
            elif place is not None and more is not None and more[0] is place[0] and more[1] is table and place[0]:
                added = b",".join(dumps(key) + b":" + dumps(table[key]) for key in more[2])
                body = [old[place[1] : place[2] - 1], b",", added, b"}"]
            else:
                body = [dumps(table)]
            parts += body
            size += sum(map(len, body))
            fresh[name] = (table, start, size)
        parts.append(b"}")
        payload = b"".join(parts)
        self._layout = (payload, fresh)
        return payload

    def _flush(self) -> None:
        assert self._cache is not None
        try:
            if self._held is not None:
                base = self._raw
                if base is None and self._disk is not None:  # appended since it was read
                    base = dumps(self._disk)
                payload = self._payload()
                self._held.stage(self.path, payload, base)
                self._staged = payload
                return
            if self._disk is not None and self._sig is not None:
                self._append()
                return
            if self._logged:
                fold_log(self.path)
            payload = self._payload()
            sig = atomic_write(self.path, payload)
        except BaseException:
            self._drop()
            raise
        self._raw, self._sig, self._wrote = payload, sig, sig
        if self._logged:
            self._disk, self._log_end = dict(self._cache), 0

    def _append(self) -> None:
        """Append the documents that differ from the tables on disk to the
        log, and fold it in once it outgrows the file itself."""
        assert self._cache is not None and self._disk is not None and self._sig is not None
        changes = self._changes()
        if not changes:
            return
        sig = append_record(self.path, self._sig, self._log_end, dumps([SCHEMA_VERSION, changes]))
        self._raw, self._sig, self._wrote, self._log_end = None, sig, sig, sig[5]
        self._disk = dict(self._cache)
        if self._log_end >= max(sig[2], FOLD_AT):
            with contextlib.suppress(SaveFailed):  # saved already; the next save folds it
                self._fold_log()

    def _fold_log(self) -> None:
        """Replace the file with its content, which is the file and its whole
        log, then remove the log (see the module docstring)."""
        try:
            payload = self._payload()
            sig = atomic_write(self.path, payload)
            _checkpoint("log_folded")
            remove_log(self.path)
        except SaveFailed:
            self._sig = self._wrote = None  # read afresh next time
            raise
        self._raw, self._sig, self._wrote, self._log_end = payload, sig, sig, 0

    def _changes(self) -> dict[str, Any]:
        """{table: {doc id: document, or None when deleted}, or None when
        dropped}: how the tables differ from those on disk."""
        cache, disk = self._cache, self._disk
        assert cache is not None and disk is not None
        grown = self._grown
        self._grown = {}
        out: dict[str, Any] = {}
        for name, table in cache.items():
            before = disk.get(name)
            if before is table or name == META_TABLE:
                continue
            more = grown.get(name)
            if before is None:
                out[name] = table
            elif more is not None and more[0] is before and more[1] is table:
                out[name] = {key: table[key] for key in more[2]}
            else:
                docs = {key: doc for key, doc in table.items() if before.get(key) is not doc}
                docs.update((key, None) for key in before if key not in table)
                if docs:
                    out[name] = docs
        out.update((name, None) for name in disk if name not in cache and name != META_TABLE)
        return out

    def _drop(self) -> None:
        """Forget unflushed edits: the next read starts from the disk (or the staged payload)."""
        if self._cache is not None and self._on_reload is not None:
            self._on_reload()
        self._cache, self._raw, self._sig, self._layout, self._grown, self._wrote = None, None, None, None, {}, None
        self._disk = None

    def read_fresh(self) -> dict[str, Any] | None:
        """What `read` gives, checked against the file itself (under the lock,
        before a write): its bytes are read and compared, unless it is the
        file this storage wrote last, which the process still holds open
        (`is_pinned`), with the signature it had then."""
        if self._batch_depth or self._staged is not None:
            return self.read()
        sig = self._sig
        if sig is not None and sig == self._wrote and is_pinned(self.path, sig) and file_signature(self.path) == sig:
            return self._cache
        return self._reload()

    @contextlib.contextmanager
    def batch(self, *, checked: bool = False) -> Iterator[None]:
        """Writes inside become one replace at the end. `checked`: the caller
        read the file fresh under this same hold of the lock, so its bytes
        are not read and compared a second time."""
        if not checked:
            self.read_fresh()
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self._dirty = False
            self._drop()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._dirty = False
            self._flush()

    def end_transaction(self, committed: bool) -> None:
        """The journal this storage staged into was committed or aborted."""
        if self._staged is not None:
            if committed:
                self._raw, self._sig = self._staged, file_signature(self.path)
                if self._logged and self._cache is not None:  # `Journal.commit` folded its log
                    self._disk, self._log_end = dict(self._cache), 0
            else:
                self._drop()
        self._held, self._staged = None, None

    def close(self) -> None:
        pass


class Shard:
    """One TinyDB file holding a few tables of records plus their changes."""

    def __init__(self, path: Path):
        self.path = path
        self.storage = AtomicJSONStorage(path, on_reload=self._forget_tables)
        self._tables: dict[str, Table] = {}

    def _forget_tables(self) -> None:
        # Another process changed the file: a Table's cached next id describes
        # the old content, so the next use builds a fresh one.
        self._tables.clear()

    def table(self, name: str) -> Table:
        found = self._tables.get(name)
        if found is None:
            # No query cache: TinyDB answers a repeated query from it without
            # reading the storage, so it would never see another process's write.
            found = self._tables[name] = Table(self.storage, name, cache_size=0)
        return found

    def raw(self) -> dict[str, Any]:
        return self.storage.read() or {}

    def fresh(self) -> dict[str, Any]:
        """Like `raw`, but checks the file's bytes, not just its stat (under the lock)."""
        return self.storage.read_fresh() or {}

    def replace(self, table: str, doc_id: int, doc: dict[str, Any]) -> None:
        """Put `doc` in place of document `doc_id` (same id, same order).

        Unlike TinyDB's `update`, the old dict is not changed in place (no
        obsolete keys survive, and a reader holding it is not disturbed)."""

        tables = self.storage.read() or {}
        docs = dict(tables.get(table) or {})
        docs[str(doc_id)] = dict(doc)
        tables[table] = docs
        self.storage.write(tables)

    def append(self, table: str, docs: list[dict[str, Any]]) -> None:
        """Add documents after the table's last one in one write (bulk imports);
        TinyDB's next id for the table is worked out afresh afterwards."""
        if not docs:
            return
        tables = self.storage.read() or {}
        found = dict(tables.get(table) or {})
        # Ids grow in file order, so the last is the highest; a file where
        # they do not (edited by hand) is searched whole rather than overwritten.
        first = int(next(reversed(found), "0")) + 1
        if any(str(first + n) in found for n in range(len(docs))):
            first = max(map(int, found)) + 1
        keys = [str(first + n) for n in range(len(docs))]
        found.update((key, dict(doc)) for key, doc in zip(keys, docs, strict=True))
        self.storage.appended(table, tables.get(table), found, keys)
        tables[table] = found
        self.storage.write(tables)
        self._tables.pop(table, None)

    def docs(self, table: str) -> list[dict[str, Any]]:
        """Copies of the table's documents (the cached ones change on save)."""
        return [dict(d) for d in (self.raw().get(table) or {}).values()]

    def exists(self) -> bool:
        return self.path.exists()

    def held(self, sig: Sig) -> dict[str, Any] | None:
        """The tables as this process last read or wrote them, if the file is still
        that one (its signature `sig`); None when the file must be read."""
        st = self.storage
        if st._cache is None or st._sig != sig or st._batch_depth or st._staged is not None:
            return None
        return st._cache

    def batch(self, *, checked: bool = False) -> contextlib.AbstractContextManager[None]:
        """The storage's `batch` itself: a save enters several."""
        return self.storage.batch(checked=checked)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the file position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLOCK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockTimeout(Exception):
    """The lock stayed taken for the whole timeout."""


class FolderLock:
    """An exclusive lock on one file, re-entrant within a thread; other
    threads of the process wait for it as other processes do (each thread
    locks through its own descriptor).

    Its holder keeps a note in the file (who, which process, since when), so
    a clerk kept waiting is told by whom, and blanks it on release: a note
    found on taking the lock was left by a holder that died holding it. The
    note is written over a fixed-size blank, never after a truncation (see
    `DataLock._stamp` for why), and is not synced: it only informs.

    About 40 µs a hold, against ~0.5 ms of CPU for the `filelock` package it
    replaces, whose generality (singletons, fork and deadlock tracking, soft
    locks) a save paid for on every answer."""

    #: The note's room; a longer note is cut (user and host names are short).
    NOTE_SIZE = 512
    _BLANK = b" " * NOTE_SIZE

    def __init__(self, path: Path, timeout: float, poll_interval: float):
        self.path = path
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._local = threading.local()

    @property
    def depth(self) -> int:
        """How many times this thread holds the lock (0: not at all)."""
        return getattr(self._local, "depth", 0)

    def acquire(self) -> bool:
        """Take the lock; True when this took it afresh, False when this
        thread held it already. `LockTimeout` when it stays taken; OSError
        when the file cannot be opened for writing (a read-only folder)."""
        local = self._local
        if self.depth:
            local.depth += 1
            return False
        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), _FILE_MODE)
            try:
                while not _try_lock(fd):
                    if time.monotonic() >= deadline:
                        raise LockTimeout(self.path)
                    time.sleep(self.poll_interval)
                st = os.fstat(fd)
            except BaseException:
                os.close(fd)
                raise
            if st.st_nlink:
                break
            os.close(fd)  # the file was removed while we waited: lock the one there now
        if st.st_size < self.NOTE_SIZE:  # new (or left empty by an older version)
            _set_mode(fd)
        local.fd, local.depth = fd, 1
        return True

    def release(self) -> None:
        local = self._local
        local.depth -= 1
        if local.depth:
            return
        fd = local.fd
        try:
            with contextlib.suppress(OSError):
                self._put(fd, self._BLANK)
            _unlock(fd)
        finally:
            os.close(fd)

    def swap_note(self, note: bytes) -> bool:
        """Stand `note` in the file (the caller holds the lock); True when
        another note stood there, left by a holder that died holding the lock."""
        fd = self._local.fd
        try:
            if hasattr(os, "pread"):
                left = os.pread(fd, self.NOTE_SIZE, 0).strip()
            else:
                os.lseek(fd, 0, os.SEEK_SET)
                left = os.read(fd, self.NOTE_SIZE).strip()
            self._put(fd, note[: self.NOTE_SIZE].ljust(self.NOTE_SIZE))
        except OSError:
            return False
        return bool(left)

    def note(self) -> bytes:
        """The note of whoever holds the lock now (read without it: it may be cut or blank)."""
        with open(self.path, "rb") as fh:
            return fh.read(self.NOTE_SIZE)

    @staticmethod
    def _put(fd: int, payload: bytes) -> None:
        if hasattr(os, "pwrite"):
            os.pwrite(fd, payload, 0)
            return
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, payload)


class DataLock:
    """Cross-process, re-entrant lock on the data folder.

    Whoever takes it first finishes a transaction that a crashed process left
    half-applied, before reading anything; the first time in each process it
    also removes what killed writers left (`leftovers`). While it holds the
    lock, the holder's name, process and time stand in a note in the lock
    file, so a clerk kept waiting is told by whom. Releasing it after a write stamps
    the change marker (`MARKER`) with a new random token, so a screen learns
    that anything changed by reading a few bytes instead of a stat per branch.
    """

    MARKER = ".changed"

    #: Where holders before `FolderLock` kept their note; one left there died holding the lock.
    OLD_HOLDER = ".lock.holder"

    #: Set on a store opened read-only: every write is refused with this line.
    READ_ONLY = "数据目录以只读方式打开（只读磁盘或没有写入权限），不能修改；请改用可写的数据目录（--data）"

    def __init__(self, root: Path, timeout: float = 15.0, user: str = ""):
        self.root = root
        self.user = user
        self.read_only = False
        self._tidied = False
        #: Called, still under the lock, when a hold that wrote files ends (the derived index).
        self.after_writes: Callable[[], None] | None = None
        # Saves hold the lock for milliseconds: poll often (a 50 ms poll made
        # two busy writers 5x slower).
        self._lock = FolderLock(root / ".lock", timeout=timeout, poll_interval=0.002)
        self._host = socket.gethostname()[:64]  # asked once: a system call on every hold otherwise
        self._journal_name = os.path.join(root, Journal.NAME)
        self._marker = os.path.join(root, self.MARKER)

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        if self.read_only:
            raise SaveFailed(self.READ_ONLY, errno.EROFS)
        try:
            outermost = self._lock.acquire()
        except LockTimeout as exc:
            raise StoreBusy(self._busy_message()) from exc
        except OSError as exc:  # a read-only folder, or one this login may not write
            raise save_error(exc, self.root / ".lock") from exc
        writes = _writes
        try:
            if outermost:
                since = time.time()
                # A note outlives only a holder that died holding the lock.
                crashed = self._lock.swap_note(self._holder_note(since))
                if not self._tidied and os.path.exists(self.root / self.OLD_HOLDER):
                    crashed = True
                    with contextlib.suppress(OSError):
                        os.unlink(self.root / self.OLD_HOLDER)
                try:
                    if os.path.exists(self._journal_name):  # every hold asks: no Path built
                        Journal.recover(self.root)
                except OSError as exc:
                    raise save_error(exc, self.root / Journal.NAME) from exc
                if crashed or not self._tidied:
                    self._tidied = True
                    for path in leftovers(self.root, since, deep=crashed):
                        remove_leftover(path)
            yield
        finally:
            try:
                if outermost and _writes != writes:
                    if self.after_writes is not None:
                        self.after_writes()
                    self._stamp()
            finally:
                self._lock.release()

    def _stamp(self) -> None:
        """A torn or lost stamp only costs a reader one extra or one late
        refresh, so it is written in place, without a sync; and over the old
        token of the same length rather than after a truncation, which ext4
        answers by flushing the file on close (its `auto_da_alloc`): that
        flush alone cost more than the rest of a save."""
        with contextlib.suppress(OSError):
            fd = os.open(self._marker, os.O_WRONLY | os.O_CREAT, _FILE_MODE)
            try:
                _set_mode(fd)
                os.write(fd, os.urandom(8).hex().encode())  # at offset 0: a new descriptor starts there
            finally:
                os.close(fd)

    def change_token(self) -> bytes | None:
        """The marker's current token (None before the first write)."""
        try:
            return (self.root / self.MARKER).read_bytes()
        except FileNotFoundError:
            return None

    @property
    def held(self) -> bool:
        """Whether this thread holds the lock."""
        return self._lock.depth > 0

    def _holder_note(self, since: float) -> bytes:
        """Who holds the lock, for a clerk kept waiting (`_busy_message`)."""
        return dumps({"user": self.user[:64], "pid": os.getpid(), "host": self._host, "since": since})

    def _busy_message(self) -> str:
        try:
            info = orjson.loads(self._lock.note())
            since = time.strftime("%H:%M:%S", time.localtime(float(info["since"])))
            who = f"{info['user'] or '某用户'}（进程 {int(info['pid'])}，主机 {info['host']}，自 {since} 起）"
        except (OSError, ValueError, TypeError, KeyError):
            who = "其他进程"
        return f"数据目录正被{who}长时间占用，请稍后再试"


def leftovers(root: Path, before: float, *, deep: bool = True) -> list[Path]:
    """Temp files and empty branch folders that killed writers left, older
    than `before` (when this process took the lock: every writer that made
    them had finished or died by then). Without `deep` only the top folders
    are looked at (where lock-free cache writes land): the branch folders,
    thousands of them, only hold leftovers after a holder of the lock died."""
    found: list[Path] = []
    for folder in (root, root / "templates", root / "cache"):
        found += _temp_files(Path(folder), before)[0]
    if not deep:
        return found
    try:
        branches = [e for e in os.scandir(root / "branches") if e.is_dir(follow_symlinks=False)]
    except OSError:
        branches = []
    for entry in branches:
        temps, others = _temp_files(Path(entry.path), before)
        visit_temps, visits = _temp_files(Path(entry.path) / "visits", before)
        found += temps + visit_temps
        if others <= {"visits"} and not visits and _older(entry, before):
            found.append(Path(entry.path))
    return found


def _temp_files(folder: Path, before: float) -> tuple[list[Path], set[str]]:
    """The folder's temp files older than `before`, and the names of everything else in it."""
    temps: list[Path] = []
    others: set[str] = set()
    try:
        for e in os.scandir(folder):
            if e.name.startswith(".") and e.name.endswith(TEMP_SUFFIX) and _older(e, before):
                temps.append(Path(e.path))
            else:
                others.add(e.name)
    except OSError:
        pass
    return temps, others


def _older(entry: os.DirEntry, before: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < before
    except OSError:
        return False


def remove_leftover(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.name.endswith(TEMP_SUFFIX):
            os.unlink(path)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.rmdir(path / "visits")
            os.rmdir(path)


class Journal:
    """All-or-nothing writes across several files.

    New contents are staged in memory (a file saved many times in one
    transaction is written once); `commit` writes them as synced temp files,
    then a journal naming every rename, syncs it, performs the renames and
    removes it. A crash after the journal is written is rolled forward by
    `recover` at the next lock; a crash before leaves the old files untouched.
    """

    NAME = ".journal.json"

    def __init__(self, root: Path, seen: dict[Path, bytes | None] | None = None):
        self.root = root
        self.staged: dict[Path, bytes] = {}
        #: A digest of each file as it was first read (None: absent), to tell
        #: later whether it changed since (`saw`, `Store.unchanged`).
        self.seen: dict[Path, bytes | None] = dict(seen or {})
        #: Set when a file was read again and had changed meanwhile.
        self.stale = False

    def saw(self, path: Path, raw: bytes | None) -> None:
        """`path` was read as `raw`: the content the staged files build on."""
        found = digest(raw)
        if self.seen.setdefault(path, found) != found:
            self.stale = True

    def stage(self, path: Path, payload: bytes, base: bytes | None = None) -> None:
        """The new content of `path`, built on `base` (its bytes as read)."""
        self.saw(path, base)
        self.staged[path] = payload

    def commit(self) -> None:
        if not self.staged:
            return
        entries: list[list[str]] = []
        for dst in self.staged:  # a file replaced whole must hold its log first
            fold_log(dst)
        try:
            for dst, payload in self.staged.items():
                entries.append([str(write_temp(dst, payload)), str(dst)])
            atomic_write(self.root / self.NAME, dumps(entries))
        except BaseException:
            for tmp, _dst in entries:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
        _checkpoint("journal_written")
        try:
            self._apply(entries)
        except OSError as exc:  # the journal is on disk: the next lock finishes the renames
            raise save_error(exc, self.root / self.NAME) from exc
        self.staged.clear()

    def abort(self) -> None:
        self.staged.clear()

    def _apply(self, entries: list[list[str]]) -> None:
        global _writes
        _writes += 1
        dirs = set()
        for tmp, dst in entries:
            if os.path.exists(tmp):
                os.replace(tmp, dst)
                _written.append(dst)
                _checkpoint("journal_renamed")
            dirs.add(os.path.dirname(dst))
        for d in dirs:
            _fsync_dir(Path(d))
        os.unlink(self.root / self.NAME)
        _fsync_dir(self.root)

    @classmethod
    def recover(cls, root: Path) -> bool:
        """Finish a transaction that crashed after its journal was written."""
        if not os.path.exists(os.path.join(root, cls.NAME)):  # every hold asks: no Path made for it
            return False
        path = root / cls.NAME
        try:
            entries = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            # A torn journal means the commit never started: drop it.
            os.unlink(path)
            return False
        cls(root)._apply(entries)
        return True
