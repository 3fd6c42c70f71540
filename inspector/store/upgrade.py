"""Bring a whole data folder to the current schema when it is opened.

Runs under the folder's lock, before anything else reads it. Each file of an
older schema is first copied as it is to `<data>/backup/schema-<N>/<same
relative path>`, then rewritten in the current schema by an atomic replace;
`meta.json` is rewritten last. A kill at any point leaves every file whole, in
the old schema or the new one (both readable: `MIGRATIONS` in
`inspector/store/files.py` upgrades a file on read), and `meta.json` still old,
so the next open resumes with the files not yet done. Derived caches are
deleted (they are rebuilt from the data files).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from inspector.errors import CorruptFile, NewerSchema
from inspector.models import SCHEMA_VERSION
from inspector.store.files import atomic_write, dumps, fold_log, parse, read_bytes, schema_of

log = logging.getLogger(__name__)

BACKUP_DIR = "backup"
# Data files by pattern, relative to the folder; meta.json is handled last.
_DATA_FILES = (
    "committee.json",
    "settings.json",
    "sync/peers.json",
    "templates/*.json",
    "branches/*/branch.json",
    "branches/*/visits/*.json",
)
_CACHE_DIR = "cache"
_META = "meta.json"


def _stored_schema(path: Path, raw: bytes) -> int | None:
    """The schema a file says it was written with; None when it cannot be read."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return schema_of(path, data)
    except CorruptFile:
        return None


def folder_schema(root: Path) -> int | None:
    """The schema `meta.json` records; None for a new folder."""
    found = read_bytes(root / _META)
    if found is None:
        return None
    return _stored_schema(root / _META, found[0])


def _data_files(root: Path) -> Iterator[Path]:
    for pattern in _DATA_FILES:
        for path in sorted(root.glob(pattern)):
            if not path.name.startswith("."):  # temp files of an interrupted write
                yield path


def upgrade_folder(root: Path, starting: Callable[[int], None] | None = None) -> int:
    """Rewrite every file of an older schema in the current one; returns how
    many were rewritten (0 when the folder is current). Call under the lock.
    `starting` is told the old schema first: a county's files take tens of seconds."""
    version = folder_schema(root)
    if version is None or version == SCHEMA_VERSION:
        return 0
    if version > SCHEMA_VERSION:
        raise NewerSchema(root / _META, version)
    if starting is not None:
        starting(version)
    done = 0
    for path in [*_data_files(root), root / _META]:
        if _upgrade_file(root, path):
            done += 1
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(root / _CACHE_DIR):
            if entry.is_file():
                os.unlink(entry.path)
    log.info("data folder %s upgraded from schema %d to %d: %d files", root, version, SCHEMA_VERSION, done)
    return done


def _upgrade_file(root: Path, path: Path) -> bool:
    fold_log(path)  # its log's records are in the file's own schema: folded before it changes
    found = read_bytes(path)
    if found is None:
        return False
    raw = found[0]
    version = _stored_schema(path, raw)
    if version is None:
        # Unreadable already: left as it is for `inspector check` to name.
        log.warning("not upgrading unreadable %s", path)
        return False
    if version >= SCHEMA_VERSION:
        return False
    data = parse(path, raw)  # migrated and stamped with the current schema
    if path.name == _META:
        data["schema"] = SCHEMA_VERSION
    atomic_write(root / BACKUP_DIR / f"schema-{version}" / path.relative_to(root), raw)
    atomic_write(path, dumps(data))
    return True
