"""The sync bundle: one zip file that travels by scp or USB stick.

Layout::

    manifest.json          format and schema version, source installation,
                           creation time, SHA-256 and size of every part, counts
    committee.json         the committee record and its history (memos are signed
                           with its name), adopted by a folder that has none
    branches/<id>.json     one branch: its records (tombstones too) and the full
                           change history of each record
    templates/<n>.json     checklist snapshots the exported visits were made with

Reading trusts nothing in the file: every check below runs before a single
byte of the data folder is touched, so a bad bundle is refused whole with one
Chinese line (the details go to the log).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from inspector.errors import StoreError
from inspector.models import RECORD_TYPES, SCHEMA_VERSION, clean_change_value, utcnow
from inspector.store import attachments
from inspector.store.changes import CREATED, Change
from inspector.store.files import dumps, ensure_dir
from inspector.store.steps import upgrade_change, upgrade_record
from inspector.text import clean

log = logging.getLogger(__name__)

FORMAT = "inspector-sync"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Kinds a branch part may hold.
BRANCH_KINDS = ("branch", "finding", "pocket", "weaklax", "member", "visit")
# Zip-bomb limits, on declared and on actual sizes.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 20000

_ID = r"[A-Za-z0-9_-]{1,100}"
_MEMBER = re.compile(
    rf"^(?:manifest\.json|committee\.json|branches/{_ID}\.json|templates/[0-9]{{1,6}}\.json|attachments/[0-9a-f]{{64}})$"
)
_SAFE_ID = re.compile(rf"^{_ID}$")


class BundleError(StoreError):
    """A bundle refused whole; the message is the one line users see."""


@dataclass
class BranchPart:
    """One branch as it travels: records by kind, and their changes."""

    branch_id: str
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def all_records(self) -> list[tuple[str, dict[str, Any]]]:
        return [(kind, doc) for kind in BRANCH_KINDS for doc in self.records.get(kind, [])]


@dataclass
class Bundle:
    manifest: dict[str, Any]
    branches: list[BranchPart]
    templates: list[dict[str, Any]]
    committee: tuple[dict[str, Any], list[dict[str, Any]]] | None = None  # record, its changes
    #: Attached files (整改报告) by their SHA-256: `inspector/store/attachments.py`.
    attachments: dict[str, bytes] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.manifest["installation_id"]


# ----------------------------------------------------------------- writing
def write_bundle(
    path: Path,
    *,
    installation_id: str,
    user: str,
    branches: list[BranchPart],
    templates: list[dict[str, Any]],
    since: str | None,
    committee: tuple[dict[str, Any], list[dict[str, Any]]] | None = None,
    attachments: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """Write the zip next to `path` and rename it into place; returns the manifest."""
    parts: dict[str, bytes] = {}
    if committee is not None:
        parts["committee.json"] = dumps({"record": committee[0], "changes": committee[1]})
    for part in branches:
        parts[f"branches/{part.branch_id}.json"] = dumps(
            {"branch_id": part.branch_id, "records": part.records, "changes": part.changes}
        )
    for n, snap in enumerate(templates):
        parts[f"templates/{n}.json"] = dumps(snap)
    for sha, data in sorted((attachments or {}).items()):
        parts[f"attachments/{sha}"] = data
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": SCHEMA_VERSION,
        "installation_id": installation_id,
        "created": utcnow().isoformat(),
        "user": user,
        "since": since,
        "parts": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for name, data in parts.items()
        },
        "counts": {
            "branches": len(branches),
            "records": sum(len(p.all_records()) for p in branches),
            "visits": sum(len(p.records.get("visit", [])) for p in branches),
            "changes": sum(len(p.changes) for p in branches),
            "templates": len(templates),
        },
    }
    try:
        ensure_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StoreError(f"无法写入同步包：{path}（{_os_reason(exc)}）") from exc
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
            for name, data in parts.items():
                zf.writestr(name, data)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StoreError(f"无法写入同步包：{path}（{_os_reason(exc)}）") from exc
        raise
    return manifest


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, FileNotFoundError):
        return "所在目录不存在"
    if getattr(exc, "errno", None) == 28:
        return "磁盘空间不足"
    log.warning("bundle write failed: %r", exc)
    return "系统错误，详见日志"


# ----------------------------------------------------------------- reading
def read_bundle(path: Path, *, local_installation: str) -> Bundle:
    """Open, check and validate a bundle; BundleError on the first problem."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = _read_members(zf)
    except FileNotFoundError:
        raise BundleError(f"找不到同步包：{path}") from None
    except IsADirectoryError:
        raise BundleError(f"同步包路径是文件夹，不是文件：{path}") from None
    except PermissionError:
        raise BundleError(f"没有权限读取同步包：{path}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError) as exc:
        log.warning("bundle %s unreadable: %r", path, exc)
        raise BundleError("同步包已损坏或不完整（不是有效的 zip 文件），未导入任何内容") from exc
    manifest = _check_manifest(members, local_installation)
    schema = manifest["schema"]
    branches = [
        _branch_part(name, data, schema) for name, data in sorted(members.items()) if name.startswith("branches/")
    ]
    templates = [_template(name, data) for name, data in sorted(members.items()) if name.startswith("templates/")]
    committee = _committee(members["committee.json"], schema) if "committee.json" in members else None
    # The manifest's SHA-256 of each part is checked above; an attachment is also named by it.
    files = {name[len("attachments/") :]: data for name, data in members.items() if name.startswith("attachments/")}
    for sha, data in files.items():
        if len(data) > attachments.MAX_BYTES:
            raise BundleError(f"同步包内附件过大（{sha[:12]}），未导入任何内容")
        if hashlib.sha256(data).hexdigest() != sha:
            raise BundleError(f"同步包校验失败（附件 {sha[:12]} 的内容与编号不符），未导入任何内容")
    return Bundle(manifest, branches, templates, committee, files)


def _read_members(zf: zipfile.ZipFile) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleError(f"同步包内文件过多（{len(infos)} 个），未导入任何内容")
    names = [i.filename for i in infos]
    for name in names:
        _check_name(name)
    if len(set(names)) != len(names):
        raise BundleError("同步包内有重复的文件名，未导入任何内容")
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise BundleError("同步包内有加密文件，未导入任何内容")
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleError(f"同步包内文件过大（{info.filename}），未导入任何内容")
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        raise BundleError("同步包解压后过大（超过 200 MB），未导入任何内容")
    out: dict[str, bytes] = {}
    actual = 0
    for info in infos:
        with zf.open(info) as fh:
            data = fh.read(min(info.file_size, MAX_MEMBER_BYTES) + 1)
        actual += len(data)
        if len(data) != info.file_size or actual > MAX_TOTAL_BYTES:
            raise BundleError(f"同步包内文件大小与声明不符（{info.filename}），未导入任何内容")
        out[info.filename] = data
    return out


def _check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise BundleError(f"同步包内文件名不安全（{name!r}），未导入任何内容")
    if not _MEMBER.match(name):
        raise BundleError(f"同步包内有不认识的文件（{name!r}），未导入任何内容")


def _json(name: str, data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BundleError(f"同步包内容无效：{name} 不是有效的 JSON") from exc


def _check_manifest(members: dict[str, bytes], local_installation: str) -> dict[str, Any]:
    if MANIFEST not in members:
        raise BundleError("同步包缺少清单文件 manifest.json，未导入任何内容")
    manifest = _json(MANIFEST, members[MANIFEST])
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError("这不是本程序导出的同步包，未导入任何内容")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            f"同步包格式版本不符（包为 {manifest.get('format_version')!r}，本程序为 {FORMAT_VERSION}），请两边使用同一版本程序"
        )
    schema = manifest.get("schema")
    # An older schema is upgraded as it is read (`inspector/store/steps.py`); a newer one is refused.
    if not isinstance(schema, int) or isinstance(schema, bool) or not 1 <= schema <= SCHEMA_VERSION:
        raise BundleError(
            f"同步包数据结构版本不符（包为 {schema!r}，本程序为 {SCHEMA_VERSION}），请两边使用同一版本程序"
        )
    source = manifest.get("installation_id")
    if not isinstance(source, str) or not _SAFE_ID.match(source):
        raise BundleError("同步包清单缺少来源安装编号，未导入任何内容")
    if source == local_installation:
        raise BundleError("这个同步包是本机导出的，不能导入本机")
    parts = manifest.get("parts")
    if not isinstance(parts, dict):
        raise BundleError("同步包清单缺少各部分的校验值，未导入任何内容")
    listed = set(parts)
    present = set(members) - {MANIFEST}
    if listed != present:
        name = sorted(listed ^ present)[0]
        raise BundleError(f"同步包内容与清单不一致（{name}），文件可能不完整，未导入任何内容")
    for name in sorted(present):
        entry = parts[name]
        digest = hashlib.sha256(members[name]).hexdigest()
        if not isinstance(entry, dict) or entry.get("sha256") != digest:
            raise BundleError(f"同步包校验失败（{name} 的 SHA-256 不符），文件可能被改动或损坏，未导入任何内容")
    return manifest


def _branch_part(name: str, data: bytes, schema: int) -> BranchPart:
    raw = _json(name, data)
    bid = name[len("branches/") : -len(".json")]
    if not isinstance(raw, dict) or raw.get("branch_id") != bid:
        raise BundleError(f"同步包内容无效：{name} 的党支部编号不符")
    records = raw.get("records")
    changes = raw.get("changes")
    if not isinstance(records, dict) or not isinstance(changes, list) or set(records) - set(BRANCH_KINDS):
        raise BundleError(f"同步包内容无效：{name} 结构不对")
    part = BranchPart(bid)
    kinds: dict[str, str] = {}
    for kind in BRANCH_KINDS:
        docs = records.get(kind) or []
        if not isinstance(docs, list):
            raise BundleError(f"同步包内容无效：{name} 结构不对")
        part.records[kind] = [_record(name, bid, kind, upgrade_record(kind, doc, schema)) for doc in docs]
        for doc in part.records[kind]:
            if doc["id"] in kinds:
                raise BundleError(f"同步包内容无效：{name} 中记录 {doc['id']} 重复")
            kinds[doc["id"]] = kind
    if not any(d["id"] == bid for d in part.records["branch"]):
        raise BundleError(f"同步包内容无效：{name} 缺少党支部记录本身")
    seen: set[str] = set()
    for doc in changes:
        change = _change(name, upgrade_change(doc, schema))
        if change.id in seen:
            raise BundleError(f"同步包内容无效：{name} 中变更 {change.id} 重复")
        seen.add(change.id)
        if kinds.get(change.record_id) != change.kind or change.branch_id != bid:
            raise BundleError(f"同步包内容无效：{name} 中变更 {change.id} 不属于包内任何记录")
        part.changes.append(change.model_dump(mode="json"))
    return part


def _committee(data: bytes, schema: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    name = "committee.json"
    raw = _json(name, data)
    if not isinstance(raw, dict) or not isinstance(raw.get("changes"), list):
        raise BundleError(f"同步包内容无效：{name} 结构不对")
    doc = _record(name, None, "committee", upgrade_record("committee", raw.get("record"), schema))
    changes = []
    for item in raw["changes"]:
        change = _change(name, upgrade_change(item, schema))
        if change.record_id != doc["id"] or change.kind != "committee":
            raise BundleError(f"同步包内容无效：{name} 中变更 {change.id} 不属于党委记录")
        changes.append(change.model_dump(mode="json"))
    return doc, changes


def _record(name: str, bid: str | None, kind: str, doc: Any) -> dict[str, Any]:
    from inspector.store import validation_message

    try:
        record = RECORD_TYPES[kind].model_validate(doc)
    except ValidationError as exc:
        raise BundleError(f"同步包内容无效：{name} 中有记录未通过校验（{validation_message(exc)}）") from exc
    if not _SAFE_ID.match(record.id):
        raise BundleError(f"同步包内容无效：{name} 中记录编号不合规（{record.id!r}）")
    owner = record.id if kind == "branch" else getattr(record, "branch_id", None)
    if owner != bid:
        raise BundleError(f"同步包内容无效：{name} 中记录 {record.id} 属于另一个党支部")
    return record.model_dump(mode="json")


def _change(name: str, doc: Any) -> Change:
    from inspector.store import validation_message

    try:
        change = Change.model_validate(doc)
    except ValidationError as exc:
        raise BundleError(f"同步包内容无效：{name} 中有变更记录未通过校验（{validation_message(exc)}）") from exc
    if change.field == CREATED:
        try:
            created = RECORD_TYPES[change.kind].model_validate(change.new).model_dump(mode="json")
        except (KeyError, ValidationError) as exc:
            raise BundleError(f"同步包内容无效：{name} 中记录 {change.record_id} 的创建内容未通过校验") from exc
        return change.model_copy(update={"who": clean(change.who), "new": created})
    # History values are shown in the history view and in conflicts: cleaned like the records.
    return change.model_copy(
        update={
            "who": clean(change.who),
            "old": clean_change_value(change.kind, change.field, change.old),
            "new": clean_change_value(change.kind, change.field, change.new),
        }
    )


def _template(name: str, data: bytes) -> dict[str, Any]:
    from inspector.checklist import template_from_snapshot

    snap = _json(name, data)
    try:
        if not isinstance(snap, dict):
            raise ValueError("not an object")
        template_from_snapshot(snap)
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        log.warning("bundle template %s invalid: %r", name, exc)
        raise BundleError(f"同步包内容无效：检查清单快照 {name} 未通过校验") from exc
    for key in ("id", "version", "content_hash"):
        if (
            not isinstance(snap.get(key), str)
            or not snap[key]
            or "/" in snap[key]
            or "\\" in snap[key]
            or snap[key] in (".", "..")
        ):
            raise BundleError(f"同步包内容无效：检查清单快照 {name} 的编号不合规")
    return snap
