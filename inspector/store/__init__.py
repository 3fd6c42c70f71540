"""The data folder: the only code that knows the file format.

`files` holds the atomic TinyDB storage, the lock and the journal; `changes`
the field-level history; `core` the `Store` with its shards, caches and read
models; `check` the read-only integrity check. Everything else asks `Store`.
"""

from inspector.errors import EditConflict, NotFound
from inspector.store.core import BranchData, BranchRecords, Clash, Store, VisitEntry, validation_message
from inspector.store.index import BranchSummary, IssuedMemo, PocketFact

__all__ = [
    "BranchData",
    "BranchRecords",
    "BranchSummary",
    "Clash",
    "EditConflict",
    "IssuedMemo",
    "NotFound",
    "PocketFact",
    "Store",
    "VisitEntry",
    "validation_message",
]
