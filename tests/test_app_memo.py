"""Inspection memos from the app: from a completed visit, refused on a draft,
overwrite only when confirmed, and a batch from the branch screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from inspector.models import AnswerValue, Visit, VisitStatus
from inspector.store import Store
from inspector.visit import answer, applicable_items, finding_from_item, finish, template_of
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, pilot_test, seed

BRANCH_NAME = "城关镇第一社区党支部"


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def complete(root: Path, visit_id: str = VISIT_ID) -> Visit:
    """Answer every item (the first 不符合, with a finding) and finish the visit."""
    store = Store(root, "测试员")
    visit = store.visit(visit_id, BRANCH_ID)
    template, branch = template_of(store, visit), store.branch(BRANCH_ID)
    items = applicable_items(template, branch)
    visit = answer(store, visit, items[0].id, AnswerValue.NOT_MET)
    for item in items[1:]:
        visit = answer(store, visit, item.id, AnswerValue.MET)
    store.save(finding_from_item(visit, items[0]).model_copy(update={"description": "学习教育计划未报党委审核"}))
    return finish(store, visit, template, branch)


def second_visit(root: Path, on: date) -> str:
    """Another visit of the same branch (a copy of the first under a new id), still a draft."""
    store = Store(root, "测试员")
    first = store.visit(VISIT_ID, BRANCH_ID)
    copy = Visit.model_validate(
        {
            **first.model_dump(),
            "id": f"{VISIT_ID[:-2]}b{on.day % 10}",
            "date": on,
            "answers": {},
            "status": VisitStatus.DRAFT,
            "memos": [],
        }
    )
    return store.save(copy).id


def on_disk(root: Path, visit_id: str = VISIT_ID) -> Visit:
    return Store(root, "检查").visit(visit_id, BRANCH_ID)


def capture_notes(app) -> list[str]:
    """Messages the app shows as notifications (the full path of a memo is one)."""
    notes: list[str] = []
    original = app.notify

    def notify(message, **kwargs):
        notes.append(str(message))
        return original(message, **kwargs)

    app.notify = notify
    return notes


async def until(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the memo to be written")


def memo_title(path: Path) -> str:
    """The title lines of the memo (the paragraphs before the addressee line)."""
    lines = []
    for p in docx.Document(str(path)).paragraphs:
        if p.text.endswith("："):
            break
        lines.append(p.text)
    return "".join(lines).replace("\n", "")  # the title breaks between words, inside the branch name too


def screen_name(pilot) -> str:
    return type(pilot.app.screen).__name__


def visit_app(root):
    from screens.visit import VisitScreen

    return make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID))


@pilot_test
async def test_memo_from_a_completed_visit(root, tmp_path):
    complete(root)
    out = tmp_path / "反馈意见"  # does not exist yet: made on demand
    app = visit_app(root)
    notes = capture_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(pilot) == "PromptDialog"
        field = pilot.app.screen.query_one("#value")
        assert field.value == str(root.absolute() / "memos")  # the default, shown in full
        field.value = str(out)
        await pilot.press("enter")
        # The message follows the record on disk: wait for both.
        await until(
            pilot,
            lambda: (
                on_disk(root).memos
                and screen_name(pilot) == "VisitScreen"
                and str(pilot.app.screen.query_one("#message").render())
            ),
        )
        record = on_disk(root).memos[-1]
        path = Path(record.file)
        assert path.parent == out and path.suffix == ".docx"
        assert BRANCH_NAME in memo_title(path)
        assert any(str(path) in n for n in notes)
        assert str(path)[:20] in str(pilot.app.screen.query_one("#message").render())
        # the chosen folder is offered again next time
        await pilot.press("m")
        await pilot.pause()
        assert pilot.app.screen.query_one("#value").value == str(out)


@pilot_test
async def test_memo_refused_on_a_draft_visit(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(pilot) == "VisitScreen"  # no dialog
        message = str(pilot.app.screen.query_one("#message").render())
        assert "尚未完成，完成后才能生成反馈意见" in message
    assert not on_disk(root).memos
    assert not (root / "memos").exists()


@pilot_test
async def test_existing_file_is_replaced_only_when_confirmed(root):
    complete(root)
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m", "enter")  # default folder: <data>/memos
        await until(pilot, lambda: len(on_disk(root).memos) == 1 and screen_name(pilot) == "VisitScreen")
        path = Path(on_disk(root).memos[0].file)
        assert path.parent == root.absolute() / "memos"
        path.write_bytes(b"edited by hand")
        # declined: the file is left as it is and nothing new is recorded
        await pilot.press("m", "enter")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog")
        assert str(path.name)[:10] in str(pilot.app.screen.query_one("#message").render())
        await pilot.press("n")
        await until(pilot, lambda: screen_name(pilot) == "VisitScreen")
        assert path.read_bytes() == b"edited by hand"
        assert len(on_disk(root).memos) == 1
        # confirmed: replaced by a real memo, recorded a second time
        await pilot.press("m", "enter")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog")
        await pilot.press("y")
        await until(pilot, lambda: len(on_disk(root).memos) == 2 and screen_name(pilot) == "VisitScreen")
        assert BRANCH_NAME in memo_title(path)
        assert on_disk(root).memos[1].file == str(path)


@pilot_test
async def test_branch_screen_writes_every_completed_visit_without_a_current_memo(root, tmp_path):
    from screens.branch import BranchScreen

    complete(root)
    later = second_visit(root, date(2026, 11, 24))
    complete(root, later)
    draft = second_visit(root, date(2026, 11, 25))
    out = tmp_path / "out"
    app = make_app(root, lambda: BranchScreen(BRANCH_ID))
    notes = capture_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert screen_name(pilot) == "PromptDialog"
        pilot.app.screen.query_one("#value").value = str(out)
        await pilot.press("enter")
        await until(pilot, lambda: len(list(out.glob("*.docx"))) == 2 and screen_name(pilot) == "BranchScreen")
        assert len(on_disk(root).memos) == 1 and len(on_disk(root, later).memos) == 1
        assert not on_disk(root, draft).memos
        assert any(f"已生成 2 份，保存在：{out}" in n for n in notes)
        # again: both are current, nothing is rewritten
        await pilot.press("a", "enter")
        await until(pilot, lambda: screen_name(pilot) == "BranchScreen" and any("2 份已是最新" in n for n in notes))
        assert len(on_disk(root).memos) == 1 and len(on_disk(root, later).memos) == 1
        # `m` with the visit list focused writes the highlighted visit; the newest (a draft) is refused
        assert pilot.app.screen.query_one("#visits").has_focus
        await pilot.press("m")
        await pilot.pause()
        assert screen_name(pilot) == "BranchScreen"
        assert any("所选的现场指导（2026-11-25）尚未完成" in n for n in notes)
        await pilot.press("down", "m")
        await pilot.pause()
        assert pilot.app.screen.query_one("#value").value == str(out)  # the folder chosen before
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog")  # its file is there already
        await pilot.press("y")
        await until(pilot, lambda: len(on_disk(root, later).memos) == 2 and screen_name(pilot) == "BranchScreen")
        assert len(on_disk(root).memos) == 1


@pilot_test
async def test_help_lists_the_memo_keys(root):
    from screens.branch import BranchScreen
    from screens.dialogs.help import bindings_of

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ("m", "生成本次现场指导的反馈意见草稿（Word 公文）。") in bindings_of(pilot.app.screen)
    async with make_app(root, lambda: BranchScreen(BRANCH_ID)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = dict((desc, key) for key, desc in bindings_of(pilot.app.screen))
        assert keys["生成所选（或最近一次）已完成现场指导的反馈意见。"] == "m"
        assert keys["为本支部尚无最新反馈意见的全部已完成现场指导生成反馈意见。"] == "a"
