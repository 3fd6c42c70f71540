"""Schema steps: how a record, a change and a whole file of schema N become N+1.

Schema 3 adds optional fields to pocket records (attendance and dues dated
apart, the deciders of a decision, the 回执, 预备党员), a finding's reason for
a verifier outside the staff list, and the code
"restored": a schema-2 file reads as it is, the new fields not yet known, so
its step only restamps it. The bump keeps a file or bundle written by this
version away from an older program, which would refuse the unknown fields.

Schema 2 stores enum values as ASCII codes where schema 1 stored the Chinese
labels of the time (`SCHEMA1_VALUES` in `inspector/models.py`). The same
steps serve data files (`MIGRATIONS` in `inspector/store/files.py`, and the
folder upgrade in `inspector/store/upgrade.py`) and sync bundles of an older
schema (`inspector/sync/bundle.py`), so a record reads the same whichever
way it arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from inspector.models import RECORD_TYPES, SCHEMA1_VALUES, map_enum_field, map_enum_record

_VISIT_INDEX = "visit_index"
_CHANGES = "changes"
_CREATED = "*"

_CODE_OF_SCHEMA1: dict[type[StrEnum], dict[str, str]] = {
    enum: {old: code for code, old in spelt.items()} for enum, spelt in SCHEMA1_VALUES.items()
}


def _code_of_schema1(enum: type[StrEnum], stored: str) -> str:
    # A string schema 1 never stored is kept: the record's validation names it.
    return _CODE_OF_SCHEMA1[enum].get(stored, stored)


def record_1_to_2(kind: str, doc: Any) -> Any:
    return map_enum_record(kind, doc, _code_of_schema1) if isinstance(doc, dict) else doc


def change_1_to_2(change: Any) -> Any:
    """A change's old and new values in schema 2 (a creation holds the whole record)."""
    if not isinstance(change, dict):
        return change
    kind, path = change.get("kind"), change.get("field")
    if not isinstance(kind, str) or not isinstance(path, str):
        return change
    if path == _CREATED:
        return {**change, "old": record_1_to_2(kind, change.get("old")), "new": record_1_to_2(kind, change.get("new"))}
    return {
        **change,
        "old": map_enum_field(kind, path, change.get("old"), _code_of_schema1),
        "new": map_enum_field(kind, path, change.get("new"), _code_of_schema1),
    }


def file_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Every record table, the change history and the visit index of one data file."""
    out = dict(data)
    for table, docs in data.items():
        if not isinstance(docs, dict):
            continue
        if table in RECORD_TYPES:  # a record table is named by its kind
            out[table] = {k: record_1_to_2(table, d) for k, d in docs.items()}
        elif table == _CHANGES:
            out[table] = {k: change_1_to_2(c) for k, c in docs.items()}
        elif table == _VISIT_INDEX:
            out[table] = {k: record_1_to_2("visit", d) for k, d in docs.items()}
    return out


def file_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Nothing to rewrite: the fields schema 3 adds default to unknown."""
    return data


def file_3_to_4(data: dict[str, Any]) -> dict[str, Any]:
    """Nothing to rewrite: schema 4 adds the member roster (its own table),
    sector tags, key points attended, return visits, 整改报告 and the weak/lax
    procedure's fields, all defaulting to empty. The new number keeps an older
    program from opening, and on saving dropping, what it does not know."""
    return data


def file_4_to_5(data: dict[str, Any]) -> dict[str, Any]:
    """Nothing to rewrite: schema 5 adds two branch kinds (sector codes
    `mobile` and `joint`) and the checklist item field `roster_fact` in the
    checklist copies kept with visits. An older program would refuse those
    records one by one; the new number makes it refuse the folder instead."""
    return data


def file_5_to_6(data: dict[str, Any]) -> dict[str, Any]:
    """Nothing to rewrite: schema 6 keeps a visit's latest saves in a log
    beside its file (`inspector/store/files.py`). An older program would read
    the file without them and, saving it, write over them; the new number
    makes it refuse the folder instead."""
    return data


# A record or change of schema 2 to 6 needs no step (see `file_2_to_3` … `file_5_to_6`).
RECORD_STEPS: dict[int, Callable[[str, Any], Any]] = {1: record_1_to_2}
CHANGE_STEPS: dict[int, Callable[[Any], Any]] = {1: change_1_to_2}
FILE_STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: file_1_to_2,
    2: file_2_to_3,
    3: file_3_to_4,
    4: file_4_to_5,
    5: file_5_to_6,
}


def upgrade_record(kind: str, doc: Any, version: int) -> Any:
    """A record of schema `version` as the current schema stores it."""
    for step in sorted(s for s in RECORD_STEPS if s >= version):
        doc = RECORD_STEPS[step](kind, doc)
    return doc


def upgrade_change(change: Any, version: int) -> Any:
    for step in sorted(s for s in CHANGE_STEPS if s >= version):
        change = CHANGE_STEPS[step](change)
    return change
