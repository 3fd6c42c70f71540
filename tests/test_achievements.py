"""主要做法和成效: the rules of the field, the per-section phrases, and the editor in the app."""

from __future__ import annotations

import pytest
from test_memo_content import TEMPLATE, build
from test_snap_visit import no_blink

from inspector import achievements as ach
from inspector.documents import memo
from inspector.models import VisitStatus
from inspector.store import Store
from tests.visit_fixtures import make_app, pilot_test


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    build(Store(root, "测试员"), 5)
    return root


def test_lines_are_kept_cleaned_and_bounded(root):
    visit = Store(root, "测试员").visit("v-1", "b-1")
    saved = ach.edited(visit, "  学习计划制定早\u202e \n\n党员参学率高\t\n")
    assert saved.achievements == "学习计划制定早\n党员参学率高"
    with pytest.raises(ach.AchievementsInvalid, match="最多5条"):
        ach.edited(visit, "\n".join(f"第{n}条" for n in range(6)))
    with pytest.raises(ach.AchievementsInvalid, match="第2条超过500字"):
        ach.edited(visit, "好\n" + "长" * 501)
    with pytest.raises(ach.AchievementsInvalid, match="完成后"):
        ach.edited(visit.model_copy(update={"status": VisitStatus.DRAFT}), "好")


def test_every_section_of_the_shipped_checklists_has_phrases_in_its_own_words():
    from inspector.checklist import load_templates

    phrases = ach.section_phrases()
    for template in load_templates().templates.values():
        for section in template.sections:
            assert phrases.get(section.id), section.id
            for text in phrases[section.id]:
                assert not any(item.text in text for item in section.items), text
    # the same visit always gets the same phrase; visits differ
    assert ach.phrase("meetings", "v-1") == ach.phrase("meetings", "v-1")
    assert len({ach.phrase("meetings", f"v-{n}") for n in range(20)}) == len(phrases["meetings"])
    assert ach.phrase("no-such-section", "v-1") is None


def editor_app(root):
    from screens.visit import VisitScreen

    return make_app(root, lambda: VisitScreen("v-1", "b-1"))


async def open_editor(pilot):
    from screens.achievements import AchievementsEditor

    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, AchievementsEditor)
    return pilot.app.screen


@pilot_test
async def test_editor_starts_from_the_suggestion_and_saves_at_once(root):
    store = Store(root, "测试员")
    suggested = memo.suggest_achievements(memo.gather(store, store.visit("v-1", "b-1")))
    app = editor_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        area = editor.query_one("#achievements")
        assert area.text.split("\n") == [s.rstrip("。") for s in suggested]
        await pilot.press("escape")  # nothing typed: leaves at once, nothing saved
        await pilot.pause()
        assert not isinstance(pilot.app.screen, type(editor))
        assert store.visit("v-1", "b-1").achievements == ""
        editor = await open_editor(pilot)
        area = editor.query_one("#achievements")
        area.text = "学习教育计划制定早、安排实\n" + area.text.split("\n", 1)[1]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, type(editor))
    saved = store.visit("v-1", "b-1")
    assert saved.achievements.split("\n")[0] == "学习教育计划制定早、安排实"
    inputs = memo.gather(store, saved)
    assert memo.achievements(inputs)[0] == "学习教育计划制定早、安排实。"


@pilot_test
async def test_editor_refuses_a_sixth_line_and_keeps_the_text(root):
    app = editor_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#achievements").text = "\n".join(f"做法{n}" for n in range(6))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "最多5条" in str(editor.query_one("#achievements-error").render())
    assert Store(root, "测试员").visit("v-1", "b-1").achievements == ""


@pilot_test
async def test_a_draft_visit_does_not_open_the_editor(root):
    store = Store(root, "测试员")
    visit = store.visit("v-1", "b-1")
    store.save(visit.model_copy(update={"status": VisitStatus.DRAFT, "completed_at": None}), base=visit)
    app = editor_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert "完成后才能填写" in str(pilot.app.screen.query_one("#message").render())


def test_editor_snapshot(snap_compare, root):
    async def opened(pilot):
        await open_editor(pilot)
        await no_blink(pilot)

    assert snap_compare(editor_app(root), terminal_size=(80, 24), run_before=opened)


def test_template_sections_keep_their_ids():
    """The phrases are keyed by section id: a renamed section loses its phrase (this test names it)."""
    assert {s.id for s in TEMPLATE.sections} <= set(ach.section_phrases())


def test_a_weak_lax_criterion_and_members_out_of_reach_take_their_sections_out(tmp_path):
    store = Store(tmp_path / "w", "测试员")
    inputs = memo.gather(store, build(store, 4, weaklax=True))  # WL04 ticked, 口袋 and 失联 found
    suggested = memo.suggest_achievements(inputs)
    excluded = ach.contradicted(["WL04"], out_of_reach=True)
    assert {"meetings", "lessons", "membership", "member-problems"} <= excluded
    for sid in excluded:
        assert not any(a.startswith(p) for p in ach.section_phrases().get(sid, ()) for a in suggested), sid
    assert suggested  # sections not concerned still count


def test_an_open_finding_takes_out_the_sections_it_contradicts(root):
    """作风建设取得成效 does not sit next to an open finding that members harm the people's interests."""
    store = Store(root, "测试员")
    visit = store.visit("v-1", "b-1")
    before = memo.suggest_achievements(memo.gather(store, visit))
    duties = ach.section_phrases()["duties"]
    assert any(a.startswith(p) for p in duties for a in before)
    f = store.get(memo.Finding, "f-00", "b-1")
    store.save(f.model_copy(update={"id": "f-prob", "item_id": "PROB-03", "visit_id": "v-0"}))
    after = memo.suggest_achievements(memo.gather(store, visit))
    assert {"conduct", "duties"} <= ach.contradicted(["PROB-03"], out_of_reach=False)
    assert not any(a.startswith(p) for p in duties for a in after)
