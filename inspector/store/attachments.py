"""Files attached to records (a branch's 整改报告), kept by content.

`<data>/attachments/<sha256>`: the name is the SHA-256 of the bytes, so a
file is written once, never changes, travels in sync bundles under the same
name, and a record points at it by that hash. Written atomically under the
store's lock, with the folder's modes (`files.py`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.errors import StoreError
from inspector.store.files import atomic_write

if TYPE_CHECKING:
    from inspector.store.core import Store

FOLDER = "attachments"
#: Largest attached file: a scanned report of a few dozen pages fits, and a
#: sync bundle (`inspector/sync/bundle.py`, 64 MB a member) still carries it.
MAX_BYTES = 20 * 1024 * 1024
_SHA = re.compile(r"^[0-9a-f]{64}$")


class AttachmentTooLarge(StoreError):
    def __init__(self, size: int):
        super().__init__(
            f"附件过大（{size / 1024 / 1024:.1f} MB），不能超过 {MAX_BYTES // 1024 // 1024} MB；请压缩或拆分后再附"
        )


def is_hash(text: str) -> bool:
    return bool(_SHA.match(text))


def attachment_path(root: Path, sha: str) -> Path:
    if not is_hash(sha):
        raise StoreError(f"附件编号无效：{sha[:70]}")
    return Path(root) / FOLDER / sha


def keep(store: Store, data: bytes) -> str:
    """Keep `data` in the data folder and return its SHA-256 (a file already kept is not written again)."""
    if len(data) > MAX_BYTES:
        raise AttachmentTooLarge(len(data))
    sha = hashlib.sha256(data).hexdigest()
    path = attachment_path(store.root, sha)
    with store.lock():
        if not path.exists():
            atomic_write(path, data)
    return sha


def damage(root: Path, sha: str) -> str | None:
    """Why the file a record names as `sha` cannot be handed out, in one line: missing,
    unreadable, or its bytes no longer hashing to its name; None when it is whole."""
    try:
        data = read(root, sha)
    except StoreError as exc:
        return str(exc)
    if data is None:
        return f"缺少附件 {attachment_path(root, sha)}（若在另一台电脑上，导入其同步包即可补上）"
    if hashlib.sha256(data).hexdigest() != sha:
        return f"附件已损坏（内容与编号不符）：{attachment_path(root, sha)}"
    return None


def read(root: Path, sha: str) -> bytes | None:
    """The bytes kept under `sha`, or None when this folder does not have them (yet)."""
    path = attachment_path(root, sha)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"无法读取附件：{path}（{exc.strerror or exc}）") from exc
