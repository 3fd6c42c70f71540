"""Field-level change history.

Every save of a record is recorded as one `Change` per changed field: who,
when, which installation, field, old and new value, and `prev`, the id of the
change to the same field that this one replaced. The ledger's history view
reads these; sync merges by them (two changes with the same `prev` on the same
field from different installations are a conflict).
"""

from __future__ import annotations

from collections.abc import Iterable, Reversible, Sequence
from datetime import datetime
from itertools import compress, repeat
from operator import is_not
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from inspector.models import Record, new_id, utcnow

CREATED = "*"
# Dict-valued fields whose keys change independently (one answer per item):
# their history is kept per key as "answers.<item id>".
PER_KEY_FIELDS = frozenset({"answers", "notes", "followups"})


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    kind: str
    record_id: str
    branch_id: str | None = None
    field: str
    old: Any = None
    new: Any = None
    who: str
    at: datetime = Field(default_factory=utcnow)
    inst: str
    prev: str | None = None


def dump(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json")


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Changed fields between two dumped records, as {path: (old, new)}.

    With no old record the whole record is one creation entry under "*".
    """
    if old is None:
        return {CREATED: (None, new)}
    out: dict[str, tuple[Any, Any]] = {}
    for key in old.keys() | new.keys():
        a, b = old.get(key), new.get(key)
        if a is b or a == b:
            continue
        if key in PER_KEY_FIELDS and isinstance(a, dict) and isinstance(b, dict):
            # A saved answer's dump is shared by the next dump: most entries are the same object.
            for sub in replaced(a, b):
                x, y = a.get(sub), b[sub]
                if x != y:
                    out[f"{key}.{sub}"] = (x, y)
            for sub in a.keys() - b.keys():
                if a[sub] is not None:
                    out[f"{key}.{sub}"] = (a[sub], None)
        else:
            out[key] = (a, b)
    return out


_NOWHERE = object()  # what `replaced` finds under a key `old` lacks: no value is it


def replaced(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The keys of `new` whose value is not the very object `old` holds under
    them (keys new to it included), found without a loop in Python: from one
    save of a visit to the next, its answers are mostly the same objects."""
    return list(compress(new, map(is_not, new.values(), map(old.get, new, repeat(_NOWHERE)))))


def get_path(data: dict[str, Any], path: str) -> Any:
    head, sep, rest = path.partition(".")
    value = data.get(head)
    if sep:  # a per-key field; the key itself may be empty or hold dots
        return (value or {}).get(rest)
    return value


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Apply one field change to a dumped record (None under a per-key field deletes the key)."""
    head, sep, rest = path.partition(".")
    if not sep:
        data[head] = value
        return
    sub = dict(data.get(head) or {})
    if value is None:
        sub.pop(rest, None)
    else:
        sub[rest] = value
    data[head] = sub


def last_change_ids(
    changes: Reversible[dict[str, Any]], record_id: str, fields: Iterable[str] | None = None
) -> dict[str, str]:
    """The newest change id per field of one record, for the next change's
    `prev`: read from the newest back, and only until each of `fields` is
    found (a visit's history grows by every answer; the creation "*" is then
    not needed, see `make_changes`); every field's without `fields`."""
    wanted = None if fields is None else set(fields)
    latest: dict[str, str] = {}
    for ch in reversed(changes):
        if ch["record_id"] == record_id and ch["field"] not in latest:
            latest[ch["field"]] = ch["id"]
            if wanted is not None and wanted <= latest.keys():
                break
    return latest


_AT = TypeAdapter(datetime)


def make_changes(
    record: Record,
    fields: dict[str, tuple[Any, Any]],
    *,
    who: str,
    inst: str,
    previous: dict[str, str],
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """One stored change per field of `fields` (dumped values, as `diff`
    gives them), as `Change` dumps it, but built without a model each: a
    save makes one per answer (tests/test_store.py compares the two)."""
    stamp = _AT.dump_python(_AT.validate_python(at or utcnow()), mode="json")
    kind, rid, bid = record.kind, record.id, _branch_id(record)
    return [
        {
            "id": new_id(),
            "kind": kind,
            "record_id": rid,
            "branch_id": bid,
            "field": path,
            "old": old,
            "new": new,
            "who": who,
            "at": stamp,
            "inst": inst,
            "prev": previous.get(path) or previous.get(CREATED),
        }
        for path, (old, new) in sorted(fields.items())
    ]


def creation_docs(created: Sequence[tuple[Record, dict[str, Any]]], *, who: str, inst: str) -> list[dict[str, Any]]:
    """The stored changes `make_changes` gives records new to their file (one
    change "*" holding the whole dumped record each), for (record, its dump)
    pairs saved together: the first is made, the others copy its form (a
    county roster adds 60,000 members at once)."""
    if not created:
        return []
    first, first_doc = created[0]
    docs = make_changes(first, {CREATED: (None, dict(first_doc))}, who=who, inst=inst, previous={})
    for record, doc in created[1:]:
        docs.append(
            {
                **docs[0],
                "id": new_id(),
                "kind": record.kind,
                "record_id": record.id,
                "branch_id": _branch_id(record),
                "new": dict(doc),
            }
        )
    return docs


def _branch_id(record: Record) -> str | None:
    return getattr(record, "branch_id", None) or (record.id if record.kind == "branch" else None)
