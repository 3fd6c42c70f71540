"""Hostile text (markup, click actions, terminal escapes, bidi, NUL, 10,000
characters, 𠮷) typed or imported into every kind of record: stored clean,
shown literally on every screen, printed escaped by every listing."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Static

from inspector.checklist import load_templates
from inspector.cli import main as cli_main
from inspector.models import (
    Answer,
    AnswerValue,
    CriterionTick,
    Finding,
    PocketMember,
    WeakLaxDetermination,
)
from inspector.roster import read_roster
from inspector.store import Store
from tests.home_fixtures import wait_for
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, pilot_test, seed

CLOSE_ALL = "[/]问题"
CLICK_QUIT = "[@click=app.quit]点我退出[/]"
STYLED = "[bold red]红"
MARKUP = (CLOSE_ALL, CLICK_QUIT, STYLED)
TITLE_ESCAPE = "\x1b]0;evil\x07"
CLEAR_SCREEN = "\x1b[2J"
HOSTILE = f"{CLOSE_ALL}{TITLE_ESCAPE}{CLICK_QUIT}{CLEAR_SCREEN}\u202e{STYLED}\x00𠮷"
#: What the text policy keeps of HOSTILE: the markup as typed, no control.
KEPT = f"{CLOSE_ALL}]0;evil{CLICK_QUIT}[2J{STYLED}𠮷"
LONG = "长" * 10_000


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    store = Store(root, "测试员")
    branch = store.branch(BRANCH_ID)
    store.save(branch.model_copy(update={"name": f"{STYLED}{TITLE_ESCAPE}支部", "notes": HOSTILE + "\n" + LONG}))
    store.save(
        Finding(
            branch_id=BRANCH_ID,
            description=HOSTILE,
            found_on=date(2026, 11, 20),
            measures=LONG,
            responsible={"person": CLICK_QUIT},
        )
    )
    store.save(PocketMember(branch_id=BRANCH_ID, name=f"{CLOSE_ALL}张三\x00", notes=HOSTILE))
    visit = store.visit(VISIT_ID, BRANCH_ID)
    item = next(load_templates().templates["general"].items()).id
    store.save(
        visit.model_copy(
            update={
                "notes": {item: HOSTILE},
                "answers": {item: Answer(value=AnswerValue.NOT_MET, note=HOSTILE, evidence=LONG)},
            }
        )
    )
    store.save(
        WeakLaxDetermination(
            branch_id=BRANCH_ID,
            determined_on=date(2026, 11, 20),
            criteria=[CriterionTick(criterion_id="WL01", evidence=HOSTILE)],
            notes=HOSTILE,
        )
    )
    return root


def test_terminal_escapes_bidi_and_nul_were_stored_as_typed(root):
    store = Store(root, "x")
    (finding,) = store.findings(BRANCH_ID)
    assert finding.description == KEPT
    assert finding.responsible.person == CLICK_QUIT
    assert store.branch(BRANCH_ID).name == f"{STYLED}]0;evil支部"
    assert store.branch(BRANCH_ID).notes == KEPT + "\n" + LONG  # a multi-line field keeps its line break
    (member,) = store.pockets(BRANCH_ID)
    assert member.name == f"{CLOSE_ALL}张三"
    (det,) = store.weaklax(BRANCH_ID)
    assert det.criteria[0].evidence == KEPT and det.notes == KEPT
    answer = next(iter(store.visit(VISIT_ID, BRANCH_ID).answers.values()))
    assert answer.note == KEPT
    for path in root.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "\\u001b" not in text and "\\u0000" not in text and "\u202e" not in text, path


def test_ids_and_codes_are_not_cleaned():
    raw = {"branch_id": "b\x1b", "description": "x", "found_on": "2026-11-20", "status": "closed"}
    finding = Finding.model_validate(raw)
    assert finding.branch_id == "b\x1b" and finding.status == "closed"


def shown_text(screen) -> str:
    """Everything the screen's tables and text widgets hold, as plain text."""
    parts = []
    for table in screen.query(DataTable):
        for row_key in table.rows:
            parts.extend(str(cell) for cell in table.get_row(row_key))
    for static in screen.query(Static):
        parts.append(str(static.render()))
    return "\n".join(parts)


@pilot_test
async def test_stored_markup_crashed_or_ran_actions_on_every_screen(root):
    from screens.branch import BranchScreen
    from screens.conflicts import ConflictsScreen
    from screens.coverage import CoverageScreen
    from screens.ledger import LedgerScreen
    from screens.pockets import PocketScreen
    from screens.visit import VisitScreen
    from screens.weaklax import WeakLaxScreen
    from screens.weaklax_ledger import WeakLaxLedgerScreen

    app = make_app(root, lambda: BranchScreen(BRANCH_ID))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screens = [
            lambda: PocketScreen(BRANCH_ID),
            lambda: WeakLaxScreen(BRANCH_ID),
            lambda: VisitScreen(VISIT_ID, BRANCH_ID),
            lambda: LedgerScreen(app.ledger_source()),
            lambda: CoverageScreen(app.ledger_source()),
            WeakLaxLedgerScreen,
            ConflictsScreen,
        ]
        seen = {type(app.screen).__name__: shown_text(app.screen)}
        for make in screens:
            await app.push_screen(make())
            await pilot.pause()
            seen[type(app.screen).__name__] = shown_text(app.screen)
            await pilot.click(offset=(10, 10))  # a click on stored text runs nothing
            await pilot.pause()
            assert app.is_running and app.return_code is None, type(app.screen).__name__
        assert CLOSE_ALL in seen["BranchScreen"] and CLICK_QUIT in seen["BranchScreen"]
        assert f"{CLOSE_ALL}张三" in seen["PocketScreen"]
        assert STYLED in seen["WeakLaxScreen"] or KEPT in seen["WeakLaxScreen"]
        for text in seen.values():
            assert "\x1b" not in text and "\u202e" not in text


@pilot_test
async def test_roster_row_with_markup_crashed_the_preview(tmp_path):
    from screens.dialogs.roster import RosterDialog

    csv = f"支部名称,支部书记,备注\n{CLOSE_ALL}支部,{CLICK_QUIT},{STYLED}\n{TITLE_ESCAPE}第二支部,{'长' * 2001},\n"
    path = tmp_path / "名册.csv"
    path.write_text(csv, encoding="utf-8")
    seed(tmp_path / "data")
    app = make_app(tmp_path / "data", RosterDialog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#path").value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.preview is not None)
        assert app.is_running and app.screen is dialog
        text = shown_text(dialog)
        assert f"{CLOSE_ALL}支部" in text and CLICK_QUIT in text
        assert "第3行：支部书记超过 2000 字" in text
    preview = read_roster(path, [])
    assert preview.rows[0].record.secretary == CLICK_QUIT  # type: ignore[attr-defined]


def test_listings_printed_raw_escape_bytes(root, capsys):
    store = Store(root, "x")
    # Text stored before the policy, as another installation's bundle once carried it.
    shard_file = next(p for p in (root / "branches" / BRANCH_ID).glob("*.json") if "finding" in p.read_text())
    shard_file.write_text(shard_file.read_text().replace("问题", "问题\\u001b[2J\\u202e", 1), encoding="utf-8")
    del store
    for argv in (
        ["list", "branches"],
        ["list", "visits"],
        ["list", "findings"],
        ["list", "findings", "--json"],
        ["list", "branches", "--json"],
        ["conflicts"],
        ["check"],
    ):
        cli_main(["--data", str(root), *argv])
        out, err = capsys.readouterr()
        assert "\x1b" not in out and "\x1b" not in err and "\u202e" not in out, argv
        assert out, argv


@pilot_test
async def test_controls_typed_in_a_form_were_saved_silently(tmp_path):
    from screens.pockets import PocketEditor, PocketScreen
    from screens.widgets.literal import CLEANED_NOTICE

    seed(tmp_path / "data")
    app = make_app(tmp_path / "data", lambda: PocketScreen(BRANCH_ID))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, PocketEditor)
        editor.query_one("#name").value = f"张\x00三{TITLE_ESCAPE}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PocketEditor)
        assert any(n.message == CLEANED_NOTICE for n in app._notifications)
    (member,) = Store(tmp_path / "data", "x").pockets(BRANCH_ID)
    assert member.name == "张三]0;evil"


def test_history_values_from_a_bundle_were_stored_raw(tmp_path):
    """A bundle's change history (who, old and new values, the created record)
    is cleaned like every other imported text: the history view and the
    conflict list show it."""
    import hashlib
    import zipfile

    import orjson
    from sync_fixtures import bundle, new_store, seed

    from inspector.sync.merge import import_bundle

    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    finding = next(f for f in server.findings(ids["branch"]) if f.id == ids["f1"])
    server.save(finding.model_copy(update={"description": "三会一课记录缺两次"}))
    good = bundle(server, tmp_path, "good")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    name = next(n for n in members if n.startswith("branches/"))
    part = orjson.loads(members[name])
    for change in part["changes"]:
        change["who"] = HOSTILE
        if change["field"] == "description":
            change["old"] = change["new"] = HOSTILE
        elif change["field"] == "*" and change["kind"] == "finding":
            change["new"]["description"] = HOSTILE
    members[name] = orjson.dumps(part)
    hostile = tmp_path / "hostile.zip"
    manifest = orjson.loads(members.pop("manifest.json"))
    manifest["parts"][name] = {
        "sha256": hashlib.sha256(members[name]).hexdigest(),
        "size": len(members[name]),
    }
    with zipfile.ZipFile(hostile, "w") as zf:
        zf.writestr("manifest.json", orjson.dumps(manifest))
        for member, data in members.items():
            zf.writestr(member, data)

    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, hostile)
    stored = laptop.findings(ids["branch"])
    history = [c for f in stored for c in laptop.history(f)]
    assert history and {c.who for c in history} == {KEPT}
    described = [c for c in history if c.field == "description"]
    assert described and all(c.old == c.new == KEPT for c in described)
    created = [c.new["description"] for c in history if c.field == "*"]
    assert KEPT in created and all("\x1b" not in d and "\x00" not in d for d in created)
