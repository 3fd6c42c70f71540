"""Shared fixtures: an isolated data folder and a fixed 'today'.

Every test runs with INSPECTOR_DATA pointing into its own tmp folder and
INSPECTOR_TODAY pinned, so no test touches a real data folder or depends on
the calendar.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from datetime import date

import pytest
from hypothesis import settings

# Property tests check results, not speed: on a loaded 2-core machine an
# example can take longer than hypothesis's 200 ms default without being wrong.
settings.register_profile("inspector", deadline=None)
settings.load_profile("inspector")

TODAY = date(2026, 11, 26)

# Test folders live in memory where Linux offers room for them (/dev/shm, a
# tmpfs; a container's is often 64 MB, less than a run writes): the store
# still calls fsync on every save, but waits for no disk. A TMPDIR the caller
# set is kept.
SHM_NEEDED = 1 << 30


def _roomy_shm() -> bool:
    try:
        return os.access("/dev/shm", os.W_OK) and shutil.disk_usage("/dev/shm").free >= SHM_NEEDED
    except OSError:
        return False


if "TMPDIR" not in os.environ and _roomy_shm():
    os.environ["TMPDIR"] = "/dev/shm"
    tempfile.tempdir = None  # computed again from TMPDIR on next use


def pytest_collection_finish(session):
    """Spare the collector the imported libraries and collect less often.

    The app tests make many short-lived objects; with CPython's default
    thresholds a full collection walks every imported module's objects again
    and again, about a tenth of an app test's CPU. Frozen objects are never
    freed; those frozen here (the modules imported and the tests collected)
    live to the end of the run anyway.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


@pytest.fixture(autouse=True)
def _isolate(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("INSPECTOR_TODAY", TODAY.isoformat())
    monkeypatch.setenv("INSPECTOR_USER", "测试员")
    monkeypatch.setenv("TEXTUAL_DISABLE_KITTY_KEY", "1")


@pytest.fixture(scope="session")
def libreoffice_profile(tmp_path_factory) -> str:
    """One LibreOffice user profile per test process, as a URI: a new one
    costs soffice ~0.4 s of CPU to set up on every start. Tests in one
    process run one at a time, so no two soffice share it at once."""
    return (tmp_path_factory.mktemp("libreoffice") / "profile").as_uri()


@pytest.fixture
def store(tmp_path):
    from inspector.store import Store

    return Store(tmp_path / "data", "测试员")
