"""Point 10 of the hardening issue: a county bundle import held the folder's
lock throughout (25–50 s), so every other clerk's save waited and failed.
Here one process imports a bundle of many branches while another saves every
100 ms: no save may wait over 2 s (benchmarks/bench_import_lock.py measures
the 2,000-branch case)."""

from __future__ import annotations

from datetime import date

from sync_fixtures import records

from benchmarks.bench_import_lock import saves_during_import
from inspector.demo import generate
from inspector.store import Store
from inspector.sync.merge import export_bundle

BRANCHES = 20  # an import of about a second on an idle machine: several saves and turns of the lock


def test_bundle_import_held_the_lock_while_others_saved(tmp_path):
    county = Store(tmp_path / "county", "县委张")
    generate(county, BRANCHES, 1, today=date(2016, 12, 31))
    bundle = tmp_path / "county.zip"
    export_bundle(county, bundle)
    found = saves_during_import(tmp_path / "server", bundle)
    waits, report = found["waits"], found["report"]
    expected = records(county)
    assert report.totals()["added"] == len(expected) and report.lock_turns > 1
    # the saver saves every 100 ms: five or more saves ran beside a ~1 s import
    assert len(waits) >= 5 and max(waits) <= 2.0
    imported = records(Store(tmp_path / "server", "核对员"))
    assert {k: v for k, v in imported.items() if k in expected} == expected


def test_import_failing_midway_keeps_whole_branches_and_completes_when_run_again(tmp_path, monkeypatch):
    """A turn that fails after others committed: those branches stay, each
    whole; the error says so in one line; the same bundle brings in the rest."""
    import errno

    import pytest
    from sync_fixtures import change_ids, seed

    from inspector.errors import ImportInterrupted, SaveFailed
    from inspector.sync import merge

    server = Store(tmp_path / "server", "县委张")
    seed(server)
    seed(server)
    bundle = tmp_path / "two.zip"
    export_bundle(server, bundle)
    laptop = Store(tmp_path / "laptop", "王干事")
    monkeypatch.setattr(merge, "LOCK_TURN", 0.0)  # one branch a turn
    real, turns = Store.commit_staged, []

    def full_disk_on_second_turn(self, journals):
        turns.append(1)
        if len(turns) == 2:
            raise SaveFailed("磁盘已满，未能保存", errno.ENOSPC)
        return real(self, journals)

    monkeypatch.setattr(Store, "commit_staged", full_disk_on_second_turn)
    with pytest.raises(ImportInterrupted) as caught:
        merge.import_bundle(laptop, bundle)
    assert "2 个党支部中已导入 1 个" in str(caught.value) and "\n" not in str(caught.value)
    assert len(laptop.branch_ids()) == 1
    first = laptop.branch_ids()[0]
    assert {k: v for k, v in records(server).items() if k in records(laptop)} == records(laptop)
    assert len(laptop.visit_ids(first)) == len(server.visit_ids(first))
    monkeypatch.setattr(Store, "commit_staged", real)
    merge.import_bundle(laptop, bundle)
    assert records(laptop) == records(server)
    assert change_ids(laptop) >= change_ids(server)


def test_save_made_while_an_import_prepared_was_reverted(tmp_path, monkeypatch):
    """A clerk saves to a finding after the import planned it and before its
    turn of the lock: the turn sees the file changed and merges again, so
    both the clerk's field and the bundle's are kept."""
    from sync_fixtures import seed

    from inspector.models import Finding
    from inspector.sync import merge

    server = Store(tmp_path / "server", "县委张")
    ids = seed(server)
    laptop = Store(tmp_path / "laptop", "王干事")
    merge.import_bundle(laptop, _export(server, tmp_path / "first.zip"))
    finding = server.get(Finding, ids["f1"], ids["branch"])
    server.save(finding.model_copy(update={"description": "三会一课记录缺两次"}))
    bundle = _export(server, tmp_path / "second.zip")
    real, clerk = merge._stage, Store(tmp_path / "laptop", "李干事")

    def clerk_saves_first(store, plans, marks):
        if any(p.record_id == ids["f1"] for p in plans):
            monkeypatch.setattr(merge, "_stage", real)  # the clerk saves once
            mine = clerk.get(Finding, ids["f1"], ids["branch"])
            clerk.save(mine.model_copy(update={"progress": "已补记两次"}))
        real(store, plans, marks)

    monkeypatch.setattr(merge, "_stage", clerk_saves_first)
    merge.import_bundle(laptop, bundle)
    stored = laptop.get(Finding, ids["f1"], ids["branch"])
    assert stored.description == "三会一课记录缺两次" and stored.progress == "已补记两次"


def _export(store: Store, path):
    export_bundle(store, path)
    return path
