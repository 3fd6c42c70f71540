"""Helpers for the sync tests: data folders with real records, and ways to compare them."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Any

from inspector.checklist import load_templates
from inspector.models import AnswerValue, Branch, Finding, PocketMember, Sector, VisitMethod
from inspector.store import Store
from inspector.store.core import BRANCH_TABLES
from inspector.store.files import read_json_file
from inspector.sync.merge import export_bundle
from inspector.visit import answer, start_visit


def new_store(tmp_path: Path, name: str, user: str) -> Store:
    return Store(tmp_path / name, user)


def seed(store: Store) -> dict[str, str]:
    """A branch with two findings, a pocket member and a visit with two answers."""
    branch = store.save(Branch(name="红星村党支部", sector=Sector.RURAL, secretary="李书记", members=31))
    f1 = store.save(
        Finding(
            branch_id=branch.id, description="三会一课记录不全", found_on=date(2026, 11, 2), deadline=date(2026, 12, 2)
        )
    )
    f2 = store.save(Finding(branch_id=branch.id, description="党费收缴不及时", found_on=date(2026, 11, 2)))
    pocket = store.save(PocketMember(branch_id=branch.id, name="赵某"))
    templates = load_templates().templates
    template = templates[sorted(templates)[0]]
    visit = start_visit(
        store, branch, template, on=date(2026, 11, 20), inspectors=["王干事"], methods=[VisitMethod.REVIEW_RECORDS]
    )
    items = [i.id for i in template.items()][:3]
    visit = answer(store, visit, items[0], AnswerValue.MET)
    visit = answer(store, visit, items[1], AnswerValue.NOT_MET, note="记录缺两次")
    return {"branch": branch.id, "f1": f1.id, "f2": f2.id, "pocket": pocket.id, "visit": visit.id, "item": items[2]}


def bundle(store: Store, tmp_path: Path, name: str, **kw: Any) -> Path:
    path = tmp_path / f"{name}.zip"
    export_bundle(store, path, **kw)
    return path


def records(store: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored record (tombstones too), keyed by (kind, id)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for bid in store.branch_ids():
        data = read_json_file(store.branch_dir(bid) / "branch.json") or {}
        for kind in BRANCH_TABLES:
            for doc in (data.get(kind) or {}).values():
                out[(kind, doc["id"])] = doc
        for vid in store.visit_ids(bid):
            vdata = read_json_file(store.branch_dir(bid) / "visits" / f"{vid}.json") or {}
            for doc in (vdata.get("visit") or {}).values():
                out[("visit", doc["id"])] = doc
    return out


def change_ids(store: Store) -> set[str]:
    out: set[str] = set()
    for bid in store.branch_ids():
        files = [store.branch_dir(bid) / "branch.json"]
        files += [store.branch_dir(bid) / "visits" / f"{v}.json" for v in store.visit_ids(bid)]
        for f in files:
            out |= {c["id"] for c in ((read_json_file(f) or {}).get("changes") or {}).values()}
    return out


def folder_state(root: Path) -> dict[str, str]:
    """Every file's SHA-256 and every folder, to prove a folder unchanged byte for byte."""
    out: dict[str, str] = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        out[f"dir:{rel}"] = ""
        for name in filenames:
            path = Path(dirpath) / name
            out[os.path.join(rel, name)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
