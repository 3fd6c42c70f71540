"""Branch details as people type them (the add/edit form, a roster CSV).

Both paths turn text fields into a `Branch` through `branch_from_fields`, so a
roster row and a form are checked by the same rules and explained by the same
Chinese messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pydantic import ValidationError

from inspector import labels
from inspector.errors import StoreError
from inspector.labels import BRANCH_FIELDS as LABELS
from inspector.models import Branch, Sector

if TYPE_CHECKING:
    from inspector.store import BranchSummary

#: Short forms seen in committees' own rosters.
SECTOR_ALIASES: dict[str, Sector] = {
    "国企": Sector.STATE_ENTERPRISE,
    "非公": Sector.PRIVATE_ENTERPRISE,
    "非公企业": Sector.PRIVATE_ENTERPRISE,
    "民营企业": Sector.PRIVATE_ENTERPRISE,
    "社会团体": Sector.SOCIAL_ORG,
    "窗口单位": Sector.SERVICE_WINDOW,
    "服务行业": Sector.SERVICE_WINDOW,
    "机关": Sector.PUBLIC_INSTITUTION,
    "事业单位": Sector.PUBLIC_INSTITUTION,
    "机关单位": Sector.PUBLIC_INSTITUTION,
    "村": Sector.RURAL,
    "离退休干部": Sector.RETIRED,
    "退休": Sector.RETIRED,
    "流动党员党支部": Sector.MOBILE,
    "联合支部": Sector.JOINT,
}

_YES = {"是", "有", "y", "yes", "1", "true", "√", "✓"}
_NO = {"否", "无", "没有", "n", "no", "0", "false", ""}


class BranchInvalid(ValueError):
    """The typed fields do not make a valid branch; `problems` maps field → message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("；".join(problems.values()))


def parse_sector(text: str) -> Sector:
    text = text.strip()
    if not text:
        return Sector.OTHER
    try:
        return labels.parse(Sector, text)
    except ValueError:
        pass
    if text in SECTOR_ALIASES:
        return SECTOR_ALIASES[text]
    choices = "、".join(labels.labels(Sector))
    raise ValueError(f"所属领域「{text}」无法识别，应为：{choices}")


def parse_sectors(text: str) -> list[Sector]:
    """Further sector tags as typed: labels or codes separated by 、，, ; or spaces."""
    import re

    return list(dict.fromkeys(parse_sector(t) for t in re.split(r"[、，,;；\s]+", text.strip()) if t))


def _count(label: str, text: str) -> int:
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return 0
    if text.endswith("人") or text.endswith("个"):
        text = text[:-1]
    if not text.isdigit():
        raise ValueError(f"{label}应为不小于 0 的整数（现为「{text}」）")
    return int(text)


def _flag(label: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"{label}应填「是」或「否」（现为「{text.strip()}」）")


def _pydantic_problem(err: Mapping) -> tuple[str, str]:
    field = str(err["loc"][0]) if err.get("loc") else "name"
    label = LABELS.get(field, field)
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("string_too_short", "missing"):
        return field, f"{label}不能为空"
    if kind == "string_too_long":
        return field, f"{label}太长（不超过 {ctx.get('max_length')} 字）"
    if kind in ("less_than_equal", "greater_than_equal"):
        return field, f"{label}超出范围（{ctx.get('ge', 0)}～{ctx.get('le', '')}）"
    return field, f"{label}无效"


def branch_from_fields(fields: Mapping[str, str | bool], base: Branch | None = None) -> Branch:
    """A validated Branch from text fields (missing fields keep `base`'s values).

    Raises BranchInvalid with one Chinese message per bad field.
    """
    problems: dict[str, str] = {}
    values: dict[str, object] = base.model_dump() if base else {}
    for key, raw in fields.items():
        if key not in LABELS:
            continue
        try:
            if key == "sector":
                values[key] = parse_sector(str(raw))
            elif key == "other_sectors":
                values[key] = parse_sectors(str(raw))
            elif key in ("members", "probationary_members", "party_groups"):
                values[key] = _count(LABELS[key], str(raw))
            elif key == "has_leading_cadres":
                values[key] = raw if isinstance(raw, bool) else _flag(LABELS[key], str(raw))
            else:
                values[key] = str(raw).strip()
        except ValueError as exc:
            problems[key] = str(exc)
    if int(str(values.get("probationary_members") or 0)) > int(str(values.get("members") or 0)):
        problems.setdefault("probationary_members", "其中预备党员不能多于党员人数")
    try:
        # Fields that failed to parse keep their old value here, so that the
        # other fields are still checked and every problem is reported at once.
        branch = Branch.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors():
            field, message = _pydantic_problem(err)
            problems.setdefault(field, message)
    if problems:
        raise BranchInvalid(problems)
    return branch


def name_taken(name: str, others: Iterable[tuple[str, str]], own_id: str | None = None) -> bool:
    """Whether another branch (id, name) already uses this name; names identify
    branches to people, so two 第一党支部 would be confused in every list."""
    key = _name_key(name)
    return any(_name_key(n) == key and i != own_id for i, n in others)


def _name_key(name: str) -> str:
    return "".join(name.split())


def find_branch(summaries: Iterable[BranchSummary], query: str) -> BranchSummary:
    """The one branch a command names: its exact name, else the only one whose
    name or pinyin initials contain `query`; a Chinese error otherwise."""
    from inspector.pinyin import matches

    summaries = list(summaries)
    exact = [s for s in summaries if s.name == query.strip()]
    if len(exact) == 1:
        return exact[0]
    hits = [s for s in summaries if matches(query, s.name, s.initials)]
    if not hits:
        raise StoreError(f"没有名称或拼音首字母包含「{query.strip()}」的党支部")
    if len(hits) > 1:
        shown = "、".join(s.name for s in hits[:5]) + ("等" if len(hits) > 5 else "")
        raise StoreError(f"「{query.strip()}」对应{len(hits)}个党支部（{shown}），请写全名称")
    return hits[0]
