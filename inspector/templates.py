"""The checklist a visit was walked with, from the snapshot stored when it started.

Its own module because the visit, weak/lax and follow-up rules and the memo all
need it, and the visit rules depend on the follow-up ones (`inspector/visit.py`).
"""

from __future__ import annotations

from inspector.checklist import ChecklistTemplate, template_from_snapshot
from inspector.errors import StoreError
from inspector.models import Visit
from inspector.store import Store


def template_of(store: Store, visit: Visit) -> ChecklistTemplate:
    """The checklist exactly as it was when the visit started."""
    snap = store.template_snapshot(visit.template_id, visit.template_version, visit.template_hash)
    if snap is None:
        raise StoreError(f"找不到该现场指导所用的检查清单版本：{visit.template_id} {visit.template_version}")
    return template_from_snapshot(snap)
