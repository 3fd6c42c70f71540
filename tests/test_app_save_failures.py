"""Saves the system refuses, met in the app (points 4 and 5 of the hardening
issue): a read-only folder opens read-only with a banner and refuses each
edit with one line; a full disk or a refused file keeps the answer or note
typed, on screen and as a draft, and the app goes on."""

from __future__ import annotations

import errno
import os

import pytest

from inspector.models import AnswerValue
from inspector.store import Store, files
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def visit_app(root, **kw):
    from screens.visit import VisitScreen

    return make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID), **kw)


def on_disk(root):
    return Store(root, "检查").visit(VISIT_ID, BRANCH_ID)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def refuse_writes(monkeypatch, code: int, *, under: str = "branches") -> None:
    """Writes of files under `under` fail as the system would fail them:
    a whole file's (a temp file to rename) and a visit log's append."""
    real, real_append = files.synced_temp, files.append_record

    def refused(path, payload):
        if under in path.parts:
            raise files.save_error(OSError(code, os.strerror(code)), path)
        return real(path, payload)

    def refused_append(path, sig, end, payload):
        if under in path.parts:
            raise files.save_error(OSError(code, os.strerror(code)), path)
        return real_append(path, sig, end, payload)

    monkeypatch.setattr(files, "synced_temp", refused)
    monkeypatch.setattr(files, "append_record", refused_append)


@pilot_test
async def test_read_only_folder_killed_the_app_at_the_lock(root):
    before = on_disk(root)
    async with visit_app(root, read_only=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert "只读" in pilot.app.sub_title
        assert any("只读" in n.message for n in pilot.app._notifications)
        await pilot.press("1")
        await pilot.pause()
        message = text_of(screen, "#message")
        assert "只读" in message and "\n" not in message
        assert screen.visit.answers == before.answers  # refused, not kept as if given
        assert pilot.app.is_running
    assert on_disk(root) == before


@pilot_test
async def test_full_disk_lost_the_answer_and_note_typed(root, monkeypatch):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        first, second = (i.id for i in screen.items[:2])
        refuse_writes(monkeypatch, errno.ENOSPC)
        await pilot.press("1")  # refused: the cursor stays on the item
        await pilot.press("e", *"记录本缺两页", "enter")
        await pilot.pause()
        message = text_of(screen, "#message")
        assert "磁盘已满" in message and "\n" not in message and pilot.app.is_running
        # On screen: the answer and its note as typed, though neither is on disk.
        kept = screen.visit.answers[first]
        assert kept.value == AnswerValue.MET and kept.note == "记录本缺两页"
        assert first not in on_disk(root).answers
        # As a draft (the drafts folder could still be written here).
        draft = Store(root, "测试员").draft("visit", VISIT_ID)
        assert draft is not None and "记录本缺两页" in draft["fields"]["visit"]
        # Space again: the next answer saves everything kept along with it.
        monkeypatch.undo()
        await pilot.press("j", "2")
        await pilot.pause()
        stored = on_disk(root)
        assert stored.answers[first].value == AnswerValue.MET and stored.answers[first].note == "记录本缺两页"
        assert stored.answers[second].value == AnswerValue.PARTLY_MET
        assert Store(root, "测试员").draft("visit", VISIT_ID) is None


@pilot_test
async def test_unsaved_answer_kept_as_draft_is_saved_when_the_visit_opens_again(root, monkeypatch):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = pilot.app.screen.items[0].id
        refuse_writes(monkeypatch, errno.EACCES)
        await pilot.press("3")
        await pilot.pause()
        assert "没有权限" in text_of(pilot.app.screen, "#message")
    monkeypatch.undo()
    assert first not in on_disk(root).answers
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "已保存上次未能保存" in text_of(pilot.app.screen, "#message")
    assert on_disk(root).answers[first].value == AnswerValue.NOT_MET
    assert Store(root, "测试员").draft("visit", VISIT_ID) is None
