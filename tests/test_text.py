"""The text policy: what users type or import is stored without what terminals act on."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from inspector.cli.common import json_bytes
from inspector.text import clean, show_controls

HOSTILE = {
    "escape sequence retitles the terminal": ("\x1b]0;evil\x07党支部", "]0;evil党支部"),
    "clear screen": ("\x1b[2J问题", "[2J问题"),
    "NUL": ("张\x00三", "张三"),
    "bidi override": ("付款\u202eexe.txt", "付款exe.txt"),
    "bidi isolate": ("\u2066名称\u2069", "名称"),
    "C1 control": ("a\x9bb", "ab"),
    "DEL": ("a\x7fb", "ab"),
    "lone surrogate": ("a\ud800b", "ab"),
}


def test_hostile_controls_are_removed_and_the_rest_kept():
    for name, (raw, stored) in HOSTILE.items():
        assert clean(raw) == stored, name


def test_markup_and_rare_characters_are_text_and_stay():
    for text in ("[/]问题", "[@click=app.quit]点我退出[/]", "[bold red]红", "𠮷野家", "👍🏽党员", "x" * 10_000):
        assert clean(text) == text


def test_single_line_fields_join_lines_multiline_fields_keep_them():
    assert clean("第一行\r\n第二行\t完") == "第一行 第二行 完"
    assert clean("第一行\r\n第二行\r第三行\u2028第四\t行", multiline=True) == "第一行\n第二行\n第三行\n第四 行"


def test_surrogate_pair_is_joined_into_its_character():
    assert clean("\ud842\udfb7") == "𠮷"


def test_controls_in_output_are_made_visible():
    assert show_controls("\x1b]0;x\x07名\u202e") == "\\x1b]0;x\\x07名\\u202e"
    assert show_controls("普通文字") == "普通文字"


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_nothing_a_terminal_acts_on(text):
    once = clean(text, multiline=True)
    assert clean(once, multiline=True) == once
    assert all(ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in once)
    assert "\u202e" not in once and "\x1b" not in once


def test_json_output_escapes_what_a_terminal_acts_on_whatever_its_shape():
    """Rows of plain texts skip the search of the whole output; any other shape is searched."""
    for data in (
        [{"a": "问题\u202e", "n": 1}],
        [{"a": "普通\n文字", "b": None}, {"a": "x\x85\u2028", "b": 2.5}],
        {"a": "\u2066名称\u2069"},
        [{"a": ["\x9b"]}],
        [{"a": "普通文字", "b": True}],
    ):
        out = json_bytes(data)
        assert orjson.loads(out) == data
        assert not {"\x7f", "\x85", "\x9b", "\u202e", "\u2028", "\u2066", "\u2069"} & set(out.decode()), data
