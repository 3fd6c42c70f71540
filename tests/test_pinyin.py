"""Branch names sort by full pinyin, syllable by syllable, whether or not the full pinyin was saved."""

from __future__ import annotations

from inspector.models import Branch
from inspector.pinyin import full, sort_key
from inspector.store import Store

NAMES = ["北沟村党支部", "白坝村党支部", "北店村党支部", "柏岗村党支部"]
PINYIN_ORDER = ["白坝村党支部", "柏岗村党支部", "北店村党支部", "北沟村党支部"]


def test_full_pinyin_orders_syllables_not_initials():
    # By initials 白坝 (bb) and 北店 (bd) would come before 柏岗 (bg).
    assert sorted(NAMES, key=lambda n: sort_key(n, "")) == PINYIN_ORDER
    assert full("城关镇第1社区ABC") == "cheng guan zhen di 1 she qu abc"


def test_saved_branch_carries_its_full_pinyin_and_summaries_sort_by_it(tmp_path):
    store = Store(tmp_path / "d", "测试员")
    for name in NAMES:
        store.save(Branch(name=name))
    summaries = store.branch_summaries()
    assert {s.pinyin for s in summaries} == {full(n) for n in NAMES}
    assert [s.name for s in sorted(summaries, key=lambda s: sort_key(s.name, s.pinyin))] == PINYIN_ORDER


def test_spelling_each_word_once_gives_what_pypinyin_gives():
    from pypinyin import Style, lazy_pinyin

    from inspector.pinyin import initials

    # Polyphones whose reading depends on the word (长, 重, 行, 乐, 调, 朝), words met twice, other runs.
    names = [
        "重庆长安银行党支部",
        "银行行长党小组",
        "长春市长安区重庆路社区",
        "重新称重",
        "乐乐幼儿园音乐组",
        "调查调度中心",
        "朝阳区朝阳村",
        "城关镇第1社区ABC",
        "A2党支部",
        "",
        *NAMES,
    ]
    for name in names * 2:  # the second round is spelt from what the first remembered
        assert full(name) == " ".join(lazy_pinyin(name, errors="default")).lower()
        assert initials(name) == "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
        full.cache_clear()
        initials.cache_clear()
