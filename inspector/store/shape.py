"""The structure of a data file, checked on every read.

The fast readers (summaries, the visit index, the change history, sync) use
the stored dicts without building records, so a file whose tables are not
dicts of documents, or whose fields have the wrong JSON type (a list where
a text belongs, a number for a date), would crash them far from the file.
`check_tables` turns that into one `CorruptFile` that names the file; the
JSON types come from the models, so they never drift from them. Values are
still validated in full when records are built (`Store` and `check`).
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from inspector.errors import CorruptFile
from inspector.models import Branch, Committee, Finding, Member, PocketMember, Visit, WeakLaxDetermination
from inspector.store.changes import Change

CHANGES = "changes"
# Visit fields copied into the branch file's visit index.
VISIT_INDEX = "visit_index"
INDEXED = ("date", "status", "template_id", "deleted", "completed_at", "stages")

_NONE = type(None)


def _json_types(annotation: Any) -> tuple[type, ...]:
    """The Python types orjson gives for a value stored from `annotation`."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return tuple(t for arg in typing.get_args(annotation) for t in _json_types(arg))
    if origin is not None:
        annotation = origin
    if annotation is _NONE:
        return (_NONE,)
    if annotation is bool:
        return (bool,)
    if annotation is int:
        return (int,)
    if annotation is float:
        return (int, float)
    if isinstance(annotation, type) and issubclass(
        annotation, (str, enum.Enum, datetime.date)
    ):  # dates and enums are stored as text
        return (str,)
    if annotation in (list, tuple):
        return (list,)
    if annotation is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return (dict,)
    return (object,)


class _Shape(typing.NamedTuple):
    types: dict[str, tuple[type, ...]]
    required: frozenset[str]


def _shape(model: type[BaseModel], only: tuple[str, ...] = ()) -> _Shape:
    fields = {k: f for k, f in model.model_fields.items() if not only or k in only}
    types_ = {name: _json_types(f.annotation) for name, f in fields.items()}
    return _Shape(
        {name: allowed for name, allowed in types_.items() if object not in allowed},  # Any: anything goes
        frozenset(name for name, f in fields.items() if f.is_required()),
    )


TABLES: dict[str, _Shape] = {
    "branch": _shape(Branch),
    "committee": _shape(Committee),
    "finding": _shape(Finding),
    "pocket": _shape(PocketMember),
    "weaklax": _shape(WeakLaxDetermination),
    "member": _shape(Member),
    "visit": _shape(Visit),
    CHANGES: _shape(Change),
    VISIT_INDEX: _shape(Visit, ("id", *INDEXED)),
}


def check_tables(path: Path, data: dict[str, Any], *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """`data` itself when every table is a dict of documents with fields of
    their model's JSON types; otherwise `CorruptFile` naming the first problem.
    Tables in `skip` (ones the caller never reads) are only checked to be dicts."""
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFile(path, f"「{name}」表不是对象")
        if name in skip:
            continue
        shape = TABLES.get(name)
        for key, doc in table.items():
            if not isinstance(doc, dict):
                raise CorruptFile(path, f"「{name}」表的第 {key} 条不是对象")
            if shape is None:
                continue
            if not shape.required <= doc.keys():
                missing = "、".join(sorted(shape.required - doc.keys()))
                raise CorruptFile(path, f"「{name}」表第 {key} 条缺少字段 {missing}")
            types_ = shape.types
            for field, value in doc.items():
                allowed = types_.get(field)
                if allowed is not None and type(value) not in allowed:
                    raise CorruptFile(path, f"「{name}」表第 {key} 条的字段 {field} 类型错误")
    return data
