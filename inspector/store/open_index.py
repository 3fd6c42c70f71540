"""Open findings by branch, derived: what the calendar's deadlines need of a
county without reading and validating every finding of 2,000 branch files.

`<data>/cache/open.json` holds, for each branch, the signature (inode, mtime,
size) of the branch file its open findings were taken from, and those
findings as documents. It is a cache like the folder index (`index.py`): an
entry is believed only while its branch file still has that signature and
its documents validate, anything else is read from the branch file again,
and a missing, damaged or foreign file is rebuilt. Deleting it loses nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from inspector.models import SCHEMA_VERSION, Finding
from inspector.store.files import write_derived

SNAPSHOT = "open.json"
#: Bumped when an entry's shape changes: a file of another version is rebuilt.
_VERSION = 1
#: Stamped like every data file; a file of another schema is rebuilt, never migrated.
_META = {"1": {"schema": SCHEMA_VERSION}}

Sig = tuple[int, int, int]


@dataclass(slots=True)
class OpenEntry:
    """One branch's live findings not yet closed, as documents and (once validated) as Findings."""

    sig: Sig
    docs: list[dict[str, Any]]
    findings: list[Finding] | None = None


def load(cache: Path) -> dict[str, OpenEntry]:
    """The entries of `cache/open.json`; empty when it is absent, damaged or of another version."""
    try:
        raw = orjson.loads((cache / SNAPSHOT).read_bytes())
        if raw.get("version") != _VERSION or raw.get("_meta") != _META:
            return {}
        out = {}
        for bid, (sig, docs) in raw["branches"].items():
            a, b, c = sig
            if not isinstance(docs, list) or not all(type(d) is dict for d in docs):
                return {}
            out[str(bid)] = OpenEntry((int(a), int(b), int(c)), docs)
    except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return {}
    return out


def save(cache: Path, entries: dict[str, OpenEntry]) -> None:
    """Write `cache/open.json` (atomically, not synced: it is derived)."""
    payload = orjson.dumps(
        {
            "_meta": _META,
            "version": _VERSION,
            "branches": {bid: [e.sig, e.docs] for bid, e in entries.items()},
        }
    )
    with contextlib.suppress(OSError):
        write_derived(cache / SNAPSHOT, payload)
