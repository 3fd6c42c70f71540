"""Checklist templates (检查清单) and 软弱涣散 criteria: models, loading, snapshots.

Templates are TOML data. Sources, later ones override earlier ones by template
id: the files shipped in the ``checklists`` package, then every directory the
caller passes (``<data>/checklists/``, then ``--checklists DIR``). The file
named ``weaklax.toml`` in any of these places holds 软弱涣散 criteria, not a
template; criteria override one another by criterion id.

A malformed file never stops the others from loading: every problem becomes a
:class:`ChecklistError`, which renders as one line in Chinese naming the file,
the line, the item and the field.

This module must stay free of any textual import and cheap to import.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from inspector import labels
from inspector.models import SCHEMA1_VALUES, AnswerValue, FindingCategory, Sector, Severity, VisitMethod
from inspector.settings import SETTING_DEFAULTS

__all__ = [
    "PLAN_SECTIONS",
    "SETTING_DEFAULTS",
    "SNAPSHOT_FORMAT",
    "SOURCES_FILE",
    "WEAKLAX_FILE",
    "ChecklistError",
    "ChecklistTemplate",
    "Item",
    "LoadResult",
    "RosterFact",
    "RuleSource",
    "Section",
    "WeakLaxCriterion",
    "category_problems",
    "citation_problems",
    "citation_text",
    "cited_on",
    "load_sources",
    "load_templates",
    "load_weaklax_criteria",
    "pick_template",
    "template_from_snapshot",
    "template_snapshot",
    "with_settings",
]

#: Sections of the 2016 plan that an item may cite (``basis``), with their titles.
PLAN_SECTIONS: dict[str, str] = {
    "一": "总体要求",
    "二、1": "学党章党规",
    "二、2": "学系列讲话",
    "二、3": "做合格党员",
    "三、1": "围绕专题学习讨论",
    "三、2": "创新方式讲党课",
    "三、3": "召开党支部专题组织生活会",
    "三、4": "开展民主评议党员",
    "三、5": "立足岗位作贡献",
    "三、6": "领导机关领导干部作表率",
    "四、1": "层层落实责任",
    "四、2": "强化组织保障",
    "四、3": "注重分类指导",
    "四、4": "发挥媒体作用",
}
_PLAN_SECTIONS_HINT = "应为 一、二、1–3、三、1–6、四、1–4 之一"

#: File name reserved for 软弱涣散 criteria in every checklist directory.
WEAKLAX_FILE = "weaklax.toml"
#: File name reserved for the dated rule sources items and criteria cite.
SOURCES_FILE = "sources.toml"
SETTING_PLACEHOLDERS = tuple(SETTING_DEFAULTS)
#: Version of the snapshot layout written by :func:`template_snapshot`.
SNAPSHOT_FORMAT = 1
_SHIPPED_PACKAGE = "checklists"

Requirement = Literal["", "leading_cadres", "party_groups", "members_7plus"]
AnswerKind = Literal["graded", "yesno"]
#: Whom a template checks: a branch on a visit, or the committee's own duties (plan 四、1 and 四、2).
Scope = Literal["branch", "committee"]
_REQUIREMENTS: tuple[str, ...] = ("", "leading_cadres", "party_groups", "members_7plus")
#: What the branch's 党员花名册 says beside an item during a visit (`inspector/roster_checks.py`), or "".
RosterFact = Literal["", "participation", "talks", "appraisal", "dues"]
_ANSWER_KINDS: tuple[str, ...] = ("graded", "yesno")

_ITEM_ID = r"^[A-Z]+-[0-9]{2}$"
_SLUG_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_CRITERION_ID = r"^[A-Z]{2,4}[0-9]{2}$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ItemId = Annotated[str, StringConstraints(pattern=_ITEM_ID)]
SlugId = Annotated[str, StringConstraints(pattern=_SLUG_ID)]
CriterionId = Annotated[str, StringConstraints(pattern=_CRITERION_ID)]


def _check_basis(value: str, *, allow_empty: bool) -> str:
    value = value.strip()
    if value == "" and allow_empty:
        return value
    if value not in PLAN_SECTIONS:
        raise PydanticCustomError(
            "plan_section",
            "「{value}」不是方案中的章节（{hint}）",
            {"value": value, "hint": _PLAN_SECTIONS_HINT},
        )
    return value


def _from_label(enum: type[Any]) -> Callable[[Any], Any]:
    """A before-validator: checklists name enum values by their Chinese label
    (the TOML files and schema-1 snapshots); codes are taken as they are."""

    def convert(value: Any) -> Any:
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, str):
            try:
                return labels.parse(enum, value)
            except ValueError:
                return value  # left for the enum check to report
        return value

    return convert


def _no_duplicates(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise PydanticCustomError("duplicate_value", "「{value}」重复", {"value": str(v)})
        seen.add(v)
    return values


def _known_sources(v: list[str], info: ValidationInfo) -> list[str]:
    """A field validator: cited source ids must be in the sources list being loaded (not checked on snapshots)."""
    known = (info.context or {}).get("source_ids")
    for sid in _no_duplicates(v):
        if known is not None and sid not in known:
            raise PydanticCustomError(
                "unknown_source", "「{value}」不是依据清单（sources.toml）中的依据", {"value": sid}
            )
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Item(_Model):
    """One checkable point of a template."""

    id: ItemId
    text: Text
    #: The shortfall stated as a problem (未按季度召开支部党员大会): what a finding
    #: made from this item says before the observed fact; the text is its basis.
    problem: str = ""
    check: Text
    methods: list[VisitMethod] = Field(min_length=1)
    basis: str
    #: Free-text source (a committee's own, or a checklist from before `cites`).
    source: str = ""
    #: Ids of the dated sources (`RuleSource`) beyond the plan the item rests on.
    cites: list[str] = Field(default_factory=list)
    sectors: list[Sector] = Field(default_factory=list)
    #: Branches of these kinds get the plan's 四、3 relief (retired and frail members
    #: take part "in a suitable way"): the item is not asked of them; an item naming
    #: them in `sectors` asks what they do instead.
    relief: list[Sector] = Field(default_factory=list)
    requires: Requirement = ""
    answer: AnswerKind = "graded"
    severity: Severity = Severity.MINOR
    category: FindingCategory
    weaklax: str = ""
    local: StrictBool = False
    #: MM-DD in the campaign year by which the duty falls due (七一 lesson,
    #: year-end meetings); before it the duty is not yet a shortfall.
    due: str = ""
    #: The roster fact shown beside the item: the committee's checklist, not the code, ties them.
    roster_fact: RosterFact = ""

    @field_validator("basis")
    @classmethod
    def _basis(cls, v: str) -> str:
        return _check_basis(v, allow_empty=False)

    _methods_label = field_validator("methods", mode="before")(_from_label(VisitMethod))
    _sectors_label = field_validator("sectors", "relief", mode="before")(_from_label(Sector))
    _severity_label = field_validator("severity", mode="before")(_from_label(Severity))
    _category_label = field_validator("category", mode="before")(_from_label(FindingCategory))

    @field_validator("text", "problem")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        for name in re.findall(r"\{(\w*)\}", v):
            if name not in SETTING_PLACEHOLDERS:
                raise PydanticCustomError(
                    "placeholder",
                    "「{{{value}}}」不是可用的设置项（可用：{allowed}）",
                    {"value": name, "allowed": "、".join(SETTING_PLACEHOLDERS)},
                )
        return v

    @field_validator("due")
    @classmethod
    def _due(cls, v: str) -> str:
        if v == "":
            return v
        m = re.fullmatch(r"(\d{2})-(\d{2})", v)
        try:
            if m is None:
                raise ValueError
            date(2016, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a real day
        except ValueError:
            raise PydanticCustomError("due_date", "「{value}」不是有效的月-日（如 07-31）", {"value": v}) from None
        return v

    @field_validator("methods", "sectors", "relief")
    @classmethod
    def _unique(cls, v: list[Any]) -> list[Any]:
        return _no_duplicates(v)

    _cites = field_validator("cites")(_known_sources)

    @field_validator("weaklax")
    @classmethod
    def _weaklax(cls, v: str, info: ValidationInfo) -> str:
        if v == "":
            return v
        if not re.match(_CRITERION_ID, v):
            raise PydanticCustomError(
                "criterion_id", "「{value}」格式不正确（应为如 WL04 的认定标准编号）", {"value": v}
            )
        known = (info.context or {}).get("weaklax_ids")
        if known is not None and v not in known:
            raise PydanticCustomError("unknown_criterion", "「{value}」不是已定义的软弱涣散认定标准", {"value": v})
        return v

    @property
    def allowed_answers(self) -> tuple[AnswerValue, ...]:
        """Answers the inspector may give to a duty that is due: graded items allow 基本符合, yes/no items do not."""
        if self.answer == "yesno":
            return (AnswerValue.MET, AnswerValue.NOT_MET, AnswerValue.NOT_APPLICABLE)
        return (AnswerValue.MET, AnswerValue.PARTLY_MET, AnswerValue.NOT_MET, AnswerValue.NOT_APPLICABLE)

    def is_due(self, on: date) -> bool:
        """Whether a time-bound duty (七一 lesson, year-end meetings) had fallen due by `on`."""
        if not self.due:
            return True
        month, day = map(int, self.due.split("-"))
        return on >= date(on.year, month, day)

    def answers_on(self, on: date) -> tuple[AnswerValue, ...]:
        """Answers allowed on a visit dated `on`: before its due date a duty can
        also be 未到时间节点, which is neither met nor a shortfall."""
        return self.allowed_answers if self.is_due(on) else (*self.allowed_answers, AnswerValue.NOT_DUE)

    def applies_to(
        self,
        sector: Sector | str | Iterable[Sector | str],
        has_leading_cadres: bool = False,
        members: int = 0,
        party_groups: int = 0,
    ) -> bool:
        """Whether the item applies to a branch with these characteristics.

        A branch may carry several sector tags (a 卫生院 is 窗口单位 and 事业单位):
        a sector-bound item applies when any of them is named. `members` counts
        正式党员 only (a branch of 7 or more full members has a 支委会). An item
        relieved for one of the tags (`relief`) is not asked."""
        tags = {Sector(sector)} if isinstance(sector, str) else {Sector(s) for s in sector}
        if self.sectors and not tags & set(self.sectors):
            return False
        if tags & set(self.relief):
            return False
        if self.requires == "leading_cadres":
            return has_leading_cadres
        if self.requires == "party_groups":
            return party_groups > 0
        if self.requires == "members_7plus":
            return members >= 7
        return True


class Section(_Model):
    id: SlugId
    title: Text
    basis: str = ""
    description: str = ""
    items: list[Item] = Field(min_length=1)

    @field_validator("basis")
    @classmethod
    def _basis(cls, v: str) -> str:
        return _check_basis(v, allow_empty=True)


class ChecklistTemplate(_Model):
    """A versioned checklist. In TOML the scalar fields sit in ``[template]``."""

    id: SlugId
    version: Text
    title: Text
    sectors: list[Sector] = Field(default_factory=list)
    description: str = ""
    scope: Scope = "branch"
    sections: list[Section] = Field(min_length=1)

    _index: dict[str, Item] = PrivateAttr(default_factory=dict)
    _sections: dict[str, Section] = PrivateAttr(default_factory=dict)
    _hash: str = PrivateAttr(default="")
    #: The template as written, {settings} unfilled, when this one was filled in by `with_settings`.
    _unfilled: ChecklistTemplate | None = PrivateAttr(default=None)

    _sectors_label = field_validator("sectors", mode="before")(_from_label(Sector))

    @field_validator("sectors")
    @classmethod
    def _unique(cls, v: list[Sector]) -> list[Sector]:
        return _no_duplicates(v)

    @model_validator(mode="after")
    def _cross_checks(self) -> ChecklistTemplate:
        section_ids: dict[str, int] = {}
        item_ids: dict[str, tuple[int, int]] = {}
        for si, section in enumerate(self.sections):
            if section.id in section_ids:
                raise PydanticCustomError(
                    "duplicate_section",
                    "章节编号 {value} 重复",
                    {
                        "value": section.id,
                        "at": ("sections", si, "id"),
                        "first": ("sections", section_ids[section.id], "id"),
                    },
                )
            section_ids[section.id] = si
            for ii, item in enumerate(section.items):
                if item.id in item_ids:
                    fs, fi = item_ids[item.id]
                    raise PydanticCustomError(
                        "duplicate_item",
                        "条目编号 {value} 重复",
                        {
                            "value": item.id,
                            "at": ("sections", si, "items", ii, "id"),
                            "first": ("sections", fs, "items", fi, "id"),
                        },
                    )
                item_ids[item.id] = (si, ii)
                if self.sectors:
                    for k, s in enumerate(item.sectors):
                        if s not in self.sectors:
                            raise PydanticCustomError(
                                "sector_outside_template",
                                "「{value}」不在模板的适用领域（{allowed}）内",
                                {
                                    "value": labels.label(s),
                                    "allowed": "、".join(labels.label(x) for x in self.sectors),
                                    "at": ("sections", si, "items", ii, "sectors", k),
                                },
                            )
        return self

    def model_post_init(self, __context: Any) -> None:
        self._index = {item.id: item for item in self.items()}
        self._sections = {item.id: section for section in self.sections for item in section.items}
        canonical = json.dumps(
            _schema1_form(self.model_dump(mode="json")), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        self._hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def __eq__(self, other: object) -> bool:
        """Same content, whatever was filled in to get it (see `with_settings`)."""
        return isinstance(other, ChecklistTemplate) and other._hash == self._hash

    def __hash__(self) -> int:
        return hash(self._hash)

    @property
    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of the validated content, enum
        values spelt as schema 1 stored them so a template's hash never changes.

        Computed at validation; build changed templates with model_validate, not model_copy(update=...).
        """
        return self._hash

    def items(self) -> Iterator[Item]:
        """All items, in template order."""
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError if the template has none."""
        return self._index[item_id]

    def section_of(self, item_id: str) -> Section:
        """The section holding an item; KeyError if the template has none."""
        return self._sections[item_id]

    def applicable_items(
        self,
        sector: Sector | str | Iterable[Sector | str],
        has_leading_cadres: bool = False,
        members: int = 0,
        party_groups: int = 0,
    ) -> list[Item]:
        """Items that apply to a branch of these sectors and make-up, in order."""
        tags = [Sector(sector)] if isinstance(sector, str) else [Sector(s) for s in sector]
        return [i for i in self.items() if i.applies_to(tags, has_leading_cadres, members, party_groups)]


SourceKind = Literal["rule", "practice", "local"]
_MONTH = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"


def _month_or_day(text: str) -> date:
    """2016-05 (a month: its first day) or 2016-05-06."""
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


class RuleSource(_Model):
    """A rule an item or criterion cites (党章第九条, the 2016 排查 notice), with
    the dates it was in force, so that a visit cites what applied on its day.

    Rules carry the date they took effect (a month when the day is not known)
    and, once replaced, the date and the source that replaced them; common and
    local practice has no date of its own."""

    id: SlugId
    title: Text
    kind: SourceKind = "rule"
    effective: Annotated[str, StringConstraints(pattern=_MONTH)] | Literal[""] = ""
    replaced_on: Annotated[str, StringConstraints(pattern=_MONTH)] | Literal[""] = ""
    replaced_by: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _dates(self) -> RuleSource:
        for name in ("effective", "replaced_on"):
            value = getattr(self, name)
            try:
                if value:
                    _month_or_day(value)
            except ValueError:
                raise PydanticCustomError(
                    "source_date", "「{value}」不是有效的日期", {"value": value, "at": (name,)}
                ) from None
        if self.kind == "rule" and not self.effective:
            raise PydanticCustomError("source_date", "法规依据须填写施行日期 effective", {"at": ("effective",)})
        if bool(self.replaced_on) != bool(self.replaced_by):
            raise PydanticCustomError("source_date", "replaced_on 与 replaced_by 须同时填写", {"at": ("replaced_by",)})
        return self

    @property
    def starts(self) -> date | None:
        return _month_or_day(self.effective) if self.effective else None

    @property
    def ends(self) -> date | None:
        return _month_or_day(self.replaced_on) if self.replaced_on else None

    def in_force(self, on: date) -> bool:
        return (self.starts is None or self.starts <= on) and (self.ends is None or on < self.ends)


def cited_on(cites: Sequence[str], on: date, sources: Mapping[str, RuleSource]) -> list[RuleSource]:
    """The sources in force on `on` for these citations: a replaced source gives
    way to its successor, one not yet in force to its predecessor, else to
    nothing (an item citing the 2016 排查 notice cites only the 党章 before 2016-05)."""
    out: list[RuleSource] = []
    for sid in cites:
        source = sources.get(sid)
        seen: set[str] = set()
        while source is not None and source.id not in seen and not source.in_force(on):
            seen.add(source.id)
            ends, starts = source.ends, source.starts
            if ends is not None and on >= ends:
                source = sources.get(source.replaced_by)
            elif starts is not None and on < starts:
                source = next((s for s in sources.values() if s.replaced_by == source.id), None)
            else:
                source = None
        if source is not None and source.in_force(on) and source not in out:
            out.append(source)
    return out


def citation_text(cites: Sequence[str], free: str, on: date, sources: Mapping[str, RuleSource]) -> str:
    """What an item or criterion cites on `on`, as one line: the dated sources in
    force then, and any free-text source (a committee's own, or an old snapshot's)."""
    titles = [s.title for s in cited_on(cites, on, sources)]
    return "；".join([*titles, *([free] if free else [])])


class WeakLaxCriterion(_Model):
    """One criterion for determining a 软弱涣散 organisation."""

    id: CriterionId
    text: Text
    source: str = ""
    #: Ids of the dated sources (`RuleSource`) the criterion rests on.
    cites: list[str] = Field(default_factory=list)
    local: StrictBool = False
    #: Id of the central criterion this local, quantified test makes concrete.
    refines: str = ""
    #: Sectors the criterion applies to (empty: all); types 5–9 of the list are for villages and communities.
    sectors: list[Sector] = Field(default_factory=list)

    _sectors_label = field_validator("sectors", mode="before")(_from_label(Sector))
    _cites = field_validator("cites")(_known_sources)

    def applies_to(self, sectors: Iterable[Sector]) -> bool:
        return not self.sectors or bool(set(self.sectors) & set(sectors))


class _SourcesFile(_Model):
    version: str = ""
    title: str = ""
    description: str = ""
    sources: list[RuleSource] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self) -> _SourcesFile:
        seen: dict[str, int] = {}
        for k, c in enumerate(self.sources):
            if c.id in seen:
                raise PydanticCustomError(
                    "duplicate_item",
                    "依据编号 {value} 重复",
                    {"value": c.id, "at": ("sources", k, "id"), "first": ("sources", seen[c.id], "id")},
                )
            seen[c.id] = k
        return self


class _WeakLaxFile(_Model):
    version: str = ""
    title: str = ""
    description: str = ""
    criteria: list[WeakLaxCriterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> _WeakLaxFile:
        seen: dict[str, int] = {}
        for k, c in enumerate(self.criteria):
            if c.id in seen:
                raise PydanticCustomError(
                    "duplicate_item",
                    "认定标准编号 {value} 重复",
                    {"value": c.id, "at": ("criteria", k, "id"), "first": ("criteria", seen[c.id], "id")},
                )
            seen[c.id] = k
        known = set(seen) | set((info.context or {}).get("known_ids", ()))
        for k, c in enumerate(self.criteria):
            if c.refines and c.refines not in known:
                raise PydanticCustomError(
                    "unknown_criterion",
                    "「{value}」不是已定义的软弱涣散认定标准",
                    {"value": c.refines, "at": ("criteria", k, "refines")},
                )
        return self


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class ChecklistError:
    """One problem in one checklist file; ``str()`` gives one line in Chinese."""

    file: str
    message: str  # the whole sentence after the location, e.g. 条目 X 的字段 basis 无效：…
    line: int | None = None
    item: str | None = None  # item or criterion id, when the problem is inside one
    field: str | None = None
    code: str = "invalid"  # syntax | encoding | io | missing | unknown_field | invalid | empty | duplicate

    def __str__(self) -> str:
        where = f"{self.file} 第{self.line}行" if self.line else self.file
        return f"{where}：{self.message}"


@dataclass
class LoadResult:
    templates: dict[str, ChecklistTemplate] = field(default_factory=dict)
    #: Templates of the committee's own duties (scope = "committee"): never used for a branch visit.
    committee: dict[str, ChecklistTemplate] = field(default_factory=dict)
    errors: list[ChecklistError] = field(default_factory=list)
    #: The 软弱涣散 criteria the templates were validated against.
    criteria: list[WeakLaxCriterion] = field(default_factory=list)
    #: Dated rule sources by id (`sources.toml`), for citing by visit date.
    sources: dict[str, RuleSource] = field(default_factory=dict)
    #: Template id → the file it was finally loaded from.
    origins: dict[str, str] = field(default_factory=dict)


_TOML_MESSAGES: tuple[tuple[str, str], ...] = (
    ("Invalid value", "值无效（字符串须用英文双引号括起，布尔值写 true 或 false）"),
    ("Expected '=' after a key", "键名后缺少等号「=」"),
    ("Cannot overwrite a value", "同一个键重复赋值"),
    ("Cannot declare", "同一个表重复声明"),
    ("Unclosed array", "数组缺少右方括号「]」"),
    ("Unclosed inline table", "内联表缺少右花括号「}」"),
    ("Unterminated string", "字符串缺少结束引号"),
    ("Illegal character", "字符串中有非法字符（可能缺少结束引号）"),
    ("Invalid statement", "无法识别的语句"),
    ("Expected newline or end of document", "一行只能写一个键值对"),
    ("Invalid initial character for a key part", "键名无效"),
    ("Expected ']' at the end of a table declaration", "表头缺少右方括号「]」"),
    ("Expected ']]' at the end of an array declaration", "表头缺少「]]」"),
)
_TOML_POS = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")

_TYPE_NAMES = {
    "string_type": "应为字符串（用英文双引号括起）",
    "bool_type": "应为布尔值 true 或 false",
    "list_type": '应为数组，如 ["…"]',
    "model_type": "应为表",
    "model_attributes_type": "应为表",
    "dict_type": "应为表",
    "int_type": "应为整数",
}
_ENUM_FIELDS: dict[str, tuple[str, ...]] = {
    "methods": tuple(labels.labels(VisitMethod)),
    "sectors": tuple(labels.labels(Sector)),
    "severity": tuple(labels.labels(Severity)),
    "category": tuple(labels.labels(FindingCategory)),
    "requires": _REQUIREMENTS,
    "answer": _ANSWER_KINDS,
    "roster_fact": get_args(RosterFact),
}
_ID_HINTS = {
    "item": "应为大写字母、连字符加两位数字，如 PLAN-01",
    "section": "应为小写字母、数字和连字符，如 study-plan",
    "template": "应为小写字母、数字和连字符，如 general",
    "criterion": "应为大写字母加两位数字，如 WL04",
}


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _outside(name: str) -> Callable[[str], bool]:
    """Headers that are not sub-tables of `name`."""
    return lambda header: not header.startswith(name + ".")


def _named(name: str) -> Callable[[str], bool]:
    return lambda header: header == name


class _Lines:
    """Finds the line of a table, an array-of-tables entry or a key in raw TOML text.

    Heuristic (comments and multi-line strings may fool it); it only feeds
    error messages, never the data.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.headers: list[tuple[int, str]] = []  # (0-based line, normalised name)
        for n, line in enumerate(self.lines):
            m = self._HEADER.match(line)
            if m:
                name = ".".join(p.strip().strip("\"'") for p in m.group(2).split("."))
                self.headers.append((n, name))

    def _next_header(self, after: int, pred: Callable[[str], bool], limit: int) -> int:
        for n, name in self.headers:
            if after < n < limit and pred(name):
                return n
        return limit

    def block(self, path: Sequence[tuple[str, int | None]]) -> tuple[int, int] | None:
        """(header line, end of own keys) of e.g. [("sections", 2), ("sections.items", 0)]."""
        lo, hi = -1, len(self.lines)
        start = own_end = -1
        for name, index in path:
            found = [n for n, h in self.headers if h == name and lo < n < hi]
            k = 0 if index is None else index
            if k >= len(found):
                return None
            start = found[k]
            own_end = self._next_header(start, lambda _h: True, hi)
            lo, hi = start, self._next_header(start, _outside(name), hi)
            if index is not None:
                hi = min(hi, self._next_header(start, _named(name), hi))
        return start, own_end

    def key(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(r"^\s*([\"']?)" + re.escape(key) + r"\1\s*=")
        for n in range(max(start, 0), min(end, len(self.lines))):
            if pattern.match(self.lines[n]):
                return n
        return None

    def containing(self, needle: str) -> int | None:
        for n, line in enumerate(self.lines):
            if needle in line:
                return n
        return None

    def locate(self, path: Sequence[tuple[str, int | None]], key: str | None, value: Any = None) -> int | None:
        """1-based line of ``key`` in the block at ``path`` (else the id line, else the header)."""
        block = self.block(path) if path else (-1, self._next_header(-1, lambda _h: True, len(self.lines)))
        if block is not None:
            start, end = block
            for k in (key, "id"):
                if k:
                    n = self.key(start + 1, end, k)
                    if n is not None:
                        return n + 1
            return start + 1 if start >= 0 else None
        if isinstance(value, str) and value:
            n = self.containing(f'"{value}"')
            return None if n is None else n + 1
        return None


def _subscript(data: Any, *keys: Any) -> Any:
    for k in keys:
        try:
            data = data[k]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _reason(err: Mapping[str, Any], fld: str | None, kind: str) -> str:
    etype = err["type"]
    value = err.get("input")
    if etype in ("string_too_short", "too_short"):
        return "不能为空"
    if etype in _TYPE_NAMES:
        return _TYPE_NAMES[etype]
    if etype in ("enum", "literal_error"):
        allowed = _ENUM_FIELDS.get(fld or "")
        if allowed is None:
            return f"「{_show(value)}」不是有效的取值（{err.get('ctx', {}).get('expected', '')}）"
        shown = "、".join(f"「{a}」" if a else "空字符串" for a in allowed)
        return f"「{_show(value)}」不是有效的取值（可选：{shown}）"
    if etype == "string_pattern_mismatch":
        return f"「{_show(value)}」格式不正确（{_ID_HINTS.get(kind, '格式不符合要求')}）"
    return str(err.get("msg", etype))


def _subject(kind: str, ident: Any, index: int | None, parent: Any = None) -> str:
    if kind == "template":
        return "模板信息 [template]"
    if kind == "file":
        return "文件"
    label = {"item": "条目", "section": "章节", "criterion": "认定标准", "source": "依据"}[kind]
    if isinstance(ident, str) and ident:
        return f"{label} {ident}"
    where = f"（章节 {parent}）" if kind == "item" and isinstance(parent, str) and parent else ""
    return f"第{(index or 0) + 1}个{label}{where}"


class _Reporter:
    """Turns validation problems into ChecklistErrors for one file."""

    def __init__(self, display: str, text: str, raw: Mapping[str, Any]) -> None:
        self.display = display
        self.lines = _Lines(text)
        self.raw = raw
        self.errors: list[ChecklistError] = []

    def add(self, message: str, *, line: int | None, item: str | None, fld: str | None, code: str) -> None:
        self.errors.append(ChecklistError(self.display, message, line, item, fld, code))

    def _where(
        self, loc: tuple[Any, ...]
    ) -> tuple[str, list[tuple[str, int | None]], str | None, Any, Any, int | None]:
        """(kind, header path, field, id of the thing, parent id, index) for a loc in file layout."""
        if loc and loc[0] in ("criteria", "sources") and len(loc) >= 2 and isinstance(loc[1], int):
            ident = _subscript(self.raw, loc[0], loc[1], "id")
            kind = "criterion" if loc[0] == "criteria" else "source"
            return kind, [(loc[0], loc[1])], (loc[2] if len(loc) > 2 else None), ident, None, loc[1]
        if loc and loc[0] == "sections" and len(loc) >= 2 and isinstance(loc[1], int):
            si = loc[1]
            sid = _subscript(self.raw, "sections", si, "id")
            if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
                ii = loc[3]
                ident = _subscript(self.raw, "sections", si, "items", ii, "id")
                path: list[tuple[str, int | None]] = [("sections", si), ("sections.items", ii)]
                return "item", path, (loc[4] if len(loc) > 4 else None), ident, sid, ii
            return "section", [("sections", si)], (loc[2] if len(loc) > 2 else None), sid, None, si
        if loc and loc[0] == "template":
            return "template", [("template", None)], (loc[1] if len(loc) > 1 else None), None, None, None
        return "file", [], (loc[0] if loc else None), None, None, None

    def _line(self, path: list[tuple[str, int | None]], fld: str | None, ident: Any) -> int | None:
        return self.lines.locate(path, fld, ident)

    def pydantic(self, exc: ValidationError, to_file_loc: Callable[[tuple[Any, ...]], tuple[Any, ...]]) -> None:
        for err in exc.errors(include_url=False):
            ctx = err.get("ctx") or {}
            loc = tuple(ctx["at"]) if "at" in ctx else tuple(err["loc"])
            loc = to_file_loc(loc)
            kind, path, fld, ident, parent, index = self._where(loc)
            subject = _subject(kind, ident, index, parent)
            item_id = ident if isinstance(ident, str) and kind in ("item", "criterion", "source") else None
            line = self._line(path, fld if isinstance(fld, str) else None, ident)
            etype = err["type"]
            if etype.startswith("duplicate_") and etype != "duplicate_value":
                first = to_file_loc(tuple(ctx["first"]))
                k2, p2, f2, i2, _, _ = self._where(first)
                first_line = self._line(p2, f2, i2)
                also = f"（已在第{first_line}行使用）" if first_line else ""
                self.add(f"{err['msg']}{also}", line=line, item=item_id, fld=fld, code="duplicate")
            elif etype == "missing" and fld in ("items", "sections", "criteria", "sources"):
                what = {
                    "items": "没有任何条目（缺少 [[sections.items]]）",
                    "sections": "没有任何章节（缺少 [[sections]]）",
                    "criteria": "没有任何认定标准（缺少 [[criteria]]）",
                    "sources": "没有任何依据（缺少 [[sources]]）",
                }[fld]
                self.add(
                    f"{'文件' if kind in ('template', 'file') else subject + ' '}{what}",
                    line=line,
                    item=item_id,
                    fld=fld,
                    code="empty",
                )
            elif etype == "too_short" and fld in ("items", "sections", "criteria", "sources"):
                what = {
                    "items": "没有任何条目",
                    "sections": "没有任何章节",
                    "criteria": "没有任何认定标准",
                    "sources": "没有任何依据",
                }[fld]
                self.add(
                    f"{'文件' if kind in ('template', 'file') else subject + ' '}{what}",
                    line=line,
                    item=item_id,
                    fld=fld,
                    code="empty",
                )
            elif etype == "missing":
                self.add(f"{subject} 缺少必填字段 {fld}", line=line, item=item_id, fld=fld, code="missing")
            elif etype == "extra_forbidden":
                self.unknown_field(kind, subject, path, fld, item_id)
            elif fld is None:
                self.add(f"{subject} {_reason(err, None, kind)}", line=line, item=item_id, fld=None, code="invalid")
            else:
                self.add(
                    f"{subject} 的字段 {fld} 无效：{_reason(err, fld, kind)}",
                    line=line,
                    item=item_id,
                    fld=fld,
                    code="invalid",
                )

    def unknown_field(
        self, kind: str, subject: str, path: list[tuple[str, int | None]], fld: Any, item_id: str | None
    ) -> None:
        fields_of: dict[str, Mapping[str, object]] = {
            "item": Item.model_fields,
            "section": Section.model_fields,
            "template": {k: None for k in ChecklistTemplate.model_fields if k != "sections"},
            "criterion": WeakLaxCriterion.model_fields,
            "source": RuleSource.model_fields,
        }
        known = fields_of.get(kind, {})
        hint = ""
        close = difflib.get_close_matches(str(fld), list(known), n=1)
        if close:
            hint = f"（是否应为 {close[0]}？）"
        line = self.lines.locate(path, str(fld)) if path else self.lines.locate([], str(fld))
        what = "文件含有未知的顶层字段" if kind == "file" else f"{subject} 含有未知字段"
        self.add(f"{what} {fld}{hint}", line=line, item=item_id, fld=str(fld), code="unknown_field")


def _decode(display: str, data: bytes) -> tuple[str | None, ChecklistError | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "，看起来是 GBK 编码"
        except UnicodeDecodeError:
            pass
        return None, ChecklistError(display, f"文件不是 UTF-8 编码{hint}，请另存为 UTF-8", line, None, None, "encoding")


def _parse(display: str, data: bytes) -> tuple[dict[str, Any] | None, str, list[ChecklistError]]:
    text, err = _decode(display, data)
    if text is None:
        assert err is not None
        return None, "", [err]
    try:
        return tomllib.loads(text), text, []
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line: int | None = None
        col = ""
        if m:
            msg = msg[: m.start()]
            if m.group(1):
                line, col = int(m.group(1)), f"（第{m.group(2)}列）"
            else:
                line = text.count("\n") + (0 if text.endswith("\n") else 1)
        zh = next((z for en, z in _TOML_MESSAGES if msg.startswith(en)), msg)
        return None, text, [ChecklistError(display, f"TOML 语法错误{col}：{zh}", line, None, None, "syntax")]


# ------------------------------------------------------------------------ loading


@dataclass(frozen=True)
class _File:
    display: str
    name: str
    read: Callable[[], bytes]


def _files_in(source: Any) -> list[_File]:
    """TOML files of one source, sorted by name. ``source`` None = shipped data."""
    out: list[_File] = []
    if source is None:
        root = files(_SHIPPED_PACKAGE)
        for entry in root.iterdir():
            if entry.name.endswith(".toml") and entry.is_file():
                out.append(_File(f"{_SHIPPED_PACKAGE}/{entry.name}", entry.name, entry.read_bytes))
    else:
        directory = Path(source)
        if directory.is_dir():
            for path in directory.glob("*.toml"):
                if path.is_file():
                    out.append(_File(str(path), path.name, path.read_bytes))
    return sorted(out, key=lambda f: f.name)


def _sources(extra_dirs: Sequence[Path | str]) -> list[list[_File]]:
    return [_files_in(None), *(_files_in(d) for d in extra_dirs)]


def _read(f: _File) -> tuple[bytes | None, ChecklistError | None]:
    try:
        return f.read(), None
    except OSError as exc:
        return None, ChecklistError(f.display, f"无法读取文件：{exc.strerror or exc}", code="io")


def _template_from_raw(
    display: str, raw: dict[str, Any], text: str, weaklax_ids: set[str] | None, source_ids: set[str] | None
) -> tuple[ChecklistTemplate | None, list[ChecklistError]]:
    rep = _Reporter(display, text, raw)
    for key in raw:
        if key not in ("template", "sections"):
            rep.unknown_field("file", "文件", [], key, None)
    meta = raw.get("template")
    if not isinstance(meta, dict):
        what = "缺少 [template] 表" if meta is None else "的 template 应为表 [template]"
        rep.add(
            f"文件{what}",
            line=None if meta is None else rep.lines.locate([], "template"),
            item=None,
            fld="template",
            code="missing" if meta is None else "invalid",
        )
        return None, rep.errors
    data = {k: v for k, v in meta.items() if k != "sections"}
    if "sections" in meta:
        rep.unknown_field("template", _subject("template", None, None), [("template", None)], "sections", None)
    if "sections" in raw:
        data["sections"] = raw["sections"]
    if rep.errors:
        return None, rep.errors

    def to_file_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
        if loc and loc[0] == "sections":
            return loc
        return ("template", *loc) if loc else ("template",)

    try:
        template = ChecklistTemplate.model_validate(
            data, context={"weaklax_ids": weaklax_ids, "source_ids": source_ids}
        )
    except ValidationError as exc:
        rep.pydantic(exc, to_file_loc)
        return None, rep.errors
    return template, []


def _load_by_id(
    extra_dirs: Sequence[Path | str], name: str, model: type[_Model], context: dict[str, Any]
) -> tuple[dict[str, Any], list[ChecklistError]]:
    """The entries of a reserved file (`weaklax.toml`, `sources.toml`) merged by
    id over every source, later ones overriding; a malformed file is skipped."""
    merged: dict[str, Any] = {}
    errors: list[ChecklistError] = []
    for group in _sources(extra_dirs):
        for f in group:
            if f.name != name:
                continue
            data, err = _read(f)
            if data is None:
                errors.append(err)  # type: ignore[arg-type]
                continue
            raw, text, errs = _parse(f.display, data)
            if raw is None:
                errors.extend(errs)
                continue
            try:
                parsed = model.model_validate(raw, context={**context, "known_ids": set(merged)})
            except ValidationError as exc:
                rep = _Reporter(f.display, text, raw)
                rep.pydantic(exc, lambda loc: loc)
                errors.extend(rep.errors)
                continue
            entries = parsed.criteria if isinstance(parsed, _WeakLaxFile) else parsed.sources  # type: ignore[attr-defined]
            for entry in entries:
                merged[entry.id] = entry
    return merged, errors


def _load_weaklax(
    extra_dirs: Sequence[Path | str], source_ids: set[str] | None = None
) -> tuple[list[WeakLaxCriterion], list[ChecklistError]]:
    merged, errors = _load_by_id(extra_dirs, WEAKLAX_FILE, _WeakLaxFile, {"source_ids": source_ids})
    return list(merged.values()), errors


def load_sources(
    extra_dirs: Sequence[Path | str] = (), errors: list[ChecklistError] | None = None
) -> dict[str, RuleSource]:
    """Dated rule sources: shipped ``sources.toml``, overridden by id from ``extra_dirs``."""
    merged, errs = _load_by_id(extra_dirs, SOURCES_FILE, _SourcesFile, {})
    if errors is not None:
        errors.extend(errs)
    return merged


def load_weaklax_criteria(
    extra_dirs: Sequence[Path | str] = (), errors: list[ChecklistError] | None = None
) -> list[WeakLaxCriterion]:
    """软弱涣散 criteria: shipped ``weaklax.toml``, overridden by id from ``extra_dirs``.

    A malformed file is skipped; pass a list as ``errors`` to receive its problems.
    """
    criteria, errs = _load_weaklax(extra_dirs)
    if errors is not None:
        errors.extend(errs)
    return criteria


#: Loads already made in this process, by the name and content of every source
#: file: the app, every memo of a batch and every test load the same files.
_LOADED: dict[tuple[tuple[tuple[str, str], ...], ...], LoadResult] = {}
_LOADED_MAX = 16


def load_templates(extra_dirs: Sequence[Path | str] = ()) -> LoadResult:
    """Load every template: shipped data first, then each of ``extra_dirs`` in order.

    A template whose id was already loaded from an earlier source replaces it;
    two files with the same id in one source are an error (the first wins).
    Directories that do not exist are skipped.

    Parsing and validating costs far more than reading, so a load is kept per
    process by the files' names and content hashes (an edited file is a new
    key); the result's models are frozen and its containers are copied, so a
    caller changing them changes no later load.
    """
    try:
        key = tuple(
            tuple((f.display, hashlib.sha256(f.read()).hexdigest()) for f in group) for group in _sources(extra_dirs)
        )
    except OSError:
        return _load_templates(extra_dirs)  # the load reports the unreadable file
    loaded = _LOADED.get(key)
    if loaded is None:
        loaded = _load_templates(extra_dirs)
        if len(_LOADED) >= _LOADED_MAX:
            del _LOADED[next(iter(_LOADED))]
        _LOADED[key] = loaded
    return LoadResult(
        templates=dict(loaded.templates),
        committee=dict(loaded.committee),
        errors=list(loaded.errors),
        criteria=list(loaded.criteria),
        sources=dict(loaded.sources),
        origins=dict(loaded.origins),
    )


def _load_templates(extra_dirs: Sequence[Path | str]) -> LoadResult:
    errors: list[ChecklistError] = []
    sources = load_sources(extra_dirs, errors)
    criteria, errs = _load_weaklax(extra_dirs, set(sources))
    result = LoadResult(criteria=criteria, errors=errors + errs, sources=sources)
    weaklax_ids = {c.id for c in criteria}
    for group in _sources(extra_dirs):
        seen_here: dict[str, str] = {}
        for f in group:
            if f.name in (WEAKLAX_FILE, SOURCES_FILE):
                continue
            data, err = _read(f)
            if data is None:
                result.errors.append(err)  # type: ignore[arg-type]
                continue
            raw, text, errs = _parse(f.display, data)
            if raw is None:
                result.errors.extend(errs)
                continue
            template, errs = _template_from_raw(f.display, raw, text, weaklax_ids, set(sources))
            if template is None:
                result.errors.extend(errs)
                continue
            if template.id in seen_here:
                line = _Lines(text).locate([("template", None)], "id")
                result.errors.append(
                    ChecklistError(
                        f.display,
                        f"模板编号 {template.id} 与 {seen_here[template.id]} 重复，本文件未加载",
                        line,
                        None,
                        "id",
                        "duplicate",
                    )
                )
                continue
            seen_here[template.id] = f.display
            template = with_settings(template, SETTING_DEFAULTS)  # never a {placeholder} on screen
            (result.committee if template.scope == "committee" else result.templates)[template.id] = template
            result.origins[template.id] = f.display
    return result


def pick_template(
    templates: Mapping[str, ChecklistTemplate], sector: Sector | str | Sequence[Sector | str]
) -> ChecklistTemplate:
    """The template meant for this sector (the most specific one), else ``general``;
    a branch with several sector tags gets the one meant for its first tag that has one."""
    tags = [Sector(sector)] if isinstance(sector, str) else [Sector(s) for s in sector]
    specific: list[ChecklistTemplate] = []
    for tag in tags:
        specific = [t for t in templates.values() if tag in t.sectors]
        if specific:
            break
    if specific:
        return min(specific, key=lambda t: (len(t.sectors), t.id))
    if "general" in templates:
        return templates["general"]
    generic = sorted((t for t in templates.values() if not t.sectors), key=lambda t: t.id)
    if generic:
        return generic[0]
    raise LookupError(f"没有适用于「{labels.label(tags[0])}」的检查清单模板")


def citation_problems(loaded: LoadResult, start: date, end: date) -> list[str]:
    """Citations a campaign from `start` to `end` cannot make, one Chinese line each:
    a source unknown to the sources list, or one that took effect only after the
    campaign ended (a source taking effect during the campaign is cited from its
    date on, see `cited_on`)."""
    cites = [
        (f"检查清单 {t.id} 条目 {i.id}", i.cites)
        for t in [*loaded.templates.values(), *loaded.committee.values()]
        for i in t.items()
    ]
    cites += [(f"软弱涣散认定标准 {c.id}", c.cites) for c in loaded.criteria]
    out = []
    for where, ids in cites:
        for sid in ids:
            source = loaded.sources.get(sid)
            if source is None:
                out.append(f"{where} 引用的依据「{sid}」不在依据清单中")
            elif source.starts is not None and source.starts > end:
                out.append(
                    f"{where} 引用的「{source.title}」施行于{source.effective}，晚于活动结束（{end.isoformat()}）"
                )
            elif source.ends is not None and source.ends <= start:
                out.append(f"{where} 引用的「{source.title}」在活动开始前已被取代（{source.replaced_on}）")
    return out


#: The five member problems of plan 一 (理想信念模糊动摇 …): they describe
#: individual members, while every checklist item is a duty of the branch or
#: of the committee, whose shortfall is an 组织 or 作风 problem.
MEMBER_PROBLEMS = frozenset(
    {
        FindingCategory.WAVERING_FAITH,
        FindingCategory.WEAK_PARTY_AWARENESS,
        FindingCategory.WEAK_SERVICE_ETHOS,
        FindingCategory.LOW_MORALE,
        FindingCategory.IMPROPER_CONDUCT,
    }
)


def category_problems(loaded: LoadResult) -> list[str]:
    """Items whose problem category names one of the member problems, one Chinese line each."""
    return [
        f"检查清单 {t.id} 条目 {i.id} 的问题类别「{labels.label(i.category)}」是党员个人的问题，"
        "而条目检查的是组织的工作，应归为组织或作风问题"
        for t in [*loaded.templates.values(), *loaded.committee.values()]
        for i in t.items()
        if i.category in MEMBER_PROBLEMS
    ]


def item_subject(item: Item) -> tuple[Sector, str] | None:
    """The kind of branch an item's text makes its subject (社区党组织接收…,
    离退休党支部结合…, 联合党支部统筹…), whose duty it is alone, with the words
    naming it; None for an item about any branch."""
    for sector in Sector:
        name = labels.label(sector)
        for subject in (name,) if name.endswith("党支部") else (name + "党组织", name + "党支部"):
            if item.text.startswith(subject):
                return sector, subject
    return None


def sector_problems(loaded: LoadResult) -> list[str]:
    """Items whose sector data breaks the plan's 四、3 relief or names the wrong
    branches, one Chinese line each: a relief whose branches the section asks
    nothing instead, a relief for branches the item is not meant for, an item
    about one kind of branch that applies to others."""
    out = []
    for t in loaded.templates.values():
        for i in t.items():
            where = f"检查清单 {t.id} 条目 {i.id}"
            others = [o for o in t.section_of(i.id).items if o.id != i.id]
            for s in i.relief:
                if i.sectors and s not in i.sectors:
                    out.append(
                        f"{where} 对「{labels.label(s)}」放宽要求，但本条目只适用于"
                        + "、".join(labels.label(x) for x in i.sectors)
                    )
                elif not any(s in o.sectors for o in others):
                    out.append(f"{where} 对「{labels.label(s)}」放宽要求，但同一部分没有适用于它的替代条目")
            subject = item_subject(i)
            if subject is not None and set(i.sectors) != {subject[0]}:
                out.append(f"{where} 写的是{subject[1]}的工作，应只适用于「{labels.label(subject[0])}」")
    return out


# ------------------------------------------------------------ committee settings

_CN_COUNTS = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def with_settings(template: ChecklistTemplate, values: Mapping[str, int]) -> ChecklistTemplate:
    """The template as this committee asks it: each {setting} in an item's text
    and problem written out as a Chinese count (每季度至少讲一次党课); an item
    whose setting is 0 is not asked. A visit keeps this version, so a later
    change of the setting never rewrites what an old visit asked."""

    def fill(text: str) -> str:
        for name in SETTING_PLACEHOLDERS:
            text = text.replace("{" + name + "}", _CN_COUNTS[values[name]])
        return text

    def named(item: dict[str, Any]) -> list[str]:
        return [n for n in SETTING_PLACEHOLDERS if "{" + n + "}" in item["text"] + item["problem"]]

    raw = template._unfilled or template
    data = raw.model_dump(mode="json")
    if not any(named(i) for sec in data["sections"] for i in sec["items"]):
        return template
    for sec in data["sections"]:
        sec["items"] = [
            {**i, "text": fill(i["text"]), "problem": fill(i["problem"])}
            for i in sec["items"]
            if all(values[n] for n in named(i))
        ]
    data["sections"] = [sec for sec in data["sections"] if sec["items"]]
    filled = ChecklistTemplate.model_validate(data)
    filled._unfilled = raw
    return filled


# ---------------------------------------------------------------------- snapshots


#: Fields added after the first release, left out of the hash while at their
#: default so that a template (and a visit's snapshot of it) keeps its hash.
_LATER_ITEM_FIELDS: dict[str, Any] = {"problem": "", "due": "", "cites": [], "relief": [], "roster_fact": ""}
_LATER_TEMPLATE_FIELDS = {"scope": "branch"}


def _without_later_defaults(data: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in later or v != later[k]}


def _schema1_form(template: dict[str, Any]) -> dict[str, Any]:
    """A dumped template with its codes spelt as schema 1 stored them (see `content_hash`)."""

    def spelt(enum: type[Any], values: list[str]) -> list[str]:
        return [SCHEMA1_VALUES[enum][v] for v in values]

    def item(i: dict[str, Any]) -> dict[str, Any]:
        return {
            **_without_later_defaults(i, _LATER_ITEM_FIELDS),
            "methods": spelt(VisitMethod, i["methods"]),
            "sectors": spelt(Sector, i["sectors"]),
            **({"relief": spelt(Sector, i["relief"])} if i.get("relief") else {}),
            "severity": SCHEMA1_VALUES[Severity][i["severity"]],
            "category": SCHEMA1_VALUES[FindingCategory][i["category"]],
        }

    return {
        **_without_later_defaults(template, _LATER_TEMPLATE_FIELDS),
        "sectors": spelt(Sector, template["sectors"]),
        "sections": [{**s, "items": [item(i) for i in s["items"]]} for s in template["sections"]],
    }


def template_snapshot(template: ChecklistTemplate) -> dict[str, Any]:
    """A JSON-ready copy of the template, to be stored with a visit."""
    return {
        "format": SNAPSHOT_FORMAT,
        "id": template.id,
        "version": template.version,
        "content_hash": template.content_hash,
        "template": template.model_dump(mode="json"),
    }


def template_from_snapshot(snapshot: Mapping[str, Any]) -> ChecklistTemplate:
    """The template frozen by :func:`template_snapshot`.

    The content is validated again (without checking 软弱涣散 ids, which may
    have changed since) and must match the stored hash: ValueError otherwise.
    """
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"不支持的检查清单快照格式：{snapshot.get('format')!r}")
    template = ChecklistTemplate.model_validate(snapshot["template"])
    expected = snapshot.get("content_hash")
    if expected != template.content_hash:
        raise ValueError(f"检查清单快照 {template.id} {template.version} 的校验值不一致，内容可能被改动")
    return template
