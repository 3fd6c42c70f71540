"""The shared dialogs: confirmation, one-line prompt, choice."""

from __future__ import annotations

from textual.app import App

from screens.dialogs.common import ChoiceDialog, ConfirmDialog, PromptDialog
from tests.home_fixtures import pilot_test


async def _ask(dialog, *keys):
    results = []
    app = App()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        still_open = app.screen is dialog
        error = str(dialog.query_one("#error").render()) if still_open and dialog.query("#error") else ""
    return results, still_open, error


@pilot_test
async def test_confirm_yes_no_and_escape():
    assert (await _ask(ConfirmDialog("删除这条记录？"), "y"))[0] == [True]
    assert (await _ask(ConfirmDialog("删除这条记录？"), "n"))[0] == [False]
    assert (await _ask(ConfirmDialog("删除这条记录？"), "escape"))[0] == [False]


@pilot_test
async def test_prompt_requires_text_and_returns_it_stripped():
    results, still_open, error = await _ask(PromptDialog("重新打开", "理由："), "enter")
    assert results == [] and still_open and error == "请填写后再确定。"
    results, _, _ = await _ask(PromptDialog("重新打开", "理由：", initial=" 补充材料 "), "enter")
    assert results == ["补充材料"]
    results, _, _ = await _ask(PromptDialog("重新打开", "理由："), "escape")
    assert results == [None]


@pilot_test
async def test_choice_by_number_arrow_or_escape():
    assert (await _ask(ChoiceDialog("排序", "按哪一列：", ["名称", "领域", "书记"]), "3"))[0] == [2]
    assert (await _ask(ChoiceDialog("排序", "按哪一列：", ["名称", "领域"]), "down", "enter"))[0] == [1]
    assert (await _ask(ChoiceDialog("排序", "按哪一列：", ["名称"]), "escape"))[0] == [None]
