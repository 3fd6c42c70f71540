"""Domain records of the inspector.

Every stored record carries a stable UUID (`id`); references between records
use these ids, never TinyDB document ids. Enum *values* are the Chinese words
users see and that the documents print; member names are English for code.
Derived facts (逾期, days since a letter was issued) are computed, never stored.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Sector(StrEnum):
    """Branch sectors: the plan's 三、5 list plus retired members and other."""

    RURAL = "农村"
    COMMUNITY = "社区"
    STATE_ENTERPRISE = "国有企业"
    PRIVATE_ENTERPRISE = "非公有制企业"
    SOCIAL_ORG = "社会组织"
    SERVICE_WINDOW = "窗口单位/服务行业"
    PUBLIC_INSTITUTION = "机关事业单位"
    SCHOOL = "学校"
    RETIRED = "离退休"
    OTHER = "其他"


class VisitMethod(StrEnum):
    REVIEW_RECORDS = "查阅资料"
    HEAR_REPORT = "听取汇报"
    DISCUSSION = "座谈"
    ATTEND = "列席"


class VisitStatus(StrEnum):
    DRAFT = "进行中"
    COMPLETED = "已完成"


class AnswerValue(StrEnum):
    MET = "符合"
    PARTLY_MET = "基本符合"
    NOT_MET = "不符合"
    NOT_APPLICABLE = "不适用"


class Severity(StrEnum):
    MINOR = "一般"
    MAJOR = "较重"
    SERIOUS = "严重"


class FindingCategory(StrEnum):
    """Problem areas named by the plan (一、 and 三、3): the four areas of the
    branch, then the five problem types of members."""

    IDEOLOGY = "思想"
    ORGANISATION = "组织"
    CONDUCT = "作风"
    DISCIPLINE = "纪律"
    WAVERING_FAITH = "理想信念模糊动摇"
    WEAK_PARTY_AWARENESS = "党的意识淡化"
    WEAK_SERVICE_ETHOS = "宗旨观念淡薄"
    LOW_MORALE = "精神不振"
    IMPROPER_CONDUCT = "道德行为不端"


class FindingStatus(StrEnum):
    NOT_STARTED = "未启动"
    IN_PROGRESS = "整改中"
    AWAITING_CHECK = "待验收"
    CLOSED = "已销号"


class MemberKind(StrEnum):
    POCKET = "口袋党员"
    LOST_CONTACT = "失联党员"
    MOBILE = "流动党员"


class LegalTrack(StrEnum):
    """The two legal tracks for members out of reach (see `inspector/pocket.py`)."""

    NONE = "暂不适用"
    LAPSED = "自行脱党（党章第九条）"
    SUSPENDED = "停止党籍（党员教育管理工作条例第二十四条）"


class Disposition(StrEnum):
    PENDING = "排查中"
    BACK_TO_NORMAL = "纳入正常管理"
    CORRECT_WITHIN_TERM = "限期改正"
    PERSUADE_TO_LEAVE = "劝退"
    STRUCK_OFF = "除名"
    SUSPENDED = "停止党籍"
    PROBATION_CANCELLED = "取消预备党员资格"
    TRANSFERRED = "已转接组织关系"


class WeakLaxStatus(StrEnum):
    IDENTIFIED = "已认定"
    RECTIFYING = "整顿中"
    ACCEPTED = "已验收"
    CLOSED = "已销号"


class AcceptanceResult(StrEnum):
    PASSED = "合格"
    BASICALLY_PASSED = "基本合格"
    FAILED = "不合格"


class Record(BaseModel):
    """Base of every stored record: a UUID and a tombstone flag.

    `kind` names the table the record lives in; sync and history key on it.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, use_enum_values=False)
    kind: ClassVar[str] = "record"

    id: str = Field(default_factory=new_id)
    deleted: bool = False


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class Committee(Record):
    kind: ClassVar[str] = "committee"
    name: str = Field(min_length=1, max_length=200)
    parent: str = ""
    contact: str = ""

    _strip_name = field_validator("name", mode="before")(_strip)


class Branch(Record):
    kind: ClassVar[str] = "branch"
    name: str = Field(min_length=1, max_length=200)
    sector: Sector = Sector.OTHER
    secretary: str = Field(default="", max_length=100)
    members: int = Field(default=0, ge=0, le=100000)
    party_groups: int = Field(default=0, ge=0, le=10000)
    has_leading_cadres: bool = False
    contact: str = Field(default="", max_length=200)
    notes: str = ""
    # Pinyin initials of the name, computed when the branch is saved so that
    # filtering at start-up does not pay for importing pypinyin.
    initials: str = ""

    _strip_name = field_validator("name", "secretary", "contact", mode="before")(_strip)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: AnswerValue
    note: str = ""
    evidence: str = ""
    who: str = ""
    at: datetime = Field(default_factory=utcnow)


class MemoRecord(BaseModel):
    """A Word memo generated for a visit."""

    model_config = ConfigDict(extra="forbid")
    at: datetime = Field(default_factory=utcnow)
    file: str
    sha256: str
    content_hash: str = ""


class Reopening(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: datetime = Field(default_factory=utcnow)
    who: str = ""
    reason: str = Field(min_length=1)


class Visit(Record):
    """One on-site guidance visit (现场指导) to one branch."""

    kind: ClassVar[str] = "visit"
    branch_id: str
    date: date
    inspectors: list[str] = Field(default_factory=list)
    methods: list[VisitMethod] = Field(default_factory=list)
    template_id: str
    template_version: str
    template_hash: str
    status: VisitStatus = VisitStatus.DRAFT
    answers: dict[str, Answer] = Field(default_factory=dict)
    # Notes typed on items not answered yet: saved as typed so a closed lid
    # loses nothing; they move into the answer when the item is answered.
    notes: dict[str, str] = Field(default_factory=dict)
    summary: str = ""
    completed_at: datetime | None = None
    reopenings: list[Reopening] = Field(default_factory=list)
    memos: list[MemoRecord] = Field(default_factory=list)


class Responsibility(BaseModel):
    """责任主体: the responsible leader and the named person who does it."""

    model_config = ConfigDict(extra="forbid")
    leader: str = ""
    person: str = ""


def overdue_days(deadline: date | None, today: date, *, closed: bool = False) -> int:
    """逾期: whole days a finding is past its 整改时限 on `today`; 0 on the deadline itself,
    before it, without one, or once closed (销号). Every count of 逾期 comes from here."""
    if deadline is None or closed:
        return 0
    return max(0, (today - deadline).days)


def deadline_problem(deadline: date | None, found_on: date) -> str:
    """Why a finding's 整改时限 is refused ("" when it is fine): it may not fall before the day the problem was found."""
    if deadline is not None and deadline < found_on:
        return f"整改时限不能早于发现日期（{found_on.isoformat()}）"
    return ""


class Finding(Record):
    """A problem (问题) found on a visit, with its 四明确 and rectification state."""

    kind: ClassVar[str] = "finding"
    branch_id: str
    visit_id: str | None = None
    item_id: str | None = None
    basis: str = ""
    category: FindingCategory = FindingCategory.ORGANISATION
    severity: Severity = Severity.MINOR
    description: str = Field(min_length=1)
    found_on: date
    # 四明确
    goal: str = ""
    measures: str = ""
    deadline: date | None = None
    responsible: Responsibility = Field(default_factory=Responsibility)
    status: FindingStatus = FindingStatus.NOT_STARTED
    progress: str = ""
    evidence: str = ""
    verifier: str = ""
    verified_on: date | None = None
    reopenings: list[Reopening] = Field(default_factory=list)

    @model_validator(mode="after")
    def _deadline_after_found(self) -> Finding:
        problem = deadline_problem(self.deadline, self.found_on)
        if problem:
            raise ValueError(problem)
        return self

    def overdue_days(self, today: date) -> int:
        """Days past the deadline; 0 when not overdue or already closed."""
        return overdue_days(self.deadline, today, closed=self.status == FindingStatus.CLOSED)


#: Longest validity, in days, an 组织关系介绍信 may be given.
MAX_LETTER_DAYS = 3650


class PocketMember(Record):
    """A member outside effective management: 口袋, 失联 or 流动."""

    kind: ClassVar[str] = "pocket"
    branch_id: str
    name: str = Field(min_length=1, max_length=100)
    member_kind: MemberKind = MemberKind.POCKET
    letter_issued: date | None = None
    letter_valid_days: int | None = Field(default=None, ge=1, le=MAX_LETTER_DAYS)
    receiving_org: str = ""
    last_contact: date | None = None
    track: LegalTrack = LegalTrack.NONE
    disposition: Disposition = Disposition.PENDING
    # When the disposition was decided: 停止党籍 starts the two-year clock of `inspector/pocket.py`.
    disposition_on: date | None = None
    notes: str = ""
    found_on: date | None = None
    visit_id: str | None = None

    _strip_name = field_validator("name", mode="before")(_strip)


class Plan4(BaseModel):
    """The 四明确 of a 整顿方案: 目标任务、整顿措施、时限要求、责任主体."""

    model_config = ConfigDict(extra="forbid")
    goal: str = ""
    measures: str = ""
    deadline: date | None = None
    responsible: Responsibility = Field(default_factory=Responsibility)


class CriterionTick(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criterion_id: str
    evidence: str = ""


#: Full marks of a 软弱涣散 acceptance (验收得分 runs from 0).
MAX_SCORE = 100


class WeakLaxDetermination(Record):
    """软弱涣散 determination of one branch and its rectification."""

    kind: ClassVar[str] = "weaklax"
    branch_id: str
    visit_id: str | None = None
    determined_on: date
    criteria: list[CriterionTick] = Field(default_factory=list)
    plan: Plan4 = Field(default_factory=Plan4)
    status: WeakLaxStatus = WeakLaxStatus.IDENTIFIED
    acceptance_result: AcceptanceResult | None = None
    acceptance_score: float | None = Field(default=None, ge=0, le=MAX_SCORE)
    accepted_on: date | None = None
    closed_on: date | None = None
    notes: str = ""


RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Committee, Branch, Visit, Finding, PocketMember, WeakLaxDetermination)
}
