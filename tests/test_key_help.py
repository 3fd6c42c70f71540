"""F1 says what every key does in a sentence: each binding id in screens/ has one."""

from __future__ import annotations

import ast
from pathlib import Path

from screens.key_sentences import SENTENCES, sentence

SCREENS = Path(__file__).resolve().parent.parent / "screens"


def _binding_ids() -> set[str]:
    ids = set()
    for path in SCREENS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
                for kw in node.keywords:
                    if kw.arg == "id" and isinstance(kw.value, ast.Constant):
                        ids.add(kw.value.value)
                    elif kw.arg == "id" and isinstance(kw.value, ast.JoinedStr):  # numbered twins: pick{n}
                        ids.add("".join(v.value for v in kw.value.values if isinstance(v, ast.Constant)) + "2")
    return ids


def test_every_binding_has_a_sentence_and_no_sentence_is_left_over():
    ids = _binding_ids()
    assert sorted(i for i in ids if not sentence(i)) == []
    assert sorted(set(SENTENCES) - {i.rstrip("0123456789") for i in ids} - ids) == []


def test_sentences_are_chinese_sentences():
    assert [k for k, s in SENTENCES.items() if not s.endswith("。") or s.count("（") != s.count("）")] == []


def test_the_answer_keys_each_say_their_answer():
    assert len({sentence(f"visit.{k}") for k in ("met", "partly_met", "not_met", "not_applicable")}) == 4
