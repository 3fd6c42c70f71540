"""Domain models: validation, enums, derived facts, and what is never collected."""

from __future__ import annotations

import re
import typing
from datetime import date

import pytest
from pydantic import BaseModel, ValidationError
from storage_samples import branch, finding, pocket, visit, weaklax

from inspector import labels, models
from inspector.models import (
    RECORD_TYPES,
    AnswerValue,
    Branch,
    Committee,
    Disposition,
    Finding,
    FindingCategory,
    FindingStatus,
    LegalTrack,
    Member,
    MemberKind,
    Sector,
    Severity,
    VisitStatus,
)


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_blank_names_are_refused(name):
    with pytest.raises(ValidationError):
        Branch(name=name)
    with pytest.raises(ValidationError):
        Committee(name=name)
    with pytest.raises(ValidationError):
        pocket("b", name=name)


def test_negative_counts_are_refused():
    with pytest.raises(ValidationError, match="members"):
        branch(members=-1)
    with pytest.raises(ValidationError, match="party_groups"):
        Branch(name="某党支部", party_groups=-1)
    with pytest.raises(ValidationError, match="letter_valid_days"):
        pocket("b", letter_valid_days=0)
    assert branch(members=0).members == 0


def test_deadline_before_found_on_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="整改时限不能早于发现日期"):
        finding("b", found_on=date(2026, 11, 20), deadline=date(2026, 11, 19))
    assert finding("b", found_on=date(2026, 11, 20), deadline=date(2026, 11, 20)).deadline == date(2026, 11, 20)
    assert finding("b", deadline=None).deadline is None


def test_empty_description_is_refused():
    with pytest.raises(ValidationError):
        finding("b", description="")


def test_overdue_days_is_derived_not_stored():
    f = finding("b", found_on=date(2026, 10, 1), deadline=date(2026, 11, 1))
    assert f.overdue_days(date(2026, 10, 31)) == 0
    assert f.overdue_days(date(2026, 11, 1)) == 0
    assert f.overdue_days(date(2026, 11, 26)) == 25
    assert f.model_copy(update={"status": FindingStatus.CLOSED}).overdue_days(date(2026, 11, 26)) == 0
    assert finding("b", deadline=None).overdue_days(date(2030, 1, 1)) == 0
    assert not any("overdue" in name for name in Finding.model_fields)


def test_stored_values_are_ascii_codes_and_users_see_the_chinese_labels():
    for enum in labels.VALUES:
        assert all(re.fullmatch(r"[a-z_]+", m.value) for m in enum), enum
        assert set(labels.VALUES[enum]) == set(enum), enum  # every member has its label
    assert [labels.label(s) for s in FindingStatus] == ["未启动", "整改中", "待验收", "已销号"]
    assert labels.labels(AnswerValue) == ["符合", "基本符合", "不符合", "不适用", "未到时间节点"]
    assert {
        "农村",
        "社区",
        "国有企业",
        "非公有制企业",
        "社会组织",
        "窗口单位/服务行业",
        "机关事业单位",
        "学校",
        "离退休",
        "流动党员",
        "联合党支部",
        "其他",
    } == set(labels.labels(Sector))
    assert labels.labels(FindingCategory)[:4] == ["思想", "组织", "作风", "纪律"]
    assert len(FindingCategory) == 9  # the four areas and the five member problem types
    assert set(labels.labels(MemberKind)) == {"口袋党员", "失联党员", "流动党员"}
    assert labels.labels(VisitStatus) == ["进行中", "已完成"]
    # Two enums share a code, each keeps its own label.
    assert labels.label(LegalTrack.SUSPENDED) != labels.label(Disposition.SUSPENDED)
    assert labels.parse(Severity, "严重") is labels.parse(Severity, "serious") is Severity.SERIOUS
    with pytest.raises(ValueError):
        labels.parse(Severity, "很严重")
    assert finding("b", status="awaiting_check").status is FindingStatus.AWAITING_CHECK
    with pytest.raises(ValidationError):
        finding("b", status="待验收")  # the label is what users see, never what is stored


def test_schema1_values_cover_every_code_once():
    """The frozen schema-1 spellings map one to one onto today's codes."""
    assert set(models.SCHEMA1_VALUES) == set(labels.VALUES)
    for enum, spelt in models.SCHEMA1_VALUES.items():
        assert set(spelt) == {m.value for m in enum}, enum
        assert len(set(spelt.values())) == len(spelt), enum


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        Branch(name="某党支部", id_card="110101199001011234")


def test_every_record_has_a_uuid_and_a_tombstone():
    made = [
        branch(),
        visit("b"),
        finding("b"),
        pocket("b"),
        weaklax("b"),
        Committee(name="某党委"),
        Member(branch_id="b", name="张三"),
    ]
    assert {type(r).kind for r in made} == set(RECORD_TYPES)
    for r in made:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", r.id)
        assert r.deleted is False
    assert branch().id != branch().id


ID_WORDS = re.compile(r"id_?card|id_?no|id_?number|national|identity|citizen|shenfen|sfz|passport", re.I)


def _all_models():
    seen: set[type] = set()
    todo = [obj for obj in vars(models).values() if isinstance(obj, type) and issubclass(obj, BaseModel)]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for f in cls.model_fields.values():
            for arg in typing.get_args(f.annotation) + (f.annotation,):
                for inner in (arg, *typing.get_args(arg)):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        todo.append(inner)
    return seen


def test_no_national_id_field_anywhere():
    found = _all_models()
    assert {"PocketMember", "Branch", "Finding", "Answer", "Plan4", "Responsibility"} <= {c.__name__ for c in found}
    for cls in found:
        for name, f in cls.model_fields.items():
            assert not ID_WORDS.search(name), f"{cls.__name__}.{name}"
            assert "身份证" not in (f.description or "") + (f.title or ""), f"{cls.__name__}.{name}"


def test_new_ids_are_version_4_uuids_as_text():
    import uuid

    ids = [models.new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for found in ids:
        parsed = uuid.UUID(found)
        assert (str(parsed), parsed.version, parsed.variant) == (found, 4, uuid.RFC_4122)
